import { Injectable, inject } from '@angular/core';
import { fileContentUrl, fileThumbnailUrl } from '@parley/contracts';
import { SealedFiles } from '../../e2ee/sealed-files/sealed-files';
import { ShownAttachment } from './shown-attachment';

/**
 * Where the page gets a file's bytes: the server's addresses for files it can read, or, for files of encrypted
 * rooms, object URLs of what the browser decrypted (null while it is decrypting). Read inside `computed()`: a
 * decrypted file arriving updates what shows it.
 */
@Injectable({ providedIn: 'root' })
export class FileSources {
  private readonly sealedFiles = inject(SealedFiles);

  thumbnail(a: ShownAttachment): string | null {
    return a.sealed ? this.sealedFiles.open(a.sealed, 'thumbnail')().url : fileThumbnailUrl(a.id);
  }

  content(a: ShownAttachment): string | null {
    return a.sealed ? this.sealedFiles.open(a.sealed, 'file')().url : fileContentUrl(a.id);
  }

  /** The address that saves the file; null for an encrypted one (`save` decrypts it first). */
  download(a: ShownAttachment): string | null {
    return a.sealed ? null : downloadUrl(a.id);
  }

  /** Saves an encrypted file under its real name once it is decrypted. */
  save(a: ShownAttachment): Promise<void> {
    return a.sealed ? this.sealedFiles.save(a.sealed) : Promise.resolve();
  }

  /** Why an encrypted file (or its preview) cannot show, if it cannot. */
  problem(a: ShownAttachment, part: 'file' | 'thumbnail'): string | null {
    return a.sealed ? this.sealedFiles.open(a.sealed, part)().error : null;
  }
}

/** The download address of a file: always saved, never shown in the browser. */
export function downloadUrl(id: string): string {
  return `${fileContentUrl(id)}?download=1`;
}
