"""The in-memory item store (a project generated with database: memory keeps its items
here), the clock of every store, and the failure every store raises when it cannot work."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from .models import Item, ItemIn


class StorageUnavailable(Exception):
    """The store cannot serve the request now (the database is down, or failed): a 503
    problem, whose body never carries the cause."""


def utc_now() -> datetime:
    """The current UTC time, truncated to milliseconds (the API's precision)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class ItemStore:
    """Items in insertion order, guarded by an asyncio lock.

    Every method is async so that a database-backed store can keep the same interface.
    """

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._items: dict[str, Item] = {}
        self._lock = asyncio.Lock()
        self._clock = clock

    async def page(self, *, limit: int, offset: int) -> tuple[list[Item], int]:
        """Return one page of items in insertion order, and the total count."""
        async with self._lock:
            items = list(self._items.values())
        return items[offset : offset + limit], len(items)

    async def create(self, data: ItemIn) -> Item:
        """Store a new item with a fresh id and timestamps."""
        now = self._clock()
        item = Item(
            id=str(uuid.uuid4()),
            name=data.name,
            quantity=data.quantity,
            tags=tuple(data.tags),
            created_at=now,
            updated_at=now,
        )
        async with self._lock:
            self._items[item.id] = item
        return item

    async def get(self, item_id: str) -> Item | None:
        """Return the item, or None when the id is unknown."""
        async with self._lock:
            return self._items.get(item_id)

    async def replace(self, item_id: str, data: ItemIn) -> Item | None:
        """Replace an item's fields, keeping its id and `created_at`; None when unknown."""
        async with self._lock:
            current = self._items.get(item_id)
            if current is None:
                return None
            item = Item(
                id=current.id,
                name=data.name,
                quantity=data.quantity,
                tags=tuple(data.tags),
                created_at=current.created_at,
                updated_at=max(self._clock(), current.created_at),
            )
            self._items[item_id] = item
            return item

    async def delete(self, item_id: str) -> bool:
        """Remove an item; False when the id is unknown."""
        async with self._lock:
            return self._items.pop(item_id, None) is not None
