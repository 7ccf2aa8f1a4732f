import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, request, startServer, type TestServer } from './helpers.ts';

describe('item validation', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  const post = (body: unknown) => request(app, 'POST', '/v1/items', { body });
  const pointersOf = async (body: unknown): Promise<string[]> => {
    const problem = assertProblem(await post(body), 422, '/v1/items');
    for (const error of problem.errors) {
      assert.equal(error.in, 'body');
      assert.equal(typeof error.message, 'string');
    }
    return problem.errors.map((error: { pointer: string }) => error.pointer);
  };

  it('rejects a quantity that is not a JSON integer in range, without coercion', async () => {
    for (const quantity of ['5', true, null, 5.5, -1, 1_000_001, [], {}]) {
      assert.deepEqual(await pointersOf({ name: 'n', quantity }), ['/quantity'], String(quantity));
    }
    for (const quantity of [0, 1_000_000]) {
      assert.equal((await post({ name: 'n', quantity })).status, 201);
    }
  });

  it('refuses a NUL in a name or a tag, in every engine', async () => {
    assert.deepEqual(await pointersOf({ name: 'a\u0000b', quantity: 1 }), ['/name']);
    assert.deepEqual(await pointersOf({ name: 'a', quantity: 1, tags: ['ok', '\u0000'] }), [
      '/tags/1',
    ]);
    assert.deepEqual(await pointersOf({ name: '\u0000', quantity: -1 }), ['/name', '/quantity']);
  });

  it('requires name and quantity', async () => {
    assert.deepEqual(await pointersOf({}), ['/name', '/quantity']);
    assert.deepEqual(await pointersOf({ name: 'n' }), ['/quantity']);
    assert.deepEqual(await pointersOf({ quantity: 1 }), ['/name']);
  });

  it('counts name length in code points after trimming', async () => {
    for (const name of ['', '   ', 'x'.repeat(101), '😀'.repeat(101), 5, null]) {
      assert.deepEqual(await pointersOf({ name, quantity: 1 }), ['/name']);
    }
    const emoji = await post({ name: ` ${'😀'.repeat(100)} `, quantity: 1 });
    assert.equal(emoji.status, 201);
    assert.equal(emoji.json.name, '😀'.repeat(100));
    assert.equal((await post({ name: 'x'.repeat(100), quantity: 1 })).status, 201);
  });

  it('checks tags: an array of at most 10 strings of 1 to 32 code points', async () => {
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, tags: 'a' }), ['/tags']);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, tags: null }), ['/tags']);
    const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, tags: eleven }), ['/tags']);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, tags: ['ok', 7, ''] }), [
      '/tags/1',
      '/tags/2',
    ]);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, tags: ['x'.repeat(33)] }), [
      '/tags/0',
    ]);
    const ok = await post({ name: 'n', quantity: 1, tags: [...eleven.slice(0, 10)] });
    assert.equal(ok.status, 201);
    const long = await post({ name: 'n', quantity: 1, tags: ['😀'.repeat(32)] });
    assert.equal(long.status, 201);
  });

  it('reports unknown keys at /<key>', async () => {
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, extra: true }), ['/extra']);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, 'a/b~c': 1 }), ['/a~1b~0c']);
    assert.deepEqual(await pointersOf({ name: 'n', quantity: 1, id: 'x', created_at: 'y' }), [
      '/id',
      '/created_at',
    ]);
  });

  it('reports a body that is not an object at ""', async () => {
    for (const body of ['[]', 'null', '"text"', '42', '[{"name":"n","quantity":1}]']) {
      assert.deepEqual(await pointersOf(body), [''], body);
    }
  });
});
