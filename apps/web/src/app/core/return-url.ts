/** Where to go after signing in: only a path inside this app, never another site ("//evil.example"). */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/login') || value.startsWith('/register')) return '/';
  return value;
}
