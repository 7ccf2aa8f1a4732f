import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { Database } from '../settings.ts';
import type { ItemStore } from '../store.ts';
import { type Engine, migrateDown, migrateUp } from './migrations.ts';
import { SqliteStore, sqliteKysely } from './sqlite.ts';

// The one place that knows which engine this project was generated for.

/** The command that applies the migrations, for log lines and errors. */
export const MIGRATE_COMMAND = 'npm run migrate';

/** The item store on DATABASE_URL; it connects on first use, so the database may be down. */
export function openStore(database: Database, logger: Logger): ItemStore {
  void logger;
  return new SqliteStore(database.path);
}

/**
 * Why the store's first check failed, for the log: a database without the items table
 * needs the migrations; any other failure is the database not answering (yet).
 */
export function notReadyReason(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const missingTable = cause instanceof Error && /no such table: items/.test(cause.message);
  return missingTable
    ? `the database has no items table: run ${MIGRATE_COMMAND} (or start with MIGRATE_ON_START=1); until then item requests get 503`
    : 'the database cannot be reached; item requests get 503 until it can';
}

function migrationKysely(database: Database, logger: Logger): Kysely<unknown> {
  void logger;
  return sqliteKysely(database.path);
}

/**
 * Applies every pending migration (`up`) or undoes them all (`down`) on its own connection;
 * returns the names of the migrations run.
 * @throws {MigrationError} or the driver's error when the database cannot be reached
 */
export async function migrate(
  database: Database,
  logger: Logger,
  direction: 'up' | 'down',
): Promise<string[]> {
  const db = migrationKysely(database, logger);
  const engine: Engine = database.engine;
  try {
    return direction === 'up' ? await migrateUp(db, engine) : await migrateDown(db, engine);
  } finally {
    await db.destroy();
  }
}
