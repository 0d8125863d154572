import { Message, SearchPage } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { binary, filesUnder, uploadFile } from './support/files';
import { sleep } from './support/sockets';
import { runTool } from './support/tools';

/**
 * The canary: one string written every way a user can write it (a message, its edit, a file's contents,
 * a file's name) is found again by search, and is nowhere in plaintext on the server's side: not in the SQLite
 * file or its WAL, not in the file store, not in a backup, not in the logs (search queries included).
 */
afterEach(closeSockets);

/** The files that hold `needle` in UTF-8, UTF-16LE (what SQLite's FTS or a Windows tool might write) or base64. */
function holding(files: string[], needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le'), Buffer.from(Buffer.from(needle, 'utf8').toString('base64').slice(0, 16), 'latin1')];
  return files.filter((file) => {
    const bytes = readFileSync(file);
    return forms.some((form) => bytes.includes(form));
  });
}

async function searchUntilFound(url: string, who: Signed, q: string, timeoutMs = 30_000): Promise<SearchPage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = (await asUser(url, who).get('/api/search').query({ q }).expect(200)).body as SearchPage;
    if (page.results.length || Date.now() > deadline) return page;
    await sleep(200);
  }
}

describe('a canary written every way is found by search and stored nowhere in plaintext', () => {
  let server: RunningServer;
  const work = mkdtempSync(join(tmpdir(), 'parley-canary-'));
  afterAll(async () => {
    await server?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('message, edit, file contents and file name', async () => {
    server = await startServer();
    const url = server.url;
    const [ada, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [ben]);
    const tag = randomBytes(6).toString('hex');
    const [sent, edited, contents, fileName] = [`sentcanary${tag}`, `editcanary${tag}`, `bytescanary${tag}`, `namecanary${tag}`];

    const socket = await socketFor(url, ada);
    const message: Message = await send(socket, room.id, `The launch code is ${sent}`);
    await asUser(url, ada).patch(`/api/messages/${message.id}`).send({ body: `The launch code is now ${edited}` }).expect(200);
    const fileBytes = Buffer.from(`Quarterly numbers\n${contents}\n`.repeat(2000), 'utf8');
    const file = await uploadFile(url, ada, room.id, `${fileName}.txt`, fileBytes);
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'the numbers', clientMsgId: randomUUID(), attachmentIds: [file.id] }).expect(201);

    // Readable through the API, and found by search: the edit (not the text it replaced) and the file's name.
    const downloaded = (await binary(request(url).get(`/api/files/${file.id}/content`).set(bearer(ben))).expect(200)).body as Buffer;
    expect(downloaded.equals(fileBytes)).toBe(true);
    const byEdit = await searchUntilFound(url, ben, edited);
    expect(byEdit.results.map((r) => r.message.id)).toEqual([message.id]);
    expect((await searchUntilFound(url, ben, fileName)).results.map((r) => [r.matchedIn, r.fileName])).toEqual([['file', `${fileName}.txt`]]);
    expect(((await asUser(url, ben).get('/api/search').query({ q: sent }).expect(200)).body as SearchPage).results).toEqual([]);

    // A backup of the running installation.
    const backupFile = join(work, 'backup.sqlite');
    const backup = await runTool('db-backup', [backupFile], { DATA_DIR: server.dataDir });
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    socket.close();
    await server.stop();

    const dataFiles = filesUnder(server.dataDir).filter((f) => !f.includes(`${join(server.dataDir, 'keys')}`));
    expect(dataFiles.some((f) => f.endsWith('parley.sqlite'))).toBe(true);
    expect(filesUnder(join(server.dataDir, 'files')).length).toBeGreaterThan(0);
    for (const canary of [sent, edited, contents, fileName]) {
      expect({ canary, in: holding([...dataFiles, backupFile], canary) }).toEqual({ canary, in: [] });
      expect(server.output()).not.toContain(canary);
    }
  });
});
