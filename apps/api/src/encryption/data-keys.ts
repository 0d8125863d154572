import { IsNull, Repository } from 'typeorm';
import { EncryptionKeyEntity } from './encryption-key.entity';
import { newDataKeyId, newKeyBytes, wrapDataKey } from './envelope';
import type { MasterKey } from './master-keys';

/** The rows of `encryption_keys` (the server's KeyRing and the keys:rotate tool both go through here). */
export class DataKeys {
  constructor(private readonly rows: Repository<EncryptionKeyEntity>) {}

  /** Every data key, oldest first. */
  all(): Promise<EncryptionKeyEntity[]> {
    return this.rows.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** A new random data key, wrapped by `master`; it becomes the current key. Answers its row and its bytes. */
  async create(master: MasterKey, now = new Date()): Promise<{ row: EncryptionKeyEntity; bytes: Buffer }> {
    const bytes = newKeyBytes();
    const id = newDataKeyId();
    const row = this.rows.create({ id, wrappedKey: wrapDataKey(master.key, id, bytes), masterKeyId: master.id, createdAt: now, retiredAt: null });
    await this.rows.insert(row);
    return { row, bytes };
  }

  /** Data-key rotation: a new current key, and every other current key retired, in one transaction. */
  async rotate(master: MasterKey, now = new Date()): Promise<{ row: EncryptionKeyEntity; retired: string[] }> {
    const bytes = newKeyBytes();
    const id = newDataKeyId();
    return this.rows.manager.transaction(async (m) => {
      const repo = m.getRepository(EncryptionKeyEntity);
      // Writes first: on SQLite a transaction that read before writing cannot wait for a busy server's lock.
      const row = repo.create({ id, wrappedKey: wrapDataKey(master.key, id, bytes), masterKeyId: master.id, createdAt: now, retiredAt: null });
      await repo.update({ retiredAt: IsNull() }, { retiredAt: now });
      await repo.insert(row);
      const retired = (await repo.find({ where: { retiredAt: now }, select: { id: true } })).map((r) => r.id);
      return { row, retired };
    });
  }

  /**
   * Master-key rotation, one data key: stores it wrapped by another master key, if it is still wrapped by the
   * one it was read with (so two tools never undo each other). True when the row changed.
   */
  async rewrap(id: string, fromMasterKeyId: string, to: MasterKey, bytes: Buffer): Promise<boolean> {
    const result = await this.rows.update({ id, masterKeyId: fromMasterKeyId }, { wrappedKey: wrapDataKey(to.key, id, bytes), masterKeyId: to.id });
    return result.affected === 1;
  }
}
