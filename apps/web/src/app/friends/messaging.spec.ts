import { canMessageNow, offerFor, relationKindOf } from './messaging';

describe('who may be messaged', () => {
  it("reads GET /api/people's relations in the friends store's words", () => {
    expect(['self', 'friend', 'request_sent', 'request_received', 'blocked', 'none'].map((r) => relationKindOf(r as never))).toEqual([
      'self',
      'friend',
      'outgoing',
      'incoming',
      'blocked',
      'none',
    ]);
  });

  it('never yourself or someone you blocked, always a friend, whatever a search said earlier', () => {
    expect(canMessageNow('self', undefined)).toBe(false);
    expect(canMessageNow('blocked', { relation: 'none', canMessage: true })).toBe(false);
    expect(canMessageNow('friend', undefined)).toBe(true);
    expect(canMessageNow('friend', { relation: 'none', canMessage: false })).toBe(true);
  });

  it("anyone else as the server said, while nothing has changed between you since; otherwise it is not known", () => {
    // DM_POLICY=anyone: a stranger may be messaged; DM_POLICY=friends (or a block on their side): not.
    expect(canMessageNow('none', { relation: 'none', canMessage: true })).toBe(true);
    expect(canMessageNow('none', { relation: 'none', canMessage: false })).toBe(false);
    expect(canMessageNow('outgoing', { relation: 'outgoing', canMessage: false })).toBe(false);
    // A request sent since the search, or a friendship that ended: ask again.
    expect(canMessageNow('outgoing', { relation: 'none', canMessage: false })).toBeNull();
    expect(canMessageNow('none', { relation: 'friend', canMessage: true })).toBeNull();
    expect(canMessageNow('incoming', undefined)).toBeNull();
  });
});

describe('what a people search offers', () => {
  it('to start a conversation: the conversation where it will open, otherwise the step towards it', () => {
    expect(offerFor('message', 'friend', true)).toBe('message');
    expect(offerFor('message', 'none', true)).toBe('message');
    expect(offerFor('message', 'none', false)).toBe('add-friend');
    expect(offerFor('message', 'none', null)).toBe('add-friend');
    expect(offerFor('message', 'outgoing', false)).toBe('request-sent');
    expect(offerFor('message', 'incoming', false)).toBe('accept-request');
    expect(offerFor('message', 'blocked', false)).toBe('blocked');
    expect(offerFor('message', 'self', false)).toBe('self');
  });

  it('to bring people into a room: add whom you may message, invite the others, nobody you blocked', () => {
    expect(offerFor('add', 'friend', true)).toBe('add');
    expect(offerFor('add', 'none', true)).toBe('add');
    expect(offerFor('add', 'none', false)).toBe('invite');
    expect(offerFor('add', 'incoming', null)).toBe('invite');
    expect(offerFor('add', 'blocked', false)).toBe('blocked');
  });
});
