import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ChatActions } from '../chat/chat-actions';
import { ChatStore } from '../chat/chat-store';
import { RoomList } from '../chat/room-list/room-list';
import { AuthStore } from '../core/auth-store';
import { InvitationsList } from '../invitations/invitations-list/invitations-list';
import { Viewport } from './viewport';

/** The home route: on phones the conversation list itself; on wider screens a friendly "pick a conversation". */
@Component({
  selector: 'app-home-page',
  imports: [RouterLink, RoomList, InvitationsList],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(AuthStore);
  private readonly store = inject(ChatStore);
  protected readonly actions = inject(ChatActions);

  protected readonly phone = inject(Viewport).phone;
  protected readonly isAdmin = this.auth.isAdmin;
  protected readonly firstName = computed(() => this.auth.user()?.displayName.trim().split(/\s+/)[0] ?? '');
  protected readonly hasStatus = computed(() => (this.auth.user()?.statusText ?? '') !== '');
  protected readonly unread = this.store.totalUnread;
  protected readonly hasRooms = computed(() => this.store.rooms().length > 0);
}
