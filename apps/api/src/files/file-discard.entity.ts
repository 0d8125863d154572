import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The bytes of a deleted file still to be deleted from the BlobStore (`uploads/<id>` with tus' record, and
 * `thumbs/<id>.webp`). Written in the transaction that deletes the file's `files` row, so bytes are never
 * left without a row naming them; deleted once the bytes are gone. Owned by the files module (FileDiscards).
 * No foreign key: the file's row is gone by the time anyone reads this one.
 */
@Entity('file_discards')
@Index('IDX_file_discards_due', ['dueAt'])
export class FileDiscardEntity {
  @PrimaryColumn({ type: 'uuid' })
  fileId!: string;

  /** When the file's row was deleted. The sweep leaves a discard this young to the request that recorded it. */
  @Column({ type: Date })
  createdAt!: Date;

  /** The next attempt may be made from this time on (pushed back after each failure). */
  @Column({ type: Date })
  dueAt!: Date;

  /** Failed attempts so far. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** What the store answered the last failed attempt, for operators reading the table. */
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
