import type { Router } from 'express';
import type { Lifecycle } from '../app.ts';
import { methodNotAllowed } from '../problems.ts';

/**
 * Liveness and readiness probes; readiness turns 503 once shutdown began.
 * Registered on the app itself (or any router) rather than through a nested Router: the
 * probes are the hottest paths, and a nested Router is one more layer to walk on every request.
 */
export function addHealthRoutes(router: Router, { lifecycle }: { lifecycle: Lifecycle }): void {
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
