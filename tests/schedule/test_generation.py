"""Weekly series keep their local wall-clock time across daylight-saving changes."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from cop.cohorts.models import CohortStatus
from cop.errors import UserFacingError
from cop.extensions import db
from cop.schedule.models import Meeting
from cop.schedule.services import generate_weekly_meetings, parse_weekly, weekly_start_times
from tests import factories
from tests.factories import at


def _local(moments, zone):
    return [m.astimezone(ZoneInfo(zone)) for m in moments]


def test_vancouver_spring_forward_keeps_19_00_local():
    starts = weekly_start_times("America/Vancouver", date(2026, 3, 3), 1, time(19, 0), 2)
    # Tue 3 Mar is still PST (UTC-8); DST starts Sun 8 Mar; Tue 10 Mar is PDT (UTC-7).
    assert starts == [at("2026-03-04T03:00:00+00:00"), at("2026-03-11T02:00:00+00:00")]
    assert all(m.hour == 19 and m.minute == 0 for m in _local(starts, "America/Vancouver"))


def test_vancouver_fall_back_keeps_19_00_local():
    starts = weekly_start_times("America/Vancouver", date(2025, 10, 28), 1, time(19, 0), 2)
    # DST ended Sun 2 Nov 2025.
    assert starts == [at("2025-10-29T02:00:00+00:00"), at("2025-11-05T03:00:00+00:00")]


def test_vancouver_stays_on_daylight_time_from_november_2026():
    # British Columbia keeps UTC-7 all year from 2026 (IANA tzdata 2026 and later): the
    # app reads the pinned tzdata package, not an older copy in the operating system.
    starts = weekly_start_times("America/Vancouver", date(2026, 10, 27), 1, time(19, 0), 2)
    assert starts == [at("2026-10-28T02:00:00+00:00"), at("2026-11-04T02:00:00+00:00")]


def test_london_both_changes():
    spring = weekly_start_times("Europe/London", date(2026, 3, 24), 1, time(19, 0), 2)
    assert spring == [at("2026-03-24T19:00:00+00:00"), at("2026-03-31T18:00:00+00:00")]
    autumn = weekly_start_times("Europe/London", date(2026, 10, 20), 1, time(19, 0), 2)
    assert autumn == [at("2026-10-20T18:00:00+00:00"), at("2026-10-27T19:00:00+00:00")]


def test_a_twelve_week_series_from_the_issue():
    starts = weekly_start_times("America/Vancouver", date(2026, 1, 6), 1, time(19, 0), 12)
    local = _local(starts, "America/Vancouver")
    assert len(starts) == 12
    assert local[0].date() == date(2026, 1, 6) and local[-1].date() == date(2026, 3, 24)
    assert {(m.weekday(), m.hour, m.minute) for m in local} == {(1, 19, 0)}
    # Crosses the March change: the UTC hour moves, the local hour does not.
    assert {m.hour for m in starts} == {3, 2}


def test_first_meeting_is_the_first_weekday_on_or_after_the_start_date():
    # 2026-01-01 is a Thursday; the first Tuesday after it is 6 January.
    starts = weekly_start_times("UTC", date(2026, 1, 1), 1, time(9, 30), 1)
    assert starts == [at("2026-01-06T09:30:00+00:00")]


@pytest.mark.parametrize("text", ["Tue 19:00", "tuesday 7:05", "SUN 00:00"])
def test_parse_weekly_accepts(text):
    weekday, moment = parse_weekly(text)
    assert 0 <= weekday <= 6 and moment.minute in (0, 5)


@pytest.mark.parametrize("text", ["", "Tue", "Xyz 19:00", "Tue 25:00", "Tue 19:60", "19:00 Tue"])
def test_parse_weekly_refuses_with_an_example(text):
    with pytest.raises(UserFacingError) as raised:
        parse_weekly(text)
    assert 'e.g. "Tue 19:00"' in raised.value.message


def test_generation_numbers_after_an_existing_series(app):
    cohort = factories.make_cohort(timezone="Europe/London")
    with app.app_context():
        cohort = db.session.merge(cohort)
        generate_weekly_meetings(None, cohort, first_date=date(2026, 1, 6), weekday=1,
                                 at=time(19, 0), weeks=2)
        more = generate_weekly_meetings(None, cohort, first_date=date(2026, 2, 3), weekday=1,
                                        at=time(19, 0), weeks=1)
        assert more[0].number == 3 and more[0].title == "Week 3 peer group"
        assert db.session.query(Meeting).count() == 3


def test_generation_refuses_bad_week_counts_and_archived_cohorts(app):
    cohort = factories.make_cohort(status=CohortStatus.ARCHIVED)
    with app.app_context():
        cohort = db.session.merge(cohort)
        with pytest.raises(UserFacingError, match="archived"):
            generate_weekly_meetings(None, cohort, first_date=date(2026, 1, 6), weekday=1,
                                     at=time(19, 0), weeks=2)
        cohort.status = CohortStatus.ACTIVE
        with pytest.raises(UserFacingError, match="1 to 52"):
            generate_weekly_meetings(None, cohort, first_date=date(2026, 1, 6), weekday=1,
                                     at=time(19, 0), weeks=53)
