import { AuditEntry, ComplianceExport, Message, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { unzipSync } from 'fflate';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, makeUser, Signed, signUp } from './support/factories';
import { uploadFile } from './support/files';

interface Line {
  roomId: string;
  roomName: string;
  seq: number;
  kind: string;
  sender: { id: string; name: string };
  body: string;
  deletedAt: string | null;
  encrypted: unknown;
  attachments: { id: string; name: string; path: string }[];
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('compliance exports and the audit log on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let root: Signed;
  let ada: Signed;
  let bob: Signed;

  const admin = () => asUser(url, root);
  const send = async (who: Signed, roomId: string, body: string, extra: Record<string, unknown> = {}) =>
    (await asUser(url, who).post(`/api/rooms/${roomId}/messages`).send({ clientMsgId: randomUUID(), body, ...extra }).expect(201)).body as Message;
  const finished = async (id: string): Promise<ComplianceExport> => {
    for (let i = 0; i < 150; i++) {
      const job = (await admin().get(`/api/admin/exports/${id}`).expect(200)).body as ComplianceExport;
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the export did not finish in 30 s');
  };
  const downloadZip = async (id: string) => {
    const res = await request(url).get(`/api/admin/exports/${id}/download`).set(bearer(root)).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?parley-export-/);
    return unzipSync(new Uint8Array(res.body as Buffer));
  };

  beforeAll(async () => {
    server = await startOn(kind, { env: { DM_POLICY: 'anyone', SOCKET_SEND_BURST: '1000' } });
    url = server.url;
    root = await signUp(url, makeUser({ username: `root.compliance.${kind}` })); // the first account is the instance admin
    [ada, bob] = [await signUp(url), await signUp(url)];
  });
  afterAll(() => server?.dispose());

  it('writes chosen rooms to a zip in the background (messages as JSON Lines, their files), downloads it, and audits both', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const team = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Team', memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const other = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Other', memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const secret = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Secret', encrypted: true, memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const file = await uploadFile(url, ada, team.id, 'q3 report.txt', Buffer.from('revenue up\n'));
    await send(ada, team.id, 'Here is the report', { attachmentIds: [file.id] });
    const gone = await send(bob, team.id, 'oops');
    await asUser(url, bob).delete(`/api/messages/${gone.id}`).expect(200);
    await send(bob, team.id, 'Thanks!');
    await send(ada, other.id, 'Not asked for');
    const to = new Date(Date.now() + 60_000).toISOString();

    const created = (await admin().post('/api/admin/exports').send({ from, to, roomIds: [team.id, secret.id] }).expect(201)).body as ComplianceExport;
    expect(created).toMatchObject({ status: expect.stringMatching(/queued|running|done/), roomIds: [team.id, secret.id], includeFiles: true, requestedBy: { id: root.user.id } });
    const job = await finished(created.id);
    expect(job).toMatchObject({ status: 'done', progress: { rooms: 2, roomsDone: 2, messages: expect.any(Number), files: 1 }, error: null });
    expect(job.size).toBeGreaterThan(0);

    const zip = await downloadZip(created.id);
    expect(Object.keys(zip).sort()).toEqual(['files/' + file.id + '/q3 report.txt', 'manifest.json', 'messages.jsonl'].sort());
    const lines = new TextDecoder()
      .decode(zip['messages.jsonl'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const users = lines.filter((l) => l.kind === 'user');
    expect(users.map((l) => [l.roomName, l.sender.name, l.body, l.deletedAt !== null])).toEqual([
      ['Team', ada.user.displayName, 'Here is the report', false],
      ['Team', bob.user.displayName, '', true],
      ['Team', bob.user.displayName, 'Thanks!', false],
    ]);
    expect(lines.some((l) => l.roomId === other.id)).toBe(false);
    expect(lines.find((l) => l.body === 'Here is the report')!.attachments).toEqual([{ id: file.id, name: 'q3 report.txt', size: 11, mime: 'text/plain', path: `files/${file.id}/q3 report.txt` }]);
    expect(new TextDecoder().decode(zip[`files/${file.id}/q3 report.txt`])).toBe('revenue up\n');
    const manifest = JSON.parse(new TextDecoder().decode(zip['manifest.json'])) as { rooms: { id: string }[]; messages: number; files: number; requestedBy: { id: string } };
    expect(manifest).toMatchObject({ messages: lines.length, files: 1, requestedBy: { id: root.user.id } });
    expect(manifest.rooms.map((r) => r.id).sort()).toEqual([team.id, secret.id].sort());

    // Only Bob's messages, no files.
    const bobs = (await admin().post('/api/admin/exports').send({ from, to, roomIds: [team.id], userIds: [bob.user.id], includeFiles: false }).expect(201)).body as ComplianceExport;
    expect((await finished(bobs.id)).progress).toMatchObject({ files: 0 });
    const bobZip = await downloadZip(bobs.id);
    expect(Object.keys(bobZip).sort()).toEqual(['manifest.json', 'messages.jsonl']);
    const bobLines = new TextDecoder().decode(bobZip['messages.jsonl']).trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(bobLines.every((l) => l.sender.id === bob.user.id)).toBe(true);
    expect(bobLines).toHaveLength(2);

    // The list, and the audit log: who asked for what, and each download.
    expect(((await admin().get('/api/admin/exports').expect(200)).body as ComplianceExport[]).map((e) => e.id)).toEqual([bobs.id, created.id]);
    const audit = (await admin().get('/api/admin/audit?limit=10').expect(200)).body as AuditEntry[];
    const exportsAudit = audit.filter((a) => a.action.startsWith('compliance_export.'));
    expect(exportsAudit.map((a) => [a.action, a.actor.id, a.details['exportId']])).toEqual([
      ['compliance_export.downloaded', root.user.id, bobs.id],
      ['compliance_export.requested', root.user.id, bobs.id],
      ['compliance_export.downloaded', root.user.id, created.id],
      ['compliance_export.requested', root.user.id, created.id],
    ]);
    expect(exportsAudit[3]!.details).toMatchObject({ roomIds: [team.id, secret.id], includeFiles: true });
    // A member's transcript is audited too.
    await asUser(url, bob).get(`/api/rooms/${team.id}/transcript`).query({ from, format: 'txt' }).expect(200);
    const latest = ((await admin().get('/api/admin/audit?limit=1').expect(200)).body as AuditEntry[])[0]!;
    expect(latest).toMatchObject({ action: 'transcript.exported', actor: { id: bob.user.id, name: bob.user.displayName }, details: { roomId: team.id, format: 'txt' } });
  });

  it('is for admins only and refuses bad input', async () => {
    await asUser(url, ada).post('/api/admin/exports').send({ from: '2026-01-01', to: '2026-02-01' }).expect(403);
    await asUser(url, ada).get('/api/admin/audit').expect(403);
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await admin().post('/api/admin/exports').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ field })] });
    };
    await bad({ to: '2026-02-01' }, 'from');
    await bad({ from: '2026-02-01', to: '2026-01-01' }, 'to');
    await bad({ from: '2000-01-01', to: '2026-01-01' }, 'to');
    await bad({ from: '2026-01-01', to: '2026-02-01', roomIds: ['nope'] }, 'roomIds');
    await bad({ from: '2026-01-01', to: '2026-02-01', roomIds: [randomUUID()] }, 'roomIds');
    await bad({ from: '2026-01-01', to: '2026-02-01', userIds: [randomUUID()] }, 'userIds');
    await bad({ from: '2026-01-01', to: '2026-02-01', roomIds: Array.from({ length: 101 }, () => randomUUID()) }, 'roomIds');
    await bad({ from: '2026-01-01', to: '2026-02-01', extra: true }, 'extra');
    await admin().get(`/api/admin/exports/${randomUUID()}`).expect(404);
    await admin().get(`/api/admin/exports/${randomUUID()}/download`).expect(404);
  });
});
