import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '@parley/contracts';
import { BEARER_AUTH, COOKIE_AUTH } from './common/api-docs';
import type { AppConfig } from './config/config';

/** Stable ids: `<controller>_<method>`, e.g. `auth_login`, `users_updateMe`. */
function operationId(controllerKey: string, methodKey: string): string {
  const base = controllerKey.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}_${methodKey}`;
}

function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Parley API')
    .setDescription(
      'The REST API of Parley, a self-hosted team chat. Authenticate with `Authorization: Bearer <token>` (a session token from ' +
        `\`POST /api/auth/login\` or a personal access token from \`POST /api/auth/tokens\`), or with the \`${SESSION_COOKIE}\` cookie ` +
        `set by login; cookie-authenticated writes must echo the \`${CSRF_COOKIE}\` cookie in the \`${CSRF_HEADER}\` header. ` +
        'Every error has the shape `{statusCode, error, message, code}`.',
    )
    .setVersion(config.version)
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer(config.publicUrl ?? '/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A session token or a personal access token' }, BEARER_AUTH)
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', description: 'The session cookie set by login' }, COOKIE_AUTH)
    .addTag('admin', 'User administration (admins only)')
    .addTag('auth', 'Accounts, sessions and personal access tokens')
    .addTag('blocks', 'Blocking users: no friend requests, direct messages or presence from them')
    .addTag('calendar', 'The room calendar: events with recurrence in their own time zone, single-occurrence exceptions, RSVPs, ICS downloads and a personal subscription feed')
    .addTag('e2ee', 'End-to-end encryption: this sign-in as a device, and the Matrix-shaped key endpoints the crypto library uses (devices, keys, to-device messages, key backup)')
    .addTag('files', 'Files in rooms: resumable (tus) and one-request uploads, details, bytes and thumbnails, the Files panel, deletion')
    .addTag('friends', 'Friend requests and friends')
    .addTag('health', 'Liveness and readiness')
    .addTag('messages', 'Messages: history, sending (the REST twin of the socket event), edits, deletions and read markers')
    .addTag('records', 'Conversation records: transcripts of a room for its members')
    .addTag('rooms', 'Rooms, their members and roles, the public directory and invite links')
    .addTag('search', 'Message search over your rooms, through a keyed index that holds no text')
    .addTag('users', 'Profiles and the user directory');
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: operationId });
  return sortKeys(document);
}

/**
 * Swagger UI's "Try it out" runs in a page of this origin, so the browser sends the web app's session cookie
 * with it, and a cookie-authenticated write needs the CSRF header. This echoes the XSRF-TOKEN cookie in
 * X-XSRF-TOKEN, as the web app does. It runs in the browser: Nest writes its source into swagger-ui-init.js
 * (a script file, so the docs' CSP needs no inline script), hence no imports and literal names.
 */
function echoCsrfCookie(req: { headers: Record<string, string> }) {
  const doc = (globalThis as unknown as { document?: { cookie: string } }).document;
  const match = doc ? /(?:^|;\s*)XSRF-TOKEN=([^;]*)/.exec(doc.cookie) : null;
  if (match) req.headers['X-XSRF-TOKEN'] = decodeURIComponent(match[1]);
  return req;
}

export function setupOpenApi(app: INestApplication, config: AppConfig): void {
  // Built at the first request for it (then kept): building it at start-up cost every start a few hundred
  // milliseconds of CPU that most processes never use.
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app, config), {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
    customSiteTitle: 'Parley API',
    swaggerOptions: {
      persistAuthorization: false,
      operationsSorter: 'alpha',
      tagsSorter: 'alpha',
      requestInterceptor: echoCsrfCookie,
    },
  });
}
