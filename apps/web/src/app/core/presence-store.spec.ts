import { Injector } from '@angular/core';
import { Presence, PresenceStatus } from '@parley/contracts';
import { PeopleStore } from '../chat/people-store';
import { PresenceStore } from './presence-store';
import { Realtime } from './realtime';
import { UsersApi } from './users-api';

/** The socket's side: server events pushed by the test, and `presence:query` answered with `answer`. */
class FakeSocket {
  private readonly handlers = new Map<string, ((p: unknown) => void)[]>();
  answer: Presence[] = [];

  on(event: string, handler: (p: unknown) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  push(event: string, payload: unknown): void {
    for (const h of this.handlers.get(event) ?? []) h(payload);
  }

  async request(event: string): Promise<unknown> {
    if (event !== 'presence:query') throw new Error(`unexpected ${event}`);
    return { presence: this.answer };
  }
}

function setup() {
  const realtime = new FakeSocket();
  const injector = Injector.create({
    providers: [PresenceStore, PeopleStore, { provide: Realtime, useValue: realtime }, { provide: UsersApi, useValue: {} }],
  });
  return { realtime, presence: injector.get(PresenceStore), people: injector.get(PeopleStore) };
}

const online = (userId: string): Presence => ({ userId, status: PresenceStatus.Online, lastSeenAt: null });

describe('PresenceStore', () => {
  it('is the one presence the chat shows: an event, a friends-list entry and a query answer all land in it', async () => {
    const { realtime, presence, people } = setup();
    expect(people.presenceOf('ana')).toBe(PresenceStatus.Offline);

    realtime.push('presence', online('ana'));
    expect([presence.statusOf('ana'), people.presenceOf('ana')]).toEqual([PresenceStatus.Online, PresenceStatus.Online]);

    presence.remember([{ userId: 'bo', status: PresenceStatus.Offline, lastSeenAt: '2025-01-01T10:00:00.000Z' }]);
    expect(people.lastSeenOf('bo')).toBe('2025-01-01T10:00:00.000Z');

    realtime.answer = [{ userId: 'cy', status: PresenceStatus.Away, lastSeenAt: null }];
    await people.queryPresence(['cy']);
    expect(presence.statusOf('cy')).toBe(PresenceStatus.Away);
  });

  it('forgets everything for a new session', () => {
    const { realtime, presence, people } = setup();
    realtime.push('presence', online('ana'));
    people.reset('someone-else');
    expect(presence.statusOf('ana')).toBe(PresenceStatus.Offline);
  });
});
