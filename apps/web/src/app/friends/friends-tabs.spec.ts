import { tabAfterKey, tabFrom } from './friends-tabs';

describe('friends page tabs', () => {
  it('opens the tab the URL names, and the friends list for anything else', () => {
    expect(tabFrom('requests')).toBe('requests');
    expect(tabFrom('find')).toBe('find');
    expect(tabFrom(undefined)).toBe('friends');
    expect(tabFrom('nonsense')).toBe('friends');
  });

  it('moves along the tabs with the arrow keys, wrapping, and to the ends with Home and End', () => {
    expect(tabAfterKey('friends', 'ArrowRight')).toBe('requests');
    expect(tabAfterKey('find', 'ArrowRight')).toBe('friends');
    expect(tabAfterKey('friends', 'ArrowLeft')).toBe('find');
    expect(tabAfterKey('blocked', 'Home')).toBe('friends');
    expect(tabAfterKey('requests', 'End')).toBe('find');
    expect(tabAfterKey('requests', 'Enter')).toBeNull();
  });
});
