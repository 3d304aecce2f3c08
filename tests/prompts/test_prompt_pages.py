"""Writing prompts through the browser forms, and who sees them when."""

from __future__ import annotations

from datetime import datetime, timedelta

from cop.cohorts.models import CohortStatus, Role
from cop.db import utcnow
from cop.extensions import db
from cop.prompts.models import Prompt, ReleaseKind
from tests import factories
from tests.prompts.helpers import count, notifications


def _form(**overrides):
    data = {"title": "How has your sleep been?", "body": "Since the last session, **sleep**?",
            "release_kind": "now", "privacy": "shared", "meeting_id": "",
            "release_offset_hours": "24"}
    data.update(overrides)
    return data


def test_facilitator_writes_a_prompt_released_now_and_members_are_told(app, world, client_as):
    client = client_as("facilitator")
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new", data=_form())
    assert response.status_code == 302
    with app.app_context():
        prompt = db.session.scalar(db.select(Prompt))
        assert prompt.release_kind == ReleaseKind.NOW and prompt.announced_at is not None
        assert prompt.thread_id is not None
        prompt_id = prompt.id
    sent = notifications(app, world.member.id, "prompt.released")
    assert len(sent) == 1 and sent[0].url == f"/prompts/{prompt_id}"
    # What people wrote never travels in a notification.
    assert "sleep" not in sent[0].summary.lower()
    assert notifications(app, world.facilitator.id) == []
    page = client_as("member").get(f"/prompts/{prompt_id}").get_data(as_text=True)
    assert "<strong>sleep</strong>" in page


def test_bad_input_keeps_what_was_typed(app, world, client_as):
    client = client_as("facilitator")
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new",
                           data=_form(body="   ", title="My typed title"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "the body is empty" in page and 'value="My typed title"' in page
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new", data=_form(
        release_kind="at_time", release_date="2020-01-01", release_time="09:00",
        body="Kept body text"))
    page = response.get_data(as_text=True)
    assert "already passed" in page and "Kept body text" in page
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new",
                           data=_form(meeting_id=str(world.meeting_b.id)))
    assert "not on this cohort&#39;s schedule" in response.get_data(as_text=True)
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new",
                           data=_form(release_kind="after_meeting", release_meeting_number="7"))
    assert "There is no meeting 7" in response.get_data(as_text=True)
    assert count(app, Prompt) == 0


def test_archived_cohort_refuses_new_prompts_with_a_message(app, world, client_as):
    with app.app_context():
        db.session.merge(world.cohort).status = CohortStatus.ARCHIVED
        db.session.commit()
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/prompts/new",
                                             data=_form(title="Typed"))
    assert "archived" in response.get_data(as_text=True) and count(app, Prompt) == 0


def test_visibility_before_and_after_release(app, world, client_as):
    future = factories.make_prompt(world.cohort, title="Later prompt",
                                   release_kind=ReleaseKind.AT_TIME,
                                   release_at=utcnow() + timedelta(days=2))
    released = factories.make_prompt(world.cohort, title="Open prompt")
    member, facilitator = client_as("member"), client_as("facilitator")
    listing = member.get(f"/cohorts/{world.cohort.id}/prompts").get_data(as_text=True)
    assert "Open prompt" in listing and "Later prompt" not in listing
    assert member.get(f"/prompts/{future.id}").status_code == 404
    assert member.get(f"/prompts/{released.id}").status_code == 200
    listing = facilitator.get(f"/cohorts/{world.cohort.id}/prompts").get_data(as_text=True)
    assert "Open prompt" in listing and "Later prompt" in listing and "Scheduled" in listing
    assert facilitator.get(f"/prompts/{future.id}").status_code == 200
    for prompt in (future, released):
        assert client_as("other_member").get(f"/prompts/{prompt.id}").status_code == 404
        assert client_as("admin").get(f"/prompts/{prompt.id}").status_code == 403
    # Once the moment passes it is visible, with no job having run.
    with app.app_context():
        db.session.get(Prompt, future.id).release_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert member.get(f"/prompts/{future.id}").status_code == 200


