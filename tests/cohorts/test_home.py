"""The home page shows each group's latest prompt and unread discussion."""

from __future__ import annotations

from datetime import timedelta

from cop.db import utcnow
from cop.prompts.models import ReleaseKind
from tests import factories


def test_home_shows_latest_released_prompt_and_unread_count(world, client_as):
    factories.make_prompt(world.cohort, title="Older prompt",
                          release_at=utcnow() - timedelta(days=2))
    factories.make_prompt(world.cohort, title="How has your sleep been?")
    factories.make_prompt(world.cohort, title="Not yet", release_kind=ReleaseKind.AT_TIME,
                          release_at=utcnow() + timedelta(days=2))
    page = client_as("member").get("/").get_data(as_text=True)
    assert "This week's prompt" in page and "How has your sleep been?" in page
    assert "Not yet" not in page and "Older prompt" not in page
    # The world's thread and reply were written by the facilitator: unread for the member.
    assert "Discussion</a>: 2 unread" in page


def test_admin_home_shows_no_cohort_content(world, client_as):
    factories.make_prompt(world.cohort, title="Private to the group")
    page = client_as("admin").get("/").get_data(as_text=True)
    assert "Private to the group" not in page
