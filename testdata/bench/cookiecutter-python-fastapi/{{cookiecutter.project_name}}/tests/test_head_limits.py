"""The request head's limits and the upgrade readings, on the real server: only a socket
can send an oversized or unfinished head."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

Start = Callable[..., tuple[subprocess.Popen[str], int]]
PACKAGE = "{{ cookiecutter.package_name }}"


def _exchange(port: int, data: bytes) -> bytes:
    """Send `data`, then read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _split(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_a_head_over_the_limit_is_431_and_the_connection_closes(start: Start) -> None:
    _, port = start(MAX_HEADER_BYTES="1024")
    request = b"GET /livez?x=1 HTTP/1.1\r\nHost: a\r\nX-Filler: " + b"a" * 2000 + b"\r\n\r\n"
    status, headers, body = _split(_exchange(port, request))  # returns: the server closed
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert headers["x-content-type-options"] == "nosniff"
    problem = json.loads(body)
    assert problem["title"] == "Request Header Fields Too Large"
    assert problem["instance"] == "/livez"
    assert problem["request_id"] == headers["x-request-id"]


def test_the_limit_counts_a_head_sent_in_pieces(start: Start) -> None:
    # A head that never ends is refused once it passes the limit: memory stays bounded.
    _, port = start(MAX_HEADER_BYTES="1024")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: a\r\n")  # 29 bytes
        for _ in range(10):  # 102 bytes each: the tenth passes the limit
            sock.sendall(b"X-Filler: " + b"a" * 90 + b"\r\n")
            time.sleep(0.01)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_head_at_the_limit_is_served(start: Start) -> None:
    _, port = start(MAX_HEADER_BYTES="1024")
    start_of_head = b"GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Filler: "
    filler = b"a" * (1024 - len(start_of_head) - 4)
    status, _, _ = _split(_exchange(port, start_of_head + filler + b"\r\n\r\n"))
    assert status == 200


@pytest.fixture
def quick_timeout() -> Iterator[int]:
    """The server with a head timeout of half a second instead of 10 s; its port."""
    code = (
        f"import sys, {PACKAGE}.head_limits as limits; limits.HEAD_TIMEOUT = 0.5; "
        f"from {PACKAGE}.__main__ import main; sys.exit(main([]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "HOST": "127.0.0.1", "PORT": "0"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = next(
            json.loads(line)["port"]
            for line in process.stdout
            if json.loads(line)["msg"] == "listening"
        )
        yield port
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_an_unfinished_head_is_disconnected(quick_timeout: int) -> None:
    with socket.create_connection(("127.0.0.1", quick_timeout), timeout=5) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: a\r\n")
        started = time.monotonic()
        for _ in range(50):  # a client trickling header lines
            try:
                sock.sendall(b"X-A: b\r\n")
            except OSError:
                break
            time.sleep(0.05)
        assert sock.recv(1024) == b""  # closed, with nothing answered
    assert time.monotonic() - started < 2.5


def test_a_connection_that_sends_nothing_is_disconnected(quick_timeout: int) -> None:
    with socket.create_connection(("127.0.0.1", quick_timeout), timeout=5) as sock:
        assert sock.recv(1024) == b""


def test_an_upgrade_header_on_a_rest_path_is_ignored(start: Start) -> None:
    _, port = start()
    request = (
        b"GET /livez HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
        b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"
    )
    status, _, body = _split(_exchange(port, request))
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_a_websocket_handshake_to_an_unknown_path_is_the_404_problem(start: Start) -> None:
    _, port = start()
    request = (
        b"GET /v1/ws/nope HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"X-Request-Id: ws-1\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        status, headers, body = _split(answer)
        length = int(headers["content-length"])
        while len(body) < length:
            body += sock.recv(65536)
    assert status == 404
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-request-id"] == "ws-1"
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    problem = json.loads(body)
    assert (problem["status"], problem["instance"]) == (404, "/v1/ws/nope")


def test_log_level_silent_starts_and_logs_nothing() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE],
        env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "silent"},
        stdout=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                answer = _exchange(
                    port, b"GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                )
                break
            except ConnectionRefusedError:
                assert process.poll() is None, "the server exited"
                time.sleep(0.1)
        assert _split(answer)[0] == 200
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == b""
