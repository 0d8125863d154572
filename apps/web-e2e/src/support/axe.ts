import { readFileSync } from 'node:fs';
import type { AxeResults, RunOptions } from 'axe-core';
import { Page } from 'playwright-core';
import { screenshot } from './browser';

/** axe-core's browser bundle, read once. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Colour schemes an accessibility pass checks (emulated with `prefers-color-scheme`). */
export const COLOR_SCHEMES = ['light', 'dark'] as const;
export type ColorScheme = (typeof COLOR_SCHEMES)[number];

/** WCAG 2.0–2.2 A and AA plus axe's best practices (landmarks, headings, names). */
const ALL_RULES: RunOptions = {
  resultTypes: ['violations'],
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
};

/** The rules whose outcome depends on colours: all that can change with the colour scheme. */
const COLOUR_RULES: RunOptions = {
  resultTypes: ['violations'],
  runOnly: { type: 'rule', values: ['color-contrast', 'link-in-text-block'] },
};

/**
 * Runs axe-core on what the page shows now and answers its serious and critical violations, one line per
 * element ("color-contrast (serious) .meta > time: Element has insufficient color contrast of 3.22 …").
 *
 * axe is put into the page with `page.evaluate`, which runs over the DevTools protocol and is not subject to
 * the page's Content-Security-Policy (`script-src 'self'` would block the inline `<script>` that
 * `page.addScriptTag({content})` creates). So the pass needs no `bypassCSP`, and the page keeps recording
 * CSP violations like in every other browser test: the suite asserts there are none.
 */
export async function seriousViolations(page: Page, options: RunOptions = ALL_RULES, within?: string): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    ({ options, within }) =>
      (window as unknown as { axe: { run(context: Document | { include: string[] }, options: RunOptions): Promise<AxeResults> } }).axe.run(
        within ? { include: [within] } : document,
        options,
      ),
    { options, within },
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`));
}

/**
 * Switches the emulated colour scheme and waits until the page shows it: Chromium applies a changed media
 * feature to the style sheets a little later, not at once (and reduced motion makes the app's colour
 * transitions end at once). Parley's page background differs between the schemes, so it tells when the switch
 * is done.
 */
async function showScheme(page: Page, colorScheme: ColorScheme): Promise<void> {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = await background();
  const already = await page.evaluate((scheme) => matchMedia(`(prefers-color-scheme: ${scheme})`).matches, colorScheme);
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
  if (!already) {
    const deadline = Date.now() + 3000;
    while ((await background()) === before) {
      if (Date.now() > deadline) throw new Error(`The page did not switch to its ${colorScheme} colours`);
      await page.waitForTimeout(20);
    }
  }
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  // Colours that change with the scheme may still be fading (CSS transitions): axe must see where they end.
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 3000, polling: 50 })
    .catch(() => undefined);
}

/**
 * Collects violations over many states of the app, each checked in light and dark mode, so a test reports
 * every problem at once ("phone, dark, Friends › Requests: color-contrast …") instead of the first.
 */
export class AccessibilityAudit {
  private readonly found: string[] = [];

  constructor(private readonly where: string) {}

  /**
   * Checks the page as it is now: every rule in the light scheme, then the colour rules again in the dark one
   * (names, roles and structure do not change with the scheme). Leaves the page in the light scheme.
   * `within` (a CSS selector) limits the check to what changed since the page was checked last: a dialog
   * over the page, whose background is inert and unchanged.
   */
  async check(page: Page, state: string, within?: string): Promise<void> {
    for (const scheme of COLOR_SCHEMES) {
      await showScheme(page, scheme);
      const lines = await seriousViolations(page, scheme === 'light' ? ALL_RULES : COLOUR_RULES, within);
      for (const line of lines) this.found.push(`${this.where}, ${scheme}, ${state}: ${line}`);
      await screenshot(page, `a11y-${this.where}-${scheme}-${state}`);
    }
    await showScheme(page, 'light');
  }

  /** Fails with every violation found. */
  assertNone(): void {
    expect(this.found).toEqual([]);
  }
}
