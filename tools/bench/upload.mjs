// `npm run bench -- --upload`: the upload path. One file (200 MB of random bytes by default) uploaded with
// tus through Parley on loopback — creation, then the bytes in one PATCH (or --chunk MB at a time), up to the
// final answer, after which the file has been inspected and is ready — against a plain copy of the same bytes
// to the same disk (a read stream piped to a write stream, in this process) in the same run. Prints the
// throughput of both, their ratio, and how much the server's resident memory grew while it received the file
// (sampled from /proc every 20 ms). `--help` lists the options.
import { Buffer } from 'node:buffer';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { createUsers } from './lib/parley-setup.mjs';
import { CORES, cpuSeconds, machineBusySeconds, memoryKb, waitUntilQuiet } from './lib/proc.mjs';
import { resolveApiMain, startParley, WORKSPACE_ROOT } from './lib/servers.mjs';
import { fmt, table } from './lib/stats.mjs';

const MB = 1024 * 1024;

export const UPLOAD_HELP = `Parley upload benchmark: a file uploaded with tus through the API against a plain copy of it on the same disk.

  npm run bench -- --upload                    200 MB, 3 rounds, one PATCH per upload

Options
  --size MB          the file's size (default 200)
  --chunk MB         send the bytes in PATCHes of this size, as a browser client with chunkSize does (default: one PATCH)
  --rounds N         rounds of (copy, upload, download), on one server (default 3)
  --at-rest MODE     ENCRYPTION_AT_REST of the server: on (the default), off, or both (one server each, compared)
  --log-level L      the server's LOG_LEVEL (default warn)
  --api-main PATH    the built API to run (default dist/apps/api/main.js, built with Nx if missing)
  --json PATH        also write every figure as JSON (default tmp/bench/upload.json)
  --profile DIR      write the server's CPU profile (node --cpu-prof) into DIR when it stops

The server runs with local storage (DATA_DIR/files, next to the copy's target in the same temp directory),
no malware scanner, FILE_MAX_BYTES above the file's size and no quota. Targets (issue 10): the upload at
least 0.5× the copy's throughput, and the server's resident memory growing by less than 50 MB.`;

function readUploadOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      upload: { type: 'boolean' },
      size: { type: 'string', default: '200' },
      chunk: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      'at-rest': { type: 'string', default: 'on' },
      'log-level': { type: 'string', default: 'warn' },
      'api-main': { type: 'string' },
      json: { type: 'string', default: 'tmp/bench/upload.json' },
      profile: { type: 'string' },
    },
    strict: true,
  });
  const positive = (name, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${value})`);
    return n;
  };
  if (!['on', 'off', 'both'].includes(values['at-rest'])) throw new Error(`--at-rest must be on, off or both (got ${values['at-rest']})`);
  return {
    atRest: values['at-rest'] === 'both' ? ['on', 'off'] : [values['at-rest']],
    help: values.help ?? false,
    sizeBytes: Math.round(positive('size', values.size) * MB),
    chunkBytes: values.chunk ? Math.round(positive('chunk', values.chunk) * MB) : Infinity,
    rounds: Math.round(positive('rounds', values.rounds)),
    logLevel: values['log-level'],
    apiMain: values['api-main'],
    json: values.json,
    profile: values.profile,
  };
}

/** A file of random bytes (incompressible; written in 4 MB pieces, never held whole). */
async function makeFile(path, size) {
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= 4 * MB) {
    if (!out.write(randomBytes(Math.min(4 * MB, left)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((ok, fail) => out.end((err) => (err ? fail(err) : ok())));
}

/** One HTTP request with an optional body stream; resolves with the status, headers and text of the answer. */
function http(url, { method, headers, body }) {
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    if (body) body.pipe(req);
    else req.end();
  });
}

const metadata = (meta) =>
  Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

/** Uploads the file with tus (creation, then PATCHes); resolves with the file id once the last PATCH answered. */
async function tusUpload(server, token, roomId, file, size, chunkBytes) {
  const auth = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
  const created = await http(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { ...auth, 'upload-length': String(size), 'upload-metadata': metadata({ roomId, filename: 'bench.bin' }) },
  });
  if (created.status !== 201) throw new Error(`tus creation → ${created.status}: ${created.text}`);
  const location = created.headers.location;
  for (let offset = 0; offset < size; ) {
    const length = Math.min(chunkBytes, size - offset);
    const res = await http(`${server.url}${location}`, {
      method: 'PATCH',
      headers: { ...auth, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(length) },
      body: createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: MB }),
    });
    if (res.status !== 204) throw new Error(`tus PATCH at ${offset} → ${res.status}: ${res.text}`);
    offset = Number(res.headers['upload-offset']);
  }
  return location.split('/').pop();
}

/** Downloads the whole file (GET /content), counting its bytes; resolves with how many arrived. */
function download(server, token, fileId) {
  return new Promise((ok, fail) => {
    const req = request(`${server.url}/api/files/${fileId}/content`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? ok(n) : fail(new Error(`GET content → ${res.statusCode}`))));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Runs `fn`, sampling the server's RSS every 20 ms; returns seconds, peak RSS and CPU of both processes. */
async function measured(serverPid, fn) {
  const rssBefore = memoryKb(serverPid).rssKb;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryKb(serverPid).rssKb || 0);
  }, 20);
  const cpu0 = { me: cpuSeconds(process.pid), server: cpuSeconds(serverPid), machine: machineBusySeconds() };
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, memoryKb(serverPid).rssKb || 0);
  const pct = (s) => (s / seconds) * 100;
  const serverCpu = pct(cpuSeconds(serverPid) - cpu0.server);
  const clientCpu = pct(cpuSeconds(process.pid) - cpu0.me);
  return { seconds, rssBeforeKb: rssBefore, peakRssKb: peak, serverCpu, clientCpu, otherCpu: Math.max(0, pct(machineBusySeconds() - cpu0.machine) - serverCpu - clientCpu) };
}

export async function runUpload(argv, { onCleanup }) {
  let opts;
  try {
    opts = readUploadOptions(argv);
  } catch (err) {
    console.error(`${err.message}\n\n${UPLOAD_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) return console.log(UPLOAD_HELP);
  const machine = { cores: CORES, cpu: cpus()[0]?.model, memoryGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.version };
  console.log(`Parley upload benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; the client runs on the same machine`);
  const main = resolveApiMain(opts.apiMain);
  const sizeMb = opts.sizeBytes / MB;
  console.log(`  API: ${main}; NODE_ENV=production, SQLite, local storage, no scanner, LOG_LEVEL=${opts.logLevel}`);
  console.log(`  file: ${fmt.int(sizeMb)} MB of random bytes; ${Number.isFinite(opts.chunkBytes) ? `PATCHes of ${opts.chunkBytes / MB} MB` : 'one PATCH'}; ${opts.rounds} round(s)`);

  // Everything in one temp directory: the source file, the copy's target and the server's DATA_DIR.
  const work = mkdtempSync(join(tmpdir(), 'parley-bench-upload-'));
  onCleanup(async () => rmSync(work, { recursive: true, force: true }));
  const source = join(work, 'source.bin');
  await makeFile(source, opts.sizeBytes);

  const byMode = {};
  for (const atRest of opts.atRest) {
    console.log(`\nENCRYPTION_AT_REST=${atRest}`);
    byMode[atRest] = await roundsOn(atRest, { main, dataDir: join(work, `data-${atRest}`), source, work, sizeMb, opts, onCleanup });
    report(byMode[atRest].rounds, opts, machine, byMode[atRest].rssAtStart, atRest);
  }
  if (byMode.on && byMode.off) {
    const up = median(byMode.on.rounds.map((r) => r.uploadMBps)) / median(byMode.off.rounds.map((r) => r.uploadMBps));
    const down = median(byMode.on.rounds.map((r) => r.downloadMBps)) / median(byMode.off.rounds.map((r) => r.downloadMBps));
    console.log(`\nEncryption at rest on vs off (medians): upload ${up.toFixed(2)}×, download ${down.toFixed(2)}× the throughput with it off.`);
  }
}

