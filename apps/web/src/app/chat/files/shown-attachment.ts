import { Attachment, EncryptedAttachment } from '@parley/contracts';

/**
 * A file as the conversation shows it: the server's description, or, in an end-to-end encrypted room, the one
 * the decrypted message gave, with `sealed` holding its keys (its bytes are decrypted in the browser).
 */
export interface ShownAttachment extends Attachment {
  sealed?: EncryptedAttachment;
}

/** An encrypted file as the conversation shows it. */
export function shownOf(sealed: EncryptedAttachment): ShownAttachment {
  return {
    id: sealed.id,
    name: sealed.name,
    size: sealed.size,
    mime: sealed.mime,
    width: sealed.width,
    height: sealed.height,
    thumbnail: sealed.thumbnail !== null,
    sealed,
  };
}
