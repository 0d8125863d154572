import { Injector, signal } from '@angular/core';
import { Page, Person, PublicUser, UserSearchQuery } from '@parley/contracts';
import { Observable, of } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { PeopleApi } from '../core/people-api';
import { Relation } from './friends-state';
import { FriendsStore } from './friends-store';
import { MessageAccess } from './message-access';

// The friends store (a stand-in here) reaches the chat's Markdown renderer, which needs a DOM; nothing here renders.
jest.mock('../chat/message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const user = (id: string): PublicUser => ({ id, username: `user.${id}`, displayName: `User ${id}`, statusText: '', avatarUrl: `/api/users/${id}/avatar`, createdAt: '2026-01-01T00:00:00.000Z' });
const person = (id: string, relation: Person['relation'], canMessage: boolean): Person => ({ user: user(id), relation, canMessage });

/** MessageAccess with the friends store, the signed-in user and the directory as stand-ins. */
function harness() {
  const me = signal<{ id: string } | null>({ id: 'me' });
  const loaded = signal(false);
  const relations = signal<Record<string, Relation['kind']>>({});
  const searches: UserSearchQuery[] = [];
  let directory: Person[] = [];
  const injector = Injector.create({
    providers: [
      MessageAccess,
      { provide: AuthStore, useValue: { user: me } },
      { provide: FriendsStore, useValue: { loaded, relationTo: (id: string) => ({ kind: relations()[id] ?? 'none' }) } },
      {
        provide: PeopleApi,
        useValue: {
          search: (query: UserSearchQuery): Observable<Page<Person>> => {
            searches.push(query);
            return of({ items: directory, total: directory.length, page: 1, pageSize: 100 });
          },
        },
      },
    ],
  });
  return {
    access: injector.get(MessageAccess),
    me,
    loaded,
    relations,
    searches,
    answer: (people: Person[]) => (directory = people),
  };
}

describe('MessageAccess', () => {
  it('knows from a search whom the server lets you message', () => {
    const { access } = harness();
    access.remember([person('friend', 'friend', true), person('stranger', 'none', false), person('open', 'none', true), person('asked', 'request_sent', false)]);
    expect(['friend', 'stranger', 'open', 'asked', 'unknown'].map((id) => access.canMessage(id))).toEqual([true, false, true, false, null]);
    expect(access.canMessage('me')).toBe(false);
  });

  it('follows the friends store as things change, and does not trust an answer given before the change', () => {
    const { access, loaded, relations } = harness();
    access.remember([person('bo', 'none', false), person('cy', 'friend', true)]);
    loaded.set(true);
    relations.set({ bo: 'friend', cy: 'none' });
    expect(access.canMessage('bo')).toBe(true);
    // No longer friends: whether Cy may be messaged is the server's to say again.
    expect(access.canMessage('cy')).toBeNull();
    relations.set({ bo: 'blocked', cy: 'none' });
    expect(access.canMessage('bo')).toBe(false);
  });

  it('asks the directory for one person by username, once for where you stand with them', async () => {
    const { access, searches, answer, loaded, relations } = harness();
    loaded.set(true);
    relations.set({ dee: 'outgoing' });
    answer([person('dee', 'request_sent', false), person('deela', 'none', false)]);
    await access.lookUp(user('dee'));
    expect(searches).toEqual([{ q: 'user.dee', pageSize: 100 }]);
    expect(access.canMessage('dee')).toBe(false);
    await access.lookUp(user('dee'));
    expect(searches).toHaveLength(1);

    // Someone the search cannot single out is not asked for again and again.
    answer([]);
    await access.lookUp(user('zed'));
    await access.lookUp(user('zed'));
    expect(searches).toHaveLength(2);
    expect(access.canMessage('zed')).toBeNull();
  });

  it("never uses what was learned while someone else was signed in", () => {
    const { access, me } = harness();
    access.remember([person('bo', 'none', true)]);
    me.set({ id: 'other' });
    expect(access.canMessage('bo')).toBeNull();
  });
});
