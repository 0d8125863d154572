import { AccessToken, ApiError, CSRF_COOKIE, CSRF_HEADER, CurrentUser, ErrorCode, Page, PublicUser, SESSION_COOKIE } from '@parley/contracts';
import request from 'supertest';
import type { RunningServer } from '@parley/testing';
import { DatabaseKind, startOn } from './support/database-targets';
import { cookieValue, makeUser, register, signIn, Signed, signUp } from './support/factories';

const SECRET_SHAPES = /passwordHash|tokenHash|\$argon2/;

/** The account flow runs against both databases: the same migrations, the same behaviour. */
describe.each<DatabaseKind>(['sqlite', 'postgres'])('accounts on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let admin: Signed;

  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
    admin = await signUp(url, makeUser({ username: `admin.${kind}` }));
  });
  afterAll(async () => server?.dispose());

  describe('registration', () => {
    it('creates the account, lower-cases the username and makes only the first account an admin', async () => {
      expect(admin.user.role).toBe('admin');
      const data = makeUser({ username: 'Mixed.Case_User' + kind.length, displayName: undefined });
      const res = await request(url).post('/api/auth/register').send(data).expect(201);
      const user = res.body as CurrentUser;
      expect(user).toMatchObject({ username: data.username.toLowerCase(), email: data.email, role: 'member', displayName: data.username.toLowerCase() });
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(JSON.stringify(res.body)).not.toMatch(SECRET_SHAPES);
    });

    it('refuses a duplicate username or email, case-insensitively, with 409', async () => {
      const data = makeUser();
      await register(url, data);
      const again = await request(url)
        .post('/api/auth/register')
        .send(makeUser({ username: data.username.toUpperCase() }))
        .expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: ErrorCode.Conflict });
      expect(again.body.details).toEqual([{ field: 'username', message: 'That username is already taken' }]);
      const email = await request(url)
        .post('/api/auth/register')
        .send(makeUser({ email: data.email.toUpperCase() }))
        .expect(409);
      expect(email.body.message).toBe('That email address is already registered');
    });

    it.each([
      ['a short one', 'Tr0ub4dor', /at least 10 characters/],
      ['a common one', 'password123', /too easy to guess/],
      ['a keyboard walk', 'qwertyuiop1', /too easy to guess/],
    ])('refuses %s and says why', async (_label, password, why) => {
      const res = await request(url).post('/api/auth/register').send(makeUser({ password })).expect(400);
      expect(res.body.message).toMatch(why);
      expect((res.body as ApiError).details?.[0].field).toBe('password');
    });

    it('refuses a password that contains the username or the email', async () => {
      const data = makeUser();
      const withName = await request(url).post('/api/auth/register').send({ ...data, password: `zebra ${data.username} quartz` }).expect(400);
      expect(withName.body.message).toMatch(/must not contain your username/);
      const local = data.email.split('@')[0];
      const withEmail = await request(url)
        .post('/api/auth/register')
        .send({ ...data, username: 'other' + data.username.slice(5), password: `${local.toUpperCase()} zebra quartz` })
        .expect(400);
      expect(withEmail.body.message).toMatch(/must not contain your (username|email)/);
    });

    it.each([
      ['a username too short', { username: 'ab' }, 'username', /3 to 32 characters/],
      ['a username with spaces', { username: 'bad name' }, 'username', /only letters a-z/],
      ['an invalid email', { email: 'not-an-email' }, 'email', /valid email/],
      ['a number for a username', { username: 12345 }, 'username', /must be text/],
      ['a too long display name', { displayName: 'x'.repeat(65) }, 'displayName', /1 to 64/],
      ['a missing password', { password: undefined }, 'password', /password is required/],
    ])('answers 400 naming the field for %s', async (_label, patch, field, message) => {
      const body = { ...makeUser(), ...patch };
      const res = await request(url).post('/api/auth/register').send(body).expect(400);
      const err = res.body as ApiError;
      expect(err).toMatchObject({ statusCode: 400, error: 'Bad Request', code: ErrorCode.ValidationFailed });
      expect(err.details?.some((d) => d.field === field && message.test(d.message))).toBe(true);
    });
  });

  describe('sign-in', () => {
    it('works by username and by email, setting an HttpOnly SameSite=Lax cookie and a CSRF cookie', async () => {
      const data = makeUser();
      await register(url, data);
      const byName = await request(url).post('/api/auth/login').send({ login: data.username, password: data.password }).expect(200);
      expect(byName.body.user.username).toBe(data.username);
      expect(byName.body.token).toMatch(/^pls_[A-Za-z0-9_-]{43}$/);
      const cookies = byName.headers['set-cookie'] as unknown as string[];
      const session = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Lax/);
      expect(session).not.toMatch(/Secure/);
      const csrf = cookies.find((c) => c.startsWith(`${CSRF_COOKIE}=`))!;
      expect(csrf).not.toMatch(/HttpOnly/);

      const byEmail = await request(url).post('/api/auth/login').send({ login: data.email.toUpperCase(), password: data.password }).expect(200);
      expect(byEmail.body.user.id).toBe(byName.body.user.id);
      expect(byEmail.body.token).not.toBe(byName.body.token);
    });

    it('gives an unknown user and a wrong password the same answer', async () => {
      const data = makeUser();
      await register(url, data);
      const wrong = await request(url).post('/api/auth/login').send({ login: data.username, password: 'not the password at all' }).expect(401);
      const unknown = await request(url).post('/api/auth/login').send({ login: `nobody.${data.username}`, password: 'not the password at all' }).expect(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid username/email or password', code: ErrorCode.InvalidCredentials });
    });

    it('refuses a malformed login body with 400, not 401', async () => {
      const res = await request(url).post('/api/auth/login').send({ login: 42 }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['login', 'password']);
    });

    it('answers GET /api/auth/me for the cookie and for the bearer token, and 401 for neither', async () => {
      const me = await admin.agent.get('/api/auth/me').expect(200);
      expect(me.body.id).toBe(admin.user.id);
      const bearer = await request(url).get('/api/auth/me').set('Authorization', `Bearer ${admin.token}`).expect(200);
      expect(bearer.body.id).toBe(admin.user.id);
      const none = await request(url).get('/api/auth/me').expect(401);
      expect(none.body.code).toBe(ErrorCode.Unauthenticated);
      await request(url).get('/api/auth/me').set('Authorization', 'Bearer pls_forged').expect(401);
      await request(url).get('/api/auth/me').set('Authorization', 'Basic abc').expect(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without the header, accepts it with the header, and never asks bearer clients', async () => {
      const s = await signUp(url);
      const refused = await s.agent.patch('/api/users/me').send({ statusText: 'csrf?' }).expect(403);
      expect(refused.body.code).toBe(ErrorCode.CsrfFailed);
      await s.agent.patch('/api/users/me').set(CSRF_HEADER, s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A')).send({ statusText: 'csrf?' }).expect(403);
      const ok = await s.agent.patch('/api/users/me').set(CSRF_HEADER, s.csrf).send({ statusText: 'with header' }).expect(200);
      expect(ok.body.statusText).toBe('with header');
      const bearer = await request(url).patch('/api/users/me').set('Authorization', `Bearer ${s.token}`).send({ statusText: 'bearer' }).expect(200);
      expect(bearer.body.statusText).toBe('bearer');
      // Reads need no header.
      await s.agent.get('/api/users/me').expect(200);
    });
  });

  describe('sessions', () => {
    it('logout ends this session only', async () => {
      const data = makeUser();
      const a = await signUp(url, data);
      const b = await signIn(url, data.username, data.password);
      const res = await a.agent.post('/api/auth/logout').set(CSRF_HEADER, a.csrf).expect(204);
      expect(cookieValue(res.headers['set-cookie'], SESSION_COOKIE)).toBe('');
      await a.agent.get('/api/auth/me').expect(401);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${a.token}`).expect(401);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${b.token}`).expect(200);
    });

    it('GET /api/auth/session answers the user or null, never 401, with the registration policy', async () => {
      const anonymous = await request(url).get('/api/auth/session').expect(200);
      expect(anonymous.body).toEqual({ user: null, registration: { mode: 'open', open: true, allowedEmailDomains: [] } });
      const stale = await request(url).get('/api/auth/session').set('Cookie', `${SESSION_COOKIE}=pls_gone`).expect(200);
      expect(stale.body.user).toBeNull();
      const signed = await admin.agent.get('/api/auth/session').expect(200);
      expect(signed.body.user.id).toBe(admin.user.id);
      const bearer = await request(url).get('/api/auth/session').set('Authorization', `Bearer ${admin.token}`).expect(200);
      expect(bearer.body.user.id).toBe(admin.user.id);
    });

    it('lists the live sessions, marks the current one, and ends one of them', async () => {
      const data = makeUser();
      const a = await signUp(url, data);
      const b = await signIn(url, data.username, data.password);
      const list = await a.agent.get('/api/auth/sessions').set('User-Agent', 'ParleyTest/1').expect(200);
      expect(list.body).toHaveLength(2);
      const current = list.body.find((x: { current: boolean }) => x.current);
      const other = list.body.find((x: { current: boolean }) => !x.current);
      expect(current).toMatchObject({ ip: expect.any(String), expiresAt: expect.any(String) });
      expect(JSON.stringify(list.body)).not.toMatch(/pls_|tokenHash/);

      await a.agent.delete(`/api/auth/sessions/${other.id}`).set(CSRF_HEADER, a.csrf).expect(204);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${b.token}`).expect(401);
      await a.agent.get('/api/auth/me').expect(200);
      // Someone else's session is "not found".
      const stranger = await signUp(url);
      await stranger.agent.delete(`/api/auth/sessions/${current.id}`).set(CSRF_HEADER, stranger.csrf).expect(404);
      await a.agent.get('/api/auth/me').expect(200);
    });

    it('logout-all ends every session of the user but keeps personal access tokens', async () => {
      const data = makeUser();
      const a = await signUp(url, data);
      const b = await signIn(url, data.username, data.password);
      const pat = await a.agent.post('/api/auth/tokens').set(CSRF_HEADER, a.csrf).send({ name: 'ci' }).expect(201);
      await request(url).post('/api/auth/logout-all').set('Authorization', `Bearer ${b.token}`).expect(204);
      await a.agent.get('/api/auth/me').expect(401);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${b.token}`).expect(401);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${pat.body.token}`).expect(200);
    });
  });

  describe('personal access tokens', () => {
    it('creates a token shown once, lists it without its value, records use, and revokes it', async () => {
      const s = await signUp(url);
      const created = await request(url).post('/api/auth/tokens').set('Authorization', `Bearer ${s.token}`).send({ name: '  Deploy bot ' }).expect(201);
      expect(created.body).toMatchObject({ name: 'Deploy bot' });
      expect(created.body.token).toMatch(/^plt_[A-Za-z0-9_-]{43}$/);

      const listed = await request(url).get('/api/auth/tokens').set('Authorization', `Bearer ${s.token}`).expect(200);
      const tokens = listed.body as AccessToken[];
      expect(tokens).toEqual([{ id: created.body.id, name: 'Deploy bot', createdAt: created.body.createdAt, lastUsedAt: null }]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

      const me = await request(url).get('/api/users/me').set('Authorization', `Bearer ${created.body.token}`).expect(200);
      expect(me.body.id).toBe(s.user.id);
      const after = await request(url).get('/api/auth/tokens').set('Authorization', `Bearer ${s.token}`).expect(200);
      expect(after.body[0].lastUsedAt).not.toBeNull();

      // A token cannot mint or revoke tokens: that needs a signed-in session.
      await request(url).post('/api/auth/tokens').set('Authorization', `Bearer ${created.body.token}`).send({ name: 'x' }).expect(403);

      await request(url).delete(`/api/auth/tokens/${created.body.id}`).set('Authorization', `Bearer ${s.token}`).expect(204);
      await request(url).get('/api/users/me').set('Authorization', `Bearer ${created.body.token}`).expect(401);
      await request(url).delete(`/api/auth/tokens/${created.body.id}`).set('Authorization', `Bearer ${s.token}`).expect(404);
    });

    it("cannot revoke another user's token (404, as for a missing one)", async () => {
      const owner = await signUp(url);
      const other = await signUp(url);
      const t = await request(url).post('/api/auth/tokens').set('Authorization', `Bearer ${owner.token}`).send({ name: 'mine' }).expect(201);
      await request(url).delete(`/api/auth/tokens/${t.body.id}`).set('Authorization', `Bearer ${other.token}`).expect(404);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${t.body.token}`).expect(200);
    });
  });

  describe('profile', () => {
    it('edits display name, status, username and email, and refuses taken ones', async () => {
      const s = await signUp(url);
      const taken = await signUp(url);
      const auth = { Authorization: `Bearer ${s.token}` };
      const ok = await request(url)
        .patch('/api/users/me')
        .set(auth)
        .send({ displayName: '  Grace Hopper ', statusText: 'Debugging', username: s.user.username + '.x', email: 'NEW.' + s.user.email })
        .expect(200);
      expect(ok.body).toMatchObject({ displayName: 'Grace Hopper', statusText: 'Debugging', username: s.user.username + '.x', email: 'new.' + s.user.email });
      await request(url).patch('/api/users/me').set(auth).send({ username: taken.user.username.toUpperCase() }).expect(409);
      await request(url).patch('/api/users/me').set(auth).send({ email: taken.user.email }).expect(409);
      const long = await request(url).patch('/api/users/me').set(auth).send({ statusText: 'x'.repeat(141) }).expect(400);
      expect(long.body.details[0]).toEqual({ field: 'statusText', message: 'statusText must be at most 140 characters' });
      const me = await request(url).get('/api/users/me').set(auth).expect(200);
      expect(me.body.username).toBe(s.user.username + '.x');
    });

    it('changes the password, ending the other sessions but not this one', async () => {
      const data = makeUser();
      const a = await signUp(url, data);
      const b = await signIn(url, data.username, data.password);
      const wrong = await a.agent.put('/api/users/me/password').set(CSRF_HEADER, a.csrf).send({ currentPassword: 'wrong wrong wrong', newPassword: 'amber falcon tide mirror' }).expect(400);
      expect(wrong.body.details).toEqual([{ field: 'currentPassword', message: 'Current password is incorrect' }]);
      const weak = await a.agent.put('/api/users/me/password').set(CSRF_HEADER, a.csrf).send({ currentPassword: data.password, newPassword: 'password1234' }).expect(400);
      expect(weak.body.code).toBe(ErrorCode.WeakPassword);
      expect(weak.body.details[0].field).toBe('newPassword');

      await a.agent.put('/api/users/me/password').set(CSRF_HEADER, a.csrf).send({ currentPassword: data.password, newPassword: 'amber falcon tide mirror' }).expect(204);
      await a.agent.get('/api/auth/me').expect(200);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${b.token}`).expect(401);
      await request(url).post('/api/auth/login').send({ login: data.username, password: data.password }).expect(401);
      await request(url).post('/api/auth/login').send({ login: data.username, password: 'amber falcon tide mirror' }).expect(200);
    });
  });

  describe('directory', () => {
    it('searches users by name, paginates, and never exposes secrets', async () => {
      const tag = `dir${Date.now().toString(36)}`;
      for (let i = 0; i < 3; i++) await register(url, makeUser({ username: `${tag}.${i}`, displayName: `Dir ${tag} ${i}` }));
      const page1 = await admin.agent.get(`/api/users?q=${tag}&pageSize=2`).expect(200);
      const body = page1.body as Page<PublicUser>;
      expect(body.total).toBe(3);
      expect(body.items.map((u) => u.username)).toEqual([`${tag}.0`, `${tag}.1`]);
      const page2 = await admin.agent.get(`/api/users?q=${tag}&pageSize=2&page=2`).expect(200);
      expect(page2.body.items.map((u: PublicUser) => u.username)).toEqual([`${tag}.2`]);
      expect(JSON.stringify(page1.body)).not.toMatch(SECRET_SHAPES);
      expect(page1.body.items[0]).not.toHaveProperty('email');
      // LIKE wildcards are searched literally.
      const wild = await admin.agent.get('/api/users?q=%25').expect(200);
      expect(wild.body.total).toBe(0);
      const one = await admin.agent.get(`/api/users/${body.items[0].id}`).expect(200);
      expect(one.body.username).toBe(`${tag}.0`);
    });

    it('matches an email address only when it is typed in full, so addresses cannot be guessed letter by letter', async () => {
      const tag = `mail${Date.now().toString(36)}`;
      const data = makeUser({ username: `${tag}.person`, displayName: 'Quiet Person', email: `${tag}.secret@hidden.example` });
      await register(url, data);
      const someone = await signUp(url);
      const find = async (q: string) => ((await someone.agent.get(`/api/users?q=${encodeURIComponent(q)}`).expect(200)).body as Page<PublicUser>).items.map((u) => u.username);
      expect(await find(`${tag}.secret`)).toEqual([]);
      expect(await find('hidden.example')).toEqual([]);
      expect(await find(`${tag}.secret@hidden.exampl`)).toEqual([]);
      expect(await find(`${tag}.SECRET@hidden.example`)).toEqual([data.username]);
      expect(await find(`${tag}.pers`)).toEqual([data.username]);
      expect(await find('quiet pers')).toContain(data.username);
      // Admins see every address, so their user list matches parts of it.
      const admins = await admin.agent.get(`/api/admin/users?q=${tag}.secret`).expect(200);
      expect(admins.body.items.map((u: PublicUser) => u.username)).toEqual([data.username]);
    });

    it.each([
      ['pageSize too large', '/api/users?pageSize=1000', 'pageSize'],
      ['page not a number', '/api/users?page=abc', 'page'],
      ['unknown query field', '/api/users?admin=true', 'admin'],
      ['repeated q', '/api/users?q=a&q=b', 'q'],
    ])('answers 400 for %s', async (_l, path, field) => {
      const res = await admin.agent.get(path).expect(400);
      expect(res.body.details?.[0]?.field ?? res.body.message).toContain(field);
    });
  });

  describe('administration', () => {
    it('lets an admin deactivate a user (sessions end at once, sign-in refused) and reactivate them', async () => {
      const data = makeUser();
      const victim = await signUp(url, data);
      const pat = await victim.agent.post('/api/auth/tokens').set(CSRF_HEADER, victim.csrf).send({ name: 'bot' }).expect(201);
      await victim.agent.get('/api/admin/users').expect(403);
      await victim.agent.post(`/api/admin/users/${admin.user.id}/deactivate`).set(CSRF_HEADER, victim.csrf).expect(403);

      const res = await admin.agent.post(`/api/admin/users/${victim.user.id}/deactivate`).set(CSRF_HEADER, admin.csrf).expect(200);
      expect(res.body).toMatchObject({ id: victim.user.id, active: false });
      await victim.agent.get('/api/auth/me').expect(401);
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${pat.body.token}`).expect(401);
      const login = await request(url).post('/api/auth/login').send({ login: data.username, password: data.password }).expect(403);
      expect(login.body.code).toBe(ErrorCode.AccountDeactivated);
      const dir = await admin.agent.get(`/api/users?q=${data.username}`).expect(200);
      expect(dir.body.total).toBe(0);
      const list = await admin.agent.get(`/api/admin/users?q=${data.username}`).expect(200);
      expect(list.body.items[0]).toMatchObject({ username: data.username, active: false });

      await admin.agent.post(`/api/admin/users/${victim.user.id}/reactivate`).set(CSRF_HEADER, admin.csrf).expect(200);
      const back = await signIn(url, data.username, data.password);
      // Deactivation revoked the access token for good: reactivating does not bring it back.
      await request(url).get('/api/auth/me').set('Authorization', `Bearer ${pat.body.token}`).expect(401);
      expect((await back.agent.get('/api/auth/tokens').expect(200)).body).toEqual([]);
    });

    it('refuses to let an admin deactivate themselves, and 404s an unknown user', async () => {
      await admin.agent.post(`/api/admin/users/${admin.user.id}/deactivate`).set(CSRF_HEADER, admin.csrf).expect(400);
      await admin.agent.post('/api/admin/users/00000000-0000-4000-8000-000000000000/deactivate').set(CSRF_HEADER, admin.csrf).expect(404);
    });
  });

  describe('bad input', () => {
    it.each([
      ['malformed JSON', (r: request.Test) => r.set('Content-Type', 'application/json').send('{"username": '), 400, /Malformed JSON/],
      ['a JSON array', (r: request.Test) => r.send([1, 2]), 400, /JSON object/],
      ['a JSON string', (r: request.Test) => r.set('Content-Type', 'application/json').send('"hello"'), 400, /Malformed JSON|JSON object/],
      ['JSON null', (r: request.Test) => r.set('Content-Type', 'application/json').send('null'), 400, /Malformed JSON|JSON object/],
      ['no body at all', (r: request.Test) => r, 400, /JSON object/],
      ['form encoding', (r: request.Test) => r.type('form').send('username=abc'), 400, /JSON object/],
      ['an oversize body', (r: request.Test) => r.send({ ...makeUser(), displayName: 'x'.repeat(200_000) }), 413, /too large/],
      ['an unknown field', (r: request.Test) => r.send({ ...makeUser(), role: 'admin' }), 400, /role is not a known field/],
      ['a nested object where text is expected', (r: request.Test) => r.send({ ...makeUser(), email: { $gt: '' } }), 400, /email must be/],
    ])('answers %s on register with the one error shape', async (_label, shape, status, message) => {
      const res = await shape(request(url).post('/api/auth/register'));
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message), code: expect.any(String) }));
    });

    it.each(['null', 'undefined', '123', 'not-a-uuid'])('answers 400 for the id %s', async (id) => {
      const res = await admin.agent.get(`/api/users/${id}`).expect(400);
      expect(res.body).toMatchObject({ message: 'id must be a UUID', code: ErrorCode.ValidationFailed });
      await admin.agent.delete(`/api/auth/tokens/${id}`).set(CSRF_HEADER, admin.csrf).expect(400);
    });

    it('answers 404 in the same shape for an unknown route and an unknown user', async () => {
      const route = await request(url).get('/api/nothing-here').expect(404);
      expect(route.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: ErrorCode.NotFound });
      const user = await admin.agent.get('/api/users/00000000-0000-4000-8000-000000000000').expect(404);
      expect(user.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'User not found', code: ErrorCode.NotFound });
    });

    it('keeps serving after all of the above', async () => {
      await request(url).get('/api/health').expect(200);
    });
  });
});
