import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Headless Debian Chromium (or CHROME_PATH): no browser download needed. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A screenshot for a human to look at, only when PARLEY_SHOTS names a folder (never into the repository). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.PARLEY_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`), fullPage: false });
}

interface ExpectedHttpError {
  status: number;
  path: string;
}

/**
 * A browser context plus everything that went wrong in it: console errors and warnings (Angular reports its
 * runtime problems, such as NG0953, as warnings), uncaught page errors and CSP violations. Tests call
 * `assertClean()` at the end: any problem fails the test.
 */
export class BrowserSession {
  readonly consoleErrors: string[] = [];
  readonly consoleWarnings: string[] = [];
  readonly pageErrors: string[] = [];
  readonly cspViolations: string[] = [];
  private readonly expectedHttpErrors: ExpectedHttpError[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, viewport = DESKTOP): Promise<BrowserSession> {
    const context = await browser.newContext({ baseURL: baseUrl, viewport, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
    const page = await context.newPage();
    const session = new BrowserSession(context, page, baseUrl);
    // Violations are reported to the test at once (a reload would empty the page's own record)...
    await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
      session.cspViolations.push(text);
    });
    // ...and also kept in the page, as `window.__cspViolations`.
    await context.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[]; __reportCspViolation?: (text: string) => void };
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        const text = `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`;
        w.__cspViolations.push(text);
        w.__reportCspViolation?.(text);
      });
    });
    page.on('console', (msg) => {
      if (msg.type() === 'warning') session.consoleWarnings.push(`${msg.text()} (${msg.location().url})`);
      if (msg.type() !== 'error') return;
      if (session.isExpectedHttpError(msg.text(), msg.location().url)) return;
      session.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => session.pageErrors.push(String(err.stack ?? err)));
    return session;
  }

  /**
   * Going offline (`context.setOffline`) makes Chromium log the failed requests and socket attempts as console
   * errors. A test that took the page offline on purpose drops those before `assertClean`; nothing else may appear.
   */
  forgetOfflineNoise(): void {
    const rest = this.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|WebSocket connection to .* failed/.test(e));
    this.consoleErrors.splice(0, this.consoleErrors.length, ...rest);
  }

  /**
   * Chromium logs every 4xx/5xx response as a console error ("Failed to load resource"). A test that
   * provokes one on purpose (a 401 from the session check, a 400 for a weak password) declares it here;
   * any other failed request still fails the test.
   */
  expectHttpError(status: number, path: string): void {
    this.expectedHttpErrors.push({ status, path });
  }

  private isExpectedHttpError(text: string, url: string): boolean {
    const match = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(text);
    if (!match || !url) return false;
    const { pathname, origin } = new URL(url);
    if (origin !== new URL(this.baseUrl).origin) return false;
    return this.expectedHttpErrors.some((e) => e.status === Number(match[1]) && e.path === pathname);
  }

  /** Fails with everything that went wrong in the browser. */
  async assertClean(): Promise<void> {
    const inPage = this.page.isClosed()
      ? []
      : await this.page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
    const csp = [...new Set([...this.cspViolations, ...inPage])];
    expect({ consoleErrors: this.consoleErrors, consoleWarnings: this.consoleWarnings, pageErrors: this.pageErrors, cspViolations: csp }).toEqual({
      consoleErrors: [],
      consoleWarnings: [],
      pageErrors: [],
      cspViolations: [],
    });
  }

  /** Screenshots for a human to look at, only when PARLEY_SHOTS names a folder (never into the repository). */
  screenshot(name: string): Promise<void> {
    return screenshot(this.page, name);
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
