"""Running the app on uvicorn, with a graceful drain on SIGTERM and SIGINT."""

import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

from .app import Lifecycle, create_app
from .database import migrate
from .head_limits import HeadLimitedProtocol
from .logs import configure_logging
from .settings import Settings, load_settings

logger = logging.getLogger(__name__)

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Server(uvicorn.Server):
    """uvicorn's server, made to flip readiness first on a signal and to report whether
    the drain finished in time."""

    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drained = True

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.lifecycle.draining = True
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # Like uvicorn's, without re-raising the signal afterwards, so that a graceful
        # stop exits with our own code instead of dying by the signal.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            logger.info("listening", extra={"host": host, "port": port})

    async def _wait_tasks_to_complete(self) -> None:
        # uvicorn (the pinned version) cancels this wait once timeout_graceful_shutdown
        # has passed, and cuts it short on a second Ctrl-C (force_exit).
        self.drained = False
        await super()._wait_tasks_to_complete()
        self.drained = not self.force_exit


def _options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for these settings, shared by serve and serve_with_reload."""
    return {
        "host": settings.host,
        "port": settings.port,
        "ws": "none",
        # httptools with the request head's limits (431, and the 10 s head timeout).
        "http": HeadLimitedProtocol,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "log_config": None,
        "log_level": None,
        "access_log": False,
        "server_header": False,
        "timeout_graceful_shutdown": settings.shutdown_timeout_ms / 1000,
    }


def migrate_on_start(settings: Settings) -> bool:
    """With MIGRATE_ON_START, apply the pending migrations (before anything listens);
    False, after one line on stderr, when that fails."""
    if not settings.migrate_on_start:
        return True
    try:
        migrate(settings.database_url)
    except Exception as exc:  # whatever stops the migrations stops the start
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).strip().splitlines() or [""])[0]
        print(
            f"{__package__}: MIGRATE_ON_START: the migrations failed: "
            f"{type(cause).__name__}: {first_line}",
            file=sys.stderr,
        )
        return False
    return True


def serve(settings: Settings) -> int:
    """Serve until a signal; return the exit code (0, or 1 if the drain timed out, or
    if MIGRATE_ON_START's migrations failed)."""
    if not migrate_on_start(settings):
        return 1
    app = create_app(settings)
    server = Server(uvicorn.Config(app, **_options(settings)), app.state.lifecycle)
    server.run()
    return 0 if server.drained else 1


def serve_with_reload(settings: Settings) -> int:
    """Development: uvicorn's reloader watches the package's files and restarts a worker
    process whenever one changes. Each worker reads the settings (and .env) again through
    reload_app; the graceful drain and its exit codes are serve's, not this one's."""
    if not migrate_on_start(settings):  # once, before the first worker starts
        return 1
    uvicorn.run(
        f"{__package__}.server:reload_app",
        factory=True,
        reload=True,
        reload_dirs=[str(Path(__file__).parent)],
        **_options(settings),
    )
    return 0


def reload_app() -> FastAPI:
    """The app of a reloader worker (a fresh process): settings and logging first."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
