import type { TextColor } from '../message-body/render-markdown';

/** The text of the composer and what is selected in it (the caret when start === end). */
export interface TextState {
  value: string;
  start: number;
  end: number;
}

/** One replacement that turns the old text into the new: splice `text` over [from, to) of the old value. */
export interface TextChange {
  from: number;
  to: number;
  text: string;
}

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
  | 'highlight'
  | 'code'
  | 'codeBlock'
  | 'link';

const INLINE: Partial<Record<FormatCommand, { before: string; after: string; placeholder: string }>> = {
  bold: { before: '**', after: '**', placeholder: 'bold text' },
  italic: { before: '_', after: '_', placeholder: 'italic text' },
  underline: { before: '<u>', after: '</u>', placeholder: 'underlined text' },
  strikethrough: { before: '~~', after: '~~', placeholder: 'struck text' },
  subscript: { before: '<sub>', after: '</sub>', placeholder: 'subscript' },
  superscript: { before: '<sup>', after: '</sup>', placeholder: 'superscript' },
  highlight: { before: '<mark>', after: '</mark>', placeholder: 'highlighted text' },
  code: { before: '`', after: '`', placeholder: 'code' },
};

/** Applies a toolbar command to the text and selection; returns the new text and selection. */
export function applyFormat(state: TextState, command: FormatCommand): TextState {
  const inline = INLINE[command];
  if (inline) return toggleWrap(state, inline.before, inline.after, inline.placeholder);
  switch (command) {
    case 'heading':
      return toggleLinePrefix(state, /^#{1,6} /, () => '# ');
    case 'bulletList':
      return toggleLinePrefix(state, /^[-*+] /, () => '- ');
    case 'numberedList':
      return toggleLinePrefix(state, /^\d+\. /, (i) => `${i + 1}. `);
    case 'codeBlock':
      return toggleCodeBlock(state);
    case 'link':
      return insertLink(state);
    default:
      return state;
  }
}

/** Wraps the selection in a colour span of the palette. */
export function applyColor(state: TextState, color: TextColor): TextState {
  return toggleWrap(state, `<span data-color="${color}">`, '</span>', 'coloured text');
}

/** Inserts text at the caret (replacing any selection) and puts the caret after it. */
export function insertText(state: TextState, text: string): TextState {
  const value = state.value.slice(0, state.start) + text + state.value.slice(state.end);
  const caret = state.start + text.length;
  return { value, start: caret, end: caret };
}

/**
 * Wraps the selection in `before`/`after`, or removes them when they are already there. Whitespace at the
 * edges of the selection stays outside (Markdown needs `**word**`, not `** word**`); a selection over several
 * lines has each non-blank line wrapped on its own. With nothing selected, a placeholder is inserted and selected.
 */
export function toggleWrap(state: TextState, before: string, after: string, placeholder: string): TextState {
  const { value, start, end } = state;
  if (start === end) {
    const text = before + placeholder + after;
    return { value: value.slice(0, start) + text + value.slice(end), start: start + before.length, end: start + before.length + placeholder.length };
  }
  // Markers right around the selection: take them away.
  if (value.slice(start - before.length, start) === before && value.slice(end, end + after.length) === after) {
    const inner = value.slice(start, end);
    return {
      value: value.slice(0, start - before.length) + inner + value.slice(end + after.length),
      start: start - before.length,
      end: end - before.length,
    };
  }
  const selected = value.slice(start, end);
  // Markers inside the selection, at its edges: take them away too.
  if (selected.length >= before.length + after.length && selected.startsWith(before) && selected.endsWith(after)) {
    const inner = selected.slice(before.length, selected.length - after.length);
    return { value: value.slice(0, start) + inner + value.slice(end), start, end: start + inner.length };
  }
  const next = (wrapped: string) => value.slice(0, start) + wrapped + value.slice(end);
  const edges = (line: string) => /^(\s*)([\s\S]*?)(\s*)$/.exec(line)!;
  if (!selected.includes('\n')) {
    // One line: keep the words selected, so pressing the button again takes the markers off.
    const [, lead, core, trail] = edges(selected);
    if (!core) return state;
    const at = start + lead!.length + before.length;
    return { value: next(`${lead}${before}${core}${after}${trail}`), start: at, end: at + core!.length };
  }
  const wrapped = selected
    .split('\n')
    .map((line) => {
      const [, lead, core, trail] = edges(line);
      return core ? `${lead}${before}${core}${after}${trail}` : line;
    })
    .join('\n');
  return { value: next(wrapped), start, end: start + wrapped.length };
}

/** The whole lines the selection touches, as [from, to) offsets. */
function lineRange(value: string, start: number, end: number): [number, number] {
  const from = value.lastIndexOf('\n', start - 1) + 1;
  // A selection ending just after a line break does not include the next line.
  const last = end > start && value[end - 1] === '\n' ? end - 1 : end;
  const next = value.indexOf('\n', last);
  return [from, next === -1 ? value.length : next];
}

/** Adds a line prefix ("- ", "1. ", "# ") to every line of the selection, or removes it when all lines have one. */
export function toggleLinePrefix(state: TextState, pattern: RegExp, prefix: (index: number) => string): TextState {
  const { value, start, end } = state;
  const [from, to] = lineRange(value, start, end);
  const lines = value.slice(from, to).split('\n');
  const filled = lines.filter((l) => l.trim() !== '');
  const remove = filled.length > 0 && filled.every((l) => pattern.test(l));
  let index = 0;
  const changed = lines.map((line) => {
    if (remove) return line.replace(pattern, '');
    if (line.trim() === '' && lines.length > 1) return line;
    return prefix(index++) + line;
  });
  const block = changed.join('\n');
  const next = value.slice(0, from) + block + value.slice(to);
  if (start === end && lines.length === 1) {
    const caret = Math.max(from, start + (block.length - (to - from)));
    return { value: next, start: caret, end: caret };
  }
  return { value: next, start: from, end: from + block.length };
}

const FENCE = '```';

/** Puts the selected lines in a fenced code block (or takes the fences away), each fence on its own line. */
export function toggleCodeBlock(state: TextState): TextState {
  const { value, start, end } = state;
  const [from, to] = start === end ? [start, end] : lineRange(value, start, end);
  const selected = value.slice(from, to);
  const fenced = /^```[^\n]*\n([\s\S]*)\n```$/.exec(selected);
  if (fenced) {
    const inner = fenced[1]!;
    return { value: value.slice(0, from) + inner + value.slice(to), start: from, end: from + inner.length };
  }
  const lead = from > 0 && value[from - 1] !== '\n' ? '\n' : '';
  const trail = to < value.length && value[to] !== '\n' ? '\n' : '';
  const block = `${lead}${FENCE}\n${selected}\n${FENCE}${trail}`;
  const innerStart = from + lead.length + FENCE.length + 1;
  return { value: value.slice(0, from) + block + value.slice(to), start: innerStart, end: innerStart + selected.length };
}

const URL_LIKE = /^(https?:\/\/|mailto:)\S+$/i;

/** `[text](url)`: the selection becomes the text (or the URL, if it is one); what is left to type is selected. */
export function insertLink(state: TextState): TextState {
  const { value, start, end } = state;
  const selected = value.slice(start, end).trim();
  let text: string;
  let url: string;
  let select: 'text' | 'url';
  if (URL_LIKE.test(selected)) {
    [text, url, select] = ['link text', selected, 'text'];
  } else if (selected) {
    [text, url, select] = [selected, 'https://', 'url'];
  } else {
    [text, url, select] = ['link text', 'https://', 'text'];
  }
  const link = `[${text}](${url})`;
  const next = value.slice(0, start) + link + value.slice(end);
  if (select === 'text') return { value: next, start: start + 1, end: start + 1 + text.length };
  const urlStart = start + text.length + 3;
  return { value: next, start: urlStart, end: urlStart + url.length };
}

/** The smallest splice from one text to another (what changed between the common start and end). */
export function diffText(before: string, after: string): TextChange {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return { from: prefix, to: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}
