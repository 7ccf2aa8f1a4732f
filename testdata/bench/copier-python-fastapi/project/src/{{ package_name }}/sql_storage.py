"""Items in the database (SQLAlchemy Core on an autocommit connection), with the interface
of the in-memory ItemStore. Every method is one statement (a list whose page is empty, two),
never one per item, and every statement is atomic on its own, so no transaction is held
across awaits; any failure of the driver or the pool is raised as StorageUnavailable (a 503)."""

import asyncio
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
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

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


# The statements, built once: SQLAlchemy then finds each one's compiled form in its cache
# (and asyncpg its prepared statement) without building the expression per request.
_COUNT = select(func.count()).select_from(items)
# A page and the total in one statement (one snapshot): the uncorrelated subquery runs once.
_PAGE = (
    select(*_COLUMNS, _COUNT.scalar_subquery().label("total"))
    .order_by(items.c.seq)
    .limit(bindparam("limit", type_=Integer))
    .offset(bindparam("offset", type_=BigInteger))
)
_GET = select(*_COLUMNS).where(items.c.id == bindparam("item_id"))
_INSERT = insert(items)
_NOW = bindparam("now", type_=UtcTimestamp())
# The new fields come from the parameters; updated_at is never before created_at (the
# clock may have gone back), decided in the same statement.
_REPLACE = (
    update(items)
    .where(items.c.id == bindparam("item_id"))
    .values(updated_at=case((items.c.created_at > _NOW, items.c.created_at), else_=_NOW))
    .returning(items.c.created_at, items.c.updated_at)
)
_DELETE = delete(items).where(items.c.id == bindparam("item_id"))


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
    """The items of one request. It takes a pooled connection at its first statement (a
    request answered before any database work never needs one) and gives it back on
    close(). The engine is in autocommit mode: each statement commits on its own, so a
    write holds SQLite's write lock, or PostgreSQL's row locks, only while it runs, and no
    BEGIN or COMMIT round trip is spent.

    `checkouts` (as many as the pool has connections) queues the requests waiting for a
    connection first come, first served, at most `wait_seconds` each: the pool's own queue
    lets a newcomer take a connection that was handed to a waiter, which sends that
    waiter to the back of the line (long tail latencies under load)."""

    def __init__(
        self, engine: AsyncEngine, checkouts: asyncio.Semaphore, wait_seconds: float
    ) -> None:
        self._engine = engine
        self._checkouts = checkouts
        self._wait_seconds = wait_seconds
        self._conn: AsyncConnection | None = None

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            async with asyncio.timeout(self._wait_seconds):
                await self._checkouts.acquire()
            try:
                self._conn = await self._engine.connect()
            except BaseException:
                self._checkouts.release()
                raise
        return self._conn

    async def close(self) -> None:
        """Give the connection back to the pool (nothing to do when none was taken)."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                async with _database_work():
                    await conn.close()
            finally:
                self._checkouts.release()

    async def page(self, *, limit: int, offset: int) -> tuple[list[Item], int]:
        """One page in insertion order and the total: one statement, and a count alone
        when the page is empty."""
        async with _database_work():
            conn = await self._connection()
            rows = (await conn.execute(_PAGE, {"limit": limit, "offset": offset})).all()
            if rows:
                return [_item(row) for row in rows], rows[0].total
            return [], (await conn.execute(_COUNT)).scalar_one()

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
        async with _database_work():
            conn = await self._connection()
            await conn.execute(
                _INSERT,
                {
                    "id": item.id,
                    "name": item.name,
                    "quantity": item.quantity,
                    "tags": list(item.tags),
                    "created_at": now,
                    "updated_at": now,
                },
            )
        return item

    async def get(self, item_id: str) -> Item | None:
        async with _database_work():
            conn = await self._connection()
            row = (await conn.execute(_GET, {"item_id": item_id})).first()
        return None if row is None else _item(row)

    async def replace(self, item_id: str, data: ItemIn) -> Item | None:
        """Replace the fields, keeping seq, id and created_at; None when unknown."""
        values = {"name": data.name, "quantity": data.quantity, "tags": list(data.tags)}
        async with _database_work():
            conn = await self._connection()
            row = (
                await conn.execute(_REPLACE, {**values, "item_id": item_id, "now": utc_now()})
            ).first()
        if row is None:
            return None
        return Item(id=item_id, **values, created_at=row.created_at, updated_at=row.updated_at)

    async def delete(self, item_id: str) -> bool:
        async with _database_work():
            conn = await self._connection()
            result = await conn.execute(_DELETE, {"item_id": item_id})
        return bool(result.rowcount)
