import { randomUUID } from 'node:crypto';
import { CurrentUser, LoginResponse, Message, RegisterRequest } from '@parley/contracts';

/** One person talking to the API with their session token (no browser), for setting the scene of a test. */
export class ApiClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    readonly user: CurrentUser,
  ) {}

  static async signIn(baseUrl: string, account: RegisterRequest): Promise<ApiClient> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: account.username, password: account.password }),
    });
    if (res.status !== 200) throw new Error(`login ${account.username}: ${res.status} ${await res.text()}`);
    const { user, token } = (await res.json()) as LoginResponse;
    return new ApiClient(baseUrl, token, user);
  }

  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  send(roomId: string, body: string): Promise<Message> {
    return this.call<Message>('POST', `/api/rooms/${roomId}/messages`, { body, clientMsgId: randomUUID() });
  }

  /** Marks the room read up to this message (the sender then sees "Seen"). */
  async read(message: Message): Promise<void> {
    await this.call('POST', `/api/rooms/${message.roomId}/read`, { seq: message.seq });
  }
}
