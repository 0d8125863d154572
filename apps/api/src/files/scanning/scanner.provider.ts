import type { FileScanConfig } from '../../config/config';
import type { FileScanner } from '../file-scanner';
import { ClamdScanner } from './clamd-scanner';
import { NoScanner } from './no-scanner';

/** The scanner FILE_SCAN asks for. */
export function createFileScanner(config: FileScanConfig): FileScanner {
  return config.kind === 'clamd' ? new ClamdScanner({ host: config.host, port: config.port, failOpen: config.failOpen }) : new NoScanner();
}
