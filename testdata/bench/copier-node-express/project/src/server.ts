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
import { MemoryStore } from './store.ts';

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
const { server } = createHttpServer({
  settings,
  store: new MemoryStore(),
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
    logger.info({ exit_code: code }, 'stopped');
    process.exit(code);
  });
}
