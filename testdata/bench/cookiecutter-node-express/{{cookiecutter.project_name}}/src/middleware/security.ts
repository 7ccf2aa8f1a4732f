import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Headers sent on every response, errors and WebSocket upgrades included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
});

// Built once for res.setHeaders(), which takes a Map: these never change. (Node still
// checks each header inside; the saving is the per-request Object.entries() copy.)
const SECURITY_HEADER_MAP = new Map(Object.entries(SECURITY_HEADERS));

/** The caller's X-Request-Id when it is safe to echo, else a new UUID v4. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Sets the headers every response carries, before anything else runs: the request id, the
 * security headers, and `Connection: close` while the server drains (so that a keep-alive
 * client finishes its request, then goes elsewhere). Also sets `req.id`.
 * Returns a step of app.ts's first layer.
 */
export function responseHeaders({
  lifecycle,
}: {
  lifecycle: { readonly draining: boolean };
}): (req: Request, res: Response) => void {
  return (req, res) => {
    req.id = requestIdFor(req);
    res.setHeader('X-Request-Id', req.id);
    res.setHeaders(SECURITY_HEADER_MAP);
    if (lifecycle.draining) res.setHeader('Connection', 'close');
  };
}
