import { randomUUID } from 'node:crypto';

// What the app knows about storage: the ItemStore interface. The request handlers see
// only this; MemoryStore (here) and the database stores (src/db/) implement it.

export interface Item {
  id: string;
  name: string;
  quantity: number;
  tags: string[];
  created_at: string;
  updated_at: string;
}

/** What a request may set: the rest of an item is the server's. */
export interface ItemInput {
  name: string;
  quantity: number;
  tags: string[];
}

export interface ItemStore {
  list(page: { limit: number; offset: number }): Promise<{ items: Item[]; total: number }>;
  get(id: string): Promise<Item | undefined>;
  create(input: ItemInput): Promise<Item>;
  replace(id: string, input: ItemInput): Promise<Item | undefined>;
  delete(id: string): Promise<boolean>;
  /** Resolves when a one-row query on items succeeds (for /readyz); rejects otherwise. */
  check(): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}

/**
 * The database could not answer: unreachable, not migrated, or failing in the driver.
 * Requests get a 503 problem; `cause` (driver text) goes to the log only.
 */
export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}

/**
 * The id form the server makes (a lower-case UUID v4, the document's id pattern): any other
 * id is unknown without a query, as in every stack.
 */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isItemId(id: string): boolean {
  return ID.test(id);
}

/** A new item from a request's input: a fresh id, created and updated now. */
export function newItem({ name, quantity, tags }: ItemInput): Item {
  const now = new Date().toISOString();
  return { id: randomUUID(), name, quantity, tags: [...tags], created_at: now, updated_at: now };
}

function copy(item: Item): Item {
  return { ...item, tags: [...item.tags] };
}

export class MemoryStore implements ItemStore {
  #items = new Map<string, Item>(); // a Map keeps insertion order

  async list({ limit, offset }: { limit: number; offset: number }) {
    const all = [...this.#items.values()];
    return { items: all.slice(offset, offset + limit).map(copy), total: all.length };
  }

  async get(id: string) {
    const item = this.#items.get(id);
    return item ? copy(item) : undefined;
  }

  async create(input: ItemInput) {
    const item = newItem(input);
    this.#items.set(item.id, item);
    return copy(item);
  }

  async replace(id: string, { name, quantity, tags }: ItemInput) {
    const current = this.#items.get(id);
    if (!current) return undefined;
    const item: Item = {
      id,
      name,
      quantity,
      tags: [...tags],
      created_at: current.created_at,
      updated_at: new Date().toISOString(),
    };
    this.#items.set(id, item);
    return copy(item);
  }

  async delete(id: string) {
    return this.#items.delete(id);
  }

  async check() {}

  async close() {}
}
