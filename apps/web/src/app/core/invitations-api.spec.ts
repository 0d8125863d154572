import { HttpClient } from '@angular/common/http';
import { Injector } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { InvitationsApi } from './invitations-api';
import { PeopleApi } from './people-api';
import { Sent, recordingHttp } from './testing/recording-http';

/** The REST clients for invitations and the people directory, against the routes the API serves. */
describe('InvitationsApi and PeopleApi', () => {
  let sent: Sent[];
  let invitations: InvitationsApi;
  let people: PeopleApi;

  beforeEach(() => {
    sent = [];
    const injector = Injector.create({ providers: [InvitationsApi, PeopleApi, { provide: HttpClient, useValue: recordingHttp(sent) }] });
    invitations = injector.get(InvitationsApi);
    people = injector.get(PeopleApi);
  });

  it.each([
    ['mine', () => invitations.mine(), { method: 'GET', url: '/api/invitations' }],
    ['accept', () => invitations.accept('i1'), { method: 'POST', url: '/api/invitations/i1/accept', body: null }],
    ['decline', () => invitations.decline('i1'), { method: 'POST', url: '/api/invitations/i1/decline', body: null }],
    ['forRoom', () => invitations.forRoom('r1'), { method: 'GET', url: '/api/rooms/r1/invitations' }],
    ['withdraw', () => invitations.withdraw('r1', 'i1'), { method: 'DELETE', url: '/api/rooms/r1/invitations/i1' }],
    ['people', () => people.search({ q: 'ada', pageSize: 20 }), { method: 'GET', url: '/api/people', query: 'q=ada&pageSize=20' }],
  ] as const)('%s', async (_name, run, expected) => {
    expect(await firstValueFrom((run as () => Observable<unknown>)())).toEqual({ ok: true });
    expect(sent).toEqual([expected]);
  });
});
