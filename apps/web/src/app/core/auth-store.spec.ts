import { Injector } from '@angular/core';
import { CurrentUser, UserRole } from '@parley/contracts';
import { Observable, of, Subject, throwError } from 'rxjs';
import { AuthApi } from './auth-api';
import { AuthStore } from './auth-store';

const ada = { id: 'u1', username: 'ada', displayName: 'Ada', role: UserRole.Member } as unknown as CurrentUser;

/** The store with a stand-in API whose logout answers when the test says so. */
function harness(logout: () => Observable<unknown>) {
  const injector = Injector.create({
    providers: [AuthStore, { provide: AuthApi, useValue: { login: () => of({ user: ada }), logout } }],
  });
  return injector.get(AuthStore);
}

describe('AuthStore.signOut', () => {
  it('signs out here before the server has answered, so nothing starts on the session it is ending', async () => {
    const answer = new Subject<void>();
    const auth = harness(() => answer);
    await auth.signIn({ login: 'ada', password: 'secret' });
    expect(auth.signedIn()).toBe(true);

    const done = auth.signOut();
    // The logout request is in flight: the app already treats the user as signed out.
    expect(auth.user()).toBeNull();
    expect(auth.signedIn()).toBe(false);
    answer.next();
    answer.complete();
    await done;
    expect(auth.user()).toBeNull();
  });

  it('signs out here even when the server cannot be reached', async () => {
    const auth = harness(() => throwError(() => new Error('offline')));
    await auth.signIn({ login: 'ada', password: 'secret' });
    await expect(auth.signOut()).resolves.toBeUndefined();
    expect(auth.signedIn()).toBe(false);
  });

  it('asks the server only once the work registered to run before sign-out has finished', async () => {
    const steps: string[] = [];
    const auth = harness(() => {
      steps.push('logout request');
      return of(undefined);
    });
    let finishClose!: () => void;
    auth.beforeSignOut(() => {
      steps.push(`closing, signed in: ${auth.signedIn()}`);
      return new Promise<void>((resolve) => (finishClose = resolve));
    });
    await auth.signIn({ login: 'ada', password: 'secret' });

    const done = auth.signOut();
    await Promise.resolve();
    expect(steps).toEqual(['closing, signed in: false']);
    finishClose();
    await done;
    expect(steps).toEqual(['closing, signed in: false', 'logout request']);
  });
});
