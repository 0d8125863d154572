import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { INVITE_TTL_HOURS_DEFAULT, InvitePreview, RoomKind } from '@parley/contracts';
import { randomBytes } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { hashToken } from '../auth/tokens';
import { UserEntity } from '../users/user.entity';
import { CLOCK, Clock } from './clock';
import { errors } from '../common/errors';
import { roomArchived } from './room-errors';
import { RoomInviteEntity } from './room-invite.entity';
import { RoomHistory } from './room-history';
import { RoomMembersService } from './room-members.service';
import { RoomView } from './room-summaries';
import { toInvitedRoom } from './rooms.mapper';
import { RoomsService } from './rooms.service';

/** 18 random bytes: 144 bits, 24 URL-safe characters. */
const CODE_BYTES = 18;
const CODE_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;
const HOUR_MS = 3600_000;

/** Unknown, expired, revoked and used-up codes all get this one answer. */
const invalidInvite = () => errors.notFound('Invite', 'This invite link is invalid or has expired');

/** Invite links: a random code that lets whoever holds it join a room, stored only as its SHA-256. */
@Injectable()
export class RoomInvitesService {
  constructor(
    @InjectRepository(RoomInviteEntity) private readonly invites: Repository<RoomInviteEntity>,
    private readonly roomsService: RoomsService,
    private readonly roomMembers: RoomMembersService,
    private readonly history: RoomHistory,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** A new code for the room (owner or admins; not direct rooms, not archived ones). The code is returned once. */
  async create(roomId: string, actor: UserEntity, opts: { ttlHours?: number; maxUses?: number }): Promise<{ invite: RoomInviteEntity; code: string }> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    if (found.room.kind === RoomKind.Direct) throw errors.badRequest('Direct rooms have no invite links');
    this.roomsService.assertRoomAdmin(found, actor);
    if (found.room.archivedAt) throw roomArchived();
    const code = randomBytes(CODE_BYTES).toString('base64url');
    const invite = await this.invites.save(
      this.invites.create({
        roomId,
        codeHash: hashToken(code),
        createdById: actor.id,
        expiresAt: new Date(this.now().getTime() + (opts.ttlHours ?? INVITE_TTL_HOURS_DEFAULT) * HOUR_MS),
        maxUses: opts.maxUses ?? null,
        uses: 0,
        revokedAt: null,
      }),
    );
    return { invite, code };
  }

  /** Stops a code from working (owner or admins). */
  async revoke(roomId: string, actor: UserEntity, code: string): Promise<void> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    this.roomsService.assertRoomAdmin(found, actor);
    const invite = CODE_SHAPE.test(code) ? await this.invites.findOneBy({ roomId, codeHash: hashToken(code), revokedAt: IsNull() }) : null;
    if (!invite) throw errors.notFound('Invite');
    await this.invites.update({ id: invite.id }, { revokedAt: this.now() });
  }

  /**
   * What a live code leads to, for the page that offers to join: the room's name, topic and size (anyone
   * holding the code may see that much), and for a signed-in user whether they are in it already. Dead
   * codes get the same 404 as in `join`.
   */
  async preview(code: string, userId: string | null): Promise<InvitePreview> {
    if (!CODE_SHAPE.test(code)) throw invalidInvite();
    const invite = await this.invites.findOne({ where: { codeHash: hashToken(code) }, relations: { room: true } });
    if (!invite?.room || !this.isLive(invite, this.now()) || invite.room.archivedAt) throw invalidInvite();
    const joined = userId ? (await this.roomsService.membership(invite.roomId, userId)) !== null : null;
    const memberCount = (await this.roomsService.memberIds(invite.roomId)).length;
    return { room: toInvitedRoom(invite.room, memberCount), expiresAt: invite.expiresAt.toISOString(), joined };
  }

  /**
   * Joins the room behind a live code, using one of its uses. A member just gets the room back (and uses
   * nothing, whatever state the code is in); an archived room takes nobody new (409).
   */
  async join(code: string, user: UserEntity): Promise<RoomView> {
    if (!CODE_SHAPE.test(code)) throw invalidInvite();
    const invite = await this.invites.findOne({ where: { codeHash: hashToken(code) }, relations: { room: true } });
    if (!invite?.room) throw invalidInvite();
    const { room } = invite;
    // A member following an old link is simply taken to the room: the code tells them nothing new.
    if (await this.roomsService.membership(room.id, user.id)) return this.roomsService.viewFor(room.id, user.id);
    const now = this.now();
    if (!this.isLive(invite, now)) throw invalidInvite();
    if (room.archivedAt) throw roomArchived();
    if (!(await this.claimUse(invite, now))) throw invalidInvite();
    if (await this.roomMembers.admit(room, user.id)) await this.history.joined(room, user.id);
    return this.roomsService.viewFor(room.id, user.id);
  }

  private isLive(invite: RoomInviteEntity, now: Date): boolean {
    if (invite.revokedAt || invite.expiresAt.getTime() <= now.getTime()) return false;
    return invite.maxUses === null || invite.uses < invite.maxUses;
  }

  /** Counts one use, unless the code died or was used up meanwhile: one conditional UPDATE, so racing joins cannot overshoot. */
  private async claimUse(invite: RoomInviteEntity, now: Date): Promise<boolean> {
    const col = (name: string) => this.invites.manager.connection.driver.escape(name);
    const result = await this.invites
      .createQueryBuilder()
      .update(RoomInviteEntity)
      .set({ uses: () => `${col('uses')} + 1` })
      .where({ id: invite.id, revokedAt: IsNull(), expiresAt: MoreThan(now) })
      .andWhere(`(${col('maxUses')} IS NULL OR ${col('uses')} < ${col('maxUses')})`)
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
