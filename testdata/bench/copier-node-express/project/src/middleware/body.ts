import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpProblem } from '../problems.ts';

// fatal: invalid UTF-8 is an error. ignoreBOM: a byte order mark stays in the text, where
// JSON.parse refuses it (JSON text has none: RFC 8259).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether every string in a parsed JSON value, keys included, is well-formed UTF-16: JSON
 * lets an escape such as "\ud800" stand alone, which no UTF-8 text can hold. Walks with a
 * stack, not recursion: the nesting depth is the client's choice.
 */
function wellFormed(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (!node.isWellFormed()) return false;
    } else if (Array.isArray(node)) {
      for (const entry of node) stack.push(entry);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, entry] of Object.entries(node)) {
        if (!key.isWellFormed()) return false;
        stack.push(entry);
      }
    }
  }
  return true;
}

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
 * For routes that take a JSON body: 415 without a JSON content type or with any
 * Content-Encoding, then 400 for bytes that are not UTF-8 JSON (a BOM, an unpaired
 * surrogate escape and an empty body included). The parsed value goes to `req.body`; for
 * a repeated key the last one wins (JSON.parse).
 */
export function jsonBody(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, _res, next) => {
    if (!isJsonContentType(req.headers['content-type'])) {
      next(new HttpProblem(415, 'The request body must be JSON (Content-Type: application/json).'));
      return;
    }
    if (req.headers['content-encoding'] !== undefined) {
      next(new HttpProblem(415, 'Compressed request bodies are not supported.'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(req.rawBody));
    } catch {
      next(new HttpProblem(400, 'The request body is not valid JSON.'));
      return;
    }
    if (!wellFormed(body)) {
      next(
        new HttpProblem(400, 'The request body is not valid JSON: it has an unpaired surrogate.'),
      );
      return;
    }
    req.body = body;
    next();
  };
}
