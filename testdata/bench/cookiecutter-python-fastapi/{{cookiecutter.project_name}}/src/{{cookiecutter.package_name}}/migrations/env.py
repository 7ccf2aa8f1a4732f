"""Alembic's environment: runs the migrations on the app's async engine. DATABASE_URL
comes from the app's settings (environment and .env), or from the caller
(database.migrate passes it in the configuration's attributes)."""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from {{ cookiecutter.package_name }}.database import create_engine
from {{ cookiecutter.package_name }}.settings import SettingsError, load_settings
from {{ cookiecutter.package_name }}.sql_storage import metadata


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


async def _run(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate)
            await connection.commit()
    finally:
        await engine.dispose()


def main() -> None:
    if context.config.config_file_name is not None:  # the command line: alembic.ini's logging
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported: run them on a database")
    database_url = context.config.attributes.get("database_url")
    if database_url is None:
        try:
            database_url = load_settings().database_url
        except SettingsError as exc:
            raise SystemExit(str(exc)) from None
    asyncio.run(_run(database_url))


main()
