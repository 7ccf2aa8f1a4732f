import subprocess
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

Start = Callable[..., tuple[subprocess.Popen[str], int]]


def test_echoes_text_and_binary(client: TestClient) -> None:
    with client.websocket_connect("/v1/ws/echo") as ws:
        ws.send_text("héllo")
        assert ws.receive_text() == "héllo"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_bytes() == b"\x00\x01"


def test_message_at_limit_is_echoed_over_it_closes_1009(app: FastAPI, client: TestClient) -> None:
    limit = app.state.settings.ws_max_message_bytes
    with client.websocket_connect("/v1/ws/echo") as ws:
        ws.send_bytes(b"x" * limit)
        assert ws.receive_bytes() == b"x" * limit
        ws.send_text("é" * (limit // 2 + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 1009
    # The server keeps serving.
    assert client.get("/livez").status_code == 200


def test_handshake_has_request_id_and_security_headers(client: TestClient) -> None:
    with client.websocket_connect("/v1/ws/echo", headers={"x-request-id": "ws-1"}) as ws:
        headers: dict[bytes, bytes] = dict(ws.extra_headers or [])
        assert headers[b"x-request-id"] == b"ws-1"
        assert headers[b"content-security-policy"] == b"default-src 'none'; frame-ancestors 'none'"
        assert b"server" not in headers


def test_real_server_limits_and_shutdown(start: Start) -> None:
    process, port = start(WS_MAX_MESSAGE_BYTES="8")
    url = f"ws://127.0.0.1:{port}/v1/ws/echo"
    with connect(url, additional_headers={"x-request-id": "ws-1"}) as ws:
        assert ws.response is not None
        headers = ws.response.headers
        assert headers["x-request-id"] == "ws-1"
        assert headers["x-content-type-options"] == "nosniff"
        assert "server" not in headers
        ws.send(b"12345678")
        assert ws.recv() == b"12345678"
        ws.send("123456789")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009

    with connect(url) as ws:
        ws.send("ok")
        assert ws.recv() == "ok"
        process.terminate()
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1012
    assert process.wait(timeout=10) == 0
