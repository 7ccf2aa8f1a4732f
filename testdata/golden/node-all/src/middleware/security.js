import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Headers sent on every response, errors and WebSocket upgrades included. */
export const SECURITY_HEADERS = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
});

/** The caller's X-Request-Id when it is safe to echo, else a new UUID v4. */
export function requestIdFor(req) {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Sets the request id and the security headers before anything else runs. */
export function securityHeaders() {
  return (req, res, next) => {
    req.id = requestIdFor(req);
    res.setHeader('X-Request-Id', req.id);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  };
}
