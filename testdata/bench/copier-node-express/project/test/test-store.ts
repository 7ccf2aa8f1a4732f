// The store every test app uses: the engine this project was generated for, never a
// stand-in. Each test app gets its own migrated SQLite file in a temporary
// folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openStore } from '../src/db/open.ts';
import { createLogger } from '../src/logger.ts';
import { type Database, loadSettings } from '../src/settings.ts';
import type { ItemStore } from '../src/store.ts';

export interface TestStore {
  store: ItemStore;
  /** DATABASE_URL for a server process (or the migrate command) on the same data. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const silent = createLogger({ level: 'silent' });

/** The Database a DATABASE_URL stands for, read as the app reads it. */
export function databaseAt(url: string): Database {
  return loadSettings({ DATABASE_URL: url }).database;
}

/** A fresh temporary folder, removed by the returned function. */
function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'db-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, migrated SQLite file of its own. */
export async function openTestStore(): Promise<TestStore> {
  const { dir, remove } = tempDir();
  const url = `sqlite:///${join(dir, 'test.db')}`;
  const database = databaseAt(url);
  await migrate(database, silent, 'up');
  const store = openStore(database, silent);
  return {
    store,
    env: { DATABASE_URL: url },
    close: async () => {
      await store.close();
      remove();
    },
  };
}

/** What a server process needs in its environment: nothing (its folder holds data/). */
export function processEnv(): Record<string, string> {
  return {};
}

/** Nothing to forget: each SQLite test store is migrated on its own. */
export function forgetMigrated(): void {}

/**
 * A database the app cannot use yet, and the way to make it usable: a SQLite file with no
 * items table (an unmigrated database answers like an unreachable one), then migrated.
 */
export async function unavailableDatabase() {
  const { dir, remove } = tempDir();
  const url = `sqlite:///${join(dir, 'unmigrated.db')}`;
  return {
    url,
    recover: () => migrate(databaseAt(url), silent, 'up').then(() => {}),
    close: async () => remove(),
  };
}

/** A DATABASE_URL that cannot be opened at all: its folder would be inside a file. */
export async function unusableUrl(): Promise<string> {
  const { dir } = tempDir();
  writeFileSync(join(dir, 'file'), '');
  return `sqlite:///${join(dir, 'file', 'app.db')}`;
}
