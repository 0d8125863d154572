import { formatFileSize } from './file-size';

describe('formatFileSize', () => {
  it('reads like a file manager: bytes, then one decimal below ten, whole numbers above', () => {
    expect(formatFileSize(0)).toBe('0 bytes');
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(1023)).toBe('1023 bytes');
    expect(formatFileSize(1024)).toBe('1 KB');
    expect(formatFileSize(1536)).toBe('1.5 KB');
    expect(formatFileSize(100 * 1024 * 1024)).toBe('100 MB');
    expect(formatFileSize(23.4 * 1024 * 1024)).toBe('23 MB');
    expect(formatFileSize(1.25 * 1024 ** 3)).toBe('1.3 GB');
    expect(formatFileSize(1024 ** 5)).toBe('1,024 TB');
  });
});
