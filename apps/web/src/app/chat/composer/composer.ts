import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  booleanAttribute,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MESSAGE_MAX_LENGTH, TYPING_THROTTLE_MS } from '@parley/contracts';
import { TextColor } from '../message-body/render-markdown';
import { ComposerDrafts } from './composer-drafts';
import { ComposerToolbar } from './composer-toolbar';
import type { FormatState, MessageEditor } from './editor/message-editor';
import { EmojiPicker } from './emoji-picker';
import { enterAction, isTouchDevice } from './enter-key';
import { FormatCommand } from './format-tools';
import { MessageField } from './message-field';

/** The message being answered, shown above the text field. */
export interface ComposerReply {
  id: string;
  senderName: string;
  /** A plain-text preview of the message. */
  text: string;
}

/** The message being edited: its id and its current body. */
export interface ComposerEdit {
  id: string;
  body: string;
}

/** The counter appears once a message is this close to the limit. */
const COUNTER_FROM = Math.floor(MESSAGE_MAX_LENGTH * 0.9);
const NO_FORMAT: FormatState = { active: new Set(), color: null, link: null };

let nextId = 0;

/**
 * Where messages are written: a rich-text field (bold shows as bold) whose content is sent as the message body's
 * Markdown (docs/messages.md), a formatting toolbar, an emoji picker, a reply/edit banner and a character counter.
 * On a computer Enter sends and Shift+Enter starts a new line; on a touch screen Return starts a new line and the
 * Send button sends. Escape cancels an edit or a reply. Unsent text is kept per `draftKey` (the room id).
 */
