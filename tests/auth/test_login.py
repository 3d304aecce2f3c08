"""Signing in and out, remember-me, session protection and the login rate limit."""

from __future__ import annotations

from tests import factories
from tests.conftest import login


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'autocomplete="current-password"' in response.data


def test_login_with_right_password_reaches_home(app, client):
    user = factories.make_user(display_name="Kai")
    login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Welcome, Kai" in response.data


def test_login_is_case_insensitive_on_email(client):
    user = factories.make_user(email="Casey@Example.org".lower())
    response = client.post("/login", data={"email": "CASEY@example.ORG",
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    assert user.id


def test_wrong_password_keeps_email_and_says_why(client):
    factories.make_user(email="ana@example.org")
    response = client.post("/login", data={"email": "ana@example.org", "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "do not match an active account" in page
    assert 'value="ana@example.org"' in page
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_sign_in(client):
    user = factories.make_user(is_active=False)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_deactivating_ends_existing_session(app, client):
    user = factories.make_user()
    login(client, user)
    from cop.extensions import db
    with app.app_context():
        db.session.get(type(user), user.id).is_active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_next_parameter_only_allows_local_paths(client):
    user = factories.make_user()
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/profile", data={
        "email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_logout_requires_post_and_signs_out(client):
    user = factories.make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_secure_remember_cookie_only_when_asked(app, client):
    user = factories.make_user()
    login(client, user, remember=False)
    assert client.get_cookie("remember_token") is None
    other = app.test_client()
    login(other, user, remember=True)
    cookie = other.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only


def test_session_protection_is_strong(app):
    from cop.extensions import login_manager
    assert login_manager.session_protection == "strong"


def test_cookies_are_secure_over_https(tmp_path, monkeypatch):
    from cop import create_app
    monkeypatch.setenv("COP_BASE_URL", "https://cop.example.org")
    https_app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                            "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    assert https_app.config["REMEMBER_COOKIE_SECURE"] is True
    assert https_app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_login_attempts_are_rate_limited_with_a_clear_message(app, client):
    factories.make_user(email="rate@example.org")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            client.post("/login", data={"email": "rate@example.org", "password": "wrong"})
        response = client.post("/login", data={"email": "rate@example.org", "password": "wrong"})
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert 'value="rate@example.org"' in page
