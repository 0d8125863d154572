import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import { RoomInvitation, RoomKind } from '@parley/contracts';
import { Avatar } from '../../shared/avatar';
import { InvitationError, InvitationsStore } from '../invitations-store';

let nextId = 0;

/** How big the room is: "1 member", "12 members". */
export function memberCount(invitation: RoomInvitation): string {
  const count = invitation.room.memberCount;
  return count === 1 ? '1 member' : `${count} members`;
}

/**
 * Rooms I was invited into, at the top of the conversation list (in the sidebar, and on the phone's chat
 * list): the room's name, topic and size and who invited me, with Accept (which opens the room) and Decline.
 * Nothing at all when there are none.
 */
@Component({
  selector: 'app-invitations-list',
  imports: [Avatar],
  templateUrl: './invitations-list.html',
  styleUrl: './invitations-list.css',
  // `nothing`: no invitation and nothing to say, so the page leaves no space for it (its live region stays).
  host: { '[class]': '"tone-" + tone()', '[class.nothing]': 'count() === 0 && problem() === null' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvitationsList {
  private readonly store = inject(InvitationsStore);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly injector = inject(Injector);

  /** Dark in the sidebar, light where the list is the page (phones). */
  readonly tone = input<'dark' | 'light'>('dark');

  protected readonly headingId = `invitations-heading-${++nextId}`;
  protected readonly invitations = this.store.invitations;
  protected readonly count = this.store.count;
  protected readonly countLabel = computed(() => (this.count() === 1 ? '1 invitation' : `${this.count()} invitations`));
  protected readonly memberCount = memberCount;
  protected readonly publicKind = RoomKind.Public;
  /** The invitation being answered, and how. */
  protected readonly busy = signal<{ id: string; answer: 'accept' | 'decline' } | null>(null);
  /** Why the last answer did not work, next to its invitation (or on its own, once that invitation is gone). */
  protected readonly problem = signal<{ id: string; text: string } | null>(null);
  protected readonly announcement = signal('');

  protected async accept(invitation: RoomInvitation): Promise<void> {
    await this.answer(invitation, 'accept', async () => {
      const room = await this.store.accept(invitation);
      await this.router.navigate(['/r', room.id]);
      return `You joined ${invitation.room.name}.`;
    });
  }

  protected async decline(invitation: RoomInvitation): Promise<void> {
    await this.answer(invitation, 'decline', async () => {
      await this.store.decline(invitation);
      // The buttons that had the focus are gone: the next invitation's take it, if there is one.
      afterNextRender(() => this.host.querySelector<HTMLButtonElement>('.answer-accept')?.focus(), { injector: this.injector });
      return `You declined the invitation to ${invitation.room.name}.`;
    });
  }

  /** Whether the invitation is still listed. */
  protected hasInvitation(id: string): boolean {
    return this.invitations().some((i) => i.id === id);
  }

  protected dismissProblem(): void {
    this.problem.set(null);
  }

  protected isBusy(invitation: RoomInvitation, answer: 'accept' | 'decline'): boolean {
    const busy = this.busy();
    return busy !== null && busy.id === invitation.id && busy.answer === answer;
  }

  private async answer(invitation: RoomInvitation, answer: 'accept' | 'decline', work: () => Promise<string>): Promise<void> {
    if (this.busy()) return;
    this.busy.set({ id: invitation.id, answer });
    this.problem.set(null);
    try {
      this.announcement.set(await work());
    } catch (err) {
      this.problem.set({ id: invitation.id, text: err instanceof InvitationError ? err.message : 'Something went wrong. Please try again.' });
    } finally {
      this.busy.set(null);
    }
  }
}
