import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

BODY_LIMIT = 1024  # as set in conftest.py

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
JSON = {"content-type": "application/json"}


def _problem(response: httpx2.Response, status: int, title: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == "about:blank"
    assert body["title"] == title
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def _padded(size: int) -> bytes:
    """A valid item body of exactly `size` bytes."""
    head = b'{"name":"x","quantity":1}'
    return head[:-1] + b" " * (size - len(head)) + b"}"


def test_unknown_path_is_404(client: TestClient) -> None:
    body = _problem(client.get("/nope"), 404, "Not Found")
    assert body["instance"] == "/nope"
    _problem(client.get("/v1/items/"), 404, "Not Found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/v1/items", "GET, POST"),
        ("DELETE", "/v1/items", "GET, POST"),
        ("POST", f"/v1/items/{uuid.uuid4()}", "GET, PUT, DELETE"),
        ("PATCH", "/v1/items/anything", "GET, PUT, DELETE"),
        ("DELETE", "/livez", "GET"),
    ],
)
def test_wrong_method_is_405_with_allow(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path, content=b"{}", headers=JSON)
    body = _problem(response, 405, "Method Not Allowed")
    assert body["instance"] == path
    assert response.headers["allow"] == allow


def test_body_at_limit_is_accepted(client: TestClient) -> None:
    response = client.post("/v1/items", content=_padded(BODY_LIMIT), headers=JSON)
    assert response.status_code == 201


def test_body_over_limit_is_413(client: TestClient) -> None:
    response = client.post("/v1/items", content=_padded(BODY_LIMIT + 1), headers=JSON)
    _problem(response, 413, "Content Too Large")


def test_chunked_body_over_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name":"x",'
        yield b" " * BODY_LIMIT
        yield b'"quantity":1}'

    response = client.post("/v1/items", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    _problem(response, 413, "Content Too Large")


def test_chunked_body_at_limit_is_accepted(client: TestClient) -> None:
    body = _padded(BODY_LIMIT)
    response = client.post("/v1/items", content=iter([body[:10], body[10:]]), headers=JSON)
    assert response.status_code == 201


def test_413_comes_before_415_and_404(client: TestClient) -> None:
    big = b"x" * (BODY_LIMIT + 1)
    _problem(client.post("/v1/items", content=big), 413, "Content Too Large")
    _problem(client.put("/v1/items/nope", content=big), 413, "Content Too Large")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_non_json_content_type_is_415(client: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/v1/items", content=b'{"name":"x","quantity":1}', headers=headers)
    _problem(response, 415, "Unsupported Media Type")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
    ],
)
def test_json_content_types_are_accepted(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/v1/items", content=b'{"name":"x","quantity":1}', headers={"content-type": content_type}
    )
    assert response.status_code == 201


def test_404_and_405_come_before_415(client: TestClient) -> None:
    # 415 and 400 belong to the routes that take JSON; other paths and methods never
    # look at the body (only its size).
    _problem(client.put("/v1/items"), 405, "Method Not Allowed")
    _problem(client.post(f"/v1/items/{uuid.uuid4()}", content=b"{"), 405, "Method Not Allowed")
    _problem(
        client.post("/nope", content=b"{", headers={"content-type": "text/plain"}), 404, "Not Found"
    )


def test_415_comes_before_400_and_404(client: TestClient, item: dict[str, Any]) -> None:
    _problem(client.put(f"/v1/items/{item['id']}", content=b"{"), 415, "Unsupported Media Type")
    _problem(client.put("/v1/items/nope", content=b"{"), 415, "Unsupported Media Type")


@pytest.mark.parametrize(
    "content", [b"{", b"", b"{'a': 1}", b"NaN", b'{"name": "\\ud800"}', b"\xff"]
)
def test_malformed_json_is_400(client: TestClient, content: bytes) -> None:
    _problem(client.post("/v1/items", content=content, headers=JSON), 400, "Bad Request")


def test_400_comes_before_404_and_404_before_422(client: TestClient) -> None:
    missing = f"/v1/items/{uuid.uuid4()}"
    _problem(client.put(missing, content=b"{", headers=JSON), 400, "Bad Request")
    _problem(client.put(missing, content=b"[]", headers=JSON), 404, "Not Found")


def test_unexpected_error_is_500_without_internals(app: FastAPI, client: TestClient) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    body = _problem(response, 500, "Internal Server Error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["instance"] == "/boom"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/livez", None),
        ("GET", "/nope", None),
        ("POST", "/v1/items", {"name": "x", "quantity": 1}),
        ("POST", "/v1/items", {"bad": 1}),
        ("PATCH", "/v1/items", None),
    ],
)
def test_headers_on_every_response(
    client: TestClient, method: str, path: str, body: object
) -> None:
    content = json.dumps(body).encode() if body is not None else None
    response = client.request(method, path, content=content, headers=JSON)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert uuid.UUID(response.headers["x-request-id"]).version == 4
    assert "server" not in response.headers
    assert "x-powered-by" not in response.headers


def test_delete_has_headers_and_no_body(client: TestClient, item: dict[str, Any]) -> None:
    response = client.delete(f"/v1/items/{item['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("request_id", ["abc", "A.b_c-9", "x" * 128])
def test_valid_request_id_is_echoed(client: TestClient, request_id: str) -> None:
    response = client.get("/livez", headers={"x-request-id": request_id})
    assert response.headers["x-request-id"] == request_id


@pytest.mark.parametrize("request_id", ["", "x" * 129, "has space", "semi;colon", "é"])
def test_invalid_request_id_is_replaced(client: TestClient, request_id: str) -> None:
    response = client.get("/nope", headers={b"x-request-id": request_id.encode()})
    generated = response.headers["x-request-id"]
    assert generated != request_id
    assert uuid.UUID(generated).version == 4
    assert response.json()["request_id"] == generated
