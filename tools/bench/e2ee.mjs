// `npm run bench:e2ee`: end-to-end encrypted rooms in real browsers. Ten people, each signed in in their own
// headless Chromium context, share two rooms of 10: one plain, one end-to-end encrypted. One of them sends
// messages through the web app's composer at a fixed rate (50 msgs/s by default) into each room in turn, and
// every other member's page records when each message's text appears on screen (a MutationObserver), so the
// latency is send → decrypted → rendered, for the same clients in the same run. The first message in each room
// is timed on its own (in the encrypted room it also carries the room key to every device). Also reports the
// time to open an encrypted room in a fresh sign-in (the crypto library loading included), measured before the
// load, and the initial JS bundle.
/* global window, document, MutationObserver, KeyboardEvent -- functions run inside the pages (page.evaluate) */
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { benchPassword, createUsers } from './lib/parley-setup.mjs';
import { resolveApiMain, startParley, WORKSPACE_ROOT } from './lib/servers.mjs';
import { fmt, summarize, table } from './lib/stats.mjs';

const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    messages: { type: 'string', default: '500' },
    members: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log('npm run bench:e2ee [-- --rate 50 --messages 500 --members 10]');
  process.exit(0);
}
const RATE = Number(opts.rate);
const COUNT = Number(opts.messages);
const MEMBERS = Number(opts.members);

