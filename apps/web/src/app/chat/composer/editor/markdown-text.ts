/**
 * Plain text written into a message body so that the renderer (render-markdown.ts: marked with GFM and single
 * line breaks, plus the inline-HTML vocabulary) shows exactly that text: nothing in it may turn into formatting,
 * a link, an HTML tag, an entity or a block. Backslash escapes do it (`\*` shows `*`); characters are escaped only
 * where they could mean something, so ordinary text (`snake_case`, `a < b`, `Tom & Jerry`, `@ana`) stays readable.
 */

/** Characters that may need a backslash, depending on what is around them. */
const CANDIDATES = /[\\*~`[\]_<&:.@]/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9._+-]/;

/** Whether the character at `i` of `text` would mean something to the renderer. */
function needsEscape(text: string, i: number): boolean {
  const before = text[i - 1] ?? '';
  const after = text.slice(i + 1);
  switch (text[i]) {
    case '_':
      // Between two letters or digits `_` cannot start or end emphasis (snake_case); anywhere else it could.
      return !(WORD_CHAR.test(before) && WORD_CHAR.test(after[0] ?? ''));
    case '<':
      // Could open a tag, a comment or an autolink.
      return /^[A-Za-z/!?]/.test(after);
    case '&':
      // Would start an entity reference (`&amp;`, `&#38;`).
      return /^#?[A-Za-z0-9]+;/.test(after);
    case ':':
      // GFM autolinks bare `https://…`; a URL stays text unless the editor made it a link.
      return after.startsWith('//');
    case '.':
      // …and `www.…`
      return /www$/i.test(text.slice(0, i));
    case '@':
      // …and e-mail addresses.
      return EMAIL_LOCAL_CHAR.test(before);
    default:
      // Escapes, emphasis and strikethrough, code spans, link brackets.
      return true;
  }
}

/**
 * What would make the start of a line into a block: a heading (`# `, not `#general`), a quote, a list item (`- `,
 * `+ `, `1. `), a setext underline or thematic break (`---`, `===`), a table delimiter row (`|`, `:-`).
 */
const LINE_START = /^(?:#{1,6}(?=\s|$)|>|[-+](?=[\s-]|$)|=|\||:(?=-))/;
const LINE_START_NUMBER = /^(\d{1,9})([.)])(?=\s|$)/;

export interface TextPosition {
  /** The text starts a line of the body. */
  lineStart: boolean;
  /** The text is inside a heading, where a trailing `#` would be read as a closing sequence. */
  heading: boolean;
}

/** Escapes `text` for a position in a line of Markdown. */
export function escapeMarkdownText(text: string, position: TextPosition): string {
  let out = text.replace(CANDIDATES, (ch, offset: number) => (needsEscape(text, offset) ? `\\${ch}` : ch));
  if (position.heading) out = out.replace(/#/g, '\\#');
  if (position.lineStart) {
    out = out.replace(LINE_START, '\\$&').replace(LINE_START_NUMBER, '$1\\$2');
  }
  return out;
}

/** A code span for `text`: a backtick fence longer than any run inside, padded when the text touches it. */
export function codeSpan(text: string): { fence: string; markdown: string } {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return { fence, markdown: `${fence}${pad}${text}${pad}${fence}` };
}

/** The fence for a code block: at least three backticks, more than any run of backticks in the code. */
export function codeFence(code: string): string {
  const longest = Math.max(0, ...Array.from(code.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}
