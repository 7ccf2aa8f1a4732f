import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { createApp, type Lifecycle } from './app.ts';
import type { Logger } from './logger.ts';
import { logRequest } from './middleware/request-log.ts';
import { SECURITY_HEADERS } from './middleware/security.ts';
import { problemBody } from './problems.ts';
import type { Settings } from './settings.ts';
import type { ItemStore } from './store.ts';

// A client that has not sent its whole request head after this long is disconnected.
export const HEADERS_TIMEOUT_MS = 10_000;

// The answers Node's parser leaves to us: a request head over maxHeaderSize, a head not
// finished in time, bytes that are not HTTP.
const CLIENT_ERRORS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** The request target's path in the bytes Node could not parse, if it got that far. */
function pathOf(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return '/';
  const line = /^[A-Z]+ (\/[\x21-\x7e]*) HTTP\//.exec(rawPacket.toString('latin1', 0, 8192));
  return line?.[1]?.split('?', 1)[0] ?? '/';
}

/**
 * Node answers unparsable requests itself with a bare status line; this gives those
 * answers the contract's problem body and headers instead, logs them like any request,
 * then closes the connection.
 */
function clientErrorAnswerer(logger: Logger) {
  return (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const start = process.hrtime.bigint();
    const status = CLIENT_ERRORS[err.code ?? ''] ?? 400;
    const path = pathOf(err.rawPacket);
    const problem = problemBody(
      { url: path, id: randomUUID() },
      status,
      status === 431
        ? 'The request head (request line and headers) is too large.'
        : status === 408
          ? 'The request head took too long to arrive.'
          : 'The request is not valid HTTP.',
    );
    const body = JSON.stringify(problem);
    const headers = {
      'Content-Type': 'application/problem+json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
      'X-Request-Id': problem.request_id,
      ...SECURITY_HEADERS,
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    socket.end(`HTTP/1.1 ${status} ${problem.title}\r\n${head}\r\n\r\n${body}`);
    logRequest(logger, { method: undefined, path, status, start, requestId: problem.request_id });
  };
}

/** The node:http server options every stackpick server uses. */
function serverOptions(settings: Settings, headersTimeoutMs: number): http.ServerOptions {
  return {
    // Request line and headers together; over this, 431 (clientErrorAnswerer).
    maxHeaderSize: settings.maxHeaderBytes,
    headersTimeout: headersTimeoutMs,
    // How often Node looks for connections over headersTimeout (default 30 s).
    connectionsCheckingInterval: 1000,
  };
}

export interface ServerDeps {
  settings: Settings;
  store: ItemStore;
  logger: Logger;
  lifecycle: Lifecycle;
  /** How long a client may take to send its request head (tests shorten it). */
  headersTimeoutMs?: number;
}

/** The HTTP server around the app, not listening yet. */
export function createHttpServer({
  settings,
  store,
  logger,
  lifecycle,
  headersTimeoutMs = HEADERS_TIMEOUT_MS,
}: ServerDeps): {
  server: http.Server;
} {
  const app = createApp({ settings, store, logger, lifecycle });
  // Without an upgrade listener Node serves a request with an Upgrade header as plain HTTP.
  const server = http.createServer(serverOptions(settings, headersTimeoutMs), app);
  server.on('clientError', clientErrorAnswerer(logger));
  return { server };
}
