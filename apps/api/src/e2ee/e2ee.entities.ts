import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A device: one sign-in (a session, or a personal access token) that registered for end-to-end encryption. */
@Entity('e2ee_devices')
export class E2eeDeviceEntity {
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) deviceId!: string;
  @Column({ type: 'uuid', nullable: true }) sessionId!: string | null;
  @Column({ type: 'uuid', nullable: true }) accessTokenId!: string | null;
  @Column({ type: 'varchar', length: 100, default: '' }) displayName!: string;
  /** The signed device keys (JSON), with signatures merged in; null until uploaded. */
  @Column({ type: 'text', nullable: true }) keys!: string | null;
  @Column({ type: Date }) createdAt!: Date;
  @Column({ type: Date }) lastSeenAt!: Date;
}

/** A one-time key (or a fallback key) until it is claimed. */
@Entity('e2ee_one_time_keys')
export class E2eeOneTimeKeyEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'uuid' }) userId!: string;
  @Column({ type: 'varchar', length: 10 }) deviceId!: string;
  /** `<algorithm>:<key id>`. */
  @Column({ type: 'varchar', length: 120 }) keyId!: string;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'boolean', default: false }) fallback!: boolean;
}

/** A to-device message waiting in its recipient device's inbox. */
@Entity('e2ee_inbox')
export class E2eeInboxEntity {
  @PrimaryGeneratedColumn() pos!: number;
  @Column({ type: 'uuid' }) userId!: string;
  @Column({ type: 'varchar', length: 10 }) deviceId!: string;
  @Column({ type: 'uuid' }) senderId!: string;
  @Column({ type: 'varchar', length: 10 }) senderDeviceId!: string;
  @Column({ type: 'varchar', length: 100 }) txnId!: string;
  @Column({ type: 'varchar', length: 100 }) type!: string;
  @Column({ type: 'text' }) content!: string;
}

/** The stream of device-list changes: a user's devices or cross-signing keys changed at `pos`. */
@Entity('e2ee_device_changes')
export class E2eeDeviceChangeEntity {
  @PrimaryGeneratedColumn() pos!: number;
  @Column({ type: 'uuid' }) userId!: string;
}

/** A user's cross-signing public keys (`master`, `self_signing`, `user_signing`). */
@Entity('e2ee_cross_signing')
export class E2eeCrossSigningEntity {
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 16 }) usage!: string;
  @Column({ type: 'text' }) key!: string;
}

@Entity('e2ee_backup_versions')
export class E2eeBackupVersionEntity {
  @PrimaryGeneratedColumn() version!: number;
  @Column({ type: 'uuid' }) userId!: string;
  @Column({ type: 'varchar', length: 100 }) algorithm!: string;
  @Column({ type: 'text' }) authData!: string;
  @Column({ type: Date, nullable: true }) deletedAt!: Date | null;
}

/** One Megolm session, backed up encrypted to the backup's public key (opaque to the server). */
@Entity('e2ee_backup_keys')
export class E2eeBackupKeyEntity {
  @PrimaryColumn({ type: 'bigint' }) version!: string;
  @PrimaryColumn({ type: 'varchar', length: 100 }) roomId!: string;
  @PrimaryColumn({ type: 'varchar', length: 100 }) sessionId!: string;
  @Column({ type: 'text' }) data!: string;
}

/** Small opaque JSON documents a user's devices share (secret storage). */
@Entity('e2ee_account_data')
export class E2eeAccountDataEntity {
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 100 }) type!: string;
  @Column({ type: 'text' }) content!: string;
}

export const E2EE_ENTITIES = [
  E2eeDeviceEntity,
  E2eeOneTimeKeyEntity,
  E2eeInboxEntity,
  E2eeDeviceChangeEntity,
  E2eeCrossSigningEntity,
  E2eeBackupVersionEntity,
  E2eeBackupKeyEntity,
  E2eeAccountDataEntity,
];
