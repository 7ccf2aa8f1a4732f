"""Logging as one JSON object per line on stdout, through the standard library."""

import asyncio
import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

# LOG_LEVEL's names (settings.py has already mapped the aliases) as logging levels;
# "silent" is above every level, so nothing is logged.
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "silent": logging.CRITICAL + 10,
}

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged.
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


@functools.lru_cache(maxsize=1)
def _utc_second(second: int) -> str:
    # Formatting the date is the costly part, and it changes once a second.
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


def utc_timestamp(seconds: float) -> str:
    """Seconds since the epoch as UTC `YYYY-MM-DDTHH:MM:SS.sssZ`."""
    whole = int(seconds)
    return f"{_utc_second(whole)}.{int((seconds - whole) * 1000):03d}Z"


# How long a line may wait in the batch when traffic is light.
FLUSH_SECONDS = 0.1
# A batch this many lines long goes out at once (about 64 KiB of access lines, a pipe's
# buffer), so that a burst never holds much.
MAX_BATCH_LINES = 256


class StdoutLines:
    """The lines for stdout, batched once configure_logging has run: a line waits at most
    FLUSH_SECONDS, or until MAX_BATCH_LINES are waiting, or until the next log record,
    which flushes the batch before itself (the logging handler writes through this
    object), so the lines stay in order. Batching here rather than in sys.stdout's buffer
    keeps it when stdout is unbuffered (PYTHONUNBUFFERED=1, as the Dockerfile sets): a
    write(2) per request cost about a tenth of GET /livez's throughput. The batch is
    flushed on exit by logging's own shutdown, so a line is lost only on SIGKILL. Before
    configure_logging (an app under a test client), lines go to sys.stdout at once."""

    def __init__(self) -> None:
        self.batching = False
        # Lines, or (make_line, args) pairs whose line is made when the batch goes out.
        self._entries: list[str | tuple[Callable[..., str], tuple[Any, ...]]] = []
        self._flush_scheduled = False

    def write(self, line: str) -> None:
        """Add whole lines (ending in a newline) to stdout."""
        if self.batching:
            self._queue(line)
        else:
            sys.stdout.write(line)
            self._schedule_flush()

    def write_later(self, make_line: Callable[..., str], *args: Any) -> None:
        """Add the line make_line(*args), made when the batch goes out: a batch of lines
        formatted in one loop costs less than a line formatted amid each request."""
        if self.batching:
            self._queue((make_line, args))
        else:
            self.write(make_line(*args))

    def _queue(self, entry: str | tuple[Callable[..., str], tuple[Any, ...]]) -> None:
        entries = self._entries
        entries.append(entry)
        if len(entries) >= MAX_BATCH_LINES:
            self.flush()
        elif not self._flush_scheduled:
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside the event loop: nothing to wait for
            self.flush()
            return
        self._flush_scheduled = True
        loop.call_later(FLUSH_SECONDS, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        self.flush()

    def flush(self) -> None:
        """Write out the batch and flush stdout. Safe against a log record written from
        another thread meanwhile: only the entries written out here are removed."""
        entries = self._entries
        if entries:
            count = len(entries)
            text = "".join([e if isinstance(e, str) else e[0](*e[1]) for e in entries[:count]])
            del entries[:count]
            sys.stdout.write(text)
        sys.stdout.flush()


stdout_lines = StdoutLines()


class JsonFormatter(logging.Formatter):
    """Formats a record as a single-line JSON object with its `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": utc_timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """Send every log record, uvicorn's included, to stdout as JSON lines, and batch the
    access log's lines (access_log.py writes its own, and follows the same level)."""
    stdout_lines.batching = True
    handler = logging.StreamHandler(stdout_lines)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LEVELS[level])
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
