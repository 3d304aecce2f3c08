"""The facilitator's view of who has responded, and the gentle nudge's limits."""

from __future__ import annotations

from datetime import timedelta

from cop.cohorts.models import Role
from cop.db import utcnow
from cop.prompts.models import ReleaseKind
from tests import factories
from tests.conftest import login
from tests.prompts.helpers import notifications


def _setup(app, world):
    quiet = factories.make_user(display_name="Quiet Member")
    factories.enroll(quiet, world.cohort, Role.MEMBER)
    prompt = factories.make_prompt(world.cohort, author_id=world.facilitator.id,
                                   is_private_reflection=True)
    return prompt, quiet


def test_facilitator_sees_who_has_responded(app, world, client_as):
    prompt, _ = _setup(app, world)
    client_as("member").get(f"/prompts/{prompt.id}")
    client_as("member").post(f"/prompts/{prompt.id}/respond", data={"body": "Secret words"})
    page = client_as("facilitator").get(f"/prompts/{prompt.id}/responders").get_data(as_text=True)
    assert "1 of 2 members have responded" in page
    assert "Mo Member" in page and "Quiet Member" in page
    assert "Secret words" not in page  # who, never what
    assert client_as("member").get(f"/prompts/{prompt.id}/responders").status_code == 403


def test_nudge_reaches_only_those_who_have_not_responded_and_only_once(app, world, client_as):
    prompt, quiet = _setup(app, world)
    client_as("member").post(f"/prompts/{prompt.id}/respond", data={"body": "Done"})
    facilitator = client_as("facilitator")
    response = facilitator.post(f"/prompts/{prompt.id}/nudge", data={})
    assert response.status_code == 302
    reminders = notifications(app, quiet.id, "prompt.nudge")
    assert len(reminders) == 1
    assert reminders[0].url == f"/prompts/{prompt.id}"
    assert "gentle reminder" in reminders[0].summary and "Done" not in reminders[0].summary
    assert notifications(app, world.member.id, "prompt.nudge") == []
    # Again, for everyone or for the one person: nobody gets a second reminder.
    facilitator.post(f"/prompts/{prompt.id}/nudge", data={})
    facilitator.post(f"/prompts/{prompt.id}/nudge", data={"user_id": quiet.id})
    assert len(notifications(app, quiet.id, "prompt.nudge")) == 1
    page = facilitator.get(f"/prompts/{prompt.id}/responders").get_data(as_text=True)
    assert "Reminded" in page


def test_nudge_one_person_and_never_outsiders(app, world, client_as):
    prompt, quiet = _setup(app, world)
    facilitator = client_as("facilitator")
    facilitator.post(f"/prompts/{prompt.id}/nudge", data={"user_id": world.other_member.id})
    facilitator.post(f"/prompts/{prompt.id}/nudge", data={"user_id": world.facilitator.id})
    assert notifications(app, world.other_member.id) == []
    assert notifications(app, world.facilitator.id, "prompt.nudge") == []
    facilitator.post(f"/prompts/{prompt.id}/nudge", data={"user_id": quiet.id})
    assert len(notifications(app, quiet.id, "prompt.nudge")) == 1
    assert notifications(app, world.member.id, "prompt.nudge") == []


def test_no_nudge_before_release(app, world, client_as):
    prompt = factories.make_prompt(world.cohort, release_kind=ReleaseKind.AT_TIME,
                                   release_at=utcnow() + timedelta(days=1))
    facilitator = client_as("facilitator")
    response = facilitator.post(f"/prompts/{prompt.id}/nudge", data={}, follow_redirects=True)
    assert "not released yet" in response.get_data(as_text=True)
    assert notifications(app, world.member.id) == []


def test_nudge_needs_a_facilitator(app, world, client_as):
    prompt, quiet = _setup(app, world)
    assert client_as("member").post(f"/prompts/{prompt.id}/nudge", data={}).status_code == 403
    other = app.test_client()
    login(other, quiet)
    assert other.post(f"/prompts/{prompt.id}/nudge", data={}).status_code == 403
    assert notifications(app, world.member.id) == []
