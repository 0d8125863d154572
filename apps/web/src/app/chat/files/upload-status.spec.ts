import { PendingUpload } from './upload-queue';
import { uploadStatusText } from './upload-status';

const upload = (overrides: Partial<PendingUpload>): PendingUpload => ({
  key: 'k',
  roomId: 'r',
  file: new File([], 'a.bin'),
  name: 'a.bin',
  size: 3 * 1024 * 1024,
  lastModified: 0,
  type: '',
  previewUrl: null,
  status: 'uploading',
  sent: 1024 * 1024,
  error: null,
  retryable: false,
  fileId: null,
  attachment: null,
  sealed: null,
  sendId: null,
  ...overrides,
});

describe('uploadStatusText: the line under a file in the tray', () => {
  it('says how far it is, or what it waits for', () => {
    expect(uploadStatusText(upload({}))).toBe('1 MB of 3 MB');
    expect(uploadStatusText(upload({ status: 'paused' }))).toBe('1 MB of 3 MB · Waiting for the connection');
    expect(uploadStatusText(upload({ status: 'queued' }))).toBe('3 MB · Waiting');
    expect(uploadStatusText(upload({ status: 'processing' }))).toBe('3 MB · Checking…');
    expect(uploadStatusText(upload({ status: 'ready' }))).toBe('3 MB · Ready');
    expect(uploadStatusText(upload({ status: 'failed', error: 'Cannot reach the server.' }))).toBe('Cannot reach the server.');
  });
});
