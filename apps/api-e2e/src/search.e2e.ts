/** @long-running over a minute: indexing in the background, on both databases (starts first: tools/scripts/jest-sequencer.cjs) */
import { Message, RoomSummary, SearchPage } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { DatabaseKind, databaseUrlOf, startOn } from './support/database-targets';
import { asUser, blockUser, Signed, signUp } from './support/factories';
import { eventually, uploadFile } from './support/files';
import { call } from './support/sockets';
import { runTool } from './support/tools';

/** The part of better-sqlite3 the test reads the database with (the package ships no types). */
interface SqliteFile {
  prepare(sql: string): { all(...p: unknown[]): unknown[] };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteFile;

/**
 * Message search through the built server: what a member finds (substrings, any case and accents, CJK words,
 * file names), what nobody finds (other rooms, deleted or replaced text, blocked people), paging, filters,
 * bad input, and an indexer stopped in the middle of a backlog.
 */
afterEach(closeSockets);

const word = () => `w${randomBytes(5).toString('hex')}`;

function searchAs(url: string, who: Signed, params: Record<string, string | number>) {
  return asUser(url, who).get(`/api/search?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`);
}

async function search(url: string, who: Signed, params: Record<string, string | number>): Promise<SearchPage> {
  return (await searchAs(url, who, params).expect(200)).body as SearchPage;
}

/** Searches until the answer holds `n` results (the index follows sends within about a second). */
async function found(url: string, who: Signed, params: Record<string, string | number>, n: number): Promise<SearchPage> {
  let page: SearchPage | undefined;
  await eventually(async () => {
    page = await search(url, who, params);
    return page.results.length === n && !page.indexing;
  }, `${n} results for ${JSON.stringify(params)}`);
  return page!;
}

const bodies = (page: SearchPage) => page.results.map((r) => r.message.body);
const marked = (r: SearchPage['results'][number]) => r.snippet.highlights.map((h) => r.snippet.text.slice(h.start, h.end));

describe.each<DatabaseKind>(['sqlite', 'postgres'])('message search on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
  });
  afterAll(() => server?.dispose());

  async function roomOf(n: number): Promise<{ people: Signed[]; room: RoomSummary }> {
    const people: Signed[] = [];
    for (let i = 0; i < n; i++) people.push(await signUp(url));
    return { people, room: await createRoom(url, people[0], people.slice(1)) };
  }

  it('finds substrings whatever the case and accents, CJK words, and marks the match in formatting-free text', async () => {
    const { people: [ana, ben], room } = await roomOf(2);
    const tag = word();
    const sb = await socketFor(url, ben);
    await send(sb, room.id, `Meet at the **Café Flore** ${tag} tomorrow`);
    await send(sb, room.id, `東京タワーに行きました ${tag}`);
    await send(sb, room.id, `nothing to see ${tag}`);

    const cafe = await found(url, ana, { q: 'cafe', roomId: room.id }, 1);
    expect(cafe.results[0]).toMatchObject({
      room: { id: room.id, kind: 'group', name: room.name },
      senderName: ben.user.displayName,
      matchedIn: 'body',
      fileName: null,
      snippet: { text: `Meet at the Café Flore ${tag} tomorrow` },
    });
    expect(marked(cafe.results[0])).toEqual(['Café']);
    expect(cafe.results[0].seq).toBe(cafe.results[0].message.seq);
    expect(bodies(await search(url, ana, { q: 'CAFÉ', roomId: room.id }))).toEqual([`Meet at the **Café Flore** ${tag} tomorrow`]);
    expect(marked((await search(url, ana, { q: 'fé fl', roomId: room.id })).results[0])).toEqual(['fé Fl']);
    expect(bodies(await search(url, ana, { q: tag.slice(2, 7) }))).toHaveLength(3);

    const tokyo = await search(url, ana, { q: '東京', roomId: room.id });
    expect(bodies(tokyo)).toEqual([`東京タワーに行きました ${tag}`]);
    expect(marked(tokyo.results[0])).toEqual(['東京']);
    expect(bodies(await search(url, ana, { q: 'タワー', roomId: room.id }))).toHaveLength(1);
    expect(bodies(await search(url, ana, { q: '京都', roomId: room.id }))).toEqual([]);
    // Grams of the query are all there, but not as one substring: not a result.
    expect(bodies(await search(url, ana, { q: 'the tomorrow', roomId: room.id }))).toEqual([]);
  });

  it('follows edits and deletions: replaced or deleted text is no longer found', async () => {
    const { people: [ana], room } = await roomOf(1);
    const [before, after] = [word(), word()];
    const sa = await socketFor(url, ana);
    const m = await send(sa, room.id, `draft ${before}`);
    await found(url, ana, { q: before }, 1);
    await asUser(url, ana).patch(`/api/messages/${m.id}`).send({ body: `final ${after}` }).expect(200);
    const edited = await found(url, ana, { q: after }, 1);
    expect(edited.results[0].message).toMatchObject({ id: m.id, body: `final ${after}` });
    expect(await found(url, ana, { q: before }, 0)).toMatchObject({ results: [], nextCursor: null });
    await asUser(url, ana).delete(`/api/messages/${m.id}`).expect(200);
    await found(url, ana, { q: after }, 0);
  });

  it('searches only the rooms the caller is a member of now', async () => {
    const { people: [ana, ben], room } = await roomOf(2);
    const outsider = await signUp(url);
    const secret = word();
    await send(await socketFor(url, ana), room.id, `the plan is ${secret}`);
    await found(url, ben, { q: secret }, 1);
    expect((await search(url, outsider, { q: secret })).results).toEqual([]);
    // A room the caller is not in answers exactly like one that does not exist.
    const notMine = await searchAs(url, outsider, { q: secret, roomId: room.id }).expect(404);
    const missing = await searchAs(url, outsider, { q: secret, roomId: randomUUID() }).expect(404);
    expect(notMine.body).toEqual(missing.body);

    await asUser(url, ben).post(`/api/rooms/${room.id}/leave`).expect(204);
    expect((await search(url, ben, { q: secret })).results).toEqual([]);
    await searchAs(url, ben, { q: secret, roomId: room.id }).expect(404);
  });

  it('leaves out messages from people the caller blocked', async () => {
    const { people: [ana, ben, cal], room } = await roomOf(3);
    const tag = word();
    await send(await socketFor(url, ben), room.id, `from ben ${tag}`);
    await send(await socketFor(url, cal), room.id, `from cal ${tag}`);
    await found(url, ana, { q: tag }, 2);
    await blockUser(url, ana, ben);
    expect(bodies(await search(url, ana, { q: tag }))).toEqual([`from cal ${tag}`]);
  });

  it('finds messages by the names of the files they carry, and filters by has=file', async () => {
    const { people: [ana], room } = await roomOf(1);
    const tag = word();
    const file = await uploadFile(url, ana, room.id, `Quarterly-Résumé-${tag}.txt`, Buffer.from('numbers'));
    const sa = await socketFor(url, ana);
    const withFile = await call(sa, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: '', attachmentIds: [file.id] });
    expect(withFile).toHaveProperty('message');
    await send(sa, room.id, `no file, but the words quarterly resume ${tag}`);

    const byName = await found(url, ana, { q: `resume-${tag}` }, 1);
    expect(byName.results[0]).toMatchObject({ matchedIn: 'file', fileName: `Quarterly-Résumé-${tag}.txt` });
    expect(marked(byName.results[0])).toEqual([`Résumé-${tag}`]);
    expect(bodies(await found(url, ana, { q: tag }, 2))).toHaveLength(2);
    const onlyFiles = await search(url, ana, { q: tag, has: 'file' });
    expect(onlyFiles.results.map((r) => r.message.id)).toEqual([(withFile as { message: Message }).message.id]);
  });

  it('pages newest first with the cursor, and filters by room, sender and time', async () => {
    const { people: [ana, ben], room } = await roomOf(2);
    const other = await createRoom(url, ana, [ben]);
    const tag = word();
    const [sa, sb] = [await socketFor(url, ana), await socketFor(url, ben)];
    const sent: Message[] = [];
    for (let i = 0; i < 12; i++) {
      // Results are newest first by time in milliseconds; two rooms' messages of the same millisecond have no
      // order between them that the sender could know, so the first send into the other room waits for the next.
      if (i === 9) await new Promise((r) => setTimeout(r, 2));
      sent.push(await send(i % 2 ? sb : sa, i < 9 ? room.id : other.id, `item ${i} ${tag}`));
    }
    await found(url, ana, { q: tag, limit: 50 }, 12);

    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page: SearchPage = await search(url, ana, { q: tag, limit: 5, ...(cursor ? { cursor } : {}) });
      sizes.push(page.results.length);
      seen.push(...page.results.map((r) => r.message.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 2]);
    expect(seen).toEqual(sent.map((m) => m.id).reverse());

    expect(bodies(await search(url, ana, { q: tag, roomId: other.id }))).toEqual(['item 11', 'item 10', 'item 9'].map((b) => `${b} ${tag}`));
    expect((await search(url, ana, { q: tag, from: ben.user.id })).results.map((r) => r.message.senderId)).toEqual(Array(6).fill(ben.user.id));
    const cut = sent[6].createdAt;
    const after = await search(url, ana, { q: tag, after: cut, limit: 50 });
    expect(after.results.every((r) => r.message.createdAt >= cut)).toBe(true);
    expect(after.results.length).toBeGreaterThanOrEqual(6);
    const before = await search(url, ana, { q: tag, before: cut, limit: 50 });
    expect(before.results.every((r) => r.message.createdAt < cut)).toBe(true);
    expect(after.results.length + before.results.length).toBe(12);
    expect((await search(url, ana, { q: tag, before: '2000-01-01' })).results).toEqual([]);
  });

  it('answers 400 with the standard error shape for bad input', async () => {
    const ana = await signUp(url);
    const bad = async (params: Record<string, string | number>, field: string) => {
      const res = await searchAs(url, ana, params).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    };
    await bad({}, 'q');
    await bad({ q: 'ab' }, 'q');
    await bad({ q: '  a  ' }, 'q');
    await bad({ q: '東' }, 'q');
    await bad({ q: 'x'.repeat(201) }, 'q');
    await bad({ q: 'hello', roomId: 'nope' }, 'roomId');
    await bad({ q: 'hello', from: '123' }, 'from');
    await bad({ q: 'hello', has: 'image' }, 'has');
    await bad({ q: 'hello', after: 'yesterday' }, 'after');
    await bad({ q: 'hello', before: '2026-13-01' }, 'before');
    await bad({ q: 'hello', limit: 0 }, 'limit');
    await bad({ q: 'hello', limit: 51 }, 'limit');
    await bad({ q: 'hello', cursor: 'not a cursor!' }, 'cursor');
    await bad({ q: 'hello', cursor: Buffer.from('{"n":[1]}').toString('base64url') }, 'cursor');
    await searchAs(url, ana, { q: '東京' }).expect(200);
  });
});

