import { Injectable } from '@nestjs/common';
import { EncryptionSweep } from '../encryption/encryption-sweep';
import { MessageWriter } from './message-writer';

/** Messages' part of the background encryption job (EncryptionSweep): every row, in id order, through the store. */
@Injectable()
export class MessagesSweepTask {
  constructor(writer: MessageWriter, sweep: EncryptionSweep) {
    sweep.register({ name: 'messages', reseal: (after, limit) => writer.store.reseal(after, limit) });
  }
}
