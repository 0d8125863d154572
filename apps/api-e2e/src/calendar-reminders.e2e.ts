/** @long-running about three minutes, mostly waiting for reminders to fall due on the clock (starts first: tools/scripts/jest-sequencer.cjs) */
import { CalendarEvent, CalendarNotice, CalendarNoticeList, CalendarRange, CalendarSettings, ErrorCode, Message, RoomSummary } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomBytes } from 'node:crypto';
import { closeSockets, socketFor } from './support/chat';
import { sameInstallationAs, startOn } from './support/database-targets';
import { asUser, Signed, signUp } from './support/factories';
import { PrivateRedis, startPrivateRedis } from './support/redis';
import { ClientSocket, next, record, sleep } from './support/sockets';

/**
 * Calendar reminders and notices: each person's default and per-event choice, "starting now" for those going,
 * cancellation notices, the event's card in the timeline; and each reminder sent exactly once with two API
 * processes on one PostgreSQL database, across restarts and while no process ran.
 */
afterEach(closeSockets);

/** The pass that sends reminders runs every 10 s in one process (and 5 s after start-up). */
const TICK_MS = 10_000;

/** A local wall time in Europe/Berlin `ms` from now (minutes, as events take them), and that instant. */
function berlinIn(ms: number): { local: string; at: Date } {
  const at = new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return { local: `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}`, at };
}

function eventAt(title: string, startMs: number, minutes = 30) {
  const start = berlinIn(startMs);
  const end = berlinIn(startMs + minutes * 60_000);
  return { body: { title, start: start.local, end: end.local, timeZone: 'Europe/Berlin' }, start: start.at };
}

const noticesOf = async (url: string, who: Signed) => ((await asUser(url, who).get('/api/calendar/notices').expect(200)).body as CalendarNoticeList).notices;

