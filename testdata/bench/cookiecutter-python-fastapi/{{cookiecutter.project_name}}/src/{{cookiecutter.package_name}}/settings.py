"""Process settings, read once at start from the environment and a `.env` file."""

import re
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_PORT = 8000

LogLevel = Literal["debug", "info", "warning", "error", "critical", "silent"]

_DIGITS = re.compile(r"[0-9]+")
# Level names other stacks use (the Node.js skeleton's pino levels), mapped to ours.
_LEVEL_ALIASES = {"trace": "debug", "warn": "warning", "fatal": "critical"}
LEVEL_NAMES = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "critical", "silent")
# An origin as browsers send it: scheme://host[:port], no path, no trailing slash.
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[a-z0-9.:\[\]-]+")

DEFAULT_DATABASE_URL = "sqlite:///data/app.db"
# The forms DATABASE_URL takes in this project (generated for SQLite).
DATABASE_URL_FORMS = "sqlite:///relative/path or sqlite:////absolute/path"
_SWITCH = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


class SettingsError(Exception):
    """A setting is invalid; the message is one line."""


class Settings(BaseSettings):
    """Every knob of the service, from environment variables of the same name in capitals.

    Also read from `.env` in the working directory, for local runs: a variable set in the
    environment wins over the file. A variable set to the empty string counts as unset."""

    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
    )

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    log_level: LogLevel = "info"
    body_limit_bytes: int = Field(default=102_400, ge=1)
    # The largest request head (request line and headers); larger is 431.
    max_header_bytes: int = Field(default=16_384, ge=1)
    shutdown_timeout_ms: int = Field(default=10_000, ge=0)
    # Comma-separated in the environment; empty: no CORS headers at all.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # Where the items live; see DATABASE_URL_FORMS.
    database_url: str = DEFAULT_DATABASE_URL
    # Apply pending migrations before listening.
    migrate_on_start: bool = False

    @field_validator(
        "port",
        "body_limit_bytes",
        "max_header_bytes",
        "shutdown_timeout_ms",
        mode="before",
    )
    @classmethod
    def _decimal_integer(cls, value: Any) -> Any:
        # The environment gives strings; accept plain decimal digits only, so that
        # "8e3", "1_000" or "80.0" fail instead of being coerced.
        if isinstance(value, str):
            if not _DIGITS.fullmatch(value.strip()):
                raise PydanticCustomError("decimal_integer", "must be a whole number")
            return int(value)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _normalize_level(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in LEVEL_NAMES:
                raise PydanticCustomError("log_level", "must be one of " + ", ".join(LEVEL_NAMES))
            return _LEVEL_ALIASES.get(value, value)
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple):
            return value
        origins = []
        for entry in value:
            # Scheme and host are case-insensitive; browsers send them in lowercase.
            origin = str(entry).strip().lower()
            if not origin:
                continue
            if not _ORIGIN.fullmatch(origin):
                raise PydanticCustomError(
                    "origin",
                    "each origin must look like https://app.example or http://localhost:5173"
                    " (scheme://host[:port], no path, no trailing slash)",
                )
            origins.append(origin)
        return tuple(origins)

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: Any) -> Any:
        if isinstance(value, str) and not _is_database_url(value.strip()):
            raise PydanticCustomError("database_url", "must look like " + DATABASE_URL_FORMS)
        return value.strip() if isinstance(value, str) else value

    @field_validator("migrate_on_start", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> Any:
        # Only these words, so that a typo ("ture") stops the start instead of meaning off.
        if isinstance(value, str):
            if value.strip().lower() not in _SWITCH:
                raise PydanticCustomError("switch", "must be 1, true, yes, 0, false or no")
            return _SWITCH[value.strip().lower()]
        return value


def _is_database_url(url: str) -> bool:
    """Whether `url` is one of DATABASE_URL_FORMS."""
    path = url.removeprefix("sqlite:///")
    return (
        url.startswith("sqlite:///")
        and path not in ("", "/")
        and not path.endswith("/")
        and not path.startswith(":memory:")
        and not any(c in path for c in "?#\x00")
    )


def load_settings() -> Settings:
    """Read the settings, or raise SettingsError with a one-line reason."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """Summarize a settings ValidationError as one line: `PORT='abc': must be ...`."""
    parts = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"][:1]).upper()
        message = " ".join(str(error["msg"]).split())
        if name == "DATABASE_URL":  # it may hold a password: never echoed
            parts.append(f"{name}: {message}")
            continue
        parts.append(f"{name}={error['input']!r}: {message}")
    return "invalid settings: " + "; ".join(parts)
