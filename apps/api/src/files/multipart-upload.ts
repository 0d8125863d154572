import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { errors } from '../common/errors';
import { BLOB_STORE, BlobStore } from './blob-store';
import { FileEntity } from './file.entity';
import { fileTooLarge } from './file-errors';
import { FileUploads } from './file-uploads';

/** The form field that carries the file. */
export const FILE_FIELD = 'file';
/** Room for the multipart framing around the file (boundaries, part headers) in a request's length. */
const FRAMING_BYTES = 64 * 1024;

/** Fails the stream once more than `max` bytes have passed: a file never grows past the cap on its way in. */
class ByteCap extends Transform {
  private seen = 0;

  constructor(
    private readonly max: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) done(this.tooLarge());
    else done(null, chunk);
  }
}

/**
 * `POST /api/rooms/:roomId/files`: one file in one multipart/form-data request, for scripts and integrations.
 * The file streams from the socket to the BlobStore (never held in memory) under the same rules as a tus
 * upload: a request longer than the size cap is refused before its body is read, the room and the quota are
 * checked (FileUploads.begin, with the request's length as the announced size) before the file's bytes are
 * stored, and the stored file is inspected and scanned before the answer.
 */
@Injectable()
export class MultipartUploads {
  constructor(
    private readonly uploads: FileUploads,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async receive(actor: { id: string }, roomId: string, req: Request, res: Response): Promise<FileEntity> {
    const max = this.uploads.maxBytes;
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(type)) {
      throw refuse(res, errors.unsupportedMediaType(`Send the file as multipart/form-data, in the field "${FILE_FIELD}"`));
    }
    const length = Number(req.headers['content-length']);
    const known = Number.isFinite(length) && length >= 0;
    if (known && length > max + FRAMING_BYTES) throw refuse(res, fileTooLarge(max));
    const declaredSize = known ? Math.min(length, max) : max;

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // The file and nothing else (a second part is refused); one byte over the cap, so that ByteCap
        // refuses a file that is too large rather than busboy cutting it short silently.
        limits: { files: 1, fields: 0, parts: 2, fileSize: max + 1, headerPairs: 50 },
      });
    } catch {
      throw refuse(res, errors.validation(FILE_FIELD, 'The multipart body is malformed (no boundary)'));
    }

    const id = randomUUID();
    let begun = false;
    try {
      const stored = await new Promise<{ size: number }>((resolve, reject) => {
        let storing: Promise<{ size: number }> | null = null;
        let problem: unknown = null;
        const wrongShape = () => (problem ??= errors.validation(FILE_FIELD, `The form must hold exactly one file, in the field "${FILE_FIELD}", and nothing else`));
        parser.on('file', (field: string, stream: Readable, info: busboy.FileInfo) => {
          if (storing || field !== FILE_FIELD) {
            if (field !== FILE_FIELD) wrongShape();
            stream.resume();
            return;
          }
          storing = this.uploads.begin(actor, { id, roomId, name: info.filename ?? FILE_FIELD, declaredSize, declaredType: info.mimeType }).then(() => {
            begun = true;
            // The cap may fail the stream before the store has started reading it: its error is kept here
            // (an unheard stream error would end the process) and is the answer whatever the store says.
            const cap = new ByteCap(max, () => fileTooLarge(max));
            let capError: unknown = null;
            cap.on('error', (err) => {
              capError = err;
              stream.resume();
            });
            return this.blobs.put(this.blobs.uploadKey(id), stream.pipe(cap), {}).then(
              (stored) => {
                if (capError) throw capError;
                return stored;
              },
              (err: unknown) => {
                throw capError ?? err;
              },
            );
          });
          storing.catch((err: unknown) => {
            stream.resume();
            reject(err);
          });
        });
        parser.on('filesLimit', wrongShape);
        parser.on('fieldsLimit', wrongShape);
        parser.on('error', () => reject(errors.validation(FILE_FIELD, 'The multipart body is malformed or incomplete')));
        parser.on('close', () => {
          if (!storing) return reject(problem ?? errors.validation(FILE_FIELD, `Send one file in the field "${FILE_FIELD}"`));
          storing.then((done) => (problem ? reject(problem) : resolve(done)), reject);
        });
        req.on('aborted', () => reject(errors.badRequest('The upload was interrupted')));
        req.pipe(parser);
      });
      return await this.uploads.finish(id, stored.size);
    } catch (err) {
      if (begun) await this.uploads.abandon(id);
      req.unpipe(parser);
      throw refuse(res, err);
    }
  }
}

/** The request may still be sending its body: the answer closes the connection rather than read the rest. */
function refuse(res: Response, err: unknown): unknown {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  return err;
}
