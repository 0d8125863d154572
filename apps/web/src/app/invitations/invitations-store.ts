import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { RoomInvitation, RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { ChatStore } from '../chat/chat-store';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';
import { InvitationsApi } from '../core/invitations-api';
import { Realtime } from '../core/realtime';
import { InvitationChange, replayed, withInvitation, withoutInvitation } from './invitations-state';

/** Why answering an invitation did not work, in words. */
export class InvitationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvitationError';
  }
}

/**
 * Rooms the signed-in user was invited into by someone who may not simply add them (on a server with
 * DM_POLICY=friends, a member who is not their friend): loaded at sign-in, kept current by `invitation:new`
 * and `invitation:removed`, reloaded after a reconnect. Accepting joins the room; declining ends it.
 */
@Injectable({ providedIn: 'root' })
export class InvitationsStore {
  private readonly api = inject(InvitationsApi);
  private readonly realtime = inject(Realtime);
  private readonly chat = inject(ChatStore);
  private readonly auth = inject(AuthStore);
  private readonly me = computed(() => this.auth.user()?.id ?? null);

  private readonly list = signal<readonly RoomInvitation[]>([]);
  private readonly loadedState = signal(false);
  /** Bumped on every sign-in change, so an answer for the previous user is dropped. */
  private generation = 0;
  private loading: Promise<void> | null = null;
  /** Events heard while a load was on its way: its answer may predate them. */
  private heardWhileLoading: InvitationChange[] = [];

  /** Newest first. */
  readonly invitations = this.list.asReadonly();
  readonly count = computed(() => this.list().length);
  readonly loaded = this.loadedState.asReadonly();

  constructor() {
    effect(() => {
      const id = this.me();
      untracked(() => {
        this.reset();
        if (id) void this.refresh();
      });
    });
    // Events missed while the connection was down are made up for by loading again once it is back.
    effect(() => {
      if (this.realtime.status() === 'online' && untracked(this.loadedState)) untracked(() => void this.refresh());
    });
    this.realtime.on('invitation:new', ({ invitation }) => this.apply((list) => withInvitation(list, invitation)));
    this.realtime.on('invitation:removed', ({ invitationId }) => this.apply((list) => withoutInvitation(list, invitationId)));
  }

  /** Loads (or reloads) the list. Concurrent calls share one request. */
  refresh(): Promise<void> {
    if (this.loading) return this.loading;
    const round: Promise<void> = this.load().finally(() => {
      if (this.loading === round) this.loading = null;
    });
    this.loading = round;
    return round;
  }

  /**
   * Joins the room (and lists it at once). Throws an InvitationError that says why not: gone meanwhile
   * (withdrawn, or ended by a block: it leaves the list) or the room was archived.
   */
  async accept(invitation: RoomInvitation): Promise<RoomSummary> {
    try {
      const { room } = await firstValueFrom(this.api.accept(invitation.id));
      this.apply((list) => withoutInvitation(list, invitation.id));
      this.chat.upsertRoom(room);
      return room;
    } catch (err) {
      throw this.answerFailed(err, invitation);
    }
  }

  /** Ends the invitation; one that was gone already leaves the list too. */
  async decline(invitation: RoomInvitation): Promise<void> {
    try {
      await firstValueFrom(this.api.decline(invitation.id), { defaultValue: undefined });
      this.apply((list) => withoutInvitation(list, invitation.id));
    } catch (err) {
      const error = toApiError(err);
      if (error.statusCode !== 404) throw new InvitationError(formMessage(error));
      this.apply((list) => withoutInvitation(list, invitation.id));
    }
  }

  private answerFailed(err: unknown, invitation: RoomInvitation): InvitationError {
    const error = toApiError(err);
    if (error.statusCode === 404) {
      this.apply((list) => withoutInvitation(list, invitation.id));
      return new InvitationError(`The invitation to ${invitation.room.name} is no longer open: it was withdrawn.`);
    }
    return new InvitationError(formMessage(error));
  }

  private apply(change: InvitationChange): void {
    this.list.update(change);
    if (this.loading) this.heardWhileLoading.push(change);
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    if (!untracked(this.me)) return;
    this.heardWhileLoading = [];
    try {
      const list = await firstValueFrom(this.api.mine());
      if (generation !== this.generation) return;
      this.list.set(replayed(list, this.heardWhileLoading));
      this.loadedState.set(true);
    } catch {
      // Kept as it was: the next reconnect (or sign-in) loads again, and the events keep coming meanwhile.
    } finally {
      this.heardWhileLoading = [];
    }
  }

  private reset(): void {
    this.generation++;
    this.loading = null;
    this.heardWhileLoading = [];
    this.list.set([]);
    this.loadedState.set(false);
  }
}
