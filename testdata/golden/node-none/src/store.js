import { randomUUID } from 'node:crypto';

// The single place that holds items. Swap this module for a database-backed one with the
// same async methods; nothing else in the app knows how items are stored.

function copy(item) {
  return { ...item, tags: [...item.tags] };
}

export class MemoryStore {
  #items = new Map(); // a Map keeps insertion order

  async list({ limit, offset }) {
    const all = [...this.#items.values()];
    return { items: all.slice(offset, offset + limit).map(copy), total: all.length };
  }

  async get(id) {
    const item = this.#items.get(id);
    return item ? copy(item) : undefined;
  }

  async create({ name, quantity, tags }) {
    const now = new Date().toISOString();
    const item = {
      id: randomUUID(),
      name,
      quantity,
      tags: [...tags],
      created_at: now,
      updated_at: now,
    };
    this.#items.set(item.id, item);
    return copy(item);
  }

  async replace(id, { name, quantity, tags }) {
    const current = this.#items.get(id);
    if (!current) return undefined;
    const item = {
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

  async delete(id) {
    return this.#items.delete(id);
  }
}
