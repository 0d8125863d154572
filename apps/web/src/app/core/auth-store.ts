import { Injectable, computed, inject, signal } from '@angular/core';
import { AuthSession, CurrentUser, LoginRequest, UserRole } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthApi } from './auth-api';

/** The signed-in user, as the whole app sees it. */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly api = inject(AuthApi);

  private readonly currentUser = signal<CurrentUser | null>(null);
  private readonly restoring = signal(true);
  private readonly registrationStatus = signal<AuthSession['registration'] | null>(null);
  private readonly signOutHooks: (() => Promise<void>)[] = [];

  /** The signed-in user, or null. */
  readonly user = this.currentUser.asReadonly();
  /** True until the session check on start-up has answered. */
  readonly loading = this.restoring.asReadonly();
  readonly signedIn = computed(() => this.currentUser() !== null);
  readonly isAdmin = computed(() => this.currentUser()?.role === UserRole.Admin);
  /** The server's sign-up policy; null until known (the pages then assume sign-up is open). */
  readonly registration = this.registrationStatus.asReadonly();
  readonly registrationOpen = computed(() => this.registrationStatus()?.open ?? true);

  private restored: Promise<void> | null = null;

  /** Asks the server who we are (once): a session cookie from an earlier visit signs us straight in. */
  restoreSession(): Promise<void> {
    this.restored ??= firstValueFrom(this.api.session())
      .then(({ user, registration }) => {
        this.currentUser.set(user);
        this.registrationStatus.set(registration);
      })
      // The server could not be asked: the sign-in page is still the right place to be.
      .catch(() => this.currentUser.set(null))
      .finally(() => this.restoring.set(false));
    return this.restored;
  }

  async signIn(credentials: LoginRequest): Promise<CurrentUser> {
    const { user } = await firstValueFrom(this.api.login(credentials));
    this.currentUser.set(user);
    this.restoring.set(false);
    return user;
  }

  /**
   * Ends this session. The user is signed out here at once, before the server is asked: the live connection
   * closes and the stores stop loading, so nothing starts on this session while the server ends it (such a
   * load, or the catch-up of a socket that connected meanwhile, would meet a 401). Signed out locally even
   * if the server cannot be reached.
   */
  async signOut(): Promise<void> {
    this.currentUser.set(null);
    await Promise.all(this.signOutHooks.map((hook) => hook()));
    try {
      await firstValueFrom(this.api.logout());
    } catch {
      // The session may already be gone (expired, ended elsewhere): nothing left to end.
    }
  }

  /**
   * Work to finish after the user is signed out here and before the server is asked to end the session, such as
   * closing the live connection from this side.
   */
  beforeSignOut(hook: () => Promise<void>): void {
    this.signOutHooks.push(hook);
  }

  /** Ends every session of this user, on every device (the server clears this browser's cookies too). */
  async signOutEverywhere(): Promise<void> {
    await firstValueFrom(this.api.logoutEverywhere());
    this.currentUser.set(null);
  }

  /** After an edit of the profile: the server's answer is the new truth. */
  replaceUser(user: CurrentUser): void {
    this.currentUser.set(user);
  }

  /** The server said the session is over (expired, revoked, account deactivated). */
  forgetSession(): void {
    this.currentUser.set(null);
  }
}
