import { build } from 'esbuild';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import type { harness } from './editor-harness';

type Harness = typeof harness;

export interface HarnessPage {
  page: Page;
  /** Calls a harness function in the page. */
  call<K extends keyof Harness>(name: K, ...args: Parameters<Harness[K]>): Promise<ReturnType<Harness[K]>>;
  close(): Promise<void>;
}

/** The editor harness bundled with esbuild and loaded into a blank page of headless Chromium. */
export async function openHarnessPage(): Promise<HarnessPage> {
  const bundle = await build({
    entryPoints: [join(__dirname, 'editor-harness.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const browser: Browser = await chromium.launch({ executablePath: process.env['CHROME_PATH'] || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><head><title>editor</title></head><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  return {
    page,
    call: (name, ...args) =>
      page.evaluate(
        ({ name, args }) => {
          const h = (window as unknown as { harness: Record<string, (...a: unknown[]) => unknown> }).harness;
          return h[name]!(...args);
        },
        { name, args: args as unknown[] },
      ) as never,
    close: () => browser.close(),
  };
}
