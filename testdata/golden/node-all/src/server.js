import { createHttpServer } from './http-server.js';
import { createLogger } from './logger.js';
import { loadSettings, SettingsError } from './settings.js';
import { createShutdown } from './shutdown.js';
import { MemoryStore } from './store.js';

let settings;
try {
  settings = loadSettings();
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: settings.logLevel });
const lifecycle = { draining: false };
const { server, websockets } = createHttpServer({
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
  const { address, port } = server.address();
  logger.info({ host: address, port }, 'listening');
});

const shutdown = createShutdown({
  server,
  lifecycle,
  logger,
  timeoutMs: settings.shutdownTimeoutMs,
  // Open WebSockets get 1012 (service restart), and are cut if the drain time runs out.
  onDrain: () => websockets.closeAll(1012),
  onTimeout: () => websockets.terminateAll(),
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, async () => {
    const code = await shutdown(signal);
    logger.info({ exit_code: code }, 'stopped');
    process.exit(code);
  });
}
