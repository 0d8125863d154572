import { sentMessage } from './chat-message';
import { notificationContent } from './message-notifier';
import { typingSentence } from './people-store';
import { seenText } from './room-page/seen-text';
import { listTime } from './room-list/list-time';
import { titleWithUnread } from './tab-title';
import { systemLineText } from './system-line/system-line';
import { TimelineRow, buildTimeline, dayLabel } from './timeline';
import { makeMember, makeMessage, makeUser } from './testing/chat-fakes';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const at = (iso: string, seq: number, senderId = 'ana') => sentMessage(makeMessage({ roomId: 'r', seq, senderId, createdAt: iso }));
/** A system line: `actor` added Cy. */
const added = (iso: string, seq: number, actor = 'ana') =>
  sentMessage(
    makeMessage({
      roomId: 'r',
      seq,
      senderId: actor,
      createdAt: iso,
      body: '',
      kind: 'system',
      event: { type: 'member_added', actor: { id: actor, name: actor }, user: { id: 'cy', name: 'Cy' } },
    }),
  );
/** Rows in short: "3F" is message 3 opening a group, "3FL" a group of one; "system 4" a system line. */
const shortly = (rows: TimelineRow[]) =>
  rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.first ? 'F' : ''}${r.last ? 'L' : ''}` : r.kind === 'system' ? `system ${r.message.seq}` : r.kind));

describe('buildTimeline', () => {
  const now = new Date(2025, 2, 12, 15, 0);

  it('puts a separator before each day and groups one sender within five minutes', () => {
    const messages = [
      at(new Date(2025, 2, 11, 9, 0).toISOString(), 1),
      at(new Date(2025, 2, 12, 9, 0).toISOString(), 2),
      at(new Date(2025, 2, 12, 9, 4).toISOString(), 3),
      at(new Date(2025, 2, 12, 9, 10).toISOString(), 4),
      at(new Date(2025, 2, 12, 9, 11).toISOString(), 5, 'me'),
    ];
    const rows = buildTimeline(messages, 'me', { now });
    expect(rows.map((r) => (r.kind === 'day' ? r.label : r.kind !== 'message' ? r.kind : `${r.message.seq}${r.first ? 'F' : ''}${r.last ? 'L' : ''}${r.mine ? 'M' : ''}`))).toEqual([
      'Yesterday',
      '1FL',
      'Today',
      '2F',
      '3L',
      '4FL',
      '5FLM',
    ]);
  });

  it('leaves out the first separator until the history reaches its beginning', () => {
    const messages = [at(new Date(2025, 2, 12, 9, 0).toISOString(), 51), at(new Date(2025, 2, 12, 9, 1).toISOString(), 52)];
    expect(buildTimeline(messages, 'me', { now, fromBeginning: false }).map((r) => r.kind)).toEqual(['message', 'message']);
    expect(buildTimeline(messages, 'me', { now, fromBeginning: true }).map((r) => r.kind)).toEqual(['day', 'message', 'message']);
  });

  it('puts the "New messages" line above the first message from someone else after my read position', () => {
    const messages = [
      at(new Date(2025, 2, 12, 9, 0).toISOString(), 1),
      at(new Date(2025, 2, 12, 9, 1).toISOString(), 2),
      at(new Date(2025, 2, 12, 9, 2).toISOString(), 3, 'me'),
      at(new Date(2025, 2, 12, 9, 3).toISOString(), 4),
      at(new Date(2025, 2, 12, 9, 4).toISOString(), 5),
    ];
    const describe = (rows: ReturnType<typeof buildTimeline>) => rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.first ? 'F' : ''}` : r.kind));
    // Read up to 1: the line goes before 2, which starts a new group (name and avatar again).
    expect(describe(buildTimeline(messages, 'me', { now, unreadAfter: 1 }))).toEqual(['day', '1F', 'unread', '2F', '3F', '4F', '5']);
    // My own message after the read position is not "new": the line goes before the next one from someone else.
    expect(describe(buildTimeline(messages, 'me', { now, unreadAfter: 2 }))).toEqual(['day', '1F', '2', '3F', 'unread', '4F', '5']);
    // Nothing after the read position, or no read position: no line.
    expect(describe(buildTimeline(messages, 'me', { now, unreadAfter: 5 }))).not.toContain('unread');
    expect(describe(buildTimeline(messages, 'me', { now }))).not.toContain('unread');
    // A deleted message is not counted as unread: the line goes before the next one.
    const deleted = [messages[0]!, { ...messages[1]!, deletedAt: '2025-03-12T09:05:00Z', body: '' }, ...messages.slice(2)];
    expect(describe(buildTimeline(deleted, 'me', { now, unreadAfter: 1 }))).toEqual(['day', '1F', '2', '3F', 'unread', '4F', '5']);
  });

  it('puts system lines on their own between the messages: a group of one sender ends at one', () => {
    const t = (minute: number) => new Date(2025, 2, 12, 9, minute).toISOString();
    const messages = [at(t(0), 1), at(t(1), 2), added(t(2), 3), at(t(3), 4), at(t(4), 5), added(t(5), 6), added(t(6), 7)];
    expect(shortly(buildTimeline(messages, 'me', { now }))).toEqual(['day', '1F', '2L', 'system 3', '4F', '5L', 'system 6', 'system 7']);
    // On a new day, the separator comes first.
    const nextDay = [at(t(0), 1), added(new Date(2025, 2, 13, 8).toISOString(), 2)];
    expect(shortly(buildTimeline(nextDay, 'me', { now }))).toEqual(['day', '1FL', 'day', 'system 2']);
  });

  it('puts the "New messages" line above the first unread message, below system lines that came first (they are not unread)', () => {
    const t = (minute: number) => new Date(2025, 2, 12, 9, minute).toISOString();
    const messages = [at(t(0), 1), added(t(1), 2), added(t(2), 3, 'bo'), at(t(3), 4, 'bo'), at(t(4), 5)];
    expect(shortly(buildTimeline(messages, 'me', { now, unreadAfter: 1 }))).toEqual(['day', '1FL', 'system 2', 'system 3', 'unread', '4FL', '5FL']);
    // Only system lines after the read position: nothing is new.
    expect(shortly(buildTimeline(messages.slice(0, 3), 'me', { now, unreadAfter: 1 }))).not.toContain('unread');
  });

  it('does not put the "New messages" line above a message from someone I blocked (it is not counted either)', () => {
    const t = (minute: number) => new Date(2025, 2, 12, 9, minute).toISOString();
    const messages = [at(t(0), 1), at(t(1), 2, 'blocked'), at(t(2), 3, 'bo')];
    expect(shortly(buildTimeline(messages, 'me', { now, unreadAfter: 1, blocked: new Set(['blocked']) }))).toEqual(['day', '1FL', '2FL', 'unread', '3FL']);
    expect(shortly(buildTimeline(messages, 'me', { now, unreadAfter: 1 }))).toEqual(['day', '1FL', 'unread', '2FL', '3FL']);
  });

  it('labels days as today, yesterday, a weekday this week, else a date', () => {
    expect(dayLabel(new Date(2025, 2, 12, 1), now)).toBe('Today');
    expect(dayLabel(new Date(2025, 2, 11, 23), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 2, 8), now, 'en-GB')).toBe('Saturday');
    expect(dayLabel(new Date(2025, 0, 3), now, 'en-GB')).toBe('Fri 3 January');
    expect(dayLabel(new Date(2023, 0, 3), now, 'en-GB')).toBe('Tue, 3 January 2023');
  });
});

