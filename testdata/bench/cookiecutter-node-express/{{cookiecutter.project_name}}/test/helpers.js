import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '../src/http-server.js';
import { createLogger } from '../src/logger.js';
import { loadSettings } from '../src/settings.js';
import { MemoryStore } from '../src/store.js';

/**
 * Starts the real HTTP server on a free port with captured logs.
 * Stop it with `await app.close()`.
 */
export async function startServer({ settings: overrides = {}, store = new MemoryStore() } = {}) {
  const settings = { ...loadSettings({}), ...overrides };
  const logs = [];
  const destination = { write: (line) => logs.push(JSON.parse(line)) };
  const logger = createLogger({ level: 'info', destination });
  const lifecycle = { draining: false };
  const created = createHttpServer({ settings, store, logger, lifecycle });
  const { server } = created;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    ...created,
    lifecycle,
    logger,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/** A JSON request with fetch; returns the response and its parsed body (if any). */
export async function request(app, method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in init.headers)) init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(app.url(path), init);
  const text = await res.text();
  return {
    res,
    status: res.status,
    headers: res.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

/**
 * A raw node:http request, for what fetch cannot send: no Content-Type, chunked bodies.
 * `chunks` are written one by one (Transfer-Encoding: chunked unless Content-Length is set).
 */
export function rawRequest(app, { method = 'GET', path = '/', headers = {}, chunks = [] }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: app.port, method, path, headers, agent: false },
      (res) => {
        const parts = [];
        res.on('data', (part) => parts.push(part));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({
            status: res.statusCode,
            statusMessage: res.statusMessage,
            headers: res.headers,
            text,
          });
        });
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** Asserts the RFC 9457 shape shared by every error and returns the body. */
export function assertProblem(response, status, instance) {
  const { headers, json } = response;
  assert.equal(response.status, status, response.text);
  assert.match(headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(json.type, 'about:blank');
  assert.equal(json.status, status);
  assert.equal(json.title, TITLES[status]);
  assert.equal(json.instance, instance);
  assert.equal(typeof json.detail, 'string');
  assert.equal(json.request_id, headers.get('x-request-id'));
  return json;
}

const TITLES = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
};

/** Polls until `check()` returns a truthy value (for log lines written after the response). */
export async function waitFor(check, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));

/**
 * Starts src/server.js on a free port with its stdout read as JSON lines.
 * `waitForLine(msg, match?)` resolves with the first line with that `msg` (and `match`).
 */
export function startProcess(env = {}) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text);
    lines.push(line);
    for (const waiter of waiters.splice(0)) waiter();
  });
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const waitForLine = async (msg, match = () => true) => {
    for (;;) {
      const line = lines.find((l) => l.msg === msg && match(l));
      if (line) return line;
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  return { child, lines, exited, waitForLine };
}
