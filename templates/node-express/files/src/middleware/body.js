import express from 'express';
import { HttpProblem } from '../problems.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT']);
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `application/json` or any `application/*+json`, parameters allowed. */
export function isJsonContentType(header) {
  if (typeof header !== 'string') return false;
  const mediaType = header.split(';', 1)[0].trim().toLowerCase();
  return (
    mediaType === 'application/json' ||
    /^application\/[!#$%&'*.^`|~0-9a-z-]+\+json$/.test(mediaType)
  );
}

/**
 * Reads and parses JSON bodies in the contract's order: 413 (over the limit, with
 * Content-Length or chunked), then 415 (POST/PUT without a JSON content type), then 400
 * (malformed JSON). Routes find the parsed value in `req.body`.
 */
export function jsonBody({ limit }) {
  // Every body is read as bytes first, whatever its type, so the size check comes first.
  const readRaw = express.raw({ type: () => true, limit, inflate: false });
  return [
    readRaw,
    (req, _res, next) => {
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : undefined;
      req.body = undefined;
      if (!METHODS_WITH_BODY.has(req.method)) return next();
      if (!isJsonContentType(req.headers['content-type'])) {
        return next(
          new HttpProblem(415, 'The request body must be JSON (Content-Type: application/json).'),
        );
      }
      try {
        req.body = JSON.parse(decoder.decode(req.rawBody ?? Buffer.alloc(0)));
      } catch {
        return next(new HttpProblem(400, 'The request body is not valid JSON.'));
      }
      next();
    },
  ];
}
