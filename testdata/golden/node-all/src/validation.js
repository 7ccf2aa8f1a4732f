// Hand-written validation: no coercion, every problem reported with a JSON pointer.

const ITEM_KEYS = new Set(['name', 'quantity', 'tags']);
const NAME_MAX = 100;
const QUANTITY_MAX = 1_000_000;
const TAGS_MAX = 10;
const TAG_MAX = 32;
const LIMIT_MAX = 100;
const DECIMAL = /^[0-9]+$/;

/** Length in Unicode code points, not UTF-16 units. */
function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** RFC 6901 escaping of one pointer segment. */
function pointerSegment(key) {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyError(pointer, message) {
  return { in: 'body', pointer, message };
}

function checkText(value, pointer, label, max, errors) {
  if (typeof value !== 'string') {
    errors.push(bodyError(pointer, `${label} must be a string`));
    return undefined;
  }
  const text = value.trim();
  const length = codePoints(text);
  if (length < 1 || length > max) {
    errors.push(bodyError(pointer, `${label} must be 1 to ${max} characters after trimming`));
    return undefined;
  }
  return text;
}

/**
 * Validates a create/replace body: exactly {name, quantity, tags?}.
 * @returns {{ value?: {name: string, quantity: number, tags: string[]}, errors?: object[] }}
 */
export function validateItemInput(body) {
  if (!isPlainObject(body)) {
    return { errors: [bodyError('', 'the body must be a JSON object')] };
  }
  const errors = [];
  for (const key of Object.keys(body)) {
    if (!ITEM_KEYS.has(key)) errors.push(bodyError(`/${pointerSegment(key)}`, 'unknown field'));
  }

  let name;
  if (!Object.hasOwn(body, 'name')) errors.push(bodyError('/name', 'name is required'));
  else name = checkText(body.name, '/name', 'name', NAME_MAX, errors);

  const { quantity } = body;
  if (!Object.hasOwn(body, 'quantity')) {
    errors.push(bodyError('/quantity', 'quantity is required'));
  } else if (!Number.isInteger(quantity) || quantity < 0 || quantity > QUANTITY_MAX) {
    errors.push(bodyError('/quantity', `quantity must be an integer from 0 to ${QUANTITY_MAX}`));
  }

  const tags = [];
  if (Object.hasOwn(body, 'tags')) {
    if (!Array.isArray(body.tags)) {
      errors.push(bodyError('/tags', 'tags must be an array of strings'));
    } else if (body.tags.length > TAGS_MAX) {
      errors.push(bodyError('/tags', `tags must have at most ${TAGS_MAX} entries`));
    } else {
      body.tags.forEach((tag, index) => {
        tags.push(checkText(tag, `/tags/${index}`, 'a tag', TAG_MAX, errors));
      });
    }
  }

  if (errors.length > 0) return { errors };
  return { value: { name, quantity, tags } };
}

function queryError(name, message) {
  return { in: 'query', pointer: name, message };
}

function readQueryInteger(query, name, fallback, min, max, errors) {
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
export function validatePagination(query) {
  const errors = [];
  const limit = readQueryInteger(query, 'limit', 20, 1, LIMIT_MAX, errors);
  const offset = readQueryInteger(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, errors);
  if (errors.length > 0) return { errors };
  return { value: { limit, offset } };
}
