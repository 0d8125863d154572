/** A formatting button of the composer's toolbar. */
export type FormatCommand =
  | 'bold'
  | 'italic'
  | 'underline'
  | 'strikethrough'
  | 'heading'
  | 'subscript'
  | 'superscript'
  | 'bulletList'
  | 'numberedList'
  | 'quote'
  | 'highlight'
  | 'code'
  | 'codeBlock'
  | 'link';

export interface FormatTool {
  command: FormatCommand;
  label: string;
  /** Text shown on the button (styled per tool), or an SVG path when `path` is set. */
  glyph?: string;
  path?: string;
  /** The keys after Ctrl (Cmd on a Mac), as aria-keyshortcuts spells them (`Shift+S`). */
  keys?: string;
  /** Followed by a separator in the toolbar. */
  groupEnd?: boolean;
}

export const FORMAT_TOOLS: readonly FormatTool[] = [
  { command: 'bold', label: 'Bold', glyph: 'B', keys: 'B' },
  { command: 'italic', label: 'Italic', glyph: 'I', keys: 'I' },
  { command: 'underline', label: 'Underline', glyph: 'U', keys: 'U' },
  { command: 'strikethrough', label: 'Strikethrough', glyph: 'S', keys: 'Shift+S', groupEnd: true },
  { command: 'link', label: 'Link', keys: 'K', path: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1' },
  { command: 'bulletList', label: 'Bulleted list', keys: 'Shift+8', path: 'M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01' },
  { command: 'numberedList', label: 'Numbered list', keys: 'Shift+7', path: 'M10 6h10M10 12h10M10 18h10M4 5l1.5-1V9M3.5 14.5c.4-.6 2.5-.9 2.5.5 0 1-2.5 2-2.5 3.5H6' },
  { command: 'quote', label: 'Quote', keys: 'Shift+B', path: 'M5 6v12M10 8h9M10 12h9M10 16h6' },
  { command: 'code', label: 'Inline code', keys: 'E', path: 'M9 8l-4 4 4 4M15 8l4 4-4 4' },
  { command: 'codeBlock', label: 'Code block', keys: 'Alt+C', path: 'M4 5h16v14H4zM8 10l-2 2 2 2M16 10l2 2-2 2M13 9l-2 6', groupEnd: true },
  { command: 'heading', label: 'Heading', glyph: 'H', keys: 'Alt+1' },
  { command: 'highlight', label: 'Highlight', keys: 'Shift+H', path: 'M15 5l4 4-8 8H7v-4l8-8zM4 21h16' },
  // Drawn, not typed: a text glyph ("x₂") would be visible text missing from the button's name (WCAG 2.5.3).
  { command: 'subscript', label: 'Subscript', keys: ',', path: 'M4 6l8 10M12 6l-8 10M15 15c0-1 .8-1.6 1.9-1.6s1.9.6 1.9 1.5c0 1.6-3.8 2.4-3.8 4.1h3.9' },
  { command: 'superscript', label: 'Superscript', keys: '.', path: 'M4 8l8 10M12 8l-8 10M15 5c0-1 .8-1.6 1.9-1.6s1.9.6 1.9 1.5c0 1.6-3.8 2.4-3.8 4.1h3.9' },
];
