import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpProblem } from '../problems.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** `application/json` or any `application/*+json`, parameters allowed. */
export function isJsonContentType(header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const mediaType = (header.split(';', 1)[0] ?? '').trim().toLowerCase();
  return (
    mediaType === 'application/json' ||
    /^application\/[!#$%&'*.^`|~0-9a-z-]+\+json$/.test(mediaType)
  );
}

const NO_BODY = Buffer.alloc(0);

/** Whether the request carries a body at all: the same test body-parser (type-is) makes. */
function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined
  );
}

/**
 * Reads every request body as bytes, whatever its method or type, so that the size check
 * comes before anything else: over `limit` bytes is 413, with Content-Length or chunked.
 * The bytes go to `req.rawBody` (empty when there is no body).
 */
export function readBody({
  limit,
}: {
  limit: number;
}): (req: Request, res: Response, next: NextFunction) => void {
  const readRaw = express.raw({ type: () => true, limit, inflate: false });
  return (req, res, next) => {
    // Most requests (GETs, probes) have no body: skip the reader and its setup.
    if (!hasBody(req)) {
      req.rawBody = NO_BODY;
      next();
      return;
    }
    readRaw(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : NO_BODY;
      req.body = undefined;
      next();
    });
  };
}

/**
 * For routes that take a JSON body: 415 without a JSON content type, then 400 for bytes
 * that are not UTF-8 JSON. The parsed value goes to `req.body`.
 */
export function jsonBody(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, _res, next) => {
    if (!isJsonContentType(req.headers['content-type'])) {
      next(new HttpProblem(415, 'The request body must be JSON (Content-Type: application/json).'));
      return;
    }
    try {
      req.body = JSON.parse(decoder.decode(req.rawBody));
    } catch {
      next(new HttpProblem(400, 'The request body is not valid JSON.'));
      return;
    }
    next();
  };
}
