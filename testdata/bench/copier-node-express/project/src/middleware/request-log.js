import { requestPath } from '../problems.js';

/** One log line per request, written when the response is done. Never logs bodies. */
export function requestLog(logger) {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('close', () => {
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      logger.info(
        {
          method: req.method,
          path: requestPath(req),
          status: res.statusCode,
          duration_ms: Math.round(durationMs * 1000) / 1000,
          request_id: req.id,
        },
        'request',
      );
    });
    next();
  };
}
