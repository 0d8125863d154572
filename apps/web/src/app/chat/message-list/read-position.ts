/** A rendered row of the list: its message's seq (null for separators and messages still on their way) and where it is. */
export interface RowBox {
  seq: number | null;
  top: number;
  bottom: number;
}

/** How far a row may stick out of the viewport and still count as fully there (sub-pixel layout). */
const TOLERANCE_PX = 2;

/**
 * The highest seq among the messages the reader has in view: a message counts once its end is inside the
 * viewport (the whole of it has passed by), or when it is taller than the viewport and fills it. 0 when
 * no message is in view.
 */
export function lastSeqInView(rows: readonly RowBox[], viewTop: number, viewBottom: number): number {
  let highest = 0;
  for (const row of rows) {
    if (row.seq === null || row.seq <= highest) continue;
    const endInView = row.bottom <= viewBottom + TOLERANCE_PX && row.bottom > viewTop + TOLERANCE_PX;
    const fillsView = row.top <= viewTop + TOLERANCE_PX && row.bottom >= viewBottom - TOLERANCE_PX;
    if (endInView || fillsView) highest = row.seq;
  }
  return highest;
}

/** Where a row stands relative to the viewport. */
export function rowPlace(box: { top: number; bottom: number }, viewTop: number, viewBottom: number): 'above' | 'in-view' | 'below' {
  if (box.bottom <= viewTop + TOLERANCE_PX) return 'above';
  if (box.top >= viewBottom - TOLERANCE_PX) return 'below';
  return 'in-view';
}
