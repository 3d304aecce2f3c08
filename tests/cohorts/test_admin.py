"""Admin cohort pages: create, edit, status, members; archived cohorts are read-only."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cop.cohorts.models import Cohort, CohortStatus, Membership, ModerationMode, Role
from cop.db import utcnow
from cop.extensions import db
from cop.schedule.models import Meeting, Rsvp
from tests import factories
from tests.schedule.test_meetings import MEETING_FORM

COHORT_FORM = {"name": "Station 9", "description": "Night shift", "timezone": "Europe/London",
               "start_date": "2026-01-06", "capacity": "8", "moderation_mode": "pre",
               "status": "draft"}


def _cohort(app, cohort_id: int) -> Cohort:
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        db.session.expunge(cohort)
        return cohort


def test_admin_creates_a_cohort(app, world, client_as):
    response = client_as("admin").post("/admin/cohorts/new", data=COHORT_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/schedule")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Station 9"))
        assert (cohort.timezone, cohort.capacity, cohort.moderation_mode, cohort.status) == \
            ("Europe/London", 8, ModerationMode.PRE, CohortStatus.DRAFT)


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "Cohort A"}, "Another cohort already has that name."),
    ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
    ({"capacity": "0"}, "Number must be between 1 and 100"),
    ({"name": "12345"}, "at least one letter"),
])
def test_bad_cohort_input_keeps_the_form(app, world, client_as, change, message):
    response = client_as("admin").post("/admin/cohorts/new", data={**COHORT_FORM, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "Night shift" in page
    with app.app_context():
        assert db.session.query(Cohort).count() == 2


def test_status_moves_forward_only(app, world, client_as):
    client = client_as("admin")
    url = f"/admin/cohorts/{world.cohort.id}"
    form = {**COHORT_FORM, "name": "Cohort A", "status": "draft"}
    page = client.post(url, data=form).get_data(as_text=True)
    assert "cannot go back from active to draft" in page
    assert _cohort(app, world.cohort.id).status == CohortStatus.ACTIVE
    assert client.post(url, data={**form, "status": "archived"}).status_code == 302
    assert _cohort(app, world.cohort.id).status == CohortStatus.ARCHIVED


def test_capacity_cannot_drop_below_current_members(world, client_as):
    factories.enroll(factories.make_user(), world.cohort, Role.MEMBER)
    page = client_as("admin").post(f"/admin/cohorts/{world.cohort.id}", data={
        **COHORT_FORM, "name": "Cohort A", "status": "active", "capacity": "1"}
    ).get_data(as_text=True)
    assert "Cohort A already has 2 members." in page


def test_list_shows_status_size_and_next_meeting(world, client_as):
    factories.make_meeting(world.cohort_b, starts_at=utcnow() + timedelta(days=1))
    page = client_as("admin").get("/admin/cohorts").get_data(as_text=True)
    assert "Cohort A" in page and "Cohort B" in page
    assert "1 / 12 members, 1 facilitator" in page and "Active" in page


def test_members_add_change_role_and_remove(app, world, client_as):
    client = client_as("admin")
    base = f"/admin/cohorts/{world.cohort.id}/members"
    newcomer = factories.make_user(email="new@example.org", display_name="Newcomer")
    assert client.post(base, data={"email": "NEW@example.org", "role": "member"}).status_code == 302
    page = client.post(base, data={"email": "nobody@example.org", "role": "member"})
    assert "No active account has that email" in page.get_data(as_text=True)
    page = client.post(base, data={"email": world.member.email, "role": "member"})
    assert "already in Cohort A" in page.get_data(as_text=True)

    client.post(f"{base}/{newcomer.id}/role", data={"role": "facilitator"})
    client.post(f"{base}/{world.member.id}/remove")
    with app.app_context():
        rows = {m.user_id: m for m in db.session.scalars(
            select(Membership).where(Membership.cohort_id == world.cohort.id))}
        assert rows[newcomer.id].role == Role.FACILITATOR
        assert rows[world.member.id].removed_at is not None  # kept: history stays attributed
    # The removed member loses the cohort at once.
    assert client_as("member").get(f"/cohorts/{world.cohort.id}").status_code == 404


def test_changing_role_to_member_respects_capacity(app, world, client_as):
    with app.app_context():
        db.session.get(Cohort, world.cohort.id).capacity = 1
        db.session.commit()
    page = client_as("admin").post(
        f"/admin/cohorts/{world.cohort.id}/members/{world.facilitator.id}/role",
        data={"role": "member"}, follow_redirects=True).get_data(as_text=True)
    assert "is full" in page


def test_cohort_page_shows_schedule_in_viewer_zone_and_roster(app, world, client_as):
    later = utcnow() + timedelta(days=3)
    factories.make_meeting(world.cohort, title="Later one", starts_at=later)
    page = client_as("member").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Later one" in page and "Coming up" in page and "America/Vancouver" in page
    zone_name = later.astimezone(ZoneInfo("America/Vancouver")).tzname()
    assert f"{zone_name}" in page
    assert "Fran Facilitator" in page and "Mo Member" in page


def test_draft_cohort_is_invisible_to_members(app, world, client_as):
    with app.app_context():
        db.session.get(Cohort, world.cohort.id).status = CohortStatus.DRAFT
        db.session.commit()
    member = client_as("member")
    assert member.get(f"/cohorts/{world.cohort.id}").status_code == 404
    assert member.get(f"/meetings/{world.meeting.id}").status_code == 404
    assert "Cohort A" not in member.get("/").get_data(as_text=True)
    assert client_as("facilitator").get(f"/cohorts/{world.cohort.id}").status_code == 200


def test_archived_cohort_is_read_only_for_everyone(app, world, client_as):
    invitation = factories.make_invitation(world.cohort)
    with app.app_context():
        db.session.get(Cohort, world.cohort.id).status = CohortStatus.ARCHIVED
        db.session.commit()
    admin = client_as("admin")
    cohort_url = f"/admin/cohorts/{world.cohort.id}"
    refusals = [
        admin.post(cohort_url, data={**COHORT_FORM, "name": "Renamed", "status": "archived"}),
        admin.post(f"{cohort_url}/schedule", data={
            "first_date": "2026-01-06", "weekday": "1", "at": "19:00", "weeks": "2",
            "duration_minutes": "90", "title": "W{n}"}),
        admin.post(f"{cohort_url}/meetings/new", data=MEETING_FORM),
        admin.post(f"/admin/meetings/{world.meeting.id}/edit",
                   data={**MEETING_FORM, "title": "Changed"}),
        admin.post(f"/admin/meetings/{world.meeting.id}/cancel", follow_redirects=True),
        admin.post(f"{cohort_url}/members/{world.member.id}/remove", follow_redirects=True),
    ]
    for response in refusals:
        assert "is archived: it is read-only" in response.get_data(as_text=True)
    # No one invites people into a finished cohort.
    assert admin.post(f"/admin/cohorts/{world.cohort.id}/invitations", data={
        "role": "member", "email": "", "expires": "7d", "max_uses": "1"}).status_code == 403
    future = factories.make_meeting(world.cohort, starts_at=utcnow() + timedelta(days=1))
    assert client_as("member").post(f"/meetings/{future.id}/rsvp",
                                    data={"response": "going"}).status_code == 403
    assert client_as("anonymous").get(f"/invite/{invitation.token}").status_code == 410
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort.id)
        assert cohort.name == "Cohort A"
        assert db.session.query(Meeting).filter_by(cohort_id=cohort.id).count() == 2
        assert db.session.get(Meeting, world.meeting.id).sequence == 0
        assert db.session.query(Rsvp).count() == 0
    # History stays readable to its members.
    page = client_as("member").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Archived: read-only" in page
