import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import {
  DatabaseUnavailable,
  type Item,
  type ItemInput,
  type ItemStore,
  newItem,
} from '../store.ts';

// Items in a SQLite file through Node.js's built-in node:sqlite: nothing to download or
// compile at install. node:sqlite is synchronous, so each query runs on the event loop;
// one connection per process is all it needs.

/**
 * node:sqlite, loaded without its one-off "SQLite is an experimental feature" warning on
 * stderr, which Node.js 24.9 to 24.14 print when the module loads (24.15 made it a release
 * candidate and prints nothing). Every other warning passes through untouched.
 */
function loadSqlite(): typeof import('node:sqlite') {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('SQLite is an experimental feature')) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  }) as typeof process.emitWarning;
  try {
    return process.getBuiltinModule('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
}

const sqlite = loadSqlite();

/**
 * How long a write waits for another process's lock (e.g. `npm run migrate`) before it
 * fails; the wait blocks this process, so it stays short.
 */
const BUSY_TIMEOUT_MS = 2000;

/** Opens the file (creating its folder), in WAL mode so that reads never wait for writes. */
export function openSqlite(path: string): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true });
  const db = new sqlite.DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Kysely's SqliteDialect expects better-sqlite3's interface; node:sqlite's differs in two
 * places: parameters are spread, and a statement tells whether it returns rows by its
 * columns() rather than a `reader` flag.
 */
function asKyselyDatabase(db: DatabaseSync): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(text) {
      const statement = db.prepare(text);
      const args = (parameters: readonly unknown[]) => parameters as SQLInputValue[];
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...args(parameters)),
        run: (parameters) => statement.run(...args(parameters)),
        iterate: (parameters) => statement.iterate(...args(parameters)),
      };
    },
  };
}

/** A Kysely instance on its own connection to the file (for migrations); destroy() closes it. */
export function sqliteKysely(path: string): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new SqliteDialect({ database: async () => asKyselyDatabase(openSqlite(path)) }),
  });
}

const COLUMNS = 'id, name, quantity, tags, created_at, updated_at';
const SQL = {
  list: `SELECT ${COLUMNS} FROM items ORDER BY seq LIMIT ? OFFSET ?`,
  count: 'SELECT COUNT(*) AS total FROM items',
  get: `SELECT ${COLUMNS} FROM items WHERE id = ?`,
  create:
    'INSERT INTO items (id, name, quantity, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  replace:
    'UPDATE items SET name = ?, quantity = ?, tags = ?, updated_at = ? WHERE id = ? RETURNING created_at',
  delete: 'DELETE FROM items WHERE id = ?',
  check: 'SELECT seq FROM items LIMIT 1',
} as const;

interface Row {
  id: string;
  name: string;
  quantity: number;
  tags: string;
  created_at: string;
  updated_at: string;
}

function toItem(row: Row): Item {
  return {
    id: row.id,
    name: row.name,
    quantity: row.quantity,
    tags: JSON.parse(row.tags),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The items table in a SQLite file. The file is opened on first use (and again after a
 * failure); statements are prepared once and reused. Any failure (no file, no table yet,
 * a lock held too long) becomes DatabaseUnavailable.
 */
export class SqliteStore implements ItemStore {
  readonly #path: string;
  #db: DatabaseSync | undefined;
  #statements = new Map<keyof typeof SQL, StatementSync>();

  constructor(path: string) {
    this.#path = path;
  }

  #statement(name: keyof typeof SQL): StatementSync {
    let statement = this.#statements.get(name);
    if (!statement) {
      this.#db ??= openSqlite(this.#path);
      statement = this.#db.prepare(SQL[name]);
      this.#statements.set(name, statement);
    }
    return statement;
  }

  /** Runs `work` with the statement, turning any database failure into DatabaseUnavailable. */
  #use<T>(name: keyof typeof SQL, work: (statement: StatementSync) => T): T {
    try {
      return work(this.#statement(name));
    } catch (err) {
      throw new DatabaseUnavailable(err);
    }
  }

  async list({ limit, offset }: { limit: number; offset: number }) {
    const rows = this.#use('list', (s) => s.all(limit, offset)) as unknown as Row[];
    const counted = this.#use('count', (s) => s.get()) as { total: number };
    return { items: rows.map(toItem), total: counted.total };
  }

  async get(id: string) {
    const row = this.#use('get', (s) => s.get(id)) as Row | undefined;
    return row ? toItem(row) : undefined;
  }

  async create(input: ItemInput) {
    const item = newItem(input);
    const { id, name, quantity, tags, created_at, updated_at } = item;
    this.#use('create', (s) =>
      s.run(id, name, quantity, JSON.stringify(tags), created_at, updated_at),
    );
    return item;
  }

  async replace(id: string, { name, quantity, tags }: ItemInput) {
    const now = new Date().toISOString();
    const row = this.#use('replace', (s) => s.get(name, quantity, JSON.stringify(tags), now, id)) as
      | { created_at: string }
      | undefined;
    if (!row) return undefined;
    return { id, name, quantity, tags: [...tags], created_at: row.created_at, updated_at: now };
  }

  async delete(id: string) {
    const { changes } = this.#use('delete', (s) => s.run(id));
    return Number(changes) > 0;
  }

  async check() {
    this.#use('check', (s) => s.get());
  }

  async close() {
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }
}
