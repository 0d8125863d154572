import { EnterKey, enterAction, isTouchDevice } from './enter-key';

const key = (overrides: Partial<EnterKey> = {}): EnterKey => ({ key: 'Enter', shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...overrides });

describe('enterAction', () => {
  describe('on a computer (Slack-like)', () => {
    it('Enter sends', () => expect(enterAction(key(), false)).toBe('send'));
    it('Shift+Enter starts a new line', () => expect(enterAction(key({ shiftKey: true }), false)).toBe('newLine'));
    it('Alt+Enter starts a new line', () => expect(enterAction(key({ altKey: true }), false)).toBe('newLine'));
    it('Ctrl+Enter and Cmd+Enter send', () => {
      expect(enterAction(key({ ctrlKey: true }), false)).toBe('send');
      expect(enterAction(key({ metaKey: true }), false)).toBe('send');
    });
  });

  describe('on a touch screen', () => {
    it('Return starts a new line (the Send button sends)', () => expect(enterAction(key(), true)).toBe('newLine'));
    it('Shift+Return starts a new line too', () => expect(enterAction(key({ shiftKey: true }), true)).toBe('newLine'));
    it('Ctrl+Enter from a keyboard sends', () => expect(enterAction(key({ ctrlKey: true }), true)).toBe('send'));
  });

  it('leaves a key that finishes an IME composition alone', () => {
    expect(enterAction(key({ isComposing: true }), false)).toBe('none');
    expect(enterAction(key({ isComposing: true }), true)).toBe('none');
  });

  it('leaves other keys alone', () => {
    expect(enterAction(key({ key: 'a' }), false)).toBe('none');
    expect(enterAction(key({ key: 'Escape' }), true)).toBe('none');
  });
});

describe('isTouchDevice', () => {
  const device = (queries: Record<string, boolean>, maxTouchPoints: number) =>
    ({
      matchMedia: (query: string) => ({ matches: queries[query] ?? false }),
      navigator: { maxTouchPoints },
    }) as unknown as Window;

  it('a phone: coarse pointer', () => expect(isTouchDevice(device({ '(pointer: coarse)': true }, 5))).toBe(true));
  it('a desktop: fine pointer, hover, no touch', () => expect(isTouchDevice(device({ '(any-hover: hover)': true }, 0))).toBe(false));
  it('a laptop with a touch screen: its mouse hovers', () => expect(isTouchDevice(device({ '(any-hover: hover)': true }, 10))).toBe(false));
  it('a touch screen that reports no coarse pointer and cannot hover', () => expect(isTouchDevice(device({}, 5))).toBe(true));
  it('no window (server-side): not touch', () => expect(isTouchDevice(undefined)).toBe(false));
});
