import { CurrentUser, RegisterRequest } from '@parley/contracts';

let counter = 0;

/** A fresh, valid account (the password is long and random enough for the strength check). */
export function newAccount(prefix = 'user'): Required<RegisterRequest> {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}`;
  const username = `${prefix}${id}`.slice(0, 32);
  return {
    username,
    email: `${username}@example.test`,
    password: `Violet kettle ${id} marches north`,
    displayName: `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${id}`,
  };
}

/** Registers an account straight through the API (no browser), for setting the scene. */
export async function registerViaApi(baseUrl: string, account: RegisterRequest): Promise<CurrentUser> {
  const res = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (res.status !== 201) throw new Error(`register ${account.username}: ${res.status} ${await res.text()}`);
  return (await res.json()) as CurrentUser;
}
