import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadOpenApi } from '../src/openapi.ts';
import { compileValidators, requestSchemas } from '../src/validation.ts';
import { assertProblem, request, startServer, type TestServer } from './helpers.ts';

const DOCUMENT = readFileSync(new URL('../docs/openapi.json', import.meta.url));

describe('the OpenAPI document', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  it('is served at GET /openapi.json byte for byte, with the usual headers', async () => {
    const res = await fetch(app.url('/openapi.json'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(res.headers.get('x-request-id'));
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), DOCUMENT);
    assert.match(JSON.parse(DOCUMENT.toString('utf8')).openapi, /^3\.1\./);
  });

  it('answers HEAD with the GET headers and no body, and other methods with 405', async () => {
    const head = await fetch(app.url('/openapi.json'), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(DOCUMENT.length));
    assert.equal(await head.text(), '');
    const post = await request(app, 'POST', '/openapi.json', { body: {} });
    assertProblem(post, 405, '/openapi.json');
    assert.equal(post.headers.get('allow'), 'GET');
  });

  it('is where validation takes its schemas from', () => {
    const { document } = loadOpenApi();
    const changed = structuredClone(document) as unknown as {
      components: { schemas: { ItemInput: { properties: { quantity: { maximum: number } } } } };
    };
    changed.components.schemas.ItemInput.properties.quantity.maximum = 5;
    const validators = compileValidators(changed as unknown as typeof document);
    assert.equal(validators.itemInput({ name: 'n', quantity: 5 }).ok, true);
    assert.equal(validators.itemInput({ name: 'n', quantity: 6 }).ok, false);
    assert.equal(compileValidators(document).itemInput({ name: 'n', quantity: 6 }).ok, true);
  });

  it('holds request schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020();
    for (const [name, schema] of Object.entries(requestSchemas(loadOpenApi().document))) {
      assert.equal(ajv.validateSchema(schema), true, `${name}: ${ajv.errorsText()}`);
    }
    assert.equal(ajv.validateSchema({ type: 'object', maxItems: 'ten' }), false);
  });

  it('refuses to start from a document without the request schemas', () => {
    assert.throws(
      () => compileValidators({ openapi: '3.1.0', paths: {} }),
      /POST \/v1\/items has no JSON body/,
    );
  });
});
