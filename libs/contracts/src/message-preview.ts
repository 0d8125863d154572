import type { Attachment } from './files';
import type { MessageContent } from './messages';
import { MESSAGE_PREVIEW_MAX_LENGTH } from './rooms';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
/** A backslash escape: the punctuation character after it is shown as it is (`\*` is a star, not emphasis). */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
/** Escaped characters wait in the Private Use Area while the marks around them are removed. */
const HIDDEN = 0xe000;
const HIDDEN_CHAR = /[\ue021-\ue07e]/g;
/**
 * Whatever any rule below could act on: the characters of marks and escapes anywhere, and list markers at the
 * start of a line. A body without any (most chat messages) is plain text already; only its white space changes.
 */
const MAY_HOLD_MARKS = /[\\`~<[>#*_&\ue021-\ue07e]|^\s*(?:[-+]|\d{1,9}[.)])/m;

/**
 * A message body as one line of plain text for the room list: Markdown and HTML marks removed, links and
 * images reduced to their text, whitespace collapsed, cut to about `max` characters (never inside a
 * surrogate pair, so emoji stay whole).
 */
export function plainTextPreview(body: string, max = MESSAGE_PREVIEW_MAX_LENGTH): string {
  const text = MAY_HOLD_MARKS.test(body) ? withoutMarks(body) : body.replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * Every rule applied, whatever the body holds: Markdown and HTML marks removed, links and images reduced to
 * their text, white space collapsed (plainTextPreview skips the rules for a body with no mark characters).
 */
export function withoutMarks(body: string): string {
  return body
    .replace(ESCAPED, (_, ch: string) => String.fromCharCode(HIDDEN + ch.charCodeAt(0)))
    .replace(/^\s{0,3}(`{3,}|~{3,}).*$/gm, ' ') // code fence lines
    .replace(/<\/?[A-Za-z][^<>]*>/g, ' ') // HTML tags
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/^\s{0,3}(?:>\s?)+/gm, '') // block quotes
    .replace(/^\s{0,3}#{1,6}\s+/gm, '') // headings
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/gm, '') // list items and task boxes
    .replace(/^\s{0,3}([-*_])(\s*\1){2,}\s*$/gm, ' ') // horizontal rules
    .replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2') // strong, strike-through
    .replace(/(^|[^\w*])([*_])(?=\S)([^*_\n]*?\S)\2(?!\w)/g, '$1$3') // emphasis
    .replace(/`+([^`]*)`+/g, '$1') // inline code
    .replace(/&(#39|[a-z]+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
    .replace(HIDDEN_CHAR, (ch) => String.fromCharCode(ch.charCodeAt(0) - HIDDEN))
    .replace(/\s+/g, ' ')
    .trim();
}

/** How a message with files and no words reads in the room list: "📷 Photo", "📎 report.pdf", "📎 3 files". */
export function attachmentsPreview(attachments: readonly Attachment[]): string {
  if (attachments.length === 0) return '';
  if (attachments.every((a) => a.mime.startsWith('image/'))) return attachments.length === 1 ? '📷 Photo' : `📷 ${attachments.length} photos`;
  if (attachments.length > 1) return `📎 ${attachments.length} files`;
  const [only] = attachments;
  if (only.mime.startsWith('video/')) return `🎬 ${only.name}`;
  if (only.mime.startsWith('audio/')) return `🎵 ${only.name}`;
  return `📎 ${only.name}`;
}

/**
 * The room list's line for readable content: the text as plain text, or what the files are when there is
 * no text. The server computes it for the messages it can read; a client computes it for what it decrypts.
 */
export function contentPreview(content: MessageContent, max = MESSAGE_PREVIEW_MAX_LENGTH): string {
  const text = plainTextPreview(content.body, max);
  return text || plainTextPreview(attachmentsPreview(content.attachments), max);
}
