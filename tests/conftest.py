"""Shared fixtures: one app per test session, a clean database for every test.

The suite runs on SQLite by default; COP_TEST_DATABASE_URL pointing at PostgreSQL runs
the same tests there (CI does both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from cop import create_app
from cop.auth.models import User
from cop.cohorts.models import Cohort, Role
from cop.discussions.models import Post, Thread
from cop.extensions import db, limiter
from cop.schedule.models import Meeting
from tests import factories
from tests.services import reachable, unavailable


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("COP_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_root / 'test.db'}"
    if url.startswith(("postgresql", "postgres")) and not reachable(url, 5432):
        unavailable("PostgreSQL (COP_TEST_DATABASE_URL)", url)
    return url


_current_app: Flask | None = None


def current_test_app() -> Flask:
    assert _current_app is not None, "the app fixture is not active"
    return _current_app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app, with no context held open: each request and ``with app.app_context()``
    block gets its own, as in production."""
    global _current_app
    root = tmp_path_factory.mktemp("cop")
    app = create_app({
        "TESTING": True,
        "COP_ENV": "test",
        "INSTANCE_PATH": str(root / "instance"),
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _database_url(root),
        "WTF_CSRF_ENABLED": False,  # enabled by the tests that are about CSRF
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "MAIL_OUTBOX": str(root / "outbox"),
        "BASE_URL": "http://cop.test",
        "SERVER_NAME": None,
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    _current_app = app
    yield app
    with app.app_context():
        db.drop_all()
    _current_app = None


def _empty_all_tables() -> None:
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with empty tables, empty outbox and fresh rate-limit counters."""
    yield
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        with app.app_context():
            _empty_all_tables()
            limiter.reset()
        outbox = Path(app.config["MAIL_OUTBOX"])
        for mail in outbox.glob("*.eml") if outbox.exists() else []:
            mail.unlink()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> Path:
    return Path(app.config["MAIL_OUTBOX"])


def login(client: FlaskClient, user: User, password: str = factories.PASSWORD,
          remember: bool = False) -> None:
    response = client.post("/login", data={"email": user.email, "password": password,
                                           "remember": "y" if remember else ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@dataclass
class World:
    """Two cohorts and one person in every role the permission rules distinguish."""

    admin: User
    facilitator: User
    member: User
    other_member: User  # a member of cohort_b only
    cohort: Cohort
    cohort_b: Cohort
    meeting: Meeting
    meeting_b: Meeting
    thread: Thread  # a discussion thread in cohort A, started by the facilitator
    post: Post      # the facilitator's reply in it

    def user(self, role: str) -> User | None:
        return {"admin": self.admin, "facilitator": self.facilitator, "member": self.member,
                "other_member": self.other_member, "anonymous": None}[role]


ROLES = ("anonymous", "other_member", "member", "facilitator", "admin")


@pytest.fixture
def world(app: Flask) -> World:
    cohort = factories.make_cohort(name="Cohort A")
    cohort_b = factories.make_cohort(name="Cohort B")
    admin = factories.make_user(display_name="Admin", is_admin=True)
    facilitator = factories.make_user(display_name="Fran Facilitator")
    member = factories.make_user(display_name="Mo Member")
    other_member = factories.make_user(display_name="Bea of B")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(member, cohort, Role.MEMBER)
    factories.enroll(other_member, cohort_b, Role.MEMBER)
    meeting = factories.make_meeting(cohort)
    meeting_b = factories.make_meeting(cohort_b)
    thread = factories.make_thread(cohort, facilitator)
    post = factories.make_reply(thread, facilitator)
    return World(admin, facilitator, member, other_member, cohort, cohort_b, meeting, meeting_b,
                 thread, post)


@pytest.fixture
def client_as(app: Flask, world: World):
    """``client_as("member")``: a test client signed in as that role of the world."""

    def build(role: str) -> FlaskClient:
        client = app.test_client()
        user = world.user(role)
        if user is not None:
            login(client, user)
        return client

    return build
