import { randomUUID } from 'node:crypto';
import { AVATAR_FIELD, CurrentUser, LoginResponse, Message, RegisterRequest } from '@parley/contracts';

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

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The Authorization header value, for requests this client does not make itself (uploads, downloads). */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  send(roomId: string, body: string, attachmentIds?: string[]): Promise<Message> {
    return this.call<Message>('POST', `/api/rooms/${roomId}/messages`, { body, clientMsgId: randomUUID(), ...(attachmentIds ? { attachmentIds } : {}) });
  }

  /** The bytes of a file, as this person may read them. */
  async download(path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: this.authorization } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  }

  /** Sets this person's profile picture (multipart, as the profile page uploads it); answers with the account. */
  async uploadAvatar(image: Buffer, type = 'image/png'): Promise<CurrentUser> {
    const form = new FormData();
    form.append(AVATAR_FIELD, new Blob([new Uint8Array(image)], { type }), 'picture');
    const res = await fetch(`${this.baseUrl}/api/users/me/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${this.token}` }, body: form });
    if (!res.ok) throw new Error(`PUT /api/users/me/avatar: ${res.status} ${await res.text()}`);
    return (await res.json()) as CurrentUser;
  }

  /** Marks the room read up to this message (the sender then sees "Seen"). */
  async read(message: Message): Promise<void> {
    await this.call('POST', `/api/rooms/${message.roomId}/read`, { seq: message.seq });
  }
}
