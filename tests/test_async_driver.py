"""The PostgreSQL driver cooperates with the async mode.

A libpq-based driver would block eventlet's or gevent's single loop for the whole length of
a query; pg8000 talks over the (monkey-patched) socket module, so other green threads keep
running while a query waits. Checked in a fresh interpreter, patched as `cop serve` patches.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.cli_helpers import PROJECT_ROOT
from tests.services import postgres_url

SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["COP_ASYNC_MODE"] = sys.argv[1]
    from cop.serving import patch_for_async_mode
    mode = patch_for_async_mode()
    import time
    from sqlalchemy import create_engine, text
    from cop.extensions import socketio  # noqa: F401  (imports as the server does)

    if mode == "eventlet":
        import eventlet as green
        spawn, sleep = green.spawn, green.sleep
    else:
        import gevent as green
        spawn, sleep = green.spawn, green.sleep

    engine = create_engine(sys.argv[2])
    ticks = []

    def ticker():
        for _ in range(20):
            ticks.append(time.monotonic())
            sleep(0.05)

    def query():
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(0.6)"))

    started = time.monotonic()
    workers = [spawn(query), spawn(ticker)]
    for worker in workers:
        worker.join() if mode == "gevent" else worker.wait()
    during = [t for t in ticks if started < t < started + 0.6]
    print(len(during))
""")


@pytest.mark.services
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_queries_do_not_block_the_event_loop(mode):
    url = postgres_url()
    result = subprocess.run([sys.executable, "-c", SCRIPT, mode, url], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    ticks_during_query = int(result.stdout.strip().splitlines()[-1])
    # The ticker wakes every 50 ms: a blocked loop would show 0 or 1 ticks in 600 ms.
    assert ticks_during_query >= 6, result.stdout
