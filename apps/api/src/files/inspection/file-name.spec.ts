import { FILE_NAME_MAX_LENGTH } from '@parley/contracts';
import { hostileNames } from '../../testing/bad-files';
import { sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it('keeps ordinary names as they are', () => {
    expect(sanitizeFileName('Quarterly report (final) v2.pdf')).toBe('Quarterly report (final) v2.pdf');
    expect(sanitizeFileName('Überweisung 2026-01.xlsx')).toBe('Überweisung 2026-01.xlsx');
    expect(sanitizeFileName('家族の写真.jpg')).toBe('家族の写真.jpg');
    expect(sanitizeFileName('👩‍👩‍👧 party.png')).toBe('👩‍👩‍👧 party.png');
  });

  it.each([
    [hostileNames.traversal, 'passwd'],
    [hostileNames.windowsTraversal, 'hosts'],
    [hostileNames.absolute, 'secret.key'],
    ['C:\\Users\\ada\\Desktop\\plan.docx', 'plan.docx'],
    ['photos/2026/', '2026'],
  ])('keeps only the last part of the path %j', (name, expected) => {
    expect(sanitizeFileName(name)).toBe(expected);
  });

  it('removes bidi overrides and isolates, so the extension shown is the real one', () => {
    expect(sanitizeFileName(hostileNames.bidiOverride)).toBe('invoice_txt.exe');
    expect(sanitizeFileName(hostileNames.bidiIsolate)).toBe('reportfdp.exe.pdf');
    expect(sanitizeFileName('a\u200Eb\u200Fc\u202Ad\u202Be\u202Cf\u202Dg\u2066h\u2068i.txt')).toBe('abcdefghi.txt');
    expect(sanitizeFileName('zero\u200Bwidth\uFEFF.txt')).toBe('zerowidth.txt');
  });

  it('removes control characters and characters Windows refuses', () => {
    expect(sanitizeFileName(hostileNames.controlCharacters)).toBe('line break.txt');
    expect(sanitizeFileName('what? <really> "this" | that*.txt')).toBe('what_ _really_ _this_ _ that_.txt');
    expect(sanitizeFileName('tab\there.txt')).toBe('tab here.txt');
  });

  it('never starts with a dot nor ends with dots or spaces', () => {
    expect(sanitizeFileName(hostileNames.hidden)).toBe('bashrc');
    expect(sanitizeFileName(hostileNames.trailingDotsAndSpaces)).toBe('notes.txt');
    expect(sanitizeFileName('  spaced  out  .md  ')).toBe('spaced out .md');
  });

  it('renames Windows device names', () => {
    expect(sanitizeFileName(hostileNames.windowsReserved)).toBe('_CON.txt');
    expect(sanitizeFileName('nul')).toBe('_nul');
    expect(sanitizeFileName('com1.log')).toBe('_com1.log');
    expect(sanitizeFileName('console.txt')).toBe('console.txt');
  });

  it('normalises to NFC', () => {
    expect(sanitizeFileName(hostileNames.decomposed)).toBe('caf\u00e9.txt');
  });

  it(`cuts long names to ${FILE_NAME_MAX_LENGTH} characters, keeping the extension and whole characters`, () => {
    const cut = sanitizeFileName(hostileNames.long);
    expect(cut).toHaveLength(FILE_NAME_MAX_LENGTH);
    expect(cut.endsWith('aaaa.pdf')).toBe(true);
    expect(sanitizeFileName('😀'.repeat(10) + '.png', 8)).toBe('😀😀😀😀.png');
    expect(sanitizeFileName('x'.repeat(40), 10)).toBe('x'.repeat(10));
  });

  it('is never empty', () => {
    for (const name of [hostileNames.empty, hostileNames.dotsOnly, '/', '\u202E', ' . ', '\u0000']) {
      expect(sanitizeFileName(name)).toBe('file');
    }
  });
});
