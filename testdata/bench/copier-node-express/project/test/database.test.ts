import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/db/open.ts';
import { createLogger } from '../src/logger.ts';
import { DATABASE_UNAVAILABLE_DETAIL } from '../src/problems.ts';
import { DatabaseUnavailable } from '../src/store.ts';
import {
  assertProblem,
  emptyDir,
  request,
  SERVER,
  startProcess,
  startServer,
  waitFor,
} from './helpers.ts';
import {
  databaseAt,
  forgetMigrated,
  openTestStore,
  type TestStore,
  unavailableDatabase,
  unusableUrl,
} from './test-store.ts';

const MIGRATE = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));
const UUID = '00000000-0000-4000-8000-000000000000';
const silent = createLogger({ level: 'silent' });

/** Runs `npm run migrate [-- down]` as a process, with the environment given. */
function migrateCommand(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [MIGRATE, ...args], {
    cwd: emptyDir(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `msg` of each JSON log line the migrate command wrote. */
function messages(stdout: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line).msg);
}

/** Stops a server process with SIGTERM and waits for its exit code. */
async function stop(server: ReturnType<typeof startProcess>) {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('persistence', () => {
  let db: TestStore;
  before(async () => {
    db = await openTestStore();
  });
  after(() => db.close());

  it('keeps items across a restart of the server process', async () => {
    const first = startProcess(db.env);
    const port = await first.waitForPort();
    const app = { url: (path: string) => `http://127.0.0.1:${port}${path}` };
    const created = await request(app, 'POST', '/v1/items', {
      body: { name: 'Kept', quantity: 2, tags: ['a', 'b'] },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(await stop(first), 0);

    const second = startProcess(db.env);
    const secondPort = await second.waitForPort();
    const again = { url: (path: string) => `http://127.0.0.1:${secondPort}${path}` };
    const read = await request(again, 'GET', `/v1/items/${created.json.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.text, created.text); // byte for byte: timestamps keep their milliseconds
    const list = await request(again, 'GET', '/v1/items');
    assert.deepEqual(list.json, { items: [created.json], total: 1, limit: 20, offset: 0 });
    assert.equal(await stop(second), 0);
  });
});

describe('two server processes on one database', () => {
  let db: TestStore;
  before(async () => {
    db = await openTestStore();
  });
  after(() => db.close());

  it('serve the same items', async () => {
    const servers = [startProcess(db.env), startProcess(db.env)];
    try {
      const [one, two] = await Promise.all(servers.map((server) => server.waitForPort()));
      const at = (port: number | undefined) => ({
        url: (path: string) => `http://127.0.0.1:${port}${path}`,
      });
      const created = await request(at(one), 'POST', '/v1/items', {
        body: { name: 'shared', quantity: 1 },
      });
      assert.equal(created.status, 201, created.text);
      const path = `/v1/items/${created.json.id}`;
      assert.equal((await request(at(two), 'GET', path)).text, created.text);
      const replaced = await request(at(two), 'PUT', path, { body: { name: 'both', quantity: 2 } });
      assert.equal(replaced.status, 200);
      assert.deepEqual((await request(at(one), 'GET', path)).json, replaced.json);
      assert.equal((await request(at(one), 'DELETE', path)).status, 204);
      assertProblem(await request(at(two), 'GET', path), 404, path);
    } finally {
      assert.deepEqual(await Promise.all(servers.map(stop)), [0, 0]);
    }
  });
});

describe('migrations', () => {
  let db: TestStore;
  before(async () => {
    db = await openTestStore();
  });
  after(async () => {
    forgetMigrated();
    await db.close();
  });

  it('go up, down and up again with npm run migrate', async () => {
    const store = openStore(databaseAt(db.env.DATABASE_URL ?? ''), silent);
    const stores = [store];
    try {
      const upToDate = migrateCommand(db.env);
      assert.equal(upToDate.status, 0, upToDate.stderr);
      assert.deepEqual(messages(upToDate.stdout), ['nothing to migrate']);
      await store.check();

      const down = migrateCommand(db.env, 'down');
      assert.equal(down.status, 0, down.stderr);
      assert.deepEqual(messages(down.stdout), ['migrated down']);
      await assert.rejects(store.check(), DatabaseUnavailable);
      await assert.rejects(store.list({ limit: 1, offset: 0 }), DatabaseUnavailable);
      const downAgain = migrateCommand(db.env, 'down');
      assert.deepEqual(messages(downAgain.stdout), ['nothing to migrate']);
      // A store that first met the database without its table works once it is migrated.
      const early = openStore(databaseAt(db.env.DATABASE_URL ?? ''), silent);
      stores.push(early);
      await assert.rejects(early.get(UUID), DatabaseUnavailable);

      const up = migrateCommand(db.env, 'up');
      assert.equal(up.status, 0, up.stderr);
      assert.deepEqual(messages(up.stdout), ['migrated up']);
      await store.check();
      const item = await store.create({ name: 'after', quantity: 1, tags: ['t'] });
      assert.deepEqual(await store.get(item.id), item);
      assert.deepEqual(await store.list({ limit: 5, offset: 0 }), { items: [item], total: 1 });
      assert.deepEqual(await early.get(item.id), item);
    } finally {
      for (const open of stores) await open.close();
    }
  });

  it('rejects an unknown direction with one line and exit 1', () => {
    const result = migrateCommand(db.env, 'sideways');
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'error: usage: npm run migrate [-- up|down]\n');
  });

  it('with MIGRATE_ON_START=1, the server migrates before it listens', async () => {
    const down = migrateCommand(db.env, 'down');
    assert.equal(down.status, 0, down.stderr);
    const server = startProcess({ ...db.env, MIGRATE_ON_START: '1' });
    const port = await server.waitForPort();
    const migrated = server.lines.findIndex((line) => line.msg === 'migrated up');
    const listening = server.lines.findIndex((line) => line.msg === 'listening');
    assert.ok(migrated !== -1 && migrated < listening, JSON.stringify(server.lines));
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(await stop(server), 0);
  });

  it('with MIGRATE_ON_START=1 and no usable database, stops with one line and exit 1', async () => {
    const result = spawnSync(process.execPath, [SERVER], {
      cwd: emptyDir(),
      env: {
        ...process.env,
        PORT: '0',
        DATABASE_URL: await unusableUrl(),
        MIGRATE_ON_START: 'yes',
      },
      encoding: 'utf8',
      timeout: 30000,
    });
    assert.equal(result.status, 1);
    assert.ok(!result.stdout.includes('"listening"'), result.stdout);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /^error: MIGRATE_ON_START: migrating up failed: \S/);
  });
});

