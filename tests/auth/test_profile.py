"""The profile page: display name, time zone and password."""

from __future__ import annotations

from cop.auth.models import User
from cop.extensions import db
from tests import factories
from tests.conftest import login


def test_profile_saves_name_and_timezone(app, client):
    user = factories.make_user()
    login(client, user)
    response = client.post("/profile", data={"profile-display_name": "Nightshift",
                                             "profile-timezone": "Europe/London",
                                             "profile-submit": "1"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.display_name, saved.timezone) == ("Nightshift", "Europe/London")


def test_profile_rejects_unknown_timezone_and_keeps_input(client):
    user = factories.make_user()
    login(client, user)
    response = client.post("/profile", data={"profile-display_name": "Kept name",
                                             "profile-timezone": "Mars/Olympus",
                                             "profile-submit": "1"})
    assert response.status_code == 200
    assert b"Not a valid choice" in response.data
    assert b'value="Kept name"' in response.data


def test_change_password_needs_the_current_one(client):
    user = factories.make_user()
    login(client, user)
    response = client.post("/profile", data={"pw-current_password": "wrong",
                                             "pw-password": "new long secret",
                                             "pw-confirm": "new long secret", "pw-submit": "1"})
    assert b"not your current password" in response.data
    response = client.post("/profile", data={"pw-current_password": factories.PASSWORD,
                                             "pw-password": "new long secret",
                                             "pw-confirm": "new long secret", "pw-submit": "1"})
    assert response.status_code == 302
    # This session survives the change; the new password works.
    assert client.get("/profile").status_code == 200
    client.post("/logout")
    login(client, user, password="new long secret")


def test_short_password_is_refused(client):
    user = factories.make_user()
    login(client, user)
    response = client.post("/profile", data={"pw-current_password": factories.PASSWORD,
                                             "pw-password": "short", "pw-confirm": "short",
                                             "pw-submit": "1"})
    assert b"at least 10 characters" in response.data
