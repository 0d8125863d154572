import { freePort, RunningServer, startServer, withServer } from '@parley/testing';
import request from 'supertest';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { signUp } from './support/factories';

afterEach(closeSockets);

const TOKEN = 'metrics-token-for-the-e2e-tests-0123';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the Prometheus text exposition format strictly enough to catch a broken answer: every line is a
 * comment (`# HELP`/`# TYPE`), blank, or `name{label="value",...} number`; every sample's family is typed.
 */
function parsePrometheus(text: string): Sample[] {
  const typed = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      typed.add(type[1]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][\w:]* .*$/.test(line)) continue;
    // Values as Prometheus reads them (Go's ParseFloat: NaN and Inf in any case; prom-client writes "Nan").
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?)|nan|[+-]?inf)$/i.exec(line);
    if (!m) throw new Error(`not a Prometheus text line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/g)) labels[l[1]] = l[2];
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(m[1]) && !typed.has(family)) throw new Error(`sample of an undeclared metric: ${line}`);
    samples.push({ name: m[1], labels, value: /nan/i.test(m[3]) ? NaN : /inf/i.test(m[3]) ? (m[3].startsWith('-') ? -Infinity : Infinity) : Number(m[3]) });
  }
  return samples;
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function scrape(url: string): Promise<Sample[]> {
  const res = await request(url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.text);
}

describe('GET /metrics', () => {
  it('does not exist unless METRICS_TOKEN or METRICS_PORT is set', async () => {
    await withServer({}, async (server) => {
      const res = await request(server.url).get('/metrics').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found' });
      await request(server.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ env: { METRICS_TOKEN: TOKEN } });
    });
    afterAll(() => server.dispose());

    it('refuses a missing or wrong token with 401', async () => {
      const none = await request(server.url).get('/metrics').expect(401);
      expect(none.body).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      await request(server.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
      await request(server.url).get('/metrics').set('Authorization', 'Bearer short').expect(401);
      await request(server.url).get('/metrics').set('Authorization', TOKEN).expect(401);
    });

    it('counts a send, its commit, its fan-out and the open sockets, in Prometheus text', async () => {
      const [ana, ben] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server.url, ana, [ben]);
      const [sa] = await Promise.all([socketFor(server.url, ana), socketFor(server.url, ben)]);

      const before = await scrape(server.url);
      await send(sa, room.id, 'counted');
      const after = await scrape(server.url);

      const sent = (s: Sample[]) => valueOf(s, 'parley_messages_sent_total') ?? NaN;
      expect(sent(after) - sent(before)).toBe(1);
      const commits = (s: Sample[]) => valueOf(s, 'parley_message_commit_duration_seconds_count') ?? NaN;
      expect(commits(after) - commits(before)).toBe(1);
      const deliveries = (s: Sample[]) => valueOf(s, 'parley_socket_deliveries_total', { event: 'message:new' }) ?? 0;
      expect(deliveries(after) - deliveries(before)).toBe(1); // Ben's socket; Ana's gets the ack
      expect(valueOf(after, 'parley_sockets_open')).toBe(2);
      expect(valueOf(after, 'parley_database_up')).toBe(1);
      expect(valueOf(after, 'parley_redis_configured')).toBe(0);
      expect(valueOf(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      // HTTP latency is labelled by route pattern, never by the raw URL with its ids.
      const routes = after.filter((s) => s.name === 'parley_http_request_duration_seconds_count').map((s) => s.labels['route']);
      expect(routes).toContain('/api/rooms');
      expect(routes.some((r) => r.includes(room.id))).toBe(false);
    });
  });

  it('is served on METRICS_PORT without a token, and stays 404 on the API port', async () => {
    const metricsPort = await freePort();
    await withServer({ env: { METRICS_PORT: String(metricsPort) } }, async (server) => {
      const res = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics').expect(200);
      expect(valueOf(parsePrometheus(res.text), 'parley_database_up')).toBe(1);
      await request(`http://127.0.0.1:${metricsPort}`).get('/api/health').expect(404);
      await request(server.url).get('/metrics').expect(404);
    });
  });
});
