import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.settings import (
    DATABASE_URL_FORMS,
    LEVEL_NAMES,
    Settings,
    SettingsError,
    load_settings,
)

PACKAGE = "{{ cookiecutter.package_name }}"
# conftest.py runs every test in an empty working directory with none of these set.
DEFAULTS = Settings(
    host="127.0.0.1",
    port=8000,
    log_level="info",
    body_limit_bytes=102400,
    shutdown_timeout_ms=10000,
    cors_origins=(),
    database_url="sqlite:///data/app.db",
    migrate_on_start=False,
)


def test_defaults() -> None:
    assert load_settings() == DEFAULTS


def test_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("PORT", "0")
    monkeypatch.setenv("LOG_LEVEL", " WARN ")
    monkeypatch.setenv("BODY_LIMIT_BYTES", "10")
    monkeypatch.setenv("SHUTDOWN_TIMEOUT_MS", "0")
    monkeypatch.setenv("CORS_ORIGINS", " https://a.example, HTTP://LOCALHOST:5173 ,")
    settings = load_settings()
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 0, "warning")  # noqa: S104
    assert (settings.body_limit_bytes, settings.shutdown_timeout_ms) == (10, 0)
    assert settings.cors_origins == ("https://a.example", "http://localhost:5173")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("trace", "debug"),
        ("DEBUG", "debug"),
        ("Info", "info"),
        ("warn", "warning"),
        ("WARNING", "warning"),
        ("error", "error"),
        ("fatal", "critical"),
        ("critical", "critical"),
        ("Silent", "silent"),
    ],
)
def test_log_level_names(monkeypatch: pytest.MonkeyPatch, name: str, expected: str) -> None:
    monkeypatch.setenv("LOG_LEVEL", name)
    assert load_settings().log_level == expected


def test_log_level_error_lists_the_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert ", ".join(LEVEL_NAMES) in str(caught.value)


def test_empty_settings_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.setenv(name.upper(), "")
    assert load_settings() == DEFAULTS


def test_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "# local settings\nPORT=9001\nLOG_LEVEL=debug\nBODY_LIMIT_BYTES=\nOTHER_TOOL=1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOG_LEVEL", "error")
    settings = load_settings()
    assert settings.port == 9001
    assert settings.log_level == "error"
    assert settings.body_limit_bytes == DEFAULTS.body_limit_bytes


def test_bad_value_in_dotenv_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=abc\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="PORT='abc'"):
        load_settings()


def test_env_example_lists_every_setting_with_its_default() -> None:
    example = Path(__file__).parent.parent / ".env.example"
    entries = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            entries[name] = value
    assert set(entries) == {name.upper() for name in Settings.model_fields}
    for name, value in entries.items():
        default = getattr(DEFAULTS, name.lower())
        if isinstance(default, bool):
            shown = "1" if default else "0"
        else:
            shown = ",".join(default) if isinstance(default, tuple) else str(default)
        assert value == shown, name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "80.0"),
        ("PORT", "8e3"),
        ("PORT", "1_000"),
        ("PORT", "-1"),
        ("PORT", "65536"),
        ("PORT", " "),
        ("LOG_LEVEL", "loud"),
        ("BODY_LIMIT_BYTES", "0"),
        ("SHUTDOWN_TIMEOUT_MS", "soon"),
        ("CORS_ORIGINS", "*"),
        ("CORS_ORIGINS", "https://a.example/"),
        ("CORS_ORIGINS", "a.example"),
        ("MIGRATE_ON_START", "ture"),
        ("MIGRATE_ON_START", "2"),
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


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/app.db",
        "sqlite:///app.db",
        "sqlite:////var/lib/app/app.db",
    ],
)
def test_database_url_forms(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert load_settings().database_url == url


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:secret@db.example:5432/items",
        "sqlite+aiosqlite:///data/app.db",
        "sqlite://",
        "sqlite:///",
        "sqlite:///:memory:",
        "sqlite:///app.db?mode=ro",
        "sqlite:///data/",
        "mysql://app:secret@db.example/items",
        "data/app.db",
    ],
)
def test_bad_database_url_names_the_forms_and_hides_the_value(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("invalid settings: DATABASE_URL: must look like ")
    assert DATABASE_URL_FORMS in message
    assert "secret" not in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("False", False), ("no", False)],
)
def test_migrate_on_start_values(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("MIGRATE_ON_START", value)
    assert load_settings().migrate_on_start is expected
