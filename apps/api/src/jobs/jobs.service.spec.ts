import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { JobEntity } from './job.entity';
import { JobsService } from './jobs.service';

describe('JobsService (background jobs claimed in the database)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => db.close());

  /** One API process's view: its own service on the shared database. */
  const process = () => new JobsService(db.dataSource.getRepository(JobEntity));

  it('lets exactly one process claim each run, once per interval', async () => {
    const [a, b] = [process(), process()];
    const t0 = new Date('2026-12-04T10:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);

    const first = await Promise.all([a.claim('files.sweep', 60_000, t0), b.claim('files.sweep', 60_000, t0)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await a.claim('files.sweep', 60_000, at(30_000))).toBe(false);
    expect(await b.claim('files.sweep', 60_000, at(59_999))).toBe(false);
    expect(await b.claim('files.sweep', 60_000, at(60_000))).toBe(true);
    expect(await a.claim('files.sweep', 60_000, at(60_001))).toBe(false);
    // Another job is claimed on its own.
    expect(await a.claim('something.else', 60_000, at(30_000))).toBe(true);

    const row = await db.dataSource.getRepository(JobEntity).findOneByOrFail({ name: 'files.sweep' });
    expect(row.nextRunAt.toISOString()).toBe(at(120_000).toISOString());
    expect(row.claimedBy).toMatch(/:\d+$/);
  });

  it('keeps a job\'s place and its requests: a pass answers the requests made up to its start, never a later one', async () => {
    const jobs = process();
    const t0 = new Date('2026-12-04T10:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await jobs.progress('encryption.sweep')).toEqual({ cursor: null, requestedAt: null });

    await jobs.request('encryption.sweep', at(0));
    await jobs.request('encryption.sweep', at(15_000)); // a later request wins...
    await jobs.request('encryption.sweep', at(5_000)); // ...and is not moved back by an earlier one
    expect((await jobs.progress('encryption.sweep')).requestedAt).toEqual(at(15_000));

    await jobs.saveCursor('encryption.sweep', { task: 'messages', after: 'abc' });
    expect((await process().progress<{ after: string }>('encryption.sweep')).cursor).toEqual({ task: 'messages', after: 'abc' });

    // A pass that started before the request leaves it standing; one that started after answers it.
    await jobs.finish('encryption.sweep', at(10_000));
    expect(await jobs.progress('encryption.sweep')).toEqual({ cursor: null, requestedAt: at(15_000) });
    await jobs.finish('encryption.sweep', at(15_000));
    expect(await jobs.progress('encryption.sweep')).toEqual({ cursor: null, requestedAt: null });
  });
});
