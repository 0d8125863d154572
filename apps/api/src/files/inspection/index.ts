/** How the files module judges an uploaded file: its type, whether it may be shown inline, its picture size
 * and thumbnail, and a safe name. Plain functions, no state. */
export { inspectFile } from './inspect-file';
export type { Inspection, InspectOptions } from './inspect-file';
export { sanitizeFileName } from './file-name';
export { inlineSafe, sniffType } from './sniff';
