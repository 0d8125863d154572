/** Where to go after signing in: only a path inside this app, never another site ("//evil.example"). */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/login') || value.startsWith('/register')) return '/';
  return value;
}

/** Query parameters that carry a return URL on to the other auth page (none when there is nothing to return to). */
export function returnUrlQuery(returnUrl: string | undefined): { returnUrl?: string } {
  return returnUrl ? { returnUrl } : {};
}
