import { Logger } from '@nestjs/common';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing, UnknownDataKey } from '../encryption/key-ring';

/** A message row's encrypted columns: `body` (empty for tombstones and messages of files only) and a system line's `event`. */
export interface SealedColumns {
  id: string;
  body: string;
  event?: string | null;
}

/** A rewrite of one row's encrypted columns, applied only if the row still holds `old*` (nobody changed it meanwhile). */
export interface Reseal {
  id: string;
  body: string;
  event: string | null;
  oldBody: string;
  oldEvent: string | null;
}

// Each ciphertext is bound to its column and its message: a body copied into another row does not decrypt.
const bodyAad = (id: string) => `messages.body:${id}`;
const eventAad = (id: string) => `messages.event:${id}`;

/**
 * Messages' text as stored: bodies and system lines' events (they hold room names and topics) encrypted
 * with the key ring's current data key; empty bodies stay empty. Every read path opens rows through here.
 */
export class MessageSealing {
  private readonly logger = new Logger(MessageSealing.name);

  constructor(private readonly keys: KeyRing) {}

  body(id: string, plaintext: string): string {
    return plaintext === '' ? '' : this.keys.sealText(plaintext, bodyAad(id));
  }

  event(id: string, json: string | null): string | null {
    return json === null ? null : this.keys.sealText(json, eventAad(id));
  }

  /** A copy of the row with its body and event in plaintext. Throws UnknownDataKey for a key made since the last refresh. */
  open<R extends SealedColumns>(row: R): R {
    const body = row.body === '' ? '' : this.keys.openText(row.body, bodyAad(row.id));
    return row.event ? { ...row, body, event: this.keys.openText(row.event, eventAad(row.id)) } : { ...row, body };
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
    const stale = rows.filter((r) => !this.keys.textIsCurrent(r.body) || (r.event && !this.keys.textIsCurrent(r.event)));
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
      out.push({ id: row.id, body: this.body(row.id, plain.body), event: this.event(row.id, plain.event ?? null), oldBody: row.body, oldEvent: row.event ?? null });
    }
    return out;
  }
}
