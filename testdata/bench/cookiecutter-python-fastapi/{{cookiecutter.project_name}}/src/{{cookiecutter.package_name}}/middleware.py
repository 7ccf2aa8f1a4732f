"""ASGI middleware: request id, security headers, access log, errors, body limit."""

import logging
import re
import time
import uuid

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


class BodyLimitMiddleware:
    """Reads the whole request body up front, so that a body over `limit` bytes is 413
    before anything else is checked, whether it came with a Content-Length or chunked.
    The bytes are then replayed to the app."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = Headers(scope=scope).get("content-length", "")
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