def test_after_meeting_release_follows_the_meeting(app, world, client_as):
    prompt = factories.make_prompt(world.cohort, release_kind=ReleaseKind.AFTER_MEETING,
                                   release_at=None, release_meeting_number=1)
    member = client_as("member")
    # world.meeting started five minutes ago and lasts 90 minutes: not over yet.
    assert member.get(f"/prompts/{prompt.id}").status_code == 404
    with app.app_context():
        from cop.schedule.models import Meeting

        db.session.get(Meeting, world.meeting.id).starts_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    assert member.get(f"/prompts/{prompt.id}").status_code == 200


def test_facilitator_edits_and_deletes_only_before_release(app, world, client_as):
    client = client_as("facilitator")
    future = factories.make_prompt(world.cohort, release_kind=ReleaseKind.AT_TIME,
                                   release_at=utcnow() + timedelta(days=1))
    released = factories.make_prompt(world.cohort)
    page = client.get(f"/prompts/{future.id}/edit").get_data(as_text=True)
    assert 'value="How has your sleep been?"' in page
    response = client.post(f"/prompts/{future.id}/edit", data=_form(
        title="Renamed", release_kind="after_meeting", release_meeting_number="1"))
    assert response.status_code == 302
    with app.app_context():
        edited = db.session.get(Prompt, future.id)
        assert edited.title == "Renamed" and edited.release_meeting_number == 1
    assert client.post(f"/prompts/{released.id}/delete").status_code == 302
    assert client.post(f"/prompts/{future.id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Prompt, released.id) is not None
        assert db.session.get(Prompt, future.id) is None


def test_admin_adds_a_theme_and_facilitators_can_tag_with_it(app, world, client_as):
    admin = client_as("admin")
    page = admin.get("/admin/themes").get_data(as_text=True)
    for name in ("Sleep", "Sensory tolerance", "Music", "Sense of time",
                 "Relationships and family", "Work and return to duty", "Self-care", "Meaning"):
        assert name in page
    assert admin.post("/admin/themes", data={"name": "Grief", "description": ""}).status_code == 302
    response = admin.post("/admin/themes", data={"name": "grief"})
    assert "already a theme called grief" in response.get_data(as_text=True)
    page = client_as("facilitator").get(f"/cohorts/{world.cohort.id}/prompts/new")
    assert "Grief" in page.get_data(as_text=True)


def test_a_prompt_can_be_linked_to_a_meeting_for_its_live_room(app, world, client_as):
    from cop.prompts.services import prompts_for_meeting
    from cop.schedule.models import Meeting

    client = client_as("facilitator")
    response = client.post(f"/cohorts/{world.cohort.id}/prompts/new",
                           data=_form(meeting_id=str(world.meeting.id)))
    assert response.status_code == 302
    with app.app_context():
        linked = prompts_for_meeting(db.session.get(Meeting, world.meeting.id))
        assert [p.title for p in linked] == ["How has your sleep been?"]
        assert prompts_for_meeting(db.session.get(Meeting, world.meeting_b.id)) == []


def test_member_left_the_cohort_loses_the_prompts(app, world, client_as):
    prompt = factories.make_prompt(world.cohort)
    with app.app_context():
        from cop.cohorts.models import Membership

        membership = db.session.scalar(db.select(Membership).filter_by(
            user_id=world.member.id, cohort_id=world.cohort.id))
        membership.removed_at = utcnow()
        db.session.commit()
    assert client_as("member").get(f"/prompts/{prompt.id}").status_code == 404


def test_new_member_of_draft_cohort_is_not_told(app):
    cohort = factories.make_cohort(status=CohortStatus.DRAFT)
    facilitator, member = factories.make_user(), factories.make_user()
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(member, cohort, Role.MEMBER)
    from cop.prompts.services import PromptInput, create_prompt

    with app.app_context():
        create_prompt(db.session.merge(cohort), db.session.merge(facilitator),
                      PromptInput(title="t", body="b"))
    assert notifications(app, member.id) == []


def test_editing_a_timed_prompt_shows_its_local_time(app, world, client_as):
    from cop.prompts.release import local_to_utc

    moment = local_to_utc(datetime(2031, 7, 1, 9, 30), "America/Vancouver")
    prompt = factories.make_prompt(world.cohort, release_kind=ReleaseKind.AT_TIME,
                                   release_at=moment)
    page = client_as("facilitator").get(f"/prompts/{prompt.id}/edit").get_data(as_text=True)
    assert 'value="2031-07-01"' in page and 'value="09:30"' in page
