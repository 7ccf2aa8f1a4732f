import json
import logging
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.logs import JsonFormatter, utc_timestamp
from {{ cookiecutter.package_name }}.middleware import new_request_id


def test_formatter_writes_one_json_line() -> None:
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "INFO", "msg": "hello\nworld", "port": 1, "created": 0}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "1970-01-01T00:00:00.000Z",
        "level": "info",
        "logger": "x",
        "msg": "hello\nworld",
        "port": 1,
    }


def test_utc_timestamp() -> None:
    assert utc_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert utc_timestamp(1_700_000_000.0429) == "2023-11-14T22:13:20.042Z"
    assert utc_timestamp(1_700_000_001.999) == "2023-11-14T22:13:21.999Z"


def test_new_request_id_is_a_uuid4() -> None:
    for _ in range(1000):
        request_id = new_request_id()
        assert re.fullmatch(r"[0-9a-f-]{36}", request_id)
        assert str(uuid.UUID(request_id)) == request_id
        assert uuid.UUID(request_id).version == 4
        assert uuid.UUID(request_id).variant == uuid.RFC_4122


def _access_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [e for e in entries if e["logger"].endswith(".access")]


def test_one_access_line_per_request_without_body(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    client.post(
        "/v1/items",
        json={"name": "secret-name", "quantity": 1},
        headers={"x-request-id": "req-1"},
    )
    [entry] = _access_lines(capsys)
    assert entry["level"] == "info"
    assert entry["msg"] == "request"
    assert entry["method"] == "POST"
    assert entry["path"] == "/v1/items"
    assert entry["status"] == 201
    assert entry["request_id"] == "req-1"
    assert isinstance(entry["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
    assert "secret-name" not in json.dumps(entry)


def test_access_line_escapes_the_path(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    client.get("/caf%C3%A9%0A%22")
    out = capsys.readouterr().out
    assert out.isascii()
    [entry] = [json.loads(line) for line in out.splitlines()]
    # The path as sent, percent-encoding kept (as the problems' instance).
    assert entry["path"] == "/caf%C3%A9%0A%22"
    assert entry["status"] == 404


def test_no_access_line_above_info(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.WARNING)
    assert client.get("/livez").status_code == 200
    assert _access_lines(capsys) == []