describe('calendar reminders in one process (SQLite)', () => {
  let server: RunningServer;
  let url: string;
  let ana: Signed;
  let bob: Signed;
  let carl: Signed;
  let dee: Signed;
  let room: RoomSummary;
  const events = () => `/api/rooms/${room.id}/events`;

  beforeAll(async () => {
    server = await startOn('sqlite', { env: { DM_POLICY: 'anyone' } });
    url = server.url;
    [ana, bob, carl, dee] = [await signUp(url), await signUp(url), await signUp(url), await signUp(url)];
    room = (await asUser(url, ana).post('/api/rooms').send({ kind: 'group', name: 'Planning', memberIds: [bob.user.id, carl.user.id, dee.user.id] }).expect(201)).body as RoomSummary;
  });
  afterAll(() => server?.dispose());

  it('keeps each person\u2019s default reminder (15 minutes until changed, or none) and refuses bad values', async () => {
    expect((await asUser(url, carl).get('/api/calendar/settings').expect(200)).body).toEqual({ reminderMinutes: 15 });
    expect((await asUser(url, carl).put('/api/calendar/settings').send({ reminderMinutes: null }).expect(200)).body).toEqual({ reminderMinutes: null });
    expect((await asUser(url, carl).get('/api/calendar/settings').expect(200)).body as CalendarSettings).toEqual({ reminderMinutes: null });
    await asUser(url, ana).put('/api/calendar/settings').send({ reminderMinutes: 25 }).expect(200);
    for (const bad of [-1, 10081, 2.5, '15', true]) {
      const res = await asUser(url, ana).put('/api/calendar/settings').send({ reminderMinutes: bad }).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ field: 'reminderMinutes', message: 'reminderMinutes must be a whole number of minutes from 0 to 10080, or null for no reminder' }] });
    }
    await asUser(url, ana).put('/api/calendar/settings').send({}).expect(400);
    await asUser(url, ana).put('/api/calendar/settings').send({ reminderMinutes: 5, colour: 'red' }).expect(400);
    expect((await asUser(url, ana).get('/api/calendar/settings').expect(200)).body).toEqual({ reminderMinutes: 25 });
  });

  it('reminds everyone due, by their default or their choice for the event, once; not those who declined or turned it off', async () => {
    const anaSocket = await socketFor(url, ana);
    const bobSocket = await socketFor(url, bob);
    const carlSocket = await socketFor(url, carl);
    const deeSocket = await socketFor(url, dee);
    const [anaGot, bobGot, carlGot, deeGot] = [anaSocket, bobSocket, carlSocket, deeSocket].map((s) => record(s, 'calendar:notice'));

    // Starts in 20 minutes: Ana's default (25) and Bob's choice (30) are due at once; Carl has none; Dee declined.
    const { body, start } = eventAt('Planning poker', 20 * 60_000);
    const timeline = next(bobSocket, 'message:new', (m: Message) => m.kind === 'system' && m.event?.type === 'event_scheduled');
    const event = (await asUser(url, ana).post(events()).send(body).expect(201)).body as CalendarEvent;
    // The room's timeline gets the event's card.
    expect((await timeline).event).toEqual({ type: 'event_scheduled', actor: { id: ana.user.id, name: ana.user.displayName }, name: 'Planning poker', calendarEventId: event.id });
    await asUser(url, bob).put(`${events()}/${event.id}/reminder`).send({ minutes: 30 }).expect(200, { minutes: 30 });
    await asUser(url, dee).put(`${events()}/${event.id}/reminder`).send({ minutes: 30 }).expect(200);
    await asUser(url, dee).put(`${events()}/${event.id}/occurrences/${body.start}/rsvp`).send({ status: 'declined' }).expect(204);
    await asUser(url, carl).put(`${events()}/${event.id}/reminder`).send({ minutes: 'soon' }).expect(400);

    const range = (await asUser(url, bob).get(events()).query({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() }).expect(200)).body as CalendarRange;
    expect(range.reminders).toEqual({ [event.id]: 30 });

    const bobs = (await next(bobSocket, 'calendar:notice', (n) => n.eventId === event.id, 3 * TICK_MS)) as CalendarNotice;
    expect(bobs).toMatchObject({ kind: 'reminder', roomId: room.id, roomName: 'Planning', eventId: event.id, occurrence: body.start, title: 'Planning poker', allDay: false, timeZone: 'Europe/Berlin', start: start.toISOString(), minutesBefore: 30 });
    await sleep(2 * TICK_MS + 1000); // two more passes: nothing is sent twice
    expect(bobGot.filter((n) => n.eventId === event.id)).toHaveLength(1);
    expect(anaGot.filter((n) => n.eventId === event.id).map((n) => [n.kind, n.minutesBefore])).toEqual([['reminder', 25]]);
    expect(carlGot).toEqual([]);
    expect(deeGot).toEqual([]);
    expect((await noticesOf(url, bob)).filter((n) => n.eventId === event.id)).toEqual([{ ...bobs, dismissedAt: null }]);

    // Dismissed on one device, on all: Bob's other tab is told; the list marks it. Nobody else can.
    const otherTab = await socketFor(url, bob);
    const gone = next(otherTab, 'calendar:notice-dismissed', undefined, 5000);
    await asUser(url, carl).post(`/api/calendar/notices/${bobs.id}/dismiss`).expect(404);
    await asUser(url, bob).post(`/api/calendar/notices/${bobs.id}/dismiss`).expect(204);
    expect(await gone).toEqual({ id: bobs.id });
    expect((await noticesOf(url, bob)).find((n) => n.id === bobs.id)?.dismissedAt).toEqual(expect.any(String));
    await asUser(url, bob).post(`/api/calendar/notices/${bobs.id}/dismiss`).expect(204);
    await asUser(url, bob).post('/api/calendar/notices/not-a-notice/dismiss').expect(400);

    // Ana cancels this occurrence: the others who had not declined are told (she is not, nor is Dee).
    const cancelled = next(carlSocket, 'calendar:notice', (n) => n.kind === 'cancelled', 5000);
    await asUser(url, ana).post(`${events()}/${event.id}/cancel`).expect(200);
    expect(await cancelled).toMatchObject({ kind: 'cancelled', eventId: event.id, occurrence: body.start, title: 'Planning poker', minutesBefore: null });
    await sleep(500);
    expect(bobGot.filter((n) => n.kind === 'cancelled')).toHaveLength(1);
    expect(anaGot.filter((n) => n.kind === 'cancelled')).toEqual([]);
    expect(deeGot).toEqual([]);
  }, 60_000);

  it('says "starting now" to those going, and a late reminder still comes before the start', async () => {
    const bobSocket = await socketFor(url, bob);
    const bobGot = record(bobSocket, 'calendar:notice');
    const deeSocket = await socketFor(url, dee);
    const deeGot = record(deeSocket, 'calendar:notice');
    // Started a minute ago; Bob is going, Dee has not answered.
    const started = eventAt('Already on', -60_000, 30);
    const on = (await asUser(url, ana).post(events()).send(started.body).expect(201)).body as CalendarEvent;
    await asUser(url, bob).put(`${events()}/${on.id}/occurrences/${started.body.start}/rsvp`).send({ status: 'going' }).expect(204);
    expect(await next(bobSocket, 'calendar:notice', (n) => n.eventId === on.id, 3 * TICK_MS)).toMatchObject({ kind: 'starting', title: 'Already on', minutesBefore: null });
    // Starts in 3 minutes, made after Dee's 15-minute reminder would have been due: it comes at once.
    const soon = eventAt('Quick sync', 3 * 60_000);
    const quick = (await asUser(url, ana).post(events()).send(soon.body).expect(201)).body as CalendarEvent;
    expect(await next(deeSocket, 'calendar:notice', (n) => n.eventId === quick.id, 3 * TICK_MS)).toMatchObject({ kind: 'reminder', minutesBefore: 15 });
    expect(deeGot.filter((n) => n.eventId === on.id)).toEqual([]);
    expect(bobGot.filter((n) => n.eventId === on.id)).toHaveLength(1);
  }, 60_000);

  it('keeps my reminder choices to myself and to rooms I am in', async () => {
    const outsider = await signUp(url);
    const { body } = eventAt('Private', 2 * 86_400_000);
    const event = (await asUser(url, ana).post(events()).send(body).expect(201)).body as CalendarEvent;
    await asUser(url, outsider).put(`${events()}/${event.id}/reminder`).send({ minutes: 5 }).expect(404);
    await asUser(url, ana).put(`${events()}/${event.id}/reminder`).send({ minutes: null }).expect(200, { minutes: null });
    const window = { from: new Date().toISOString(), to: new Date(Date.now() + 3 * 86_400_000).toISOString() };
    expect(((await asUser(url, ana).get('/api/calendar').query(window).expect(200)).body as CalendarRange).reminders[event.id]).toBeNull();
    expect(((await asUser(url, bob).get('/api/calendar').query(window).expect(200)).body as CalendarRange).reminders[event.id]).toBeUndefined();
    await asUser(url, ana).delete(`${events()}/${event.id}/reminder`).expect(204);
    expect(((await asUser(url, ana).get('/api/calendar').query(window).expect(200)).body as CalendarRange).reminders[event.id]).toBeUndefined();
    expect(await noticesOf(url, outsider)).toEqual([]);
  });
});

