import { Router } from 'express';
import { methodNotAllowed } from '../problems.js';

/** Liveness and readiness probes; readiness turns 503 once shutdown began. */
export function healthRoutes({ lifecycle }) {
  const router = Router();
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
  return router;
}
