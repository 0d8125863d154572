import { popoverLeft } from './popover-position';

describe('popoverLeft', () => {
  const container = { left: 300, width: 900 };

  it('centres the popover on its button', () => {
    // Button at 600..632 on screen, popover 260 wide: 486 on screen, 186 into the container.
    expect(popoverLeft({ left: 600, width: 32 }, container, 260, 1280)).toBe(186);
  });

  it('keeps it inside the right edge of the screen', () => {
    expect(popoverLeft({ left: 1250, width: 32 }, container, 260, 1280)).toBe(1280 - 8 - 260 - 300);
  });

  it('keeps it inside the left edge of the screen', () => {
    expect(popoverLeft({ left: 10, width: 32 }, { left: 6, width: 378 }, 260, 390)).toBe(2);
  });

  it('on a phone, a button scrolled far to the right still gets a popover on screen', () => {
    const left = popoverLeft({ left: 360, width: 32 }, { left: 6, width: 378 }, 260, 390);
    expect(6 + left).toBeGreaterThanOrEqual(8);
    expect(6 + left + 260).toBeLessThanOrEqual(390 - 8);
  });
});
