from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings

ALLOWED = "https://a.example"
OTHER_ALLOWED = "http://localhost:5173"
PREFLIGHT = {
    "origin": ALLOWED,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


@pytest.fixture
def cors_client() -> Iterator[TestClient]:
    settings = Settings(cors_origins=(ALLOWED, OTHER_ALLOWED), body_limit_bytes=16)
    with TestClient(create_app(settings)) as client:
        yield client


def _cors_headers(response: httpx2.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def test_no_origins_no_cors_headers(client: TestClient) -> None:
    response = client.get("/livez", headers={"origin": ALLOWED})
    assert response.status_code == 200
    assert _cors_headers(response) == {}
    assert "vary" not in response.headers


def test_no_origins_preflight_is_any_options(client: TestClient) -> None:
    response = client.options("/v1/items", headers=PREFLIGHT)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == "application/problem+json"
    assert _cors_headers(response) == {}


@pytest.mark.parametrize("origin", [ALLOWED, OTHER_ALLOWED])
def test_listed_origin_gets_its_origin_back(cors_client: TestClient, origin: str) -> None:
    response = cors_client.get("/livez", headers={"origin": origin})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["vary"] == "Origin"
    assert response.headers["access-control-expose-headers"] == "Location, X-Request-Id"
    assert "access-control-allow-methods" not in response.headers


def test_origins_compare_case_insensitively(cors_client: TestClient) -> None:
    response = cors_client.get("/livez", headers={"origin": "HTTPS://A.Example"})
    assert response.headers["access-control-allow-origin"] == "HTTPS://A.Example"


def test_listed_origin_gets_cors_headers_on_errors(cors_client: TestClient) -> None:
    headers = {"origin": ALLOWED, "content-type": "application/json"}
    for response in (
        cors_client.get("/nope", headers=headers),
        cors_client.post("/v1/items", content=b'{"name": "too long for 16"}', headers=headers),
        cors_client.post("/v1/items", content=b"{", headers=headers),
    ):
        assert response.status_code in (404, 413, 400)
        assert response.headers["access-control-allow-origin"] == ALLOWED


def test_preflight_from_listed_origin_is_204(cors_client: TestClient) -> None:
    response = cors_client.options("/v1/items", headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.content == b""
    assert _cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE",
        "access-control-allow-headers": "Content-Type, X-Request-Id",
        "access-control-max-age": "600",
    }
    assert response.headers["vary"] == "Origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("origin", ["https://evil.example", "https://a.example.evil", "null"])
def test_unlisted_origin_gets_no_cors_headers(cors_client: TestClient, origin: str) -> None:
    response = cors_client.get("/livez", headers={"origin": origin})
    assert response.status_code == 200
    assert _cors_headers(response) == {}
    preflight = cors_client.options("/v1/items", headers={**PREFLIGHT, "origin": origin})
    assert preflight.status_code == 405
    assert preflight.headers["allow"] == "GET, POST"
    assert _cors_headers(preflight) == {}


def test_options_without_request_method_is_not_a_preflight(cors_client: TestClient) -> None:
    response = cors_client.options("/v1/items", headers={"origin": ALLOWED})
    assert response.status_code == 405
    assert response.headers["access-control-allow-origin"] == ALLOWED
