import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message search's keyed index (owned by the search module, docs/search.md). It holds no text: postings are
 * 8-byte HMAC tokens of normalised trigrams (and CJK bigrams) under a key derived from one data key, a "key
 * period" (`search_periods`). A message is named by its ordinal, `search_rooms.ord * 2^31 + seq`; postings are
 * keyed by (bucket, token, ord), where a bucket is 1,024 consecutive messages of one room (`ord / 1024`): new
 * messages' postings all land in their room's newest bucket, a small part of the tree, so indexing writes few
 * pages, and a search walks a room's buckets newest first. `search_cursors` is the indexer's
 * durable place: per key period and room, every message change up to `indexedRev` is indexed.
 * `search_docs` keeps each indexed message's tokens, so an edit or deletion removes exactly its postings.
 */
export class Search1769000000000 implements MigrationInterface {
  name = 'Search1769000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    if (pg) {
      await queryRunner.query(
        `CREATE TABLE search_periods (id serial PRIMARY KEY, "keyId" varchar(32) NOT NULL UNIQUE, state varchar(16) NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now())`,
      );
      await queryRunner.query(`CREATE TABLE search_rooms (ord serial PRIMARY KEY, "roomId" uuid NOT NULL UNIQUE)`);
      await queryRunner.query(`CREATE TABLE search_cursors (period integer NOT NULL, "roomId" uuid NOT NULL, "indexedRev" integer NOT NULL, PRIMARY KEY (period, "roomId"))`);
      await queryRunner.query(`CREATE TABLE search_docs (period integer NOT NULL, ord bigint NOT NULL, tokens bytea NOT NULL, PRIMARY KEY (period, ord))`);
      await queryRunner.query(`CREATE TABLE search_postings (bucket bigint NOT NULL, token bigint NOT NULL, ord bigint NOT NULL, PRIMARY KEY (bucket, token, ord))`);
    } else {
      await queryRunner.query(
        `CREATE TABLE search_periods (id INTEGER PRIMARY KEY AUTOINCREMENT, "keyId" varchar(32) NOT NULL UNIQUE, state varchar(16) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))`,
      );
      await queryRunner.query(`CREATE TABLE search_rooms (ord INTEGER PRIMARY KEY AUTOINCREMENT, "roomId" varchar(36) NOT NULL UNIQUE)`);
      await queryRunner.query(`CREATE TABLE search_cursors (period INTEGER NOT NULL, "roomId" varchar(36) NOT NULL, "indexedRev" INTEGER NOT NULL, PRIMARY KEY (period, "roomId")) WITHOUT ROWID`);
      await queryRunner.query(`CREATE TABLE search_docs (period INTEGER NOT NULL, ord INTEGER NOT NULL, tokens BLOB NOT NULL, PRIMARY KEY (period, ord)) WITHOUT ROWID`);
      await queryRunner.query(`CREATE TABLE search_postings (bucket INTEGER NOT NULL, token INTEGER NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (bucket, token, ord)) WITHOUT ROWID`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['search_postings', 'search_docs', 'search_cursors', 'search_rooms', 'search_periods']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
