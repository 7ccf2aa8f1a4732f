// Applies every pending migration to DATABASE_URL (`npm run migrate`), or undoes them all
// (`npm run migrate -- down`). Reads the settings like the app: environment over .env.
import { errorText, MigrationError } from './db/migrations.ts';
import { migrate } from './db/open.ts';
import { createLogger } from './logger.ts';
import { loadSettings, readEnvFile, SettingsError, withEnvFile } from './settings.ts';

const USAGE = 'usage: npm run migrate [-- up|down]';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const direction = args[0] ?? 'up';
if (args.length > 1 || (direction !== 'up' && direction !== 'down')) fail(USAGE);

let database: ReturnType<typeof loadSettings>['database'];
let logLevel: ReturnType<typeof loadSettings>['logLevel'];
try {
  ({ database, logLevel } = loadSettings(withEnvFile(process.env, readEnvFile('.env'))));
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  fail(err.message);
}

const logger = createLogger({ level: logLevel });
try {
  const names = await migrate(database, logger, direction);
  logger.info(
    { direction, migrations: names },
    names.length === 0 ? 'nothing to migrate' : `migrated ${direction}`,
  );
} catch (err) {
  fail(
    err instanceof MigrationError
      ? err.message
      : `migrating ${direction} failed: ${errorText(err)}`,
  );
}
