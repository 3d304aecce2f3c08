"""An admin sets up a cohort with a schedule and an invitation in the browser; a new
person registers from the link and sees the schedule in their own time zone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import axe_violations, sign_in


def test_admin_creates_cohort_schedule_and_invitation_and_a_newcomer_registers(new_page):
    factories.make_user(email="boss@example.org", display_name="Boss", is_admin=True,
                        timezone="America/Vancouver")
    admin = new_page()
    sign_in(admin, "boss@example.org", factories.PASSWORD)
    admin.goto("/admin/cohorts")
    admin.get_by_role("link", name="Create a cohort").click()
    admin.get_by_label("Name", exact=True).fill("Engine 12 Group")
    admin.get_by_label("Time zone the meetings are planned in").select_option("America/Vancouver")
    admin.get_by_label("Start date").fill("2027-01-05")
    admin.get_by_label("Status").select_option("active")
    admin.get_by_role("button", name="Create").click()
    expect(admin.get_by_text("Engine 12 Group is created")).to_be_visible()

    # Tuesdays 19:00 Vancouver time for 12 weeks.
    admin.get_by_label("From").fill("2027-01-05")
    admin.get_by_label("Every").select_option("1")
    admin.get_by_label("At (local time)").fill("19:00")
    admin.get_by_label("For how many weeks").fill("12")
    admin.get_by_role("button", name="Generate").click()
    expect(admin.get_by_text("12 weekly meetings are scheduled.")).to_be_visible()
    expect(admin.get_by_role("cell", name="Tue 5 Jan 2027, 19:00 MST")).to_be_visible()
    assert axe_violations(admin) == []

    admin.get_by_role("navigation", name="Engine 12 Group").get_by_role(
        "link", name="Invitations").click()
    admin.get_by_label("How many people may use it").fill("6")
    admin.get_by_role("button", name="Create invitation").click()
    expect(admin.get_by_text("The invitation is ready")).to_be_visible()
    link_field = admin.locator("[data-invitation-link]").first
    link = link_field.input_value()
    assert "/invite/" in link
    assert axe_violations(admin) == []

    newcomer = new_page(width=375, height=740)
    newcomer.goto(link[link.index("/invite/"):])
    expect(newcomer.get_by_role("heading", name="Join Engine 12 Group")).to_be_visible()
    newcomer.get_by_label("Email").fill("rookie@example.org")
    newcomer.get_by_label("Display name").fill("Rookie")
    newcomer.get_by_label("Password", exact=True).fill("a long enough password")
    newcomer.get_by_label("Repeat the password").fill("a long enough password")
    newcomer.get_by_label("Your time zone").select_option("Europe/London")
    assert axe_violations(newcomer) == []
    newcomer.get_by_role("button", name="Create my account and join").click()

    expect(newcomer.get_by_role("heading", name="Engine 12 Group")).to_be_visible()
    expect(newcomer.get_by_text("Welcome to Engine 12 Group.")).to_be_visible()
    # 19:00 in Vancouver (UTC-7 all year from 2026) is 02:00 the next morning in London.
    expect(newcomer.get_by_text("Wed 6 Jan 2027, 02:00 GMT").first).to_be_visible()
    expect(newcomer.locator(".meetings li")).to_have_count(12)
    expect(newcomer.get_by_text("Your time zone, Europe/London", exact=False)).to_be_visible()
    assert newcomer.evaluate("() => document.documentElement.scrollWidth") <= 375

    # And a calendar app can subscribe to the whole schedule.
    newcomer.goto("/schedule")
    feed = newcomer.get_by_label("Your private calendar link").input_value()
    body = newcomer.request.get(feed[feed.index("/calendar/"):]).text()
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == 12


def test_existing_user_joins_from_a_link_and_answers_for_the_next_meeting(new_page):
    from datetime import timedelta

    from cop.cohorts.models import Role
    from cop.db import utcnow

    cohort = factories.make_cohort(name="Medic 3 Group", timezone="America/Vancouver")
    facilitator = factories.make_user(email="lead@example.org", display_name="Lead")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.make_user(email="vet@example.org", display_name="Vet")
    meeting = factories.make_meeting(cohort, title="Week 2 peer group",
                                     starts_at=utcnow() + timedelta(days=2))
    invitation = factories.make_invitation(cohort)

    page = new_page(width=375, height=740)
    page.goto(f"/invite/{invitation.token}")
    page.get_by_role("link", name="Sign in to join").click()
    page.get_by_label("Email").fill("vet@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Join Medic 3 Group").click()
    expect(page.get_by_text("Welcome to Medic 3 Group.")).to_be_visible()
    # The countdown module ran (no console errors allowed by the fixture).
    expect(page.get_by_text("Starts in 2 days")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Week 2 peer group").first.click()
    expect(page.get_by_role("button", name="Join")).to_be_disabled()
    page.get_by_label("Can't make it").check()
    page.get_by_label("Private note to the facilitators (optional)").fill("on shift")
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Thank you, your answer is saved.")).to_be_visible()
    assert axe_violations(page) == []

    lead = new_page()
    sign_in(lead, "lead@example.org", factories.PASSWORD)
    lead.goto(f"/meetings/{meeting.id}")
    expected = lead.get_by_role("region", name="Who is expected")
    expect(expected).to_contain_text("Vet: can't make it (on shift)")
