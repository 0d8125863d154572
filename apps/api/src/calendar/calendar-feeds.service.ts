import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CalendarFeed, CalendarFeedStatus } from '@parley/contracts';
import { Repository } from 'typeorm';
import { generateToken, hashToken } from '../auth/tokens';
import { APP_CONFIG, AppConfig } from '../config/config';
import { errors } from '../common/errors';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { CalendarFeedEntity } from './calendar.entities';
import { toIcs } from './calendar-ics';
import { CalendarReader } from './calendar-reader';

const PREFIX = 'cal_';
const TOKEN = /^cal_[A-Za-z0-9_-]{43}$/;
/** A feed holds the events of the user's rooms that have occurrences from this long ago on. */
const FEED_PAST_DAYS = 90;

export const feedNotFound = () => errors.notFound('Feed', 'No such calendar feed (it may have been revoked)');

/**
 * Personal subscription feeds: a secret URL that serves the user's rooms' events as iCalendar without a session
 * (for Outlook, Google or Apple calendars). One per user; making a new one replaces the old. Only the token's
 * SHA-256 is stored.
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    @InjectRepository(CalendarFeedEntity) private readonly feeds: Repository<CalendarFeedEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reader: CalendarReader,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
  ) {}

  async status(userId: string): Promise<CalendarFeedStatus> {
    const row = await this.feeds.findOneBy({ userId });
    return { active: !!row, createdAt: row?.createdAt.toISOString() ?? null };
  }

  async create(userId: string): Promise<CalendarFeed> {
    const token = generateToken(PREFIX);
    const createdAt = new Date();
    await this.feeds.upsert({ userId, tokenHash: hashToken(token), createdAt }, ['userId']);
    const path = `/api/calendar/feed/${token}.ics`;
    return { token, path, url: this.config.publicUrl ? `${this.config.publicUrl}${path}` : null, createdAt: createdAt.toISOString() };
  }

  async revoke(userId: string): Promise<void> {
    await this.feeds.delete({ userId });
  }

  /** The feed's document for whoever holds the token; 404 for an unknown or revoked one (or a deactivated account). */
  async document(token: string): Promise<string> {
    if (!TOKEN.test(token)) throw feedNotFound();
    const feed = await this.feeds.findOneBy({ tokenHash: hashToken(token) });
    const user = feed ? await this.users.findById(feed.userId) : null;
    if (!feed || !user || !user.active) throw feedNotFound();
    const rooms = await this.rooms.searchScope(user.id);
    const events = await this.reader.eventsOfRooms(
      rooms.map((r) => r.id),
      new Date(Date.now() - FEED_PAST_DAYS * 86_400_000),
    );
    return toIcs(events, { name: 'Parley', roomNames: new Map(rooms.map((r) => [r.id, r.name])) });
  }
}
