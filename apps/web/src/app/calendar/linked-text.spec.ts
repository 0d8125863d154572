import { linkParts } from './linked-text';

describe('links in an event location or description', () => {
  it('makes http and https addresses clickable, without the sentence punctuation after them', () => {
    expect(linkParts('Call: https://meet.example.org/abc-123. Or room 4')).toEqual([
      { text: 'Call: ', href: null },
      { text: 'https://meet.example.org/abc-123', href: 'https://meet.example.org/abc-123' },
      { text: '. Or room 4', href: null },
    ]);
    expect(linkParts('http://x.org')).toEqual([{ text: 'http://x.org', href: 'http://x.org' }]);
  });

  it('leaves anything else as text', () => {
    expect(linkParts('javascript:alert(1)')).toEqual([{ text: 'javascript:alert(1)', href: null }]);
    expect(linkParts('<a href="data:text/html,x">x</a>')).toEqual([{ text: '<a href="data:text/html,x">x</a>', href: null }]);
    expect(linkParts('Room 4, 2nd floor')).toEqual([{ text: 'Room 4, 2nd floor', href: null }]);
  });
});
