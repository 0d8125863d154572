/** What Enter does in the composer. */
export type EnterAction = 'send' | 'newLine' | 'none';

/** The parts of a key press that decide it (a KeyboardEvent has them all). */
export interface EnterKey {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
}

/**
 * On a computer Enter sends and Shift+Enter starts a new line, everywhere (in a list or a code block too), as in
 * Slack. On a touch screen Return starts a new line and the Send button sends: there is no Shift key to hold.
 * Ctrl/Cmd+Enter sends on both. Keys that finish an IME composition are left alone.
 */
export function enterAction(event: EnterKey, touch: boolean): EnterAction {
  if (event.key !== 'Enter' || event.isComposing) return 'none';
  if (event.ctrlKey || event.metaKey) return 'send';
  if (event.shiftKey || event.altKey) return 'newLine';
  return touch ? 'newLine' : 'send';
}

/**
 * Whether the device is used by touch (a phone or tablet without a mouse): its main pointer is coarse, or it has
 * a touch screen and no pointer that can hover. A laptop with a touch screen has a fine main pointer: not touch.
 */
export function isTouchDevice(view: Pick<Window, 'matchMedia' | 'navigator'> | undefined = globalThis.window): boolean {
  if (!view?.matchMedia) return false;
  if (view.matchMedia('(pointer: coarse)').matches) return true;
  return (view.navigator?.maxTouchPoints ?? 0) > 0 && !view.matchMedia('(any-hover: hover)').matches;
}
