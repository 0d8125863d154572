import type { FileCategory, FileStatus } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MessageEntity } from '../messages/message.entity';
import { RoomEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';

/** PostgreSQL answers bigint columns as text; sizes fit a JavaScript number (2^53 bytes). */
const bigintAsNumber = { to: (v: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/**
 * A file uploaded into a room: from the moment its upload is created (`uploading`), through `ready` (bytes
 * stored, type sniffed, scanned) to `attached` (a message carries it), until it is deleted. The id is the
 * upload's id and names where the bytes live in the BlobStore. Owned by the files module; the message commit
 * attaches files through `files/file-claims.ts`.
 */
@Entity('files')
@Index('IDX_files_uploader', ['uploaderId'])
@Index('IDX_files_message', ['messageId'])
@Index('IDX_files_room_order', ['roomId', 'messageSeq', 'position'])
@Index('IDX_files_room_category_order', ['roomId', 'category', 'messageSeq', 'position'])
@Index('IDX_files_status_touched', ['status', 'touchedAt'])
export class FileEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room?: RoomEntity;

  @Column({ type: 'uuid' })
  uploaderId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'uploaderId' })
  uploader?: UserEntity;

  @Column({ type: 'uuid', nullable: true })
  messageId!: string | null;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'messageId' })
  message?: MessageEntity;

  /** Sanitised (no paths, control characters or bidi overrides), and as stored encrypted: read it through FileNames. */
  @Column({ type: 'text' })
  name!: string;

  /** Sniffed from the bytes once the upload has finished. */
  @Column({ type: 'varchar', length: 255, default: 'application/octet-stream' })
  mime!: string;

  @Column({ type: 'varchar', length: 16, default: 'other' })
  category!: FileCategory;

  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  size!: number;

  /** What the upload announced (Upload-Length, or the multipart request's length): the quota counts it while bytes arrive. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  declaredSize!: number;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ type: 'boolean', default: false })
  hasThumbnail!: boolean;

  /** HTML, SVG, XML, scripts and unknown types are only ever served as downloads. */
  @Column({ type: 'boolean', default: false })
  downloadOnly!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'uploading' })
  status!: FileStatus;

  /** Once attached: the seq of its message and its place among the message's files (the Files panel's order). */
  @Column({ type: 'integer', nullable: true })
  messageSeq!: number | null;

  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  /**
   * The data key that sealed the file's bytes (at `files/<id>`), or null while they are plaintext (at the
   * upload's key: encryption off, or stored before it was on). See FileContents.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  contentKeyId!: string | null;

  @CreateDateColumn()
  createdAt!: Date;

  /** The last sign of life of an unattached upload; the sweeper removes it FILE_UPLOAD_TTL_HOURS later. */
  @Column({ type: Date })
  touchedAt!: Date;

  /**
   * While one request inspects and scans the finished bytes: its claim, so no other request (a resume after
   * a restart, another process) does it too. Expires, so a process that died while checking is taken over.
   */
  @Column({ type: Date, nullable: true })
  checkingSince!: Date | null;
}
