// `npm run bench:e2ee`: end-to-end encrypted rooms in real browsers. Ten people, each signed in in their own
// headless Chromium context, share two rooms of 10: one plain, one end-to-end encrypted. One of them sends
// messages through the web app's composer at a fixed rate (50 msgs/s by default) into each room in turn, and
// every other member's page records when each message's text appears on screen (a MutationObserver), so the
// latency is send → decrypted → rendered, for the same clients in the same run, also split at the Socket.IO
// frames into the sender's page, the server and the network, and the reader's page. The first message in each room
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

/**
 * Runs in every page before its own scripts: notes when each `message:send` frame leaves the page's Socket.IO
 * connection and each `message:new` frame reaches it, so that a message's latency splits into the sender's part
 * (composer, outbox, encryption), the server's and the network's, and the reader's (decryption, rendering).
 */
function recordFrames() {
  const w = window;
  w.__out = [];
  w.__in = [];
  const Native = w.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    if (typeof data === 'string' && /^42\d*\["message:send"/.test(data)) w.__out.push(Date.now());
    return send.call(this, data);
  };
  w.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('42["message:new"')) w.__in.push(Date.now());
      });
    }
  };
}

async function signIn(browser, url, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(recordFrames);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${url}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  return { context, page, cdp };
}

/** The page's main-thread time so far, in ms: all tasks, and the parts spent in script, style and layout. */
async function mainThread(session) {
  const { metrics } = await session.cdp.send('Performance.getMetrics');
  const of = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: of('TaskDuration'), script: of('ScriptDuration'), style: of('RecalcStyleDuration'), layout: of('LayoutDuration') };
}

/** Main-thread ms per message between two readings (the sender's page, and the readers' pages on average). */
function perMessage(before, after, count) {
  return Object.fromEntries(Object.keys(before[0]).map((k) => [k, after.reduce((n, a, i) => n + a[k] - before[i][k], 0) / after.length / count]));
}

/** Closes the "Save your recovery key" dialog the first use of encryption shows. */
async function saveRecoveryKey(page) {
  const dialog = page.getByRole('alertdialog', { name: 'Save your recovery key' });
  await dialog.waitFor({ timeout: 60_000 });
  await dialog.getByRole('checkbox', { name: 'I have saved my recovery key' }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Records, in the page, when each `bench#<n>@<sentAt>` text first appears (as n → [sentAt, seenAt]). */
async function watch(page) {
  await page.evaluate(() => {
    const w = window;
    w.__seen = new Map();
    const check = (text) => {
      for (const m of text.matchAll(/bench#(\d+)@(\d{13})/g)) if (!w.__seen.has(m[1])) w.__seen.set(m[1], [Number(m[2]), Date.now()]);
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
      await Promise.all(sessions.map((s) => s.page.evaluate(() => ((window.__out = []), (window.__in = [])))));
      const busyBefore = await Promise.all(sessions.map(mainThread));
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
      let seen = [];
      while (Date.now() < deadline) {
        seen = await Promise.all(sessions.slice(1).map((s) => s.page.evaluate(() => ({ seen: [...window.__seen], frames: window.__in }))));
        if (seen.reduce((n, r) => n + r.seen.length, 0) >= COUNT * (MEMBERS - 1)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const busyAfter = await Promise.all(sessions.map(mainThread));
      const samples = seen.flatMap((r) => r.seen.map(([, [sentAt, seenAt]]) => seenAt - sentAt));
      // The same messages split at the frames: the k-th `message:send` out of the sender's page is bench#k (its
      // outbox sends one at a time, in order), the k-th `message:new` into a reader's page likewise.
      const out = await sender.evaluate(() => window.__out);
      // Only messages whose frames were all seen count (a saturated run leaves the last ones unsent or unread).
      const phases = { sender: [], server: [], reader: [] };
      for (const r of seen) {
        for (const [k, [sentAt, seenAt]] of r.seen) {
          if (out[k] === undefined || r.frames[k] === undefined) continue;
          phases.sender.push(out[k] - sentAt);
          phases.server.push(r.frames[k] - out[k]);
          phases.reader.push(seenAt - r.frames[k]);
        }
      }
      results.push({
        room: room.encrypted ? 'encrypted' : 'plain',
        firstMs,
        rate: COUNT / sendSeconds,
        expected: COUNT * (MEMBERS - 1),
        stats: summarize(samples),
        phases: Object.fromEntries(Object.entries(phases).map(([name, values]) => [name, summarize(values)])),
        busy: { sender: perMessage(busyBefore.slice(0, 1), busyAfter.slice(0, 1), COUNT), reader: perMessage(busyBefore.slice(1), busyAfter.slice(1), COUNT) },
      });
    }

    console.log(
      table(
        ['room', 'first message ms', 'sent msgs/s', 'deliveries', 'p50 ms', 'p99 ms', 'max ms'],
        results.map((r) => [r.room, fmt.ms(r.firstMs), r.rate.toFixed(1), `${r.stats.count}/${r.expected}`, fmt.ms(r.stats.p50), fmt.ms(r.stats.p99), fmt.ms(r.stats.max)]),
      ),
    );
    console.log("\nWhere the time goes (p50 / p99 ms): the sender's page (composer to its `message:send` frame: outbox and encryption),");
    console.log("the server and the network (to the reader's `message:new` frame), the reader's page (to the text on screen: decryption, rendering).");
    console.log(
      table(
        ['room', 'sender page', 'server + network', 'reader page'],
        results.map((r) => [r.room, ...['sender', 'server', 'reader'].map((k) => (r.phases[k].count ? `${fmt.ms(r.phases[k].p50)} / ${fmt.ms(r.phases[k].p99)}` : 'not matched'))]),
      ),
    );
    console.log("\nMain-thread time per message (ms): the page's tasks in all, and of them script, style and layout; a reader's is");
    console.log('the average of the readers (their polls for the results included, a few ms in all).');
    const busy = (b) => `${b.task.toFixed(1)} (${b.script.toFixed(1)} / ${b.style.toFixed(1)} / ${b.layout.toFixed(1)})`;
    console.log(
      table(
        ['room', 'sender: all (script / style / layout)', 'reader: all (script / style / layout)'],
        results.map((r) => [r.room, busy(r.busy.sender), busy(r.busy.reader)]),
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
