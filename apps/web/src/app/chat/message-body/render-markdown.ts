import DOMPurify, { type Config } from 'dompurify';
import { Lexer, Marked, type MarkedExtension, type Tokens } from 'marked';

/**
 * Message bodies are Markdown (GFM, single line breaks kept) plus a small inline-HTML vocabulary for what
 * Markdown cannot say: <u>, <sub>, <sup>, <mark> and <span data-color="…"> with a fixed palette. See
 * docs/messages.md.
 *
 * Two layers keep a body inert. First, raw HTML in the Markdown is never passed through: a tag of the
 * vocabulary is re-written in its one canonical form and any other tag is shown as text, so the browser never
 * parses a sender's attributes at all (Chromium reports CSP violations for event handlers and styles even in
 * inert documents). Second, the HTML that Markdown produced goes through DOMPurify with an allow-list, so
 * nothing can run script, load a resource, carry a style or link anywhere but http(s) and mailto.
 */

/** The colours `<span data-color>` may name; the stylesheet maps each to a readable tone in light and dark. */
export const TEXT_COLORS = ['red', 'orange', 'green', 'blue', 'purple', 'gray'] as const;
export type TextColor = (typeof TEXT_COLORS)[number];

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'em', 'u', 's', 'del', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'sub', 'sup',
  'ul', 'ol', 'li', 'code', 'pre', 'blockquote', 'a', 'mark', 'span', 'hr',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'data-color', 'start'];
const SAFE_LINK = /^(?:https?:|mailto:)/i;
const LINK_REL = 'noopener noreferrer nofollow';

const PURIFY_CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  // Only these schemes; relative URLs, javascript:, data:, vbscript: and the rest lose their href.
  ALLOWED_URI_REGEXP: SAFE_LINK,
  // Plain values, not URLs: they are checked by the hook below instead of the URI pattern.
  ADD_URI_SAFE_ATTR: ['data-color', 'start'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  KEEP_CONTENT: true,
  RETURN_TRUSTED_TYPE: false,
};

const MARKDOWN_OPTIONS = { gfm: true, breaks: true, async: false } as const;

/** Inline tags a sender may write as HTML, without attributes. */
const PLAIN_TAG = /^<(\/?)(u|sub|sup|mark|s|del|strong|em|code)\s*>$/i;
const LINE_BREAK = /^<br\s*\/?>$/i;
const COLOR_OPEN = /^<span\s+data-color\s*=\s*(?:"([a-z]+)"|'([a-z]+)'|([a-z]+))\s*>$/i;
const SPAN_CLOSE = /^<\/span\s*>$/i;

/** The canonical form of a vocabulary tag, or null when the tag is anything else. */
function vocabularyTag(raw: string): string | null {
  const tag = raw.trim();
  const plain = PLAIN_TAG.exec(tag);
  if (plain) return `<${plain[1]}${plain[2]!.toLowerCase()}>`;
  if (LINE_BREAK.test(tag)) return '<br>';
  if (SPAN_CLOSE.test(tag)) return '</span>';
  const color = COLOR_OPEN.exec(tag);
  const name = (color?.[1] ?? color?.[2] ?? color?.[3] ?? '').toLowerCase();
  if (color && (TEXT_COLORS as readonly string[]).includes(name)) return `<span data-color="${name}">`;
  return null;
}

const RENDERER = {
  /**
   * Raw HTML. An HTML block (a line that starts with a block tag, a comment, a script…) is read again as
   * inline Markdown, so its tags come back here one at a time; an inline tag is kept only if it belongs to
   * the vocabulary, anything else is shown as the text it is.
   */
  html(token: Tokens.HTML | Tokens.Tag): string {
    if (token.block) {
      const inline = this.parser.parseInline(Lexer.lexInline(token.text.trim(), MARKDOWN_OPTIONS));
      return inline ? `<p>${inline}</p>\n` : '';
    }
    return vocabularyTag(token.text) ?? escapeHtml(token.text);
  },
  // After a <pre>, <code>, <kbd> or <script> tag, marked passes the following text through raw: escape it.
  text(token: Tokens.Text | Tokens.Escape): string | false {
    if ('escaped' in token && token.escaped && !('tokens' in token && token.tokens)) return escapeHtml(token.text);
    return false;
  },
  // No remote loads from a message: an image becomes a link to it (which the sanitiser still vets).
  image({ href, text }: Tokens.Image): string {
    const label = escapeHtml(text || href);
    return `<a href="${escapeHtml(href)}">${label}</a>`;
  },
  // GFM task-list checkboxes would be inputs; show them as text.
  checkbox({ checked }: Tokens.Checkbox): string {
    return checked ? '☑ ' : '☐ ';
  },
} satisfies MarkedExtension['renderer'];

