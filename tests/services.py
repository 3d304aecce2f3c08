"""Finding the external services some tests need: PostgreSQL and Redis.

Without them a test skips with the reason; with COP_TEST_REQUIRE_SERVICES=1 (as CI sets)
it fails instead, so a missing service can never pass unnoticed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+pg8000://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    return os.environ.get("COP_TEST_REQUIRE_SERVICES") == "1"


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=2):
            return True
    except OSError:
        return False


def unavailable(what: str, url: str) -> None:
    message = f"{what} is not reachable at {url}"
    if services_required():
        pytest.fail(f"{message} and COP_TEST_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{message}; start it to run this test")


def postgres_url() -> str:
    """The PostgreSQL URL for tests that need PostgreSQL specifically."""
    url = os.environ.get("COP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if not reachable(url, 5432):
        unavailable("PostgreSQL", url)
    return url


def redis_url() -> str:
    url = os.environ.get("COP_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if not reachable(url, 6379):
        unavailable("Redis", url)
    return url


@contextmanager
def throwaway_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards.

    Named per process, so test runs sharing one PostgreSQL server never collide.
    """
    base = make_url(postgres_url())
    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
