import { ListRow } from '../message-item/message-item';

/** Two values the same for a row: identical, or two quotes (plain objects one level deep) with the same fields. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/** Whether a freshly built row shows exactly what the row before it did (same key, same fields). */
export function sameRow(before: ListRow, now: ListRow): boolean {
  if (before.kind !== now.kind || before.key !== now.key) return false;
  const keys = Object.keys(now);
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((k) => sameValue((before as unknown as Record<string, unknown>)[k], (now as unknown as Record<string, unknown>)[k]));
}

/**
 * Keeps the row objects of the previous build where nothing in them changed, so that the conversation's
 * rows that did not change keep their identity: the list then checks and redraws only the rows that did
 * (a new message, the one that stops being the last of its group, the one that gets "Seen by").
 */
export class StableRows {
  private previous = new Map<string, ListRow>();

  keep(rows: readonly ListRow[]): ListRow[] {
    const next = new Map<string, ListRow>();
    const kept = rows.map((row) => {
      const before = this.previous.get(row.key);
      const shown = before && sameRow(before, row) ? before : row;
      next.set(row.key, shown);
      return shown;
    });
    this.previous = next;
    return kept;
  }

  /** Another room: nothing of the previous one is kept. */
  clear(): void {
    this.previous = new Map();
  }
}
