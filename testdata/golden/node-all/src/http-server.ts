import http from 'node:http';
import type { Socket } from 'node:net';
import { createApp, type Lifecycle } from './app.ts';
import type { Logger } from './logger.ts';
import { SECURITY_HEADERS } from './middleware/security.ts';
import type { Settings } from './settings.ts';
import type { ItemStore } from './store.ts';
import { attachEcho, type WebSockets } from './websocket.ts';

// Node answers unparsable requests itself; give those answers the usual headers too.
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const head = Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n${head}\r\n\r\n`,
  );
}

export interface ServerDeps {
  settings: Settings;
  store: ItemStore;
  logger: Logger;
  lifecycle: Lifecycle;
}

/**
 * The HTTP server around the app, not listening yet, with the WebSocket echo attached.
 * `websockets` closes or cuts the open sockets on shutdown.
 */
export function createHttpServer({ settings, store, logger, lifecycle }: ServerDeps): {
  server: http.Server;
  websockets: WebSockets;
} {
  const app = createApp({ settings, store, logger, lifecycle });
  const server = http.createServer(app);
  server.on('clientError', answerClientError);
  const websockets = attachEcho(server, { settings, logger, lifecycle });
  return { server, websockets };
}
