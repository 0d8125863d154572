// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';

export const HELP = `Parley real-time benchmark: the same Socket.IO load against a bare Socket.IO server and Parley.

  npm run bench                          fixed run at 700 msgs/s, then the max-sustained search, both servers
  npm run bench -- --rate 700            only the fixed run (delivered msgs/s)
  npm run bench -- --mode max            only the max-sustained search
  npm run bench -- --idle 10000          10,000 authenticated idle sockets against Parley: memory per socket
  npm run bench -- --case history        the REST read path (--case history --help)
  npm run bench -- --upload              a 200 MB tus upload against a plain copy (--upload --help)

"msgs/s" everywhere means DELIVERED messages per second: receptions of 'message:new' at room members other
than the sender. With rooms of 10, one send is delivered 9 times, so 700 msgs/s = 77.8 sends/s.

Load options
  --only parley|bare       run one server only (default: both, bare first)
  --mode all|fixed|max     default all; --rate/--send-rate alone imply fixed
  --rate N                 fixed run: offered delivered msgs/s (default 700)
  --send-rate N            fixed run: offered sends/s instead (rate = sends/s × (room size − 1))
  --clients N              clients (one user and one socket each, default 100)
  --room-size M            members per room (default 10)
  --body-bytes N           message body size (default 200)
  --duration S             measured seconds per step (default 10)
  --warmup S               unmeasured seconds before each step's window (default 2)
  --drain S                longest wait for late deliveries and acks after a step (default 5)
  --start-rate N           max search: first offered msgs/s (default 2000)
  --growth F               max search: rate factor while steps pass (default 1.5)
  --refine K               max search: bisection steps after the first failure (default 3)
  --max-rate N             max search: highest offered msgs/s tried (default 200000)
  --p99-limit MS           a step is sustained when p99 send→receive ≤ this … (default 50)
  --min-delivery PCT       … and at least this share was delivered (default 99.9)
  --workers N              load-generator processes (default 1)
  --nodes 1|2              server processes (default 1). 2: two bare Socket.IO servers joined by
                           @socket.io/redis-streams-adapter against two Parley processes with REDIS_URL on
                           one temporary PostgreSQL database (PG_ADMIN_URL, default
                           postgres://postgres@127.0.0.1:5432/test); a private redis-server is started;
                           clients alternate between the two processes
  --api-main PATH          the built API to run (default dist/apps/api/main.js, built with Nx if missing)
  --profile DIR            write a CPU profile (.cpuprofile, open in Chrome DevTools) of each server under
                           load into DIR
  --json PATH              also write every figure as JSON (default tmp/bench/latest.json)

Idle options
  --idle N                 hold N authenticated idle sockets and report the server memory they cost
  --idle-workers N         client processes holding them (default N / 2500, at least 1)
  --idle-hold S            seconds to hold the sockets before measuring (default 10)
  --idle-per-user K        sockets per user, each with its own session (default 1: N distinct users; above
                           SOCKETS_PER_USER_MAX (20) the run raises it and says so)
`;

const number = (name, v, { min = 0, integer = false } = {}) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min} (got ${v})`);
  return n;
};

export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      only: { type: 'string' },
      mode: { type: 'string' },
      rate: { type: 'string' },
      'send-rate': { type: 'string' },
      clients: { type: 'string', default: '100' },
      'room-size': { type: 'string', default: '10' },
      'body-bytes': { type: 'string', default: '200' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      drain: { type: 'string', default: '5' },
      'start-rate': { type: 'string', default: '2000' },
      growth: { type: 'string', default: '1.5' },
      refine: { type: 'string', default: '3' },
      'max-rate': { type: 'string', default: '200000' },
      'p99-limit': { type: 'string', default: '50' },
      'min-delivery': { type: 'string', default: '99.9' },
      workers: { type: 'string', default: '1' },
      nodes: { type: 'string', default: '1' },
      'api-main': { type: 'string' },
      json: { type: 'string', default: 'tmp/bench/latest.json' },
      profile: { type: 'string' },
      idle: { type: 'string' },
      'idle-workers': { type: 'string' },
      'idle-hold': { type: 'string', default: '10' },
      'idle-per-user': { type: 'string', default: '1' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  if (values.only && !['parley', 'bare'].includes(values.only)) throw new Error('--only must be parley or bare');
  if (values.mode && !['all', 'fixed', 'max'].includes(values.mode)) throw new Error('--mode must be all, fixed or max');
  if (values.rate && values['send-rate']) throw new Error('give --rate or --send-rate, not both');

  const clients = number('clients', values.clients, { min: 2, integer: true });
  const roomSize = number('room-size', values['room-size'], { min: 2, integer: true });
  if (roomSize > clients) throw new Error('--room-size cannot exceed --clients');
  const idle = values.idle === undefined ? undefined : number('idle', values.idle, { min: 1, integer: true });
  return {
    help: false,
    servers: values.only ? [values.only] : ['bare', 'parley'],
    mode: values.mode ?? (values.rate || values['send-rate'] ? 'fixed' : 'all'),
    rate: values.rate ? number('rate', values.rate, { min: 1 }) : undefined,
    sendRate: values['send-rate'] ? number('send-rate', values['send-rate'], { min: 0.1 }) : undefined,
    clients,
    roomSize,
    bodyBytes: number('body-bytes', values['body-bytes'], { min: 40, integer: true }),
    durationMs: number('duration', values.duration, { min: 1 }) * 1000,
    warmupMs: number('warmup', values.warmup) * 1000,
    drainMs: number('drain', values.drain, { min: 0.5 }) * 1000,
    startRate: number('start-rate', values['start-rate'], { min: 1 }),
    growth: number('growth', values.growth, { min: 1.05 }),
    refine: number('refine', values.refine, { integer: true }),
    maxRate: number('max-rate', values['max-rate'], { min: 1 }),
    p99LimitMs: number('p99-limit', values['p99-limit'], { min: 0.1 }),
    minDeliveryPct: number('min-delivery', values['min-delivery']),
    workers: number('workers', values.workers, { min: 1, integer: true }),
    nodes: (() => {
      const n = number('nodes', values.nodes, { min: 1, integer: true });
      if (n > 2) throw new Error('--nodes must be 1 or 2');
      return n;
    })(),
    apiMain: values['api-main'],
    json: values.json,
    profile: values.profile,
    idle,
    idleWorkers: values['idle-workers'] ? number('idle-workers', values['idle-workers'], { min: 1, integer: true }) : Math.max(1, Math.ceil((idle ?? 0) / 2500)),
    idleHoldMs: number('idle-hold', values['idle-hold']) * 1000,
    idlePerUser: number('idle-per-user', values['idle-per-user'], { min: 1, integer: true }),
  };
}
