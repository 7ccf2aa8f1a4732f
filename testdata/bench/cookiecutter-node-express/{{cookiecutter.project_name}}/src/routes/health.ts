import type { Router } from 'express';
import type { Lifecycle } from '../app.ts';
import { methodNotAllowed } from '../problems.ts';
import type { ItemStore } from '../store.ts';

/** The longest /readyz waits for the database before it answers unavailable. */
export const READY_CHECK_TIMEOUT_MS = 2000;

/** Whether the store answered its one-row check in time. */
async function storeAnswers(store: ItemStore): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([store.check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and readiness probes. Readiness turns 503 once shutdown began (draining), and
 * while the store's database does not answer (unavailable); draining takes precedence.
 * Registered on the app itself (or any router) rather than through a nested Router: the
 * probes are the hottest paths, and a nested Router is one more layer to walk on every request.
 */
export function addHealthRoutes(
  router: Router,
  { lifecycle, store }: { lifecycle: Lifecycle; store: ItemStore },
): void {
  router
    .route('/livez')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/readyz')
    .get(async (_req, res) => {
      if (lifecycle.draining) {
        res.status(503).json({ status: 'draining' });
        return;
      }
      const answers = await storeAnswers(store);
      if (lifecycle.draining) res.status(503).json({ status: 'draining' });
      else if (answers) res.json({ status: 'ready' });
      else res.status(503).json({ status: 'unavailable' });
    })
    .all(methodNotAllowed(['GET']));
}
