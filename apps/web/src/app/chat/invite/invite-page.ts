import { ChangeDetectionStrategy, Component, OnInit, inject, input, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { RoomsApi } from '../../core/rooms-api';
import { ChatStore } from '../chat-store';

/**
 * `/invite/<code>`: joins the room the link points to and opens it. Signed-out visitors reach it after signing
 * in (the sign-in page brings them back here).
 */
@Component({
  selector: 'app-invite-page',
  imports: [RouterLink],
  templateUrl: './invite-page.html',
  styleUrl: './invite-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvitePage implements OnInit {
  private readonly rooms = inject(RoomsApi);
  private readonly store = inject(ChatStore);
  private readonly router = inject(Router);

  /** From the route. */
  readonly code = input.required<string>();

  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    void this.joinRoom();
  }

  protected async joinRoom(): Promise<void> {
    this.error.set(null);
    try {
      const { room } = await firstValueFrom(this.rooms.joinInvite(this.code()));
      this.store.upsertRoom(room);
      await this.router.navigate(['/r', room.id], { replaceUrl: true });
    } catch (err) {
      const error = toApiError(err);
      this.error.set(error.statusCode === 404 ? 'This invite link is not valid any more: it may have expired, been used up or been revoked.' : formMessage(error));
    }
  }
}
