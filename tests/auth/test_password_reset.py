"""Password reset by a signed, expiring, single-use link sent by mail."""

from __future__ import annotations

import re
from email import message_from_bytes

from itsdangerous import URLSafeTimedSerializer

from tests import factories
from tests.conftest import login


def _reset_link(outbox) -> str:
    mails = sorted(outbox.glob("*.eml"))
    assert len(mails) == 1
    body = message_from_bytes(mails[0].read_bytes()).get_payload(decode=True).decode()
    match = re.search(r"http://cop\.test(/reset/\S+)", body)
    assert match, body
    return match.group(1)


def test_reset_mail_carries_a_working_link(client, outbox):
    user = factories.make_user(email="riley@example.org")
    response = client.post("/reset", data={"email": "riley@example.org"})
    assert response.status_code == 302
    path = _reset_link(outbox)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 302
    login(client, user, password="a brand new secret")


def test_reset_link_works_only_once(client, outbox):
    factories.make_user(email="once@example.org")
    client.post("/reset", data={"email": "once@example.org"})
    path = _reset_link(outbox)
    client.post(path, data={"password": "first new secret", "confirm": "first new secret"})
    response = client.post(path, data={"password": "second new secret", "confirm": "second new secret"})
    assert response.status_code == 400
    assert b"no longer works" in response.data


def test_expired_reset_link_is_refused(app, client):
    user = factories.make_user()
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="cop.password-reset")
    token = serializer.dumps({"uid": user.id, "st": user.session_token})
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/reset/{token}")
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert response.status_code == 400


def test_tampered_link_is_refused(client):
    assert client.get("/reset/not-a-token").status_code == 400


def test_unknown_address_reveals_nothing_and_sends_nothing(client, outbox):
    response = client.post("/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert b"If that address belongs to an account" in response.data
    assert not list(outbox.glob("*.eml")) if outbox.exists() else True


def test_mismatched_passwords_keep_the_form(client, outbox):
    factories.make_user(email="mm@example.org")
    client.post("/reset", data={"email": "mm@example.org"})
    path = _reset_link(outbox)
    response = client.post(path, data={"password": "one long password", "confirm": "another one"})
    assert response.status_code == 200
    assert b"The passwords differ." in response.data


def test_reset_ends_other_sessions(app, client, outbox):
    user = factories.make_user(email="ends@example.org")
    other_device = app.test_client()
    login(other_device, user)
    client.post("/reset", data={"email": "ends@example.org"})
    path = _reset_link(outbox)
    client.post(path, data={"password": "fresh long secret", "confirm": "fresh long secret"})
    assert other_device.get("/").status_code == 302
