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

export async function createRoom(url: string, owner: Signed, members: Signed[], kind: 'group' | 'public' = 'group'): Promise<RoomSummary> {
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
