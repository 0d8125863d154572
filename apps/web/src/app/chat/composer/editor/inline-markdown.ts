import type { Mark, Node } from '@tiptap/pm/model';
import { TEXT_COLORS } from '../../message-body/render-markdown';
import { codeSpan, escapeMarkdownText } from './markdown-text';

/**
 * The inline content of one paragraph, heading or list line as message Markdown (docs/messages.md): bold, italic
 * and strikethrough as `**`, `_` and `~~` where Markdown can say it unambiguously, otherwise as the equivalent
 * inline tags of the vocabulary (`<strong>`, `<em>`, `<s>`), which need no flanking rules; underline, sub/superscript,
 * highlight and colour as their tags; links as `[text](url)` or a bare URL; code as a code span; every other
 * character escaped so that it shows as typed.
 */

/** A run of text with its marks, or a code span (code excludes every other mark). */
interface Item {
  text: string;
  marks: readonly Mark[];
  code: boolean;
}

/** How one mark is written around its text. */
type Form = 'markdown' | 'html' | 'link' | 'autolink' | 'bare';

interface Pair {
  mark: Mark;
  form: Form;
  /** For a link around one plain run of text: whether that text is the address itself. */
  showsHref?: boolean;
}

type Token =
  | { kind: 'text'; item: Item; lineStart: boolean }
  | { kind: 'open' | 'close'; pair: Pair };

const DELIMITERS: Readonly<Record<string, string>> = { bold: '**', italic: '_', strike: '~~' };
const TAGS: Readonly<Record<string, string>> = {
  bold: 'strong',
  italic: 'em',
  strike: 's',
  underline: 'u',
  subscript: 'sub',
  superscript: 'sup',
  highlight: 'mark',
};
/**
 * The order marks open in when they start and end together (outermost first). Tags outside delimiters: a `**` just
 * inside a tag touches its `>`/`<`, which Markdown always accepts, instead of whatever letter is outside.
 */
const RANK = ['link', 'textColor', 'highlight', 'underline', 'subscript', 'superscript', 'bold', 'italic', 'strike'];
/** Whitespace at the edge of bold or italic text is invisible, and Markdown cannot close `**bold **`: it moves out. */
const EXPELS_WHITESPACE = new Set(['bold', 'italic']);
const SAFE_HREF = /^(?:https?:|mailto:)/i;

/** Serializes a textblock's inline content; hard breaks become line breaks (`<br>` in headings). */
export function inlineMarkdown(block: Node, options: { heading: boolean }): string {
  const lines = splitLines(block).map((line) => renderLine(tidy(line), options.heading));
  // An empty line inside a paragraph would end it: it becomes a <br> on the line before.
  while (lines.length && lines.at(-1) === '') lines.pop();
  while (lines.length && lines[0] === '') lines.shift();
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && out.length) out[out.length - 1] += '<br>';
    else out.push(line);
  }
  return out.join(options.heading ? '<br>' : '\n');
}

function splitLines(block: Node): Item[][] {
  const lines: Item[][] = [[]];
  block.forEach((child) => {
    if (child.type.name === 'hardBreak') {
      lines.push([]);
    } else if (child.isText && child.text) {
      const code = child.marks.some((m) => m.type.name === 'code');
      lines.at(-1)!.push({ text: child.text, marks: code ? [] : child.marks.filter(isWritable), code });
    }
  });
  return lines;
}

function isWritable(mark: Mark): boolean {
  const name = mark.type.name;
  if (name === 'link') return SAFE_HREF.test(String(mark.attrs['href'] ?? ''));
  if (name === 'textColor') return (TEXT_COLORS as readonly string[]).includes(String(mark.attrs['color']));
  return name in TAGS;
}

/** Drops whitespace at the ends of the line, moves it out of bold and italic, and joins runs with the same marks. */
function tidy(line: Item[]): Item[] {
  const items = line.flatMap(splitEdgeWhitespace);
  while (items.length && !items[0]!.code && items[0]!.text.trim() === '') items.shift();
  while (items.length && !items.at(-1)!.code && items.at(-1)!.text.trim() === '') items.pop();
  let changed = true;
  while (changed) {
    changed = false;
    items.forEach((item, i) => {
      if (item.code || item.text.trim() !== '') return;
      const kept = item.marks.filter((m) => !EXPELS_WHITESPACE.has(m.type.name) || (hasMark(items[i - 1], m) && hasMark(items[i + 1], m)));
      if (kept.length !== item.marks.length) {
        items[i] = { ...item, marks: kept };
        changed = true;
      }
    });
  }
  const merged: Item[] = [];
  for (const item of items) {
    const last = merged.at(-1);
    if (last && !last.code && !item.code && sameMarks(last.marks, item.marks)) merged[merged.length - 1] = { ...last, text: last.text + item.text };
    else merged.push(item);
  }
  return merged;
}

