import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { isTooDeep } from './json-depth';

/** A body-parser style error (status + type), turned into the one error shape by toErrorBody. */
class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
}

/**
 * The JSON body parser: a size cap, objects and arrays only (`strict`), and a depth cap, so a deeply nested
 * body is a 400 here and never reaches the validators (class-transformer recurses, and would overflow).
 */
export function jsonBodyParser(limit: string): RequestHandler[] {
  return [
    express.json({ limit, strict: true }),
    (req: Request, _res: Response, next: NextFunction) => next(isTooDeep(req.body) ? new JsonTooDeepError() : undefined),
  ];
}
