import { plainTextPreview, withoutMarks } from '@parley/contracts';

describe('plainTextPreview', () => {
  it.each([
    ['**bold**, _em_, ~~gone~~ and `code`', 'bold, em, gone and code'],
    ['# Heading\n> quoted\n- item one\n- [x] done', 'Heading quoted item one done'],
    ['see [the docs](https://example.com/docs) ![a cat](cat.png)', 'see the docs a cat'],
    ['<script>alert(1)</script><b>hi</b> &amp; bye', 'alert(1) hi & bye'],
    ['```ts\nconst x = 1;\n```', 'const x = 1;'],
    ['snake_case_name and 2 * 3 * 4 and a < b > c', 'snake_case_name and 2 * 3 * 4 and a < b > c'],
    ['  lots   of\n\n\nspace  ', 'lots of space'],
    // What the web composer writes for text typed literally: backslash escapes show the character itself.
    ['Use 2 \\* 3 or 2 \\*\\* 3, write \\<u>x\\</u> and \\_y\\_', 'Use 2 * 3 or 2 ** 3, write <u>x</u> and _y_'],
    ['\\# not a heading, \\[not a link\\](x), https\\://example.com and a\\\\b', '# not a heading, [not a link](x), https://example.com and a\\b'],
  ])('turns %j into plain text', (body, text) => {
    expect(plainTextPreview(body)).toBe(text);
  });

  it('gives what every rule gives, for text with and without marks (random texts)', () => {
    const alphabet = ['a', 'B', '7', ' ', '  ', '\n', '\t', '.', ')', '-', '+', ':', '(', ']', '!', '*', '_', '`', '[', '#', '>', '&', '\\', '1. ', '- ', '\u00e9', '😀', '\ue02a'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 5000; n++) {
      const body = Array.from({ length: Math.floor(next() * 30) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(plainTextPreview(body, 1000)).toBe(withoutMarks(body));
    }
  });

  it('cuts long text to the limit with an ellipsis, never splitting an emoji', () => {
    const cut = plainTextPreview('😀'.repeat(200), 140);
    expect(Array.from(cut)).toHaveLength(140);
    expect(cut.endsWith('😀…')).toBe(true);
    expect(plainTextPreview('short', 140)).toBe('short');
  });
});
