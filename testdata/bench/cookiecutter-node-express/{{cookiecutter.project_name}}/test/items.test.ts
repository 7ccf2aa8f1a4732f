import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, request, startServer, type TestServer } from './helpers.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('items', () => {
  let app: TestServer;
  before(async () => {
    app = await startServer();
  });
  after(() => app.close());

  const create = (body: unknown) => request(app, 'POST', '/v1/items', { body });

  it('creates an item with 201, Location and server fields', async () => {
    const { status, json, headers } = await create({
      name: '  Widget  ',
      quantity: 3,
      tags: ['a'],
    });
    assert.equal(status, 201);
    assert.match(json.id, UUID_V4);
    assert.equal(headers.get('location'), `/v1/items/${json.id}`);
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(json.name, 'Widget');
    assert.equal(json.quantity, 3);
    assert.deepEqual(json.tags, ['a']);
    assert.match(json.created_at, TIMESTAMP);
    assert.equal(json.updated_at, json.created_at);
    assert.deepEqual(Object.keys(json).sort(), [
      'created_at',
      'id',
      'name',
      'quantity',
      'tags',
      'updated_at',
    ]);
  });

  it('defaults tags to []', async () => {
    const { json } = await create({ name: 'No tags', quantity: 0 });
    assert.deepEqual(json.tags, []);
  });

  it('reads, replaces (keeping created_at) and deletes an item', async () => {
    const { json: created } = await create({ name: 'Gadget', quantity: 1, tags: ['x', 'y'] });
    const path = `/v1/items/${created.id}`;

    const read = await request(app, 'GET', path);
    assert.equal(read.status, 200);
    assert.deepEqual(read.json, created);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const replaced = await request(app, 'PUT', path, { body: { name: 'Gadget 2', quantity: 7 } });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.json.id, created.id);
    assert.equal(replaced.json.name, 'Gadget 2');
    assert.equal(replaced.json.quantity, 7);
    assert.deepEqual(replaced.json.tags, []);
    assert.equal(replaced.json.created_at, created.created_at);
    assert.match(replaced.json.updated_at, TIMESTAMP);
    assert.ok(replaced.json.updated_at > created.updated_at);
    assert.deepEqual((await request(app, 'GET', path)).json, replaced.json);

    const deleted = await request(app, 'DELETE', path);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertProblem(await request(app, 'GET', path), 404, path);
    assertProblem(await request(app, 'DELETE', path), 404, path);
  });

  it('answers 404 for unknown and non-UUID ids, before validating a PUT body', async () => {
    const upper = 'ABCDEF00-0000-4000-8000-00000000000A';
    for (const id of [MISSING, 'not-a-uuid', upper, '123']) {
      const path = `/v1/items/${id}`;
      assertProblem(await request(app, 'GET', path), 404, path);
      assertProblem(await request(app, 'DELETE', path), 404, path);
      const good = await request(app, 'PUT', path, { body: { name: 'n', quantity: 1 } });
      assertProblem(good, 404, path);
      const bad = await request(app, 'PUT', path, { body: { quantity: 'many', extra: 1 } });
      assertProblem(bad, 404, path);
    }
  });

  it('validates a PUT body on an existing item', async () => {
    const { json: created } = await create({ name: 'Keep', quantity: 1 });
    const path = `/v1/items/${created.id}`;
    const res = await request(app, 'PUT', path, { body: { name: 'Keep', quantity: -1 } });
    const problem = assertProblem(res, 422, path);
    assert.deepEqual(
      problem.errors.map((e: { pointer: string }) => e.pointer),
      ['/quantity'],
    );
    assert.deepEqual((await request(app, 'GET', path)).json, created);
  });
});

describe('listing', () => {
  let app: TestServer;
  let ids: string[];
  before(async () => {
    app = await startServer();
    ids = [];
    for (let i = 0; i < 25; i += 1) {
      const res = await request(app, 'POST', '/v1/items', {
        body: { name: `item ${i}`, quantity: i },
      });
      ids.push(res.json.id);
    }
  });
  after(() => app.close());

  it('lists in insertion order with default limit 20 and offset 0', async () => {
    const { status, json } = await request(app, 'GET', '/v1/items');
    assert.equal(status, 200);
    assert.equal(json.total, 25);
    assert.equal(json.limit, 20);
    assert.equal(json.offset, 0);
    assert.deepEqual(
      json.items.map((item: { id: string }) => item.id),
      ids.slice(0, 20),
    );
  });

  it('pages with limit and offset', async () => {
    const { json } = await request(app, 'GET', '/v1/items?limit=10&offset=20');
    assert.deepEqual(
      json.items.map((item: { id: string }) => item.id),
      ids.slice(20),
    );
    assert.deepEqual([json.total, json.limit, json.offset], [25, 10, 20]);
    const past = await request(app, 'GET', '/v1/items?offset=100&limit=100');
    assert.deepEqual(past.json, { items: [], total: 25, limit: 100, offset: 100 });
    const one = await request(app, 'GET', '/v1/items?limit=1');
    assert.equal(one.json.items.length, 1);
  });

  it('rejects bad limit and offset with 422 in the query', async () => {
    const cases = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=1.5', 'offset'],
      ['offset=abc', 'offset'],
      ['offset=1e3', 'offset'],
    ];
    for (const [query, name] of cases) {
      const res = await request(app, 'GET', `/v1/items?${query}`);
      const problem = assertProblem(res, 422, '/v1/items');
      assert.deepEqual(problem.errors.length, 1, query);
      assert.equal(problem.errors[0].in, 'query');
      assert.equal(problem.errors[0].pointer, name);
      assert.equal(typeof problem.errors[0].message, 'string');
    }
  });
});
