import type { Server } from 'node:http';
import type { Lifecycle } from './app.ts';
import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  server: Server;
  lifecycle: Lifecycle;
  logger: Logger;
  timeoutMs: number;
  /** Runs when draining starts (e.g. to close WebSockets). */
  onDrain?: () => void;
  /** Runs when the drain time ran out, after the remaining connections were cut. */
  onTimeout?: () => void;
}

/**
 * Graceful shutdown: readiness turns 503, the listener closes, in-flight requests finish.
 * The returned function starts it once (later calls get the same promise), which resolves
 * to the exit code: 0 when everything closed in time, 1 when the remaining connections had
 * to be cut.
 */
export function createShutdown({
  server,
  lifecycle,
  logger,
  timeoutMs,
  onDrain = () => {},
  onTimeout = () => {},
}: ShutdownOptions): (signal: string) => Promise<number> {
  let done: Promise<number> | undefined;
  return function shutdown(signal) {
    if (done) return done;
    lifecycle.draining = true;
    logger.info({ signal, timeout_ms: timeoutMs }, 'shutting down');
    done = new Promise((resolve) => {
      // Keep-alive connections between two requests would hold the server open: close each
      // one as soon as it is idle. Requests already in flight finish first.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        clearInterval(idle);
        logger.warn('drain time ran out; closing the remaining connections');
        server.closeAllConnections();
        onTimeout();
        resolve(1);
      }, timeoutMs);
      server.close(() => {
        clearTimeout(timer);
        clearInterval(idle);
        resolve(0);
      });
      onDrain();
    });
    return done;
  };
}
