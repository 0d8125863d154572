import { pastedFiles } from './pasted-files';

const clipboard = (files: File[], text = '') => ({
  files: files as unknown as FileList,
  getData: (type: string) => (type === 'text/plain' ? text : ''),
});

describe('pastedFiles', () => {
  it('takes a pasted screenshot or copied files', () => {
    const shot = new File([new Uint8Array(4)], 'image.png', { type: 'image/png' });
    expect(pastedFiles(clipboard([shot]))).toEqual([shot]);
  });

  it('leaves text alone, even when the app it came from adds a picture of it', () => {
    const picture = new File([new Uint8Array(4)], 'image.png', { type: 'image/png' });
    expect(pastedFiles(clipboard([picture], 'Q3 figures\t12\t14'))).toEqual([]);
    expect(pastedFiles(clipboard([], 'hello'))).toEqual([]);
    expect(pastedFiles(null)).toEqual([]);
  });
});
