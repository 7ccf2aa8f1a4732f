"""GET /openapi.json serves the contract's document (src/<package>/openapi.json, the same
bytes in every stack), and FastAPI's document of the routes must be equivalent to it.

Equivalent means: the same paths, methods and status codes; for each operation the same
parameters (name, in, required, schema) and request body schema; for each response the
same media types and schemas. Schemas are compared after resolving $ref, as JSON
Schema keywords. Ignored: prose (title, summary, description), operationId and tags,
response headers (not in FastAPI's document; the conformance corpus checks them), the
per-status constants a problem response adds to the Problem schema (type, title,
status), `type` beside `const` or `enum`, and the WebSocket path, which FastAPI does not
describe."""

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

# The contract's document ships as package data (src/<package>/openapi.json).
CONTRACT = next((Path(__file__).resolve().parent.parent / "src").glob("*/openapi.json"))
PROSE = {"title", "summary", "description", "examples"}
WEBSOCKET_PATHS = {"/v1/ws/echo"}


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """`node` with every $ref replaced by what it points to, and prose dropped."""
    if isinstance(node, list):
        return [_resolve(document, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(document, target)
    out = {key: _resolve(document, value) for key, value in node.items() if key not in PROSE}
    if "const" in out or "enum" in out:
        out.pop("type", None)
    if "required" in out and isinstance(out["required"], list):
        out["required"] = sorted(out["required"])
    # A problem response: the Problem schema, narrowed by constants per status.
    if list(out.get("allOf", ())) and set(out) == {"allOf", "properties"}:
        [out] = out["allOf"]
    return out


def _operations(document: dict[str, Any]) -> dict[str, Any]:
    """method and path -> what equivalence compares of the operation."""
    out: dict[str, Any] = {}
    for path, item in document["paths"].items():
        if path in WEBSOCKET_PATHS:
            continue
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = {
                (p["in"], p["name"]): (p.get("required", False), p["schema"])
                for p in _resolve(document, [*shared, *operation.get("parameters", [])])
            }
            body = _resolve(document, operation.get("requestBody", {}))
            responses = {
                status: {
                    media: content.get("schema")
                    for media, content in _resolve(document, response).get("content", {}).items()
                }
                for status, response in operation["responses"].items()
            }
            out[f"{method.upper()} {path}"] = {
                "parameters": parameters,
                "requestBody": {
                    media: content.get("schema")
                    for media, content in body.get("content", {}).items()
                },
                "required": body.get("required", False),
                "responses": responses,
            }
    return out


def test_fastapis_document_is_equivalent_to_the_contracts(app: FastAPI) -> None:
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    ours, theirs = _operations(app.openapi()), _operations(contract)
    assert sorted(ours) == sorted(theirs)
    for operation, expected in theirs.items():
        actual = ours[operation]
        assert sorted(actual["responses"]) == sorted(expected["responses"]), operation
        for part in ("parameters", "requestBody", "required", "responses"):
            assert actual[part] == expected[part], f"{operation}: {part}"


def test_the_document_is_served_with_the_contract_headers(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["cache-control"] == "no-store"
    # The contract's document itself, byte for byte, as every stack serves it.
    assert response.content == CONTRACT.read_bytes()
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    assert "/v1/items/{id}" in document["paths"]
    head = client.head("/openapi.json")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]


def test_no_docs_pages(client: TestClient) -> None:
    # /docs would need scripts the contract's Content-Security-Policy forbids.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
