import express from 'express';
import { createLogger } from './logger.js';
import { readBody } from './middleware/body.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security.js';
import { errorHandler, notFound } from './problems.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { loadSettings } from './settings.js';
import { MemoryStore } from './store.js';

/**
 * Builds the Express app without listening.
 * @param {object} [deps]
 * @param {object} [deps.settings] from loadSettings()
 * @param {object} [deps.store] the item storage (MemoryStore by default)
 * @param {object} [deps.logger] a pino logger
 * @param {{draining: boolean}} [deps.lifecycle] set `draining` to turn /readyz to 503
 */
export function createApp({
  settings = loadSettings({}),
  store = new MemoryStore(),
  logger = createLogger({ level: settings.logLevel }),
  lifecycle = { draining: false },
} = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.use(securityHeaders());
  app.use(requestLog(logger));
  app.use((_req, res, next) => {
    // While draining, finish this request and then close its connection.
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.use(readBody({ limit: settings.bodyLimitBytes }));
  app.use(healthRoutes({ lifecycle }));
  app.use(itemRoutes({ store }));
  app.use(notFound);
  app.use(errorHandler({ logger, settings }));
  return app;
}
