import { openTestDatabase, TestDatabase } from '../testing/test-database';

describe('the SQLite database', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.close());

  it('runs in WAL mode with foreign keys enforced and a busy timeout', async () => {
    const one = async (sql: string) => Object.values((await db.dataSource.query(sql))[0])[0];
    expect(await one('PRAGMA journal_mode')).toBe('wal');
    expect(await one('PRAGMA foreign_keys')).toBe(1);
    expect(await one('PRAGMA busy_timeout')).toBe(5000);
  });

  it('has its schema from the migrations alone, all applied', async () => {
    const applied = await db.dataSource.query('SELECT name FROM migrations');
    expect(applied.map((m: { name: string }) => m.name)).toEqual(db.dataSource.migrations.map((m) => m.name));
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it('refuses a session for a user that does not exist', async () => {
    await expect(
      db.dataSource.query("INSERT INTO sessions (id, userId, tokenHash, expiresAt) VALUES ('s1', 'nobody', 'h', '2030-01-01')"),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('runs concurrent transactions one at a time, so one request\'s rollback never undoes another\'s writes', async () => {
    await db.dataSource.query('CREATE TABLE IF NOT EXISTS tx_probe (v TEXT)');
    const slow = db.dataSource.manager.transaction(async (em) => {
      await em.query("INSERT INTO tx_probe VALUES ('kept')");
      await new Promise((r) => setTimeout(r, 20));
    });
    const failing = db.dataSource.manager.transaction(async (em) => {
      await em.query("INSERT INTO tx_probe VALUES ('rolled back')");
      throw new Error('boom');
    });
    const other = db.dataSource.manager.transaction((em) => em.query("INSERT INTO tx_probe VALUES ('also kept')"));
    await expect(Promise.all([slow, other])).resolves.toBeDefined();
    await expect(failing).rejects.toThrow('boom');
    const rows = await db.dataSource.query('SELECT v FROM tx_probe ORDER BY rowid');
    expect(rows.map((r: { v: string }) => r.v)).toEqual(['kept', 'also kept']);
  });
});
