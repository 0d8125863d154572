import { HISTORY_PAGE_DEFAULT } from '@parley/contracts';
import { EMPTY_TIMELINE, RoomTimeline, UNREAD_CONTEXT, fitsTimeline, holdsFirstUnread, openingQuery, timelineFromPage, timelineWithNewer } from './room-timeline';
import { makeMessage } from './testing/chat-fakes';

// The fakes pull in the renderer, which needs a DOM; nothing here renders.
jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const msgs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => makeMessage({ roomId: 'r', seq: from + i }));
const ready = (items: ReturnType<typeof msgs>, flags: Partial<RoomTimeline> = {}): RoomTimeline => ({ ...EMPTY_TIMELINE, status: 'ready', items, ...flags });

describe('openingQuery: where a room opens', () => {
  it('loads the latest page when nothing is unread or the first unread is in it', () => {
    expect(openingQuery({ lastSeq: 500, lastReadSeq: 500, unreadCount: 0 })).toEqual({ limit: HISTORY_PAGE_DEFAULT });
    expect(openingQuery({ lastSeq: 500, lastReadSeq: 470, unreadCount: 30 })).toEqual({ limit: HISTORY_PAGE_DEFAULT });
  });

  it('loads from a little before the first unread message of a long backlog', () => {
    expect(openingQuery({ lastSeq: 500, lastReadSeq: 370, unreadCount: 130 })).toEqual({ after: 370 - UNREAD_CONTEXT, limit: HISTORY_PAGE_DEFAULT });
    expect(openingQuery({ lastSeq: 130, lastReadSeq: 0, unreadCount: 130 })).toEqual({ after: 0, limit: HISTORY_PAGE_DEFAULT });
  });
});

describe('timelineFromPage', () => {
  it('a page forward that does not reach the end leaves newer messages to load, and drops live arrivals after a gap', () => {
    const loading = { ...EMPTY_TIMELINE, items: msgs(499, 499) };
    const t = timelineFromPage(loading, { items: msgs(361, 410), hasMore: true }, { after: 360, limit: 50 }, 499);
    expect(t.items.map((m) => m.seq)).toEqual(msgs(361, 410).map((m) => m.seq));
    expect(t).toMatchObject({ status: 'ready', hasOlder: true, hasNewer: true });
  });

  it('a page that reaches the end keeps what arrived live after it', () => {
    const loading = { ...EMPTY_TIMELINE, items: msgs(131, 131) };
    const t = timelineFromPage(loading, { items: msgs(1, 130), hasMore: false }, { after: 0, limit: 130 }, 131);
    expect(t.items.at(-1)!.seq).toBe(131);
    expect(t).toMatchObject({ hasOlder: false, hasNewer: false });
  });

  it('still has newer messages to load when the room list knows of some the page missed', () => {
    const t = timelineFromPage(ready(msgs(1, 10), { hasNewer: true }), { items: msgs(41, 90), hasMore: false }, { limit: 50 }, 91);
    expect(t).toMatchObject({ hasOlder: false, hasNewer: true });
  });

  it('the latest page replaces a timeline held elsewhere in the history', () => {
    const t = timelineFromPage(ready(msgs(100, 150), { hasNewer: true, hasOlder: true }), { items: msgs(451, 500), hasMore: true }, { limit: 50 }, 500);
    expect(t.items[0]!.seq).toBe(451);
    expect(t).toMatchObject({ hasOlder: true, hasNewer: false });
  });

  it('a page around a search result in the middle has older and newer messages to load, and takes no live arrival after its gap', () => {
    const t = timelineFromPage({ ...EMPTY_TIMELINE, items: msgs(499, 499) }, { items: msgs(176, 225), hasMore: true, hasNewer: true }, { around: 200, limit: 50 }, 499);
    expect(t.items.map((m) => m.seq)).toEqual(msgs(176, 225).map((m) => m.seq));
    expect(t).toMatchObject({ status: 'ready', hasOlder: true, hasNewer: true });
    expect(fitsTimeline(t, makeMessage({ roomId: 'r', seq: 500 }))).toBe(false);
  });

  it('a page around a recent message that reaches the end follows the room live', () => {
    const t = timelineFromPage({ ...EMPTY_TIMELINE, items: msgs(501, 501) }, { items: msgs(451, 500), hasMore: true, hasNewer: false }, { around: 490, limit: 50 }, 501);
    expect(t.items.at(-1)!.seq).toBe(501);
    expect(t).toMatchObject({ hasOlder: true, hasNewer: false });
  });

  it('the next page joins on', () => {
    const t = timelineWithNewer(ready(msgs(1, 50), { hasNewer: true, loadingNewer: true }), { items: msgs(51, 100), hasMore: false }, 100);
    expect(t.items).toHaveLength(100);
    expect(t).toMatchObject({ hasNewer: false, loadingNewer: false });
  });
});

describe('fitsTimeline and holdsFirstUnread', () => {
  it('takes nothing that would leave a gap before or after the held messages', () => {
    const middle = ready(msgs(100, 150), { hasOlder: true, hasNewer: true });
    expect(fitsTimeline(middle, makeMessage({ roomId: 'r', seq: 120 }))).toBe(true);
    expect(fitsTimeline(middle, makeMessage({ roomId: 'r', seq: 99 }))).toBe(false);
    expect(fitsTimeline(middle, makeMessage({ roomId: 'r', seq: 151 }))).toBe(false);
    expect(fitsTimeline(ready(msgs(100, 150), { hasOlder: true }), makeMessage({ roomId: 'r', seq: 151 }))).toBe(true);
  });

  it('knows whether the first unread message is held', () => {
    expect(holdsFirstUnread(ready(msgs(100, 150), { hasOlder: true }), 120)).toBe(true);
    expect(holdsFirstUnread(ready(msgs(100, 150), { hasOlder: true }), 50)).toBe(false);
    expect(holdsFirstUnread(ready(msgs(100, 150), { hasNewer: true }), 170)).toBe(false);
    expect(holdsFirstUnread(ready(msgs(1, 150)), 150)).toBe(true);
  });
});