/** Rounds of (copy, upload, download) on one server started with ENCRYPTION_AT_REST=`atRest`. */
async function roundsOn(atRest, { main, dataDir, source, work, sizeMb, opts, onCleanup }) {
  mkdirSync(dataDir);
  const server = await startParley({
    main,
    dataDir,
    profileDir: opts.profile && resolve(WORKSPACE_ROOT, opts.profile),
    env: { ENCRYPTION_AT_REST: atRest, LOG_LEVEL: opts.logLevel, FILE_MAX_BYTES: `${Math.ceil(sizeMb) + 1}mb`, FILE_QUOTA_BYTES: '0', FILE_STORAGE: 'local', FILE_SCAN: 'none' },
  });
  onCleanup(() => server.stop());
  const rounds = [];
  let rssAtStart = 0;
  try {
    const [user] = await createUsers(server.url, { count: 1, prefix: `up${Date.now().toString(36)}u` });
    const res = await globalThis.fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ kind: 'group', name: 'Upload bench', memberIds: [] }),
    });
    if (!res.ok) throw new Error(`POST /api/rooms → ${res.status}: ${await res.text()}`);
    const roomId = (await res.json()).id;

    // Warm-up: a small upload loads everything an upload needs (tus, inspection, sharp) before anything is measured.
    const small = join(work, 'warmup.bin');
    await makeFile(small, MB);
    await tusUpload(server, user.token, roomId, small, MB, Infinity);
    rssAtStart = memoryKb(server.pid).rssKb;

    for (let i = 0; i < opts.rounds; i++) {
      const target = join(work, `copy-${i}.bin`);
      await waitUntilQuiet(server.pid);
      const copy = await measured(server.pid, () => pipeline(createReadStream(source, { highWaterMark: MB }), createWriteStream(target)));
      if (statSync(target).size !== opts.sizeBytes) throw new Error('the copy is short');
      rmSync(target);
      await waitUntilQuiet(server.pid);
      let fileId;
      const upload = await measured(server.pid, async () => {
        fileId = await tusUpload(server, user.token, roomId, source, opts.sizeBytes, opts.chunkBytes);
      });
      let bytes = 0;
      const down = await measured(server.pid, async () => {
        bytes = await download(server, user.token, fileId);
      });
      if (bytes !== opts.sizeBytes) throw new Error(`the download is short: ${bytes} bytes`);
      const info = await (await globalThis.fetch(`${server.url}/api/files/${fileId}`, { headers: { authorization: `Bearer ${user.token}` } })).json();
      if (info.status !== 'ready' || info.size !== opts.sizeBytes) throw new Error(`the upload is not ready: ${JSON.stringify(info)}`);
      // Delete it, so every round writes a new file of the same size.
      await globalThis.fetch(`${server.url}/api/files/${fileId}`, { method: 'DELETE', headers: { authorization: `Bearer ${user.token}` } });
      const round = {
        copyMBps: sizeMb / copy.seconds,
        uploadMBps: sizeMb / upload.seconds,
        downloadMBps: sizeMb / down.seconds,
        copy,
        upload,
        rssGrowthKb: upload.peakRssKb - upload.rssBeforeKb,
      };
      rounds.push(round);
      console.log(
        `  round ${i + 1}: copy ${round.copyMBps.toFixed(0)} MB/s; tus upload ${round.uploadMBps.toFixed(0)} MB/s (${fmt.ratio(round.uploadMBps, round.copyMBps)} of the copy); download ${round.downloadMBps.toFixed(0)} MB/s; ` +
          `server RSS ${fmt.mb(upload.rssBeforeKb)} → peak ${fmt.mb(upload.peakRssKb)} (+${(round.rssGrowthKb / 1024).toFixed(1)} MB); server CPU ${fmt.int(upload.serverCpu)} %, client CPU ${fmt.int(upload.clientCpu)} %, other ${fmt.int(upload.otherCpu)} %`,
      );
    }
    return { rounds, rssAtStart };
  } finally {
    await server.stop();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(rounds, opts, machine, rssAtStartKb, atRest) {
  const sizeMb = opts.sizeBytes / MB;
  console.log(`\n## A ${fmt.int(sizeMb)} MB upload through tus on loopback against a plain copy on the same disk (ENCRYPTION_AT_REST=${atRest})\n`);
  const headers = ['', ...rounds.map((_, i) => `round ${i + 1}`)];
  const row = (label, get) => [label, ...rounds.map(get)];
  console.log(
    table(headers, [
      row('plain copy (MB/s)', (r) => r.copyMBps.toFixed(0)),
      row('tus upload (MB/s)', (r) => r.uploadMBps.toFixed(0)),
      row('upload / copy', (r) => fmt.ratio(r.uploadMBps, r.copyMBps)),
      row('download (MB/s)', (r) => r.downloadMBps.toFixed(0)),
      row('server RSS growth during the upload', (r) => `${(r.rssGrowthKb / 1024).toFixed(1)} MB`),
      row('server CPU (% of a core)', (r) => `${fmt.int(r.upload.serverCpu)} %`),
      row('client CPU (% of a core)', (r) => `${fmt.int(r.upload.clientCpu)} %`),
      row('other processes CPU', (r) => `${fmt.int(r.upload.otherCpu)} %`),
    ]),
  );
  const ratio = median(rounds.map((r) => r.uploadMBps / r.copyMBps));
  const growthMb = Math.max(...rounds.map((r) => r.rssGrowthKb)) / 1024;
  console.log(`\nServer RSS after the warm-up: ${fmt.mb(rssAtStartKb)}.`);
  console.log(`Target: upload ≥ 0.5× the copy's throughput — median ${ratio.toFixed(2)}× — ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
  console.log(`Target: server RSS growth < 50 MB — worst round ${growthMb.toFixed(1)} MB — ${growthMb < 50 ? 'met' : 'NOT met'}`);
  if (rounds.some((r) => r.upload.otherCpu > 20)) console.log('Warning: other processes used more than 20 % of a core: the machine was not quiet, figures may be low.');

  if (opts.json) {
    const file = resolve(WORKSPACE_ROOT, opts.json.replace(/\.json$/, opts.atRest.length > 1 ? `-${atRest}.json` : '.json'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ startedAt: new Date().toISOString(), machine, options: { ...opts, chunkBytes: Number.isFinite(opts.chunkBytes) ? opts.chunkBytes : null }, rssAtStartKb, rounds }, null, 2));
    console.log(`\nAll figures: ${file}`);
  }
}
