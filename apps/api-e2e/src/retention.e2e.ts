import { LegalHold, Message, MessagePage, RetentionPolicy, RetentionReport, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { DatabaseKind, databaseUrlOf, startOn } from './support/database-targets';
import { asUser, makeUser, Signed, signUp } from './support/factories';
import { uploadFile } from './support/files';

/** The part of better-sqlite3 the test writes with (the package ships no types). */
interface SqliteFile {
  prepare(sql: string): { run(...p: unknown[]): unknown };
  pragma(sql: string): unknown;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { fileMustExist: boolean }) => SqliteFile;

const DAY = 86_400_000;

describe.each<DatabaseKind>(['sqlite', 'postgres'])('retention and legal holds on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let root: Signed;
  let ada: Signed;
  let bob: Signed;

  /** Makes messages look `days` old: the one arrangement no API offers (retention is about time passing). */
  const age = async (ids: string[], days: number) => {
    const at = new Date(Date.now() - days * DAY);
    if (kind === 'sqlite') {
      const db = new Database(join(server.dataDir, 'parley.sqlite'), { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        const stamp = at.toISOString().replace('T', ' ').replace('Z', '');
        for (const id of ids) db.prepare('UPDATE messages SET "createdAt" = ? WHERE id = ?').run(stamp, id);
      } finally {
        db.close();
      }
      return;
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      await client.query('UPDATE messages SET "createdAt" = $1 WHERE id = ANY($2)', [at, ids]);
    } finally {
      await client.end();
    }
  };
  const send = async (who: Signed, roomId: string, body: string, extra: Record<string, unknown> = {}) =>
    (await asUser(url, who).post(`/api/rooms/${roomId}/messages`).send({ clientMsgId: randomUUID(), body, ...extra }).expect(201)).body as Message;
  const room = async (name: string, members: Signed[]) =>
    (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name, memberIds: members.map((m) => m.user.id) }).expect(201)).body as RoomSummary;
  const history = async (roomId: string) => ((await asUser(url, ada).get(`/api/rooms/${roomId}/messages?after=0&limit=100`).expect(200)).body as MessagePage).items;
  const admin = () => asUser(url, root);

  beforeAll(async () => {
    server = await startOn(kind, { env: { DM_POLICY: 'anyone', SOCKET_SEND_BURST: '1000' } });
    url = server.url;
    root = await signUp(url, makeUser({ username: `root.retention.${kind}` })); // the first account is the instance admin
    [ada, bob] = [await signUp(url), await signUp(url)];
  });
  afterAll(() => server?.dispose());

  it('removes what the dry run reported, as tombstones, keeping held people and rooms, rooms that keep everything, and recent messages', async () => {
    const team = await room('Team', [bob]);
    const kept = await room('Keep forever', [bob]);
    const held = await room('Under investigation', [bob]);
    const file = await uploadFile(url, ada, team.id, 'old-plan.txt', Buffer.from('plan\n'));
    const old = [
      await send(ada, team.id, 'old one'),
      await send(ada, team.id, 'old two', { attachmentIds: [file.id] }),
      await send(bob, team.id, 'old from bob (on hold)'),
      await send(ada, kept.id, 'old but kept'),
      await send(ada, held.id, 'old but held'),
    ];
    await age(
      old.map((m) => m.id),
      40,
    );
    const recent = await send(ada, team.id, 'recent');

    // The admin's room picker finds rooms by name (the admin is in none of them).
    expect((await admin().get('/api/admin/retention/rooms?q=KEEP').expect(200)).body).toEqual([{ id: kept.id, name: 'Keep forever', kind: 'group', archived: false }]);
    await admin().put(`/api/admin/retention/rooms/${kept.id}`).send({ days: null }).expect(200);
    const bobHold = (await admin().post('/api/admin/retention/holds').send({ kind: 'user', targetId: bob.user.id, reason: 'Case 42' }).expect(201)).body as LegalHold;
    expect(bobHold).toMatchObject({ kind: 'user', targetName: bob.user.displayName, reason: 'Case 42', createdBy: { id: root.user.id } });
    await admin().post('/api/admin/retention/holds').send({ kind: 'room', targetId: held.id, reason: 'Case 43' }).expect(201);
    await admin().put('/api/admin/retention').send({ enabled: false, days: 30 }).expect(200);

    // Off: a pass is refused, the dry run says what would go.
    await admin().post('/api/admin/retention/run').expect(409);
    const preview = (await admin().get('/api/admin/retention/preview').expect(200)).body as RetentionReport;
    expect(preview).toMatchObject({ dryRun: true, messages: 2, files: 1, heldRooms: 1 });
    expect(preview.rooms).toEqual([expect.objectContaining({ roomId: team.id, roomName: 'Team', days: 30, messages: 2, files: 1 })]);
    expect((await history(team.id)).filter((m) => m.deletedAt)).toEqual([]);

    // On: the pass removes exactly that.
    await admin().put('/api/admin/retention').send({ enabled: true, days: 30 }).expect(200);
    const run = (await admin().post('/api/admin/retention/run').expect(200)).body as RetentionReport;
    expect({ ...run, at: undefined, dryRun: undefined, rooms: run.rooms.map((r) => ({ ...r, cutoff: undefined })) }).toEqual({
      ...preview,
      at: undefined,
      dryRun: undefined,
      rooms: preview.rooms.map((r) => ({ ...r, cutoff: undefined })),
    });
    const items = await history(team.id);
    const byId = new Map(items.map((m) => [m.id, m]));
    expect(byId.get(old[0]!.id)).toMatchObject({ body: '', attachments: [], deletedAt: expect.any(String) });
    expect(byId.get(old[1]!.id)).toMatchObject({ body: '', attachments: [], deletedAt: expect.any(String) });
    expect(byId.get(old[2]!.id)).toMatchObject({ body: 'old from bob (on hold)', deletedAt: null });
    expect(byId.get(recent.id)).toMatchObject({ body: 'recent', deletedAt: null });
    // Tombstones keep their seq: the history stays gapless, and their new revs reach clients that sync.
    const seqs = items.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(byId.get(old[0]!.id)!.rev).toBeGreaterThan(old[0]!.rev);
    await asUser(url, ada).get(`/api/files/${file.id}`).expect(404);
    expect((await history(kept.id)).find((m) => m.id === old[3]!.id)).toMatchObject({ body: 'old but kept', deletedAt: null });
    expect((await history(held.id)).find((m) => m.id === old[4]!.id)).toMatchObject({ body: 'old but held', deletedAt: null });

    // Nothing left to remove; the policy shows the last pass.
    expect((await admin().get('/api/admin/retention/preview').expect(200)).body).toMatchObject({ messages: 0, files: 0, rooms: [] });
    const policy = (await admin().get('/api/admin/retention').expect(200)).body as RetentionPolicy;
    expect(policy).toMatchObject({ enabled: true, days: 30, rooms: [{ roomId: kept.id, roomName: 'Keep forever', days: null }], lastRun: { dryRun: false } });
    // The last pass is this one, or the hourly pass if its first tick (5 s after start-up) came after it and found
    // nothing left.
    expect(policy.lastRun!.at >= run.at).toBe(true);
    expect(policy.lastRun).toMatchObject(policy.lastRun!.at === run.at ? { messages: 2, files: 1 } : { messages: 0, files: 0, rooms: [] });
    expect(policy.holds.map((h) => h.kind).sort()).toEqual(['room', 'user']);

    // Lifting Bob's hold lets his old message go on the next pass.
    await admin().delete(`/api/admin/retention/holds/${bobHold.id}`).expect(204);
    expect(((await admin().post('/api/admin/retention/run').expect(200)).body as RetentionReport).messages).toBe(1);
    expect((await history(team.id)).find((m) => m.id === old[2]!.id)).toMatchObject({ deletedAt: expect.any(String) });
    await admin().put('/api/admin/retention').send({ enabled: false, days: 30 }).expect(200);
  });

  it('is for admins only and refuses bad input', async () => {
    await asUser(url, ada).get('/api/admin/retention').expect(403);
    await asUser(url, ada).get('/api/admin/retention/preview').expect(403);
    const bad = async (method: 'put' | 'post', path: string, body: Record<string, unknown>, field: string) => {
      const res = await admin()[method](path).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ field })] });
    };
    await bad('put', '/api/admin/retention', { enabled: true, days: 0 }, 'days');
    await bad('put', '/api/admin/retention', { enabled: true, days: 'ten' }, 'days');
    await bad('put', '/api/admin/retention', { days: 10 }, 'enabled');
    await bad('put', '/api/admin/retention', { enabled: true, days: 10, extra: 1 }, 'extra');
    await bad('post', '/api/admin/retention/holds', { kind: 'team', targetId: ada.user.id, reason: 'x' }, 'kind');
    await bad('post', '/api/admin/retention/holds', { kind: 'user', targetId: randomUUID(), reason: 'x' }, 'targetId');
    await bad('post', '/api/admin/retention/holds', { kind: 'user', targetId: ada.user.id, reason: '' }, 'reason');
    await bad('post', '/api/admin/retention/holds', { kind: 'user', targetId: ada.user.id, reason: 'x'.repeat(501) }, 'reason');
    await admin().post('/api/admin/retention/holds').send({ kind: 'user', targetId: ada.user.id, reason: 'Case 7' }).expect(201);
    await admin().post('/api/admin/retention/holds').send({ kind: 'user', targetId: ada.user.id, reason: 'again' }).expect(409);
    await admin().delete(`/api/admin/retention/holds/${randomUUID()}`).expect(404);
    await admin().put(`/api/admin/retention/rooms/${randomUUID()}`).send({ days: 10 }).expect(404);
    await admin().delete(`/api/admin/retention/rooms/${randomUUID()}`).expect(404);
  });
});
