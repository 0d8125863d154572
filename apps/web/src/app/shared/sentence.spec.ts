import { sentence } from './sentence';

describe('sentence', () => {
  it('adds the full stop a sentence lacks', () => {
    expect(sentence('Friend request sent to Ada Lovelace')).toBe('Friend request sent to Ada Lovelace.');
  });

  it('adds none after a name that ends with its own full stop, or with other closing punctuation', () => {
    expect(sentence('Friend request sent to Ada L.')).toBe('Friend request sent to Ada L.');
    expect(sentence('Friend request sent to Yahoo!')).toBe('Friend request sent to Yahoo!');
    expect(sentence('Friend request sent to Who?')).toBe('Friend request sent to Who?');
    expect(sentence('Friend request sent to Ada…')).toBe('Friend request sent to Ada…');
  });
});
