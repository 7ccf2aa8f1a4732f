from fastapi.testclient import TestClient


def test_livez(client: TestClient) -> None:
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_readyz(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_draining(client: TestClient) -> None:
    client.app.state.lifecycle.draining = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "draining"}
