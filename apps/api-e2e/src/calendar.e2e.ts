import { CalendarEvent, CalendarException, CalendarFeed, CalendarImportResult, CalendarRange, EncryptedContent, ErrorCode, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import ICAL from 'ical.js';
import request from 'supertest';
import { closeSockets, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, Signed, signUp } from './support/factories';
import { rfc5545Problems } from './support/rfc5545';
import { next } from './support/sockets';

/**
 * The room calendar over HTTP and Socket.IO, with the server process in New York time: recurrence happens in
 * each event's own zone, whatever the server's.
 */
afterEach(closeSockets);

const weekly = { title: 'Stand-up', description: 'Agenda in the doc', location: 'https://meet.example.com/standup', start: '2026-10-12T09:00', end: '2026-10-12T09:30', timeZone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=MO' };
const october = { from: '2026-10-01T00:00:00Z', to: '2026-11-10T00:00:00Z' };
const fakeCiphertext: EncryptedContent = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEhAbY2FsZW5kYXI', senderKey: 'A'.repeat(43), senderDeviceId: 'ABCDEFGHIJ', sessionId: 'B'.repeat(43) };

/** The UTC instants of the VEVENT's occurrences in [from, to), as a calendar client reading the file computes them. */
function icsStarts(vevent: ICAL.Component, from: Date, to: Date): string[] {
  const event = new ICAL.Event(vevent);
  const it = event.iterator();
  const out: string[] = [];
  for (let t = it.next(); t && out.length < 100; t = it.next()) {
    const at = t.toJSDate();
    if (at >= to) break;
    if (at >= from) out.push(at.toISOString());
  }
  return out;
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('the room calendar on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let bob: Signed;
  let eve: Signed;
  let room: RoomSummary;
  let standup: CalendarEvent;
  const events = (roomId = room.id) => `/api/rooms/${roomId}/events`;

  beforeAll(async () => {
    server = await startOn(kind, { env: { DM_POLICY: 'anyone', TZ: 'America/New_York' } });
    url = server.url;
    [ada, bob, eve] = [await signUp(url), await signUp(url), await signUp(url)];
    room = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Team', memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    standup = (await asUser(url, ada).post(events()).send(weekly).expect(201)).body as CalendarEvent;
  });
  afterAll(() => server?.dispose());

  it('keeps a weekly 09:00 Europe/Berlin at 09:00 local across the end of summer time (server in New York)', async () => {
    expect(standup).toMatchObject({ ...weekly, allDay: false, cancelled: false, encrypted: null, createdBy: { id: ada.user.id, name: ada.user.displayName }, exceptions: [] });
    const range = (await asUser(url, bob).get(events()).query(october).expect(200)).body as CalendarRange;
    const mine = range.occurrences.filter((o) => o.eventId === standup.id);
    // Summer time (UTC+2) until Sunday 25 October 2026, then UTC+1.
    expect(mine.map((o) => o.start)).toEqual(['2026-10-12T07:00:00.000Z', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z', '2026-11-09T08:00:00.000Z']);
    expect(mine.map((o) => o.localStart)).toEqual(['2026-10-12T09:00', '2026-10-19T09:00', '2026-10-26T09:00', '2026-11-02T09:00', '2026-11-09T09:00']);
    expect(mine[2]).toMatchObject({ end: '2026-10-26T08:30:00.000Z', localEnd: '2026-10-26T09:30', moved: false, cancelled: false, rsvp: { going: 0, maybe: 0, declined: 0, people: [], mine: null } });
    expect(range.events.map((e) => e.id)).toContain(standup.id);
  });

  it('tells the room\u2019s members live, and lists every room\u2019s events on my calendar (not on a stranger\u2019s)', async () => {
    const bobSocket = await socketFor(url, bob);
    const created = next(bobSocket, 'calendar:created', (p) => p.event.title === 'Retro');
    const retro = (await asUser(url, ada).post(events()).send({ title: 'Retro', start: '2026-10-30T16:00', end: '2026-10-30T17:00', timeZone: 'America/Los_Angeles' }).expect(201)).body as CalendarEvent;
    expect((await created).event).toEqual(retro);
    const other = (await asUser(url, bob).post('/api/rooms').send({ kind: 'group', name: 'Side project' }).expect(201)).body as RoomSummary;
    await asUser(url, bob).post(events(other.id)).send({ title: 'Demo day', allDay: true, start: '2026-10-20', end: '2026-10-22', timeZone: 'Asia/Tokyo' }).expect(201);
    const mine = (await asUser(url, bob).get('/api/calendar').query(october).expect(200)).body as CalendarRange;
    expect(new Set(mine.events.map((e) => e.title))).toEqual(new Set(['Stand-up', 'Retro', 'Demo day']));
    // An all-day event covers its dates in its own zone: midnight to midnight in Tokyo, end exclusive.
    expect(mine.occurrences.find((o) => o.roomId === other.id)).toMatchObject({ localStart: '2026-10-20', localEnd: '2026-10-22', start: '2026-10-19T15:00:00.000Z', end: '2026-10-21T15:00:00.000Z' });
    expect(mine.occurrences.find((o) => o.eventId === retro.id)?.start).toBe('2026-10-30T23:00:00.000Z');
    const strangers = (await asUser(url, eve).get('/api/calendar').query(october).expect(200)).body as CalendarRange;
    expect(strangers).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-10T00:00:00.000Z', events: [], occurrences: [], reminders: {} });
  });

  it('moves one occurrence and cancels another; each can be put back', async () => {
    const bobSocket = await socketFor(url, bob);
    const told = next(bobSocket, 'calendar:occurrence', (p) => p.occurrence === '2026-10-19T09:00');
    const moved = (await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/2026-10-19T09:00`).send({ start: '2026-10-20T11:00', end: '2026-10-20T12:00' }).expect(200)).body as CalendarException;
    expect(moved).toEqual({ occurrence: '2026-10-19T09:00', cancelled: false, start: '2026-10-20T11:00', end: '2026-10-20T12:00' });
    expect(await told).toEqual({ roomId: room.id, eventId: standup.id, occurrence: '2026-10-19T09:00', exception: moved });
    await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/2026-11-02T09:00`).send({ cancelled: true }).expect(200);

    const range = (await asUser(url, bob).get(events()).query(october).expect(200)).body as CalendarRange;
    const list = range.occurrences.filter((o) => o.eventId === standup.id).map((o) => [o.occurrence, o.start, o.moved, o.cancelled]);
    expect(list).toEqual([
      ['2026-10-12T09:00', '2026-10-12T07:00:00.000Z', false, false],
      ['2026-10-19T09:00', '2026-10-20T09:00:00.000Z', true, false],
      ['2026-10-26T09:00', '2026-10-26T08:00:00.000Z', false, false],
      ['2026-11-02T09:00', '2026-11-02T08:00:00.000Z', false, true],
      ['2026-11-09T09:00', '2026-11-09T08:00:00.000Z', false, false],
    ]);
    // A range that holds only the moved time finds it there.
    const tuesday = (await asUser(url, bob).get(events()).query({ from: '2026-10-20T00:00:00Z', to: '2026-10-21T00:00:00Z' }).expect(200)).body as CalendarRange;
    expect(tuesday.occurrences.map((o) => o.occurrence)).toEqual(['2026-10-19T09:00']);

    // No occurrence there, or not a key at all.
    const none = await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/2026-10-20T09:00`).send({ cancelled: true }).expect(404);
    expect(none.body).toMatchObject({ code: ErrorCode.NotFound, message: 'The event has no occurrence starting at 2026-10-20T09:00' });
    await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/tuesday`).send({ cancelled: true }).expect(400);
    await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/2026-10-26T09:00`).send({ start: '2026-10-26T10:00' }).expect(400);

    await asUser(url, ada).put(`${events()}/${standup.id}/occurrences/2026-11-09T09:00`).send({ cancelled: true }).expect(200);
    await asUser(url, ada).delete(`${events()}/${standup.id}/occurrences/2026-11-09T09:00`).expect(204);
    const event = (await asUser(url, bob).get(`${events()}/${standup.id}`).expect(200)).body as CalendarEvent;
    expect(event.exceptions).toEqual([moved, { occurrence: '2026-11-02T09:00', cancelled: true, start: null, end: null }]);
  });

  it('takes RSVPs per occurrence, with counts and names; answers change and go; not for a cancelled occurrence', async () => {
    const rsvp = (who: Signed, occurrence: string) => asUser(url, who).put(`${events()}/${standup.id}/occurrences/${occurrence}/rsvp`);
    const adaSocket = await socketFor(url, ada);
    const told = next(adaSocket, 'calendar:rsvp', (p) => p.userId === bob.user.id && p.status === 'maybe');
    await rsvp(ada, '2026-10-26T09:00').send({ status: 'going' }).expect(204);
    await rsvp(bob, '2026-10-26T09:00').send({ status: 'maybe' }).expect(204);
    expect(await told).toEqual({ roomId: room.id, eventId: standup.id, occurrence: '2026-10-26T09:00', userId: bob.user.id, name: bob.user.displayName, status: 'maybe' });
    await rsvp(bob, '2026-10-12T09:00').send({ status: 'declined' }).expect(204);

    const byKey = async (who: Signed) => {
      const range = (await asUser(url, who).get(events()).query(october).expect(200)).body as CalendarRange;
      return new Map(range.occurrences.filter((o) => o.eventId === standup.id).map((o) => [o.occurrence, o.rsvp]));
    };
    let seen = await byKey(ada);
    expect(seen.get('2026-10-26T09:00')).toEqual({
      going: 1,
      maybe: 1,
      declined: 0,
      people: expect.arrayContaining([
        { userId: ada.user.id, name: ada.user.displayName, status: 'going' },
        { userId: bob.user.id, name: bob.user.displayName, status: 'maybe' },
      ]),
      mine: 'going',
    });
    expect(seen.get('2026-10-12T09:00')).toMatchObject({ going: 0, maybe: 0, declined: 1, mine: null });
    expect(seen.get('2026-11-09T09:00')).toMatchObject({ going: 0, people: [] });

    await rsvp(bob, '2026-10-26T09:00').send({ status: 'going' }).expect(204);
    expect((await byKey(bob)).get('2026-10-26T09:00')).toMatchObject({ going: 2, maybe: 0, mine: 'going' });
    await asUser(url, bob).delete(`${events()}/${standup.id}/occurrences/2026-10-26T09:00/rsvp`).expect(204);
    seen = await byKey(bob);
    expect(seen.get('2026-10-26T09:00')).toMatchObject({ going: 1, mine: null, people: [{ userId: ada.user.id, name: ada.user.displayName, status: 'going' }] });

    const cancelled = await rsvp(bob, '2026-11-02T09:00').send({ status: 'going' }).expect(409);
    expect(cancelled.body).toMatchObject({ code: ErrorCode.Conflict, message: 'This occurrence is cancelled' });
    const wrong = await rsvp(bob, '2026-10-26T09:00').send({ status: 'yes' }).expect(400);
    expect(wrong.body.details).toEqual([{ field: 'status', message: 'status must be one of: going, maybe, declined' }]);
  });

  it('lets members see and answer, the creator and the room\u2019s owner edit; a stranger gets 404', async () => {
    // eve is not a member: everything about the room's calendar is "Room not found".
    for (const res of [
      await asUser(url, eve).get(events()).query(october),
      await asUser(url, eve).get(`${events()}/${standup.id}`),
      await asUser(url, eve).post(events()).send(weekly),
      await asUser(url, eve).patch(`${events()}/${standup.id}`).send({ title: 'Mine now' }),
      await asUser(url, eve).put(`${events()}/${standup.id}/occurrences/2026-10-26T09:00/rsvp`).send({ status: 'going' }),
      await asUser(url, eve).get(`${events()}/${standup.id}/ics`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Room not found', code: ErrorCode.NotFound });
    }
    // bob is a member but neither the creator nor an admin of the room.
    const denied = await asUser(url, bob).patch(`${events()}/${standup.id}`).send({ title: 'Bob\u2019s stand-up' }).expect(403);
    expect(denied.body).toEqual({ statusCode: 403, error: 'Forbidden', message: "Only the event's creator or the room's owner or admins can change it", code: ErrorCode.Forbidden });
    await asUser(url, bob).post(`${events()}/${standup.id}/cancel`).expect(403);
    await asUser(url, bob).put(`${events()}/${standup.id}/occurrences/2026-10-26T09:00`).send({ cancelled: true }).expect(403);

    // bob's own event: he edits it; ada, the room's owner, edits and cancels it too.
    const lunch = (await asUser(url, bob).post(events()).send({ title: 'Lunch', start: '2026-10-14T12:00', end: '2026-10-14T13:00', timeZone: 'Europe/Berlin' }).expect(201)).body as CalendarEvent;
    const bobSocket = await socketFor(url, bob);
    const updated = next(bobSocket, 'calendar:updated', (p) => p.event.id === lunch.id && p.event.location === 'Canteen');
    await asUser(url, bob).patch(`${events()}/${lunch.id}`).send({ title: 'Team lunch' }).expect(200);
    const byOwner = (await asUser(url, ada).patch(`${events()}/${lunch.id}`).send({ location: 'Canteen', start: '2026-10-14T12:30', end: '2026-10-14T13:30' }).expect(200)).body as CalendarEvent;
    expect(byOwner).toMatchObject({ title: 'Team lunch', location: 'Canteen', start: '2026-10-14T12:30', end: '2026-10-14T13:30', createdBy: { id: bob.user.id } });
    expect((await updated).event).toEqual(byOwner);
    const cancelledTold = next(bobSocket, 'calendar:cancelled', (p) => p.event.id === lunch.id);
    const cancelled = (await asUser(url, ada).post(`${events()}/${lunch.id}/cancel`).expect(200)).body as CalendarEvent;
    expect(cancelled.cancelled).toBe(true);
    expect((await cancelledTold).event.cancelled).toBe(true);
    const range = (await asUser(url, bob).get(events()).query(october).expect(200)).body as CalendarRange;
    expect(range.occurrences.find((o) => o.eventId === lunch.id)).toMatchObject({ cancelled: true, start: '2026-10-14T10:30:00.000Z' });
    await asUser(url, ada).patch(`${events()}/${lunch.id}`).send({ title: 'Again' }).expect(409);
    await asUser(url, bob).put(`${events()}/${lunch.id}/occurrences/2026-10-14T12:30/rsvp`).send({ status: 'going' }).expect(409);
    // An event of another room is not found through this one.
    const other = (await asUser(url, eve).post('/api/rooms').send({ kind: 'group', name: 'Elsewhere' }).expect(201)).body as RoomSummary;
    const elsewhere = (await asUser(url, eve).post(events(other.id)).send(weekly).expect(201)).body as CalendarEvent;
    await asUser(url, ada).get(`${events()}/${elsewhere.id}`).expect(404);
  });

  it('refuses bad input with the one error shape, naming the field', async () => {
    const refused = async (body: Record<string, unknown>, field: string, message: string | RegExp) => {
      const res = await asUser(url, ada).post(events()).send(body).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', code: ErrorCode.ValidationFailed, message: expect.any(String), details: [{ field, message: expect.anything() }] });
      expect(res.body.details[0].message).toMatch(message);
    };
    await refused({ ...weekly, timeZone: 'Mars/Olympus' }, 'timeZone', 'timeZone must be an IANA time zone such as Europe/Berlin');
    await refused({ ...weekly, timeZone: '+02:00' }, 'timeZone', /IANA/);
    await refused({ ...weekly, rrule: 'FREQ=HOURLY' }, 'rrule', 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
    await refused({ ...weekly, rrule: 'FREQ=DAILY;COUNT=100000' }, 'rrule', 'COUNT must be 1 to 1000');
    await refused({ ...weekly, rrule: 'FREQ=DAILY;BYHOUR=9' }, 'rrule', 'BYHOUR is not supported');
    await refused({ ...weekly, end: '2026-10-12T08:00' }, 'end', 'end must be after start');
    await refused({ ...weekly, start: '2026-10-12 09:00' }, 'start', 'start must be a local date-time such as 2026-10-12T09:00');
    await refused({ ...weekly, start: '2026-02-30T09:00', end: '2026-03-01T10:00' }, 'start', /not a real date/);
    await refused({ ...weekly, end: '2026-12-12T09:30' }, 'end', 'An occurrence may last at most 31 days');
    await refused({ ...weekly, title: 'x'.repeat(201) }, 'title', 'title must be at most 200 characters');
    await refused({ ...weekly, description: 'x'.repeat(4001) }, 'description', 'description must be at most 4000 characters');
    await refused({ ...weekly, location: 'x'.repeat(501) }, 'location', 'location must be at most 500 characters');
    await refused({ ...weekly, title: '   ' }, 'title', 'title must not be empty');
    await refused({ ...weekly, title: 'Bell\u0007' }, 'title', 'title must not contain control characters or bidirectional overrides');
    await refused({ ...weekly, colour: 'red' }, 'colour', 'colour is not a known field');
    await refused({ ...weekly, timeZone: undefined }, 'timeZone', 'timeZone is required');
    await refused({ ...weekly, encrypted: fakeCiphertext }, 'encrypted', 'This room is not end-to-end encrypted: send the title as it is');
    const range = await asUser(url, ada).get(events()).query({ from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }).expect(400);
    expect(range.body.details).toEqual([{ field: 'to', message: 'The range may cover at most 366 days' }]);
    await asUser(url, ada).get(events()).query({ from: 'yesterday', to: '2027-06-01T00:00:00Z' }).expect(400);
    await asUser(url, ada).get(`${events()}/not-a-uuid`).expect(400);
  });

  it('downloads an event as iCalendar that a calendar client reads back: RRULE, EXDATE, the moved occurrence, the zone', async () => {
    const res = await asUser(url, bob).get(`${events()}/${standup.id}/ics`).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?Stand-up\.ics"?$/);
    // RFC 5545's structure (ical.js reads leniently); the checker itself catches a broken file.
    expect(rfc5545Problems(res.text)).toEqual([]);
    expect(rfc5545Problems(res.text.replace(/\r\nDTSTAMP:[^\r]*/, '').replace('VERSION:2.0', 'VERSION:1.0'))).toEqual(['VCALENDAR needs exactly one VERSION:2.0', expect.stringMatching(/^VEVENT at line \d+ needs exactly one DTSTAMP in UTC$/)]);
    const calendar = new ICAL.Component(ICAL.parse(res.text));
    const zone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(zone.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
    // Register the file's own VTIMEZONE, so the times below come from it and not from the test's runtime.
    ICAL.TimezoneService.register(zone);
    const [main, override] = calendar.getAllSubcomponents('vevent');
    expect(main!.getFirstPropertyValue('summary')).toBe('Stand-up');
    expect(main!.getFirstPropertyValue('location')).toBe(weekly.location);
    expect(String(main!.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(main!.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Berlin');
    expect(String(main!.getFirstPropertyValue('exdate'))).toBe('2026-11-02T09:00:00');
    expect(String(override!.getFirstPropertyValue('recurrence-id'))).toBe('2026-10-19T09:00:00');
    expect((override!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2026-10-20T09:00:00.000Z');
    expect(icsStarts(main!, new Date(october.from), new Date(october.to))).toEqual(['2026-10-12T07:00:00.000Z', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', '2026-11-09T08:00:00.000Z']);
  });

  it('serves a personal feed without a session, until it is revoked or replaced', async () => {
    const made = (await asUser(url, bob).post('/api/calendar/feed').expect(201)).body as CalendarFeed;
    expect(made.token).toMatch(/^cal_[A-Za-z0-9_-]{43}$/);
    expect(made.path).toBe(`/api/calendar/feed/${made.token}.ics`);
    expect((await asUser(url, bob).get('/api/calendar/feed').expect(200)).body).toEqual({ active: true, createdAt: made.createdAt });

    const res = await request(url).get(made.path).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(rfc5545Problems(res.text)).toEqual([]);
    const calendar = new ICAL.Component(ICAL.parse(res.text));
    const entries = calendar.getAllSubcomponents('vevent');
    const summaries = entries.map((v) => v.getFirstPropertyValue('summary'));
    expect(summaries).toEqual(expect.arrayContaining(['Stand-up', 'Retro', 'Demo day', 'Team lunch']));
    // Only bob's rooms: eve's stand-up in her own room is not there; ada's is, with its moved occurrence.
    expect(entries.filter((v) => v.getFirstPropertyValue('summary') === 'Stand-up').map((v) => v.getFirstPropertyValue('uid'))).toEqual([`${standup.id}@parley`, `${standup.id}@parley`]);
    const lunch = entries.find((v) => v.getFirstPropertyValue('summary') === 'Team lunch')!;
    expect(lunch.getFirstPropertyValue('status')).toBe('CANCELLED');
    const demo = entries.find((v) => v.getFirstPropertyValue('summary') === 'Demo day')!;
    expect(String(demo.getFirstPropertyValue('dtstart'))).toBe('2026-10-20');
    expect(String(demo.getFirstPropertyValue('description'))).toBe('Room: Side project');
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(expect.arrayContaining(['Europe/Berlin', 'America/Los_Angeles']));

    const replaced = (await asUser(url, bob).post('/api/calendar/feed').expect(201)).body as CalendarFeed;
    await request(url).get(made.path).expect(404);
    await request(url).get(replaced.path).expect(200);
    await asUser(url, bob).delete('/api/calendar/feed').expect(204);
    const gone = await request(url).get(replaced.path).expect(404);
    expect(gone.body).toMatchObject({ code: ErrorCode.NotFound });
    expect((await asUser(url, bob).get('/api/calendar/feed').expect(200)).body).toEqual({ active: false, createdAt: null });
    await request(url).get('/api/calendar/feed/cal_guess.ics').expect(404);
    // The token is the URL's credential: it never reaches the server's log (which records refused requests).
    expect(server.output()).toContain('/api/calendar/feed/[redacted]');
    expect(server.output()).not.toContain(made.token.slice(4));
    await request(url).get('/api/calendar/feed').expect(401);
  });

  it('keeps an encrypted room\u2019s event text in the ciphertext only: plaintext refused, times in clear', async () => {
    const secret = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Secret', encrypted: true, memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const plain = await asUser(url, ada).post(events(secret.id)).send(weekly).expect(400);
    expect(plain.body.details).toEqual([{ field: 'title', message: 'This room is end-to-end encrypted: title must be empty (the text travels in `encrypted`)' }]);
    const bare = await asUser(url, ada).post(events(secret.id)).send({ start: weekly.start, end: weekly.end, timeZone: weekly.timeZone }).expect(400);
    expect(bare.body.details).toEqual([{ field: 'encrypted', message: 'This room is end-to-end encrypted: send the event\u2019s text encrypted on your device (`encrypted`)' }]);
    const bad = await asUser(url, ada).post(events(secret.id)).send({ start: weekly.start, end: weekly.end, timeZone: weekly.timeZone, encrypted: { ...fakeCiphertext, ciphertext: 'not base64!' } }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'encrypted.ciphertext', message: 'encrypted.ciphertext must be unpadded base64' }]);

    const event = (await asUser(url, ada).post(events(secret.id)).send({ start: weekly.start, end: weekly.end, timeZone: weekly.timeZone, rrule: weekly.rrule, encrypted: fakeCiphertext }).expect(201)).body as CalendarEvent;
    expect(event).toMatchObject({ title: '', description: '', location: '', encrypted: fakeCiphertext, start: weekly.start, rrule: weekly.rrule });
    await asUser(url, ada).patch(`${events(secret.id)}/${event.id}`).send({ location: 'Room 4' }).expect(400);
    const range = (await asUser(url, bob).get(events(secret.id)).query(october).expect(200)).body as CalendarRange;
    expect(range.occurrences.map((o) => o.start).slice(2, 3)).toEqual(['2026-10-26T08:00:00.000Z']);
    // Its .ics has the times and the rule, titled "Encrypted event", no text (the web app writes the text in).
    const ics = await asUser(url, bob).get(`${events(secret.id)}/${event.id}/ics`).expect(200);
    expect(ics.headers['content-disposition']).toMatch(/^attachment; filename="?Encrypted-event\.ics"?$/);
    const [single] = new ICAL.Component(ICAL.parse(ics.text)).getAllSubcomponents('vevent');
    expect([single!.getFirstPropertyValue('summary'), single!.getFirstPropertyValue('description'), single!.getFirstPropertyValue('location')]).toEqual(['Encrypted event', null, null]);
    expect(String(single!.getFirstPropertyValue('rrule'))).toBe(weekly.rrule);
    // A feed lists it by its times only.
    const feed = (await asUser(url, bob).post('/api/calendar/feed').expect(201)).body as CalendarFeed;
    const entries = new ICAL.Component(ICAL.parse((await request(url).get(feed.path).expect(200)).text)).getAllSubcomponents('vevent');
    const listed = entries.find((v) => v.getFirstPropertyValue('uid') === `${event.id}@parley`)!;
    expect(listed.getFirstPropertyValue('summary')).toBe('Encrypted event');
    expect(listed.getFirstPropertyValue('location')).toBeNull();
    expect(listed.getFirstPropertyValue('description')).toBe('Room: Secret');
    expect(String(listed.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;BYDAY=MO');
  });

  it('imports an .ics file: a calendar\u2019s own export comes back the same, what cannot be taken is listed, bad files refused', async () => {
    const copy = (await asUser(url, bob).post('/api/rooms').send({ kind: 'group', name: 'Imported', memberIds: [ada.user.id] }).expect(201)).body as RoomSummary;
    const exported = (await asUser(url, ada).get(`${events()}/${standup.id}/ics`).expect(200)).text;
    const hourly = ['BEGIN:VEVENT', 'UID:hourly@example.com', 'DTSTAMP:20261001T000000Z', 'SUMMARY:Every hour', 'DTSTART:20261012T090000Z', 'RRULE:FREQ=HOURLY', 'END:VEVENT'].join('\r\n');
    const file = exported.replace('END:VCALENDAR', `${hourly}\r\nEND:VCALENDAR`);
    const res = await asUser(url, bob).post(`${events(copy.id)}/import`).query({ timeZone: 'Asia/Tokyo' }).set('Content-Type', 'text/calendar').send(file).expect(201);
    const result = res.body as CalendarImportResult;
    expect(result.skipped).toEqual([{ uid: 'hourly@example.com', summary: 'Every hour', reason: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' }]);
    expect(result.created).toHaveLength(1);
    expect(result.created[0]).toMatchObject({ roomId: copy.id, title: 'Stand-up', description: weekly.description, location: weekly.location, timeZone: 'Europe/Berlin', start: weekly.start, end: weekly.end, createdBy: { id: bob.user.id } });
    const original = (await asUser(url, ada).get(events()).query(october).expect(200)).body as CalendarRange;
    const imported = (await asUser(url, ada).get(events(copy.id)).query(october).expect(200)).body as CalendarRange;
    const shape = (r: CalendarRange, id: string) => r.occurrences.filter((o) => o.eventId === id).map((o) => [o.occurrence, o.start, o.end, o.moved, o.cancelled]);
    expect(shape(imported, result.created[0]!.id)).toEqual(shape(original, standup.id));

    // Bad input: not iCalendar, not the file itself, too large, a stranger, an encrypted room.
    const garbage = await asUser(url, bob).post(`${events(copy.id)}/import`).set('Content-Type', 'text/calendar').send('hello').expect(400);
    expect(garbage.body).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ field: 'body' }] });
    expect(garbage.body.message).toMatch(/^This is not an iCalendar file/);
    const json = await asUser(url, bob).post(`${events(copy.id)}/import`).send({ ics: file }).expect(415);
    expect(json.body.message).toBe('Send the .ics file itself as the request body, with Content-Type text/calendar');
    await asUser(url, bob).post(`${events(copy.id)}/import`).query({ timeZone: '+01:00' }).set('Content-Type', 'text/calendar').send(file).expect(400);
    await asUser(url, bob).post(`${events(copy.id)}/import`).set('Content-Type', 'text/calendar').send(`${file}${' '.repeat(1_000_001)}`).expect(413);
    await asUser(url, eve).post(`${events(copy.id)}/import`).set('Content-Type', 'text/calendar').send(file).expect(404);
    const secret = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Sealed', encrypted: true }).expect(201)).body as RoomSummary;
    const sealed = await asUser(url, ada).post(`${events(secret.id)}/import`).set('Content-Type', 'text/calendar').send(file).expect(409);
    expect(sealed.body.message).toMatch(/^This room is end-to-end encrypted/);
  });
});
