import { requestPath } from '../problems.js';

/** Writes the one log line of a request. `start` is a process.hrtime.bigint() value. */
export function logRequest(logger, { method, path, status, start, requestId }) {
  const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
  logger.info(
    {
      method,
      path,
      status,
      duration_ms: Math.round(durationMs * 1000) / 1000,
      request_id: requestId,
    },
    'request',
  );
}

/**
 * One log line per request, written when the response is done. Never logs bodies.
 * @returns {(req: object, res: object) => void} a step of app.js's first layer
 */
export function requestLog(logger) {
  return (req, res) => {
    const start = process.hrtime.bigint();
    res.on('close', () => {
      logRequest(logger, {
        method: req.method,
        path: requestPath(req),
        status: res.statusCode,
        start,
        requestId: req.id,
      });
    });
  };
}
