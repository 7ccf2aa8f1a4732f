import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.database import create_engine, migrate
from {{ cookiecutter.package_name }}.settings import Settings

PACKAGE = "{{ cookiecutter.package_name }}"


@pytest.fixture(autouse=True)
def hermetic_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test, and every server it starts, reads only the settings it sets itself:
    none from the shell's environment, and no .env (the working directory is empty)."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


def execute(database_url: str, statement: str) -> None:
    """Run one SQL statement on the database at `database_url`, in its own transaction."""

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run, which each test copies."""
    path = tmp_path_factory.mktemp("migrated") / "app.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_database: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite file of this test's own (never the project's data/)."""
    path = tmp_path / "test-data" / "app.db"
    path.parent.mkdir()
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        body_limit_bytes=1024,
        database_url=database_url,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # As a context manager, so that the app's lifespan runs.
    with TestClient(app) as client:
        yield client


@pytest.fixture
def item(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/items", json={"name": "widget", "quantity": 3, "tags": ["a"]})
    assert response.status_code == 201
    item: dict[str, Any] = response.json()
    return item


Start = Callable[..., tuple[subprocess.Popen[str], int]]


@pytest.fixture
def start(database_url: str) -> Iterator[Start]:
    """Start the real server (`python -m <package>`, PORT=0) on the test database unless
    `env` names another: the process and its port."""
    processes: list[subprocess.Popen[str]] = []

    def start(**env: str) -> tuple[subprocess.Popen[str], int]:
        process = subprocess.Popen(
            [sys.executable, "-m", PACKAGE],
            env={
                **os.environ,
                "HOST": "127.0.0.1",
                "PORT": "0",
                "DATABASE_URL": database_url,
                **env,
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        # A server that never logs "listening" is killed, so the test fails, not hangs.
        watchdog = threading.Timer(20, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                entry = json.loads(line)
                if entry["msg"] == "listening":
                    return process, entry["port"]
        finally:
            watchdog.cancel()
        pytest.fail(f"the server exited with {process.wait()} before listening")

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
