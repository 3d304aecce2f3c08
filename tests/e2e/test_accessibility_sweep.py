"""Every page, every role that may see it, at phone and desktop width: no serious or
critical axe-core violation, no sideways scrolling on a 375 px phone, and every button
big enough to tap.

The pages come from the url map and the access matrix in tests/test_permissions.py, so a
new page is swept as soon as it has its ACCESS entry (which that module already demands).
Only responses that are not HTML (static files, calendar feeds, JSON fragments) are
skipped, told apart by their Content-Type.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests import factories
from tests.conftest import ROLES, World
from tests.e2e.conftest import axe_violations, sign_in
from tests.test_permissions import ACCESS, sample_values

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 44  # px: the smallest comfortable touch target (WCAG 2.5.5)

# Elements that stick out past the right edge of the viewport, to say what to fix.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5)
  .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
       + (typeof el.className === 'string' && el.className
          ? '.' + el.className.trim().replace(/\\s+/g, '.') : ''))"""

# Visible buttons (and links dressed as buttons) and form fields smaller than a fingertip.
# A checkbox or radio is measured by its row (its parent, label included), the real target.
SMALL_TARGETS = """(min) => Array.from(document.querySelectorAll(
    'button, .button, select, textarea, input:not([type=hidden])'))
  .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
  .map((el) => (el.type === 'checkbox' || el.type === 'radio' ? el.parentElement : el))
  .filter((el) => { const box = el.getBoundingClientRect();
                    return box.height < min - 0.5 || box.width < min - 0.5; })
  .slice(0, 5)
  .map((el) => el.tagName.toLowerCase() + ' "' + (el.textContent || el.name || '').trim().slice(0, 30)
       + '" ' + Math.round(el.getBoundingClientRect().width) + 'x'
       + Math.round(el.getBoundingClientRect().height))"""


def pages_for(app: Flask, world: World, role: str) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route that answers 200 to ``role``."""
    values = sample_values(world)
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods:
            continue
        method, expected = ACCESS[rule.endpoint]
        assert method == "GET", f"{rule.endpoint} answers GET but its ACCESS entry is {method}"
        if expected[role] == 200:
            url = rule.build({arg: values[arg] for arg in rule.arguments},
                             append_unknown=False)[1]
            found.append((rule.endpoint, url))
    return found


def _stress_content(app: Flask, world: World) -> None:
    """Content that breaks careless layouts: an unbroken URL, a long word, a content note
    and an open flag (so the review queue has something in it)."""
    from cop.auth.models import User
    from cop.discussions.models import Post
    from cop.discussions.services import flag_post, reply
    from cop.extensions import db

    long_url = "https://example.org/" + "really-long-path-segment-" * 8 + "end"
    with app.app_context():
        post = db.session.get(Post, world.post.id)
        answer = reply(post.thread, db.session.get(User, world.member.id),
                       f"See <{long_url}> and {long_url} and "
                       f"Donaudampfschifffahrtsgesellschaftskapitaensmuetzen{'x' * 60}.",
                       post, content_note="Mentions a hard call")
        flag_post(answer, db.session.get(User, world.facilitator.id), "privacy",
                  "Names a place")


def _check(page, endpoint: str, url: str) -> list[str]:
    probe = page.context.request.get(url, max_redirects=0)
    content_type = probe.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return []
    page.set_viewport_size(PHONE)
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"{endpoint} {url}: status {response and response.status}, expected 200"]
    return _check_shown(page, f"{endpoint} {url}")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible_and_fits_a_phone(app, world, new_page, role):
    _stress_content(app, world)
    page = new_page(**PHONE)
    user = world.user(role)
    if user is not None:
        sign_in(page, user.email, factories.PASSWORD)
    pages = pages_for(app, world, role)
    assert pages, f"no page answers 200 to {role}"
    problems = [problem for endpoint, url in pages for problem in _check(page, endpoint, url)]
    assert not problems, "\n".join(problems)


def test_error_and_refusal_pages_are_accessible_and_fit_a_phone(world, browser, live_server):
    """The pages the matrix reaches only with a non-200 answer: not found, forbidden, a
    spent reset link, someone else's invitation, and a sign-in form with its error.
    (Its own browser context: Chromium logs every 4xx answer as a console error.)"""
    values = sample_values(world)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(world.member.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    problems = _check_shown(page, "login with an error")
    sign_in(page, world.member.email, factories.PASSWORD)
    for url in ("/no-such-page", "/admin/users", "/reset/not-a-token",
                f"/invite/{values['token']}"):
        page.goto(url)
        problems += _check_shown(page, url)
    context.close()
    assert not problems, "\n".join(problems)


def _check_shown(page, what: str) -> list[str]:
    """The checks of ``_check`` on the page as it is now, at both widths."""
    page.set_viewport_size(PHONE)
    problems = [f"{what} @375: {violation}" for violation in axe_violations(page)]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = page.evaluate(OVERFLOWING, PHONE["width"])
        problems.append(f"{what} @375: scrolls sideways ({width}px): {culprits}")
    if small := page.evaluate(SMALL_TARGETS, MIN_TARGET):
        problems.append(f"{what} @375: targets under {MIN_TARGET}px: {small}")
    page.set_viewport_size(DESKTOP)
    problems += [f"{what} @1280: {violation}" for violation in axe_violations(page)]
    return problems
