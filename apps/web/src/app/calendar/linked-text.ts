/** A piece of user text: plain, or a web link to make clickable. */
export interface TextPart {
  text: string;
  href: string | null;
}

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the link ("see https://x.org/a."). */
const TRAILING = /[.,;:!?)\]}]+$/;

/** Splits text into plain parts and http(s) links; nothing else (javascript:, data:) ever becomes a link. */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    const at = match.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at), href: null });
    parts.push({ text: url, href: url });
    last = at + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), href: null });
  return parts;
}
