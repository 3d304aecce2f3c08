"""A facilitator schedules a prompt; a member's bell lights up live and they answer privately."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from cop.cohorts.models import Role
from cop.db import utcnow
from cop.extensions import db
from cop.schedule.models import Meeting
from tests import factories
from tests.conftest import current_test_app
from tests.e2e.conftest import axe_violations, sign_in


def _group(name: str):
    cohort = factories.make_cohort(name=name)
    facilitator = factories.make_user(email=f"fac-{cohort.id}@example.org", display_name="Dana")
    member = factories.make_user(email=f"mem-{cohort.id}@example.org", display_name="Alex")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(member, cohort, Role.MEMBER)
    return cohort, facilitator, member


def test_facilitator_schedules_a_prompt_and_member_answers_privately(new_page):
    cohort, facilitator, member = _group("Station 9 Group")
    member_page = new_page(width=375, height=800)
    sign_in(member_page, member.email, factories.PASSWORD)
    expect(member_page.locator("[data-bell-count]")).to_be_hidden()

    page = new_page()
    sign_in(page, facilitator.email, factories.PASSWORD)
    page.goto(f"/cohorts/{cohort.id}/prompts/new")
    # Only the details of the chosen release kind are shown.
    expect(page.get_by_label("Date", exact=True)).to_be_hidden()
    page.get_by_label("At a date and time").check()
    expect(page.get_by_label("Date", exact=True)).to_be_visible()
    page.get_by_label("Now", exact=True).check()
    page.get_by_label("Title").fill("A siren this week")
    page.get_by_label("The question").fill("What did a siren do to you this week?")
    page.get_by_label("Sensory tolerance").check()
    page.get_by_label("Private reflection").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save prompt").click()
    expect(page.get_by_role("heading", name="A siren this week")).to_be_visible()

    # The member's bell updates without a reload, and the count is announced politely.
    expect(member_page.locator("[data-bell-number]")).to_have_text("1")
    expect(member_page.locator("[data-bell-count]")).to_be_visible()
    expect(member_page.locator("[data-bell-announce]")).to_contain_text("A new prompt is open")
    member_page.get_by_role("link", name="Notifications").click()
    member_page.get_by_role("link", name="A new prompt is open in Station 9 Group").click()
    expect(member_page.get_by_role("heading", name="A siren this week")).to_be_visible()
    expect(member_page.get_by_text("Private reflection: your response is seen only by you")) \
        .to_be_visible()
    # Opening it marked it read: the bell is quiet again.
    expect(member_page.locator("[data-bell-count]")).to_be_hidden()
    member_page.get_by_label("Your response").fill("I pulled over and breathed. It passed.")
    member_page.get_by_role("button", name="Save my private reflection").click()
    expect(member_page.get_by_text("Only you and the facilitators can see it.")).to_be_visible()
    expect(member_page.get_by_text("I pulled over and breathed.")).to_be_visible()
    assert member_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert axe_violations(member_page) == []

    page.get_by_role("link", name="Who has responded").click()
    expect(page.get_by_text("1 of 1 members have responded")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(page.url.replace("/responders", ""))
    expect(page.get_by_text("I pulled over and breathed.")).to_be_visible()


def test_done_when_twelve_weeks_in_one_step_then_answer_and_nudge(new_page):
    """The issue's "done when": a 12-week sequence in one step, week 1 visible only after
    meeting 1 ends, answered privately, and the facilitator nudges the rest."""
    cohort, facilitator, member = _group("Station 11 Group")
    quiet = factories.make_user(email=f"quiet-{cohort.id}@example.org", display_name="Sam")
    factories.enroll(quiet, cohort, Role.MEMBER)
    first = utcnow() + timedelta(hours=1)
    for week in range(12):
        factories.make_meeting(cohort, title=f"Week {week + 1}",
                               starts_at=first + timedelta(weeks=week))
    page = new_page()
    sign_in(page, facilitator.email, factories.PASSWORD)
    page.goto(f"/cohorts/{cohort.id}/prompts/library")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Schedule the 12-week sequence").click()
    assert axe_violations(page) == []
    # Each week defaults to the starter prompt written for it.
    expect(page.get_by_label("Week 1", exact=True).locator("option:checked")).to_have_text("Arriving")
    expect(page.get_by_label("Week 12", exact=True).locator("option:checked")) \
        .to_have_text("What you carry forward")
    page.get_by_label("Private reflection").check()
    page.get_by_role("button", name="Schedule the sequence").click()
    expect(page.get_by_text("12 prompts scheduled")).to_be_visible()
    expect(page.get_by_role("heading", name="Scheduled")).to_be_visible()

    member_page = new_page()
    sign_in(member_page, member.email, factories.PASSWORD)
    member_page.goto(f"/cohorts/{cohort.id}/prompts")
    expect(member_page.get_by_text("No prompts yet")).to_be_visible()
    # Meeting 1 ends (moved into the past): week 1's prompt is there, with no job run.
    with current_test_app().app_context():
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.cohort_id == cohort.id,
                                                             Meeting.title == "Week 1"))
        meeting.starts_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    member_page.reload()
    expect(member_page.get_by_role("link", name="Sleep since the session")).to_have_count(0)
    member_page.get_by_role("link", name="Arriving").click()
    member_page.get_by_label("Your response").fill("To sleep through one night.")
    member_page.get_by_role("button", name="Save my private reflection").click()
    expect(member_page.get_by_text("Only you and the facilitators can see it.")).to_be_visible()

    quiet_page = new_page()
    sign_in(quiet_page, quiet.email, factories.PASSWORD)
    quiet_page.goto(f"/cohorts/{cohort.id}/prompts")
    quiet_page.get_by_role("link", name="Arriving").click()
    expect(quiet_page.get_by_text("No responses yet from you.")).to_be_visible()
    expect(quiet_page.get_by_text("To sleep through one night.")).to_have_count(0)
    quiet_page.goto("/")

    page.goto(f"/cohorts/{cohort.id}/prompts")
    page.get_by_role("link", name="Who has responded to Arriving").click()
    expect(page.get_by_text("1 of 2 members have responded")).to_be_visible()
    page.get_by_role("button", name="Nudge everyone who has not responded").click()
    expect(page.get_by_text("Reminder sent to 1 person.")).to_be_visible()
    expect(page.get_by_role("cell", name="Reminded")).to_be_visible()
    # Sam's bell counts the reminder live (next to the unread "new prompt" notification).
    expect(quiet_page.locator("[data-bell-number]")).to_have_text("2")
    quiet_page.get_by_role("link", name="Notifications").click()
    expect(quiet_page.get_by_role("link", name="Dana sent a gentle reminder about a prompt")) \
        .to_be_visible()
