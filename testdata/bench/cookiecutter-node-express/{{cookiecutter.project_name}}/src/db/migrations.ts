import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator, NO_MIGRATIONS } from 'kysely/migration';

// The schema's history: one list for both engines, applied in name order by Kysely's
// Migrator, which records what ran in the kysely_migration table. Add a migration by
// appending an entry; never edit one that has shipped.

export type Engine = 'sqlite' | 'postgres';

/** The migrations, their column types chosen for the engine they run on. */
function history(engine: Engine): Record<string, Migration> {
  const postgres = engine === 'postgres';
  return {
    '0001_create_items': {
      async up(db: Kysely<unknown>) {
        // seq keeps insertion order; id is the UUID the API shows; timestamps keep
        // milliseconds (PostgreSQL timestamptz(3); ISO 8601 text on SQLite).
        const timestamp = postgres ? sql`timestamptz(3)` : sql`text`;
        await db.schema
          .createTable('items')
          .addColumn('seq', postgres ? 'bigint' : 'integer', (col) =>
            postgres
              ? col.primaryKey().generatedAlwaysAsIdentity()
              : col.primaryKey().autoIncrement(),
          )
          .addColumn('id', 'text', (col) => col.notNull().unique())
          .addColumn('name', 'text', (col) => col.notNull())
          .addColumn('quantity', 'integer', (col) => col.notNull())
          .addColumn('tags', postgres ? 'jsonb' : 'text', (col) => col.notNull())
          .addColumn('created_at', timestamp, (col) => col.notNull())
          .addColumn('updated_at', timestamp, (col) => col.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('items').execute();
      },
    },
  };
}

/** An error as one line of text: drivers may leave the message empty (a refused
 * connection to several addresses) or spread it over lines. */
export function errorText(err: unknown): string {
  const { message, code, name } = (err ?? {}) as {
    message?: unknown;
    code?: unknown;
    name?: unknown;
  };
  const text = [message, code, name, String(err)].find(
    (part) => typeof part === 'string' && part !== '',
  );
  return String(text).replace(/\s+/g, ' ').trim();
}

/** A migration that failed; the message names it and the database's reason. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

function migrator(db: Kysely<unknown>, engine: Engine): Migrator {
  const migrations = history(engine);
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

async function run(
  go: () => ReturnType<Migrator['migrateToLatest']>,
  direction: string,
): Promise<string[]> {
  const { error, results = [] } = await go();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = errorText(error);
    throw new MigrationError(
      failed
        ? `migration ${failed.migrationName} (${direction}) failed: ${reason}`
        : `migrating ${direction} failed: ${reason}`,
      { cause: error },
    );
  }
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied (none when up to date). */
export function migrateUp(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const target = migrator(db, engine);
  return run(() => target.migrateToLatest(), 'up');
}

/** Undoes every applied migration, newest first; returns the names undone. */
export function migrateDown(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const target = migrator(db, engine);
  return run(() => target.migrateTo(NO_MIGRATIONS), 'down');
}
