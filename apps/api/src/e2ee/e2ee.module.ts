import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { EncryptionKeysController } from './e2ee.controller';
import { E2EE_ENTITIES } from './e2ee.entities';
import { E2eeDevicesService } from './e2ee-devices.service';
import { E2eeKeysService } from './e2ee-keys.service';
import { KeyBackupService } from './key-backup.service';
import { ToDeviceService } from './to-device.service';

/**
 * End-to-end encryption's key server (docs/e2ee.md): devices, public keys, to-device messages, key backups
 * and account data, in the `e2ee_*` tables it owns. Sessions and tokens are ended through the auth module;
 * who shares a room with whom is asked of the rooms module.
 */
@Module({
  imports: [TypeOrmModule.forFeature(E2EE_ENTITIES), AuthModule, RoomsModule, UsersModule],
  controllers: [EncryptionKeysController],
  providers: [E2eeDevicesService, E2eeKeysService, ToDeviceService, KeyBackupService],
})
export class E2eeModule {}
