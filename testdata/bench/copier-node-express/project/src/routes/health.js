import { methodNotAllowed } from '../problems.js';

/**
 * Liveness and readiness probes; readiness turns 503 once shutdown began.
 * Registered on the app itself rather than through a nested Router: the probes are the
 * hottest paths, and a nested Router is one more layer to walk on every request.
 * @param {import('express').Router} router the app (or any router) to add the routes to
 */
export function addHealthRoutes(router, { lifecycle }) {
  router
    .route('/livez')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/readyz')
    .get((_req, res) => {
      if (lifecycle.draining) res.status(503).json({ status: 'draining' });
      else res.json({ status: 'ready' });
    })
    .all(methodNotAllowed(['GET']));
}
