import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'parley-config-'));
const s3 = { FILE_STORAGE: 's3', S3_BUCKET: 'parley-files', S3_ACCESS_KEY_ID: 'AKIAEXAMPLE', S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' };

describe('file storage and scanning settings', () => {
  it('keeps files on local disk under DATA_DIR/files and scans nothing by default', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.fileStorage).toEqual({ kind: 'local', root: join(dir, 'files') });
    expect(config.fileScan).toEqual({ kind: 'none' });
  });

  it('reads an S3 store, with a prefix always ending in one slash', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      ...s3,
      S3_ENDPOINT: 'http://minio:9000/',
      S3_REGION: 'eu-central-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'chat/parley',
    });
    expect(config.fileStorage).toEqual({
      kind: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'parley-files',
      region: 'eu-central-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
      forcePathStyle: true,
      prefix: 'chat/parley/',
    });
    expect(loadConfig({ DATA_DIR: dataDir(), ...s3 }).fileStorage).toMatchObject({ endpoint: null, region: 'us-east-1', forcePathStyle: false, prefix: '' });
  });

  it.each([
    [{ FILE_STORAGE: 's3' }, 'FILE_STORAGE=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY'],
    [{ ...s3, S3_SECRET_ACCESS_KEY: '' }, 'FILE_STORAGE=s3 needs S3_SECRET_ACCESS_KEY'],
    [{ ...s3, S3_BUCKET: 'Not_A_Bucket' }, 'S3_BUCKET must be an S3 bucket name'],
    [{ ...s3, S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT must be a URL'],
    [{ ...s3, S3_PREFIX: '../up' }, 'S3_PREFIX must be a key prefix'],
    [{ FILE_STORAGE: 'ftp' }, 'FILE_STORAGE'],
    [{ FILE_SCAN: 'virustotal' }, 'FILE_SCAN'],
    [{ CLAMD_PORT: '99999' }, 'CLAMD_PORT must be at most 65535'],
    [{ FILE_SCAN_FAIL_OPEN: 'yes' }, 'FILE_SCAN_FAIL_OPEN'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });

  it('scans with clamd on 127.0.0.1:3310, failing closed, unless told otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), FILE_SCAN: 'clamd' }).fileScan).toEqual({ kind: 'clamd', host: '127.0.0.1', port: 3310, failOpen: false });
    expect(loadConfig({ DATA_DIR: dataDir(), FILE_SCAN: 'clamd', CLAMD_HOST: 'clamav', CLAMD_PORT: '3311', FILE_SCAN_FAIL_OPEN: 'true' }).fileScan).toEqual({
      kind: 'clamd',
      host: 'clamav',
      port: 3311,
      failOpen: true,
    });
  });
});
