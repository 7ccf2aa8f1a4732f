import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { startProcess } from './helpers.ts';

// stdout is written in batches: these check that no line is held back or reordered.
describe('log lines on stdout', () => {
  it('come out while the server runs, and all of them, in order, by the exit', async () => {
    const server = startProcess();
    const port = await server.waitForPort();
    const ids = Array.from({ length: 50 }, (_, i) => `order-${i}`);
    for (const id of ids) {
      await fetch(`http://127.0.0.1:${port}/livez`, { headers: { 'x-request-id': id } });
    }
    // A quiet spell: the pending lines go out without waiting for more traffic.
    const last = await server.waitForLine('request', (line) => line.request_id === ids.at(-1));
    assert.equal(last.status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    // The lifecycle and request lines (a database's readiness line may come at any point).
    const lifecycle = ['listening', 'shutting down', 'stopped'];
    const seen = server.lines
      .filter((line) => line.request_id !== undefined || lifecycle.includes(String(line.msg)))
      .map((line) => line.request_id ?? line.msg);
    assert.deepEqual(seen, ['listening', ...ids, 'shutting down', 'stopped']);
  });
});

const LOGGER = new URL('../src/logger.ts', import.meta.url).href;

/** Runs a module that installs the crash handler, then crashes with `crash`. */
function crashWith(crash: string) {
  const source = [
    `import { createLogger, exitOnCrash } from ${JSON.stringify(LOGGER)};`,
    'exitOnCrash(createLogger());',
    crash,
  ].join('\n');
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout: 10000,
  });
}

describe('a crash', () => {
  for (const [what, crash, msg] of [
    [
      'an uncaught exception',
      "setTimeout(() => { throw new Error('boom'); });",
      'uncaught exception',
    ],
    ['an unhandled rejection', "Promise.reject(new Error('boom'));", 'unhandled rejection'],
  ] as const) {
    it(`from ${what} is one JSON log line at fatal, then exit 1`, () => {
      const result = crashWith(crash);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, '');
      const lines = result.stdout.trim().split('\n');
      assert.equal(lines.length, 1, result.stdout);
      const line = JSON.parse(lines[0] ?? '');
      assert.equal(line.level, 'fatal');
      assert.equal(line.msg, msg);
      assert.equal(line.err.message, 'boom');
    });
  }
});
