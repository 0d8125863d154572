import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError, ErrorCode, UPLOADS_PATH, UploadMetadataKey } from '@parley/contracts';
import { DataStore, ERRORS, Locker, Server, Upload } from '@tus/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AuthedRequest } from '../auth/request-auth';
import { toErrorBody } from '../common/error-body';
import { errors } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { UPLOAD_DATA_STORE } from './blob-store';
import { fileTooLarge } from './file-errors';
import { FileUploads } from './file-uploads';
import { UPLOAD_LOCKER } from './upload-lockers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Node request and response under tus's web-style request (srvx). */
interface NodeSide {
  runtime?: { node?: { req: IncomingMessage; res: ServerResponse } };
}

/** A tus error answer: `{status_code, body}` (tus's own ERRORS have this shape). */
interface TusError {
  status_code: number;
  body: string;
}

const isTusError = (err: unknown): err is TusError =>
  typeof err === 'object' && err !== null && typeof (err as TusError).status_code === 'number' && typeof (err as TusError).body === 'string';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.BadRequest,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  410: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
};

/**
 * The tus 1.0 server at `/api/uploads` (creation, creation-with-upload, termination), writing into the
 * BlobStore's tus data store, with our rules in its hooks: creating an upload is `FileUploads.begin` (room,
 * size cap and quota, before any byte), the last byte runs `FileUploads.finish` (inspection and scan).
 * Authentication, CSRF and the per-IP limit run before, as for every route (UploadsController). Every error
 * leaves in the one JSON error shape.
 */
@Injectable()
export class TusUploads {
  private readonly logger = new Logger(TusUploads.name);
  private readonly server: Server;

  constructor(
    private readonly uploads: FileUploads,
    @Inject(UPLOAD_DATA_STORE) datastore: DataStore,
    @Inject(UPLOAD_LOCKER) locker: Locker,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.server = new Server({
      path: UPLOADS_PATH,
      // A cancelled upload's row goes with its bytes, before the 204: the quota it held is free when the client hears so.
      datastore: afterRemoving(datastore, (id) => this.uploads.abandon(id)),
      locker,
      relativeLocation: true,
      maxSize: config.files.maxBytes,
      // The upload id is the file's id (and the key of its bytes).
      namingFunction: () => randomUUID(),
      // CORS only for the origins the operator listed (tus answers `*` by default).
      allowedOrigins: config.allowedOrigins,
      allowedCredentials: config.allowedOrigins.length > 0,
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      onUploadCreate: async (req, upload) => {
        await this.create(authOf(req), upload);
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        await this.uploads.finish(upload.id, upload.size ?? upload.offset);
        return {};
      },
      onResponseError: (req, err) => this.describe(req, err),
    });
  }

  /** Serves one tus request (the caller has authenticated it). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    jsonErrorType(res);
    return this.server.handle(req, res);
  }

  private async create(auth: AuthedRequest['auth'], upload: Upload): Promise<void> {
    if (!auth) throw errors.unauthenticated('Sign in first');
    if (upload.size === undefined) throw errors.badRequest('Say how large the file is: Upload-Length is required (Upload-Defer-Length is not supported)');
    const meta = upload.metadata ?? {};
    const roomId = meta[UploadMetadataKey.RoomId];
    const name = meta[UploadMetadataKey.FileName];
    if (!roomId || !UUID.test(roomId)) throw errors.validation('roomId', 'Upload-Metadata must carry roomId: the room (a UUID) the file is for');
    if (!name || !name.trim()) throw errors.validation('filename', 'Upload-Metadata must carry filename: the file\u2019s name');
    await this.uploads.begin(auth.user, { id: upload.id, roomId, name, declaredSize: upload.size, declaredType: meta[UploadMetadataKey.FileType] ?? undefined });
  }

  /** Our errors and tus's own, in the one JSON error shape (with its Content-Type and Retry-After). */
  private describe(req: unknown, err: unknown): TusError {
    let body: ApiError;
    if (isTusError(err)) {
      const status = err.status_code;
      const message =
        err === ERRORS.ERR_MAX_SIZE_EXCEEDED
          ? fileTooLarge(this.uploads.maxBytes).message
          : err === ERRORS.ERR_SIZE_EXCEEDED
            ? 'More bytes were sent than the upload announced (Upload-Length)'
            : status === 404 || status === 410
              ? 'Upload not found'
              : err.body.trim();
      body = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code: CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest) };
    } else {
      body = toErrorBody(err);
    }
    if (body.statusCode >= 500 && body.code === ErrorCode.Internal) {
      this.logger.error(`Upload request failed: ${err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err)}`);
    }
    const res = (req as NodeSide).runtime?.node?.res;
    if (res && !res.headersSent) {
      JSON_ERRORS.add(res);
      if (body.retryAfter !== undefined) res.setHeader('Retry-After', String(body.retryAfter));
    }
    return { status_code: body.statusCode, body: JSON.stringify(body) };
  }
}

/** The store, with `then` run after each of its removals (tus termination), inside the request. */
function afterRemoving(store: DataStore, then: (id: string) => Promise<void>): DataStore {
  const remove = async (id: string) => {
    await store.remove(id);
    await then(id);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'remove') return remove;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Responses whose body `describe` made JSON. */
const JSON_ERRORS = new WeakSet<ServerResponse>();

/**
 * tus writes its answers with a text body, so the runtime labels them text/plain when it writes the head;
 * an error body we made JSON is labelled as such there instead (tus's own protocol refusals, such as a
 * missing Tus-Resumable header, stay plain text).
 */
function jsonErrorType(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (JSON_ERRORS.has(res)) {
      for (const part of rest) {
        if (!Array.isArray(part)) continue;
        for (let i = 0; i < part.length; i += 2) {
          if (String(part[i]).toLowerCase() === 'content-type') part[i + 1] = 'application/json; charset=utf-8';
        }
      }
    }
    return writeHead(status, ...rest);
  }) as ServerResponse['writeHead'];
}

function authOf(req: unknown): AuthedRequest['auth'] {
  return ((req as NodeSide).runtime?.node?.req as AuthedRequest | undefined)?.auth;
}
