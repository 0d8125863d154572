import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GENERAL_ROOM_SLUG, RoomEvent, RoomEventType, RoomEventUser, RoomKind } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { RoomEntity } from './room.entity';

type Person = Pick<UserEntity, 'id' | 'displayName'>;

/**
 * What a group or public room's timeline records about the room itself: who joined, left, was added or
 * removed, renames, topics, archiving and new owners (a new room starts empty; its creation is on the room). Each is raised as a `room.changed` domain
 * event after the change has been committed; the messages module writes it as a system message. Direct
 * rooms (always the same two people) and #general (everyone, always) record none.
 */
@Injectable()
export class RoomHistory {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly events: AppEvents,
  ) {}

  async added(room: RoomEntity, actor: Person, userId: string): Promise<void> {
    await this.record(room, { type: RoomEventType.MemberAdded, actor: who(actor), user: await this.person(userId) });
  }

  async joined(room: RoomEntity, userId: string): Promise<void> {
    await this.record(room, { type: RoomEventType.MemberJoined, actor: await this.person(userId) });
  }

  async left(room: RoomEntity, userId: string): Promise<void> {
    await this.record(room, { type: RoomEventType.MemberLeft, actor: await this.person(userId) });
  }

  async removed(room: RoomEntity, actor: Person, userId: string): Promise<void> {
    await this.record(room, { type: RoomEventType.MemberRemoved, actor: who(actor), user: await this.person(userId) });
  }

  async renamed(room: RoomEntity, actor: Person, before: { name: string; topic: string }): Promise<void> {
    if (room.name !== before.name) await this.record(room, { type: RoomEventType.RoomRenamed, actor: who(actor), name: room.name });
    if (room.topic !== before.topic) await this.record(room, { type: RoomEventType.TopicChanged, actor: who(actor), topic: room.topic });
  }

  archived(room: RoomEntity, actor: Person, archived: boolean): Promise<void> {
    return this.record(room, { type: archived ? RoomEventType.RoomArchived : RoomEventType.RoomUnarchived, actor: who(actor) });
  }

  async ownerChanged(room: RoomEntity, actor: Person, userId: string): Promise<void> {
    await this.record(room, { type: RoomEventType.OwnerChanged, actor: who(actor), user: await this.person(userId) });
  }

  private async record(room: RoomEntity, event: RoomEvent): Promise<void> {
    if (room.kind === RoomKind.Direct || room.slug === GENERAL_ROOM_SLUG) return;
    await this.events.emit('room.changed', { roomId: room.id, event });
  }

  private async person(userId: string): Promise<RoomEventUser> {
    const [user] = await this.users.find({ where: { id: In([userId]) }, select: { id: true, displayName: true } });
    return { id: userId, name: user?.displayName ?? 'Someone' };
  }
}

const who = (p: Person): RoomEventUser => ({ id: p.id, name: p.displayName });
