import json
import re
import uuid
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_create_returns_item_and_location(client: TestClient) -> None:
    response = client.post("/v1/items", json={"name": "  bolt  ", "quantity": 0})
    assert response.status_code == 201
    item = response.json()
    assert set(item) == {"id", "name", "quantity", "tags", "created_at", "updated_at"}
    assert uuid.UUID(item["id"]).version == 4
    assert item["id"] == item["id"].lower()
    assert item["name"] == "bolt"
    assert item["quantity"] == 0
    assert item["tags"] == []
    assert TIMESTAMP.fullmatch(item["created_at"])
    assert item["updated_at"] == item["created_at"]
    assert response.headers["location"] == f"/v1/items/{item['id']}"
    assert response.headers["content-type"] == "application/json"


def test_get_returns_item(client: TestClient, item: dict[str, Any]) -> None:
    response = client.get(f"/v1/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


def test_put_replaces_and_keeps_created_at(client: TestClient, item: dict[str, Any]) -> None:
    response = client.put(f"/v1/items/{item['id']}", json={"name": "gadget", "quantity": 1000000})
    assert response.status_code == 200
    replaced = response.json()
    assert replaced["id"] == item["id"]
    assert replaced["name"] == "gadget"
    assert replaced["quantity"] == 1000000
    assert replaced["tags"] == []
    assert replaced["created_at"] == item["created_at"]
    assert replaced["updated_at"] >= item["created_at"]
    assert client.get(f"/v1/items/{item['id']}").json() == replaced


def test_delete_then_gone(client: TestClient, item: dict[str, Any]) -> None:
    response = client.delete(f"/v1/items/{item['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/v1/items/{item['id']}").status_code == 404
    assert client.delete(f"/v1/items/{item['id']}").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("item_id", [str(uuid.uuid4()), "not-a-uuid", "123"])
def test_unknown_id_is_404(client: TestClient, method: str, item_id: str) -> None:
    # A PUT with an invalid body still gets 404 first.
    response = client.request(method, f"/v1/items/{item_id}", json={"bogus": True})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == f"/v1/items/{item_id}"


def test_list_in_insertion_order_with_paging(client: TestClient) -> None:
    ids = [
        client.post("/v1/items", json={"name": f"n{i}", "quantity": i}).json()["id"]
        for i in range(5)
    ]
    body = client.get("/v1/items").json()
    assert [i["id"] for i in body["items"]] == ids
    assert (body["total"], body["limit"], body["offset"]) == (5, 20, 0)

    body = client.get("/v1/items", params={"limit": "2", "offset": "1"}).json()
    assert [i["id"] for i in body["items"]] == ids[1:3]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)

    body = client.get("/v1/items", params={"limit": "0100", "offset": "9007199254740991"}).json()
    assert body["items"] == []
    assert (body["limit"], body["offset"]) == (100, 9007199254740991)

    body = client.get("/v1/items", params={"limit": "100", "offset": "10"}).json()
    assert body["items"] == []
    assert body["total"] == 5


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=1.5", "limit"),
        ("limit=abc", "limit"),
        ("limit=", "limit"),
        ("limit=+5", "limit"),
        ("offset=-5", "offset"),
        ("offset=1e3", "offset"),
        ("offset=9007199254740992", "offset"),
        ("offset=" + "9" * 5000, "offset"),
        ("limit=%EF%BC%95", "limit"),  # a full-width digit five
    ],
)
def test_bad_paging_is_422(client: TestClient, query: str, name: str) -> None:
    response = client.get(f"/v1/items?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["in"], e["pointer"]) for e in errors] == [("query", name)]
    assert errors[0]["message"]


def _pointers(response: httpx2.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Unprocessable Content"
    assert all(e["in"] == "body" and e["message"] for e in body["errors"])
    return [e["pointer"] for e in body["errors"]]


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"name": "x", "quantity": "5"}, ["/quantity"]),
        ({"name": "x", "quantity": True}, ["/quantity"]),
        ({"name": "x", "quantity": None}, ["/quantity"]),
        ({"name": "x", "quantity": 5.5}, ["/quantity"]),
        ({"name": "x", "quantity": -1}, ["/quantity"]),
        ({"name": "x", "quantity": 1000001}, ["/quantity"]),
        ({"name": "x"}, ["/quantity"]),
        ({"quantity": 1}, ["/name"]),
        ({"name": "   ", "quantity": 1}, ["/name"]),
        ({"name": "", "quantity": 1}, ["/name"]),
        ({"name": 5, "quantity": 1}, ["/name"]),
        ({"name": "x" * 101, "quantity": 1}, ["/name"]),
        ({"name": "x", "quantity": 1, "tags": ["ok", ""]}, ["/tags/1"]),
        ({"name": "x", "quantity": 1, "tags": ["ok", 7]}, ["/tags/1"]),
        ({"name": "x", "quantity": 1, "tags": ["t" * 33]}, ["/tags/0"]),
        ({"name": "x", "quantity": 1, "tags": ["t"] * 11}, ["/tags"]),
        ({"name": "a\u0000b", "quantity": 1}, ["/name"]),
        ({"name": "x", "quantity": 1, "tags": ["ok", "\u0000"]}, ["/tags/1"]),
        ({"name": "x", "quantity": 1, "tags": "a"}, ["/tags"]),
        ({"name": "x", "quantity": 1, "tags": None}, ["/tags"]),
        ({"name": "x", "quantity": 1, "id": "mine"}, ["/id"]),
        ({"name": "x", "quantity": 1, "a/b~c": 1}, ["/a~1b~0c"]),
        ([], [""]),
        ("text", [""]),
        (None, [""]),
    ],
)
def test_invalid_body_is_422(client: TestClient, body: object, pointers: list[str]) -> None:
    content = json.dumps(body)
    headers = {"content-type": "application/json"}
    assert _pointers(client.post("/v1/items", content=content, headers=headers)) == pointers


def test_invalid_put_body_is_422(client: TestClient, item: dict[str, Any]) -> None:
    response = client.put(f"/v1/items/{item['id']}", json={"name": "x", "quantity": "1"})
    assert _pointers(response) == ["/quantity"]


def test_lengths_are_code_points(client: TestClient) -> None:
    name = "\U0001f600" * 100  # 100 code points, 400 bytes in UTF-8
    response = client.post("/v1/items", json={"name": name, "quantity": 1, "tags": ["é" * 32]})
    assert response.status_code == 201
    assert response.json()["name"] == name
    response = client.post("/v1/items", json={"name": name + "x", "quantity": 1})
    assert _pointers(response) == ["/name"]


def test_limits_are_inclusive(client: TestClient) -> None:
    body = {"name": "x" * 100, "quantity": 1000000, "tags": ["t" * 32] * 10}
    assert client.post("/v1/items", json=body).status_code == 201
