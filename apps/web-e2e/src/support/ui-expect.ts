import { Locator, Page } from 'playwright-core';

/**
 * playwright-core has no web-first assertions (those live in @playwright/test), so these retry a jest
 * assertion until it holds or the time is up, and then fail with the last error.
 */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const expectVisible = (locator: Locator, timeoutMs = 5000) => locator.first().waitFor({ state: 'visible', timeout: timeoutMs });

export const expectHidden = (locator: Locator) => eventually(async () => expect(await locator.isVisible()).toBe(false));

export const expectCount = (locator: Locator, count: number) => eventually(async () => expect(await locator.count()).toBe(count));

export const expectText = (locator: Locator, text: string | RegExp) =>
  eventually(async () => {
    const actual = (await locator.first().textContent({ timeout: 1000 }))?.trim() ?? '';
    if (typeof text === 'string') expect(actual).toContain(text);
    else expect(actual).toMatch(text);
  });

export const expectAttribute = (locator: Locator, name: string, value: string | RegExp) =>
  eventually(async () => {
    const actual = (await locator.getAttribute(name, { timeout: 1000 })) ?? '';
    if (typeof value === 'string') expect(actual).toBe(value);
    else expect(actual).toMatch(value);
  });

export const expectValue = (locator: Locator, value: string) =>
  eventually(async () => expect(await locator.inputValue({ timeout: 1000 })).toBe(value));

export const expectFocused = (locator: Locator) =>
  eventually(async () => expect(await locator.evaluate((el) => el === document.activeElement, undefined, { timeout: 1000 })).toBe(true));

export const expectPath = (page: Page, path: string) => eventually(() => expect(new URL(page.url()).pathname).toBe(path));
