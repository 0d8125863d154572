import { HttpClient } from '@angular/common/http';
import { Injector } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PUBLIC_ROOMS_PAGE_SIZE, RoomsApi } from './rooms-api';
import { Sent, recordingHttp } from './testing/recording-http';

/** The REST client against the routes the API serves: method, path, body and query of each call. */
describe('RoomsApi', () => {
  let sent: Sent[];
  let api: RoomsApi;

  beforeEach(() => {
    sent = [];
    api = Injector.create({ providers: [RoomsApi, { provide: HttpClient, useValue: recordingHttp(sent) }] }).get(RoomsApi);
  });

  it.each([
    ['list', () => api.list(), { method: 'GET', url: '/api/rooms' }],
    ['get', () => api.get('r1'), { method: 'GET', url: '/api/rooms/r1' }],
    ['create', () => api.create({ kind: 'group', name: 'Team', memberIds: ['u1'] }), { method: 'POST', url: '/api/rooms', body: { kind: 'group', name: 'Team', memberIds: ['u1'] } }],
    ['direct', () => api.direct('u2'), { method: 'POST', url: '/api/rooms/direct', body: { userId: 'u2' } }],
    ['update', () => api.update('r1', { topic: 'New' }), { method: 'PATCH', url: '/api/rooms/r1', body: { topic: 'New' } }],
    ['join', () => api.join('r1'), { method: 'POST', url: '/api/rooms/r1/join', body: null }],
    ['leave', () => api.leave('r1'), { method: 'POST', url: '/api/rooms/r1/leave', body: null }],
    ['members', () => api.members('r1'), { method: 'GET', url: '/api/rooms/r1/members' }],
    ['addMember', () => api.addMember('r1', 'u2'), { method: 'POST', url: '/api/rooms/r1/members', body: { userId: 'u2' } }],
    ['removeMember', () => api.removeMember('r1', 'u2'), { method: 'DELETE', url: '/api/rooms/r1/members/u2' }],
    ['setRole', () => api.setRole('r1', 'u2', 'admin'), { method: 'PATCH', url: '/api/rooms/r1/members/u2', body: { role: 'admin' } }],
    ['transfer', () => api.transfer('r1', 'u2'), { method: 'POST', url: '/api/rooms/r1/transfer', body: { userId: 'u2' } }],
    ['archive', () => api.archive('r1'), { method: 'POST', url: '/api/rooms/r1/archive', body: null }],
    ['unarchive', () => api.unarchive('r1'), { method: 'POST', url: '/api/rooms/r1/unarchive', body: null }],
    ['createInvite', () => api.createInvite('r1', { ttlHours: 24, maxUses: 5 }), { method: 'POST', url: '/api/rooms/r1/invites', body: { ttlHours: 24, maxUses: 5 } }],
    ['revokeInvite', () => api.revokeInvite('r1', 'abc'), { method: 'DELETE', url: '/api/rooms/r1/invites/abc' }],
    ['previewInvite', () => api.previewInvite('abc_DEF-123'), { method: 'GET', url: '/api/invites/abc_DEF-123' }],
    ['joinInvite', () => api.joinInvite('abc_DEF-123'), { method: 'POST', url: '/api/invites/abc_DEF-123/join', body: null }],
  ] as const)('%s', async (_name, run, expected) => {
    expect(await firstValueFrom((run as () => Observable<unknown>)())).toEqual({ ok: true });
    expect(sent).toEqual([expected]);
  });

  it('asks the public directory for a trimmed search and a page', async () => {
    await firstValueFrom(api.publicRooms('  design  ', 2));
    await firstValueFrom(api.publicRooms('', 1));
    expect(sent.map((s) => `${s.url}?${s.query}`)).toEqual([
      `/api/rooms/public?page=2&pageSize=${PUBLIC_ROOMS_PAGE_SIZE}&q=design`,
      `/api/rooms/public?page=1&pageSize=${PUBLIC_ROOMS_PAGE_SIZE}`,
    ]);
  });

  it('escapes ids and codes in paths', async () => {
    await firstValueFrom(api.joinInvite('a/b?c'));
    await firstValueFrom(api.removeMember('r/1', 'u#2'));
    expect(sent.map((s) => s.url)).toEqual(['/api/invites/a%2Fb%3Fc/join', '/api/rooms/r%2F1/members/u%232']);
  });
});
