import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EncryptionKeyEntity } from './encryption-key.entity';
import { EncryptionSweep } from './encryption-sweep';
import { KeyRing } from './key-ring';

/**
 * Encryption at rest (docs/security.md): the key ring (master keys, data keys in `encryption_keys`, which
 * this module owns) and the background job that encrypts what is not encrypted yet. Owners of encrypted
 * data (messages, avatars) seal and open through KeyRing and register their part of the job.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([EncryptionKeyEntity])],
  providers: [KeyRing, EncryptionSweep],
  exports: [KeyRing, EncryptionSweep],
})
export class EncryptionModule {}
