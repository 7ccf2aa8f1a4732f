import express from 'express';
import { createLogger } from './logger.js';
import { readBody } from './middleware/body.js';
import { requestLog } from './middleware/request-log.js';
import { responseHeaders } from './middleware/security.js';
import { errorHandler, notFound } from './problems.js';
import { addHealthRoutes } from './routes/health.js';
import { addItemRoutes } from './routes/items.js';
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

  // The work every request needs, in this order, as one layer: Express walks its layers
  // from the top on each request, and each one costs a router step. Routes sit on the app
  // itself, not in nested Routers, for the same reason.
  const setResponseHeaders = responseHeaders({ lifecycle });
  const logWhenDone = requestLog(logger);
  const readRawBody = readBody({ limit: settings.bodyLimitBytes }); // 413 comes first
  app.use((req, res, next) => {
    setResponseHeaders(req, res);
    logWhenDone(req, res);
    readRawBody(req, res, next);
  });
  addHealthRoutes(app, { lifecycle });
  addItemRoutes(app, { store });
  app.use(notFound);
  app.use(errorHandler({ logger, settings }));
  return app;
}
