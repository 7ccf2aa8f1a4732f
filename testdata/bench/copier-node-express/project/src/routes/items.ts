import type { Router } from 'express';
import { jsonBody } from '../middleware/body.ts';
import { type FieldError, HttpProblem, methodNotAllowed } from '../problems.ts';
import { DatabaseUnavailable, type ItemStore, isItemId } from '../store.ts';
import type { Validators } from '../validation.ts';

function invalid(errors: FieldError[]): HttpProblem {
  return new HttpProblem(422, 'The request has invalid fields.', { errors });
}

function notFound(): HttpProblem {
  return new HttpProblem(404, 'No item has this id.');
}

/** The id of the path; one the server never makes is unknown before any database work. */
function itemId(id: string): string {
  if (!isItemId(id)) throw notFound();
  return id;
}

/** False only when the store says no item has this id; true when it cannot answer. */
async function mayExist(store: ItemStore, id: string): Promise<boolean> {
  try {
    return (await store.get(id)) !== undefined;
  } catch (err) {
    if (err instanceof DatabaseUnavailable) return true;
    throw err;
  }
}

/** The items resource: list, create, read, replace, delete. */
export function addItemRoutes(
  router: Router,
  { store, validators }: { store: ItemStore; validators: Validators },
): void {
  router
    .route('/v1/items')
    .get(async (req, res) => {
      const result = validators.pagination(req.query as Record<string, unknown>);
      if (!result.ok) throw invalid(result.errors);
      const { limit, offset } = result.value;
      const { items, total } = await store.list({ limit, offset });
      res.json({ items, total, limit, offset });
    })
    .post(jsonBody(), async (req, res) => {
      const result = validators.itemInput(req.body);
      if (!result.ok) throw invalid(result.errors);
      const item = await store.create(result.value);
      res.status(201).location(`/v1/items/${item.id}`).json(item);
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route('/v1/items/:id')
    .get(async (req, res) => {
      const item = await store.get(itemId(req.params.id));
      if (!item) throw notFound();
      res.json(item);
    })
    .put(jsonBody(), async (req, res) => {
      const id = itemId(req.params.id);
      const result = validators.itemInput(req.body);
      if (!result.ok) {
        // An unknown id wins over an invalid body; while the database cannot tell whether
        // the id exists, the 422 stands (it needs no database: contract, Persistence).
        if (!(await mayExist(store, id))) throw notFound();
        throw invalid(result.errors);
      }
      const item = await store.replace(id, result.value);
      if (!item) throw notFound();
      res.json(item);
    })
    .delete(async (req, res) => {
      if (!(await store.delete(itemId(req.params.id)))) throw notFound();
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));
}