describe('while the database is unavailable', () => {
  let database: Awaited<ReturnType<typeof unavailableDatabase>>;
  before(async () => {
    database = await unavailableDatabase();
  });
  after(() => database.close());

  it('answers 503 problems and /readyz unavailable, then recovers without a restart', async () => {
    const store = openStore(databaseAt(database.url), silent);
    const app = await startServer({ store });
    try {
      const ready = await request(app, 'GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: 'unavailable' });

      const item = `/v1/items/${UUID}`;
      for (const [method, path, body] of [
        ['GET', '/v1/items', undefined],
        ['POST', '/v1/items', { name: 'n', quantity: 1 }],
        ['GET', item, undefined],
        ['PUT', item, { name: 'n', quantity: 1 }],
        ['DELETE', item, undefined],
      ] as const) {
        const res = await request(app, method, path, body === undefined ? {} : { body });
        const problem = assertProblem(res, 503, path);
        assert.equal(problem.detail, DATABASE_UNAVAILABLE_DETAIL);
        assert.deepEqual(Object.keys(problem).sort(), [
          'detail',
          'instance',
          'request_id',
          'status',
          'title',
          'type',
        ]);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      }
      // What needs no database is answered as always; an invalid PUT body to a well-formed
      // id is 422, as nothing can tell that the id is unknown.
      const badPut = await request(app, 'PUT', item, { body: { quantity: 'many' } });
      assertProblem(badPut, 422, item);
      // Only the lower-case UUID v4 the server makes is an id; any other is unknown at once.
      for (const id of [
        'not-a-uuid',
        'ABCDEF00-0000-4000-8000-000000000000',
        '00000000-0000-0000-0000-000000000000',
      ]) {
        assertProblem(await request(app, 'GET', `/v1/items/${id}`), 404, `/v1/items/${id}`);
      }
      const invalid = await request(app, 'POST', '/v1/items', { body: { name: '' } });
      assertProblem(invalid, 422, '/v1/items');
      assertProblem(await request(app, 'GET', '/v1/items?limit=0'), 422, '/v1/items');
      assert.equal((await request(app, 'GET', '/livez')).status, 200);
      // The driver's words reach the log, not the client.
      assert.ok(app.logs.some((line) => line.msg === 'database unavailable'));

      await database.recover();
      const back = await request(app, 'GET', '/readyz');
      assert.equal(back.status, 200);
      assert.deepEqual(back.json, { status: 'ready' });
      const created = await request(app, 'POST', '/v1/items', { body: { name: 'n', quantity: 1 } });
      assert.equal(created.status, 201, created.text);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('puts draining before unavailable', async () => {
    const store = openStore(databaseAt(await unusableUrl()), silent);
    const app = await startServer({ store });
    try {
      app.lifecycle.draining = true;
      const res = await request(app, 'GET', '/readyz');
      assert.equal(res.status, 503);
      assert.deepEqual(res.json, { status: 'draining' });
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('the server process starts, listens and says in its log why it is not ready', async () => {
    const unavailable = await unavailableDatabase();
    const server = startProcess({ DATABASE_URL: unavailable.url });
    try {
      const port = await server.waitForPort();
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'unavailable' });
      const items = await fetch(`http://127.0.0.1:${port}/v1/items`);
      assert.equal(items.status, 503);
      const reason = await waitFor(() =>
        server.lines.find((line) => line.level === 'warn' && String(line.msg).includes('503')),
      );
      assert.match(String(reason.msg), /npm run migrate|cannot be reached/);
      assert.equal(await stop(server), 0);
    } finally {
      await unavailable.close();
    }
  });
});