describe('calendar reminders with two API processes on PostgreSQL, restarted', () => {
  let redis: PrivateRedis;
  let first: RunningServer;
  const running: RunningServer[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = { REDIS_URL: redis.url, SECRET_KEY: randomBytes(32).toString('hex'), DM_POLICY: 'anyone' };
    first = await startOn('postgres', { env });
  }, 60_000);

  afterAll(async () => {
    for (const s of running) await s.dispose();
    await first?.dispose();
    await redis?.stop();
  });

  /** Another process of the same installation (its own data directory, the first one's database and key). */
  const another = async () => {
    const s = await startServer({ env: { ...env, ...sameInstallationAs(first) } });
    running.push(s);
    return s;
  };

  it('sends each reminder exactly once, including one that fell due while no process ran', async () => {
    const second = await another();
    const [ana, bob] = [await signUp(first.url), await signUp(second.url)];
    const room = (await asUser(first.url, ana).post('/api/rooms').send({ kind: 'group', name: 'Ops', memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const events = `/api/rooms/${room.id}/events`;
    // Ana: 1 minute before each. "Down" falls due in ~25 s, while both processes are stopped; "Up" ~65 s later.
    await asUser(first.url, ana).put('/api/calendar/settings').send({ reminderMinutes: 1 }).expect(200);
    const down = eventAt('Falls due while down', 85_000);
    const up = eventAt('Falls due across a restart', 150_000);
    const downEvent = (await asUser(first.url, ana).post(events).send(down.body).expect(201)).body as CalendarEvent;
    const upEvent = (await asUser(second.url, ana).post(events).send(up.body).expect(201)).body as CalendarEvent;

    await Promise.all([first.stop(), second.stop()]);
    const dueDown = down.start.getTime() - 60_000;
    await sleep(Math.max(0, dueDown - Date.now()) + 2000);

    // Both come back. The reminder that fell due meanwhile goes out at the first pass, late but before the start.
    const [third, fourth] = await Promise.all([another(), another()]);
    const tabs: ClientSocket[] = [await socketFor(third.url, ana), await socketFor(fourth.url, ana)];
    const got = tabs.map((t) => record(t, 'calendar:notice'));
    const remindersOf = async (server: RunningServer) => (await noticesOf(server.url, ana)).filter((n) => n.kind === 'reminder');
    const deadline = Date.now() + 3 * TICK_MS;
    while (!(await remindersOf(fourth)).some((n) => n.eventId === downEvent.id) && Date.now() < deadline) await sleep(500);
    const late = (await remindersOf(fourth)).find((n) => n.eventId === downEvent.id);
    expect(late).toMatchObject({ title: 'Falls due while down', minutesBefore: 1 });
    expect(new Date(late!.at).getTime()).toBeGreaterThan(dueDown);
    expect(new Date(late!.at).getTime()).toBeLessThan(down.start.getTime());

    // One process dies and another starts before "Up" falls due; Ana's tabs on the two left hear of it once each.
    await third.stop('SIGKILL');
    const fifth = await another();
    tabs.push(await socketFor(fifth.url, ana));
    got.push(record(tabs[2]!, 'calendar:notice'));
    const dueUp = up.start.getTime() - 60_000;
    expect(Date.now()).toBeLessThan(dueUp); // the tabs are listening before it falls due
    await Promise.all(tabs.slice(1).map((t) => next(t, 'calendar:notice', (n) => n.eventId === upEvent.id, Math.max(0, dueUp - Date.now()) + 3 * TICK_MS)));
    await sleep(TICK_MS + 1000); // another pass: nothing is sent twice

    for (const notices of got.slice(1)) {
      expect(notices.filter((n) => n.eventId === upEvent.id)).toHaveLength(1);
      expect(notices.filter((n) => n.eventId === downEvent.id).length).toBeLessThanOrEqual(1);
    }
    expect((await remindersOf(fifth)).map((n) => [n.title, n.minutesBefore]).sort()).toEqual([
      ['Falls due across a restart', 1],
      ['Falls due while down', 1],
    ]);
    // Bob (default 15 minutes) was reminded of each once too, whichever process did it.
    const bobs = (await noticesOf(fourth.url, bob)).filter((n) => n.kind === 'reminder');
    expect(bobs.map((n) => n.eventId).sort()).toEqual([downEvent.id, upEvent.id].sort());
  }, 240_000);
});
