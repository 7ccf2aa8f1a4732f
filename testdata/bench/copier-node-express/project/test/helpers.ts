import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '../src/http-server.ts';
import { createLogger } from '../src/logger.ts';
import { loadSettings, type Settings } from '../src/settings.ts';
import type { ItemStore } from '../src/store.ts';
import { openTestStore, processEnv } from './test-store.ts';

/** A log line as the tests read it back. */
export type LogLine = Record<string, unknown>;

/**
 * Starts the real HTTP server on a free port with captured logs, on a store of its own
 * (test-store.ts) unless one is given. Stop it with `await app.close()`.
 */
export async function startServer({
  settings: overrides = {},
  store: given,
  headersTimeoutMs,
}: {
  settings?: Partial<Settings>;
  store?: ItemStore;
  headersTimeoutMs?: number;
} = {}) {
  const settings: Settings = { ...loadSettings({}), ...overrides };
  const { store, close: closeStore } = given
    ? { store: given, close: async () => {} }
    : await openTestStore();
  const logs: LogLine[] = [];
  const destination = { write: (line: string) => logs.push(JSON.parse(line)) };
  const logger = createLogger({ level: 'info', destination });
  const lifecycle = { draining: false };
  const created = createHttpServer({
    settings,
    store,
    logger,
    lifecycle,
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
  });
  const { server } = created;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    ...created,
    lifecycle,
    logger,
    logs,
    store,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeStore();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  json: any;
}

/** A JSON request with fetch; returns the response and its parsed body (if any). */
export async function request(
  app: { url: (path: string) => string },
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const init: RequestInit & { headers: Record<string, string> } = {
    method,
    headers: { ...headers },
  };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in init.headers)) init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(app.url(path), init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

export interface RawResponse {
  status: number | undefined;
  statusMessage: string | undefined;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A raw node:http request, for what fetch cannot send: no Content-Type, chunked bodies.
 * `chunks` are written one by one (Transfer-Encoding: chunked unless Content-Length is set).
 */
export function rawRequest(
  app: { port: number },
  {
    method = 'GET',
    path = '/',
    headers = {},
    chunks = [],
  }: {
    method?: string;
    path?: string;
    headers?: http.OutgoingHttpHeaders;
    chunks?: (string | Buffer)[];
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: app.port, method, path, headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
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

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** What assertProblem reads: a fetch response, or a raw one through asResponse(). */
export interface ProblemResponse {
  status: number | undefined;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  json: any;
  headers: { get(name: string): string | null };
}

/** Asserts the RFC 9457 shape shared by every error and returns the body. */
export function assertProblem(response: ProblemResponse, status: number, instance: string) {
  const { headers, json } = response;
  assert.equal(response.status, status, response.text);
  assert.match(headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(json.type, 'about:blank');
  assert.equal(json.status, status);
  assert.equal(json.title, TITLES[status]);
  assert.equal(json.instance, instance);
  assert.equal(typeof json.detail, 'string');
  assert.equal(json.request_id, headers.get('x-request-id'));
  return json;
}

/** Adapts a raw node:http answer to what assertProblem reads. */
export function asResponse(raw: RawResponse): ProblemResponse {
  return {
    status: raw.status,
    text: raw.text,
    json: raw.text ? JSON.parse(raw.text) : undefined,
    headers: {
      get: (name) => {
        const value = raw.headers[name.toLowerCase()];
        return value === undefined ? null : String(value);
      },
    },
  };
}

/** A raw answer read off a socket until the server closes it. */
export interface SocketAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `bytes` on a new connection and reads the answer until the server closes the
 * connection (`closeAfterMs`: or until then, for answers on a kept-alive connection).
 * For what no HTTP client sends: oversized heads, unfinished heads, Upgrade headers.
 */
export async function socketExchange(
  app: { port: number },
  bytes: string | Buffer,
  { closeAfterMs }: { closeAfterMs?: number } = {},
): Promise<SocketAnswer & { closedByServer: boolean }> {
  const socket = net.connect(app.port, '127.0.0.1');
  const parts: Buffer[] = [];
  socket.on('data', (part: Buffer) => parts.push(part));
  socket.on('error', () => {});
  socket.write(bytes);
  let closedByServer = true;
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    if (closeAfterMs !== undefined) {
      setTimeout(() => {
        closedByServer = false;
        socket.destroy();
      }, closeAfterMs);
    }
  });
  const text = Buffer.concat(parts).toString('utf8');
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: rest.join('\r\n\r\n'),
    closedByServer,
  };
}

/** Adapts a socket answer to what assertProblem reads. */
export function socketProblem(answer: SocketAnswer): ProblemResponse {
  return {
    status: answer.status,
    text: answer.body,
    json: answer.body ? JSON.parse(answer.body) : undefined,
    headers: { get: (name) => answer.headers[name.toLowerCase()] ?? null },
  };
}

/** Polls until `check()` returns a value (for log lines written after the response). */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));

/** A fresh empty folder, to run the server in: a developer's own .env stays out of tests. */
export function emptyDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'server-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface ServerProcess {
  child: ChildProcess;
  lines: LogLine[];
  /** The exit code, once the process is gone and its output read. */
  exited: Promise<number | null>;
  waitForLine(msg: string, match?: (line: LogLine) => boolean): Promise<LogLine>;
  /** The port from the `listening` line. */
  waitForPort(): Promise<number>;
}

/**
 * Starts src/server.ts on a free port, in `cwd` (an empty folder by default), with its
 * stdout read as JSON lines. `waitForLine(msg, match?)` resolves with the first line with
 * that `msg` (and `match`).
 */
export function startProcess(env: Record<string, string> = {}, cwd?: string): ServerProcess {
  const dir = cwd ?? emptyDir();
  const child = spawn(process.execPath, [SERVER], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...processEnv(), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  const waiters: (() => void)[] = [];
  if (!child.stdout) throw new Error('no stdout pipe');
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text));
    for (const waiter of waiters.splice(0)) waiter();
  });
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (cwd === undefined) rmSync(dir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const waitForLine = async (msg: string, match: (line: LogLine) => boolean = () => true) => {
    for (;;) {
      const line = lines.find((l) => l.msg === msg && match(l));
      if (line) return line;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const waitForPort = async () => {
    const { port } = await waitForLine('listening');
    assert.equal(typeof port, 'number');
    return port as number;
  };
  return { child, lines, exited, waitForLine, waitForPort };
}
