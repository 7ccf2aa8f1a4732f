"""The database for real (a SQLite file per test): items survive a restart,
the migrations go down and up, an outage is a 503 problem and /readyz follows it."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.database import POOL_SIZE, Database, migrate, migrate_down
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.sql_storage import SqlItemStore, items
from {{ cookiecutter.package_name }}.storage import StorageUnavailable

Start = Callable[..., tuple[subprocess.Popen[str], int]]
PACKAGE = "{{ cookiecutter.package_name }}"
UNAVAILABLE = {
    "type": "about:blank",
    "title": "Service Unavailable",
    "status": 503,
    "detail": "The database is unavailable; try again later.",
}
ITEM = {"name": "bolt", "quantity": 2, "tags": ["steel"]}


def _request(port: int, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_items_survive_a_restart(start: Start) -> None:
    process, port = start()
    created = _request(port, "POST", "/v1/items", ITEM)
    _stop(process)

    process, port = start()
    assert _request(port, "GET", f"/v1/items/{created['id']}") == created
    assert _request(port, "GET", "/v1/items")["items"] == [created]
    _stop(process)


def test_two_apps_on_one_database_serve_the_same_items(settings: Settings) -> None:
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        created = one.post("/v1/items", json=ITEM).json()
        assert two.get(f"/v1/items/{created['id']}").json() == created
        replaced = two.put(f"/v1/items/{created['id']}", json={"name": "nut", "quantity": 1})
        assert one.get(f"/v1/items/{created['id']}").json() == replaced.json()


def test_a_list_is_one_statement_whatever_the_page(app: Any, client: TestClient) -> None:
    for i in range(30):
        assert client.post("/v1/items", json={"name": f"n{i}", "quantity": i}).status_code == 201
    statements: list[str] = []
    event.listen(
        app.state.database.engine.sync_engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    body = client.get("/v1/items", params={"limit": "25", "offset": "3"}).json()
    assert [item["name"] for item in body["items"]] == [f"n{i}" for i in range(3, 28)]
    assert body["total"] == 30
    assert len(statements) == 1, statements  # SELECT ..., (SELECT count(*)) ... LIMIT ... OFFSET
    # Past the end the page has no row to carry the total: a COUNT(*) follows.
    statements.clear()
    assert client.get("/v1/items", params={"offset": "30"}).json() == {
        "items": [],
        "total": 30,
        "limit": 20,
        "offset": 30,
    }
    assert len(statements) == 2, statements


def test_timestamps_read_back_to_the_millisecond(client: TestClient) -> None:
    created = client.post("/v1/items", json=ITEM).json()
    # Nothing is cached: the GET reads every value back from the database.
    assert client.get(f"/v1/items/{created['id']}").json() == created
    assert created["created_at"].endswith("Z") and len(created["created_at"]) == 24


def test_a_replace_never_dates_updated_at_before_created_at(app: Any, client: TestClient) -> None:
    created = client.post("/v1/items", json=ITEM).json()
    ahead = datetime(2999, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)

    async def created_later_than_now() -> None:  # as after the clock went back
        async with app.state.database.engine.connect() as conn:
            await conn.execute(
                update(items).where(items.c.id == created["id"]).values(created_at=ahead)
            )

    assert client.portal is not None
    client.portal.call(created_later_than_now)
    replaced = client.put(f"/v1/items/{created['id']}", json={"name": "nut", "quantity": 1})
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["created_at"] == body["updated_at"] == "2999-01-02T03:04:05.678Z"
    assert client.get(f"/v1/items/{created['id']}").json() == body


def test_requests_wait_for_a_connection_in_turn_and_not_for_ever(database_url: str) -> None:
    async def scenario() -> None:
        database = Database(database_url)
        try:
            holders = [
                SqlItemStore(database.engine, database.checkouts, 1) for _ in range(POOL_SIZE)
            ]
            for store in holders:  # each keeps its connection until closed
                assert await store.page(limit=1, offset=0) == ([], 0)
            with pytest.raises(StorageUnavailable):  # the pool is taken: a 503 in time
                await SqlItemStore(database.engine, database.checkouts, 0.1).page(limit=1, offset=0)
            served: list[int] = []

            async def waiter(n: int) -> None:
                store = SqlItemStore(database.engine, database.checkouts, 5)
                await store.page(limit=1, offset=0)
                served.append(n)
                await store.close()

            waiters = [asyncio.create_task(waiter(n)) for n in range(3)]
            await asyncio.sleep(0.05)
            assert served == []
            await holders.pop().close()  # one connection, taken in turn
            await asyncio.wait_for(asyncio.gather(*waiters), 5)
            assert served == [0, 1, 2]
            for store in holders:
                await store.close()
        finally:
            await database.close()

    asyncio.run(scenario())


def _assert_unavailable(client: TestClient) -> None:
    """Every operation that needs the database is the 503 problem; what is decided
    before any database work is answered as usual."""
    some_id = str(uuid.uuid4())
    for method, path, body in [
        ("GET", "/v1/items", None),
        ("POST", "/v1/items", ITEM),
        ("GET", f"/v1/items/{some_id}", None),
        ("PUT", f"/v1/items/{some_id}", ITEM),
        ("DELETE", f"/v1/items/{some_id}", None),
    ]:
        response = client.request(method, path, json=body)
        assert response.status_code == 503, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert {k: problem[k] for k in UNAVAILABLE} == UNAVAILABLE
        assert problem["instance"] == path
        assert set(problem) == {*UNAVAILABLE, "instance", "request_id"}
    assert client.post("/v1/items", json={"name": ""}).status_code == 422
    assert client.put(f"/v1/items/{some_id}", json={"name": 1}).status_code == 422
    # Only the lower-case UUID v4 the server makes is an id; any other is unknown at once.
    for other in [
        "not-a-uuid",
        "ABCDEF00-0000-4000-8000-000000000000",
        "00000000-0000-0000-0000-000000000000",
    ]:
        assert client.get(f"/v1/items/{other}").status_code == 404, other
    assert client.get("/v1/items", params={"limit": "0"}).status_code == 422
    assert client.get("/livez").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("where", ["a folder", "under a file"])
def test_unopenable_file_is_503_and_readyz_unavailable(tmp_path: Path, where: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("")
    path = tmp_path / "folder" if where == "a folder" else tmp_path / "file" / "app.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}"))) as client:
        _assert_unavailable(client)


def test_migrations_down_up_and_readyz_follows(settings: Settings) -> None:
    """Without the table the app answers as if the database were down, and recovers,
    without a restart, once the migrations are applied again."""
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        client.post("/v1/items", json=ITEM)
        try:
            migrate_down(settings.database_url)
            _assert_unavailable(client)
        finally:
            migrate(settings.database_url)
        response = client.get("/readyz")
        assert (response.status_code, response.json()) == (200, {"status": "ready"})
        assert client.get("/v1/items").json()["total"] == 0  # down dropped the table
        assert client.post("/v1/items", json=ITEM).status_code == 201
        # Up is a no-op once at head; down then up again leaves a working table.
        migrate(settings.database_url)
        migrate_down(settings.database_url)
        migrate(settings.database_url)
        assert client.get("/v1/items").json()["total"] == 0


def _run_server(**env: str) -> subprocess.CompletedProcess[str]:
    """Run the server expecting it to stop on its own (before listening)."""
    return subprocess.run(
        [sys.executable, "-m", PACKAGE],
        env={**os.environ, "HOST": "127.0.0.1", "PORT": "0", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_alembic_command_line_migrates_and_logs_plainly(database_url: str) -> None:
    """The README's command, as a user runs it from the project folder: it reads
    alembic.ini (whose log format fileConfig takes raw) and DATABASE_URL."""
    migrate_down(database_url)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "INFO  [alembic.runtime.migration] Running upgrade  -> 0001" in result.stderr
    assert "%(" not in result.stderr


def test_migrate_on_start_applies_the_migrations(start: Start, database_url: str) -> None:
    migrate_down(database_url)
    process, port = start(MIGRATE_ON_START="yes")
    created = _request(port, "POST", "/v1/items", ITEM)
    assert _request(port, "GET", f"/v1/items/{created['id']}") == created
    _stop(process)


def test_without_migrate_on_start_the_log_names_the_migrate_command(
    start: Start, database_url: str
) -> None:
    migrate_down(database_url)
    try:
        process, port = start()
        with pytest.raises(urllib.error.HTTPError) as caught:
            _request(port, "GET", "/readyz")
        assert caught.value.code == 503
        _stop(process)
        assert process.stdout is not None
        assert "alembic upgrade head" in process.stdout.read()
    finally:
        migrate(database_url)


def test_migrate_on_start_failure_stops_the_start(tmp_path: Any) -> None:
    (tmp_path / "file").write_text("")
    url = f"sqlite:///{tmp_path / 'file' / 'app.db'}"
    result = _run_server(DATABASE_URL=url, MIGRATE_ON_START="1")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "MIGRATE_ON_START" in lines[0]
    assert "listening" not in result.stdout