describe('the small words of the chat', () => {
  it('tells a system line from my side, with the names people have now', () => {
    const event = { type: 'member_added', actor: { id: 'ana', name: 'Ana' }, user: { id: 'bo', name: 'Bo' } } as const;
    const unknown = () => undefined;
    expect(systemLineText(event, 'cy', unknown)).toBe('Ana added Bo');
    expect(systemLineText(event, 'ana', unknown)).toBe('You added Bo');
    expect(systemLineText(event, 'bo', unknown)).toBe('Ana added you');
    // Ana has changed her name since: the line says who she is now.
    expect(systemLineText(event, 'bo', (id) => (id === 'ana' ? 'Ada Lovelace' : undefined))).toBe('Ada Lovelace added you');
    expect(systemLineText({ type: 'room_renamed', actor: { id: 'ana', name: 'Ana' }, name: 'Liftoff' }, 'ana', unknown)).toBe('You renamed the room to “Liftoff”');
    expect(systemLineText({ type: 'member_left', actor: { id: 'cy', name: 'Cy' } }, 'ana', unknown)).toBe('Cy left');
  });

  it('says who has seen my last message', () => {
    const [ana, bo, cy, di] = ['Ana', 'Bo', 'Cy', 'Di'].map((displayName) => makeMember(makeUser({ displayName })));
    expect(seenText([], 2, true)).toBeNull();
    expect(seenText([ana!], 2, true)).toBe('Seen');
    expect(seenText([ana!], 6, false)).toBe('Seen by Ana');
    expect(seenText([ana!, bo!, cy!], 6, false)).toBe('Seen by Ana, Bo and Cy');
    expect(seenText([ana!, bo!, cy!, di!], 6, false)).toBe('Seen by 4');
    expect(seenText([ana!, bo!], 3, false)).toBe('Seen by everyone');
  });

  it('says who is typing', () => {
    expect(typingSentence([])).toBe('');
    expect(typingSentence(['Ana'])).toBe('Ana is typing…');
    expect(typingSentence(['Ana', 'Bo'])).toBe('Ana and Bo are typing…');
    expect(typingSentence(['Ana', 'Bo', 'Cy'])).toBe('Several people are typing…');
  });

  it('puts the unread count in the tab title', () => {
    expect(titleWithUnread('Chats · Parley', 0)).toBe('Chats · Parley');
    expect(titleWithUnread('Chats · Parley', 3)).toBe('(3) Chats · Parley');
    expect(titleWithUnread('(3) Chats · Parley', 4)).toBe('(4) Chats · Parley');
    expect(titleWithUnread('(4) Chats · Parley', 0)).toBe('Chats · Parley');
    expect(titleWithUnread('Parley', 250)).toBe('(99+) Parley');
  });

  it('shows room list times as a clock today, then yesterday, weekday, date', () => {
    const now = new Date(2025, 2, 12, 15, 0);
    expect(listTime(new Date(2025, 2, 12, 9, 5).toISOString(), now, 'en-GB')).toBe('09:05');
    expect(listTime(new Date(2025, 2, 11, 9, 5).toISOString(), now, 'en-GB')).toBe('Yesterday');
    expect(listTime(new Date(2025, 2, 9, 9, 5).toISOString(), now, 'en-GB')).toBe('Sun');
    expect(listTime(new Date(2025, 0, 9).toISOString(), now, 'en-GB')).toBe('9 Jan');
  });

  it('titles a notification by sender (direct) or sender and room', () => {
    const base = { roomId: 'r', roomName: 'Design', senderName: 'Ana', text: 'New mockups are up' };
    expect(notificationContent({ ...base, direct: true })).toEqual({ title: 'Ana', body: 'New mockups are up' });
    expect(notificationContent({ ...base, direct: false })).toEqual({ title: 'Ana in Design', body: 'New mockups are up' });
    expect(notificationContent({ ...base, direct: false, text: 'x'.repeat(300) }).body).toHaveLength(180);
  });
});
