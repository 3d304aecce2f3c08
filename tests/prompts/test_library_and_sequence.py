"""The starter library, saved prompts, and scheduling the 12-week sequence in one step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cop.db import utcnow
from cop.extensions import db
from cop.prompts.library import DEFAULT_THEMES, STARTER_PROMPTS
from cop.prompts.models import LibraryPrompt, Prompt, ReleaseKind
from cop.prompts.release import calendar_for
from cop.prompts.services import status_of
from cop.schedule.models import Meeting
from tests import factories
from tests.prompts.helpers import count


def _twelve_weeks(cohort, first=None):
    first = first or utcnow() + timedelta(days=1)
    return [factories.make_meeting(cohort, starts_at=first + timedelta(weeks=n),
                                   title=f"Week {n + 1}") for n in range(12)]


def _clear_meetings(app, cohort):
    with app.app_context():
        db.session.execute(db.delete(Meeting).where(Meeting.cohort_id == cohort.id))
        db.session.commit()


def test_starter_library_covers_every_theme_across_twelve_weeks():
    assert sorted(week for _, week, *_ in STARTER_PROMPTS) == list(range(1, 13))
    used = {slug for *_, slugs in STARTER_PROMPTS for slug in slugs}
    assert used == {slug for slug, _, _ in DEFAULT_THEMES}


def test_library_page_seeds_once_and_lists_saved_prompts(app, world, client_as):
    factories.make_library_prompt(world.facilitator, title="My own question")
    factories.make_library_prompt(world.admin, title="Someone else's question")
    client = client_as("facilitator")
    page = client.get(f"/cohorts/{world.cohort.id}/prompts/library").get_data(as_text=True)
    assert "Week 1: Arriving" in page and "Week 12: What you carry forward" in page
    assert "My own question" in page and "Someone else" not in page
    client.get(f"/cohorts/{world.cohort.id}/prompts/library")
    with app.app_context():
        starters = db.session.scalars(select(LibraryPrompt).where(LibraryPrompt.owner_id.is_(None)))
        assert len(starters.all()) == 12


def test_saving_to_the_library_and_using_it(app, world, client_as):
    client = client_as("facilitator")
    prompt = factories.make_prompt(world.cohort, title="Worth keeping")
    assert client.post(f"/prompts/{prompt.id}/save").status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(LibraryPrompt).where(LibraryPrompt.title == "Worth keeping"))
        assert saved.owner_id == world.facilitator.id
        saved_id = saved.id
    page = client.get(f"/cohorts/{world.cohort.id}/prompts/new?from_library={saved_id}")
    assert 'value="Worth keeping"' in page.get_data(as_text=True)
    # Another person's saved prompt is not theirs to use or delete.
    other = factories.make_library_prompt(world.admin)
    assert client.get(f"/cohorts/{world.cohort.id}/prompts/new?from_library={other.id}").status_code == 404
    assert client.post(f"/prompts/library/{other.id}/delete").status_code == 404
    assert client.post(f"/prompts/library/{saved_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(LibraryPrompt, saved_id) is None


def test_schedule_the_twelve_week_sequence_in_one_step(app, world, client_as):
    _clear_meetings(app, world.cohort)
    meetings = _twelve_weeks(world.cohort)
    client = client_as("facilitator")
    page = client.get(f"/cohorts/{world.cohort.id}/prompts/sequence").get_data(as_text=True)
    assert "Week 12" in page
    with app.app_context():
        starters = {lp.week: lp.id for lp in db.session.scalars(
            select(LibraryPrompt).where(LibraryPrompt.owner_id.is_(None)))}
    form = {f"week_{week}": str(lp_id) for week, lp_id in starters.items()}
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/sequence",
                           data={**form, "privacy": "private"})
    assert response.status_code == 302
    with app.app_context():
        prompts = db.session.scalars(select(Prompt).order_by(Prompt.release_meeting_number)).all()
        assert [p.release_meeting_number for p in prompts] == list(range(1, 13))
        assert all(p.release_kind == ReleaseKind.AFTER_MEETING and p.is_private_reflection
                   for p in prompts)
        assert prompts[0].title == "Arriving" and prompts[0].themes
        calendar = calendar_for(world.cohort.id)
        for prompt, meeting in zip(prompts, meetings, strict=True):
            assert status_of(prompt, calendar).released_at == meeting.ends_at
        # Week 1 appears only once meeting 1 has ended.
        week_one = prompts[0]
        assert not status_of(week_one, calendar, meetings[0].ends_at - timedelta(seconds=1)).is_released
        assert status_of(week_one, calendar, meetings[0].ends_at).is_released


def test_sequence_refuses_weeks_without_meetings_and_saves_nothing(app, world, client_as):
    _clear_meetings(app, world.cohort)
    _twelve_weeks(world.cohort)
    with app.app_context():
        db.session.execute(db.delete(Meeting).where(Meeting.title.in_(["Week 11", "Week 12"])))
        db.session.commit()
    client = client_as("facilitator")
    client.get(f"/cohorts/{world.cohort.id}/prompts/library")
    with app.app_context():
        ids = [lp.id for lp in db.session.scalars(select(LibraryPrompt).order_by(LibraryPrompt.week))]
    form = {f"week_{n}": str(ids[n - 1]) for n in range(1, 13)}
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/sequence",
                           data={**form, "privacy": "shared"})
    page = response.get_data(as_text=True)
    assert "10 virtual meetings scheduled, so week 11, 12 has no meeting" in page
    assert count(app, Prompt) == 0
    # Skipping those weeks works.
    form["week_11"] = form["week_12"] = ""
    assert client.post(f"/cohorts/{world.cohort.id}/prompts/sequence",
                       data={**form, "privacy": "shared"}).status_code == 302
    assert count(app, Prompt) == 10


def test_sequence_refuses_meetings_already_over(app, world, client_as):
    _clear_meetings(app, world.cohort)
    _twelve_weeks(world.cohort, first=utcnow() - timedelta(days=8))  # week 1 and 2 are over
    client = client_as("facilitator")
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/sequence",
                           data={"privacy": "shared"})
    # The defaults pick the starter prompt for every week.
    assert "Meeting 1, 2 has already ended" in response.get_data(as_text=True)
    assert count(app, Prompt) == 0
