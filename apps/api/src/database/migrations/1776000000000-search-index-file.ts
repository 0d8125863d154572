import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On SQLite the search index moves out of the database into a file of its own beside it (the search
 * module's SqliteSearchFile, `parley-search.sqlite` next to `parley.sqlite`), written by a worker thread
 * with its own connection and write lock, so indexing never holds up the send path's commits. The tables
 * here held only derived data: they are dropped, and the server builds the index again in the new file on
 * start-up. PostgreSQL keeps its search_* tables.
 */
export class SearchIndexFile1776000000000 implements MigrationInterface {
  name = 'SearchIndexFile1776000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') return;
    for (const table of ['search_postings', 'search_docs', 'search_cursors', 'search_rooms', 'search_periods']) await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') return;
    // The search migration's tables, empty: the server fills them again.
    await queryRunner.query(
      `CREATE TABLE search_periods (id INTEGER PRIMARY KEY AUTOINCREMENT, "keyId" varchar(32) NOT NULL UNIQUE, state varchar(16) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))`,
    );
    await queryRunner.query(`CREATE TABLE search_rooms (ord INTEGER PRIMARY KEY AUTOINCREMENT, "roomId" varchar(36) NOT NULL UNIQUE)`);
    await queryRunner.query(`CREATE TABLE search_cursors (period INTEGER NOT NULL, "roomId" varchar(36) NOT NULL, "indexedRev" INTEGER NOT NULL, PRIMARY KEY (period, "roomId")) WITHOUT ROWID`);
    await queryRunner.query(`CREATE TABLE search_docs (period INTEGER NOT NULL, ord INTEGER NOT NULL, tokens BLOB NOT NULL, PRIMARY KEY (period, ord)) WITHOUT ROWID`);
    await queryRunner.query(`CREATE TABLE search_postings (bucket INTEGER NOT NULL, token INTEGER NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (bucket, token, ord)) WITHOUT ROWID`);
  }
}
