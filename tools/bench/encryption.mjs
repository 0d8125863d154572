// `node tools/bench/encryption.mjs` (after `npx nx run api:build`): what encryption at rest costs.
// 1. The envelope alone: encrypt + decrypt of 200-byte message bodies per second, on one core (the key ring's
//    own calls: AES-256-GCM with a cached data key, a fresh IV, the row-binding additional data, base64url).
// 2. The send path's store: group commits of 200-byte messages into a real SQLite file (MessageWriter, the same
//    code the server runs), with encryption on and off, in alternating rounds; sends committed per second.
// `--seconds <n>` per micro run (default 3), `--sends <n>` per store round (default 20000), `--rounds <n>` (3).
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const dist = (path) => require(join(root, 'dist', 'apps', 'api', path));
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, sends: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' } } });

const { dataKey, newDataKeyId, newKeyBytes, sealText, openSealedText } = dist('encryption/envelope.js');
const { openTestDatabase, keyRingOf } = dist('testing/test-database.js');
const { loadConfig } = dist('config/config.js');
const { MessageWriter } = dist('messages/message-writer.js');
const { UserEntity } = dist('users/user.entity.js');
const { RoomEntity } = dist('rooms/room.entity.js');
const { RoomMemberEntity } = dist('rooms/room-member.entity.js');

const body = () => randomBytes(150).toString('base64').slice(0, 200);

function micro(seconds) {
  const key = dataKey(newDataKeyId(), newKeyBytes());
  const bodies = Array.from({ length: 1000 }, body);
  const ids = bodies.map(() => randomUUID());
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) {
      const aad = `messages.body:${ids[i]}`;
      const sealed = sealText(key, bodies[i], aad);
      if (openSealedText(key, sealed, aad).length !== 200) throw new Error('round trip failed');
    }
    n += 1000;
  }
  return n / seconds;
}

async function storeRound(encrypted, sends) {
  const db = await openTestDatabase(encrypted ? {} : { ENCRYPTION_AT_REST: 'off' });
  try {
    const keys = keyRingOf(db.dataSource, loadConfig({ DATA_DIR: db.config.dataDir, ENCRYPTION_AT_REST: encrypted ? 'on' : 'off' }));
    await keys.ready();
    keys.onApplicationShutdown();
    const writer = new MessageWriter(db.dataSource, db.config, keys);
    const users = db.dataSource.getRepository(UserEntity);
    const senderId = (await users.save(users.create({ username: 'bench', email: 'bench@example.com', displayName: 'Bench', passwordHash: 'x' }))).id;
    const rooms = db.dataSource.getRepository(RoomEntity);
    const roomIds = [];
    for (let r = 0; r < 10; r++) roomIds.push((await rooms.save(rooms.create({ kind: 'group', name: `R${r}`, ownerId: senderId }))).id);
    await db.dataSource.getRepository(RoomMemberEntity).insert(roomIds.map((roomId) => ({ roomId, userId: senderId, role: 'owner' })));
    const bodies = Array.from({ length: sends }, body);
    const started = performance.now();
    // 100 sends in flight at a time: group commits of about that size, as under load.
    for (let i = 0; i < sends; i += 100) {
      await Promise.all(bodies.slice(i, i + 100).map((b, k) => writer.send({ roomId: roomIds[(i + k) % 10], senderId, clientMsgId: randomUUID(), body: b, replyToId: null })));
    }
    return sends / ((performance.now() - started) / 1000);
  } finally {
    await db.close();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en');
const seconds = Number(values.seconds);
const micros = [micro(seconds), micro(seconds), micro(seconds)];
console.log(`envelope: encrypt + decrypt of a 200-byte body: ${micros.map(fmt).join(', ')} per second (${(1e6 / Math.max(...micros)).toFixed(1)} µs each, best run)`);

const on = [];
const off = [];
for (let r = 0; r < Number(values.rounds); r++) {
  off.push(await storeRound(false, Number(values.sends)));
  on.push(await storeRound(true, Number(values.sends)));
  console.log(`store round ${r + 1}: ${fmt(off[r])} sends/s off, ${fmt(on[r])} sends/s on`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`store: median ${fmt(median(off))} sends/s off, ${fmt(median(on))} sends/s on: encryption costs ${((1 - median(on) / median(off)) * 100).toFixed(1)} %`);
