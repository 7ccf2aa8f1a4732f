import os
import subprocess
import sys

import pytest

from golden_app.settings import (
    Settings,
    SettingsError,
    load_settings,
)

PACKAGE = "golden_app"
NAMES = (
    "HOST",
    "PORT",
    "LOG_LEVEL",
    "BODY_LIMIT_BYTES",
    "WS_MAX_MESSAGE_BYTES",
    "SHUTDOWN_TIMEOUT_MS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings == Settings(
        host="127.0.0.1",
        port=8000,
        log_level="info",
        body_limit_bytes=102400,
        ws_max_message_bytes=65536,
        shutdown_timeout_ms=10000,
    )


def test_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("PORT", "0")
    monkeypatch.setenv("LOG_LEVEL", " WARN ")
    monkeypatch.setenv("BODY_LIMIT_BYTES", "10")
    monkeypatch.setenv("SHUTDOWN_TIMEOUT_MS", "0")
    settings = load_settings()
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 0, "warning")  # noqa: S104
    assert (settings.body_limit_bytes, settings.shutdown_timeout_ms) == (10, 0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "80.0"),
        ("PORT", "8e3"),
        ("PORT", "1_000"),
        ("PORT", "-1"),
        ("PORT", "65536"),
        ("PORT", ""),
        ("LOG_LEVEL", "loud"),
        ("BODY_LIMIT_BYTES", "0"),
        ("SHUTDOWN_TIMEOUT_MS", "soon"),
        ("WS_MAX_MESSAGE_BYTES", "0"),
    ],
)
def test_bad_values_are_one_line_errors(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"invalid settings: {name}=")


def test_bad_setting_stops_the_start() -> None:
    result = subprocess.run(
        [sys.executable, "-m", PACKAGE],
        env={**os.environ, "PORT": "abc"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "PORT='abc'" in result.stderr
