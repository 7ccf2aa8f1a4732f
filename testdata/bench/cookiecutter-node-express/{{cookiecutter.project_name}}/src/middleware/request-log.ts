import type { Request, Response } from 'express';
import type { Logger } from '../logger.ts';
import { requestPath } from '../problems.ts';

interface RequestRecord {
  method: string | undefined;
  path: string;
  status: number;
  /** A process.hrtime.bigint() value taken when the request came in. */
  start: bigint;
  requestId: string | undefined;
}

/** Writes the one log line of a request. */
export function logRequest(
  logger: Logger,
  { method, path, status, start, requestId }: RequestRecord,
): void {
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
 * Returns a step of app.ts's first layer.
 */
export function requestLog(logger: Logger): (req: Request, res: Response) => void {
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
