import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { AuthStore } from './auth-store';

/** Requests whose 401 means "wrong credentials", not "your session ended". (GET /api/auth/session never answers 401.) */
const OWN_401 = ['/api/auth/login'];

/**
 * When the server stops accepting the session (it expired, was ended from another device, or the account was
 * deactivated), forget the user and go to the sign-in page, keeping the current page to come back to.
 */
export const sessionExpiredInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  return next(req).pipe(
    catchError((err: unknown) => {
      if (err instanceof HttpErrorResponse && err.status === 401 && !OWN_401.includes(req.url) && auth.signedIn()) {
        const returnUrl = router.url;
        auth.forgetSession();
        void router.navigate(['/login'], { queryParams: { returnUrl, expired: 1 } });
      }
      return throwError(() => err);
    }),
  );
};
