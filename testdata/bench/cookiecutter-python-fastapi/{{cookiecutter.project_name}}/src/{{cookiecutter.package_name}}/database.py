"""The database: DATABASE_URL's forms, the pooled async engine, one store per request,
the readiness query and the migrations (Alembic, in-process)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import event, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .sql_storage import SqlItemStore, is_missing_table, items
from .storage import StorageUnavailable

logger = logging.getLogger(__name__)

# Connections the pool keeps at most.
POOL_SIZE = 10

# How long a write waits for another connection's write to finish before it fails.
BUSY_TIMEOUT_MS = 2000
# How long a request waits for a free pooled connection before it fails (503).
POOL_TIMEOUT_SECONDS = 5
# The most /readyz waits for its query.
READY_TIMEOUT_SECONDS = 2
# How the docs and the log name the migrate command.
MIGRATE_COMMAND = ".venv/bin/alembic upgrade head"


def driver_url(database_url: str) -> URL:
    """The SQLAlchemy URL, with this project's async driver, of a DATABASE_URL the
    settings accepted (one of the contract's forms)."""
    return URL.create("sqlite+aiosqlite", database=database_url.removeprefix("sqlite:///"))


def create_engine(database_url: str) -> AsyncEngine:
    """The pooled engine of DATABASE_URL. It connects lazily: the app starts and listens
    even while the database is down."""
    url = driver_url(database_url)
    # The file's folder (data/ by default) is made when missing; a relative path is
    # resolved from the working directory. When it cannot be made, opening the file
    # fails later, like any outage (503s, /readyz unavailable).
    with contextlib.suppress(OSError):
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    # Autocommit: every statement of the store is atomic on its own (see SqlItemStore),
    # so a write holds the file's write lock only while it runs, never across the
    # await that hands its result back to the event loop.
    engine = create_async_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        isolation_level="AUTOCOMMIT",
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: object, _record: object) -> None:
        # Readers do not block the writer (write-ahead log), a writer waits for another
        # instead of failing at once, and a commit syncs the log, not every page.
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


class Database:
    """The engine of one process, and the queue of the requests waiting for one of its
    connections (see SqlItemStore)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.checkouts = asyncio.Semaphore(POOL_SIZE)
        self._available = True

    async def ready(self) -> bool:
        """Whether a one-row query on items succeeds within READY_TIMEOUT_SECONDS."""
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS), self.engine.connect() as conn:
                await conn.execute(select(items.c.seq).limit(1))
        except Exception as exc:  # any failure of the driver or the pool means not ready
            self.unavailable(exc)
            return False
        self.available()
        return True

    def unavailable(self, exc: BaseException) -> None:
        """Log the first failure of an outage (not each request's), without driver text
        beyond the exception's class, and name the migrate command when the table is missing."""
        if not self._available:
            return
        self._available = False
        if is_missing_table(exc):
            logger.warning(
                "database unavailable: the items table is missing; apply the migrations: %s",
                MIGRATE_COMMAND,
            )
        else:
            logger.warning("database unavailable: %s", type(exc).__name__)

    def available(self) -> None:
        if not self._available:
            self._available = True
            logger.info("database available")

    async def close(self) -> None:
        await self.engine.dispose()


async def item_store(request: Request) -> AsyncIterator[SqlItemStore]:
    """The items of one request (its connection, if it took one, goes back to the pool
    when the handler returns)."""
    database: Database = request.app.state.database
    store = SqlItemStore(database.engine, database.checkouts, POOL_TIMEOUT_SECONDS)
    try:
        yield store
        await store.close()  # here, so that a failure to give it back counts as an outage
    except StorageUnavailable as exc:
        database.unavailable(exc.__cause__ or exc)
        raise
    finally:
        await store.close()  # after any other failure (nothing to do once closed)
    database.available()


# The route parameter of the item routes: the request's store.
Store = Annotated[SqlItemStore, Depends(item_store, scope="function")]


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration without alembic.ini: the migrations ship inside the
    package (so the Docker image has them too); DATABASE_URL comes from the settings
    unless `database_url` is given."""
    config = Config()
    config.set_main_option("script_location", f"{__package__}:migrations")
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Apply the migrations up to `revision`. Runs its own event loop: call it before
    the server's starts."""
    command.upgrade(alembic_config(database_url), revision)


def migrate_down(database_url: str, revision: str = "base") -> None:
    """Undo the migrations down to `revision`."""
    command.downgrade(alembic_config(database_url), revision)