function splitEdgeWhitespace(item: Item): Item[] {
  if (item.code) return [item];
  const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(item.text)!;
  return [lead!, core!, trail!].filter((text) => text !== '').map((text) => ({ ...item, text }));
}

function hasMark(item: Item | undefined, mark: Mark): boolean {
  return !!item && item.marks.some((m) => m.eq(mark));
}

function sameMarks(a: readonly Mark[], b: readonly Mark[]): boolean {
  return a.length === b.length && a.every((m) => b.some((n) => n.eq(m)));
}

/** Opens and closes marks around the items so that they nest, keeping the longest-running marks outermost. */
function tokenize(items: Item[]): Token[] {
  const tokens: Token[] = [];
  const stack: Pair[] = [];
  items.forEach((item, i) => {
    const lowest = stack.findIndex((pair) => !item.marks.some((m) => m.eq(pair.mark)));
    if (lowest !== -1) {
      for (const pair of stack.splice(lowest).reverse()) tokens.push({ kind: 'close', pair });
    }
    const opening = item.marks
      .filter((m) => !stack.some((pair) => pair.mark.eq(m)))
      .sort((a, b) => span(items, i, b) - span(items, i, a) || RANK.indexOf(a.type.name) - RANK.indexOf(b.type.name));
    for (const mark of opening) {
      const pair: Pair = { mark, form: initialForm(mark) };
      stack.push(pair);
      tokens.push({ kind: 'open', pair });
    }
    tokens.push({ kind: 'text', item, lineStart: false });
  });
  for (const pair of stack.reverse()) tokens.push({ kind: 'close', pair });
  const first = tokens.find((t) => t.kind === 'text');
  if (first?.kind === 'text') first.lineStart = true;
  return tokens;
}

/** How many items in a row, from `from`, carry `mark`. */
function span(items: Item[], from: number, mark: Mark): number {
  let n = 0;
  while (from + n < items.length && hasMark(items[from + n], mark)) n++;
  return n;
}

function initialForm(mark: Mark): Form {
  const name = mark.type.name;
  if (name === 'link') return 'link';
  return name in DELIMITERS ? 'markdown' : 'html';
}

function renderLine(items: Item[], heading: boolean): string {
  const tokens = tokenize(items);
  chooseLinkForms(tokens);
  // Markdown delimiters that the renderer would not read as intended become tags; repeat until nothing changes
  // (a tag next to a delimiter can change what that delimiter touches).
  for (;;) {
    const pieces = tokens.map((t, i) => piece(t, tokens[i - 1], heading));
    // `!` right before a link would make it an image.
    pieces.forEach((p, i) => {
      if (pieces[i + 1]?.startsWith('[')) pieces[i] = p.replace(/!$/, '\\!');
    });
    const misread = tokens.flatMap((t, i) => (t.kind !== 'text' && !fits(t, pieces, i) ? [t.pair] : []));
    if (!misread.length) return pieces.join('');
    // A bare address first: writing it in <…> gives its neighbours a `<`/`>` to lean on.
    demote(misread.find((pair) => pair.form === 'bare') ?? misread[0]!);
  }
}

function demote(pair: Pair): void {
  if (pair.form === 'markdown') pair.form = 'html';
  else if (pair.form === 'bare') pair.form = pair.showsHref && autolinkable(pair) ? 'autolink' : 'link';
  else pair.form = 'link';
}

