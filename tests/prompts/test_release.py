"""Release rules: when a prompt becomes visible, computed from the cohort's meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from cop.cohorts.models import Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.prompts.models import Prompt, ReleaseKind
from cop.prompts.release import calendar_for, local_to_utc, release_moment
from cop.prompts.services import PromptInput, create_prompt, status_of
from cop.schedule.models import Meeting, MeetingKind, MeetingStatus
from tests import factories
from tests.factories import at

VANCOUVER = "America/Vancouver"


def _weekly(cohort, first: datetime, weeks: int = 3, **overrides):
    return [factories.make_meeting(cohort, starts_at=first + timedelta(weeks=n),
                                   title=f"Week {n + 1}", **overrides) for n in range(weeks)]


def test_after_meeting_n_is_when_the_nth_virtual_meeting_ends(app):
    cohort = factories.make_cohort(timezone=VANCOUVER)
    first = at("2026-03-03T03:00:00+00:00")  # Mon 2 Mar 19:00 PST
    _weekly(cohort, first)
    factories.make_meeting(cohort, kind=MeetingKind.IN_PERSON, title="Treatment 1",
                           starts_at=first + timedelta(days=2), duration_minutes=180)
    with app.app_context():
        prompt = Prompt(cohort_id=cohort.id, title="t", body="b",
                        release_kind=ReleaseKind.AFTER_MEETING, release_meeting_number=2)
        moment = release_moment(prompt, calendar_for(cohort.id))
    # Meeting 2 is a week later and lasts 90 minutes; the in-person session does not count.
    assert moment == first + timedelta(weeks=1, minutes=90)


def test_cancelled_meetings_are_skipped_and_a_reschedule_moves_the_release(app):
    cohort = factories.make_cohort(timezone=VANCOUVER)
    first = at("2026-03-03T03:00:00+00:00")
    meetings = _weekly(cohort, first)
    with app.app_context():
        prompt = Prompt(cohort_id=cohort.id, title="t", body="b",
                        release_kind=ReleaseKind.AFTER_MEETING, release_meeting_number=2)
        assert release_moment(prompt, calendar_for(cohort.id)) == meetings[1].ends_at
        moved = db.session.get(Meeting, meetings[1].id)
        moved.starts_at = moved.starts_at + timedelta(days=1)
        db.session.commit()
        assert release_moment(prompt, calendar_for(cohort.id)) == moved.ends_at
        db.session.get(Meeting, meetings[0].id).status = MeetingStatus.CANCELLED
        db.session.commit()
        # With week 1 cancelled, "meeting 2" is now the third one on the calendar.
        assert release_moment(prompt, calendar_for(cohort.id)) == meetings[2].ends_at


def test_release_waits_while_the_meeting_is_not_scheduled(app):
    cohort = factories.make_cohort()
    with app.app_context():
        prompt = Prompt(cohort_id=cohort.id, title="t", body="b",
                        release_kind=ReleaseKind.AFTER_MEETING, release_meeting_number=5)
        assert release_moment(prompt, calendar_for(cohort.id)) is None
        assert status_of(prompt).is_released is False


def test_hours_after_a_treatment_session(app):
    cohort = factories.make_cohort()
    first = utcnow().replace(microsecond=0) + timedelta(days=3)
    sessions = [factories.make_meeting(cohort, kind=MeetingKind.IN_PERSON, title=f"T{n}",
                                       starts_at=first + timedelta(weeks=4 * n),
                                       duration_minutes=180) for n in range(2)]
    with app.app_context():
        prompt = Prompt(cohort_id=cohort.id, title="t", body="b",
                        release_kind=ReleaseKind.AFTER_TREATMENT, release_meeting_number=2,
                        release_offset_hours=24)
        assert release_moment(prompt, calendar_for(cohort.id)) == \
            sessions[1].ends_at + timedelta(hours=24)


def test_a_local_time_is_read_in_the_cohorts_zone_across_daylight_saving():
    # 9:00 in Vancouver is 17:00 UTC in winter (PST) and 16:00 UTC in summer (PDT).
    assert local_to_utc(datetime(2026, 3, 7, 9, 0), VANCOUVER) == at("2026-03-07T17:00:00+00:00")
    assert local_to_utc(datetime(2026, 3, 9, 9, 0), VANCOUVER) == at("2026-03-09T16:00:00+00:00")
    # The hour skipped when clocks spring forward does not exist: a clear refusal.
    with pytest.raises(UserFacingError, match="does not exist in America/Vancouver"):
        local_to_utc(datetime(2026, 3, 8, 2, 30), VANCOUVER)
    # The repeated hour in autumn means its first pass (still PDT).
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), VANCOUVER) == at("2026-11-01T08:30:00+00:00")


def test_create_at_a_local_time_stores_the_utc_moment(app, world):
    now = at("2026-03-01T12:00:00+00:00")
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        author = db.session.merge(world.facilitator)
        prompt = create_prompt(cohort, author, PromptInput(
            title="Sleep", body="How has sleep been?", release_kind=ReleaseKind.AT_TIME,
            release_date=date(2026, 3, 9), release_time=time(9, 0)), now=now)
        assert prompt.release_at == at("2026-03-09T16:00:00+00:00")
        assert not status_of(prompt, now=now).is_released
        assert status_of(prompt, now=at("2026-03-09T16:00:00+00:00")).is_released


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"release_kind": ReleaseKind.AT_TIME, "release_date": date(2020, 1, 1),
      "release_time": time(9, 0)}, "release_date", "already passed"),
    ({"release_kind": ReleaseKind.AFTER_MEETING, "release_meeting_number": 9},
     "release_meeting_number", "no meeting 9"),
    ({"release_kind": ReleaseKind.AFTER_TREATMENT, "release_meeting_number": 1,
      "release_offset_hours": 24}, "release_meeting_number", "no treatment session 1"),
    ({"meeting_id": 999_999}, "meeting_id", "not on this cohort's schedule"),
    ({"body": "   "}, "body", "body is empty"),
    ({"title": ""}, "title", "title"),
    ({"body": "x" * 20_001}, "body", "longer than 20,000"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(app, world, data, field,
                                                                      message):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        values = {"title": "A title", "body": "A body", **data}
        with pytest.raises(UserFacingError, match=message) as raised:
            create_prompt(cohort, db.session.merge(world.facilitator), PromptInput(**values))
        assert raised.value.field == field
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count()).select_from(Prompt)) == 0


def test_the_meeting_of_another_cohort_is_unknown(app, world):
    with app.app_context(), pytest.raises(UserFacingError, match="not on this cohort's schedule"):
        create_prompt(db.session.merge(world.cohort), db.session.merge(world.facilitator),
                      PromptInput(title="t", body="b", meeting_id=world.meeting_b.id))


def test_after_a_meeting_that_has_ended_is_refused(app, world):
    # world.meeting started five minutes ago and is the cohort's first virtual meeting.
    with app.app_context():
        data = PromptInput(title="t", body="b", release_kind=ReleaseKind.AFTER_MEETING,
                           release_meeting_number=1)
        later = utcnow() + timedelta(hours=3)
        with pytest.raises(UserFacingError, match="already passed"):
            create_prompt(db.session.merge(world.cohort), db.session.merge(world.facilitator),
                          data, now=later)


def test_an_archived_cohort_takes_no_prompts(app, world):
    from cop.cohorts.models import CohortStatus

    with app.app_context():
        cohort = db.session.merge(world.cohort)
        cohort.status = CohortStatus.ARCHIVED
        db.session.commit()
        with pytest.raises(UserFacingError, match="archived"):
            create_prompt(cohort, db.session.merge(world.facilitator),
                          PromptInput(title="t", body="b"))


def test_release_now_is_visible_at_once(app):
    cohort = factories.make_cohort()
    facilitator = factories.make_user()
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    with app.app_context():
        prompt = create_prompt(db.session.merge(cohort), db.session.merge(facilitator),
                               PromptInput(title="t", body="b"))
        assert status_of(prompt).is_released
