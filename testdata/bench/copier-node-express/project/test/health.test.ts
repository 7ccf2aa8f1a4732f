import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  assertProblem,
  rawRequest,
  request,
  startServer,
  type TestServer,
  waitFor,
} from './helpers.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('probes, headers and logs', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  it('GET /livez is ok', async () => {
    const { status, json, headers } = await request(app, 'GET', '/livez');
    assert.equal(status, 200);
    assert.deepEqual(json, { status: 'ok' });
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
  });

  it('GET /readyz is ready, then draining once shutdown began', async () => {
    const ready = await request(app, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { status: 'ready' });
    app.lifecycle.draining = true;
    try {
      const draining = await request(app, 'GET', '/readyz');
      assert.equal(draining.status, 503);
      assert.deepEqual(draining.json, { status: 'draining' });
    } finally {
      app.lifecycle.draining = false;
    }
  });

  it('sends the security headers on successes, errors and 404s', async () => {
    for (const [method, path] of [
      ['GET', '/livez'],
      ['GET', '/nope'],
      ['DELETE', '/livez'],
      ['GET', '/v1/items?limit=abc'],
    ] as const) {
      const { headers } = await request(app, method, path);
      assert.equal(headers.get('x-content-type-options'), 'nosniff');
      assert.equal(headers.get('cache-control'), 'no-store');
      assert.equal(headers.get('referrer-policy'), 'no-referrer');
      assert.equal(headers.get('x-frame-options'), 'DENY');
      assert.equal(
        headers.get('content-security-policy'),
        "default-src 'none'; frame-ancestors 'none'",
      );
      assert.equal(headers.get('x-powered-by'), null);
      assert.equal(headers.get('server'), null);
      assert.match(headers.get('x-request-id') ?? '', UUID_V4);
    }
  });

  it('echoes a safe X-Request-Id and replaces any other', async () => {
    const safe = 'abc.DEF_123-x';
    const echoed = await request(app, 'GET', '/livez', { headers: { 'x-request-id': safe } });
    assert.equal(echoed.headers.get('x-request-id'), safe);
    const longest = 'a'.repeat(128);
    const kept = await request(app, 'GET', '/livez', { headers: { 'x-request-id': longest } });
    assert.equal(kept.headers.get('x-request-id'), longest);
    for (const bad of ['a'.repeat(129), 'has space', 'semi;colon', 'ümlaut']) {
      const res = await rawRequest(app, { path: '/livez', headers: { 'x-request-id': bad } });
      assert.match(String(res.headers['x-request-id']), UUID_V4, bad);
    }
  });

  it('answers an unknown path with a 404 problem', async () => {
    const res = await request(app, 'GET', '/nope/deeper?x=1');
    assertProblem(res, 404, '/nope/deeper');
  });

  it('answers a malformed path with a 400 problem', async () => {
    const res = await request(app, 'GET', '/v1/items/%E0%A4%A');
    assertProblem(res, 400, '/v1/items/%E0%A4%A');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  it('answers a wrong method with 405 and Allow', async () => {
    for (const [path, allow] of [
      ['/livez', 'GET'],
      ['/readyz', 'GET'],
      ['/v1/items', 'GET, POST'],
      ['/v1/items/00000000-0000-4000-8000-000000000000', 'GET, PUT, DELETE'],
    ] as const) {
      const res = await request(app, 'PATCH', path);
      assertProblem(res, 405, path);
      assert.equal(res.headers.get('allow'), allow);
    }
  });

  it('logs one JSON line per request without bodies', async () => {
    const secret = 'do-not-log-this-body';
    const res = await request(app, 'POST', '/v1/items', {
      body: { name: secret, quantity: 1 },
      headers: { 'x-request-id': 'log-check-1' },
    });
    assert.equal(res.status, 201);
    const line = await waitFor(() => app.logs.find((l) => l.request_id === 'log-check-1'));
    assert.equal(app.logs.filter((l) => l.request_id === 'log-check-1').length, 1);
    assert.equal(line.method, 'POST');
    assert.equal(line.path, '/v1/items');
    assert.equal(line.status, 201);
    assert.equal(typeof line.duration_ms, 'number');
    assert.ok(!JSON.stringify(app.logs).includes(secret));
  });

  it('answers an unparsable request with 400 and the security headers', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString('latin1');
    });
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /\r\nX-Content-Type-Options: nosniff\r\n/);
    assert.match(answer, /\r\nCache-Control: no-store\r\n/);
  });
});
