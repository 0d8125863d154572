import { Injectable } from '@nestjs/common';
import { EncryptionSweep } from '../encryption/encryption-sweep';
import { AvatarService } from './avatar.service';

/** Pictures' part of the background encryption job (EncryptionSweep): every user with a picture, in id order. */
@Injectable()
export class AvatarsSweepTask {
  constructor(avatars: AvatarService, sweep: EncryptionSweep) {
    sweep.register({ name: 'avatars', reseal: (after, limit) => avatars.reseal(after, limit) });
  }
}
