import express, { type Express } from 'express';
import { createLogger, type Logger } from './logger.ts';
import { readBody } from './middleware/body.ts';
import { cors } from './middleware/cors.ts';
import { requestLog } from './middleware/request-log.ts';
import { responseHeaders } from './middleware/security.ts';
import { addOpenApiRoute, loadOpenApi } from './openapi.ts';
import { errorHandler, notFound } from './problems.ts';
import { addHealthRoutes } from './routes/health.ts';
import { addItemRoutes } from './routes/items.ts';
import { loadSettings, type Settings } from './settings.ts';
import { type ItemStore, MemoryStore } from './store.ts';
import { compileValidators } from './validation.ts';

/** Shared with the server: set `draining` to turn /readyz to 503. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppDeps {
  settings?: Settings;
  store?: ItemStore;
  logger?: Logger;
  lifecycle?: Lifecycle;
}

/** Builds the Express app without listening. */
export function createApp({
  settings = loadSettings({}),
  store = new MemoryStore(),
  logger = createLogger({ level: settings.logLevel }),
  lifecycle = { draining: false },
}: AppDeps = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // Exact routing: /livez/, /v1/items/ and /V1/ITEMS are unknown paths (404).
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  // The contract's document: served at /openapi.json, and the source of the request
  // schemas (compiled once, here).
  const openApi = loadOpenApi();
  const validators = compileValidators(openApi.document);

  // The work every request needs, in this order, as one layer: Express walks its layers
  // from the top on each request, and each one costs a router step. Routes sit on the app
  // itself, not in nested Routers, for the same reason.
  const setResponseHeaders = responseHeaders({ lifecycle });
  const logWhenDone = requestLog(logger);
  const answerCors = cors(settings.corsOrigins); // undefined without CORS_ORIGINS
  const readRawBody = readBody({ limit: settings.bodyLimitBytes }); // 413 comes first
  app.use((req, res, next) => {
    setResponseHeaders(req, res);
    logWhenDone(req, res);
    if (answerCors?.(req, res)) return; // a preflight, answered
    readRawBody(req, res, next);
  });
  addHealthRoutes(app, { lifecycle, store });
  addOpenApiRoute(app, openApi);
  addItemRoutes(app, { store, validators });
  app.use(notFound);
  app.use(errorHandler({ logger, bodyLimitBytes: settings.bodyLimitBytes }));
  return app;
}
