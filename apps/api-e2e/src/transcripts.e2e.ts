import { Message, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { unzipSync } from 'fflate';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { uploadFile } from './support/files';

interface JsonTranscript {
  room: { id: string; name: string };
  timeZone: string;
  exportedBy: { id: string; name: string };
  messages: { id: string; seq: number; sender: { id: string; name: string }; body: string; deleted: boolean; editedAt: string | null; kind: string; attachments: { name: string; size: number }[] }[];
  count: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each<DatabaseKind>(['sqlite', 'postgres'])('room transcripts on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let bob: Signed;
  let eve: Signed;
  let room: RoomSummary;
  const sent: Message[] = [];
  let marks: { start: string; middle: string; late: string };

  const send = async (who: Signed, body: string, extra: Record<string, unknown> = {}) => {
    const res = await asUser(url, who).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body, ...extra }).expect(201);
    sent.push(res.body as Message);
    return res.body as Message;
  };
  const transcript = (who: Signed, query: Record<string, string>, roomId = room.id) => request(url).get(`/api/rooms/${roomId}/transcript`).query(query).set(bearer(who));

  beforeAll(async () => {
    server = await startOn(kind, { env: { DM_POLICY: 'anyone', SOCKET_SEND_BURST: '1000' } });
    url = server.url;
    [ada, bob, eve] = [await signUp(url), await signUp(url), await signUp(url)];
    room = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Launch <plans>', memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const start = new Date(Date.now() - 1000).toISOString();
    await send(ada, 'Kick-off: **agenda** below\nline two');
    const edited = await send(bob, 'A typo herre');
    await asUser(url, bob).patch(`/api/messages/${edited.id}`).send({ body: 'A typo here' }).expect(200);
    const gone = await send(bob, 'Something to take back');
    await asUser(url, bob).delete(`/api/messages/${gone.id}`).expect(200);
    const file = await uploadFile(url, ada, room.id, 'budget.txt', Buffer.from('numbers\n'));
    await send(ada, 'The budget', { attachmentIds: [file.id] });
    await send(bob, '<script>alert(1)</script> & more');
    await pause(40);
    const middle = new Date().toISOString();
    await pause(40);
    for (let i = 0; i < 5; i++) await send(ada, `later #${i}`);
    await pause(40);
    const late = new Date().toISOString();
    await pause(40);
    await send(ada, 'after the range');
    marks = { start, middle, late };
  });
  afterAll(() => server?.dispose());

  it('exports the range as JSON: senders, edits, deletions, files, in order', async () => {
    const res = await transcript(bob, { format: 'json', from: marks.start, to: marks.middle }).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?Launch-plans-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.json"?$/);
    const doc = JSON.parse(res.text) as JsonTranscript;
    expect(doc.room).toEqual({ id: room.id, name: 'Launch <plans>' });
    expect(doc.exportedBy).toEqual({ id: bob.user.id, name: bob.user.displayName });
    const users = doc.messages.filter((m) => m.kind === 'user');
    expect(users.map((m) => [m.sender.name, m.body, m.deleted])).toEqual([
      [ada.user.displayName, 'Kick-off: **agenda** below\nline two', false],
      [bob.user.displayName, 'A typo here', false],
      [bob.user.displayName, '', true],
      [ada.user.displayName, 'The budget', false],
      [bob.user.displayName, '<script>alert(1)</script> & more', false],
    ]);
    expect(users[1]!.editedAt).not.toBeNull();
    expect(users[3]!.attachments).toEqual([expect.objectContaining({ name: 'budget.txt', size: 8 })]);
    expect(doc.count).toBe(doc.messages.length);
    // Seq order, no gaps among what was exported.
    const seqs = doc.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('finds the range inside the history: exactly the messages sent between the two times', async () => {
    const doc = JSON.parse((await transcript(ada, { format: 'json', from: marks.middle, to: marks.late }).expect(200)).text) as JsonTranscript;
    expect(doc.messages.map((m) => m.body)).toEqual(['later #0', 'later #1', 'later #2', 'later #3', 'later #4']);
    const none = await transcript(ada, { format: 'txt', from: new Date(Date.now() + 60_000).toISOString(), to: new Date(Date.now() + 120_000).toISOString() }).expect(200);
    expect(none.text).toContain('No messages in this range.');
  });

  it('writes Markdown and plain text with local times in the chosen time zone', async () => {
    const md = (await transcript(ada, { format: 'md', from: marks.start, to: marks.middle, tz: 'Asia/Kolkata' }).expect(200)).text;
    expect(md).toMatch(/^# Launch <plans>\n/);
    expect(md).toContain('**agenda** below');
    expect(md).toContain('- 📎 budget.txt (8 B)');
    expect(md).toContain('*This message was deleted.*');
    const first = sent[0]!;
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(first.createdAt));
    expect(md).toContain(`**${ada.user.displayName}** · ${first.createdAt.slice(0, 4)}`);
    expect(md).toContain(` ${local}\n\nKick-off`);
    const txt = (await transcript(ada, { format: 'txt', from: marks.start, to: marks.middle, tz: 'Asia/Kolkata' }).expect(200)).text;
    expect(txt).toContain(`${local}] ${ada.user.displayName}: Kick-off: agenda below\n    line two`);
    expect(txt).toContain(`${bob.user.displayName}: A typo here`);
    expect(txt).toContain('  [file] budget.txt (8 B)');
  });

  it('writes HTML with every text escaped, served so that it runs nothing', async () => {
    const res = await transcript(ada, { format: 'html', from: marks.start, to: marks.middle }).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('<title>Launch &lt;plans&gt;</title>');
    // The text as plain text (Markdown and tags removed, as previews show it), escaped.
    expect(res.text).toContain('<p class="body">alert(1) &amp; more</p>');
    expect(res.text).toContain('Kick-off: agenda below\nline two');
    expect(res.text).not.toContain('<script>');
  });

  it('bundles the files with the transcript in a zip when asked', async () => {
    const res = await transcript(ada, { format: 'md', from: marks.start, to: marks.middle, files: 'true' })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/filename="?Launch-plans-.*\.zip"?$/);
    const zip = unzipSync(new Uint8Array(res.body as Buffer));
    const names = Object.keys(zip);
    const textName = names.find((n) => n.endsWith('.md'))!;
    expect(new TextDecoder().decode(zip[textName])).toContain('- 📎 budget.txt (8 B)');
    const fileName = names.find((n) => n.endsWith('/budget.txt'))!;
    expect(fileName).toMatch(/^files\/[0-9a-f-]{36}\/budget\.txt$/);
    expect(new TextDecoder().decode(zip[fileName])).toBe('numbers\n');
    expect(names).toHaveLength(2);
    await transcript(ada, { from: marks.start, files: 'maybe' }).expect(400);
  });

  it('is for members only, refuses bad ranges and zones, and sends encrypted rooms to the browser', async () => {
    await transcript(eve, { from: marks.start }).expect(404);
    await request(url).get(`/api/rooms/${room.id}/transcript`).query({ from: marks.start }).expect(401);
    const bad = async (query: Record<string, string>, field: string) => {
      const res = await transcript(ada, query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ field })] });
    };
    await bad({ from: marks.start, format: 'pdf' }, 'format');
    await bad({}, 'from');
    await bad({ from: 'yesterday' }, 'from');
    await bad({ from: marks.middle, to: marks.start }, 'to');
    await bad({ from: '2000-01-01', to: '2030-01-01' }, 'to');
    await bad({ from: marks.start, tz: 'Mars/Olympus' }, 'tz');
    await bad({ from: marks.start, extra: '1' }, 'extra');
    const secret = (await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Secret', encrypted: true, memberIds: [bob.user.id] }).expect(201)).body as RoomSummary;
    const refused = await transcript(ada, { from: marks.start }, secret.id).expect(409);
    expect(refused.body.message).toMatch(/end-to-end encrypted/);
  });
});
