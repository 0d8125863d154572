import { Injectable } from '@nestjs/common';

const key = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;

/**
 * Which socket a send in flight came from, so that its `message:new` skips that socket (it gets the message
 * in its ack). The gateway registers a send for as long as it runs; the message delivery looks the message
 * up by its idempotency key (sender, clientMsgId). Services never see a socket: they raise
 * `message.created` before they return, so the entry is there when the delivery runs. (An AsyncLocalStorage
 * context would do the same, but on Node 20 it installs promise hooks that every promise of the process pays for.)
 */
@Injectable()
export class SendOrigins {
  private readonly inFlight = new Map<string, string>();

  /** Runs the send with `socketId` recorded as its origin. */
  async run<T>(socketId: string, senderId: string, clientMsgId: string, send: () => Promise<T>): Promise<T> {
    const k = key(senderId, clientMsgId);
    this.inFlight.set(k, socketId);
    try {
      return await send();
    } finally {
      if (this.inFlight.get(k) === socketId) this.inFlight.delete(k);
    }
  }

  /** The socket that is sending this message right now, if one is. */
  socketOf(senderId: string, clientMsgId: string): string | undefined {
    return this.inFlight.size === 0 ? undefined : this.inFlight.get(key(senderId, clientMsgId));
  }
}
