"""Live room journeys: a meeting with a round, and a member whose network drops."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from cop.cohorts.models import Role
from tests import factories
from tests.e2e.conftest import axe_violations, sign_in


def _meeting():
    cohort = factories.make_cohort(name="Live Group")
    facilitator = factories.make_user(email="fac@live.test", display_name="Dana")
    alex = factories.make_user(email="alex@live.test", display_name="Alex")
    sam = factories.make_user(email="sam@live.test", display_name="Sam")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(alex, cohort, Role.MEMBER)
    factories.enroll(sam, cohort, Role.MEMBER)
    meeting = factories.make_meeting(cohort, title="Week 3 group",
                                     video_url="https://video.example.org/room")
    return meeting


def _enter(new_page, email: str, meeting_id: int, width: int = 1280):
    page = new_page(width=width)
    sign_in(page, email, factories.PASSWORD)
    page.goto(f"/meetings/{meeting_id}/live")
    expect(page.locator("#connection-state")).to_have_text("Connected")
    return page


def _send(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def _messages(page):
    return page.locator("#messages .message-body")


def test_facilitator_and_two_members_hold_a_meeting_with_a_round(new_page):
    meeting = _meeting()
    dana = _enter(new_page, "fac@live.test", meeting.id)
    alex = _enter(new_page, "alex@live.test", meeting.id, width=375)
    sam = _enter(new_page, "sam@live.test", meeting.id)
    for page in (dana, alex, sam):
        expect(page.locator("#presence li")).to_have_count(3)
    expect(alex.get_by_role("link", name="Join the video call")).to_be_visible()
    expect(alex.get_by_role("link", name="Crisis help now")).to_be_visible()
    assert axe_violations(alex) == []

    alex.get_by_role("textbox", name="Message").press_sequentially("Hi all")
    expect(dana.locator("#typing")).to_have_text("Alex is typing…")
    alex.get_by_role("textbox", name="Message").press("Enter")
    _send(sam, "Line one <b>not bold</b> see https://example.org/x")
    for page in (dana, alex, sam):
        expect(_messages(page)).to_have_text(["Hi all", re.compile("not bold")])
    link = dana.locator("#messages a")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(dana.locator("#messages b")).to_have_count(0)

    dana.get_by_label("Card title").fill("Grounding")
    dana.get_by_label("Card text").fill("Notice five things you can see.")
    dana.get_by_role("button", name="Push card").click()
    expect(sam.locator("#card-title")).to_have_text("Grounding")

    dana.get_by_label("Round question").fill("One word for your week?")
    dana.get_by_role("button", name="Start round").click()
    expect(alex.locator("#round-question")).to_have_text("One word for your week?")
    expect(alex.locator("#round-turn")).to_have_text("It is your turn: share, or pass.")
    expect(sam.locator("#round-turn")).to_have_text("Alex's turn")
    _send(alex, "Tired")
    alex.get_by_role("button", name="I'm done sharing").click()
    expect(sam.locator("#round-turn")).to_have_text("It is your turn: share, or pass.")
    sam.get_by_role("button", name="Pass").click()
    expect(dana.locator("#round-turn")).to_have_text("The round has ended.")
    expect(dana.locator("#round-turns li")).to_have_text(["Alex — shared", "Sam — passed"])

    dana.once("dialog", lambda dialog: dialog.accept("identifying detail"))
    dana.get_by_role("button", name="Delete message from Sam").click()
    expect(alex.locator("#messages .message-deleted .message-body")).to_have_text("removed by facilitator")

    dana.get_by_role("button", name="Mute Sam").click()
    expect(sam.locator("#composer-help")).to_contain_text("muted")
    _send(sam, "can I still talk?")
    expect(sam.locator("#live-error")).to_contain_text("muted")
    expect(sam.get_by_role("textbox", name="Message")).to_have_value("can I still talk?")  # nothing lost
    dana.get_by_role("button", name="Unmute Sam").click()
    expect(sam.locator("#composer-help")).to_contain_text("Enter sends")


def test_member_offline_sends_and_comes_back_to_a_complete_conversation(new_page):
    meeting = _meeting()
    dana = _enter(new_page, "fac@live.test", meeting.id)
    alex = _enter(new_page, "alex@live.test", meeting.id, width=375)
    _send(dana, "Welcome back everyone")
    expect(_messages(alex)).to_have_text(["Welcome back everyone"])

    alex.context.set_offline(True)
    expect(alex.locator("#connection-state")).not_to_have_text("Connected", timeout=60_000)
    _send(alex, "Sent from the ambulance bay")
    expect(alex.locator("#messages .message-pending")).to_have_count(1)
    _send(dana, "While Alex was away 1")
    _send(dana, "While Alex was away 2")

    alex.context.set_offline(False)
    expect(alex.locator("#connection-state")).to_have_text("Connected", timeout=30_000)
    expected = ["Welcome back everyone", "While Alex was away 1", "While Alex was away 2",
                "Sent from the ambulance bay"]
    expect(_messages(alex)).to_have_text(expected)
    expect(_messages(dana)).to_have_text(expected)
    expect(alex.locator("#messages .message-pending")).to_have_count(0)
    alex.reload()
    expect(_messages(alex)).to_have_text(expected)
