import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryStore } from '../src/store.ts';
import {
  asResponse,
  assertProblem,
  rawRequest,
  request,
  startServer,
  type TestServer,
} from './helpers.ts';

const LIMIT = 1024;

// A body of exactly `size` bytes that is a valid item.
function itemOfSize(size: number): string {
  const base = JSON.stringify({ name: 'n', quantity: 1 });
  const body = `${base.slice(0, -1)}${' '.repeat(size - base.length)}}`;
  assert.equal(Buffer.byteLength(body), size);
  return body;
}

describe('request bodies and error precedence', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer({ settings: { bodyLimitBytes: LIMIT } });
  });
  after(() => app.close());

  const json = { 'content-type': 'application/json' };

  it('accepts a body of exactly the limit and refuses one byte more (Content-Length)', async () => {
    const ok = await request(app, 'POST', '/v1/items', { body: itemOfSize(LIMIT) });
    assert.equal(ok.status, 201);
    const tooBig = await request(app, 'POST', '/v1/items', { body: itemOfSize(LIMIT + 1) });
    assertProblem(tooBig, 413, '/v1/items');
  });

  it('applies the same limit to chunked bodies', async () => {
    const body = itemOfSize(LIMIT);
    const chunks = [body.slice(0, 500), body.slice(500)];
    const ok = await rawRequest(app, { method: 'POST', path: '/v1/items', headers: json, chunks });
    assert.equal(ok.status, 201);
    const big = itemOfSize(LIMIT + 1);
    const tooBig = await rawRequest(app, {
      method: 'POST',
      path: '/v1/items',
      headers: json,
      chunks: [big.slice(0, 500), big.slice(500)],
    });
    assertProblem(asResponse(tooBig), 413, '/v1/items');
    assert.equal(tooBig.statusMessage, 'Content Too Large');
  });

  it('puts 413 before 415 and 400', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    const res = await rawRequest(app, { method: 'POST', path: '/v1/items', chunks: [big] });
    assertProblem(asResponse(res), 413, '/v1/items');
  });

  it('answers 415 to POST and PUT without a JSON content type', async () => {
    const body = JSON.stringify({ name: 'n', quantity: 1 });
    const path = '/v1/items';
    const none = await rawRequest(app, {
      method: 'POST',
      path,
      headers: { 'content-length': Buffer.byteLength(body) },
      chunks: [body],
    });
    assertProblem(asResponse(none), 415, path);
    const empty = await rawRequest(app, { method: 'POST', path });
    assertProblem(asResponse(empty), 415, path);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const res = await request(app, 'POST', path, { body, headers: { 'content-type': type } });
      assertProblem(res, 415, path);
    }
    const created = await request(app, 'POST', path, { body });
    const itemPath = `/v1/items/${created.json.id}`;
    const put = await request(app, 'PUT', itemPath, {
      body,
      headers: { 'content-type': 'text/plain' },
    });
    assertProblem(put, 415, itemPath);
  });

  it('accepts application/json with parameters and application/*+json', async () => {
    const body = JSON.stringify({ name: 'n', quantity: 1 });
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
      'application/vnd.demo+json; charset=utf-8',
    ]) {
      const res = await request(app, 'POST', '/v1/items', {
        body,
        headers: { 'content-type': type },
      });
      assert.equal(res.status, 201, type);
    }
  });

  it('puts 415 before 400, and 400 for malformed JSON', async () => {
    const path = '/v1/items';
    const plain = await request(app, 'POST', path, {
      body: '{bad',
      headers: { 'content-type': 'text/plain' },
    });
    assertProblem(plain, 415, path);
    for (const body of ['{bad', '{"name": "n",}', '', "{'name': 1}"]) {
      assertProblem(await request(app, 'POST', path, { body, headers: json }), 400, path);
    }
    const invalidUtf8 = await rawRequest(app, {
      method: 'POST',
      path,
      headers: json,
      chunks: [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
    });
    assertProblem(asResponse(invalidUtf8), 400, path);
  });

  it('puts 404 and 405 before 415 and 400, but 413 first', async () => {
    const noType = { method: 'PUT', path: '/v1/items', chunks: ['{"name":"n"}'] };
    const wrongMethod = asResponse(await rawRequest(app, noType));
    assertProblem(wrongMethod, 405, '/v1/items');
    assert.equal(wrongMethod.headers.get('allow'), 'GET, POST');
    const unknown = asResponse(await rawRequest(app, { ...noType, method: 'POST', path: '/v2/x' }));
    assertProblem(unknown, 404, '/v2/x');
    const malformed = await request(app, 'POST', '/livez', { body: '{', headers: json });
    assertProblem(malformed, 405, '/livez');
    const big = { method: 'POST', path: '/v2/x', chunks: ['x'.repeat(LIMIT + 1)] };
    assertProblem(asResponse(await rawRequest(app, big)), 413, '/v2/x');
  });

  it('puts 400 before 404 and 422 on PUT', async () => {
    const missing = '/v1/items/00000000-0000-4000-8000-000000000000';
    assertProblem(await request(app, 'PUT', missing, { body: '{', headers: json }), 400, missing);

    const { json: item } = await request(app, 'POST', '/v1/items', {
      body: { name: 'n', quantity: 1 },
    });
    const path = `/v1/items/${item.id}`;
    assertProblem(await request(app, 'PUT', path, { body: '{', headers: json }), 400, path);
  });
});

describe('unexpected errors', () => {
  let app: TestServer;
  before(async () => {
    const store = new MemoryStore();
    store.list = async () => {
      throw new Error('database password is hunter2');
    };
    app = await startServer({ store });
  });
  after(() => app.close());

  it('answers 500 without internals and logs the error', async () => {
    const res = await request(app, 'GET', '/v1/items');
    const problem = assertProblem(res, 500, '/v1/items');
    assert.ok(!res.text.includes('hunter2'));
    assert.ok(!res.text.includes('at '));
    assert.equal(problem.detail, 'An unexpected error occurred.');
    assert.ok(app.logs.some((line) => line.level === 'error'));
  });
});
