"""iCalendar output parsed back with icalendar: stable UIDs, SEQUENCE, cancellations, feeds."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from cop.calendar.models import CalendarFeed
from cop.cohorts.models import CohortStatus, Role
from cop.extensions import db
from tests import factories
from tests.factories import at
from tests.schedule.test_meetings import MEETING_FORM


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _feed_token(app, user) -> str:
    with app.app_context():
        return db.session.scalar(select(CalendarFeed.token)
                                 .where(CalendarFeed.user_id == user.id))


def test_meeting_download_parses_back(world, client_as):
    meeting = factories.make_meeting(world.cohort, title="Week 1",
                                     starts_at=at("2026-01-07T03:00:00+00:00"),
                                     agenda="private agenda")
    response = client_as("member").get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (uid, event), = _events(response.data).items()
    assert uid == f"meeting-{meeting.id}@cop.test"
    assert event.decoded("dtstart") == at("2026-01-07T03:00:00+00:00")
    assert event.decoded("dtend") == at("2026-01-07T04:30:00+00:00")
    assert str(event["summary"]) == "Cohort A: Week 1"
    assert event["sequence"] == 0 and str(event["status"]) == "CONFIRMED"
    assert f"http://cop.test/meetings/{meeting.id}" in str(event["description"])
    assert b"private agenda" not in response.data


def test_reschedule_and_cancel_show_in_the_feed_with_a_stable_uid(app, world, client_as):
    meeting = factories.make_meeting(world.cohort, starts_at=at("2026-01-07T03:00:00+00:00"))
    member = client_as("member")
    member.get("/schedule")  # creates the member's feed
    feed_url = f"/calendar/{_feed_token(app, world.member)}.ics"
    uid = f"meeting-{meeting.id}@cop.test"
    before = _events(member.get(feed_url).data)[uid]

    admin = client_as("admin")
    admin.post(f"/admin/meetings/{meeting.id}/edit",
               data={**MEETING_FORM, "title": meeting.title, "starts_at": "2026-01-08T19:00"})
    moved = _events(member.get(feed_url).data)[uid]
    assert moved["sequence"] == before["sequence"] + 1
    assert moved.decoded("dtstart") == at("2026-01-09T03:00:00+00:00")

    admin.post(f"/admin/meetings/{meeting.id}/cancel")
    cancelled = _events(member.get(feed_url).data)[uid]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled["sequence"] == moved["sequence"] + 1


def test_feed_lists_only_the_persons_own_cohorts(app, world, client):
    factories.make_feed(world.member)
    body = client.get(f"/calendar/{_feed_token(app, world.member)}.ics").data
    uids = set(_events(body))
    assert f"meeting-{world.meeting.id}@cop.test" in uids
    assert f"meeting-{world.meeting_b.id}@cop.test" not in uids


def test_feed_leaves_out_drafts_for_members_and_removed_memberships(app, world, client):
    draft = factories.make_cohort(name="Draft", status=CohortStatus.DRAFT)
    factories.enroll(world.member, draft, Role.MEMBER)
    draft_meeting = factories.make_meeting(draft)
    factories.make_feed(world.member)
    uids = set(_events(client.get(f"/calendar/{_feed_token(app, world.member)}.ics").data))
    assert f"meeting-{draft_meeting.id}@cop.test" not in uids


def test_regenerating_the_feed_retires_the_old_url(app, world, client_as):
    member = client_as("member")
    page = member.get("/schedule").get_data(as_text=True)
    old = _feed_token(app, world.member)
    assert f"http://cop.test/calendar/{old}.ics" in page
    assert member.post("/calendar/regenerate").status_code == 302
    new = _feed_token(app, world.member)
    assert new != old
    assert member.get(f"/calendar/{old}.ics").status_code == 404
    assert member.get(f"/calendar/{new}.ics").status_code == 200


def test_unknown_or_deactivated_feed_is_404(app, world, client):
    feed = factories.make_feed(world.member)
    assert client.get("/calendar/nope.ics").status_code == 404
    with app.app_context():
        from cop.auth.models import User

        db.session.get(User, world.member.id).is_active = False
        db.session.commit()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


def test_other_cohort_cannot_download_a_meeting(world, client_as):
    assert client_as("other_member").get(
        f"/meetings/{world.meeting.id}/calendar.ics").status_code == 404
