import { EncryptedAttachment } from '@parley/contracts';
import { carriedBy, readSealedAttachments } from './sealed-attachment';
import { downloadName, shownType } from './sealed-files';

const fileKey = { v: 'v2', key: { kty: 'oct', alg: 'A256CTR', k: 'a2V5LWtleS1rZXk', key_ops: ['encrypt', 'decrypt'], ext: true }, iv: 'aXZpdml2aXY', hashes: { sha256: 'c2hhMjU2' } };
const picture = {
  id: 'f1',
  name: 'cat.png',
  size: 1200,
  mime: 'image/png',
  width: 640,
  height: 480,
  file: fileKey,
  thumbnail: { id: 't1', width: 480, height: 360, mime: 'image/webp', file: fileKey },
};

describe('the files a decrypted message describes (written by its sender, so checked)', () => {
  it('keeps well-formed descriptions and drops the rest', () => {
    const read = readSealedAttachments([
      picture,
      { ...picture, id: 'no-key', file: { ...fileKey, key: { ...fileKey.key, alg: 'A128CBC' } } },
      { ...picture, id: 'f2', size: -1 },
      'junk',
      null,
      { ...picture, id: 'f3', thumbnail: { id: 't3', width: 0, height: 10, mime: 'image/webp', file: fileKey }, width: 'wide' },
    ]);
    expect(read.map((a) => a.id)).toEqual(['f1', 'f3']);
    expect(read[0]).toEqual(picture);
    // A thumbnail without a size is dropped, and so is a width that is not a number.
    expect(read[1]).toMatchObject({ thumbnail: null, width: null });
    expect(readSealedAttachments({ not: 'a list' })).toEqual([]);
    expect(readSealedAttachments(Array.from({ length: 30 }, (_, i) => ({ ...picture, id: `f${i}` })))).toHaveLength(10);
  });

  it('keeps only the uploads the server says the message carries', () => {
    const [a] = readSealedAttachments([picture]) as [EncryptedAttachment];
    expect(carriedBy([a], ['f1', 't1'])).toEqual([a]);
    expect(carriedBy([a], ['f1'])).toEqual([{ ...a, thumbnail: null }]);
    expect(carriedBy([a], ['t1', 'other'])).toEqual([]);
  });

  it('never lets a sender choose a type the page would run, nor a name with a path', () => {
    expect(shownType('image/png')).toBe('image/png');
    expect(shownType('video/mp4')).toBe('video/mp4');
    expect(shownType('text/html')).toBe('application/octet-stream');
    expect(shownType('image/svg+xml')).toBe('application/octet-stream');
    expect(downloadName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(downloadName('  ')).toBe('file');
  });
});
