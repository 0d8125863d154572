import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { PresenceStatus, RoomKind, RoomSummary } from '@parley/contracts';
import { Avatar } from '../../shared/avatar';
import { ChatActions } from '../chat-actions';
import { ChatStore } from '../chat-store';
import { listTime } from './list-time';
import { roomPreview } from './room-preview';
import { shownOf } from '../files/shown-attachment';
import { contentPreview } from '@parley/contracts';

interface RoomItem {
  room: RoomSummary;
  direct: boolean;
  presence: PresenceStatus | null;
  time: string;
  preview: string;
  /** The preview is about the message rather than its text (deleted, from someone I blocked). */
  quiet: boolean;
  typing: boolean;
  unreadLabel: string;
}

const PRESENCE_LABEL: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

/** My rooms and direct messages, most recent first: unread badges, previews, presence; a filter and the "new" buttons. */
@Component({
  selector: 'app-room-list',
  imports: [RouterLink, RouterLinkActive, Avatar],
  templateUrl: './room-list.html',
  styleUrl: './room-list.css',
  host: { '[class]': '"tone-" + tone()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomList {
  private readonly store = inject(ChatStore);
  protected readonly actions = inject(ChatActions);

  /** Dark in the sidebar, light where the list is the page (phones). */
  readonly tone = input<'dark' | 'light'>('dark');

  protected readonly filter = signal('');
  protected readonly state = this.store.roomsState;
  protected readonly presenceLabel = PRESENCE_LABEL;

  protected readonly items = computed<RoomItem[]>(() => {
    const q = this.filter().trim().toLocaleLowerCase();
    const viewer = { me: this.store.userId, blocked: this.store.blocked(), knownName: (id: string) => this.store.people.knownName(id), decryptedText: (id: string) => {
      const content = this.store.decrypted.decryptedById(id);
      return content ? contentPreview({ body: content.body, attachments: content.attachments.map(shownOf) }) : null;
    } };
    const now = new Date();
    return this.store
      .rooms()
      .filter((room) => !q || room.name.toLocaleLowerCase().includes(q) || (room.peer?.username.toLocaleLowerCase().includes(q) ?? false))
      .map((room) => {
        const direct = room.kind === RoomKind.Direct;
        const typingNames = this.store.people.typingNames(room.id);
        const unread = room.unreadCount;
        const preview = typingNames.length > 0 ? { text: direct ? 'typing…' : `${typingNames[0]} is typing…`, quiet: false } : roomPreview(room, viewer);
        return {
          room,
          direct,
          presence: room.peer ? this.store.people.presenceOf(room.peer.id) : null,
          time: listTime(room.lastActivityAt, now),
          typing: typingNames.length > 0,
          preview: preview.text,
          quiet: preview.quiet,
          unreadLabel: unread === 1 ? '1 unread message' : `${unread} unread messages`,
        };
      });
  });

  protected readonly hasRooms = computed(() => this.store.rooms().length > 0);

  protected updateFilter(event: Event): void {
    this.filter.set((event.target as HTMLInputElement).value);
  }

  protected clearFilter(): void {
    this.filter.set('');
  }
}
