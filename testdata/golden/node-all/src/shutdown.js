/**
 * Graceful shutdown: readiness turns 503, the listener closes, in-flight requests finish.
 * `onDrain` runs when draining starts (e.g. to close WebSockets), `onTimeout` when the drain
 * time ran out. The returned promise resolves to the exit code: 0 when everything closed in
 * time, 1 when the remaining connections had to be cut.
 */
export function createShutdown({
  server,
  lifecycle,
  logger,
  timeoutMs,
  onDrain = () => {},
  onTimeout = () => {},
}) {
  let done;
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
