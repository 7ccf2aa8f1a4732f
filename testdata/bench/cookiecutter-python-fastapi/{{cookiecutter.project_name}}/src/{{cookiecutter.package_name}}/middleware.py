"""The ASGI middleware around every request: request id, security headers, CORS, body
limit, unexpected errors as a 500 problem, and the access log line.

One layer, on the hot path of every request, so it works on the raw ASGI messages:
the headers are scanned once, and the header list of the response is built once."""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .access_log import log_request
from .cors import Cors
from .problems import problem_response, request_path

error_logger = logging.getLogger(__name__.rpartition(".")[0] + ".error")

_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_DIGITS = re.compile(rb"[0-9]+")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)
# The messages that start a response: their headers get ours.
_STARTS = frozenset({"http.response.start", "websocket.accept", "websocket.http.response.start"})
_OWN_HEADERS = frozenset(name for name, _ in SECURITY_HEADERS) | {b"x-request-id"}


# The UUID variant digit (binary 10xx) for each hex digit's low two bits.
_VARIANT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}
# Request ids made ahead, 128 at a time from one os.urandom call: a system call and a
# loop of formatting per 128 requests instead of per request.
_ids: list[str] = []
# A forked worker draws its own ids, never its parent's (Windows has no fork).
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_ids.clear)


def new_request_id() -> str:
    """A random UUID v4, lowercase: what str(uuid.uuid4()) gives, at a fraction of the
    cost, by setting the version and variant digits in the hex text directly."""
    if not _ids:
        hex_digits = os.urandom(16 * 128).hex()
        _ids.extend(
            f"{d[:8]}-{d[8:12]}-4{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:]}"
            for d in (hex_digits[i : i + 32] for i in range(0, len(hex_digits), 32))
        )
    return _ids.pop()


class RequestContextMiddleware:
    """Outermost layer: gives every request an id, adds the security headers to every
    response (WebSocket handshakes included), answers CORS preflights and adds the CORS
    headers for the origins in `cors_origins`, answers 413 for a body over `body_limit`
    bytes before anything else is checked, turns unexpected exceptions into a 500
    problem without internals, and writes one access log line per request."""

    def __init__(self, app: ASGIApp, body_limit: int, cors_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.body_limit = body_limit
        # None when no origin is allowed: then no request pays for CORS.
        self.cors = Cors(cors_origins) if cors_origins else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        # ASGI header names are lowercase; of a repeated header, the first one counts.
        caller_id = content_length = origin = None
        chunked = preflight = False
        for name, value in scope["headers"]:
            if name == b"x-request-id" and caller_id is None:
                caller_id = value
            elif name == b"content-length" and content_length is None:
                content_length = value
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"origin" and origin is None:
                origin = value
            elif name == b"access-control-request-method":
                preflight = True

        if caller_id is not None and _REQUEST_ID.fullmatch(caller_id):
            request_id = caller_id.decode("ascii")
        else:
            request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode("ascii"))
        # CORS headers only for an allowed origin; a preflight from one is answered here.
        cors_headers: list[tuple[bytes, bytes]] | None = None
        answer_preflight = False
        if (
            self.cors is not None
            and origin is not None
            and scope["type"] == "http"
            # Scheme and host are case-insensitive; the origin is echoed as sent.
            and self.cors.allows(origin.lower())
        ):
            answer_preflight = preflight and scope["method"] == "OPTIONS"
            if answer_preflight:
                cors_headers = self.cors.preflight_headers(origin)
            else:
                cors_headers = self.cors.response_headers(origin)

        # HEAD is answered wherever GET is: the app sees a GET, and the body is dropped.
        method = scope.get("method", "GET")
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        status = 0
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind in _STARTS:
                status = message.get("status", 101)
                # Ours replace any the app set, so that each header has one value.
                headers = [
                    h for h in message.get("headers", ()) if h[0].lower() not in _OWN_HEADERS
                ]
                headers.append(id_header)
                headers.extend(SECURITY_HEADERS)
                if cors_headers is not None:
                    headers.extend(cors_headers)
                message["headers"] = headers
            elif kind == "websocket.close" and status == 0:
                status = 403  # closed before the handshake: the server answers 403
            elif head and kind == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            if answer_preflight:
                await send_with_headers({"type": "http.response.start", "status": 204})
                await send_with_headers({"type": "http.response.body", "body": b""})
                return
            # HTTP/1.1 has a request body only with a Content-Length or a Transfer-Encoding:
            # without one, a GET goes straight through, nothing read and replayed.
            if scope["type"] == "http" and (chunked or content_length not in (None, b"0")):
                body = await self._read_body(content_length, receive)
                if body is None:
                    detail = f"The request body must not exceed {self.body_limit} bytes."
                    await problem_response(scope, 413, detail)(scope, receive, send_with_headers)
                    return
                receive = _replay(body, receive)
            await self.app(scope, receive, send_with_headers)
        except _ClientGone:
            pass  # nothing to answer; logged as 499 below
        except Exception:
            error_logger.exception("unhandled error", extra={"request_id": request_id})
            if scope["type"] == "http" and status == 0:
                await problem_response(scope, 500)(scope, receive, send_with_headers)
        finally:
            # 499: the client went away before any response was sent.
            elapsed = time.perf_counter() - started
            log_request(method, request_path(scope), status or 499, elapsed, request_id)

    async def _read_body(self, content_length: bytes | None, receive: Receive) -> bytes | None:
        """The whole body, read up front so that 413 comes before anything else whether
        the body came with a Content-Length or chunked; None when it is over the limit."""
        declared = 0
        if content_length is not None and _DIGITS.fullmatch(content_length):
            declared = int(content_length)
        if declared > self.body_limit:
            return None
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.body_limit:
                return None
            chunks.append(chunk)
            more_body = message.get("more_body", False)
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the app the body read up front, then the client's messages."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _ClientGone(Exception):
    """The client disconnected before sending the whole body."""
