"""The access log: one JSON line per request on stdout, shaped like JsonFormatter's.

The line is built and written directly rather than through `logging`: creating a
LogRecord (with its caller lookup), formatting it and passing it through the handler
cost about a fifth of the server's time on a cheap request. LOG_LEVEL still decides,
through the level of the access logger: a line is written when it would log at INFO.
The lines go out in batches (logs.StdoutLines), within 100 ms, formatted then."""

import logging
import time
from json.encoder import encode_basestring_ascii as json_string

from .logs import stdout_lines, utc_timestamp

LOGGER_NAME = __name__.rpartition(".")[0] + ".access"
_logger = logging.getLogger(LOGGER_NAME)
# What every access line holds between its time and its method.
_FIXED = f'"level": "info", "logger": {json_string(LOGGER_NAME)}, "msg": "request"'
# The usual methods, already as JSON strings.
_METHODS = {m: json_string(m) for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")}


def log_request(method: str, path: str, status: int, seconds: float, request_id: str) -> None:
    """Write the access line of one request that took `seconds` (made when its batch
    goes out, from what is passed here)."""
    if _logger.isEnabledFor(logging.INFO):
        stdout_lines.write_later(
            _access_line, time.time(), method, path, status, seconds, request_id
        )


def _access_line(
    at: float, method: str, path: str, status: int, seconds: float, request_id: str
) -> str:
    # The JSON object is put together here: json.dumps of a dict costs four times as
    # much. Each string goes through json_string (the C encoder of json.dumps), which
    # escapes quotes, control and non-ASCII characters: a hostile path stays one line of
    # valid JSON, and ASCII can never fail to encode. The numbers are ints and finite floats.
    return (
        f'{{"time": "{utc_timestamp(at)}", {_FIXED}, '
        f'"method": {_METHODS.get(method) or json_string(method)}, '
        f'"path": {json_string(path)}, "status": {status}, '
        f'"duration_ms": {round(seconds * 1000, 3)}, "request_id": {json_string(request_id)}}}\n'
    )
