import { Message, RoomSummary } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Signed } from './factories';
import { call, ClientSocket, connect, errorOf } from './sockets';

const open: ClientSocket[] = [];

/** Closes every socket opened with socketFor (call it in afterEach). */
export function closeSockets(): void {
  while (open.length) open.pop()!.close();
}

/** A socket authenticated as `who` (session token), closed by closeSockets(). */
export async function socketFor(url: string, who: Signed | { token: string }): Promise<ClientSocket> {
  const s = await connect(url, { token: who.token });
  open.push(s);
  return s;
}

export function track(s: ClientSocket): ClientSocket {
  open.push(s);
  return s;
}

/**
 * A room with `members` in it from the start. On a server with DM_POLICY=friends (the default) only friends
 * are added (others are invited), so the owner befriends each member first.
 */
export async function createRoom(url: string, owner: Signed, members: Signed[], kind: 'group' | 'public' = 'group'): Promise<RoomSummary> {
  for (const m of members) await ensureFriends(url, owner, m);
  const res = await request(url)
    .post('/api/rooms')
    .set('Authorization', `Bearer ${owner.token}`)
    .send({ kind, name: `Room ${randomUUID().slice(0, 8)}`, memberIds: members.map((m) => m.user.id) });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RoomSummary;
}

/** Sends over the socket and returns the acked message (throws on an ack error). */
export async function send(s: ClientSocket, roomId: string, body: string, clientMsgId: string = randomUUID()): Promise<Message> {
  const answer = await call(s, 'message:send', { roomId, clientMsgId, body });
  if (errorOf(answer)) throw new Error(`send failed: ${JSON.stringify(answer)}`);
  return (answer as { message: Message }).message;
}

/** Makes two users friends through the API, unless they already are. */
export async function ensureFriends(url: string, a: Signed, b: Signed): Promise<void> {
  const sent = await request(url).post('/api/friends/requests').set('Authorization', `Bearer ${a.token}`).send({ userId: b.user.id });
  if (sent.status === 409) return; // already friends
  if (sent.status !== 201 && sent.status !== 200) throw new Error(`friend request failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  if (sent.body.outcome === 'friends') return;
  const accepted = await request(url).post(`/api/friends/requests/${sent.body.request.id}/accept`).set('Authorization', `Bearer ${b.token}`);
  if (accepted.status !== 200) throw new Error(`accepting failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
}