const markdown = new Marked({ ...MARKDOWN_OPTIONS, renderer: RENDERER });

/**
 * For the composer, which has no tables: a GFM table comes out as its Markdown source in a
 * `<pre data-markdown="table">`, which the editor shows (and writes back) as text.
 */
const markdownForEditing = new Marked({
  ...MARKDOWN_OPTIONS,
  renderer: {
    ...RENDERER,
    table(token: Tokens.Table): string {
      return `<pre data-markdown="table">${escapeHtml(token.raw.replace(/\s+$/, ''))}</pre>\n`;
    },
  },
});

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** A DOMPurify instance of our own, so these hooks never touch anyone else's sanitising. */
function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  instance.addHook('uponSanitizeAttribute', (node, data) => {
    const tag = node.nodeName.toLowerCase();
    if (data.attrName === 'data-color') {
      data.keepAttr = tag === 'span' && (TEXT_COLORS as readonly string[]).includes(data.attrValue);
    } else if (data.attrName === 'start') {
      data.keepAttr = tag === 'ol' && /^\d{1,9}$/.test(data.attrValue);
    } else if (data.attrName === 'href') {
      data.keepAttr = tag === 'a';
    } else if (data.attrName === 'data-markdown') {
      data.keepAttr = tag === 'pre' && data.attrValue === 'table';
    }
  });
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName.toLowerCase() !== 'a') return;
    if (node.hasAttribute('href')) {
      node.setAttribute('rel', LINK_REL);
      node.setAttribute('target', '_blank');
    }
  });
  purifier = instance;
  return instance;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** HTML cut down to the message allow-list (the second layer; renderMarkdown() applies it to its output). */
export function sanitizeHtml(html: string): string {
  return sanitizer().sanitize(html, PURIFY_CONFIG);
}

/**
 * The last `limit` answers of a function of one string, by argument. A message's body is rendered for the
 * conversation, the room list's preview and a notification, and again when its row scrolls back into view:
 * Markdown and the sanitiser cost about a millisecond a body, the lookup nothing.
 */
function lastAnswers(limit: number, fn: (arg: string) => string): (arg: string) => string {
  const answers = new Map<string, string>();
  return (arg) => {
    const known = answers.get(arg);
    if (known !== undefined) {
      // Most recent last: the first key is the one used longest ago.
      answers.delete(arg);
      answers.set(arg, known);
      return known;
    }
    const answer = fn(arg);
    answers.set(arg, answer);
    if (answers.size > limit) answers.delete(answers.keys().next().value!);
    return answer;
  };
}

/** How many bodies' HTML and plain text are kept (a few screens of a busy room and its previews). */
const RENDERED_KEPT = 500;

/** A message body as safe HTML: Markdown rendered, then cleaned with the allow-list. */
export const renderMarkdown: (body: string) => string = lastAnswers(RENDERED_KEPT, (body) => sanitizeHtml(markdown.parse(body, { async: false })));

const EDITING_PURIFY_CONFIG: Config = {
  ...PURIFY_CONFIG,
  ALLOWED_ATTR: [...ALLOWED_ATTR, 'data-markdown'],
  ADD_URI_SAFE_ATTR: ['data-color', 'start', 'data-markdown'],
};

/**
 * A message body as the composer loads it to edit: renderMarkdown(), except that tables stay Markdown source (see
 * markdownForEditing) and code blocks lose the line break marked adds after the last line.
 */
export function renderMarkdownForEditing(body: string): string {
  const html = sanitizer().sanitize(markdownForEditing.parse(body, { async: false }), EDITING_PURIFY_CONFIG);
  return html.replace(/\n<\/code><\/pre>/g, '</code></pre>');
}

const BLOCKS = new Set(['P', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'PRE', 'BLOCKQUOTE', 'TR', 'TD', 'TH', 'HR', 'BR']);

/** A message body as one line of plain text (formatting gone, blocks separated by spaces), for previews and notifications. */
export const toPlainText: (body: string) => string = lastAnswers(RENDERED_KEPT, plainTextOf);

function plainTextOf(body: string): string {
  // An inert template: nothing in it loads or runs, and the HTML is already sanitised anyway.
  const template = document.createElement('template');
  template.innerHTML = renderMarkdown(body);
  const parts: string[] = [];
  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) parts.push(child.nodeValue ?? '');
      else if (child.nodeType === Node.ELEMENT_NODE) {
        const block = BLOCKS.has((child as Element).tagName);
        if (block) parts.push(' ');
        walk(child);
        if (block) parts.push(' ');
      }
    }
  };
  walk(template.content);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
