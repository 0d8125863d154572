import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import { PresenceStatus, RoomKind, RoomSummary } from '@parley/contracts';
import { Avatar } from '../../shared/avatar';
import { PeopleStore } from '../people-store';

/** "Last seen 5 minutes ago", "Last seen yesterday"; empty when never seen. */
export function lastSeenText(iso: string | null, now: Date = new Date(), locale?: string): string {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return 'Last seen just now';
  if (abs < 3600) return `Last seen ${format.format(Math.round(seconds / 60), 'minute')}`;
  if (abs < 86_400) return `Last seen ${format.format(Math.round(seconds / 3600), 'hour')}`;
  return `Last seen ${format.format(Math.round(seconds / 86_400), 'day')}`;
}

/** The conversation's title bar: who or what it is, presence or members and topic, and the room's settings. */
@Component({
  selector: 'app-room-header',
  imports: [Avatar, RouterLink],
  templateUrl: './room-header.html',
  styleUrl: './room-header.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomHeader {
  private readonly people = inject(PeopleStore);

  readonly room = input.required<RoomSummary>();
  readonly settings = output<void>();
  /** The Files panel: what was shared here. */
  readonly files = output<void>();
  /** The room's calendar: its upcoming events, and scheduling one. */
  readonly calendar = output<void>();

  protected readonly direct = computed(() => this.room().kind === RoomKind.Direct);
  protected readonly presence = computed<PresenceStatus | null>(() => {
    const peer = this.room().peer;
    return peer ? this.people.presenceOf(peer.id) : null;
  });
  protected readonly subtitle = computed(() => {
    const room = this.room();
    if (room.peer) {
      switch (this.presence()) {
        case PresenceStatus.Online:
          return 'Online';
        case PresenceStatus.Away:
          return 'Away';
        default:
          return lastSeenText(this.people.lastSeenOf(room.peer.id)) || `@${room.peer.username}`;
      }
    }
    const members = room.memberCount === 1 ? '1 member' : `${room.memberCount} members`;
    return room.topic ? `${members} · ${room.topic}` : members;
  });
  protected readonly settingsLabel = computed(() => (this.direct() ? 'Conversation details' : 'Room settings'));
}
