// The contract's readings (docs/contract.md, "Readings (third revision)"), one test each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  asResponse,
  assertProblem,
  rawRequest,
  request,
  socketExchange,
  socketProblem,
  startServer,
  type TestServer,
} from './helpers.ts';

describe('routing', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  it('is exact and case-sensitive', async () => {
    for (const path of ['/livez/', '/LIVEZ', '/v1/items/', '/V1/ITEMS', '/openapi.json/']) {
      assertProblem(await request(app, 'GET', path), 404, path);
    }
    const created = await request(app, 'POST', '/v1/items', { body: { name: 'n', quantity: 1 } });
    const upper = `/v1/items/${created.json.id.toUpperCase()}`;
    assertProblem(await request(app, 'GET', upper), 404, upper);
    const slash = `/v1/items/${created.json.id}/`;
    assertProblem(await request(app, 'GET', slash), 404, slash);
  });

  it('answers HEAD wherever GET is, with no body', async () => {
    const created = await request(app, 'POST', '/v1/items', { body: { name: 'n', quantity: 1 } });
    for (const path of ['/livez', '/readyz', '/v1/items', `/v1/items/${created.json.id}`]) {
      const res = await fetch(app.url(path), { method: 'HEAD' });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(await res.text(), '');
    }
  });

  it('sends Allow: GET on the single-method paths', async () => {
    for (const path of ['/livez', '/readyz', '/openapi.json']) {
      const res = await request(app, 'DELETE', path);
      assertProblem(res, 405, path);
      assert.equal(res.headers.get('allow'), 'GET');
    }
  });

  it('puts the raw path in instance, and nothing the client sent in the 404 detail', async () => {
    for (const path of ['/v1/items%3Flimit=5', '/v1/items/%3Cx%3E', '/%00', '/nope%20here']) {
      const problem = assertProblem(await request(app, 'GET', `${path}?q=%3Cy%3E`), 404, path);
      for (const sent of ['<x>', '%3C', 'limit', 'nope', '<y>', 'q=']) {
        assert.ok(!problem.detail.includes(sent), `${problem.detail} repeats ${sent}`);
      }
    }
  });

  it('serves a request with an Upgrade header that is not a WebSocket as plain HTTP', async () => {
    const answer = await socketExchange(
      app,
      'GET /livez HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n' +
        'Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n',
      { closeAfterMs: 300 },
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '{"status":"ok"}');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  });

  it('answers a WebSocket handshake to an unknown path with the 404 problem', async () => {
    const answer = await socketExchange(
      app,
      'GET /v1/ws/nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      { closeAfterMs: 300 },
    );
    assertProblem(socketProblem(answer), 404, '/v1/ws/nope');
    assert.equal(answer.headers['cache-control'], 'no-store');
  });
});

describe('request heads', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer({ settings: { maxHeaderBytes: 4096 }, headersTimeoutMs: 300 });
  });
  after(() => app.close());

  const head = (filler: number) =>
    `GET /livez?x=1 HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(filler)}\r\n\r\n`;

  it('takes a head under MAX_HEADER_BYTES', async () => {
    const answer = await socketExchange(app, head(3000), { closeAfterMs: 300 });
    assert.equal(answer.status, 200);
  });

  it('answers a head over MAX_HEADER_BYTES with a 431 problem, then closes', async () => {
    const answer = await socketExchange(app, head(5000));
    assert.equal(answer.closedByServer, true);
    const problem = assertProblem(socketProblem(answer), 431, '/livez');
    assert.equal(answer.headers.connection, 'close');
    assert.equal(answer.headers['x-frame-options'], 'DENY');
    assert.match(problem.request_id, /^[0-9a-f-]{36}$/);
    const line = app.logs.find((l) => l.request_id === problem.request_id);
    assert.equal(line?.status, 431);
  });

  it('disconnects a client that does not finish its head in time, with a 408 problem', async () => {
    const answer = await socketExchange(app, 'GET /livez HTTP/1.1\r\nHost: x\r\n');
    assert.equal(answer.closedByServer, true);
    assertProblem(socketProblem(answer), 408, '/');
  });
});

