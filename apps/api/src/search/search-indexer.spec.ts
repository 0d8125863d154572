import { randomUUID } from 'node:crypto';
import { DataKeys } from '../encryption/data-keys';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { loadMasterKeys } from '../encryption/master-keys';
import { AppEvents } from '../events/app-events';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { MessageSearchReads } from '../messages/message-search-reads';
import { MessageWriter } from '../messages/message-writer';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomRevisions } from '../rooms/room-revisions';
import { RoomEntity } from '../rooms/room.entity';
import { openPostgresTestDatabase, openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { SearchIndexer } from './search-indexer';
import { normaliseQuery, queryGrams } from '@parley/contracts';
import { messageOrd, seqOfOrd } from './search-tokens';
import { searchIndexPath } from './sqlite-search-file';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');

const databases = { sqlite: openTestDatabase, postgres: openPostgresTestDatabase };

describe.each(['sqlite', 'postgres'] as const)('SearchIndexer (the keyed index on %s)', (kind) => {
  let db: TestDatabase;
  let writer: MessageWriter;
  let userId: string;
  let roomId: string;

  beforeEach(async () => {
    db = await databases[kind]();
    writer = new MessageWriter(db.dataSource, db.config, await db.keys());
    const users = db.dataSource.getRepository(UserEntity);
    userId = (await users.save(users.create({ username: 'ana', email: 'ana@example.com', displayName: 'Ana', passwordHash: 'x' }))).id;
    const rooms = db.dataSource.getRepository(RoomEntity);
    roomId = (await rooms.save(rooms.create({ kind: 'group', name: 'Plans', ownerId: userId }))).id;
    await db.dataSource.getRepository(RoomMemberEntity).insert({ roomId, userId, role: 'owner' });
  });
  afterEach(() => db.close());

  /** One API process's indexer on the shared database (started by hand: tests run passes themselves). */
  async function indexer(on: TestDatabase = db, events = new AppEvents()): Promise<SearchIndexer> {
    const keys = await on.keys();
    return new SearchIndexer(
      on.dataSource,
      keys,
      new JobsService(on.dataSource.getRepository(JobEntity)),
      new MessageSearchReads(on.dataSource, keys),
      new RoomRevisions(on.dataSource.getRepository(RoomEntity)),
      events,
      { search: { indexing: true } },
    );
  }

  const send = async (body: string) => {
    const out = await writer.send({ roomId, senderId: userId, clientMsgId: randomUUID(), body, replyToId: null });
    if (!out.ok) throw new Error(out.reason);
    return out.message;
  };

  /** The seqs whose postings hold every token of the query under the answering key periods (candidates, before any check). */
  async function candidates(ix: SearchIndexer, q: string): Promise<number[]> {
    const text = normaliseQuery(q);
    if ('tooShort' in text) throw new Error('too short');
    const periods = (await ix.store.periods()).filter((p) => p.state === 'ready');
    const [roomOrd] = (await ix.store.roomOrds([roomId])).values();
    const out = new Set<number>();
    for (const p of periods) {
      const [lead, ...rest] = queryGrams(text.text).map(ix.tokens.of(p.keyId));
      const { lastSeq } = await db.dataSource.getRepository(RoomEntity).findOneByOrFail({ id: roomId });
      let ords = await ix.store.walk(lead, messageOrd(roomOrd, 0), messageOrd(roomOrd, lastSeq), 100_000);
      for (const t of rest) {
        const has = await ix.store.present(t, ords);
        ords = ords.filter((o) => has.has(o));
      }
      ords.forEach((o) => out.add(seqOfOrd(o)));
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Rows of the index's tables: in the database on PostgreSQL, in the index file beside the database on SQLite. */
  async function indexQuery(sql: string): Promise<Record<string, unknown>[]> {
    if (kind === 'postgres') return db.dataSource.query(sql);
    const file = new Database(searchIndexPath(db.config.database.type === 'sqlite' ? db.config.database.path : ''), { readonly: true, fileMustExist: true });
    try {
      return file.prepare(sql).safeIntegers(false).all() as Record<string, unknown>[];
    } finally {
      file.close();
    }
  }
  const count = async (table: string) => Number((await indexQuery(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('indexes new messages, re-indexes edits and drops deletions, keeping its place in the database', async () => {
    const ix = await indexer();
    const a = await send('Lunch at the Café Flore?');
    const b = await send('東京タワーに行きました');
    const c = await send('**bold** plans for _friday_');
    await ix.pass();
    expect(ix.stats.messages).toBe(3);
    expect(await candidates(ix, 'cafe flore')).toEqual([a.seq]);
    expect(await candidates(ix, '東京')).toEqual([b.seq]);
    expect(await candidates(ix, 'bold plans')).toEqual([c.seq]);
    expect(await candidates(ix, 'nowhere')).toEqual([]);

    await writer.store.edit(a.id, 'Dinner instead', new Date());
    await writer.store.remove(b.id, new Date());
    await ix.pass();
    expect(await candidates(ix, 'cafe')).toEqual([]);
    expect(await candidates(ix, 'dinner')).toEqual([a.seq]);
    expect(await candidates(ix, '東京')).toEqual([]);
    // Only what changed was read again; two messages' rows remain.
    expect(ix.stats.messages).toBe(5);
    expect(await count('search_docs')).toBe(2);

    // Another process (or this one after a restart) finds the index up to date: nothing is indexed twice.
    const again = await indexer();
    await again.pass();
    expect(again.stats.messages).toBe(0);
  });

  it("indexes this process's own changes from its message events, and reads the database for changes it did not see", async () => {
    const events = new AppEvents();
    const ix = await indexer(db, events);
    ix.onApplicationBootstrap();
    try {
      const a = await send('seen here: apricot');
      await events.emit('message.created', { message: a });
      await ix.idle();
      expect(ix.stats).toMatchObject({ messages: 1, fromMemory: 1 });

      // Another process's message (no event here), then one of this process's: the gap is read from the database.
      const b = await send('sent elsewhere: blueberry');
      const c = await send('seen here: cherry');
      await events.emit('message.created', { message: c });
      await ix.idle();
      expect(ix.stats).toMatchObject({ messages: 3, fromMemory: 1 });

      // Back in step: an edit and a deletion are indexed from memory again.
      const edited = await writer.store.edit(c.id, 'changed to damson', new Date());
      if (!edited.ok) throw new Error(edited.reason);
      await events.emit('message.edited', { message: edited.message });
      const removed = await writer.store.remove(a.id, new Date());
      if (!removed.ok) throw new Error(removed.reason);
      await events.emit('message.deleted', { message: removed.message });
      await ix.idle();
      expect(ix.stats).toMatchObject({ messages: 5, fromMemory: 3 });

      expect(await candidates(ix, 'apricot')).toEqual([]);
      expect(await candidates(ix, 'blueberry')).toEqual([b.seq]);
      expect(await candidates(ix, 'cherry')).toEqual([]);
      expect(await candidates(ix, 'damson')).toEqual([c.seq]);
      expect(await count('search_docs')).toBe(2);
    } finally {
      await ix.onApplicationShutdown();
    }
  });

  it('stores no text: postings are 8-byte integers and the documents only their tokens', async () => {
    const ix = await indexer();
    await send('the secret word is pineapple');
    await ix.pass();
    const docs = (await indexQuery('SELECT tokens FROM search_docs')) as { tokens: Buffer }[];
    expect(docs).toHaveLength(1);
    expect(docs[0].tokens.length % 8).toBe(0);
    expect(docs[0].tokens.toString('latin1')).not.toContain('pin');
    // One message: one posting (PostgreSQL) or one posting list (SQLite) per token.
    const postings = (await indexQuery('SELECT bucket, token FROM search_postings')) as { token: unknown }[];
    expect(postings.length).toBe(docs[0].tokens.length / 8);
    expect(postings.every((p) => /^-?\d+$/.test(String(p.token)))).toBe(true);
  });

  it('lets two processes index the same backlog at once without indexing any change twice', async () => {
    for (let i = 0; i < 600; i++) await writer.send({ roomId, senderId: userId, clientMsgId: `m${i}`, body: `message number ${i}`, replyToId: null }).then(() => undefined);
    const other = kind === 'postgres' ? await (db as TestDatabase & { open(): Promise<TestDatabase> }).open() : db;
    const [one, two] = [await indexer(), await indexer(other)];
    await Promise.all([one.pass(), two.pass()]);
    await one.pass();
    expect(one.stats.messages + two.stats.messages).toBe(600);
    expect(await count('search_docs')).toBe(600);
    expect(await candidates(one, 'number 59')).toHaveLength(11);
    // 600 sends one by one and two indexers on PostgreSQL: seconds on a machine busy with other work.
  }, 30_000);

  it('rebuilds under the new key period after a data-key rotation, answering throughout, then drops the old period', async () => {
    const ix = await indexer();
    const m = await send('rotate the keys please');
    await ix.pass();
    const [before] = await ix.store.periods();
    const tokensBefore = (await indexQuery('SELECT token FROM search_postings')) as { token: unknown }[];

    await new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity)).rotate(loadMasterKeys(db.config.encryption.master).pop()!);
    const keys = await db.keys();
    await keys.refresh();
    // The new period exists and is being built; the old one still answers.
    await ix.store.addPeriod(keys.currentKeyId!, 'building');
    expect((await ix.store.periods()).map((p) => p.state)).toEqual(['ready', 'building']);
    expect(await candidates(ix, 'the keys')).toEqual([m.seq]);

    await ix.pass();
    const after = await ix.store.periods();
    expect(after).toEqual([{ id: expect.any(Number), keyId: keys.currentKeyId, state: 'ready' }]);
    expect(after[0].id).not.toBe(before.id);
    expect(await candidates(ix, 'the keys')).toEqual([m.seq]);
    // Every token changed with the key period; the old period's postings are gone.
    const tokensAfter = (await indexQuery('SELECT token FROM search_postings')) as { token: unknown }[];
    expect(tokensAfter).toHaveLength(tokensBefore.length);
    const old = new Set(tokensBefore.map((t) => String(t.token)));
    expect(tokensAfter.some((t) => old.has(String(t.token)))).toBe(false);
    expect(await count('search_docs')).toBe(1);
  });

  it('indexes a room again from the start when its index is past the database (a restored backup)', async () => {
    const ix = await indexer();
    const kept = await send('before the backup: apricot');
    await send('after the backup: blueberry');
    await send('after the backup: cherry');
    await ix.pass();
    expect(await candidates(ix, 'cherry')).toHaveLength(1);

    // The database goes back to the backup taken after the first message; the index file stays as it was.
    await db.dataSource.query(kind === 'sqlite' ? 'DELETE FROM messages WHERE "roomId" = ? AND seq > ?' : 'DELETE FROM messages WHERE "roomId" = $1 AND seq > $2', [roomId, kept.seq]);
    const room = await db.dataSource.getRepository(RoomEntity).findOneByOrFail({ id: roomId });
    await db.dataSource.getRepository(RoomEntity).update(roomId, { lastSeq: kept.seq, lastRev: room.lastRev - 2 });
    // The room's next messages take the lost ones' seqs and revisions.
    const next = await send('restored: damson');
    expect(next.seq).toBe(kept.seq + 1);

    await ix.pass();
    expect(await candidates(ix, 'damson')).toEqual([next.seq]);
    expect(await candidates(ix, 'apricot')).toEqual([kept.seq]);
    expect(await candidates(ix, 'cherry')).toEqual([]);
    expect(await candidates(ix, 'blueberry')).toEqual([]);
  });
});
