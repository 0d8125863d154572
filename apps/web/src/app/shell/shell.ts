import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { CalendarNoticeToasts } from '../calendar/notices/notice-toasts';
import { ChatStore } from '../chat/chat-store';
import { MessageNotifier } from '../chat/message-notifier';
import { RoomList } from '../chat/room-list/room-list';
import { TabTitle } from '../chat/tab-title';
import { AuthStore } from '../core/auth-store';
import { DeviceSearch } from '../e2ee/device-search/device-search';
import { E2eePrompts } from '../e2ee/e2ee-prompts';
import { FriendsStore } from '../friends/friends-store';
import { InvitationsList } from '../invitations/invitations-list/invitations-list';
import { InvitationsStore } from '../invitations/invitations-store';
import { Avatar } from '../shared/avatar';
import { Logo } from '../shared/logo';
import { MessageSearch } from '../search/message-search';
import { Viewport } from './viewport';

/** The signed-in layout: a sidebar with the conversations (a slide-in drawer on phones) and the main pane. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, Avatar, Logo, RoomList, InvitationsList, CalendarNoticeToasts],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  host: { '(document:keydown.escape)': 'closeDrawer()', '(document:keydown)': 'shortcut($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly messageSearch = inject(MessageSearch);
  protected readonly searchShortcut = this.messageSearch.shortcut;

  protected readonly user = this.auth.user;
  protected readonly isAdmin = this.auth.isAdmin;
  protected readonly phone = inject(Viewport).phone;
  protected readonly notifier = inject(MessageNotifier);
  private readonly friends = inject(FriendsStore);
  /** Friend requests waiting for an answer (the Friends link's badge). */
  protected readonly friendRequests = computed(() => this.friends.incoming().length);
  /** Rooms I was invited into (the Chats link's badge: they are listed above the conversations). */
  protected readonly invitations = inject(InvitationsStore).count;
  protected readonly drawerOpen = signal(false);
  protected readonly signingOut = signal(false);
  /** On phones a conversation is a screen of its own, with its own back button instead of the top bar. */
  protected readonly inRoom = signal(false);

  private readonly menuButton = viewChild.required<ElementRef<HTMLButtonElement>>('menuButton');
  private readonly closeButton = viewChild.required<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    // The chat starts with the signed-in layout: the socket and the room list, and the unread count in the tab title.
    inject(ChatStore);
    inject(TabTitle);
    // Encryption's prompts: saving a new recovery key, and verification requests from other devices.
    inject(E2eePrompts);
    // And the search on this device, which keeps what this device decrypts in encrypted rooms.
    inject(DeviceSearch);
    // So do the friends lists: the chat collapses messages from blocked people, the Friends link counts requests.
    effect(() => {
      if (this.auth.user() && !this.friends.loaded()) untracked(() => void this.friends.refresh());
    });
    this.inRoom.set(this.router.url.startsWith('/r/'));
    // Following a link in the drawer closes it.
    this.router.events
      .pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe((e) => {
        this.drawerOpen.set(false);
        this.inRoom.set(e.urlAfterRedirects.startsWith('/r/'));
      });
  }

  /** Ctrl+K (Cmd+K on a Mac) opens message search from anywhere in the app, as in Slack. */
  protected shortcut(event: KeyboardEvent): void {
    if (event.key.toLowerCase() !== 'k' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    this.search();
  }

  protected search(): void {
    this.drawerOpen.set(false);
    void this.messageSearch.show();
  }

  protected openDrawer(): void {
    this.drawerOpen.set(true);
    // Once visible, put focus inside the drawer.
    setTimeout(() => this.closeButton().nativeElement.focus(), 0);
  }

  protected closeDrawer(): void {
    if (!this.drawerOpen()) return;
    this.drawerOpen.set(false);
    this.menuButton().nativeElement.focus();
  }

  protected async signOut(): Promise<void> {
    if (this.signingOut()) return;
    this.signingOut.set(true);
    await this.auth.signOut();
    this.signingOut.set(false);
    await this.router.navigate(['/login']);
  }
}
