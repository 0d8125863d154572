import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { RoomEntity } from './room.entity';

/**
 * Rooms' change revisions (`lastRev` grows with every new, edited or deleted message), for readers that
 * follow rooms' changes in the background (the search indexer) without caring who is a member.
 */
@Injectable()
export class RoomRevisions {
  constructor(@InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>) {}

  /** Every room's revision. */
  all(): Promise<Pick<RoomEntity, 'id' | 'lastRev'>[]> {
    return this.rooms.find({ select: { id: true, lastRev: true } });
  }

  /** These rooms' revisions (missing ones left out). */
  of(roomIds: string[]): Promise<Pick<RoomEntity, 'id' | 'lastRev'>[]> {
    if (!roomIds.length) return Promise.resolve([]);
    return this.rooms.find({ where: { id: In(roomIds) }, select: { id: true, lastRev: true } });
  }
}
