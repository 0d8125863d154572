import { Dialog } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { ShownAttachment } from '../shown-attachment';

export interface LightboxData {
  images: readonly ShownAttachment[];
  index: number;
}

/** Opens pictures full size, one at a time (the viewer is loaded when first needed). */
@Injectable({ providedIn: 'root' })
export class Lightbox {
  private readonly dialog = inject(Dialog);

  async open(images: readonly ShownAttachment[], index: number): Promise<void> {
    if (images.length === 0) return;
    const { LightboxDialog } = await import('./lightbox-dialog');
    this.dialog.open<void, LightboxData>(LightboxDialog, {
      data: { images, index: Math.min(Math.max(0, index), images.length - 1) },
      width: '100vw',
      height: '100dvh',
      maxWidth: '100vw',
      maxHeight: '100dvh',
    });
  }
}
