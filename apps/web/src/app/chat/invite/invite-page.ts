import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, Injector, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { InvitePreview, RoomKind } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { RoomsApi } from '../../core/rooms-api';
import { Avatar } from '../../shared/avatar';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { Logo } from '../../shared/logo';
import { ChatStore } from '../chat-store';

/** What the page shows: the room behind the link, a link that leads nowhere, or a failure to ask. */
export type InviteView =
  | { state: 'loading' }
  | { state: 'ready'; preview: InvitePreview }
  | { state: 'dead' }
  | { state: 'error'; message: string };

/** How an invite link's room is described above its name. */
export function invitedTo(kind: RoomKind): string {
  return kind === RoomKind.Public ? 'You are invited to join the public room' : 'You are invited to join the private group';
}

/** "1 member", "12 members". */
export function memberCount(count: number): string {
  return count === 1 ? '1 member' : `${count} members`;
}

/**
 * `/invite/<code>`: the room an invite link leads to (name, topic, size) before anyone joins. Signed in, Join
 * (or Open, for a member); signed out, the same preview with "Sign in to join" and "Create an account", which
 * bring the visitor back here afterwards. A link that leads nowhere says so and what to do.
 */
@Component({
  selector: 'app-invite-page',
  imports: [NgTemplateOutlet, RouterLink, Avatar, LocalTimePipe, Logo],
  templateUrl: './invite-page.html',
  styleUrl: './invite-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvitePage {
  private readonly rooms = inject(RoomsApi);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);

  /** From the route. */
  readonly code = input.required<string>();

  protected readonly signedIn = this.auth.signedIn;
  protected readonly registrationOpen = this.auth.registrationOpen;
  protected readonly view = signal<InviteView>({ state: 'loading' });
  protected readonly joining = signal(false);
  protected readonly joinError = signal<string | null>(null);
  /** Where sign-in and registration bring the visitor back to. */
  protected readonly back = computed(() => ({ returnUrl: `/invite/${encodeURIComponent(this.code())}` }));
  protected readonly invitedTo = invitedTo;
  protected readonly memberCount = memberCount;
  protected readonly publicKind = RoomKind.Public;

  constructor() {
    effect(() => {
      const code = this.code();
      untracked(() => void this.load(code));
    });
  }

  protected retry(): void {
    void this.load(this.code());
  }

  protected async joinRoom(): Promise<void> {
    if (this.joining()) return;
    this.joining.set(true);
    this.joinError.set(null);
    try {
      const { room } = await firstValueFrom(this.rooms.joinInvite(this.code()));
      // The chat exists for signed-in users only: asked for here, not when a visitor opens the page.
      this.injector.get(ChatStore).upsertRoom(room);
      await this.router.navigate(['/r', room.id], { replaceUrl: true });
    } catch (err) {
      const error = toApiError(err);
      if (error.statusCode === 404) this.view.set({ state: 'dead' });
      else this.joinError.set(formMessage(error));
    } finally {
      this.joining.set(false);
    }
  }

  protected async openRoom(roomId: string): Promise<void> {
    await this.router.navigate(['/r', roomId], { replaceUrl: true });
  }

  private async load(code: string): Promise<void> {
    this.view.set({ state: 'loading' });
    this.joinError.set(null);
    try {
      const preview = await firstValueFrom(this.rooms.previewInvite(code));
      if (code === this.code()) this.view.set({ state: 'ready', preview });
    } catch (err) {
      if (code !== this.code()) return;
      const error = toApiError(err);
      this.view.set(error.statusCode === 404 ? { state: 'dead' } : { state: 'error', message: formMessage(error) });
    }
  }
}
