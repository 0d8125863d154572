import { Editor, createDocument } from '@tiptap/core';
import type { Node } from '@tiptap/pm/model';
import { EditorState, Selection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { TextColor, renderMarkdownForEditing } from '../../message-body/render-markdown';
import type { FormatCommand } from '../format-tools';
import { INPUT_RULES } from './mark-shortcuts';
import { messageExtensions } from './message-schema';
import { insertNewLine } from './new-line';
import { pastedFiles } from './pasted-files';
import { withoutInlineStyles } from './pasted-html';
import { toMarkdown } from './to-markdown';

/** What the toolbar shows as pressed. */
export interface FormatState {
  active: ReadonlySet<FormatCommand>;
  color: TextColor | null;
  /** The address of the link at the cursor. */
  link: string | null;
}

export interface MessageEditorOptions {
  /** Where the editable element goes. */
  mount: HTMLElement;
  /** Attributes of the editable element (id, aria-label, aria-describedby…), read again on every change. */
  attributes: () => Record<string, string>;
  placeholder: () => string;
  /** First look at every key press; true when it was handled. */
  keydown: (event: KeyboardEvent) => boolean;
  /** The document changed (typing, formatting, pasting, undo). */
  changed: () => void;
  /** The selection or the formatting at the cursor may have changed. */
  selectionChanged: () => void;
  /** Files pasted into the field (a screenshot from the clipboard): they are shared, not put in the text. */
  pastedFiles?: (files: File[]) => void;
}


const IS_ACTIVE: Record<FormatCommand, (editor: Editor) => boolean> = {
  bold: (e) => e.isActive('bold'),
  italic: (e) => e.isActive('italic'),
  underline: (e) => e.isActive('underline'),
  strikethrough: (e) => e.isActive('strike'),
  heading: (e) => e.isActive('heading'),
  subscript: (e) => e.isActive('subscript'),
  superscript: (e) => e.isActive('superscript'),
  bulletList: (e) => e.isActive('bulletList'),
  numberedList: (e) => e.isActive('orderedList'),
  quote: (e) => e.isActive('blockquote'),
  highlight: (e) => e.isActive('highlight'),
  code: (e) => e.isActive('code'),
  codeBlock: (e) => e.isActive('codeBlock'),
  link: (e) => e.isActive('link'),
};

/**
 * The composer's rich-text field: a Tiptap (ProseMirror) editor whose document is the message vocabulary, read
 * and written as the message body's Markdown. Framework-free, so the component stays about the composer.
 */
export class MessageEditor {
  private readonly editor: Editor;
  private cachedDoc: Node | null = null;
  private cachedBody = '';

  constructor(options: MessageEditorOptions) {
    this.editor = new Editor({
      element: options.mount,
      extensions: messageExtensions(options.placeholder),
      // Tiptap's base styles would go into a <style> element, which the CSP blocks: composer.css has them.
      injectCSS: false,
      enableInputRules: INPUT_RULES,
      // Pasted text stays as it was written, except that addresses in it become links.
      enablePasteRules: ['link'],
      editorProps: {
        attributes: () => options.attributes(),
        handleKeyDown: (_view: EditorView, event: KeyboardEvent) => options.keydown(event),
        transformPastedHTML: withoutInlineStyles,
        handlePaste: (_view: EditorView, event: ClipboardEvent) => {
          const files = options.pastedFiles ? pastedFiles(event.clipboardData) : [];
          if (files.length === 0) return false;
          options.pastedFiles!(files);
          return true;
        },
        // Files dropped on the field are the conversation's to take (its drop zone): the field leaves them alone.
        handleDrop: (_view: EditorView, event: DragEvent) => (event.dataTransfer?.types ?? []).includes('Files'),
      },
      onUpdate: () => options.changed(),
      onTransaction: () => options.selectionChanged(),
    });
  }

  /** The document as a message body. */
  get body(): string {
    const doc = this.editor.state.doc;
    if (doc !== this.cachedDoc) {
      this.cachedDoc = doc;
      this.cachedBody = toMarkdown(doc);
    }
    return this.cachedBody;
  }

  get element(): HTMLElement {
    return this.editor.view.dom;
  }

  /** Replaces the document with a message body, as a fresh start: the undo history begins here. */
  load(body: string): void {
    const doc = createDocument(renderMarkdownForEditing(body), this.editor.schema);
    const state = EditorState.create({ doc, plugins: this.editor.state.plugins, selection: Selection.atEnd(doc) });
    this.editor.view.updateState(state);
  }

  focus(where: 'end' | null = null): void {
    this.editor.view.focus();
    if (where === 'end') this.editor.commands.focus('end', { scrollIntoView: true });
  }

  hasFocus(): boolean {
    return this.editor.isFocused;
  }

  setEditable(editable: boolean): void {
    if (this.editor.isEditable !== editable) this.editor.setEditable(editable, false);
  }

  /** Re-reads the placeholder (it is a function of the composer's input). */
  refreshPlaceholder(): void {
    this.editor.view.dispatch(this.editor.state.tr.setMeta('addToHistory', false));
  }

  /** Types text at the cursor (replacing the selection), as if typed: keeps the formatting there. */
  insertText(text: string): void {
    const { state, view } = this.editor;
    view.dispatch(state.tr.insertText(text).scrollIntoView());
  }

  /** A new line as Shift+Enter makes it. */
  newLine(): boolean {
    return insertNewLine(this.editor);
  }

  format(command: Exclude<FormatCommand, 'link'>): void {
    const chain = this.focusedChain();
    const commands: Record<Exclude<FormatCommand, 'link'>, () => typeof chain> = {
      bold: () => chain.toggleBold(),
      italic: () => chain.toggleItalic(),
      underline: () => chain.toggleUnderline(),
      strikethrough: () => chain.toggleStrike(),
      heading: () => chain.toggleHeading({ level: 1 }),
      subscript: () => chain.toggleSubscript(),
      superscript: () => chain.toggleSuperscript(),
      bulletList: () => chain.toggleBulletList(),
      numberedList: () => chain.toggleOrderedList(),
      quote: () => chain.toggleBlockquote(),
      highlight: () => chain.toggleHighlight(),
      code: () => chain.toggleCode(),
      codeBlock: () => chain.toggleCodeBlock(),
    };
    commands[command]().run();
  }

  setColor(color: TextColor | null): void {
    const chain = this.focusedChain();
    (color ? chain.setTextColor(color) : chain.unsetTextColor()).run();
  }

  /**
   * Links the selection (the whole link when the cursor is in one) to `href`, or takes the link away when it is
   * null. With nothing selected and no link at the cursor, the address itself is inserted as the link's text.
   */
  setLink(href: string | null): void {
    const chain = this.focusedChain().extendMarkRange('link');
    if (href === null) {
      chain.unsetLink().run();
      return;
    }
    const { empty } = this.editor.state.selection;
    if (empty && !this.editor.isActive('link')) {
      chain
        .insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] })
        .unsetMark('link')
        .run();
      return;
    }
    chain.setLink({ href }).run();
  }

  /** The text currently selected (what a new link would be made of). */
  selectedText(): string {
    const { from, to } = this.editor.state.selection;
    return this.editor.state.doc.textBetween(from, to, ' ');
  }

  formatState(): FormatState {
    const active = new Set<FormatCommand>();
    for (const [command, isActive] of Object.entries(IS_ACTIVE) as [FormatCommand, (e: Editor) => boolean][]) {
      if (isActive(this.editor)) active.add(command);
    }
    const color = (this.editor.getAttributes('textColor')['color'] as TextColor | undefined) ?? null;
    const link = (this.editor.getAttributes('link')['href'] as string | undefined) ?? null;
    return { active, color, link };
  }

  /** Commands that act on the field, which takes the focus back at once (so typing goes on where it was). */
  private focusedChain() {
    this.editor.view.focus();
    return this.editor.chain();
  }

  destroy(): void {
    this.editor.destroy();
  }
}
