"""The ``cop`` console script.

``cop serve`` must monkey-patch the standard library for its async mode before Flask,
SQLAlchemy, pg8000 or redis are imported, so this module imports them only afterwards.
"""

from __future__ import annotations

import sys


def _command(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    overrides: dict[str, str] = {}
    if _command(argv) == "serve":
        from cop.serving import patch_for_async_mode

        overrides["SOCKETIO_ASYNC_MODE"] = patch_for_async_mode()

    from flask.cli import ScriptInfo

    from cop import create_app
    from cop.cli import cop_group
    from cop.config import ConfigError

    try:
        script_info = ScriptInfo(create_app=lambda: create_app(overrides))
        cop_group.main(args=argv, prog_name="cop", obj=script_info)
    except ConfigError as error:
        sys.exit(f"cop: configuration error: {error}")


if __name__ == "__main__":
    main()
