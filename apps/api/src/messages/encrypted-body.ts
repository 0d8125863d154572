import type { EncryptedContent } from '@parley/contracts';

/**
 * How a message of an end-to-end encrypted room is stored: its ciphertext in the `body` column (which is then
 * sealed at rest like any body), behind a mark no body can hold (bodies refuse control characters: see
 * PlainText in common/field-rules.ts). Every read path turns rows into messages through rowToMessage, which
 * splits it back into `encrypted` and an empty body.
 */
const MARK = '\u0000e2ee:';

export function encryptedBody(c: EncryptedContent): string {
  return MARK + JSON.stringify({ algorithm: c.algorithm, ciphertext: c.ciphertext, senderKey: c.senderKey, senderDeviceId: c.senderDeviceId, sessionId: c.sessionId });
}

/** A stored body as a message's `body` and `encrypted`. */
export function splitBody(stored: string): { body: string; encrypted: EncryptedContent | null } {
  if (!stored.startsWith(MARK)) return { body: stored, encrypted: null };
  return { body: '', encrypted: JSON.parse(stored.slice(MARK.length)) as EncryptedContent };
}
