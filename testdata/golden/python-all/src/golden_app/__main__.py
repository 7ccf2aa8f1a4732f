"""The entry point of `python -m`: read the settings, then serve."""

import sys

from .settings import SettingsError, load_settings


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{__package__}: {exc}", file=sys.stderr)
        return 2
    # Imported only now, so that a bad setting fails fast, before the web stack loads.
    from .logs import configure_logging
    from .server import serve

    configure_logging(settings.log_level)
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
