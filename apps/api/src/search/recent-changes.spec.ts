import { Message } from '@parley/contracts';
import { testMessage } from '../testing/messages';
import { RecentChanges } from './recent-changes';

const msg = (id: string, rev: number, roomId = 'r1'): Message => testMessage({ id, roomId, seq: rev, rev, senderId: 'u1', body: `body of ${id}`, clientMsgId: `c-${id}`, createdAt: '2026-12-06T00:00:00.000Z' });
const ids = (answer: { messages: Message[] } | null) => answer?.messages.map((m) => `${m.id}@${m.rev}`);

describe('RecentChanges', () => {
  it('answers only for the revs it saw in order, and lets go of what was read', () => {
    const recent = new RecentChanges();
    recent.record(msg('a', 5));
    recent.record(msg('b', 6));
    recent.record(msg('c', 7));
    expect(recent.since('r1', 3, 10)).toBeNull(); // rev 4 and 5's predecessors were never seen here
    expect(recent.since('r1', 7, 10)).toBeNull(); // nothing known past the cursor: the database decides
    expect(recent.since('other', 0, 10)).toBeNull();
    expect(recent.since('r1', 4, 2)).toEqual({ messages: [msg('a', 5), msg('b', 6)], lastRev: 6 });
    expect(recent.since('r1', 6, 10)).toEqual({ messages: [msg('c', 7)], lastRev: 7 });
    // Read up to 6: those are gone; going back below is the database's to answer.
    expect(recent.kept).toBe(1);
    expect(recent.since('r1', 4, 10)).toBeNull();
  });

  it('keeps only the latest change of a message, and reads past the revs it replaced', () => {
    const recent = new RecentChanges();
    recent.record(msg('a', 1));
    recent.record(msg('b', 2));
    recent.record({ ...msg('a', 3), body: 'edited' });
    const answer = recent.since('r1', 0, 10);
    expect(ids(answer)).toEqual(['b@2', 'a@3']);
    expect(answer?.messages[1].body).toBe('edited');
    expect(answer?.lastRev).toBe(3);
    expect(recent.kept).toBe(2);
  });

  it('starts a room again after a gap, and never answers across a change seen late', () => {
    const recent = new RecentChanges();
    recent.record(msg('a', 1));
    recent.record(msg('c', 3)); // rev 2 was another process's
    expect(recent.since('r1', 0, 10)).toBeNull();
    expect(ids(recent.since('r1', 2, 10))).toEqual(['c@3']);

    recent.record(msg('e', 5)); // 4 is late
    recent.record(msg('d', 4)); // older than what the room's record speaks for: ignored
    recent.record(msg('f', 6));
    expect(recent.since('r1', 3, 10)).toBeNull();
    expect(ids(recent.since('r1', 4, 10))).toEqual(['e@5', 'f@6']);

    recent.record(msg('f', 6)); // a repeat: the record restarts after the newest rev, knowing nothing yet
    expect(recent.since('r1', 5, 10)).toBeNull();
    recent.record(msg('g', 7));
    expect(recent.since('r1', 5, 10)).toBeNull();
    expect(ids(recent.since('r1', 6, 10))).toEqual(['g@7']);
  });

  it('holds a bounded number of messages, forgetting the least recently changed room first', () => {
    const recent = new RecentChanges(4);
    recent.record(msg('a1', 1, 'A'));
    recent.record(msg('a2', 2, 'A'));
    recent.record(msg('b1', 1, 'B'));
    recent.record(msg('a3', 3, 'A')); // A changed last
    recent.record(msg('c1', 1, 'C')); // over the bound: B goes
    expect(recent.kept).toBe(4);
    expect(recent.since('B', 0, 10)).toBeNull();
    expect(ids(recent.since('A', 0, 10))).toEqual(['a1@1', 'a2@2', 'a3@3']);
    expect(ids(recent.since('C', 0, 10))).toEqual(['c1@1']);
  });
});
