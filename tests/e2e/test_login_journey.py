"""A person signs in, finds their group, and signs out; the pages pass axe."""

from __future__ import annotations

from playwright.sync_api import expect

from cop.cohorts.models import Role
from tests import factories
from tests.e2e.conftest import axe_violations, sign_in


def test_member_signs_in_sees_their_group_and_signs_out(page):
    cohort = factories.make_cohort(name="Station 7 Group")
    member = factories.make_user(email="jo@example.org", display_name="Jo")
    factories.enroll(member, cohort, Role.MEMBER)

    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("Email").fill("jo@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("do not match an active account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("jo@example.org")

    sign_in(page, "jo@example.org", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Jo")).to_be_visible()
    page.get_by_role("link", name="Station 7 Group").click()
    expect(page.get_by_role("heading", name="Station 7 Group")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_crisis_help_is_one_tap_away_at_phone_width(new_page):
    page = new_page(width=375, height=740)
    page.goto("/login")
    crisis = page.get_by_role("link", name="Crisis help")
    expect(crisis).to_be_visible()
    crisis.click()
    expect(page.locator('a[href="tel:988"]').first).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_login_and_home_pages_have_no_serious_accessibility_violations(page):
    cohort = factories.make_cohort(name="Axe Group")
    member = factories.make_user(email="axe@example.org", display_name="Axe")
    factories.enroll(member, cohort, Role.MEMBER)
    page.goto("/login")
    assert axe_violations(page) == []
    sign_in(page, "axe@example.org", factories.PASSWORD)
    assert axe_violations(page) == []


def test_keyboard_alone_can_sign_in(page):
    factories.make_user(email="keys@example.org", display_name="Keys")
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Email").focus()
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", name="Welcome, Keys")).to_be_visible()
