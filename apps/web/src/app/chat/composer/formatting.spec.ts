import { TextState, applyColor, applyFormat, diffText, insertText } from './formatting';

/** Text with the selection marked by « and » (or a single | for the caret), for readable cases. */
function parse(marked: string): TextState {
  if (marked.includes('|')) {
    const at = marked.indexOf('|');
    return { value: marked.replace('|', ''), start: at, end: at };
  }
  const start = marked.indexOf('«');
  const end = marked.indexOf('»') - 1;
  return { value: marked.replace('«', '').replace('»', ''), start, end };
}

function show(state: TextState): string {
  const { value, start, end } = state;
  if (start === end) return `${value.slice(0, start)}|${value.slice(start)}`;
  return `${value.slice(0, start)}«${value.slice(start, end)}»${value.slice(end)}`;
}

describe('applyFormat: inline wrappers', () => {
  it.each([
    ['bold', 'say «hello» there', 'say **«hello»** there'],
    ['italic', '«word»', '_«word»_'],
    ['underline', '«word»', '<u>«word»</u>'],
    ['strikethrough', '«word»', '~~«word»~~'],
    ['subscript', 'H«2»O', 'H<sub>«2»</sub>O'],
    ['superscript', 'x«2»', 'x<sup>«2»</sup>'],
    ['highlight', '«note»', '<mark>«note»</mark>'],
    ['code', 'run «npm test» now', 'run `«npm test»` now'],
  ] as const)('%s wraps the selection', (command, before, after) => {
    expect(show(applyFormat(parse(before), command))).toBe(after);
  });

  it('inserts a selected placeholder when nothing is selected', () => {
    expect(show(applyFormat(parse('a |b'), 'bold'))).toBe('a **«bold text»**b');
  });

  it('unwraps when the markers are already around the selection', () => {
    expect(show(applyFormat(parse('say **«hello»** there'), 'bold'))).toBe('say «hello» there');
    expect(show(applyFormat(parse('say «**hello**» there'), 'bold'))).toBe('say «hello» there');
    expect(show(applyFormat(parse('<u>«x»</u>'), 'underline'))).toBe('«x»');
  });

  it('keeps whitespace at the edges outside the markers', () => {
    expect(show(applyFormat(parse('a« word »b'), 'bold'))).toBe('a **«word»** b');
  });

  it('wraps each line of a multi-line selection on its own, skipping blank lines', () => {
    expect(show(applyFormat(parse('«one\n\ntwo»'), 'italic'))).toBe('«_one_\n\n_two_»');
  });
});

describe('applyColor', () => {
  it('wraps the selection in a palette span', () => {
    expect(show(applyColor(parse('«alert»'), 'red'))).toBe('<span data-color="red">«alert»</span>');
  });

  it('inserts a placeholder at the caret', () => {
    expect(show(applyColor(parse('|'), 'blue'))).toBe('<span data-color="blue">«coloured text»</span>');
  });
});

describe('applyFormat: line prefixes', () => {
  it('makes the current line a heading, and back', () => {
    expect(show(applyFormat(parse('Tit|le'), 'heading'))).toBe('# Tit|le');
    expect(show(applyFormat(parse('# Tit|le'), 'heading'))).toBe('Tit|le');
  });

  it('turns the selected lines into a bullet list', () => {
    expect(show(applyFormat(parse('intro\n«one\ntwo»'), 'bulletList'))).toBe('intro\n«- one\n- two»');
  });

  it('numbers the selected lines, skipping blank ones', () => {
    expect(show(applyFormat(parse('«a\n\nb\nc»'), 'numberedList'))).toBe('«1. a\n\n2. b\n3. c»');
  });

  it('removes the list marks when every line has one', () => {
    expect(show(applyFormat(parse('«- one\n- two»'), 'bulletList'))).toBe('«one\ntwo»');
    expect(show(applyFormat(parse('«1. one\n2. two»'), 'numberedList'))).toBe('«one\ntwo»');
  });

  it('starts a list on an empty line with the caret after the mark', () => {
    expect(show(applyFormat(parse('|'), 'bulletList'))).toBe('- |');
    expect(show(applyFormat(parse('|'), 'numberedList'))).toBe('1. |');
  });

  it('does not take in the next line when the selection ends at a line break', () => {
    expect(show(applyFormat(parse('«one\n»two'), 'bulletList'))).toBe('«- one»\ntwo');
  });
});

describe('applyFormat: code block', () => {
  it('fences an empty block on its own lines with the caret inside', () => {
    expect(show(applyFormat(parse('look:|'), 'codeBlock'))).toBe('look:\n```\n|\n```');
  });

  it('fences the selected lines, and unfences them again', () => {
    const fenced = applyFormat(parse('«const a = 1;\nconst b = 2;»'), 'codeBlock');
    expect(show(fenced)).toBe('```\n«const a = 1;\nconst b = 2;»\n```');
    expect(show(applyFormat({ ...fenced, start: 0, end: fenced.value.length }, 'codeBlock'))).toBe('«const a = 1;\nconst b = 2;»');
  });
});

describe('applyFormat: link', () => {
  it('uses the selection as the link text and selects the URL to type', () => {
    expect(show(applyFormat(parse('see «the docs» now'), 'link'))).toBe('see [the docs](«https://») now');
  });

  it('uses a selected URL as the target and selects the text to type', () => {
    expect(show(applyFormat(parse('«https://example.com»'), 'link'))).toBe('[«link text»](https://example.com)');
  });

  it('inserts a whole link when nothing is selected', () => {
    expect(show(applyFormat(parse('|'), 'link'))).toBe('[«link text»](https://)');
  });
});

describe('insertText and diffText', () => {
  it('inserts an emoji at the caret, replacing the selection', () => {
    expect(show(insertText(parse('hi «there»'), '👋'))).toBe('hi 👋|');
  });

  it('finds the one splice between two texts', () => {
    expect(diffText('say hello there', 'say **hello** there')).toEqual({ from: 4, to: 9, text: '**hello**' });
    expect(diffText('abc', 'abc')).toEqual({ from: 3, to: 3, text: '' });
    expect(diffText('aXc', 'ac')).toEqual({ from: 1, to: 2, text: '' });
  });
});
