import { Dialog } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';

/** The result picked in the search dialog: the message at `seq` in the room. */
export interface SearchPick {
  roomId: string;
  seq: number;
}

/**
 * Opens message search (Ctrl/Cmd+K, or the search buttons), and the result picked in it: the conversation at
 * that message (`/r/<room>?at=<seq>`), which loads the page around it and flashes it.
 */
@Injectable({ providedIn: 'root' })
export class MessageSearch {
  private readonly dialog = inject(Dialog);
  private readonly router = inject(Router);
  private open = false;
  /** How the shortcut is written on this computer: ⌘K on Apple's, Ctrl+K elsewhere. */
  readonly shortcut = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '') ? '⌘K' : 'Ctrl+K';

  async show(): Promise<void> {
    if (this.open) return;
    this.open = true;
    try {
      const { SearchDialog } = await import('./search-dialog/search-dialog');
      const picked = await firstValueFrom(
        this.dialog.open<SearchPick>(SearchDialog, { panelClass: 'search-dialog-panel', maxWidth: '100vw', autoFocus: 'first-tabbable' }).closed,
      );
      if (picked) await this.router.navigate(['/r', picked.roomId], { queryParams: { at: picked.seq } });
    } finally {
      this.open = false;
    }
  }
}
