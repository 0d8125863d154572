import { Injectable } from '@angular/core';

const PREFIX = 'parley.draft.';

/**
 * Unsent text per room. Kept for the browser tab (sessionStorage), so a reload or a trip to another room does
 * not lose it, and closing the tab forgets it.
 */
@Injectable({ providedIn: 'root' })
export class ComposerDrafts {
  private readonly memory = new Map<string, string>();

  get(key: string): string {
    if (this.memory.has(key)) return this.memory.get(key)!;
    try {
      return sessionStorage.getItem(PREFIX + key) ?? '';
    } catch {
      return '';
    }
  }

  set(key: string, text: string): void {
    if (!text) return this.clear(key);
    this.memory.set(key, text);
    try {
      sessionStorage.setItem(PREFIX + key, text);
    } catch {
      // Storage full or blocked: the in-memory copy still serves this page.
    }
  }

  clear(key: string): void {
    this.memory.delete(key);
    try {
      sessionStorage.removeItem(PREFIX + key);
    } catch {
      // Nothing stored, nothing to remove.
    }
  }
}
