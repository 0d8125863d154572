/** The horizontal extent of something on screen (a DOMRect has it). */
export interface Span {
  left: number;
  width: number;
}

/**
 * Where a popover goes so that it sits over the button that opened it: centred on the button, pushed back inside
 * the viewport (with a margin) when that would cut it off. Returns its `left` relative to `container`, the
 * positioned box it is placed in.
 */
export function popoverLeft(anchor: Span, container: Span, popoverWidth: number, viewportWidth: number, margin = 8): number {
  const centred = anchor.left + anchor.width / 2 - popoverWidth / 2;
  const max = viewportWidth - margin - popoverWidth;
  const onScreen = Math.max(margin, Math.min(centred, max));
  return Math.round(onScreen - container.left);
}
