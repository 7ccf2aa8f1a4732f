import signal

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from golden_app.server import Server


def test_livez(client: TestClient) -> None:
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_readyz(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_draining(app: FastAPI, client: TestClient) -> None:
    app.state.lifecycle.draining = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "draining"}


def test_signal_turns_readiness_off_first(app: FastAPI, client: TestClient) -> None:
    lifecycle = app.state.lifecycle
    server = Server(uvicorn.Config(app), lifecycle)
    server.handle_exit(signal.SIGTERM, None)
    assert lifecycle.draining
    assert server.should_exit
    assert client.get("/readyz").status_code == 503
