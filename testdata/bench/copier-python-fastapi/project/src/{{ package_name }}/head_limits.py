"""The request head's limits, which uvicorn's httptools protocol does not have: a head
(request line and headers) over MAX_HEADER_BYTES gets the 431 problem and the
connection closes; a head not finished within HEAD_TIMEOUT seconds closes the
connection. The bytes are counted before the parser sees them, so a client sending
endless headers costs at most the limit in memory."""

import asyncio
import json
import time

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .access_log import log_request
from .middleware import SECURITY_HEADERS, new_request_id
from .problems import PROBLEM_JSON, TITLES

HEAD_TIMEOUT = 10.0
_END = b"\r\n\r\n"


class HeadLimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the head limits. The limit is uvicorn's option
    for the same purpose in its h11 protocol, h11_max_incomplete_event_size, so that
    this class is picklable by name (the reloader hands the config to its workers)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.max_head_bytes: int = self.config.h11_max_incomplete_event_size or 16_384
        self._reading_head = True
        self._had_request = False  # idle between requests is uvicorn's keep-alive timeout
        self._head = bytearray()  # the unfinished head so far, at most max_head_bytes
        # One timer per connection, not one per request (arming one costs as much as a
        # tenth of a request): it fires at the deadline of the head begun last, or later.
        self._deadline = self.loop.time() + HEAD_TIMEOUT
        self._head_timer: asyncio.TimerHandle | None = self.loop.call_at(
            self._deadline, self._check_deadline
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            seen = len(self._head)
            if seen == 0:  # a head begins
                self._deadline = self.loop.time() + HEAD_TIMEOUT
                if self._head_timer is None:
                    self._head_timer = self.loop.call_at(self._deadline, self._check_deadline)
                end = data.find(_END)
                size = end + len(_END) if end >= 0 else len(data)
            else:  # the head goes on; its end may straddle the chunks
                end = (self._head[-3:] + data).find(_END)
                size = seen + (end - min(3, seen) + len(_END) if end >= 0 else len(data))
            if size > self.max_head_bytes:
                self._too_large(bytes(self._head) + data[: self.max_head_bytes - seen])
                return
            if end >= 0:
                self._reading_head = False
                self._head.clear()
            else:
                self._head += data
        super().data_received(data)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # What follows on this connection is the next request's head.
        self._reading_head = True
        self._had_request = True

    def _check_deadline(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._reading_head and self._head and self.loop.time() >= self._deadline:
            self.transport.close()  # a head unfinished for HEAD_TIMEOUT seconds
        elif self._reading_head and not self._head and not self._had_request:
            self.transport.close()  # connected HEAD_TIMEOUT seconds ago, sent nothing
        elif self._reading_head and self._head:
            self._head_timer = self.loop.call_at(self._deadline, self._check_deadline)

    def _too_large(self, head: bytes) -> None:
        """Answer the 431 problem, with the contract's headers, and close."""
        started = time.perf_counter()
        line = head.split(b"\r\n", 1)[0].split(b" ")
        method = line[0].decode("latin-1") if line[0] else "GET"
        path = line[1].split(b"?", 1)[0].decode("latin-1") if len(line) > 1 else ""
        request_id = new_request_id()
        body = json.dumps(
            {
                "type": "about:blank",
                "title": TITLES[431],
                "status": 431,
                "detail": f"The request head must not exceed {self.max_head_bytes} bytes.",
                "instance": path,
                "request_id": request_id,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        headers = [
            (b"content-type", PROBLEM_JSON.encode("ascii")),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
            (b"x-request-id", request_id.encode("ascii")),
            *SECURITY_HEADERS,
        ]
        out = [b"HTTP/1.1 431 Request Header Fields Too Large\r\n"]
        out += [name + b": " + value + b"\r\n" for name, value in headers]
        out += [b"\r\n", body]
        self._reading_head = False
        self.transport.write(b"".join(out))
        self.transport.close()
        log_request(method, path, 431, time.perf_counter() - started, request_id)
