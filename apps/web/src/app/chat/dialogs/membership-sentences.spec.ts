import { AddMemberResult, PublicUser } from '@parley/contracts';
import { addedSentence, createdSentences, nameList } from './membership-sentences';

const bob: PublicUser = { id: 'u-bob', username: 'bob', displayName: 'Bob Berg', statusText: '', avatarUrl: '/api/users/u-bob/avatar', createdAt: '2026-01-01T00:00:00.000Z' };
const result = (outcome: AddMemberResult['outcome']): AddMemberResult => ({ outcome, member: null, invitation: null });

describe('what adding people did, in words', () => {
  it('lists names as a person would', () => {
    expect(nameList([])).toBe('');
    expect(nameList(['Ana'])).toBe('Ana');
    expect(nameList(['Ana', 'Bo'])).toBe('Ana and Bo');
    expect(nameList(['Ana', 'Bo', 'Cy'])).toBe('Ana, Bo and Cy');
  });

  it('says whether someone was added, was in already, or was only invited', () => {
    expect(addedSentence(bob, result('added'))).toBe('Bob Berg was added.');
    expect(addedSentence(bob, result('already_member'))).toBe('Bob Berg is already a member.');
    expect(addedSentence(bob, result('invited'))).toBe('Bob Berg was invited; they join when they accept.');
  });

  it('tells who joined a new room and who was invited instead', () => {
    expect(createdSentences(['Cy'], ['Bob', 'Dee'], 2)).toEqual(['Cy was added.', 'Bob and Dee were invited; they join when they accept.']);
    expect(createdSentences([], ['Bob'], 1)).toEqual(['Bob was invited; they join when they accept.']);
    expect(createdSentences(['Cy', 'Eve'], [], 0)).toEqual(['Cy and Eve were added.']);
    // The server could not be asked who: how many, then.
    expect(createdSentences([], null, 1)).toEqual(['1 person was invited; they join when they accept.']);
    expect(createdSentences([], null, 3)).toEqual(['3 people were invited; they join when they accept.']);
  });
});
