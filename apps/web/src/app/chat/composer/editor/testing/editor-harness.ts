/**
 * What the editor specs drive in headless Chromium (bundled with esbuild, exposed as `window.harness`): the
 * composer's schema, its Markdown serializer and the renderer every reader uses, wired the way the composer wires
 * them. Not part of the app.
 */
import { Editor, createDocument, getSchema } from '@tiptap/core';
import type { Node } from '@tiptap/pm/model';
import { TextSelection } from '@tiptap/pm/state';
import { renderMarkdown, renderMarkdownForEditing } from '../../../message-body/render-markdown';
import { messageExtensions } from '../message-schema';
import { insertNewLine } from '../new-line';
import { toMarkdown } from '../to-markdown';

type Json = Record<string, unknown>;

const schema = getSchema(messageExtensions());

/** A message body as the editor loads it. */
function parse(body: string): Node {
  return createDocument(renderMarkdownForEditing(body), schema);
}

/** Only what a document means: link attributes other than the address are rendering details. */
function meaning(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(meaning);
  if (!json || typeof json !== 'object') return json;
  const out: Json = {};
  for (const [key, value] of Object.entries(json as Json)) {
    if (key === 'attrs' && (json as Json)['type'] === 'link') out[key] = { href: (value as Json)['href'] };
    else out[key] = meaning(value);
  }
  return out;
}

let editor: Editor | null = null;

export const harness = {
  /** body → editor → body */
  roundTrip(body: string): string {
    return toMarkdown(parse(body));
  },
  /** The editor's document for a body, as JSON. */
  docFor(body: string): unknown {
    return meaning(parse(body).toJSON());
  },
  /** document → body */
  serialize(doc: Json): string {
    return toMarkdown(schema.nodeFromJSON(doc));
  },
  /** document → body → what a reader's app makes of it → document */
  reparse(doc: Json): { body: string; html: string; doc: unknown; expected: unknown } {
    const body = toMarkdown(schema.nodeFromJSON(doc));
    return { body, html: renderMarkdown(body), doc: meaning(parse(body).toJSON()), expected: meaning(schema.nodeFromJSON(doc).toJSON()) };
  },
  render(body: string): string {
    return renderMarkdown(body);
  },
  /** A live editor holding `body`, the cursor at `cursor` (a text position, or the end). */
  edit(body: string, cursor?: number): void {
    editor?.destroy();
    const mount = document.createElement('div');
    document.body.appendChild(mount);
    editor = new Editor({ element: mount, extensions: messageExtensions(), injectCSS: false, content: renderMarkdownForEditing(body) });
    const doc = editor.state.doc;
    const at = cursor ?? TextSelection.atEnd(doc).from;
    editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(doc, at)));
  },
  /** Where the text `needle` ends in the live editor's document. */
  positionAfter(needle: string): number {
    let found = -1;
    editor!.state.doc.descendants((node, pos) => {
      if (found === -1 && node.isText && node.text!.includes(needle)) found = pos + node.text!.indexOf(needle) + needle.length;
    });
    return found;
  },
  newLine(): boolean {
    return insertNewLine(editor!);
  },
  type(text: string): void {
    editor!.view.dispatch(editor!.state.tr.insertText(text));
  },
  editorBody(): string {
    return toMarkdown(editor!.state.doc);
  },
};

(window as unknown as { harness: typeof harness }).harness = harness;
