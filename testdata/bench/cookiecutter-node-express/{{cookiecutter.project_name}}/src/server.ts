import { errorText } from './db/migrations.ts';
import { migrate, notReadyReason, openStore } from './db/open.ts';
import { createHttpServer } from './http-server.ts';
import { createLogger, exitOnCrash } from './logger.ts';
import {
  loadSettings,
  readEnvFile,
  type Settings,
  SettingsError,
  withEnvFile,
} from './settings.ts';
import { createShutdown } from './shutdown.ts';

let settings: Settings;
try {
  // A .env file in the working directory fills in what the environment leaves unset.
  settings = loadSettings(withEnvFile(process.env, readEnvFile('.env')));
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: settings.logLevel });
exitOnCrash(logger);
const lifecycle = { draining: false };
if (settings.migrateOnStart) {
  // Before anything listens: a failure stops the start.
  try {
    const names = await migrate(settings.database, logger, 'up');
    logger.info({ migrations: names }, names.length === 0 ? 'nothing to migrate' : 'migrated up');
  } catch (err) {
    process.stderr.write(`error: MIGRATE_ON_START: migrating up failed: ${errorText(err)}\n`);
    process.exit(1);
  }
}
// The store connects on first use: the app listens even while the database is down, and
// /readyz tells when it can serve.
const store = openStore(settings.database, logger);
const { server } = createHttpServer({
  settings,
  store,
  logger,
  lifecycle,
});

server.on('error', (err) => {
  logger.fatal({ err }, 'server error');
  process.exit(1);
});

server.listen(settings.port, settings.host, () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') {
    logger.info({ host: address.address, port: address.port }, 'listening');
  }
  // One look at the database, so that the log says at once what is missing.
  store.check().then(
    () => logger.info('database ready'),
    (err: unknown) => logger.warn({ err }, notReadyReason(err)),
  );
});

const shutdown = createShutdown({
  server,
  lifecycle,
  logger,
  timeoutMs: settings.shutdownTimeoutMs,
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) {
      // A second Ctrl-C (or SIGTERM) during the drain: stop waiting, as for a drain that
      // ran out.
      logger.warn({ signal }, 'second signal during the drain; exiting now');
      logger.info({ exit_code: 1 }, 'stopped');
      process.exit(1);
    }
    stopping = true;
    const code = await shutdown(signal);
    // Close the database connections (at most a second: nothing must hold the exit).
    await Promise.race([
      store.close().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
    logger.info({ exit_code: code }, 'stopped');
    process.exit(code);
  });
}
