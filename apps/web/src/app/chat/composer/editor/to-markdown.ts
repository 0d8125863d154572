import type { Node } from '@tiptap/pm/model';
import { inlineMarkdown } from './inline-markdown';
import { codeFence } from './markdown-text';

/**
 * The composer's document as a message body: the Markdown plus inline-HTML vocabulary of docs/messages.md, the
 * format every client and the API read. Blocks are separated by a blank line (so a paragraph after a quote is not
 * read as part of it), lists are tight, and empty paragraphs are dropped. The inverse is renderMarkdownForEditing()
 * parsed by the editor's schema; for everything the composer can produce the two round-trip exactly.
 */
export function toMarkdown(doc: Node): string {
  return blockLines(doc, false).join('\n');
}

/** Which marker the next list of a kind uses: two lists in a row would merge unless their markers differ. */
interface ListMarkers {
  lastKind: string | null;
  alternate: boolean;
}

/** The children of a container as lines: separated by blank lines, or (in a list item) a sublist right below. */
function blockLines(container: Node, inListItem: boolean): string[] {
  const out: string[] = [];
  const markers: ListMarkers = { lastKind: null, alternate: false };
  container.forEach((child) => {
    const kind = child.type.name;
    const isList = kind === 'bulletList' || kind === 'orderedList';
    if (isList) {
      markers.alternate = markers.lastKind === kind ? !markers.alternate : false;
    }
    const lines = block(child, markers.alternate);
    if (!lines.length) return;
    markers.lastKind = isList ? kind : null;
    if (out.length && !(inListItem && isList)) out.push('');
    out.push(...lines);
  });
  return out;
}

function block(node: Node, alternate: boolean): string[] {
  switch (node.type.name) {
    case 'paragraph':
      return splitText(inlineMarkdown(node, { heading: false }));
    case 'heading': {
      const text = inlineMarkdown(node, { heading: true });
      return text ? [`${'#'.repeat(clampLevel(node.attrs['level']))} ${text}`] : [];
    }
    case 'blockquote':
      return blockLines(node, false).map((line) => (line ? `> ${line}` : '>'));
    case 'bulletList':
      return listLines(node, () => (alternate ? '* ' : '- '));
    case 'orderedList': {
      const start = Number(node.attrs['start'] ?? 1);
      return listLines(node, (i) => `${start + i}${alternate ? ')' : '.'} `);
    }
    case 'codeBlock': {
      const code = node.textContent.replace(/\n+$/, '');
      const fence = codeFence(code);
      return [fence, ...(code ? code.split('\n') : []), fence];
    }
    case 'markdownSource':
      // Markdown shown as its source (a table): written back as it stands.
      return splitText(node.textContent.replace(/\s+$/, ''));
    case 'horizontalRule':
      // Underscores, so that inside a list item ("- ___") it is not read as a rule made of the list marker.
      return ['___'];
    default:
      return node.isTextblock ? splitText(inlineMarkdown(node, { heading: false })) : blockLines(node, false);
  }
}

/** Items of a list: the marker on the first line, the rest indented to the item's content. */
function listLines(list: Node, marker: (index: number) => string): string[] {
  const out: string[] = [];
  list.forEach((item, _offset, index) => {
    const prefix = marker(index);
    const indent = ' '.repeat(prefix.length);
    const lines = blockLines(item, true);
    if (!lines.length) {
      out.push(prefix.trimEnd());
      return;
    }
    lines.forEach((line, i) => out.push(i === 0 ? prefix + line : line ? indent + line : ''));
  });
  return out;
}

function splitText(text: string): string[] {
  return text ? text.split('\n') : [];
}

function clampLevel(level: unknown): number {
  const n = Number(level);
  return Number.isInteger(n) && n >= 1 && n <= 6 ? n : 1;
}