/** A link whose text is its own address is written as that address (bare when it can be). */
function chooseLinkForms(tokens: Token[]): void {
  tokens.forEach((token, i) => {
    if (token.kind !== 'open' || token.pair.form !== 'link') return;
    const inner = tokens[i + 1];
    const close = tokens[i + 2];
    if (inner?.kind !== 'text' || inner.item.code || close?.kind !== 'close' || close.pair !== token.pair) return;
    const href = String(token.pair.mark.attrs['href']);
    const text = inner.item.text;
    token.pair.showsHref = href === text;
    if (BARE_URL.test(text) && (href === text || href === `http://${text}`)) token.pair.form = 'bare';
    else if (BARE_EMAIL.test(text) && href === `mailto:${text}`) token.pair.form = 'bare';
    else if (autolinkable(token.pair) && href === text) token.pair.form = 'autolink';
  });
}

/** URLs GFM links by themselves, limited to characters that mean nothing else and cannot be trimmed off the end. */
const BARE_URL = /^(?:https?:\/\/|www\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d+)?(?:\/[A-Za-z0-9\-./?#=&%+:@!$',;]*[A-Za-z0-9\-/#=&%+$])?$/;
const BARE_EMAIL = /^[A-Za-z0-9.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z0-9]+$/;

function autolinkable(pair: Pair): boolean {
  return /^https?:\/\/[^\s<>\\`]+$/.test(String(pair.mark.attrs['href']));
}

/** A link destination as the renderer will write it (encodeURI, like marked), in <…> when it holds parentheses. */
function destination(href: string): string {
  let url: string;
  try {
    url = encodeURI(href).replace(/%25/g, '%');
  } catch {
    url = href;
  }
  return /[()]/.test(url) ? `<${url}>` : url;
}

function piece(token: Token, previous: Token | undefined, heading: boolean): string {
  if (token.kind === 'text') {
    // The text of a link written as its address is that address.
    const link = previous?.kind === 'open' ? previous.pair.form : null;
    if (link === 'bare') return token.item.text;
    if (link === 'autolink') return '';
    return textPiece(token, heading);
  }
  const { mark, form } = token.pair;
  const name = mark.type.name;
  const open = token.kind === 'open';
  switch (form) {
    case 'markdown':
      return DELIMITERS[name]!;
    case 'html':
      if (name === 'textColor') return open ? `<span data-color="${mark.attrs['color']}">` : '</span>';
      return open ? `<${TAGS[name]}>` : `</${TAGS[name]}>`;
    case 'link':
      return open ? '[' : `](${destination(String(mark.attrs['href']))})`;
    case 'autolink':
      return open ? `<${mark.attrs['href']}>` : '';
    case 'bare':
      return '';
  }
}

function textPiece(token: Extract<Token, { kind: 'text' }>, heading: boolean): string {
  const { item } = token;
  if (item.code) {
    const span = codeSpan(item.text);
    // Three backticks at the start of a line would open a code block: use the tag there.
    if (token.lineStart && span.fence.length >= 3) return `<code>${escapeMarkdownText(item.text, { lineStart: false, heading })}</code>`;
    return span.markdown;
  }
  return escapeMarkdownText(item.text, { lineStart: token.lineStart, heading });
}

// Flanking rules (CommonMark, as marked applies them with GFM: `~` is not punctuation next to `*` and `_`).
const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const PUNCTUATION_BUT_TILDE = /(?!~)[\p{P}\p{S}]/u;

/** Whether a delimiter, link form or tag at `index` is read the way it was written. */
function fits(token: Extract<Token, { kind: 'open' | 'close' }>, pieces: string[], index: number): boolean {
  const { form, mark } = token.pair;
  const before = pieces.slice(0, index).join('').slice(-1);
  const after = pieces
    .slice(index + 1)
    .join('')
    .slice(0, 1);
  if (form === 'bare') {
    // A bare URL must stand alone: nothing glued to it may extend it or be trimmed into it.
    if (token.kind === 'open') return before === '' || WHITESPACE.test(before);
    return after === '' || WHITESPACE.test(after);
  }
  if (form !== 'markdown') return true;
  const delimiter = DELIMITERS[mark.type.name]!;
  const punctuation = delimiter === '~~' ? PUNCTUATION : PUNCTUATION_BUT_TILDE;
  const isPunct = (c: string) => c !== '' && punctuation.test(c);
  const isSpace = (c: string) => c === '' || WHITESPACE.test(c);
  const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
  const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
  if (delimiter === '_') {
    return token.kind === 'open' ? left && (!right || isPunct(before)) : right && (!left || isPunct(after));
  }
  return token.kind === 'open' ? left : right;
}
