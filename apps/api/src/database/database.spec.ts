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
});
