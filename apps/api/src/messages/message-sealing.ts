import { Logger } from '@nestjs/common';
import type { Attachment } from '@parley/contracts';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing, UnknownDataKey } from '../encryption/key-ring';
import { FileNames } from '../files/file-names';

/**
 * A message row's encrypted columns: `body` (empty for tombstones and messages of files only), a system line's
 * `event`, and `attachments` (the JSON list of its files, with their names; null for none).
 */
export interface SealedColumns {
  id: string;
  body: string;
  event?: string | null;
  attachments?: string | null;
}

/** A rewrite of one row's encrypted columns, applied only if the row still holds `old*` (nobody changed it meanwhile). */
export interface Reseal {
  id: string;
  body: string;
  event: string | null;
  attachments: string | null;
  oldBody: string;
  oldEvent: string | null;
  oldAttachments: string | null;
}

// Each ciphertext is bound to its column and its message: a body copied into another row does not decrypt.
const bodyAad = (id: string) => `messages.body:${id}`;
const eventAad = (id: string) => `messages.event:${id}`;
const attachmentsAad = (id: string) => `messages.attachments:${id}`;

/**
 * Messages' text as stored: bodies and system lines' events (they hold room names and topics) encrypted
 * with the key ring's current data key; empty bodies stay empty. Every read path opens rows through here.
 */
export class MessageSealing {
  private readonly logger = new Logger(MessageSealing.name);

  /** Files' names, which a send copies into the message's attachments. */
  readonly fileNames: FileNames;

  constructor(private readonly keys: KeyRing) {
    this.fileNames = new FileNames(keys);
  }

  body(id: string, plaintext: string): string {
    return plaintext === '' ? '' : this.keys.sealText(plaintext, bodyAad(id));
  }

  event(id: string, json: string | null): string | null {
    return json === null ? null : this.keys.sealText(json, eventAad(id));
  }

  /** The attachments column of a message carrying `list` (JSON, encrypted; null for none). */
  attachments(id: string, list: readonly Attachment[]): string | null {
    return list.length ? this.keys.sealText(JSON.stringify(list), attachmentsAad(id)) : null;
  }

  /** A copy of the row with its body, event and attachments in plaintext. Throws UnknownDataKey for a key made since the last refresh. */
  open<R extends SealedColumns>(row: R): R {
    const out = { ...row, body: row.body === '' ? '' : this.keys.openText(row.body, bodyAad(row.id)) };
    if (row.event) out.event = this.keys.openText(row.event, eventAad(row.id));
    if (row.attachments) out.attachments = this.keys.openText(row.attachments, attachmentsAad(row.id));
    return out;
  }

  /** The rows opened, re-reading the data keys once when one is new (another process's rotation). */
  openAll<R extends SealedColumns>(rows: R[]): Promise<R[]> {
    return this.keys.reading(() => rows.map((r) => this.open(r)));
  }

  /**
   * The rewrites that bring rows in line with the key ring (plaintext encrypted, retired keys replaced). A
   * row that cannot be decrypted is left as it is, and logged.
   */
  async reseals(rows: SealedColumns[]): Promise<Reseal[]> {
    const stale = rows.filter(
      (r) => !this.keys.textIsCurrent(r.body) || (r.event && !this.keys.textIsCurrent(r.event)) || (r.attachments && !this.keys.textIsCurrent(r.attachments)),
    );
    const out: Reseal[] = [];
    for (const row of stale) {
      let plain: SealedColumns;
      try {
        [plain] = await this.openAll([row]);
      } catch (err) {
        if (!(err instanceof DecryptionFailed || err instanceof UnknownDataKey)) throw err;
        this.logger.warn(`Message ${row.id} cannot be decrypted (${err.message}); left as it is`);
        continue;
      }
      out.push({
        id: row.id,
        body: this.body(row.id, plain.body),
        event: this.event(row.id, plain.event ?? null),
        attachments: plain.attachments ? this.keys.sealText(plain.attachments, attachmentsAad(row.id)) : null,
        oldBody: row.body,
        oldEvent: row.event ?? null,
        oldAttachments: row.attachments ?? null,
      });
    }
    return out;
  }
}
