import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Lifecycle } from './app.ts';
import type { Logger } from './logger.ts';
import { logRequest } from './middleware/request-log.ts';
import { requestIdFor, SECURITY_HEADERS } from './middleware/security.ts';
import { NOT_FOUND_DETAIL, problemBody, requestPath } from './problems.ts';

export const ECHO_PATH = '/v1/ws/echo';

/** Whether a request is a WebSocket handshake to the echo path (else it is plain HTTP). */
export function isEchoHandshake(req: IncomingMessage): boolean {
  return (
    requestPath(req) === ECHO_PATH && (req.headers.upgrade ?? '').toLowerCase() === 'websocket'
  );
}

/** What shutdown does with the open sockets. */
export interface WebSockets {
  closeAll(code: number): void;
  terminateAll(): void;
}

// Answers an upgrade that will not happen with a plain HTTP problem response.
function refuseUpgrade(req: IncomingMessage, socket: Duplex, status: number, detail: string) {
  const problem = problemBody(req, status, detail);
  const body = JSON.stringify(problem);
  const headers = {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
    'X-Request-Id': req.id,
    ...SECURITY_HEADERS,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${problem.title}\r\n${head}\r\n\r\n${body}`);
}

/**
 * Serves the WebSocket echo at /v1/ws/echo on an HTTP server: each message comes back with
 * the same frame type; a message over wsMaxMessageBytes closes the connection with 1009.
 */
export function attachEcho(
  server: Server,
  {
    settings,
    logger,
    lifecycle,
  }: { settings: { wsMaxMessageBytes: number }; logger: Logger; lifecycle: Lifecycle },
): WebSockets {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.wsMaxMessageBytes,
    perMessageDeflate: false,
  });

  // The 101 answer carries the same headers as every other response.
  wss.on('headers', (headers, req) => {
    headers.push(`X-Request-Id: ${req.id}`);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.push(`${name}: ${value}`);
  });

  // A client that sends faster than it reads its echoes is not read from until they drain,
  // so memory per connection stays bounded.
  const highWater = 4 * settings.wsMaxMessageBytes;
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      ws.send(data, { binary: isBinary }, () => {
        if (ws.isPaused && ws.bufferedAmount < highWater) ws.resume();
      });
      if (ws.bufferedAmount >= highWater) ws.pause();
    });
    // ws closes with 1009 itself when a message is too large, then reports it here.
    ws.on('error', (err: NodeJS.ErrnoException) => {
      logger.debug({ err: { message: err.message, code: err.code } }, 'websocket error');
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const start = process.hrtime.bigint();
    const requestId = requestIdFor(req);
    req.id = requestId;
    const path = requestPath(req);
    const log = (status: number) =>
      logRequest(logger, { method: req.method, path, status, start, requestId });
    socket.on('error', () => socket.destroy());

    // shouldUpgradeCallback (http-server.ts) sends only echo handshakes here.
    if (!isEchoHandshake(req)) {
      refuseUpgrade(req, socket, 404, NOT_FOUND_DETAIL);
      log(404);
    } else if (lifecycle.draining) {
      refuseUpgrade(req, socket, 503, 'The server is shutting down.');
      log(503);
    } else {
      wss.handleUpgrade(req, socket, head, (ws) => {
        log(101);
        wss.emit('connection', ws, req);
      });
    }
  });

  return {
    closeAll(code) {
      for (const ws of wss.clients) ws.close(code, 'server shutting down');
    },
    terminateAll() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
