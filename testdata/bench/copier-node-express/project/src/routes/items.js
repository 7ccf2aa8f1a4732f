import { jsonBody } from '../middleware/body.js';
import { HttpProblem, methodNotAllowed } from '../problems.js';
import { validateItemInput, validatePagination } from '../validation.js';

function invalid(errors) {
  return new HttpProblem(422, 'The request has invalid fields.', { errors });
}

function notFound() {
  return new HttpProblem(404, 'No item has this id.');
}

/**
 * The items resource: list, create, read, replace, delete.
 * @param {import('express').Router} router the app (or any router) to add the routes to
 */
export function addItemRoutes(router, { store }) {
  router
    .route('/v1/items')
    .get(async (req, res) => {
      const { value, errors } = validatePagination(req.query);
      if (errors) throw invalid(errors);
      const { items, total } = await store.list(value);
      res.json({ items, total, limit: value.limit, offset: value.offset });
    })
    .post(jsonBody(), async (req, res) => {
      const { value, errors } = validateItemInput(req.body);
      if (errors) throw invalid(errors);
      const item = await store.create(value);
      res.status(201).location(`/v1/items/${item.id}`).json(item);
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route('/v1/items/:id')
    .get(async (req, res) => {
      const item = await store.get(req.params.id);
      if (!item) throw notFound();
      res.json(item);
    })
    .put(jsonBody(), async (req, res) => {
      // An unknown id wins over an invalid body.
      if (!(await store.get(req.params.id))) throw notFound();
      const { value, errors } = validateItemInput(req.body);
      if (errors) throw invalid(errors);
      const item = await store.replace(req.params.id, value);
      if (!item) throw notFound();
      res.json(item);
    })
    .delete(async (req, res) => {
      if (!(await store.delete(req.params.id))) throw notFound();
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));
}
