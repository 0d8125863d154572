import { AVATAR_MAX_BYTES_DEFAULT } from '@parley/contracts';
import { avatarFileProblem, sizeInWords } from './avatar-file';

describe('avatarFileProblem', () => {
  it('accepts the image types the server takes, up to the size cap', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) {
      expect(avatarFileProblem({ type, size: 1000 })).toBeNull();
    }
    expect(avatarFileProblem({ type: 'image/png', size: AVATAR_MAX_BYTES_DEFAULT })).toBeNull();
  });

  it('leaves a file of unknown type to the server, which judges by the bytes', () => {
    expect(avatarFileProblem({ type: '', size: 1000 })).toBeNull();
  });

  it('says why a file cannot be a picture', () => {
    expect(avatarFileProblem({ type: 'application/pdf', size: 1000 })).toBe('Choose a PNG, JPEG, GIF or WebP image.');
    expect(avatarFileProblem({ type: 'image/svg+xml', size: 1000 })).toBe('Choose a PNG, JPEG, GIF or WebP image.');
    expect(avatarFileProblem({ type: 'image/png', size: 0 })).toBe('The file is empty.');
    expect(avatarFileProblem({ type: 'image/jpeg', size: 7.5 * 1024 * 1024 })).toBe('The picture must be at most 5 MB; this one is 7.5 MB.');
  });
});

describe('sizeInWords', () => {
  it('speaks in MB and KB', () => {
    expect(sizeInWords(5 * 1024 * 1024)).toBe('5 MB');
    expect(sizeInWords(512 * 1024)).toBe('512 KB');
    expect(sizeInWords(100)).toBe('1 KB');
  });
});
