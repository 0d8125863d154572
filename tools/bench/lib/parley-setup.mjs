// Creating the benchmark's accounts and rooms through Parley's public REST API, as a client would.
import { randomBytes } from 'node:crypto';

async function api(url, path, { method = 'GET', token, body } = {}) {
  const res = await globalThis.fetch(`${url}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} /api${path} → ${res.status}: ${json?.message ?? text}`);
  return json;
}

/** Runs `fn` over `items` with at most `limit` calls at once (argon2 runs on libuv's 4 threads). */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** A strong random password (zxcvbn scores 20 random characters 4). */
export function benchPassword() {
  return randomBytes(15).toString('base64url');
}

/** Registers `count` accounts and signs each in: [{ id, username, token }]. */
export async function createUsers(url, { count, prefix, password = benchPassword(), concurrency = 4 }) {
  return pool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const username = `${prefix}${i}`;
    const user = await api(url, '/auth/register', {
      method: 'POST',
      body: { username, email: `${username}@bench.example.com`, password, displayName: `Bench ${i}` },
    });
    const login = await api(url, '/auth/login', { method: 'POST', body: { login: username, password } });
    return { id: user.id, username, token: login.token };
  });
}

/** `a` asks `b` to be friends and `b` accepts. */
async function befriend(url, a, b) {
  const asked = await api(url, '/friends/requests', { method: 'POST', token: a.token, body: { userId: b.id } });
  if (asked.outcome === 'requested') await api(url, `/friends/requests/${asked.request.id}/accept`, { method: 'POST', token: b.token });
}

/**
 * Puts users into group rooms of `roomSize` (the last may be smaller), the first of each as the owner:
 * returns the room id for every user, by index.
 */
export async function createRooms(url, users, { roomSize, prefix }) {
  const roomOf = new Array(users.length);
  for (let start = 0, r = 0; start < users.length; start += roomSize, r++) {
    const members = users.slice(start, start + roomSize);
    // With the default DM_POLICY=friends a group takes friends in and invites everyone else: befriend first.
    await pool(members.slice(1), 4, (m) => befriend(url, members[0], m));
    const room = await api(url, '/rooms', {
      method: 'POST',
      token: members[0].token,
      body: { kind: 'group', name: `${prefix} room ${r}`, memberIds: members.slice(1).map((m) => m.id) },
    });
    for (let i = 0; i < members.length; i++) roomOf[start + i] = room.id;
  }
  return roomOf;
}
