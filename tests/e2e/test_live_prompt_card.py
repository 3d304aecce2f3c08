"""A facilitator puts a prompt linked to the meeting on the room's card."""

from __future__ import annotations

from playwright.sync_api import expect

from cop.cohorts.models import Role
from tests import factories
from tests.e2e.test_live_room import _enter

QUESTION = "What did a siren do to you this week?"


def test_linked_prompt_becomes_the_rooms_card(new_page):
    cohort = factories.make_cohort(name="Card Group")
    factories.enroll(factories.make_user(email="dana@card.test"), cohort, Role.FACILITATOR)
    factories.enroll(factories.make_user(email="alex@card.test"), cohort, Role.MEMBER)
    meeting = factories.make_meeting(cohort)
    factories.make_prompt(cohort, meeting_id=meeting.id, title=QUESTION,
                          body="Share as much or as little as you like.")
    dana = _enter(new_page, "dana@card.test", meeting.id)
    alex = _enter(new_page, "alex@card.test", meeting.id, width=375)
    expect(alex.get_by_role("button", name=f"Put “{QUESTION}” on the card")).to_have_count(0)

    dana.get_by_role("button", name=f"Put “{QUESTION}” on the card").click()
    expect(dana.get_by_label("Card title")).to_have_value(QUESTION)
    dana.get_by_role("button", name="Push card").click()
    expect(alex.locator("#card-title")).to_have_text(QUESTION)
    expect(alex.locator("#card-body")).to_have_text("Share as much or as little as you like.")
