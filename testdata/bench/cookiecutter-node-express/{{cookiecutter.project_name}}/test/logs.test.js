import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startProcess } from './helpers.js';

// stdout is written in batches: these check that no line is held back or reordered.
describe('log lines on stdout', () => {
  it('come out while the server runs, and all of them, in order, by the exit', async () => {
    const server = startProcess();
    const { port } = await server.waitForLine('listening');
    const ids = Array.from({ length: 50 }, (_, i) => `order-${i}`);
    for (const id of ids) {
      await fetch(`http://127.0.0.1:${port}/livez`, { headers: { 'x-request-id': id } });
    }
    // A quiet spell: the pending lines go out without waiting for more traffic.
    const last = await server.waitForLine('request', (line) => line.request_id === ids.at(-1));
    assert.equal(last.status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    const seen = server.lines.map((line) => line.request_id ?? line.msg);
    assert.deepEqual(seen, ['listening', ...ids, 'shutting down', 'stopped']);
  });
});
