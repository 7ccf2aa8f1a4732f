import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { startProcess } from './helpers.ts';

/** Opens a connection and sends the first part of a request, so that it is in flight. */
async function startRequest(port: number, head: string) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let received = '';
  socket.on('data', (data: Buffer) => {
    received += data.toString('utf8');
  });
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.write(head);
  // A full round trip on another connection: by its answer the server has read these bytes.
  await (await fetch(`http://127.0.0.1:${port}/livez`)).text();
  return { socket, ended };
}

describe('graceful shutdown', () => {
  it('on SIGTERM: readiness 503, no new connections, in-flight request finishes, exit 0', async () => {
    const server = startProcess({ SHUTDOWN_TIMEOUT_MS: '5000' });
    const port = await server.waitForPort();

    const inFlight = await startRequest(port, 'GET /readyz HTTP/1.1\r\nHost: test\r\n');
    server.child.kill('SIGTERM');
    await server.waitForLine('shutting down');

    await assert.rejects(fetch(`http://127.0.0.1:${port}/livez`));

    inFlight.socket.write('\r\n');
    const response = await inFlight.ended;
    assert.match(response, /^HTTP\/1\.1 503 /);
    assert.match(response, /\r\nconnection: close\r\n/i);
    assert.ok(response.endsWith('{"status":"draining"}'), response);

    assert.equal(await server.exited, 0);
  });

  it('on SIGINT with nothing in flight: exits 0 at once', async () => {
    const server = startProcess();
    await server.waitForLine('listening');
    server.child.kill('SIGINT');
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((line) => line.msg === 'stopped'));
  });

  it('exits 1 when the drain time runs out', async () => {
    const server = startProcess({ SHUTDOWN_TIMEOUT_MS: '200' });
    const port = await server.waitForPort();
    const stuck = await startRequest(port, 'GET /livez HTTP/1.1\r\nHost: test\r\n');
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 1);
    stuck.socket.destroy();
  });

  it('on a second signal during the drain: exits 1 at once', async () => {
    const server = startProcess({ SHUTDOWN_TIMEOUT_MS: '600000' });
    const port = await server.waitForPort();
    const stuck = await startRequest(port, 'GET /livez HTTP/1.1\r\nHost: test\r\n');
    server.child.kill('SIGTERM');
    await server.waitForLine('shutting down');
    server.child.kill('SIGINT');
    assert.equal(await server.exited, 1);
    const messages = server.lines.map((line) => line.msg);
    assert.ok(messages.includes('second signal during the drain; exiting now'), String(messages));
    assert.ok(!messages.includes('drain time ran out; closing the remaining connections'));
    stuck.socket.destroy();
  });
});
