"""A reply appears live in another member's open thread, and unread counts follow."""

from __future__ import annotations

from playwright.sync_api import expect

from cop.cohorts.models import Role
from tests import factories
from tests.e2e.conftest import axe_violations, sign_in


def test_a_reply_appears_live_in_another_members_open_thread(new_page):
    cohort = factories.make_cohort(name="Live Thread Group")
    facilitator = factories.make_user(email="fac-live@example.org", display_name="Fran")
    writer = factories.make_user(email="writer-live@example.org", display_name="Wren")
    reader = factories.make_user(email="reader-live@example.org", display_name="Reid")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(writer, cohort, Role.MEMBER)
    factories.enroll(reader, cohort, Role.MEMBER)
    thread = factories.make_thread(cohort, facilitator, title="After the call",
                                   body="What helped this week?")

    reading = new_page(width=375, height=800)
    sign_in(reading, "reader-live@example.org", factories.PASSWORD)
    reading.goto(f"/discussions/threads/{thread.id}")
    expect(reading.get_by_role("heading", name="After the call")).to_be_visible()
    expect(reading.locator('#discussion[data-live="on"]')).to_have_count(1)
    assert axe_violations(reading) == []

    listing = new_page()
    sign_in(listing, "fac-live@example.org", factories.PASSWORD)
    listing.goto(f"/cohorts/{cohort.id}/discussions")
    expect(listing.locator('#discussion[data-live="on"]')).to_have_count(1)
    expect(listing.locator("[data-unread-total]")).to_have_text("0")

    writing = new_page()
    sign_in(writing, "writer-live@example.org", factories.PASSWORD)
    writing.goto(f"/discussions/threads/{thread.id}")
    writing.get_by_label("Your reply").fill("A long walk with the dog **helped**.")
    writing.get_by_role("button", name="Post reply").click()
    expect(writing.get_by_text("A long walk with the dog")).to_be_visible()

    # Without reloading: the reply is in the reader's page, announced, and can be answered.
    live = reading.locator("article.post", has_text="A long walk with the dog")
    expect(live).to_be_visible()
    expect(live.locator("strong", has_text="helped")).to_be_visible()
    expect(reading.locator("#live-status")).to_have_text("New reply from Wren.")
    expect(live.get_by_role("link", name="Reply to Wren")).to_be_visible()
    assert reading.evaluate("() => document.documentElement.scrollWidth") <= 375
    # ...and the facilitator's list counts it as unread.
    expect(listing.locator("[data-unread-total]")).to_have_text("1")
    expect(listing.locator(f'[data-unread-for="{thread.id}"]')).to_have_text("1 unread")

    # A nested answer lands under the post it answers.
    live.get_by_role("link", name="Reply to Wren").click()
    reading.get_by_label("Your reply").fill("Same: walks help me too.")
    reading.get_by_role("button", name="Post reply").click()
    expect(writing.locator("ol.replies ol.replies article.post",
                           has_text="Same: walks help me too.")).to_be_visible()
