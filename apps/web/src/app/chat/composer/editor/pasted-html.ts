/** A start tag, quoted attribute values included (they may hold a `>`). */
const START_TAG = /<[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>/g;
/** An attribute that styles an element or runs script: style="…", onerror="…". */
const STYLE_OR_HANDLER = /\s(?:style|on[a-z]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;
const STYLE_ELEMENT = /<style\b[\s\S]*?<\/style\s*>/gi;

/**
 * Pasted HTML without style elements, style attributes and event handlers, before the editor parses it. The
 * schema keeps none of them anyway, but parsing them at all makes the browser report the page's CSP (no inline
 * styles) as violated.
 */
export function withoutInlineStyles(html: string): string {
  return html.replace(STYLE_ELEMENT, '').replace(START_TAG, (tag) => tag.replace(STYLE_OR_HANDLER, ''));
}
