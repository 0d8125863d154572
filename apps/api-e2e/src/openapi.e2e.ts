import { Document, Spectral } from '@stoplight/spectral-core';
import { Json as JsonParser } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import request from 'supertest';
import { RunningServer, startServer } from '@parley/testing';

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};

describe('the OpenAPI document', () => {
  let server: RunningServer;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
  let raw: string;

  beforeAll(async () => {
    server = await startServer();
    const res = await request(server.url).get('/api/docs-json').expect(200);
    raw = res.text;
    doc = JSON.parse(raw);
  });
  afterAll(async () => server?.dispose());

  it('passes the Spectral OpenAPI ruleset with no errors or warnings', async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as never, 'all']], rules: { 'info-contact': 'off', 'contact-properties': 'off' } });
    const results = await spectral.run(new Document(raw, JsonParser, '/api/docs-json'));
    const problems = results.map((r) => `${['error', 'warn', 'info', 'hint'][r.severity]} ${r.code} at ${r.path.join('.')}: ${r.message}`);
    expect(problems.filter((p) => p.startsWith('error') || p.startsWith('warn'))).toEqual([]);
  });

  it('describes both auth schemes', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
  });

  it('gives every operation a stable id, a response schema, error responses, and auth unless public', () => {
    const publicOps = new Set(['auth_register', 'auth_login', 'auth_session', 'health_health', 'calendar_feed']);
    const ids: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op.operationId).toMatch(/^[a-z][A-Za-z]*_[a-z][A-Za-z]*$/);
        ids.push(op.operationId!);
        const statuses = Object.keys(op.responses);
        expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
        if (op.operationId === 'health_health') {
          expect(op.responses['503'].content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/HealthDto' });
          continue;
        }
        expect(statuses).toContain('400');
        for (const s of statuses.filter((x) => /^[45]/.test(x))) {
          expect(op.responses[s].content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ApiErrorDto' });
        }
        if (['post', 'put', 'patch'].includes(method) && !path.includes('logout') && !/deactivate|reactivate|\/(join|leave|archive|unarchive|accept|decline|run|cancel|dismiss)$|^\/api\/blocks\/|^\/api\/calendar\/feed$/.test(path)) {
          // JSON, multipart/form-data for file uploads (the avatar, room files), bytes for tus uploads, or an .ics file.
          const content = op.requestBody?.content;
          expect((content?.['application/json'] ?? content?.['multipart/form-data'] ?? content?.['application/offset+octet-stream'] ?? content?.['text/calendar'])?.schema).toBeDefined();
        }
        if (publicOps.has(op.operationId!)) expect(op.security ?? []).toEqual([]);
        else expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }, { cookie: [] }]));
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['auth_login', 'auth_register', 'accessTokens_create', 'users_updateMe', 'adminUsers_deactivate']));
  });

  it('serves Swagger UI at /api/docs', async () => {
    const res = await request(server.url).get('/api/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
    expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
  });
});
