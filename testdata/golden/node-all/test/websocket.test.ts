import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import WebSocket, { type RawData } from 'ws';
import { request, startProcess, startServer, type TestServer } from './helpers.ts';

const MAX = 1024;

async function connect(app: { port: number }, path = '/v1/ws/echo', headers = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}${path}`, { headers });
  const upgraded = once(ws, 'upgrade');
  await once(ws, 'open');
  const [response] = (await upgraded) as [IncomingMessage];
  return { ws, response };
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    ws.once('message', (data: RawData, isBinary) => resolve({ data: data as Buffer, isBinary })),
  );
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('websocket echo', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer({ settings: { wsMaxMessageBytes: MAX } });
  });
  after(() => {
    app.websockets.terminateAll();
    return app.close();
  });

  it('upgrades with the usual headers and no X-Powered-By or Server', async () => {
    const { ws, response } = await connect(app, '/v1/ws/echo', { 'x-request-id': 'ws-1' });
    assert.equal(response.statusCode, 101);
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.equal(response.headers.server, undefined);
    assert.equal(response.headers['x-request-id'], 'ws-1');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    ws.close();
  });

  it('echoes text as text and binary as binary', async () => {
    const { ws } = await connect(app);
    ws.send('héllo');
    const text = await nextMessage(ws);
    assert.equal(text.isBinary, false);
    assert.equal(text.data.toString('utf8'), 'héllo');
    ws.send(Buffer.from([0, 1, 2, 255]));
    const binary = await nextMessage(ws);
    assert.equal(binary.isBinary, true);
    assert.deepEqual([...binary.data], [0, 1, 2, 255]);
    ws.close();
  });

  it('accepts a message of exactly the limit and closes with 1009 over it', async () => {
    const { ws } = await connect(app);
    ws.send('x'.repeat(MAX));
    assert.equal((await nextMessage(ws)).data.length, MAX);
    const code = closed(ws);
    ws.send('x'.repeat(MAX + 1));
    assert.equal(await code, 1009);
    // The server keeps serving.
    const again = await connect(app);
    again.ws.send('still here');
    assert.equal((await nextMessage(again.ws)).data.toString(), 'still here');
    again.ws.close();
    assert.equal((await request(app, 'GET', '/livez')).status, 200);
  });

  it('echoes a burst of messages in order', async () => {
    const { ws } = await connect(app);
    const count = 200;
    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        received.push(data.toString());
        if (received.length === count) resolve();
      });
    });
    const sent = Array.from({ length: count }, (_, i) => `${i}:`.padEnd(MAX, 'x'));
    for (const message of sent) ws.send(message);
    await all;
    assert.deepEqual(received, sent);
    ws.close();
  });

  it('refuses an upgrade on another path with 404', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/v1/ws/nope`);
    ws.on('error', () => {}); // terminate() before the handshake reports an error
    const [, response] = await once(ws, 'unexpected-response');
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    ws.terminate();
  });
});

describe('websocket on shutdown', () => {
  it('closes open sockets with 1012 when the process gets SIGTERM', async () => {
    const server = startProcess();
    const port = await server.waitForPort();
    const { ws } = await connect({ port });
    const code = closed(ws);
    server.child.kill('SIGTERM');
    assert.equal(await code, 1012);
    assert.equal(await server.exited, 0);
  });
});
