"""The contract's readings where it had to choose (docs/contract.md, "Readings"), one
test each; the conformance corpus of stackpick checks the same against both stacks."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings

JSON = {"content-type": "application/json"}


@pytest.fixture
def roomy(database_url: str) -> Iterator[TestClient]:
    """A client of the app with the default body limit, for bodies over 1024 bytes."""
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def _post(client: TestClient, body: bytes | str, **headers: str) -> Any:
    return client.post("/v1/items", content=body, headers={**JSON, **headers})


def _pointers(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["pointer"] for error in response.json()["errors"]]


# Routing


@pytest.mark.parametrize("path", ["/livez/", "/v1/items/", "/V1/ITEMS", "/LIVEZ", "/v1/ws/echo"])
def test_routing_is_exact(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_upper_case_id_is_unknown(client: TestClient, item: dict[str, Any]) -> None:
    assert client.get(f"/v1/items/{item['id'].upper()}").status_code == 404


@pytest.mark.parametrize("path", ["/livez", "/readyz", "/v1/items", "/openapi.json"])
def test_head_wherever_get(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "content-security-policy"):
        assert head.headers[name] == get.headers[name]


def test_head_of_an_item_and_of_an_unknown_one(client: TestClient, item: dict[str, Any]) -> None:
    assert client.head(f"/v1/items/{item['id']}").status_code == 200
    unknown = client.head("/v1/items/nope")
    assert unknown.status_code == 404
    assert unknown.content == b""


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/livez", "GET"),
        ("DELETE", "/openapi.json", "GET"),
        ("PATCH", "/v1/items", "GET, POST"),
        ("PATCH", "/v1/items/x", "GET, PUT, DELETE"),
    ],
)
def test_allow_lists_every_method(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


# Integers have JSON Schema's meaning


@pytest.mark.parametrize(
    ("text", "stored"), [("924.0", 924), ("1e3", 1000), ("-0", 0), ("0.0e5", 0), ("10E-1", 1)]
)
def test_whole_numbers_are_integers(client: TestClient, text: str, stored: int) -> None:
    response = _post(client, '{"name":"n","quantity":' + text + "}")
    assert response.status_code == 201, response.text
    assert response.json()["quantity"] == stored


@pytest.mark.parametrize(
    "text", ["5.5", "1e-1", "1e400", "-1e400", "1" + "0" * 5000, "-" + "9" * 5000, "1000001.0"]
)
def test_other_numbers_are_422_at_quantity(roomy: TestClient, text: str) -> None:
    assert _pointers(_post(roomy, '{"name":"n","quantity":' + text + "}")) == ["/quantity"]


# Trimming: ECMAScript's trim()


def test_name_and_tags_are_stored_trimmed(client: TestClient) -> None:
    body = {"name": "\ufeff\u3000 widget \t\n", "quantity": 1, "tags": ["  a  ", "\u00a0b"]}
    response = client.post("/v1/items", json=body)
    assert response.status_code == 201
    assert response.json()["name"] == "widget"
    assert response.json()["tags"] == ["a", "b"]


def test_lengths_count_after_trimming(client: TestClient) -> None:
    body = {"name": "  " + "x" * 100 + "  ", "quantity": 1, "tags": [" " + "t" * 32 + " "]}
    assert client.post("/v1/items", json=body).status_code == 201


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "\ufeff", "quantity": 1}, "/name"),
        ({"name": " \u2028 ", "quantity": 1}, "/name"),
        ({"name": "n", "quantity": 1, "tags": ["   "]}, "/tags/0"),
    ],
)
def test_only_whitespace_is_422(client: TestClient, body: dict[str, Any], pointer: str) -> None:
    assert _pointers(client.post("/v1/items", json=body)) == [pointer]


def test_python_only_whitespace_is_kept(client: TestClient) -> None:
    # str.strip() would remove U+0085 and U+001F; ECMAScript's trim() does not.
    response = client.post("/v1/items", json={"name": "\u0085x\u001f", "quantity": 1})
    assert response.status_code == 201
    assert response.json()["name"] == "\u0085x\u001f"


# Query parameters


@pytest.mark.parametrize(
    "query",
    [
        "limit=1&limit=2",
        "offset=1&offset=1",
        "limit=",
        "limit=%2B5",
        "limit=+5",
        "limit=%205",
        "limit=1e1",
        "limit=1.0",
        "limit=0",
        "limit=101",
        "limit=%D9%A5",  # an Arabic-Indic five: a digit to str.isdigit, not to the contract
        "offset=-1",
        "offset=9007199254740992",
        "offset=" + "9" * 5000,
    ],
)
def test_bad_query_values_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/items?{query}")
    assert response.status_code == 422, query
    [error] = response.json()["errors"]
    assert error["in"] == "query"
    assert error["pointer"] == query.partition("=")[0]


def test_query_values_read_as_decimal(client: TestClient) -> None:
    page = client.get("/v1/items?limit=05&offset=9007199254740991&unknown=x&unknown=y")
    assert page.status_code == 200
    assert (page.json()["limit"], page.json()["offset"]) == (5, 2**53 - 1)


# Bodies


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"name":"n","quantity":1}',
        b'{"name":"\\ud800","quantity":1}',
        b'{"name":"\xff","quantity":1}',
        b"",
        b'{"name":"n","quantity":NaN}',
        b"[" * 5000,
        b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
)
def test_malformed_bodies_are_400(roomy: TestClient, body: bytes) -> None:
    response = _post(roomy, body)
    assert response.status_code == 400
    assert response.json()["title"] == "Bad Request"


def test_json_nested_deeper_than_pythons_parser_is_still_json(roomy: TestClient) -> None:
    # Valid JSON, not an object: 422 at "", as for any other array.
    assert _pointers(_post(roomy, b"[" * 5000 + b"]" * 5000)) == [""]


@pytest.mark.parametrize("encoding", ["gzip", "identity", "br"])
def test_any_content_encoding_is_415(client: TestClient, encoding: str) -> None:
    body = b'{"name":"n","quantity":1}'
    assert _post(client, body, **{"content-encoding": encoding}).status_code == 415


def test_media_types_compare_case_insensitively(client: TestClient) -> None:
    response = client.post(
        "/v1/items",
        content=b'{"name":"n","quantity":1}',
        headers={"content-type": "Application/JSON; Charset=UTF-8"},
    )
    assert response.status_code == 201


def test_the_last_of_a_repeated_key_wins(client: TestClient) -> None:
    response = _post(client, b'{"name":"first","name":"last","quantity":1}')
    assert response.status_code == 201
    assert response.json()["name"] == "last"


def test_an_unknown_id_is_404_before_the_body_is_validated(client: TestClient) -> None:
    response = client.put("/v1/items/nope", json={"quantity": "many"})
    assert response.status_code == 404
    # ... but a malformed body comes first (413, 415, 400, 404, 422).
    assert client.put("/v1/items/nope", content=b"{", headers=JSON).status_code == 400


# Problems


@pytest.mark.parametrize(
    ("target", "instance"),
    [
        ("/v1/items%3Flimit=5", "/v1/items%3Flimit=5"),
        ("/v1/items/%00", "/v1/items/%00"),
        ("/v1/items/%3Cx%3E?q=1", "/v1/items/%3Cx%3E"),
        ("/caf%C3%A9", "/caf%C3%A9"),
    ],
)
def test_instance_is_the_raw_path(client: TestClient, target: str, instance: str) -> None:
    problem = client.get(target).json()
    assert problem["status"] == 404
    assert problem["instance"] == instance


def test_the_404_detail_repeats_nothing_sent(client: TestClient) -> None:
    problem = client.get("/v1/items/%3Cscript%3E").json()
    assert "script" not in problem["detail"]
    assert "<" not in json.dumps(problem)


def test_titles_are_rfc_9110s(client: TestClient) -> None:
    over = _post(client, b'{"name":"' + b"x" * 2000 + b'","quantity":1}')
    assert over.json()["title"] == "Content Too Large"
    invalid = client.post("/v1/items", json={"name": "n"})
    assert invalid.json()["title"] == "Unprocessable Content"
