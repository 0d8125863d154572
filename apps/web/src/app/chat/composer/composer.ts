import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  afterRenderEffect,
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
import { TEXT_COLORS, TextColor } from '../message-body/render-markdown';
import { ComposerDrafts } from './composer-drafts';
import { EmojiPicker } from './emoji-picker';
import { FormatCommand, TextState, applyColor, applyFormat, diffText, insertText } from './formatting';

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

interface Tool {
  command: FormatCommand;
  label: string;
  /** Text shown on the button (styled per tool), or an SVG path when `path` is set. */
  glyph?: string;
  path?: string;
  shortcut?: string;
}

const TOOLS: readonly Tool[] = [
  { command: 'bold', label: 'Bold', glyph: 'B', shortcut: 'B' },
  { command: 'italic', label: 'Italic', glyph: 'I', shortcut: 'I' },
  { command: 'underline', label: 'Underline', glyph: 'U', shortcut: 'U' },
  { command: 'strikethrough', label: 'Strikethrough', glyph: 'S' },
  { command: 'heading', label: 'Heading', glyph: 'H' },
  // Drawn, not typed: a text glyph ("x₂") would be visible text missing from the button's name (WCAG 2.5.3).
  { command: 'subscript', label: 'Subscript', path: 'M4 6l8 10M12 6l-8 10M15 15c0-1 .8-1.6 1.9-1.6s1.9.6 1.9 1.5c0 1.6-3.8 2.4-3.8 4.1h3.9' },
  { command: 'superscript', label: 'Superscript', path: 'M4 8l8 10M12 8l-8 10M15 5c0-1 .8-1.6 1.9-1.6s1.9.6 1.9 1.5c0 1.6-3.8 2.4-3.8 4.1h3.9' },
  { command: 'bulletList', label: 'Bulleted list', path: 'M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01' },
  { command: 'numberedList', label: 'Numbered list', path: 'M10 6h10M10 12h10M10 18h10M4 5l1.5-1V9M3.5 14.5c.4-.6 2.5-.9 2.5.5 0 1-2.5 2-2.5 3.5H6' },
  { command: 'highlight', label: 'Highlight', path: 'M15 5l4 4-8 8H7v-4l8-8zM4 21h16' },
  { command: 'code', label: 'Inline code', path: 'M9 8l-4 4 4 4M15 8l4 4-4 4' },
  { command: 'codeBlock', label: 'Code block', path: 'M4 5h16v14H4zM8 10l-2 2 2 2M16 10l2 2-2 2M13 9l-2 6' },
  { command: 'link', label: 'Link', path: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1' },
];

const COLOR_LABELS: Record<TextColor, string> = {
  red: 'Red',
  orange: 'Orange',
  green: 'Green',
  blue: 'Blue',
  purple: 'Purple',
  gray: 'Gray',
};

/** The counter appears once a message is this close to the limit. */
const COUNTER_FROM = Math.floor(MESSAGE_MAX_LENGTH * 0.9);
const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

let nextId = 0;

/**
 * Where messages are written: a growing text field with a formatting toolbar (Markdown plus the inline-HTML
 * vocabulary of docs/messages.md), an emoji picker, a reply/edit banner and a character counter. Enter sends,
 * Shift+Enter starts a new line, Escape cancels an edit or a reply; Ctrl/Cmd+B, I and U format. Unsent text is
 * kept per `draftKey` (the room id).
 */
@Component({
  selector: 'app-composer',
  imports: [EmojiPicker],
  templateUrl: './composer.html',
  styleUrl: './composer.css',
  host: { '(document:pointerdown)': 'closePopoverOnOutsideClick($event)' },
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

  /** A new message's body. */
  readonly send = output<string>();
  /** The edited body of the message being edited. */
  readonly saveEdit = output<ComposerEdit>();
  readonly cancelReply = output<void>();
  readonly cancelEdit = output<void>();
  /** The user is typing (at most once every TYPING_THROTTLE_MS). */
  readonly typing = output<void>();

  protected readonly id = `composer-${++nextId}`;
  protected readonly tools = TOOLS;
  protected readonly colors = TEXT_COLORS.map((color) => ({ color, label: COLOR_LABELS[color] }));
  protected readonly modifier = IS_MAC ? '⌘' : 'Ctrl+';
  protected readonly maxLength = MESSAGE_MAX_LENGTH;

  protected readonly text = signal('');
  protected readonly popover = signal<'color' | 'emoji' | null>(null);
  /** The toolbar button that is in the tab order (a toolbar is one tab stop; arrows move within it). */
  protected readonly activeTool = signal(0);
  protected readonly length = computed(() => this.text().length);
  protected readonly overLimit = computed(() => this.length() > MESSAGE_MAX_LENGTH);
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly counterText = computed(() => `${this.length().toLocaleString('en')} / ${MESSAGE_MAX_LENGTH.toLocaleString('en')}`);
  protected readonly canSend = computed(() => !this.disabled() && !this.overLimit() && this.text().trim() !== '');
  /** Toolbar items: the formatting tools, then the colour button. */
  protected readonly toolCount = TOOLS.length + 1;

  private readonly textarea = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');
  private readonly colorButton = viewChild<ElementRef<HTMLButtonElement>>('colorButton');
  private readonly emojiButton = viewChild<ElementRef<HTMLButtonElement>>('emojiButton');

  private currentKey: string | null = null;
  private currentEditId: string | null = null;
  private lastTypingAt = 0;

  constructor() {
    // Switching rooms keeps each room's draft; starting an edit sets the draft aside and brings it back after.
    effect(() => {
      const key = this.draftKey();
      const editing = this.editing();
      untracked(() => this.syncInputs(key, editing));
    });
    // A new reply target puts the cursor in the field.
    effect(() => {
      if (this.replyTo()) untracked(() => this.afterRender(() => this.focus()));
    });
    // The field grows with its text up to a limit (CSS caps it; past that it scrolls).
    afterRenderEffect(() => {
      this.text();
      const el = this.textarea().nativeElement;
      el.style.height = 'auto';
      el.style.height = `${el.scrollHeight}px`;
    });
  }

  /** Puts the cursor in the text field. */
  focus(): void {
    this.textarea().nativeElement.focus();
  }

  protected updateText(event: Event): void {
    const value = (event.target as HTMLTextAreaElement).value;
    this.text.set(value);
    if (this.currentEditId === null) this.drafts.set(this.draftKey(), value);
    if (value.trim() !== '' && this.currentEditId === null) this.reportTyping();
  }

  protected handleKeydown(event: KeyboardEvent): void {
    // Keys that finish an IME composition are not ours.
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === 'Escape' && this.popover()) {
      event.preventDefault();
      this.popover.set(null);
      return;
    }
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey) {
      const command = ({ b: 'bold', i: 'italic', u: 'underline' } as const)[event.key.toLowerCase() as 'b' | 'i' | 'u'];
      if (command) {
        event.preventDefault();
        this.format(command);
      }
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'Escape') {
      if (this.editing()) {
        event.preventDefault();
        this.cancelEdit.emit();
      } else if (this.replyTo()) {
        event.preventDefault();
        this.cancelReply.emit();
      }
    }
  }

  protected submit(): void {
    if (!this.canSend()) return;
    const body = this.text().replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    const editing = this.editing();
    if (editing) {
      this.saveEdit.emit({ id: editing.id, body });
    } else {
      this.send.emit(body);
      this.text.set('');
      this.drafts.clear(this.draftKey());
      this.lastTypingAt = 0;
    }
    this.focus();
  }

  protected format(command: FormatCommand): void {
    this.apply((state) => applyFormat(state, command));
  }

  protected pickColor(color: TextColor): void {
    this.popover.set(null);
    this.apply((state) => applyColor(state, color));
  }

  protected insertEmoji(emoji: string): void {
    this.popover.set(null);
    this.apply((state) => insertText(state, emoji));
  }

  protected togglePopover(which: 'color' | 'emoji'): void {
    const open = this.popover() === which ? null : which;
    this.popover.set(open);
    // The picker focuses its own search field once it has loaded.
    if (open === 'color') this.afterRender(() => this.host.querySelector<HTMLButtonElement>('.swatch')?.focus());
  }

  protected closePopover(): void {
    const which = this.popover();
    if (!which) return;
    this.popover.set(null);
    (which === 'color' ? this.colorButton() : this.emojiButton())?.nativeElement.focus();
  }

  protected closePopoverOnOutsideClick(event: Event): void {
    if (!this.popover()) return;
    const target = event.target as Node | null;
    const inside = this.host.querySelector('.popover')?.contains(target) || (target instanceof Element && target.closest('[data-popover-toggle]'));
    if (!inside) this.popover.set(null);
  }

  /** Arrow keys, Home and End move between toolbar buttons. */
  protected moveInToolbar(event: KeyboardEvent): void {
    const count = this.toolCount;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const current = this.activeTool();
    const next = move === -Infinity ? 0 : move === Infinity ? count - 1 : (current + move + count) % count;
    this.activeTool.set(next);
    this.host.querySelectorAll<HTMLButtonElement>('[data-tool]')[next]?.focus();
  }

  protected titleFor(tool: Tool): string {
    return tool.shortcut ? `${tool.label} (${this.modifier}${tool.shortcut})` : tool.label;
  }

  private syncInputs(key: string, editing: ComposerEdit | null): void {
    if (this.currentKey !== key) {
      if (this.currentKey !== null && this.currentEditId === null) this.drafts.set(this.currentKey, this.text());
      this.currentKey = key;
      this.currentEditId = null;
      this.lastTypingAt = 0;
      this.popover.set(null);
      this.text.set(this.drafts.get(key));
    }
    const editId = editing?.id ?? null;
    if (editId === this.currentEditId) return;
    if (editing) {
      if (this.currentEditId === null) this.drafts.set(key, this.text());
      this.currentEditId = editing.id;
      this.text.set(editing.body);
      this.afterRender(() => {
        const el = this.textarea().nativeElement;
        el.focus();
        el.setSelectionRange(el.value.length, el.value.length);
      });
    } else {
      this.currentEditId = null;
      this.text.set(this.drafts.get(key));
    }
  }

  /**
   * Changes the text the way typing would (execCommand keeps the browser's undo history), falling back to
   * setting the value where the browser does not support it, then selects what the command wants selected.
   */
  private apply(change: (state: TextState) => TextState): void {
    if (this.disabled()) return;
    const el = this.textarea().nativeElement;
    const next = change({ value: el.value, start: el.selectionStart, end: el.selectionEnd });
    const splice = diffText(el.value, next.value);
    el.focus();
    el.setSelectionRange(splice.from, splice.to);
    let done = false;
    try {
      done = splice.text ? document.execCommand('insertText', false, splice.text) : splice.from === splice.to || document.execCommand('delete');
    } catch {
      done = false;
    }
    if (!done || el.value !== next.value) {
      el.value = next.value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    el.setSelectionRange(next.start, next.end);
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
