import { ErrorCode, JSON_MAX_DEPTH, SocketErrorCode } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningServer } from '@parley/testing';
import { closeSockets, createRoom, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, makeUser, Signed, signUp } from './support/factories';
import { call, callRaw, errorOf } from './support/sockets';

const TOO_DEEP = `The JSON nests objects or arrays more than ${JSON_MAX_DEPTH} levels deep`;

/** `{"a":{"a":…}}` nested `depth` levels, as raw JSON text (about 6 bytes a level). */
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** What a black-box probe sent: input that used to give 500s or internal_error. Every one must be a clear 400. */
describe.each<DatabaseKind>(['sqlite', 'postgres'])('hostile input on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;

  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
    ada = await signUp(url, makeUser());
  });
  afterEach(closeSockets);
  afterAll(async () => server?.dispose());

  describe('deeply nested JSON bodies', () => {
    it.each([
      ['login', 'post', '/api/auth/login', false],
      ['register', 'post', '/api/auth/register', false],
      ['profile', 'patch', '/api/users/me', true],
      ['room creation', 'post', '/api/rooms', true],
      ['access tokens', 'post', '/api/auth/tokens', true],
    ] as const)('answers 400 on %s for 5,000 levels (30 KB)', async (_label, method, path, signed) => {
      const body = nestedJson(5000);
      expect(body.length).toBeLessThan(40_000);
      let r = request(url)[method](path).set('Content-Type', 'application/json');
      if (signed) r = r.set('Authorization', `Bearer ${ada.token}`);
      const res = await r.send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: TOO_DEEP, code: ErrorCode.BadRequest });
    });

    it(`reads ${JSON_MAX_DEPTH} levels (and then refuses the unknown field), but not one more`, async () => {
      const ok = await request(url).post('/api/auth/login').set('Content-Type', 'application/json').send(`{"login":"x","password":"y","extra":${nestedJson(JSON_MAX_DEPTH - 1)}}`);
      expect(ok.status).toBe(400);
      expect(ok.body.message).toBe('extra is not a known field');
      const deep = await request(url).post('/api/auth/login').set('Content-Type', 'application/json').send(`{"login":"x","password":"y","extra":${nestedJson(JSON_MAX_DEPTH)}}`);
      expect(deep.body.message).toBe(TOO_DEEP);
    });

    it('keeps serving afterwards', async () => {
      await request(url).get('/api/health').expect(200);
    });
  });

  describe('deeply nested socket payloads', () => {
    it.each(['message:send', 'message:edit', 'room:read', 'typing', 'sync', 'presence:query'] as const)('answers %s with validation_failed, not internal_error', async (event) => {
      const s = await socketFor(url, ada);
      const answer = await callRaw(s, event, `{"roomId":"${randomUUID()}","nested":${nestedJson(5000)}}`);
      expect(errorOf(answer)).toEqual({ code: SocketErrorCode.ValidationFailed, message: TOO_DEEP });
      expect(s.connected).toBe(true);
    });
  });

  describe('null for an optional field', () => {
    it.each(['email', 'displayName', 'statusText', 'username'])('PATCH /api/users/me {"%s": null} is a 400 naming the field, and changes nothing', async (field) => {
      const before = (await asUser(url, ada).get('/api/users/me').expect(200)).body;
      const res = await asUser(url, ada).patch('/api/users/me').send({ [field]: null });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(ErrorCode.ValidationFailed);
      expect(res.body.details[0]).toEqual({ field, message: `${field} must be text` });
      expect((await asUser(url, ada).get('/api/users/me').expect(200)).body).toEqual(before);
    });

    it('a room rename with {"name": null} is a 400 too', async () => {
      const room = await createRoom(url, ada, []);
      const res = await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: null });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toEqual({ field: 'name', message: 'name must be text' });
    });
  });

  describe('control characters', () => {
    it.each([
      ['a control character', 'Ada\u0001Lovelace'],
      ['a line break', 'Ada\nLovelace'],
      ['a right-to-left override', 'Ada\u202eecalevol'],
      ['a NUL', 'Ada\u0000'],
    ])('refuses a display name with %s, so nobody can break the generated avatars', async (_label, displayName) => {
      const res = await asUser(url, ada).patch('/api/users/me').send({ displayName });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toEqual({ field: 'displayName', message: 'displayName must not contain control characters or bidirectional overrides' });
      await request(url).get(`/api/users/${ada.user.id}/avatar`).set('Authorization', `Bearer ${ada.token}`).expect(200);
    });

    it('accepts names with emoji joiners and accents', async () => {
      const res = await asUser(url, ada).patch('/api/users/me').send({ displayName: 'Zoë 👩‍💻' }).expect(200);
      expect(res.body.displayName).toBe('Zoë 👩‍💻');
      await request(url).get(`/api/users/${ada.user.id}/avatar`).set('Authorization', `Bearer ${ada.token}`).expect(200);
    });

    it('refuses a room name with a bidi override and a message with a NUL, over REST and the socket', async () => {
      const bad = await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'gpj.\u202eexe' });
      expect(bad.status).toBe(400);
      const room = await createRoom(url, ada, []);
      const rest = await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'hi\u0000there', clientMsgId: randomUUID() });
      expect(rest.status).toBe(400);
      expect(rest.body.message).toBe('body must not contain control characters');
      const s = await socketFor(url, ada);
      const answer = await call(s, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'nul\u0000' });
      expect(errorOf(answer)?.code).toBe(SocketErrorCode.ValidationFailed);
      // Tabs and line breaks are text.
      await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'a\tb\r\nc', clientMsgId: randomUUID() }).expect(201);
    });
  });
});
