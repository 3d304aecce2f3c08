"""Running the real server on eventlet (the default) or gevent.

Flask-SocketIO's own server is used in production: gunicorn 26 and later have no
eventlet worker. One process per core runs behind a proxy with sticky sessions.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

_patched_mode: str | None = None

# How often long-lived objects are moved out of the collector's sight (see _freeze_loop);
# COP_GC_FREEZE_SECONDS overrides it, 0 turns it off (bench/ measures both).
GC_FREEZE_SECONDS = 30


def patch_for_async_mode() -> str:
    """Monkey-patch the standard library for COP_ASYNC_MODE; must run before other imports."""
    global _patched_mode
    from cop.config import async_mode_from_env

    mode = async_mode_from_env()
    if _patched_mode is None:
        if mode == "eventlet":
            import eventlet

            eventlet.monkey_patch()
        elif mode == "gevent":
            from gevent import monkey

            monkey.patch_all()
        _patched_mode = mode
    return mode


def run(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` and its Socket.IO endpoint until interrupted."""
    from cop.extensions import socketio

    mode = socketio.server.eio.async_mode
    options: dict[str, object] = {"log_output": os.environ.get("COP_ACCESS_LOG") == "1"}
    if mode == "eventlet":
        # eventlet caps concurrent connections at 1,024 unless told otherwise.
        options["max_size"] = app.config["MAX_CONNECTIONS"]
    elif mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    _raise_open_file_limit(app.config["MAX_CONNECTIONS"])
    _forget_previous_run(app, host, port)
    if _freeze_seconds() > 0:
        socketio.start_background_task(_freeze_loop)
    from cop.tick import start_scheduler

    start_scheduler(app)
    log.info("cop serving on http://%s:%s (%s)", host, port, mode)
    socketio.run(app, host=host, port=port, use_reloader=False, debug=False, **options)


def _raise_open_file_limit(connections: int) -> None:
    """Every connection holds a file descriptor; the usual soft limit (1,024) would refuse
    connections long before MAX_CONNECTIONS. Raise it as far as the hard limit allows."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256  # the database, logs and listening sockets
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < wanted:
            log.warning("open files limited to %s: fewer than %s connections fit", target,
                        connections)


def _freeze_seconds() -> float:
    return float(os.environ.get("COP_GC_FREEZE_SECONDS") or GC_FREEZE_SECONDS)


def _forget_previous_run(app: Flask, host: str, port: int) -> None:
    """Live-room connections a crashed or restarted run on this address left in the database
    are gone: close them so presence and attendance stay true."""
    from sqlalchemy.exc import SQLAlchemyError

    from cop.live.services import forget_server

    os.environ.setdefault("COP_SERVER_ID", f"{host}:{port}")
    with app.app_context():
        try:
            forget_server(os.environ["COP_SERVER_ID"])
        except SQLAlchemyError:
            log.exception("could not clear old live connections (is the database upgraded?)")


def _freeze_loop() -> None:
    """Periodically move surviving objects into the permanent generation.

    A server holding thousands of long-lived per-connection objects otherwise spends long
    collector pauses re-scanning them, which shows up directly as fan-out latency.
    """
    from cop.extensions import socketio

    while True:
        socketio.sleep(_freeze_seconds())
        gc.collect(1)
        gc.freeze()
