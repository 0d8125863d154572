import { findMatches, normalise, normaliseQuery, queryGrams, snippetOf, textGrams } from '@parley/contracts';

describe('search text (the normalisation shared by the index and the queries)', () => {
  it('ignores case, accents, compatibility forms and runs of white space', () => {
    expect(normalise('Café  CRÈME\tBrûlée')).toBe('cafe creme brulee');
    expect(normalise('ＡＢＣ ﬁle')).toBe('abc file');
    expect(normalise('Hello   World')).toBe(normalise('hello world'));
  });

  it('asks for 3 characters, or 2 Chinese, Japanese or Korean ones', () => {
    expect(normaliseQuery('ab')).toEqual({ tooShort: true });
    expect(normaliseQuery('  ab  ')).toEqual({ tooShort: true });
    expect(normaliseQuery('ABC')).toEqual({ text: 'abc' });
    expect(normaliseQuery('東京')).toEqual({ text: '東京' });
    expect(normaliseQuery('한국')).toEqual({ text: '한국' });
    expect(normaliseQuery('a東')).toEqual({ tooShort: true });
    // Voicing marks and Hangul syllables are letters, not accents; half-width kana are the full-width ones.
    expect(normalise('ダワー')).not.toBe(normalise('タワー'));
    expect(normalise('ﾀﾜｰ')).toBe(normalise('タワー'));
  });

  it('indexes every trigram and every CJK bigram, so any query substring has all its grams in the text', () => {
    const grams = textGrams(normalise('東京タワー is tall'));
    for (const q of ['東京', 'タワ', '京タワ', 'tall', 's t']) {
      for (const g of queryGrams(normalise(q))) expect(grams.has(g)).toBe(true);
    }
    expect(grams.has(queryGrams('京都')[0])).toBe(false);
  });

  it('takes every run of three characters of a text, ASCII or not, and nothing else', () => {
    const every = (t: string) => {
      const chars = Array.from(t);
      return new Set(chars.slice(2).map((_, i) => `3${chars[i]}${chars[i + 1]}${chars[i + 2]}`));
    };
    for (const t of ['the quick brown fox', 'ab', '', 'a b c', 'naïve café', 'smile 😀 now']) expect(textGrams(normalise(t))).toEqual(every(normalise(t)));
    // Grams add to the set given, so a message's file names join its text's.
    expect([...textGrams('abcd', new Set(['3xyz']))]).toEqual(['3xyz', '3abc', '3bcd']);
  });

  it('finds matches in the original text, whatever the accents, and marks them there', () => {
    const text = 'Un café, deux CAFÉS et un cafe';
    expect(findMatches(text, 'cafe').map((m) => text.slice(m.start, m.end))).toEqual(['café', 'CAFÉ', 'cafe']);
    const decomposed = 'cafe\u0301 noir';
    expect(findMatches(decomposed, 'cafe n').map((m) => decomposed.slice(m.start, m.end))).toEqual(['cafe\u0301 n']);
    expect(findMatches('🎉 party 🎉', 'party')).toEqual([{ start: 3, end: 8 }]);
  });

  it('cuts long texts around the first match and keeps the highlights on it', () => {
    const text = `${'lorem ipsum '.repeat(30)}the needle is here ${'dolor sit '.repeat(30)}`;
    const snippet = snippetOf(text, findMatches(text, 'needle'));
    expect(snippet.text.length).toBeLessThanOrEqual(162);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))).toEqual(['needle']);
    expect(snippetOf('short one', [{ start: 0, end: 5 }])).toEqual({ text: 'short one', highlights: [{ start: 0, end: 5 }] });
  });
});
