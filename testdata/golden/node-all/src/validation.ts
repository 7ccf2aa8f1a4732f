// Hand-written validation: no coercion, every problem reported with a JSON pointer.
import type { FieldError } from './problems.ts';
import type { ItemInput } from './store.ts';

const ITEM_KEYS = new Set(['name', 'quantity', 'tags']);
const NAME_MAX = 100;
const QUANTITY_MAX = 1_000_000;
const TAGS_MAX = 10;
const TAG_MAX = 32;
const LIMIT_MAX = 100;
const DECIMAL = /^[0-9]+$/;

/** A checked value, or the list of what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Length in Unicode code points, not UTF-16 units. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** RFC 6901 escaping of one pointer segment. */
function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyError(pointer: string, message: string): FieldError {
  return { in: 'body', pointer, message };
}

function checkText(
  value: unknown,
  pointer: string,
  label: string,
  max: number,
  errors: FieldError[],
): string {
  if (typeof value !== 'string') {
    errors.push(bodyError(pointer, `${label} must be a string`));
    return '';
  }
  const text = value.trim();
  const length = codePoints(text);
  if (length < 1 || length > max) {
    errors.push(bodyError(pointer, `${label} must be 1 to ${max} characters after trimming`));
  }
  return text;
}

/** Validates a create/replace body: exactly {name, quantity, tags?}. */
export function validateItemInput(body: unknown): Checked<ItemInput> {
  if (!isPlainObject(body)) {
    return { ok: false, errors: [bodyError('', 'the body must be a JSON object')] };
  }
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (!ITEM_KEYS.has(key)) errors.push(bodyError(`/${pointerSegment(key)}`, 'unknown field'));
  }

  let name = '';
  if (!Object.hasOwn(body, 'name')) errors.push(bodyError('/name', 'name is required'));
  else name = checkText(body.name, '/name', 'name', NAME_MAX, errors);

  const { quantity } = body;
  if (!Object.hasOwn(body, 'quantity')) {
    errors.push(bodyError('/quantity', 'quantity is required'));
  } else if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < 0 ||
    quantity > QUANTITY_MAX
  ) {
    errors.push(bodyError('/quantity', `quantity must be an integer from 0 to ${QUANTITY_MAX}`));
  }

  const tags: string[] = [];
  if (Object.hasOwn(body, 'tags')) {
    if (!Array.isArray(body.tags)) {
      errors.push(bodyError('/tags', 'tags must be an array of strings'));
    } else if (body.tags.length > TAGS_MAX) {
      errors.push(bodyError('/tags', `tags must have at most ${TAGS_MAX} entries`));
    } else {
      body.tags.forEach((tag: unknown, index) => {
        tags.push(checkText(tag, `/tags/${index}`, 'a tag', TAG_MAX, errors));
      });
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { name, quantity: quantity as number, tags } };
}

function queryError(name: string, message: string): FieldError {
  return { in: 'query', pointer: name, message };
}

function readQueryInteger(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  errors: FieldError[],
): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    errors.push(queryError(name, `${name} must be a decimal integer ${range}`));
  }
  return value;
}

/** Reads `limit` (1..100, default 20) and `offset` (>= 0, default 0) from the query. */
export function validatePagination(
  query: Record<string, unknown>,
): Checked<{ limit: number; offset: number }> {
  const errors: FieldError[] = [];
  const limit = readQueryInteger(query, 'limit', 20, 1, LIMIT_MAX, errors);
  const offset = readQueryInteger(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { limit, offset } };
}
