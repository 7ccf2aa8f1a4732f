"""Process settings, read once from the environment at start."""

import re
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8000

LogLevel = Literal["debug", "info", "warning", "error", "critical"]

_DIGITS = re.compile(r"[0-9]+")
# Level names other stacks use (the Node.js skeleton's pino levels), mapped to ours.
_LEVEL_ALIASES = {"trace": "debug", "warn": "warning", "fatal": "critical"}


class SettingsError(Exception):
    """A setting from the environment is invalid; the message is one line."""


class Settings(BaseSettings):
    """Every knob of the service, from environment variables of the same name in capitals."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    log_level: LogLevel = "info"
    body_limit_bytes: int = Field(default=102_400, ge=1)
    shutdown_timeout_ms: int = Field(default=10_000, ge=0)

    @field_validator(
        "port",
        "body_limit_bytes",
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
            return _LEVEL_ALIASES.get(value, value)
        return value


def load_settings() -> Settings:
    """Read the settings from the environment, or raise SettingsError with a one-line reason."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """Summarize a settings ValidationError as one line: `PORT='abc': must be ...`."""
    parts = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]).upper()
        message = " ".join(str(error["msg"]).split())
        parts.append(f"{name}={error['input']!r}: {message}")
    return "invalid settings: " + "; ".join(parts)