describe('message search across a data-key rotation', () => {
  let server: RunningServer | undefined;
  afterEach(() => server?.dispose());

  it('rebuilds the index under the new key in the background, answering throughout, then drops the old key period', async () => {
    server = await startOn('sqlite', { env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
    const url = server.url;
    const ana = await signUp(url);
    const room = await createRoom(url, ana, []);
    const tag = word();
    const sa = await socketFor(url, ana);
    for (let i = 0; i < 40; i++) await send(sa, room.id, `needle ${i} ${tag}`);
    for (let i = 0; i < 2000; i += 200) await Promise.all(Array.from({ length: 200 }, (_, k) => send(sa, room.id, `filler ${i + k} hay`)));
    await found(url, ana, { q: tag, limit: 50 }, 40);
    const periods = () => {
      // An SQLite installation keeps the search index in a file of its own beside the database.
      const db = new Database(join(server!.dataDir, 'parley-search.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT "keyId", state FROM search_periods ORDER BY id').all() as { keyId: string; state: string }[];
      } finally {
        db.close();
      }
    };
    const [before] = periods();

    const rotated = await runTool('keys-rotate', ['--data-key'], { DATA_DIR: server.dataDir });
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const newKey = /New data key ([0-9a-f]{16})/.exec(rotated.stdout)![1];
    const answers: number[] = [];
    await eventually(async () => {
      answers.push((await search(url, ana, { q: tag, limit: 50 })).results.length);
      const now = periods();
      return now.length === 1 && now[0].keyId === newKey && now[0].state === 'ready';
    }, 'the index is rebuilt under the new data key and the old period dropped', 60_000);
    // Every search during the rebuild found all 40, never one twice.
    expect(new Set(answers)).toEqual(new Set([40]));
    expect(before.keyId).not.toBe(newKey);
    expect(await search(url, ana, { q: tag, limit: 50 })).toMatchObject({ indexing: false });
    expect((await search(url, ana, { q: 'needle 3', limit: 50 })).results.map((r) => r.message.body).sort()).toEqual([`needle 3 ${tag}`, ...Array.from({ length: 10 }, (_, k) => `needle 3${k} ${tag}`)].sort());
  }, 180_000);
});

describe('message search: an indexer stopped in the middle of a backlog', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0).reverse()) await s.dispose();
  });

  it.each<DatabaseKind>(['sqlite', 'postgres'])('resumes where it stopped after a kill, on %s: everything found, nothing twice', async (kind) => {
    const fast = { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' };
    // The backlog: messages written while no process indexes.
    const first = await startOn(kind, { env: { ...fast, SEARCH_INDEXING: 'off' } });
    servers.push(first);
    const url = first.url;
    const ana = await signUp(url);
    const room = await createRoom(url, ana, []);
    const tag = word();
    const sa = await socketFor(url, ana);
    const total = 3000;
    for (let i = 0; i < total; i += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, k) => send(sa, room.id, `backlog ${i + k} ${tag}`)));
    }
    closeSockets();
    expect(await search(url, ana, { q: tag })).toMatchObject({ results: [], indexing: true });
    await first.stop();

    const env = { ...fast, ...(kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(first) } : {}) };
    const second = await startServer({ dataDir: first.dataDir, env });
    servers.push(second);
    // Killed once it has indexed part of the backlog (the newest messages are indexed last).
    await eventually(async () => (await search(second.url, ana, { q: 'backlog 1' })).results.length > 0, 'part of the backlog is indexed', 60_000);
    await second.stop('SIGKILL');

    const third = await startServer({ dataDir: first.dataDir, env });
    servers.push(third);
    await eventually(async () => !(await search(third.url, ana, { q: tag })).indexing, 'the backlog is indexed', 120_000);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SearchPage = await search(third.url, ana, { q: tag, limit: 50, ...(cursor ? { cursor } : {}) });
      ids.push(...page.results.map((r) => r.message.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  }, 300_000);
});
