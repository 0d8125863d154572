// The bare reference for `npm run bench -- --case history`: node:http and the API's history query on the same
// SQLite file (better-sqlite3, read-only), answering GET /api/rooms/:id/messages?before=&limit= with the same
// JSON shape ({items, hasMore}, items in ascending seq). No framework, authentication, throttling, logging or
// metrics: what remains is what any HTTP reader of this database pays on this machine (loopback, the event
// loop, the query, JSON). A request without `Authorization: Bearer <BARE_TOKEN>` gets 401, so the client
// sends the same headers to both servers.
//
//   DB_FILE=… BARE_TOKEN=… PORT=0 node tools/bench/lib/bare-history-server.mjs
//
// Prints one JSON line {"listening": <port>} on stdout when ready; stops on SIGTERM or SIGINT.
import Database from 'better-sqlite3';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const db = new Database(process.env.DB_FILE, { readonly: true });
const expected = `Bearer ${process.env.BARE_TOKEN}`;
const query = db.prepare('SELECT * FROM messages WHERE "roomId" = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
const PATH = /^\/api\/rooms\/([0-9a-f-]{36})\/messages\?before=(\d+)&limit=(\d+)$/;

const server = createServer((req, res) => {
  const match = PATH.exec(req.url ?? '');
  if (req.headers.authorization !== expected) return res.writeHead(401).end();
  if (req.method !== 'GET' || !match) return res.writeHead(404).end();
  const limit = Number(match[3]);
  const rows = query.all(match[1], Number(match[2]), limit + 1);
  const body = JSON.stringify({ items: rows.slice(0, limit).reverse(), hasMore: rows.length > limit });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
