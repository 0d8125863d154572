import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * End-to-end encrypted rooms (docs/e2ee.md). `rooms.encrypted` is chosen at creation and never changed (rooms
 * module). The `e2ee_*` tables belong to the e2ee module and hold only what a Matrix-shaped key server holds:
 * devices and their public identity keys, one-time keys until claimed, each device's inbox of to-device
 * ciphertexts until it acknowledges them, the stream of device-list changes, cross-signing public keys,
 * opaque key backups and opaque account data. No private key, room key or plaintext reaches them.
 */
export class E2ee1770000000000 implements MigrationInterface {
  name = 'E2ee1770000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    const serial = pg ? 'bigserial PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const time = pg ? 'timestamptz NOT NULL DEFAULT now()' : "datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    const uuid = pg ? 'uuid' : 'varchar(36)';
    const bool = pg ? 'boolean NOT NULL DEFAULT false' : 'boolean NOT NULL DEFAULT 0';
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN encrypted ${bool}`);
    await queryRunner.query(
      `CREATE TABLE e2ee_devices ("userId" ${uuid} NOT NULL, "deviceId" varchar(10) NOT NULL, "sessionId" ${uuid}, "accessTokenId" ${uuid}, "displayName" varchar(100) NOT NULL DEFAULT '', keys text, "createdAt" ${time}, "lastSeenAt" ${time}, PRIMARY KEY ("userId", "deviceId"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX e2ee_devices_session ON e2ee_devices ("sessionId")`);
    await queryRunner.query(`CREATE UNIQUE INDEX e2ee_devices_token ON e2ee_devices ("accessTokenId")`);
    await queryRunner.query(
      `CREATE TABLE e2ee_one_time_keys (id ${serial}, "userId" ${uuid} NOT NULL, "deviceId" varchar(10) NOT NULL, "keyId" varchar(120) NOT NULL, key text NOT NULL, fallback ${bool})`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX e2ee_one_time_keys_key ON e2ee_one_time_keys ("userId", "deviceId", "keyId")`);
    await queryRunner.query(
      `CREATE TABLE e2ee_inbox (pos ${serial}, "userId" ${uuid} NOT NULL, "deviceId" varchar(10) NOT NULL, "senderId" ${uuid} NOT NULL, "senderDeviceId" varchar(10) NOT NULL, "txnId" varchar(100) NOT NULL, type varchar(100) NOT NULL, content text NOT NULL, "createdAt" ${time})`,
    );
    await queryRunner.query(`CREATE INDEX e2ee_inbox_device ON e2ee_inbox ("userId", "deviceId", pos)`);
    await queryRunner.query(`CREATE UNIQUE INDEX e2ee_inbox_txn ON e2ee_inbox ("userId", "deviceId", "senderId", "senderDeviceId", "txnId")`);
    await queryRunner.query(`CREATE TABLE e2ee_device_changes (pos ${serial}, "userId" ${uuid} NOT NULL, "createdAt" ${time})`);
    await queryRunner.query(`CREATE INDEX e2ee_device_changes_user ON e2ee_device_changes ("userId", pos)`);
    await queryRunner.query(`CREATE TABLE e2ee_cross_signing ("userId" ${uuid} NOT NULL, usage varchar(16) NOT NULL, key text NOT NULL, PRIMARY KEY ("userId", usage))`);
    await queryRunner.query(
      `CREATE TABLE e2ee_backup_versions (version ${serial}, "userId" ${uuid} NOT NULL, algorithm varchar(100) NOT NULL, "authData" text NOT NULL, "deletedAt" ${pg ? 'timestamptz' : 'datetime'})`,
    );
    await queryRunner.query(
      `CREATE TABLE e2ee_backup_keys (version bigint NOT NULL, "roomId" varchar(100) NOT NULL, "sessionId" varchar(100) NOT NULL, data text NOT NULL, PRIMARY KEY (version, "roomId", "sessionId"))`,
    );
    await queryRunner.query(`CREATE TABLE e2ee_account_data ("userId" ${uuid} NOT NULL, type varchar(100) NOT NULL, content text NOT NULL, PRIMARY KEY ("userId", type))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['e2ee_account_data', 'e2ee_backup_keys', 'e2ee_backup_versions', 'e2ee_cross_signing', 'e2ee_device_changes', 'e2ee_inbox', 'e2ee_one_time_keys', 'e2ee_devices']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN encrypted');
  }
}
