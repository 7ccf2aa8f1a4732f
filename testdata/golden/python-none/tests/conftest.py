import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from golden_app.app import create_app
from golden_app.settings import Settings

PACKAGE = "golden_app"


@pytest.fixture(autouse=True)
def hermetic_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test, and every server it starts, reads only the settings it sets itself:
    none from the shell's environment, and no .env (the working directory is empty)."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings() -> Settings:
    return Settings(body_limit_bytes=1024)


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
def start() -> Iterator[Start]:
    """Start the real server (`python -m <package>`, PORT=0): the process and its port."""
    processes: list[subprocess.Popen[str]] = []

    def start(**env: str) -> tuple[subprocess.Popen[str], int]:
        process = subprocess.Popen(
            [sys.executable, "-m", PACKAGE],
            env={**os.environ, "HOST": "127.0.0.1", "PORT": "0", **env},
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
