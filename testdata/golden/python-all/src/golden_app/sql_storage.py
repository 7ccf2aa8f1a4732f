"""Items in the database (SQLAlchemy Core over an async session), with the interface of
the in-memory ItemStore. Every method is one statement or two, never one per item; any
failure of the driver or the pool is raised as StorageUnavailable (a 503)."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Item, ItemIn
from .storage import StorageUnavailable, utc_now


class UtcTimestamp(TypeDecorator[datetime]):
    """A UTC timestamp to the millisecond: timestamptz(3) on PostgreSQL; on SQLite, which
    has no time zones, the UTC time as text. Read back, it is always an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True, precision=3))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or dialect.name == "postgresql":
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

# The table as the migrations make it (migrations/versions holds its history).
items = Table(
    "items",
    metadata,
    # Insertion order: lists are ordered by seq.
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("tags", JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    Column("created_at", UtcTimestamp(), nullable=False),
    Column("updated_at", UtcTimestamp(), nullable=False),
)

_COLUMNS = (
    items.c.id,
    items.c.name,
    items.c.quantity,
    items.c.tags,
    items.c.created_at,
    items.c.updated_at,
)


def _item(row: Any) -> Item:
    return Item(
        id=row.id,
        name=row.name,
        quantity=row.quantity,
        tags=tuple(row.tags),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def is_missing_table(exc: BaseException) -> bool:
    """Whether the error says the items table does not exist (the migrations were not
    applied): SQLite's "no such table", PostgreSQL's SQLSTATE 42P01."""
    original = getattr(exc, "orig", None) or exc
    return "no such table" in str(original) or getattr(original, "sqlstate", None) == "42P01"


@asynccontextmanager
async def _database_work() -> AsyncIterator[None]:
    """Driver, pool and connection failures become StorageUnavailable; the original is
    kept as its __cause__ for the log, never shown to the client."""
    try:
        yield
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise StorageUnavailable from exc


class SqlItemStore:
    """The items of one request's session. `write_lock`, when given, lets one write
    transaction of the process run at a time (SQLite: a writer that finds another one
    busy would otherwise sleep and retry, which shows as long tail latencies)."""

    def __init__(self, session: AsyncSession, write_lock: asyncio.Lock | None = None) -> None:
        self._session = session
        self._write_lock = write_lock

    def _writing(self) -> contextlib.AbstractAsyncContextManager[object]:
        return self._write_lock if self._write_lock is not None else contextlib.nullcontext()

    async def page(self, *, limit: int, offset: int) -> tuple[list[Item], int]:
        """One page in insertion order and the total: two statements whatever the page."""
        async with _database_work():
            total = (
                await self._session.execute(select(func.count()).select_from(items))
            ).scalar_one()
            if offset >= total:  # nothing to read (and no offset past a 64-bit bound)
                return [], total
            rows = await self._session.execute(
                select(*_COLUMNS).order_by(items.c.seq).limit(limit).offset(offset)
            )
            return [_item(row) for row in rows], total

    async def create(self, data: ItemIn) -> Item:
        now = utc_now()
        item = Item(
            id=str(uuid.uuid4()),
            name=data.name,
            quantity=data.quantity,
            tags=tuple(data.tags),
            created_at=now,
            updated_at=now,
        )
        async with _database_work(), self._writing():
            await self._session.execute(
                insert(items).values(
                    id=item.id,
                    name=item.name,
                    quantity=item.quantity,
                    tags=list(item.tags),
                    created_at=now,
                    updated_at=now,
                )
            )
            await self._session.commit()
        return item

    async def get(self, item_id: str) -> Item | None:
        async with _database_work():
            row = (
                await self._session.execute(select(*_COLUMNS).where(items.c.id == item_id))
            ).first()
        return None if row is None else _item(row)

    async def replace(self, item_id: str, data: ItemIn) -> Item | None:
        """Replace the fields, keeping seq, id and created_at; None when unknown."""
        now = utc_now()
        values = {"name": data.name, "quantity": data.quantity, "tags": list(data.tags)}
        async with _database_work(), self._writing():
            created_at = (
                await self._session.execute(
                    update(items)
                    .where(items.c.id == item_id)
                    .values(**values, updated_at=now)
                    .returning(items.c.created_at)
                )
            ).scalar_one_or_none()
            if created_at is None:
                await self._session.rollback()
                return None
            if created_at > now:  # the clock went back: never updated before created
                now = created_at
                await self._session.execute(
                    update(items).where(items.c.id == item_id).values(updated_at=now)
                )
            await self._session.commit()
        return Item(id=item_id, **values, created_at=created_at, updated_at=now)

    async def delete(self, item_id: str) -> bool:
        async with _database_work(), self._writing():
            result = await self._session.execute(delete(items).where(items.c.id == item_id))
            await self._session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]
