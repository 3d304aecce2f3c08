"""Managing a cohort's schedule through the admin pages, RSVPs and the Join button."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cop.db import utcnow
from cop.extensions import db
from cop.notifications.models import Notification
from cop.schedule.models import Meeting, MeetingKind, MeetingStatus, Rsvp
from tests import factories
from tests.factories import at


def _meeting(app, meeting_id: int) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        db.session.expunge(meeting)
        return meeting


def _notifications(app) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).order_by(Notification.user_id)))


MEETING_FORM = {"kind": "virtual", "title": "Week 1", "starts_at": "2026-01-06T19:00",
                "duration_minutes": "90", "agenda": "", "video_url": "", "location": "",
                "lobby_minutes": "15", "grace_minutes": "30"}


def test_admin_generates_a_weekly_series_in_the_cohort_zone(app, world, client_as):
    client = client_as("admin")
    response = client.post(f"/admin/cohorts/{world.cohort.id}/schedule", data={
        "first_date": "2026-01-06", "weekday": "1", "at": "19:00", "weeks": "12",
        "duration_minutes": "90", "title": "Week {n} peer group"})
    assert response.status_code == 302
    with app.app_context():
        series = db.session.scalars(select(Meeting).where(Meeting.number.is_not(None))
                                    .order_by(Meeting.starts_at)).all()
        assert len(series) == 12
        assert series[0].starts_at == at("2026-01-07T03:00:00+00:00")  # 19:00 PST
        assert series[-1].starts_at == at("2026-03-25T02:00:00+00:00")  # 19:00 PDT
        assert series[-1].title == "Week 12 peer group"
    page = client.get(f"/admin/cohorts/{world.cohort.id}/schedule").get_data(as_text=True)
    assert "Tue 6 Jan 2026, 19:00 PST" in page  # the admin's zone is Vancouver too


def test_generate_form_errors_keep_what_was_typed(world, client_as):
    response = client_as("admin").post(f"/admin/cohorts/{world.cohort.id}/schedule", data={
        "first_date": "2026-01-06", "weekday": "1", "at": "19:00", "weeks": "99",
        "duration_minutes": "90", "title": "My typed title {n}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "My typed title {n}" in page and 'aria-invalid="true"' in page


def test_add_an_in_person_session(app, world, client_as):
    response = client_as("admin").post(
        f"/admin/cohorts/{world.cohort.id}/meetings/new",
        data={**MEETING_FORM, "kind": "in_person", "title": "Treatment session 1",
              "location": "Clinic room 2", "duration_minutes": "180",
              "video_url": "https://ignored.example"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(Meeting).where(Meeting.kind == MeetingKind.IN_PERSON))
        assert session.location == "Clinic room 2" and session.video_url is None
        assert session.duration_minutes == 180 and not session.room_is_open(session.starts_at)


def test_video_link_must_be_http(app, world, client_as):
    response = client_as("admin").post(
        f"/admin/cohorts/{world.cohort.id}/meetings/new",
        data={**MEETING_FORM, "title": "Kept title", "video_url": "javascript:alert(1)"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kept title" in page and ("http://" in page or "valid URL" in page)
    with app.app_context():
        assert db.session.query(Meeting).count() == 2  # only the world's


def test_reschedule_bumps_sequence_and_tells_members_without_agenda(app, world, client_as):
    meeting = factories.make_meeting(world.cohort, starts_at=at("2026-01-07T03:00:00+00:00"),
                                     agenda="Private agenda words")
    response = client_as("admin").post(f"/admin/meetings/{meeting.id}/edit", data={
        **MEETING_FORM, "title": meeting.title, "agenda": "Private agenda words",
        "starts_at": "2026-01-08T19:00"})
    assert response.status_code == 302
    moved = _meeting(app, meeting.id)
    assert moved.sequence == 1 and moved.starts_at == at("2026-01-09T03:00:00+00:00")
    notes = _notifications(app)
    assert {n.user_id for n in notes} == {world.facilitator.id, world.member.id}
    assert all(n.summary == "The meeting on Tue 6 Jan was moved" for n in notes)
    assert all(n.url == f"/meetings/{meeting.id}" and n.kind == "meeting.rescheduled"
               for n in notes)
    assert not any("agenda" in n.summary.lower() for n in notes)


def test_edit_without_moving_bumps_sequence_but_tells_no_one(app, world, client_as):
    meeting = factories.make_meeting(world.cohort, starts_at=at("2026-01-07T03:00:00+00:00"))
    client_as("admin").post(f"/admin/meetings/{meeting.id}/edit", data={
        **MEETING_FORM, "title": "A new title", "starts_at": "2026-01-06T19:00"})
    assert _meeting(app, meeting.id).sequence == 1
    assert _notifications(app) == []


def test_cancel_sets_status_bumps_sequence_and_notifies(app, world, client_as):
    meeting = factories.make_meeting(world.cohort, starts_at=at("2026-01-07T03:00:00+00:00"))
    client = client_as("admin")
    assert client.post(f"/admin/meetings/{meeting.id}/cancel").status_code == 302
    cancelled = _meeting(app, meeting.id)
    assert cancelled.status == MeetingStatus.CANCELLED and cancelled.sequence == 1
    assert {n.summary for n in _notifications(app)} == {"The meeting on Tue 6 Jan was cancelled"}
    # A second cancel is refused clearly and changes nothing.
    response = client.post(f"/admin/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "cancelled and can no longer be changed" in response.get_data(as_text=True)
    assert _meeting(app, meeting.id).sequence == 1


def test_facilitator_cannot_manage_the_schedule(world, client_as):
    client = client_as("facilitator")
    assert client.post(f"/admin/meetings/{world.meeting.id}/cancel").status_code == 403
    assert client.get(f"/admin/cohorts/{world.cohort.id}/schedule").status_code == 403


def test_agenda_is_sanitised_on_the_meeting_page(world, client_as):
    meeting = factories.make_meeting(world.cohort, agenda="**Check-in**\n\n<script>x()</script>"
                                                          "[bad](javascript:alert(1))")
    page = client_as("member").get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<strong>Check-in</strong>" in page
    assert "<script>x()" not in page and 'href="javascript' not in page


def test_member_rsvps_and_only_facilitators_see_the_answers(app, world, client_as):
    meeting = factories.make_meeting(world.cohort, starts_at=utcnow() + timedelta(days=2))
    member = client_as("member")
    response = member.post(f"/meetings/{meeting.id}/rsvp",
                           data={"response": "not_going", "note": "on shift"})
    assert response.status_code == 302
    member.post(f"/meetings/{meeting.id}/rsvp", data={"response": "going", "note": "late"})
    with app.app_context():
        rsvps = db.session.scalars(select(Rsvp)).all()
        assert [(r.response.value, r.note) for r in rsvps] == [("going", "late")]
    facilitator_page = client_as("facilitator").get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Who is expected" in facilitator_page and "Mo Member" in facilitator_page
    assert "late" in facilitator_page
    other_page = member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Who is expected" not in other_page
    assert "Your answer: <strong>Going</strong>" in other_page


def test_rsvp_refused_for_past_in_person_and_bad_answers(app, world, client_as):
    member = client_as("member")
    past = factories.make_meeting(world.cohort, starts_at=utcnow() - timedelta(days=3))
    session = factories.make_meeting(world.cohort, kind=MeetingKind.IN_PERSON,
                                     starts_at=utcnow() + timedelta(days=3))
    for meeting, message in ((past, "This meeting is over."),
                             (session, "only asked for the virtual group meetings")):
        page = member.post(f"/meetings/{meeting.id}/rsvp", data={"response": "going"},
                           follow_redirects=True).get_data(as_text=True)
        assert message in page
    page = member.post(f"/meetings/{world.meeting.id}/rsvp", data={"response": "maybe"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Choose going or can" in page
    with app.app_context():
        assert db.session.query(Rsvp).count() == 0


def test_join_button_is_live_only_while_the_room_is_open(world, client_as):
    client = client_as("member")
    later = factories.make_meeting(world.cohort, starts_at=utcnow() + timedelta(days=1))
    closed = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    assert "disabled" in closed and "The room opens" in closed
    assert f'href="/meetings/{later.id}/live"' not in closed
    open_page = client.get(f"/meetings/{world.meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{world.meeting.id}/live"' in open_page
    assert "It stays open until" in open_page
    home = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/{world.meeting.id}/live"' in home and "Join the meeting" in home


def test_home_shows_next_meeting_in_the_viewers_own_zone(app, world, client_as):
    with app.app_context():
        from cop.auth.models import User

        db.session.get(User, world.member.id).timezone = "Europe/London"
        db.session.commit()
    factories.make_meeting(world.cohort_b, title="B only", starts_at=utcnow() + timedelta(hours=1))
    page = client_as("member").get("/").get_data(as_text=True)
    assert "Europe/London" in page and ("GMT" in page or "BST" in page)
    assert f'href="/meetings/{world.meeting.id}"' in page and "B only" not in page
    assert "data-countdown data-starts-at" in page and "js/countdown.js" in page
