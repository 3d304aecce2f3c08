"""What every page shares: security headers, error pages, CSRF, crisis resources."""

from __future__ import annotations

import re
from pathlib import Path

from tests import factories
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def test_strict_content_security_policy(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "*" not in policy
    assert client.get("/login").headers["Referrer-Policy"] == "no-referrer"


def test_pages_are_not_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_crisis_resources_are_one_tap_away_on_every_page(client):
    for path in ("/login", "/crisis", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="tel:988"' in page and 'href="tel:911"' in page
        assert 'href="/crisis"' in page


def test_404_uses_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b'class="site-header"' in response.data


def test_500_shows_no_trace(app, client, monkeypatch):
    user = factories.make_user()
    login(client, user)
    import cop.home.views as home_views

    def explode(_user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(home_views, "cohorts_for_home", explode)
    response = client.get("/")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert b"Something went wrong" in response.data


def test_missing_csrf_token_is_refused_and_keeps_typed_text(app, client):
    user = factories.make_user()
    login(client, user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/profile", data={"profile-display_name": "My typed name",
                                                 "profile-timezone": "UTC",
                                                 "profile-submit": "1"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert b"My typed name" in response.data


def test_templates_have_no_inline_script_style_or_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text()
        if re.search(r"<script(?![^>]*(\bsrc=|application/json))[^>]*>", source):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", source):
            offenders.append(f"{path}: on* handler")
        if re.search(r"\sstyle\s*=", source) or "<style" in source:
            offenders.append(f"{path}: inline style")
        if re.search(r"(src|href)=\"https?://", source):
            offenders.append(f"{path}: remote resource")
    assert not offenders, offenders


def test_json_script_tags_are_the_only_inline_scripts_allowed():
    # Data for modules travels in <script type="application/json"> or data-* attributes.
    for path in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", path.read_text()):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
