import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import {
  DatabaseUnavailable,
  type Item,
  type ItemInput,
  type ItemStore,
  newItem,
} from '../store.ts';

// Items in PostgreSQL through node-postgres (pg): one pool per process, named statements
// (prepared once per connection, then reused), and a 2 s connect timeout so that a request
// fails fast while the server is gone. The pool reconnects on its own when it returns.

/** One process's share of the server's connections. */
export const POOL_MAX = 10;
export const CONNECT_TIMEOUT_MS = 2000;
/** The longest the /readyz query may run (the route gives up after the same time). */
const CHECK_TIMEOUT_MS = 2000;

/** The pool for a DATABASE_URL; connection errors are logged, never thrown at the process. */
export function createPool(url: string, logger: Logger, max = POOL_MAX): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle connection that breaks (server restart) emits 'error' on the pool; without a
  // listener that would crash the process. The pool drops it and opens a new one later.
  pool.on('error', (err) => logger.warn({ err }, 'database connection lost'));
  return pool;
}

/** A Kysely instance with its own one-connection pool (for migrations); destroy() ends it. */
export function postgresKysely(url: string, logger: Logger): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: createPool(url, logger, 1) }),
  });
}

const COLUMNS = 'id, name, quantity, tags, created_at, updated_at';
// Each statement has a name: pg prepares it once per connection and reuses it.
const SQL = {
  list: {
    name: 'items_list',
    text: `SELECT ${COLUMNS} FROM items ORDER BY seq LIMIT $1 OFFSET $2`,
  },
  count: { name: 'items_count', text: 'SELECT COUNT(*) AS total FROM items' },
  get: { name: 'items_get', text: `SELECT ${COLUMNS} FROM items WHERE id = $1` },
  create: {
    name: 'items_create',
    text: 'INSERT INTO items (id, name, quantity, tags, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, $5)',
  },
  replace: {
    name: 'items_replace',
    text: 'UPDATE items SET name = $2, quantity = $3, tags = $4::jsonb, updated_at = $5 WHERE id = $1 RETURNING created_at',
  },
  delete: { name: 'items_delete', text: 'DELETE FROM items WHERE id = $1' },
  check: { name: 'items_check', text: 'SELECT seq FROM items LIMIT 1' },
} as const;

interface Row {
  id: string;
  name: string;
  quantity: number;
  tags: string[]; // jsonb arrives parsed
  created_at: Date; // timestamptz(3) arrives as a Date, milliseconds kept
  updated_at: Date;
}

function toItem(row: Row): Item {
  return {
    id: row.id,
    name: row.name,
    quantity: row.quantity,
    tags: row.tags,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The items table in PostgreSQL. Any failure of the pool or a query becomes DatabaseUnavailable. */
export class PostgresStore implements ItemStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #query<R extends pg.QueryResultRow>(
    statement: pg.QueryConfig,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>({ ...statement, values });
    } catch (err) {
      throw new DatabaseUnavailable(err);
    }
  }

  async list({ limit, offset }: { limit: number; offset: number }) {
    const [page, counted] = await Promise.all([
      this.#query<Row>(SQL.list, [limit, offset]),
      this.#query<{ total: string }>(SQL.count),
    ]);
    return { items: page.rows.map(toItem), total: Number(counted.rows[0]?.total ?? 0) };
  }

  async get(id: string) {
    const { rows } = await this.#query<Row>(SQL.get, [id]);
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  async create(input: ItemInput) {
    const item = newItem(input);
    const { id, name, quantity, tags, created_at } = item;
    await this.#query(SQL.create, [id, name, quantity, JSON.stringify(tags), created_at]);
    return item;
  }

  async replace(id: string, { name, quantity, tags }: ItemInput) {
    const now = new Date().toISOString();
    const { rows } = await this.#query<{ created_at: Date }>(SQL.replace, [
      id,
      name,
      quantity,
      JSON.stringify(tags),
      now,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id,
      name,
      quantity,
      tags: [...tags],
      created_at: row.created_at.toISOString(),
      updated_at: now,
    };
  }

  async delete(id: string) {
    const { rowCount } = await this.#query(SQL.delete, [id]);
    return (rowCount ?? 0) > 0;
  }

  async check() {
    // query_timeout is pg's client-side limit for one query (not in @types/pg's QueryConfig).
    await this.#query({ ...SQL.check, query_timeout: CHECK_TIMEOUT_MS } as pg.QueryConfig);
  }

  async close() {
    await this.#pool.end();
  }
}