async function api(url, path, token, method = 'GET', body) {
  const res = await globalThis.fetch(`${url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** The initial JS of the built web app, gzipped: the scripts index.html loads (and their static imports). */
function initialBundleGzip() {
  const dir = join(WORKSPACE_ROOT, 'dist/apps/web/browser');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const seen = new Set();
  const queue = [...html.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]);
  let bytes = 0;
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dir, file));
    bytes += gzipSync(code, { level: 9 }).length;
    // Static imports only (`import ... from "./chunk-X.js"`), not dynamic `import("./chunk-Y.js")`.
    for (const m of code.toString().matchAll(/(?:^|[;}\s])import\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]);
  }
  return { bytes, files: seen.size, all: readdirSync(dir).filter((f) => f.endsWith('.js')).length };
}

async function signIn(browser, url, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  return { context, page };
}

/** Closes the "Save your recovery key" dialog the first use of encryption shows. */
async function saveRecoveryKey(page) {
  const dialog = page.getByRole('alertdialog', { name: 'Save your recovery key' });
  await dialog.waitFor({ timeout: 60_000 });
  await dialog.getByRole('checkbox', { name: 'I have saved my recovery key' }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Records, in the page, when each `bench#<n>@<sentAt>` text first appears. */
async function watch(page) {
  await page.evaluate(() => {
    const w = window;
    w.__seen = new Map();
    const check = (text) => {
      for (const m of text.matchAll(/bench#(\d+)@(\d{13})/g)) if (!w.__seen.has(m[1])) w.__seen.set(m[1], Date.now() - Number(m[2]));
    };
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) check(n.textContent ?? '');
      for (const r of records) if (r.type === 'characterData') check(r.target.textContent ?? '');
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

async function run() {
  const main = resolveApiMain();
  const server = await startParley({ main, env: { DM_POLICY: 'anyone', SOCKET_SEND_RATE_PER_SECOND: '1000', SOCKET_SEND_BURST: '1000' } });
  const url = server.url;
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const password = benchPassword();
    const users = (await createUsers(url, { count: MEMBERS, prefix: `e2e${Date.now().toString(36)}`, password })).map((u) => ({ ...u, password }));
    const [owner, ...rest] = users;
    const memberIds = rest.map((u) => u.id);
    const plain = await api(url, '/rooms', owner.token, 'POST', { kind: 'group', name: 'Plain room', memberIds });
    const secret = await api(url, '/rooms', owner.token, 'POST', { kind: 'group', name: 'Encrypted room', memberIds, encrypted: true });
    const freshRoom = await api(url, '/rooms', owner.token, 'POST', { kind: 'group', name: 'Fresh sign-in room', memberIds: [rest[0].id], encrypted: true });

    const sessions = [];
    for (const user of users) sessions.push(await signIn(browser, url, user));
    // Every device registered its keys (the library loads once an encrypted room is listed).
    const t0 = Date.now();
    for (;;) {
      const ready = await Promise.all(users.map(async (u) => (await api(url, '/e2ee/devices', u.token)).devices.some((d) => d.hasKeys)));
      if (ready.every(Boolean)) break;
      if (Date.now() - t0 > 60_000) throw new Error('devices did not register their keys within a minute');
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`${MEMBERS} browser devices ready (keys uploaded) ${((Date.now() - t0) / 1000).toFixed(1)} s after the last sign-in`);
    // Each account's first device made its recovery key: save it (the dialog holds the page until then).
    for (const s of sessions) await saveRecoveryKey(s.page);

    // A fresh sign-in (a new browser: a new device) opening an encrypted room, measured before the load runs so
    // that no backlog is in the way: from "Sign in" until its keys are on the server (the crypto library loaded
    // and started), then the first message sent there from then on, readable on the new device.
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await fresh.newPage();
    await page.goto(`${url}/login`);
    await page.getByLabel('Username or email').fill(rest[0].username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const before = (await api(url, '/e2ee/devices', rest[0].token)).devices.length;
    const openStart = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Fresh sign-in room/ }).click();
    const roomShown = Date.now() - openStart;
    for (;;) {
      const { devices } = await api(url, '/e2ee/devices', rest[0].token);
      if (devices.length > before && devices.every((d) => d.hasKeys)) break;
      if (Date.now() - openStart > 60_000) throw new Error('the fresh device did not upload its keys within a minute');
      await new Promise((r) => setTimeout(r, 50));
    }
    const deviceReady = Date.now() - openStart;
    const owner0 = sessions[0].page;
    await owner0.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Fresh sign-in room/ }).click();
    await owner0.waitForURL((u) => u.pathname === `/r/${freshRoom.id}`);
    const marker = `bench-open-${randomUUID().slice(0, 8)}`;
    const sentAt = Date.now();
    const ownerBox = owner0.getByLabel('Message', { exact: true });
    await ownerBox.fill(marker);
    await ownerBox.press('Enter');
    await page.getByRole('region', { name: 'Messages' }).getByText(marker).waitFor({ timeout: 60_000 });
    const readable = Date.now() - sentAt;
    await fresh.close();
    console.log(`fresh sign-in: encrypted room on screen ${roomShown} ms after "Sign in", device keys uploaded after ${deviceReady} ms; the first message sent there then readable on it ${readable} ms later`);

    const results = [];
    for (const room of [plain, secret]) {
      for (const s of sessions) {
        await s.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: new RegExp(room.name) }).click();
        await s.page.waitForURL((u) => u.pathname === `/r/${room.id}`);
        await watch(s.page);
      }
      // The first message of a conversation also carries the room key to every member's device (Olm sessions
      // claimed and set up, to-device messages) in the encrypted room: timed on its own, then the steady run.
      const sender = sessions[0].page;
      const box = sender.getByLabel('Message', { exact: true });
      const first = `bench-first-${randomUUID().slice(0, 8)}`;
      const firstAt = Date.now();
      await box.fill(first);
      await box.press('Enter');
      await Promise.all(sessions.slice(1).map((s) => s.page.getByRole('region', { name: 'Messages' }).getByText(first).waitFor({ timeout: 60_000 })));
      const firstMs = Date.now() - firstAt;
      // Sent from inside the page, on the rate's schedule: the text goes into the composer as typing would
      // (insertText) and Enter sends it, so every message takes the web app's own path (outbox, encryption).
      await box.click();
      const start = Date.now();
      await sender.evaluate(
        async ({ count, rate }) => {
          const field = document.activeElement;
          const t0 = Date.now();
          for (let i = 0; i < count; i++) {
            const wait = t0 + (i * 1000) / rate - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            document.execCommand('selectAll');
            document.execCommand('insertText', false, `bench#${i}@${Date.now()}`);
            field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true }));
          }
        },
        { count: COUNT, rate: RATE },
      );
      const sendSeconds = (Date.now() - start) / 1000;
      // Let the last ones arrive.
      const deadline = Date.now() + 30_000;
      let samples = [];
      while (Date.now() < deadline) {
        const per = await Promise.all(sessions.slice(1).map((s) => s.page.evaluate(() => [...window.__seen.values()])));
        samples = per.flat();
        if (samples.length >= COUNT * (MEMBERS - 1)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      results.push({ room: room.encrypted ? 'encrypted' : 'plain', firstMs, rate: COUNT / sendSeconds, expected: COUNT * (MEMBERS - 1), stats: summarize(samples) });
    }

    console.log(
      table(
        ['room', 'first message ms', 'sent msgs/s', 'deliveries', 'p50 ms', 'p99 ms', 'max ms'],
        results.map((r) => [r.room, fmt.ms(r.firstMs), r.rate.toFixed(1), `${r.stats.count}/${r.expected}`, fmt.ms(r.stats.p50), fmt.ms(r.stats.p99), fmt.ms(r.stats.max)]),
      ),
    );
    const [p, e] = results;
    console.log(`encrypted / plain p99: ${(e.stats.p99 / p.stats.p99).toFixed(2)}×`);

    const bundle = initialBundleGzip();
    console.log(`initial JS: ${(bundle.bytes / 1024).toFixed(1)} KB gzipped (${bundle.files} of ${bundle.all} script files)`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

await run();
