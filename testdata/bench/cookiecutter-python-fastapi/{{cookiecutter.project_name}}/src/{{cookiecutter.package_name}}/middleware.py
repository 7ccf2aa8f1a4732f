"""ASGI middleware: request id, security headers, access log, error catching, body checks."""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response

access_logger = logging.getLogger(__name__.rpartition(".")[0] + ".access")
error_logger = logging.getLogger(__name__.rpartition(".")[0] + ".error")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_DIGITS = re.compile(r"[0-9]+")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)
_OWN_HEADERS = frozenset(name for name, _ in SECURITY_HEADERS) | {b"x-request-id"}


class RequestContextMiddleware:
    """Outermost layer: gives every request an id, adds the security headers to every
    response (WebSocket handshakes included), turns unexpected exceptions into a 500
    problem without internals, and writes one access log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        request_id = Headers(scope=scope).get("x-request-id")
        if request_id is None or not _REQUEST_ID.fullmatch(request_id):
            request_id = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        added = [(b"x-request-id", request_id.encode("ascii")), *SECURITY_HEADERS]

        status = 0
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "websocket.close" and status == 0:
                status = 403  # closed before the handshake: the server answers 403
            elif message["type"] in ("http.response.start", "websocket.accept"):
                status = message.get("status", 101)
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _OWN_HEADERS
                ]
                message["headers"] = headers + added
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            error_logger.exception("unhandled error", extra={"request_id": request_id})
            if scope["type"] == "http" and status == 0:
                await problem_response(scope, 500)(scope, receive, send_with_headers)
        finally:
            access_logger.info(
                "request",
                extra={
                    "method": scope.get("method", "GET"),
                    "path": scope["path"],
                    # 499: the client went away before any response was sent.
                    "status": status or 499,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "request_id": request_id,
                },
            )


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application":
        return False
    return subtype == "json" or (subtype.endswith("+json") and len(subtype) > len("+json"))


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class BodyMiddleware:
    """Reads the whole request body up front and checks it in the contract's order:
    413 over `limit` bytes (by Content-Length, or counted as a chunked body arrives),
    then for POST and PUT 415 unless the type is JSON, then 400 unless the body parses.
    The parsed value is left in `request.state.json`; the bytes are replayed to the app."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if _DIGITS.fullmatch(declared) and int(declared) > self.limit:
            body = None
        else:
            try:
                body = await self._read(receive)
            except _ClientGone:
                return
        if body is None:
            detail = f"The request body must not exceed {self.limit} bytes."
            await problem_response(scope, 413, detail)(scope, receive, send)
            return

        if scope["method"] in ("POST", "PUT"):
            if not _is_json(headers.get("content-type")):
                detail = "The request body must be application/json."
                await problem_response(scope, 415, detail)(scope, receive, send)
                return
            try:
                scope.setdefault("state", {})["json"] = _parse_json(body)
            except (ValueError, RecursionError):
                detail = "The request body is not valid JSON."
                await problem_response(scope, 400, detail)(scope, receive, send)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it exceeds the limit."""
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            more_body = message.get("more_body", False)
        return b"".join(chunks)


class _ClientGone(Exception):
    """The client disconnected before sending the whole body."""


def _parse_json(body: bytes) -> Any:
    text = body.decode("utf-8")
    value = json.loads(text, parse_constant=_reject_constant)
    if "\\u" in text:
        # A lone surrogate (\ud800) parses, but could never be encoded back to UTF-8.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    return value
