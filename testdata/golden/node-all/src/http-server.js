import http from 'node:http';
import { createApp } from './app.js';
import { SECURITY_HEADERS } from './middleware/security.js';
import { attachEcho } from './websocket.js';

// Node answers unparsable requests itself; give those answers the usual headers too.
function answerClientError(err, socket) {
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

/**
 * The HTTP server around the app, not listening yet, with the WebSocket echo attached.
 * Returns `server` and `websockets` (closeAll(code) and terminateAll() for shutdown).
 */
export function createHttpServer({ settings, store, logger, lifecycle }) {
  const app = createApp({ settings, store, logger, lifecycle });
  const server = http.createServer(app);
  server.on('clientError', answerClientError);
  const websockets = attachEcho(server, { settings, logger, lifecycle });
  return { server, websockets };
}