describe('request bodies and queries', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  const postRaw = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(app, {
      method: 'POST',
      path: '/v1/items',
      headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
      chunks: [body],
    }).then(asResponse);

  it('takes integers in JSON Schema meaning: 924.0 and 1e3 are integers, -0 is 0', async () => {
    for (const [text, stored] of [
      ['924.0', 924],
      ['1e3', 1000],
      ['-0', 0],
      ['1000000', 1_000_000],
    ] as const) {
      const res = await postRaw(Buffer.from(`{"name":"n","quantity":${text}}`));
      assert.equal(res.status, 201, text);
      assert.equal(JSON.parse(res.text).quantity, stored, text);
      assert.ok(res.text.includes(`"quantity":${stored},`), res.text);
    }
  });

  it('refuses a quantity out of range however many digits it has: 422 at /quantity', async () => {
    for (const text of ['9'.repeat(5001), `-${'9'.repeat(400)}`, '1e400', '1000000.5', '1000001']) {
      const problem = assertProblem(
        await postRaw(Buffer.from(`{"name":"n","quantity":${text}}`)),
        422,
        '/v1/items',
      );
      assert.deepEqual(
        problem.errors.map((e: { pointer: string }) => e.pointer),
        ['/quantity'],
      );
    }
  });

  it('trims name and tags (U+FEFF too) before counting, and stores them trimmed', async () => {
    const blank = await request(app, 'POST', '/v1/items', {
      body: { name: '\ufeff', quantity: 1, tags: ['ok', ' \u3000 '] },
    });
    const problem = assertProblem(blank, 422, '/v1/items');
    assert.deepEqual(
      problem.errors.map((e: { pointer: string }) => e.pointer),
      ['/name', '/tags/1'],
    );
    const ok = await request(app, 'POST', '/v1/items', {
      body: { name: ` ${'x'.repeat(100)}\ufeff`, quantity: 1, tags: ['\ta '] },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.json.name, 'x'.repeat(100));
    assert.deepEqual(ok.json.tags, ['a']);
  });

  it('reads limit and offset as plain decimal digits, once each', async () => {
    for (const query of [
      'limit=1&limit=2',
      'limit=',
      'limit=%2B5',
      'limit=+5',
      'limit=%205',
      'limit=1e1',
      'limit=1.0',
      'limit=0x10',
    ]) {
      const problem = assertProblem(
        await request(app, 'GET', `/v1/items?${query}`),
        422,
        '/v1/items',
      );
      assert.deepEqual(problem.errors, [
        { in: 'query', pointer: 'limit', message: problem.errors[0].message },
      ]);
    }
    const padded = await request(
      app,
      'GET',
      '/v1/items?limit=05&unknown=x&offset=9007199254740991',
    );
    assert.equal(padded.status, 200);
    assert.equal(padded.json.limit, 5);
    assert.equal(padded.json.offset, 9007199254740991);
    const over = await request(app, 'GET', '/v1/items?offset=9007199254740992');
    assertProblem(over, 422, '/v1/items');
  });

  it('refuses a BOM, an unpaired surrogate, invalid UTF-8 and an empty body with 400', async () => {
    const valid = '{"name":"n","quantity":1}';
    for (const body of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]),
      Buffer.from('{"name":"\\ud800","quantity":1}'),
      Buffer.from('{"name":"n","quantity":1,"\\udc00":1}'),
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      Buffer.alloc(0),
    ]) {
      assertProblem(await postRaw(body), 400, '/v1/items');
    }
    // A pair of surrogate escapes is one code point, and fine.
    const pair = await postRaw(Buffer.from('{"name":"\\ud83d\\ude00","quantity":1}'));
    assert.equal(pair.status, 201);
    assert.equal(JSON.parse(pair.text).name, '😀');
  });

  it('refuses any Content-Encoding with 415', async () => {
    for (const encoding of ['gzip', 'identity', 'br']) {
      const res = await postRaw(Buffer.from('{"name":"n","quantity":1}'), {
        'content-encoding': encoding,
      });
      assertProblem(res, 415, '/v1/items');
    }
  });

  it('takes the last of a repeated key', async () => {
    const res = await postRaw(Buffer.from('{"name":"a","quantity":"x","quantity":2,"name":"b"}'));
    assert.equal(res.status, 201);
    assert.equal(JSON.parse(res.text).name, 'b');
    assert.equal(JSON.parse(res.text).quantity, 2);
  });

  it('answers deeply nested JSON that is not an object with 422 at "", not 500', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const problem = assertProblem(await postRaw(deep), 422, '/v1/items');
    assert.deepEqual(
      problem.errors.map((e: { pointer: string }) => e.pointer),
      [''],
    );
    const inName = `{"name":${'['.repeat(50_000)}${']'.repeat(50_000)},"quantity":1}`;
    const named = assertProblem(await postRaw(inName), 422, '/v1/items');
    assert.deepEqual(
      named.errors.map((e: { pointer: string }) => e.pointer),
      ['/name'],
    );
  });
});
