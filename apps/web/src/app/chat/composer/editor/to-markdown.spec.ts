/**
 * The composer's document ↔ message body, in a real browser: the harness (schema, serializer, renderer) is bundled
 * with esbuild and run in headless Chromium, and every body is read back the way a reader's app reads it
 * (renderMarkdown) and parsed by the editor's schema, as the composer does when a message is edited.
 */
import type { harness as Harness } from './testing/editor-harness';
import { HarnessPage, openHarnessPage } from './testing/harness-page.spec-support';

type H = typeof Harness;
type Json = Record<string, unknown>;

let harness: HarnessPage;
let page: HarnessPage['page'];
let call: HarnessPage['call'];

beforeAll(async () => {
  harness = await openHarnessPage();
  ({ page, call } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

// Small document builders.
const text = (t: string, ...marks: Json[]): Json => (marks.length ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const mark = (type: string, attrs?: Json): Json => (attrs ? { type, attrs } : { type });
const p = (...content: Json[]): Json => (content.length ? { type: 'paragraph', content } : { type: 'paragraph' });
const doc = (...content: Json[]): Json => ({ type: 'doc', content });
const br = (): Json => ({ type: 'hardBreak' });
const li = (...content: Json[]): Json => ({ type: 'listItem', content });
const bullets = (...items: Json[]): Json => ({ type: 'bulletList', content: items });
const numbers = (start: number, ...items: Json[]): Json => ({ type: 'orderedList', attrs: { start }, content: items });
const quote = (...content: Json[]): Json => ({ type: 'blockquote', content });
const heading = (level: number, ...content: Json[]): Json => ({ type: 'heading', attrs: { level }, content });
const codeBlock = (code: string): Json => ({ type: 'codeBlock', content: code ? [text(code)] : [] });

describe('bodies the toolbar writes survive a trip through the editor unchanged', () => {
  it.each([
    'Plain words, and a second clause.',
    '**bold**',
    '_italic_',
    '~~struck~~',
    '<u>underlined</u>',
    'H<sub>2</sub>O',
    'E = mc<sup>2</sup>',
    '<mark>highlighted</mark>',
    ...['red', 'orange', 'green', 'blue', 'purple', 'gray'].map((c) => `<span data-color="${c}">coloured</span>`),
    '`inline code`',
    '[a link](https://example.com/path?q=1)',
    '[mail me](mailto:ana@example.com)',
    'https://example.com/docs',
    'see www.example.com today',
    'write to ana@example.com',
    '<https://example.com/a_b>',
    '# A heading',
    '### A smaller heading',
    '- one\n- two\n- three',
    '1. one\n2. two',
    '3. three\n4. four',
    '- outer\n  - inner\n  - inner too\n- outer again',
    '1. step\n   - detail',
    '> quoted words',
    '> quoted\n\nand a paragraph after it',
    '> quote with **bold**\n>\n> and a second paragraph',
    '```\nconst x = 1;\n\nreturn x;\n```',
    '````\nhas ``` inside\n````',
    '- item\n\n  ```\n  code in a list\n  ```',
    'first paragraph\n\nsecond paragraph',
    'line one\nline two',
    '**bold _and italic_ and** plain',
    '<u>**bold underlined**</u>',
    '<span data-color="blue">**bold blue**</span>',
    '<span data-color="red"><mark>red on yellow</mark></span>',
    '[**bold link**](https://example.com)',
    '[**link in bold**](https://example.com)',
    'snake_case_name stays as it is',
    'literal \\*\\*stars\\*\\* and \\_underscores\\_',
    'literal \\<u>tags\\</u> and \\<span data-color="red">spans\\</span>',
    'not a # heading:\n\\# hash',
    '\\- not a list',
    '1\\. not a list',
    '\\> not a quote',
    'Tom & Jerry, a < b, @ana, #general, :-)',
    '\\&amp; stays written out',
    'no link: https\\://example.com or www\\.example.com or ana\\@example.com',
    'a\\\\b and a trailing backslash \\\\',
    '| a | b |\n| --- | --- |\n| 1 | 2 |',
    'H<sub>**2**</sub>O with x<sup>_n_</sup>',
    'wow\\![link](https://example.com)',
    '**x**y',
    'intra<em>word</em>',
    'a<strong>(b)</strong>',
  ])('%j', async (body) => {
    expect(await call('roundTrip', body)).toBe(body);
  });
});

describe('text typed literally comes out literally', () => {
  const LITERALS = [
    '**not bold**',
    '*not italic* _nor this_',
    '~~not struck~~ ~nor this~',
    '`not code`',
    '``` not a fence',
    '<u>not underlined</u>',
    '<span data-color="red">not red</span>',
    '<sub>x</sub><sup>y</sup><mark>z</mark>',
    '<script>alert(1)</script>',
    '<!-- not a comment -->',
    '# not a heading',
    '## neither',
    '1. not a list',
    '2) nor this',
    '- not a bullet',
    '+ nor this',
    '* nor this',
    '> not a quote',
    '---',
    '***',
    '___',
    '===',
    '| a | b |',
    ':-- | --:',
    '[not](a link)',
    '![not](an image)',
    '[ref]: https://example.com',
    '[^1]',
    'https://example.com/not_linked',
    'www.example.com',
    'ana@example.com',
    '<https://example.com>',
    '&amp; &#38; &copy;',
    'a \\ b \\',
    'C:\\Users\\ana',
    '__init__ and snake_case and _x_',
    'foo*bar*baz',
    '2 ** 3 = 8',
    '    four spaces',
    'emoji 😀 **between** 🎉',
    '\\*already escaped\\*',
    '#general and @ana and +1',
    'ends with a hash #',
  ];

  it.each(LITERALS)('%j', async (literal) => {
    const result = await call('reparse', doc(p(text(literal))));
    expect(result.doc).toEqual(await call('docFor', result.body));
    const expected = literal.trim().replace(/\s+/g, ' ');
    expect(result.doc).toEqual(doc(p(text(expected))));
    // No formatting element: only the paragraph around the text.
    expect(result.html).toMatch(/^<p>[^<]*<\/p>\s*$/);
  });

  it('at the start of every line and paragraph too', async () => {
    const trimmed = LITERALS.map((l) => l.trim());
    const lines = trimmed.flatMap((l) => [text(l), br()]).slice(0, -1);
    const input = doc(p(...lines), ...trimmed.map((l) => p(text(l))));
    const result = await call('reparse', input);
    expect(result.doc).toEqual(result.expected);
  });
});

describe('formatting survives document → body → document', () => {
  const bold = mark('bold');
  const italic = mark('italic');
  const link = (href: string) => mark('link', { href });

  it.each<[string, Json, string]>([
    ['bold then italic', doc(p(text('a', bold), text('b', italic))), '**a**_b_'],
    ['bold inside a word', doc(p(text('in'), text('side', bold), text('out'))), 'in**side**out'],
    ['italic inside a word uses the tag', doc(p(text('snake'), text('case', italic), text('d'))), 'snake<em>case</em>d'],
    ['bold around punctuation next to a letter', doc(p(text('x'), text('(a)', bold))), 'x<strong>(a)</strong>'],
    ['whitespace moves out of bold', doc(p(text('a '), text('b ', bold), text('c'))), 'a **b** c'],
    ['underline keeps its space', doc(p(text('a'), text(' b', mark('underline')))), 'a<u> b</u>'],
    ['a link inside bold and out', doc(p(text('a', bold, link('https://x.io')), text('b', link('https://x.io')))), '[**a**b](https://x.io)'],
    ['a link whose text is its address', doc(p(text('go '), text('https://x.io/a', link('https://x.io/a')), text(' now'))), 'go https://x.io/a now'],
    ['an address glued to text', doc(p(text('(', bold), text('https://x.io', link('https://x.io')), text(')'))), '**(**<https://x.io>)'],
    ['parentheses in an address', doc(p(text('wiki', link('https://x.io/A_(b)')))), '[wiki](<https://x.io/A_(b)>)'],
    ['code with backticks', doc(p(text('a`b', mark('code')))), '``a`b``'],
    ['code that starts with a backtick', doc(p(text('x '), text('`tick', mark('code')))), 'x `` `tick ``'],
    ['code with three backticks at a line start', doc(p(text('``x```', mark('code')))), '<code>\\`\\`x\\`\\`\\`</code>'],
    ['two empty lines inside a paragraph', doc(p(text('a'), br(), br(), text('b'))), 'a<br>\nb'],
    ['a line break in a heading', doc(heading(2, text('a'), br(), text('b'))), '## a<br>b'],
    ['two lists in a row stay two lists', doc(bullets(li(p(text('a')))), bullets(li(p(text('b'))))), '- a\n\n* b'],
    ['two numbered lists in a row', doc(numbers(1, li(p(text('a')))), numbers(1, li(p(text('b'))))), '1. a\n\n1) b'],
    ['a quote then a paragraph', doc(quote(p(text('q'))), p(text('after'))), '> q\n\nafter'],
    ['a list item with two paragraphs', doc(bullets(li(p(text('a')), p(text('b'))), li(p(text('c'))))), '- a\n\n  b\n- c'],
    ['a code block in a quote', doc(quote(codeBlock('x\ny'))), '> ```\n> x\n> y\n> ```'],
    ['an empty code block', doc(codeBlock('')), '```\n```'],
    ['empty paragraphs are dropped', doc(p(), p(text('a')), p(), p(), p(text('b')), p()), 'a\n\nb'],
  ])('%s', async (_name, input, body) => {
    const result = await call('reparse', input);
    expect(result.body).toBe(body);
    expect(result.doc).toEqual(await call('docFor', body));
  });

  it('keeps everything it can show, whatever the marks and the text (random documents)', async () => {
    const failures = await page.evaluate(fuzz, 2000);
    expect(failures).toEqual([]);
  }, 60_000);
});

/** Runs in the page: random paragraphs of tricky text under random marks must come back as they were. */
function fuzz(count: number): { body: string; expected: unknown; got: unknown }[] {
  const h = (window as unknown as { harness: H }).harness;
  let seed = 20241204;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const WORDS = ['a', 'word', 'x_y', '_', '*', '**', '~', '`', '[', ']', '(', ')', '<u>', '</span>', '&amp;', '\\', '#', '!', ':', '//', 'https://x.io', 'www.y.io', 'a@b.co', '1.', '-', '|', '>', '😀', 'é', '.', ',', '"', "'", '=', '+'];
  const MARKS = ['bold', 'italic', 'strike', 'underline', 'subscript', 'superscript', 'highlight', 'textColor', 'link'];
  const COLORS = ['red', 'blue', 'gray'];
  const HREFS = ['https://example.com/a', 'https://x.io/A_(b)', 'mailto:ana@example.com', 'https://x.io/q?a=1&b=2'];
  const markJson = (name: string) => {
    if (name === 'textColor') return { type: name, attrs: { color: pick(COLORS) } };
    if (name === 'link') return { type: name, attrs: { href: pick(HREFS) } };
    return { type: name };
  };
  const failures: { body: string; expected: unknown; got: unknown }[] = [];
  for (let n = 0; n < count && failures.length < 5; n++) {
    const segments: { text: string; marks: { type: string; attrs?: unknown }[] }[] = [];
    const length = 1 + Math.floor(random() * 6);
    for (let i = 0; i < length; i++) {
      const textRun = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(WORDS)).join(random() < 0.3 ? ' ' : '');
      if (random() < 0.12) {
        segments.push({ text: textRun, marks: [{ type: 'code' }] });
        continue;
      }
      const marks = MARKS.filter(() => random() < 0.25).map(markJson);
      segments.push({ text: textRun, marks });
    }
    // Whitespace only inside a run of text (edges are trimmed and move out of bold and italic, by design).
    const content = segments.map((s) => (s.marks.length ? { type: 'text', text: s.text, marks: s.marks } : { type: 'text', text: s.text }));
    const input = { type: 'doc', content: [{ type: 'paragraph', content }] };
    let result: ReturnType<H['reparse']>;
    try {
      result = h.reparse(input);
    } catch (error) {
      failures.push({ body: String(error), expected: input, got: null });
      continue;
    }
    if (JSON.stringify(result.doc) !== JSON.stringify(result.expected)) failures.push({ body: result.body, expected: result.expected, got: result.doc });
  }
  return failures;
}
