import type { Request, Response } from 'express';

// CORS for the origins in CORS_ORIGINS. A listed origin gets its own origin back (never
// "*") and `Vary: Origin`; its preflights are answered here with 204. Any other origin,
// and every request when the list is empty, gets no Access-Control-* header at all, so an
// OPTIONS request goes on to the routes like any other method (405 with Allow).

export const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PUT, DELETE';
export const CORS_ALLOW_HEADERS = 'Content-Type, X-Request-Id';
// Response headers a browser script may read besides the simple ones.
export const CORS_EXPOSE_HEADERS = 'Location, X-Request-Id';
const MAX_AGE_SECONDS = '600';

/**
 * A step of app.ts's first layer: sets the CORS headers for a listed origin, and answers
 * its preflight (returns true when it did). Undefined when no origin is listed.
 */
export function cors(
  origins: readonly string[],
): ((req: Request, res: Response) => boolean) | undefined {
  if (origins.length === 0) return undefined;
  const allowed = new Set(origins);
  return (req, res) => {
    const { origin } = req.headers;
    if (origin === undefined || !allowed.has(origin.toLowerCase())) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', MAX_AGE_SECONDS);
      res.statusCode = 204;
      res.end();
      return true;
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
    return false;
  };
}
