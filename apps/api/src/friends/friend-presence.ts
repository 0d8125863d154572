import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Presence, PresenceStatus } from '@parley/contracts';
import { PresenceService } from '../presence/presence.service';
import type { UserEntity } from '../users/user.entity';

/**
 * The presence shown next to friends, from the presence module. It is looked up at run time rather than
 * injected: presence needs this module's RelationsService (who may see whom), so importing the presence
 * module here would close a cycle. Where no presence module runs (unit tests), everyone is offline with
 * their last-seen time.
 */
@Injectable()
export class FriendPresence {
  private readonly logger = new Logger(FriendPresence.name);
  private live: PresenceService | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  async of(users: UserEntity[]): Promise<Map<string, Presence>> {
    const offline = (u: UserEntity): Presence => ({ userId: u.id, status: PresenceStatus.Offline, lastSeenAt: u.lastSeenAt?.toISOString() ?? null });
    const result = new Map(users.map((u) => [u.id, offline(u)]));
    const live = this.presenceService();
    if (live && users.length) {
      for (const p of await live.presenceOf(users.map((u) => u.id))) result.set(p.userId, p);
    }
    return result;
  }

  private presenceService(): PresenceService | null {
    if (this.live === undefined) {
      try {
        this.live = this.moduleRef.get(PresenceService, { strict: false }) ?? null;
      } catch {
        this.logger.warn('No PresenceService: friends show as offline');
        this.live = null;
      }
    }
    return this.live ?? null;
  }
}
