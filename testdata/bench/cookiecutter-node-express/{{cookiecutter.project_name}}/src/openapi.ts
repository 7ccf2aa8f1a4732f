import { readFileSync } from 'node:fs';
import type { Router } from 'express';
import { methodNotAllowed } from './problems.ts';

// The contract's OpenAPI 3.1 document (docs/openapi.json): served as is at /openapi.json,
// and the source of the request schemas that validation.ts compiles.

/** The part of an OpenAPI document this app reads; the rest is served, not interpreted. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

const DOCUMENT_URL = new URL('../docs/openapi.json', import.meta.url);

/** The document's bytes, exactly as in docs/openapi.json, and its parsed form. */
export function loadOpenApi(url: URL = DOCUMENT_URL): { bytes: Buffer; document: OpenApiDocument } {
  const bytes = readFileSync(url);
  return { bytes, document: JSON.parse(bytes.toString('utf8')) as OpenApiDocument };
}

/** `GET /openapi.json` (and HEAD): the document, byte for byte. */
export function addOpenApiRoute(router: Router, { bytes }: { bytes: Buffer }): void {
  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.type('application/json').send(bytes);
    })
    .all(methodNotAllowed(['GET']));
}
