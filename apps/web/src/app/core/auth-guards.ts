import { inject } from '@angular/core';
import { CanActivateFn, CanMatchFn, Router } from '@angular/router';
import { AuthStore } from './auth-store';

/** Pages for signed-in users: anyone else goes to the sign-in page, which brings them back here afterwards. */
export const signedInGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  if (auth.signedIn()) return true;
  return router.createUrlTree(['/login'], state.url === '/' ? {} : { queryParams: { returnUrl: state.url } });
};

/** The sign-in and registration pages: a signed-in user has no business there. */
export const signedOutGuard: CanActivateFn = async () => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.signedIn() ? router.createUrlTree(['/']) : true;
};

/** Admin pages: members are sent home. */
export const adminGuard: CanActivateFn = async () => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.isAdmin() ? true : router.createUrlTree(['/']);
};

/**
 * A route for visitors who are not signed in, listed before the signed-in layout's route of the same path: a
 * page anyone may open (an invite link) shows outside the app for them and inside it once they sign in.
 */
export const visitorMatch: CanMatchFn = async () => {
  const auth = inject(AuthStore);
  await auth.restoreSession();
  return !auth.signedIn();
};
