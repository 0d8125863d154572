import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A data key, stored only wrapped (encrypted) by a master key that the database never holds. Owned by the
 * encryption module. The newest key that is not retired encrypts new data; retired keys still decrypt what
 * they encrypted until the background job has re-encrypted it.
 */
@Entity('encryption_keys')
export class EncryptionKeyEntity {
  /** 16 hex digits, named in every ciphertext the key made. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  /** base64 of `iv | encrypted key | tag` (AES-256-GCM under the master key, bound to this id). */
  @Column({ type: 'text' })
  wrappedKey!: string;

  /** Which master key wrapped it (derived from that key: see envelope.ts `masterKeyId`). */
  @Column({ type: 'varchar', length: 16 })
  masterKeyId!: string;

  @Column({ type: Date })
  createdAt!: Date;

  /** Since when it no longer encrypts new data (a data-key rotation); null while it is the current key. */
  @Column({ type: Date, nullable: true })
  retiredAt!: Date | null;
}
