"""The entry point of `python -m`: read the settings, then serve.

python -m <package>            serve, with the graceful drain on SIGTERM and SIGINT
python -m <package> --reload   for development: restart whenever a source file changes
"""

import argparse
import sys

from .settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Serve the API on $HOST:$PORT (settings from the environment and .env).",
    )
    parser.add_argument(
        "--reload",
        action="store_true",
        help="development only: restart the server whenever a file of the package changes",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{__package__}: {exc}", file=sys.stderr)
        return 2
    # Imported only now, so that a bad setting fails fast, before the web stack loads.
    from .logs import configure_logging
    from .server import serve, serve_with_reload

    configure_logging(settings.log_level)
    if args.reload:
        return serve_with_reload(settings)
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
