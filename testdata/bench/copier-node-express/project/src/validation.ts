// Request validation driven by the contract's OpenAPI document: the body and query schemas
// are compiled from docs/openapi.json once, at start, by ajv (JSON Schema 2020-12, the
// dialect of OpenAPI 3.1). Nothing is coerced; every problem is reported with a pointer.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from './openapi.ts';
import type { FieldError } from './problems.ts';
import type { ItemInput } from './store.ts';

/** A checked value, or the list of what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The checks of the items routes, compiled from the document. */
export interface Validators {
  itemInput(body: unknown): Checked<ItemInput>;
  pagination(query: Record<string, unknown>): Checked<{ limit: number; offset: number }>;
}

/** Follows a local `$ref` ("#/components/...") to what it names. */
function follow(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/'))
    throw new Error(`openapi.json: only local $refs are supported: ${ref}`);
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) {
      throw new Error(`openapi.json: ${ref} names nothing`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `node` with every local `$ref` replaced by what it names (the schemas are trees). */
function inline(document: unknown, node: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error('openapi.json: $refs nest too deep (a cycle?)');
  if (Array.isArray(node)) return node.map((entry) => inline(document, entry, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  if (typeof $ref === 'string') return inline(document, follow(document, $ref), depth + 1);
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, inline(document, value, depth + 1)]),
  );
}

/** The JSON schema of an operation's application/json request body. */
function bodySchema(document: OpenApiDocument, path: string, method: string): object {
  const operation = inline(document, document.paths[path]?.[method]) as {
    requestBody?: { content?: Record<string, { schema?: object }> };
  };
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`openapi.json: ${method.toUpperCase()} ${path} has no JSON body`);
  return schema;
}

/** One object schema for an operation's query parameters (each optional, as declared). */
function querySchema(document: OpenApiDocument, path: string, method: string): object {
  const operation = inline(document, document.paths[path]?.[method]) as {
    parameters?: { name: string; in: string; required?: boolean; schema: object }[];
  };
  const parameters = (operation?.parameters ?? []).filter((p) => p.in === 'query');
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

/** RFC 6901 escaping of one pointer segment. */
function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

// What ajv says, as the contract's errors: an unknown or missing key is reported at
// /<key>, everything else where it was found (a bad tag at /tags/1, too many at /tags,
// a body that is not an object at ""). One error per pointer: the first ajv found.
function toFieldErrors(where: 'body' | 'query', errors: ErrorObject[]): FieldError[] {
  const byPointer = new Map<string, FieldError>();
  for (const error of errors) {
    let pointer = error.instancePath;
    let message = error.message ?? 'is not valid';
    if (error.keyword === 'additionalProperties') {
      pointer += `/${pointerSegment(String(error.params.additionalProperty))}`;
      message = 'is not a known field';
    } else if (error.keyword === 'required') {
      pointer += `/${pointerSegment(String(error.params.missingProperty))}`;
      message = 'is required';
    } else if (error.keyword === 'pattern') {
      // The patterns say "not blank, within the length limit after trimming, and no NUL"
      // (PostgreSQL text cannot hold U+0000, so no engine takes it).
      message = 'must not be blank or hold U+0000, and must fit its length limit after trimming';
    }
    // A query parameter is named, not pointed at.
    if (where === 'query') pointer = pointer.replace(/^\//, '');
    if (!byPointer.has(pointer)) byPointer.set(pointer, { in: where, pointer, message });
  }
  return [...byPointer.values()];
}

const DECIMAL = /^[0-9]+$/;

// A query value is text. Only plain decimal digits become a number for the schema to
// judge; anything else (a repeated parameter, an empty value, +5, 1e1, 1.5) stays as it
// came and fails the schema's integer type.
function queryValue(raw: unknown): unknown {
  return typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : raw;
}

// The schema's patterns check the lengths after trimming; the stored values are trimmed.
function trimmed(input: ItemInput): ItemInput {
  return {
    name: input.name.trim(),
    quantity: input.quantity === 0 ? 0 : input.quantity, // -0 is 0
    tags: input.tags.map((tag) => tag.trim()),
  };
}

function check<T>(validate: ValidateFunction, where: 'body' | 'query', value: unknown): Checked<T> {
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, errors: toFieldErrors(where, validate.errors ?? []) };
}

/** The request schemas validation compiles, by name (for tests and tools). */
export function requestSchemas(document: OpenApiDocument): Record<string, object> {
  return {
    'POST /v1/items body': bodySchema(document, '/v1/items', 'post'),
    'PUT /v1/items/{id} body': bodySchema(document, '/v1/items/{id}', 'put'),
    'GET /v1/items query': querySchema(document, '/v1/items', 'get'),
  };
}

/** Compiles the items routes' checks from the document; throws if it lacks a schema. */
export function compileValidators(document: OpenApiDocument): Validators {
  // allErrors: report every field that is wrong, not only the first. useDefaults: an
  // absent limit, offset or tags takes the document's default. validateSchema: false:
  // checking the schemas against JSON Schema's meta-schema would double the start time
  // (about 40 ms); test/openapi.test.ts does it instead, and strict mode still refuses
  // unknown keywords here.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    useDefaults: true,
    validateSchema: false,
  });
  const item = ajv.compile(bodySchema(document, '/v1/items', 'post'));
  const page = ajv.compile(querySchema(document, '/v1/items', 'get'));
  // PUT /v1/items/{id} takes the same body; refuse to start if the document says otherwise.
  if (
    JSON.stringify(bodySchema(document, '/v1/items/{id}', 'put')) !==
    JSON.stringify(bodySchema(document, '/v1/items', 'post'))
  ) {
    throw new Error('openapi.json: POST /v1/items and PUT /v1/items/{id} take different bodies');
  }
  return {
    itemInput(body) {
      const result = check<ItemInput>(item, 'body', body); // tags defaults to []
      return result.ok ? { ok: true, value: trimmed(result.value) } : result;
    },
    pagination(query) {
      // Only the declared parameters are read: unknown ones are ignored.
      const values = {
        limit: queryValue(query.limit),
        offset: queryValue(query.offset),
      };
      return check<{ limit: number; offset: number }>(page, 'query', values);
    },
  };
}
