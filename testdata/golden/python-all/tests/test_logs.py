import json
import logging

import pytest
from fastapi.testclient import TestClient

from golden_app.logs import JsonFormatter


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


def test_one_access_line_per_request_without_body(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client.post(
        "/v1/items",
        json={"name": "secret-name", "quantity": 1},
        headers={"x-request-id": "req-1"},
    )
    records = [r for r in caplog.records if r.name.endswith(".access")]
    assert len(records) == 1
    entry = json.loads(JsonFormatter().format(records[0]))
    assert entry["method"] == "POST"
    assert entry["path"] == "/v1/items"
    assert entry["status"] == 201
    assert entry["request_id"] == "req-1"
    assert isinstance(entry["duration_ms"], float)
    assert "secret-name" not in caplog.text
