import { Injectable } from '@nestjs/common';
import { KeyRing } from '../encryption/key-ring';

/** Each name's ciphertext is bound to its column and its file: a name copied into another row does not decrypt. */
const nameAad = (fileId: string) => `files.name:${fileId}`;

/**
 * Files' names as stored in `files.name`: encrypted with the key ring's current data key (plaintext with
 * ENCRYPTION_AT_REST=off). Everything that reads a file's name opens it here, so callers (the Files panel,
 * downloads, attaching, search) only ever see plaintext.
 */
@Injectable()
export class FileNames {
  constructor(private readonly keys: KeyRing) {}

  seal(fileId: string, name: string): string {
    return this.keys.sealText(name, nameAad(fileId));
  }

  /** The plaintext name of a stored one. Throws UnknownDataKey for a key made since the last refresh (see `openAll`). */
  openSync(fileId: string, stored: string): string {
    return this.keys.openText(stored, nameAad(fileId));
  }

  /** Copies of the rows with their names in plaintext, re-reading the data keys once when one is new. */
  openAll<R extends { id: string; name: string }>(rows: R[]): Promise<R[]> {
    return this.keys.reading(() => rows.map((r) => ({ ...r, name: this.openSync(r.id, r.name) })));
  }

  async open<R extends { id: string; name: string }>(row: R): Promise<R> {
    return (await this.openAll([row]))[0];
  }

  isCurrent(stored: string): boolean {
    return this.keys.textIsCurrent(stored);
  }
}
