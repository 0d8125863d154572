import { Injectable } from '@nestjs/common';
import { DmPolicy } from '@parley/contracts';
import { RelationsService } from '../friends/relations.service';

/**
 * How a member may bring people into a group or public room, by the same rules as a direct conversation:
 * never across a block (either way: 403), and on a server with DM_POLICY=friends only friends directly;
 * anyone else gets an invitation they accept or decline.
 */
@Injectable()
export class RoomAdmission {
  constructor(private readonly relations: RelationsService) {}

  async decide(actorId: string, userIds: string[]): Promise<{ add: string[]; invite: string[] }> {
    const add: string[] = [];
    const invite: string[] = [];
    for (const userId of userIds) {
      await this.relations.assertNotBlocked(actorId, userId, 'add');
      const direct = this.relations.dmPolicy === DmPolicy.Anyone || (await this.relations.areFriends(actorId, userId));
      (direct ? add : invite).push(userId);
    }
    return { add, invite };
  }
}
