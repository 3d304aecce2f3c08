"""Factories: callables with sensible defaults and keyword overrides."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import has_app_context

from cop.auth.models import User
from cop.auth.passwords import hash_password
from cop.calendar.models import CalendarFeed
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.db import utcnow
from cop.extensions import db
from cop.invitations.models import Invitation
from cop.schedule.models import Meeting, MeetingKind

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)
_password_hash: str | None = None


T = TypeVar("T")


def _save(obj: T) -> T:
    """Commit ``obj``. Outside an app context the object comes back detached, with its
    columns loaded, so a test can use its id and fields without holding a context (a held
    context would share ``g``, and so the signed-in user, across test-client requests)."""
    if has_app_context():
        db.session.add(obj)
        db.session.commit()
        return obj
    from tests.conftest import current_test_app

    with current_test_app().app_context():
        db.session.add(obj)
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
    return obj


def _hashed_password() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def make_user(**overrides: Any) -> User:
    n = next(_sequence)
    values: dict[str, Any] = {"email": f"person{n}@example.org", "display_name": f"Person {n}",
                              "timezone": "America/Vancouver", "is_admin": False}
    values.update(overrides)
    password = values.pop("password", None)
    return _save(User(**values,
                      password_hash=hash_password(password) if password else _hashed_password()))


def make_cohort(**overrides: Any) -> Cohort:
    n = next(_sequence)
    values: dict[str, Any] = {"name": f"Cohort {n}", "timezone": "America/Vancouver",
                              "status": CohortStatus.ACTIVE, "capacity": 12}
    values.update(overrides)
    return _save(Cohort(**values))


def enroll(user: User, cohort: Cohort, role: Role | str = Role.MEMBER) -> Membership:
    return _save(Membership(user_id=user.id, cohort_id=cohort.id, role=Role(role)))


def make_meeting(cohort: Cohort, **overrides: Any) -> Meeting:
    values: dict[str, Any] = {"title": "Weekly group", "kind": MeetingKind.VIRTUAL,
                              "starts_at": utcnow() - timedelta(minutes=5),
                              "duration_minutes": 90}
    values.update(overrides)
    return _save(Meeting(cohort_id=cohort.id, **values))


def make_thread(cohort: Cohort, author: User, **overrides: Any) -> Any:
    """A discussion thread (through the service, so it is indexed and announced)."""
    from cop.discussions.services import create_thread

    values: dict[str, Any] = {"title": "Sleep after nights", "body": "How do you all wind down?"}
    values.update(overrides)
    return _in_context(lambda: create_thread(db.session.merge(cohort), db.session.merge(author),
                                             values.pop("title"), values.pop("body"), **values))


def make_reply(thread: Any, author: User, body: str = "Same here.", parent: Any = None,
               **overrides: Any) -> Any:
    from cop.discussions.services import reply

    return _in_context(lambda: reply(db.session.merge(thread), db.session.merge(author), body,
                                     db.session.merge(parent) if parent else None, **overrides))


def _in_context(build: Any) -> Any:
    """Run a service that commits (outside any request, as the CLI would); hand back its
    result detached, columns loaded."""
    if has_app_context():
        return build()
    from tests.conftest import current_test_app

    with current_test_app().app_context():
        obj = build()
        db.session.refresh(obj)
        db.session.expunge(obj)
    return obj


def at(text: str) -> datetime:
    """An aware UTC datetime from an ISO string such as '2026-03-08T10:00:00+00:00'."""
    return datetime.fromisoformat(text)


def make_invitation(cohort: Cohort, **overrides: Any) -> Invitation:
    values: dict[str, Any] = {"role": Role.MEMBER, "expires_at": utcnow() + timedelta(days=7),
                              "max_uses": 1}
    values.update(overrides)
    return _save(Invitation(cohort_id=cohort.id, **values))


def make_feed(user: User) -> CalendarFeed:
    return _save(CalendarFeed(user_id=user.id))


def make_prompt(cohort: Cohort, **overrides: Any) -> Any:
    """A prompt released now (override ``release_kind`` and friends for other rules)."""
    from cop.prompts.models import Prompt, ReleaseKind

    values: dict[str, Any] = {"title": "How has your sleep been?", "body": "Tell us a little.",
                              "release_kind": ReleaseKind.NOW,
                              "release_at": utcnow() - timedelta(minutes=1)}
    values.update(overrides)
    return _save(Prompt(cohort_id=cohort.id, **values))


def make_notification(user: User, **overrides: Any) -> Any:
    from cop.notifications.models import Notification

    values: dict[str, Any] = {"kind": "test", "summary": "Something happened", "url": "/"}
    values.update(overrides)
    return _save(Notification(user_id=user.id, **values))


def make_library_prompt(owner: User | None, **overrides: Any) -> Any:
    from cop.prompts.models import LibraryPrompt

    values: dict[str, Any] = {"title": "Saved prompt", "body": "A question worth keeping."}
    values.update(overrides)
    return _save(LibraryPrompt(owner_id=owner.id if owner else None, **values))
