"""The access log: one JSON line per request on stdout, shaped like JsonFormatter's.

The line is built and written directly rather than through `logging`: creating a
LogRecord (with its caller lookup), formatting it and passing it through the handler
cost about a fifth of the server's time on a cheap request. LOG_LEVEL still decides,
through the level of the access logger: a line is written when it would log at INFO."""

import asyncio
import logging
import sys
import time
from json.encoder import encode_basestring_ascii as json_string

from .logs import utc_timestamp

LOGGER_NAME = __name__.rpartition(".")[0] + ".access"
_logger = logging.getLogger(LOGGER_NAME)
# What every access line holds between its time and its method.
_FIXED = f'"level": "info", "logger": {json_string(LOGGER_NAME)}, "msg": "request"'


# How long a line may wait in stdout's buffer when traffic is light.
FLUSH_SECONDS = 0.1


class _Stdout:
    """Writes lines to stdout and flushes them at most FLUSH_SECONDS later, as the
    Node.js skeleton does: a flush per turn of the event loop (a write(2) per request or
    two) cost about a tenth of GET /livez's throughput. Under load, stdout's buffer goes
    out whenever it is full; any other log record flushes it too (the logging handler
    writes to the same sys.stdout), so the lines stay in order; Python flushes stdout on
    exit, so a line is lost only on SIGKILL."""

    def __init__(self) -> None:
        self.flush_scheduled = False

    def write(self, line: str) -> None:
        # Through sys.stdout, as the logging handler writes: the lines stay in order.
        sys.stdout.write(line)
        if self.flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside the event loop: nothing to wait for
            sys.stdout.flush()
            return
        self.flush_scheduled = True
        loop.call_later(FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self.flush_scheduled = False
        sys.stdout.flush()


_stdout = _Stdout()


def log_request(method: str, path: str, status: int, seconds: float, request_id: str) -> None:
    """Write the access line of one request that took `seconds`."""
    if not _logger.isEnabledFor(logging.INFO):
        return
    # The JSON object is put together here: json.dumps of a dict costs four times as
    # much. Each string goes through json_string (the C encoder of json.dumps), which
    # escapes quotes, control and non-ASCII characters: a hostile path stays one line of
    # valid JSON, and ASCII can never fail to encode. The numbers are ints and finite floats.
    _stdout.write(
        f'{{"time": "{utc_timestamp(time.time())}", {_FIXED}, "method": {json_string(method)}, '
        f'"path": {json_string(path)}, "status": {status}, '
        f'"duration_ms": {round(seconds * 1000, 3)}, "request_id": {json_string(request_id)}}}\n'
    )
