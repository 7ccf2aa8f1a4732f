import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
} from '../src/middleware/cors.ts';
import { type RawResponse, rawRequest, startServer, type TestServer } from './helpers.ts';

const LISTED = 'https://a.example';
const OTHER = 'https://b.example';
const UNLISTED = 'https://evil.example';

function preflight(app: TestServer, origin: string, path = '/v1/items') {
  return rawRequest(app, {
    method: 'OPTIONS',
    path,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
}

function corsHeaders(res: RawResponse): string[] {
  return Object.keys(res.headers).filter((name) => name.startsWith('access-control-'));
}

describe('CORS with CORS_ORIGINS empty (the default)', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  it('sends no Access-Control-* header, whatever the origin', async () => {
    const res = await rawRequest(app, { path: '/livez', headers: { origin: LISTED } });
    assert.equal(res.status, 200);
    assert.deepEqual(corsHeaders(res), []);
    assert.equal(res.headers.vary, undefined);
  });

  it('answers a preflight like any OPTIONS: 405 with Allow', async () => {
    const res = await preflight(app, LISTED);
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, POST');
    assert.deepEqual(corsHeaders(res), []);
  });
});

describe('CORS with CORS_ORIGINS set', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer({ settings: { corsOrigins: [LISTED, OTHER] } });
  });
  after(() => app.close());

  it('gives a listed origin its own origin back and Vary: Origin', async () => {
    for (const origin of [LISTED, OTHER]) {
      const res = await rawRequest(app, { path: '/livez', headers: { origin } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers.vary, 'Origin');
      assert.equal(res.headers['access-control-expose-headers'], CORS_EXPOSE_HEADERS);
    }
  });

  it('sets them on errors and on writes too', async () => {
    const missing = await rawRequest(app, { path: '/nope', headers: { origin: LISTED } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['access-control-allow-origin'], LISTED);
    const created = await rawRequest(app, {
      method: 'POST',
      path: '/v1/items',
      headers: { origin: LISTED, 'content-type': 'application/json' },
      chunks: [JSON.stringify({ name: 'n', quantity: 1 })],
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers['access-control-allow-origin'], LISTED);
  });

  it('answers a preflight from a listed origin with 204, the methods and the headers', async () => {
    const res = await preflight(app, LISTED);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal(res.headers['access-control-allow-origin'], LISTED);
    assert.equal(res.headers['access-control-allow-methods'], CORS_ALLOW_METHODS);
    assert.equal(res.headers['access-control-allow-headers'], CORS_ALLOW_HEADERS);
    assert.match(CORS_ALLOW_METHODS, /\bPUT\b/);
    assert.match(CORS_ALLOW_HEADERS, /\bContent-Type\b/);
    assert.equal(res.headers.vary, 'Origin');
    // The usual headers too.
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['x-request-id']);
  });

  it('gives an unlisted origin no CORS headers, and its preflight a 405', async () => {
    const res = await rawRequest(app, { path: '/livez', headers: { origin: UNLISTED } });
    assert.equal(res.status, 200);
    assert.deepEqual(corsHeaders(res), []);
    const pre = await preflight(app, UNLISTED);
    assert.equal(pre.status, 405);
    assert.deepEqual(corsHeaders(pre), []);
  });

  it('sends nothing to a request without Origin', async () => {
    const res = await rawRequest(app, { path: '/livez' });
    assert.deepEqual(corsHeaders(res), []);
    assert.equal(res.headers.vary, undefined);
  });

  it('treats an OPTIONS without Access-Control-Request-Method as a plain OPTIONS', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: '/livez',
      headers: { origin: LISTED },
    });
    assert.equal(res.status, 405);
    assert.equal(res.headers['access-control-allow-origin'], LISTED);
  });
});