@Component({
  selector: 'app-composer',
  imports: [ComposerToolbar, EmojiPicker, MessageField],
  templateUrl: './composer.html',
  styleUrl: './composer.css',
  host: { '(document:pointerdown)': 'closeEmojiOnOutsidePress($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Composer {
  private readonly drafts = inject(ComposerDrafts);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly injector = inject(Injector);

  /** Drafts are kept per key: the room id. */
  readonly draftKey = input.required<string>();
  readonly placeholder = input('Write a message');
  readonly disabled = input(false, { transform: booleanAttribute });
  /** Why the composer is disabled (shown above it). */
  readonly disabledReason = input<string | null>(null);
  readonly replyTo = input<ComposerReply | null>(null);
  readonly editing = input<ComposerEdit | null>(null);
  /** Files wait in the tray for the next message: it may be sent without words. */
  readonly hasFiles = input(false);

  /** A new message's body. */
  readonly send = output<string>();
  /** The edited body of the message being edited. */
  readonly saveEdit = output<ComposerEdit>();
  readonly cancelReply = output<void>();
  readonly cancelEdit = output<void>();
  /** The user is typing (at most once every TYPING_THROTTLE_MS). */
  readonly typing = output<void>();
  /** Files chosen with the attach button or pasted into the field. */
  readonly attach = output<File[]>();

  protected readonly id = `composer-${++nextId}`;
  protected readonly maxLength = MESSAGE_MAX_LENGTH;
  protected readonly touch = signal(isTouchDevice());

  /** The message as it would be sent. */
  protected readonly body = signal('');
  protected readonly format = signal<FormatState>(NO_FORMAT);
  protected readonly emojiOpen = signal(false);
  /** The editor's code could not be fetched (offline on first open). */
  protected readonly failed = signal(false);
  protected readonly length = computed(() => this.body().length);
  protected readonly overLimit = computed(() => this.length() > MESSAGE_MAX_LENGTH);
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly counterText = computed(() => `${this.length().toLocaleString('en')} / ${MESSAGE_MAX_LENGTH.toLocaleString('en')}`);
  protected readonly canSend = computed(
    () => !this.disabled() && !this.overLimit() && (this.body().trim() !== '' || (this.hasFiles() && this.editing() === null)),
  );

  private readonly mount = viewChild.required('mount', { read: ElementRef<HTMLElement> });
  private readonly toolbar = viewChild.required(ComposerToolbar);
  private readonly emojiButton = viewChild<ElementRef<HTMLButtonElement>>('emojiButton');
  private readonly fileInput = viewChild.required<ElementRef<HTMLInputElement>>('fileInput');

  private readonly editor = signal<MessageEditor | null>(null);
  protected readonly editorReady = computed(() => this.editor() !== null);
  private currentKey: string | null = null;
  private currentEditId: string | null = null;
  /** The body of the message being edited, and what the editor made of it: unchanged means save it as it was. */
  private loadedEdit: { body: string; serialized: string } | null = null;
  private lastTypingAt = 0;

  private destroyed = false;

  constructor() {
    // The editor (Tiptap and ProseMirror) is a chunk of its own, fetched while the conversation loads.
    const editorModule = import('./editor/message-editor');
    afterNextRender(() => {
      editorModule.then(
        ({ MessageEditor }) => {
          if (!this.destroyed) this.createEditor(MessageEditor);
        },
        () => this.failed.set(true),
      );
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.editor()?.destroy();
    });
    // Switching rooms keeps each room's draft; starting an edit sets the draft aside and brings it back after.
    effect(() => {
      const key = this.draftKey();
      const editing = this.editing();
      const editor = this.editor();
      if (editor) untracked(() => this.syncInputs(editor, key, editing));
    });
    effect(() => this.editor()?.setEditable(!this.disabled()));
    effect(() => {
      this.placeholder();
      untracked(() => this.editor()?.refreshPlaceholder());
    });
    // A new reply target puts the cursor in the field.
    effect(() => {
      if (this.replyTo()) untracked(() => this.afterRender(() => this.focus()));
    });
  }

  /** Puts the cursor in the text field. */
  focus(): void {
    this.editor()?.focus();
  }

  protected submit(): void {
    const editor = this.editor();
    if (!editor || !this.canSend()) return;
    const hadFocus = editor.hasFocus();
    const editing = this.editing();
    if (editing) {
      const body = this.loadedEdit && this.loadedEdit.serialized === editor.body ? this.loadedEdit.body : editor.body;
      this.saveEdit.emit({ id: editing.id, body });
    } else {
      this.send.emit(editor.body);
      editor.load('');
      this.refresh(editor);
      this.drafts.clear(this.draftKey());
      this.lastTypingAt = 0;
    }
    // On a phone, focusing would bring the keyboard up when it was down.
    if (hadFocus || !this.touch()) this.focus();
  }

  protected applyFormat(command: Exclude<FormatCommand, 'link'>): void {
    this.editor()?.format(command);
  }

  protected applyColor(color: TextColor | null): void {
    this.editor()?.setColor(color);
  }

  protected applyLink(href: string | null): void {
    this.editor()?.setLink(href);
  }

  protected chooseFiles(): void {
    this.fileInput().nativeElement.click();
  }

  protected filesChosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    // Cleared, so that choosing the same file again is a change too.
    input.value = '';
    if (files.length) this.attach.emit(files);
    this.focus();
  }

  protected toggleEmoji(): void {
    this.emojiOpen.update((open) => !open);
  }

  /** The picker stays open for more: each pick goes in at the cursor. */
  protected insertEmoji(emoji: string): void {
    this.editor()?.insertText(emoji);
  }

  /** Closes the picker; writing goes on in the field (on a phone the keyboard stays down until the field is tapped). */
  protected closeEmoji(): void {
    if (!this.emojiOpen()) return;
    this.emojiOpen.set(false);
    if (this.touch()) this.emojiButton()?.nativeElement.focus();
    else this.focus();
  }

  protected closeEmojiOnOutsidePress(event: Event): void {
    if (!this.emojiOpen()) return;
    const target = event.target as Node | null;
    const inside = this.host.querySelector('.emoji-popover')?.contains(target) || this.emojiButton()?.nativeElement.contains(target);
    if (!inside) this.emojiOpen.set(false);
  }

  private createEditor(Editor: typeof MessageEditor): void {
    const editor = new Editor({
      mount: this.mount().nativeElement,
      attributes: () => ({
        id: this.id,
        'aria-label': 'Message',
        'aria-multiline': 'true',
        'aria-placeholder': this.placeholder(),
        'aria-describedby': `${this.id}-hint${this.showCounter() ? ` ${this.id}-counter` : ''}`,
        'aria-invalid': String(this.overLimit()),
        'aria-disabled': String(this.disabled()),
        autocapitalize: 'sentences',
        class: 'field',
      }),
      placeholder: () => this.placeholder(),
      keydown: (event) => this.handleKeydown(event),
      changed: () => this.contentChanged(),
      selectionChanged: () => this.refresh(editor),
      pastedFiles: (files) => {
        if (!this.disabled() && this.editing() === null) this.attach.emit(files);
      },
    });
    this.editor.set(editor);
  }

  private handleKeydown(event: KeyboardEvent): boolean {
    const editor = this.editor();
    // Keys that belong to an IME composition (Enter picking a candidate, Escape dismissing them) are not ours.
    if (!editor || event.isComposing) return false;
    const touch = isTouchDevice();
    this.touch.set(touch);
    switch (enterAction(event, touch)) {
      case 'send':
        this.submit();
        return true;
      case 'newLine':
        return editor.newLine();
    }
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
      this.toolbar().openLink();
      return true;
    }
    if (event.key === 'Escape') {
      if (this.emojiOpen()) this.emojiOpen.set(false);
      else if (this.editing()) this.cancelEdit.emit();
      else if (this.replyTo()) this.cancelReply.emit();
      else return false;
      return true;
    }
    return false;
  }

  private contentChanged(): void {
    const editor = this.editor();
    if (!editor) return;
    this.refresh(editor);
    if (this.currentEditId !== null) return;
    const body = editor.body;
    this.drafts.set(this.draftKey(), body);
    if (body.trim() !== '') this.reportTyping();
  }

  private refresh(editor: MessageEditor): void {
    this.body.set(editor.body);
    this.format.set(editor.formatState());
  }

  private syncInputs(editor: MessageEditor, key: string, editing: ComposerEdit | null): void {
    if (this.currentKey !== key) {
      if (this.currentKey !== null && this.currentEditId === null) this.drafts.set(this.currentKey, editor.body);
      this.currentKey = key;
      this.currentEditId = null;
      this.loadedEdit = null;
      this.lastTypingAt = 0;
      this.emojiOpen.set(false);
      editor.load(this.drafts.get(key));
    }
    const editId = editing?.id ?? null;
    if (editId !== this.currentEditId) {
      if (editing) {
        if (this.currentEditId === null) this.drafts.set(key, editor.body);
        this.currentEditId = editing.id;
        editor.load(editing.body);
        this.loadedEdit = { body: editing.body, serialized: editor.body };
        this.afterRender(() => editor.focus('end'));
      } else {
        this.currentEditId = null;
        this.loadedEdit = null;
        editor.load(this.drafts.get(key));
      }
    }
    this.refresh(editor);
  }

  private afterRender(run: () => void): void {
    afterNextRender(run, { injector: this.injector });
  }

  private reportTyping(): void {
    const now = Date.now();
    if (now - this.lastTypingAt < TYPING_THROTTLE_MS) return;
    this.lastTypingAt = now;
    this.typing.emit();
  }
}
