// `npm run bench:search-writes` (after `npx nx run api:build`): what writing the SQLite search index costs per
// message, by batch size, on the index file itself (SqliteSearchFile from the built API, the code the index
// worker runs): tokens (grams and HMACs), postings and documents, one transaction a batch, rooms taking turns.
// The bare reference is the same number of (bucket, token, ord) rows inserted in key order into a table of one
// row per posting (the index file's layout before its schema version 2, and PostgreSQL's): the floor of that
// layout, with none of the rewriting of pages a random token order causes. Texts are 200-character runs of the
// README's words (about 160 distinct grams each), or with `--text load` the body `npm run bench` sends (the same
// words again and again, about 75 grams).
// `--help` lists the options.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveApiMain, WORKSPACE_ROOT } from './lib/servers.mjs';

const HELP = `Parley search-index write benchmark: microseconds a message to index, by batch size.

  npm run bench:search-writes                       batches of 1, 16 and 64 over 10 rooms

Options
  --messages N     messages indexed per batch size (default 20000; batches of 1 index a fifth of them)
  --rooms N        rooms the batches take turns in (default 10)
  --batches LIST   comma-separated batch sizes (default 1,16,64)
  --text KIND      readme (default: runs of the README's words) or load (the body npm run bench sends)
  --api-main PATH  the built API (default dist/apps/api/main.js)`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    messages: { type: 'string', default: '20000' },
    rooms: { type: 'string', default: '10' },
    batches: { type: 'string', default: '1,16,64' },
    text: { type: 'string', default: 'readme' },
    'api-main': { type: 'string' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const messages = Number(values.messages);
const rooms = Number(values.rooms);
const batches = values.batches.split(',').map(Number);
if (!(messages > 0) || !(rooms > 0) || batches.some((b) => !(b > 0))) throw new Error('--messages, --rooms and --batches take positive numbers');

const main = await resolveApiMain(values['api-main']);
const api = createRequire(main);
const { SqliteSearchFile, BUCKET_SIZE } = api('./search/sqlite-search-file.js');
const { tokenFunction, messageTokens } = api('./search/search-tokens.js');

const words = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8').split(/\s+/).filter(Boolean);
if (!['readme', 'load'].includes(values.text)) throw new Error('--text takes readme or load');
const readmeText = (i) => {
  let s = '';
  for (let j = (i * 37) % (words.length - 80); s.length < 200; j++) s += `${words[j]} `;
  return s.slice(0, 200);
};
// As tools/bench/lib/load-worker.mjs fills a body of 200 bytes, for 100 clients.
const loadText = (i) => {
  let s = `Benchmark message from client ${i % 100}:`;
  while (s.length < 200) s += ' the quick brown fox jumps over the lazy dog';
  return s.slice(0, 200);
};
const textOf = values.text === 'load' ? loadText : readmeText;
const SEQ_SPAN = 2 ** 31;

function indexRun(batch) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-writes-'));
  const file = join(dir, 'parley-search.sqlite');
  const index = SqliteSearchFile.open(file);
  try {
    index.addPeriod('bench', 'ready');
    const period = index.periods()[0].id;
    const roomIds = Array.from({ length: rooms }, (_, i) => `room-${i}`);
    index.addRooms(roomIds);
    const ords = index.knownRoomOrds(roomIds);
    const key = randomBytes(32);
    const total = batch === 1 ? Math.max(rooms, Math.floor(messages / 5)) : messages;
    const seq = new Array(rooms).fill(0);
    let postings = 0;
    const count = tokenFunction(key);
    const started = process.hrtime.bigint();
    for (let done = 0, b = 0; done < total; b++) {
      const r = b % rooms;
      const docs = [];
      for (let k = 0; k < batch && done < total; k++, done++) {
        seq[r] += 1;
        docs.push({ ord: ords.get(roomIds[r]) * SEQ_SPAN + seq[r], text: { body: textOf(seq[r] * rooms + r), names: [] } });
      }
      if (!index.apply(period, key, roomIds[r], seq[r] - docs.length, seq[r], docs)) throw new Error('a batch did not apply');
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (let i = 0; i < 200; i++) postings += messageTokens({ body: textOf(i), names: [] }, count).length;
    return { batch, total, usPerMessage: (seconds / total) * 1e6, postingsPerMessage: postings / 200, bytesPerMessage: statSync(file).size / total };
  } finally {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same rows in key order, 64 messages a transaction: what the postings cost with no page rewritten. */
function bareRun(postingsPerMessage) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-writes-bare-'));
  const db = new Database(join(dir, 'bare.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE postings (bucket INTEGER NOT NULL, token INTEGER NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (bucket, token, ord)) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO postings (bucket, token, ord) VALUES (?, ?, ?)');
    const per = Math.round(postingsPerMessage);
    const started = process.hrtime.bigint();
    let ord = 0;
    const write = db.transaction((n) => {
      for (let m = 0; m < n; m++, ord++) for (let t = 0; t < per; t++) insert.run(ord, t, ord);
    });
    for (let done = 0; done < messages; done += 64) write(Math.min(64, messages - done));
    return (Number(process.hrtime.bigint() - started) / 1e9 / messages) * 1e6;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`# Search-index writes (SQLite index file), ${values.text} texts, ${rooms} rooms, bucket ${BUCKET_SIZE} messages, API ${main}`);
console.log('| batch | messages | µs a message | postings a message | index file bytes a message |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
let postingsPerMessage = 0;
for (const batch of batches) {
  const r = indexRun(batch);
  postingsPerMessage = r.postingsPerMessage;
  console.log(`| ${batch} | ${r.total.toLocaleString('en')} | ${r.usPerMessage.toFixed(0)} | ${r.postingsPerMessage.toFixed(0)} | ${Math.round(r.bytesPerMessage).toLocaleString('en')} |`);
}
console.log(`bare reference (the same number of rows in key order, 64 messages a transaction): ${bareRun(postingsPerMessage).toFixed(0)} µs a message`);
