"""The real server in a child process: what only a socket can show."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

Start = Callable[..., tuple[subprocess.Popen[str], int]]
PACKAGE = "{{ cookiecutter.package_name }}"


def _stop(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> int:
    process.send_signal(sig)
    return process.wait(timeout=10)


def test_serves_over_http_and_stops_on_sigterm(start: Start) -> None:
    process, port = start(BODY_LIMIT_BYTES="16")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/livez")
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read()) == {"status": "ok"}
    assert response.getheader("server") is None
    assert response.getheader("x-request-id")

    # A chunked body has no Content-Length: the limit is counted as it arrives.
    body = iter([b'{"name":"xxxxx",', b'"quantity":1}'])
    headers = {"content-type": "application/json"}
    connection.request("POST", "/v1/items", body=body, headers=headers, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("content-type") == "application/problem+json"
    response.read()
    connection.close()
    assert _stop(process) == 0

    # Every line on stdout is a JSON object; one access line per request, no bodies.
    assert process.stdout is not None
    entries = [json.loads(line) for line in process.stdout]
    access = [e for e in entries if e["msg"] == "request"]
    assert [(e["method"], e["path"], e["status"]) for e in access] == [
        ("GET", "/livez", 200),
        ("POST", "/v1/items", 413),
    ]
    assert all(isinstance(e["duration_ms"], float) and e["request_id"] for e in access)
    assert "xxxxx" not in json.dumps(entries)


def test_stops_on_sigint(start: Start) -> None:
    process, _ = start()
    assert _stop(process, signal.SIGINT) == 0


def test_drain_that_runs_out_exits_1(start: Start) -> None:
    process, port = start(SHUTDOWN_TIMEOUT_MS="200")
    # A request still in flight: headers sent, half of its body missing.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(
            b"POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 20\r\n\r\n{"name":'
        )
        time.sleep(0.2)
        assert _stop(process) == 1


def test_reload_serves() -> None:
    # `--reload` runs the app in a worker process under uvicorn's reloader.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, "--reload"],
        env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # A group of its own, so that a failed test also stops the reloader's worker.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as r:
                    assert json.loads(r.read()) == {"status": "ok"}
                    break
            except OSError:
                assert process.poll() is None, "the reloader exited"
                assert time.monotonic() < deadline, "no answer within 30 s"
                time.sleep(0.1)
        assert _stop(process, signal.SIGINT) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
