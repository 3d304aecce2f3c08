"""Admins create and edit accounts; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.extensions import db
from tests import factories
from tests.conftest import login


def _admin_client(app):
    admin = factories.make_user(is_admin=True, display_name="Root")
    client = app.test_client()
    login(client, admin)
    return client, admin


def test_admin_creates_a_user_and_it_is_audited(app):
    client, admin = _admin_client(app)
    response = client.post("/admin/users/new", data={
        "email": "New.Person@example.org", "display_name": "Newbie",
        "timezone": "America/Toronto", "password": "initial long password"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="new.person@example.org"))
        assert user.timezone == "America/Toronto" and not user.is_admin
        entry = db.session.scalar(select(AuditEvent).filter_by(action="user.create"))
        assert (entry.actor_id, entry.target_id) == (admin.id, user.id)


def test_duplicate_email_keeps_what_was_typed(app):
    client, _ = _admin_client(app)
    factories.make_user(email="taken@example.org")
    response = client.post("/admin/users/new", data={
        "email": "taken@example.org", "display_name": "Typed name",
        "timezone": "UTC", "password": "initial long password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in page
    assert 'value="Typed name"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 0


def test_admin_deactivates_a_user_and_their_session_ends(app):
    client, _ = _admin_client(app)
    person = factories.make_user()
    their_client = app.test_client()
    login(their_client, person)
    response = client.post(f"/admin/users/{person.id}", data={
        "display_name": person.display_name, "timezone": person.timezone, "is_active": ""})
    assert response.status_code == 302
    assert their_client.get("/").status_code == 302


def test_admin_cannot_demote_themselves(app):
    client, admin = _admin_client(app)
    response = client.post(f"/admin/users/{admin.id}", data={
        "display_name": "Root", "timezone": "UTC", "is_active": "y"})
    assert response.status_code == 200
    assert b"cannot remove your own admin rights" in response.data


def test_unknown_user_is_404(app):
    client, _ = _admin_client(app)
    assert client.get("/admin/users/999999").status_code == 404


def test_emails_are_shown_to_admins_only(app, world, client_as):
    assert world.member.email.encode() in client_as("admin").get("/admin/users").data
    page = client_as("member").get(f"/cohorts/{world.cohort.id}").data
    assert world.facilitator.email.encode() not in page
    assert world.facilitator.display_name.encode() in page


def test_audit_log_lists_entries(app):
    client, _ = _admin_client(app)
    client.post("/admin/users/new", data={"email": "a@example.org", "display_name": "A",
                                          "timezone": "UTC", "password": "initial long password"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.create" in page and "Root" in page


def test_audit_entries_are_append_only(app):
    import pytest

    from cop.audit.services import record

    with app.app_context():
        entry = record(None, "test.action", "thing", 1)
        db.session.commit()
        entry.reason = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
