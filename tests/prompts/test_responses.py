"""Responses open a discussion thread; private reflections are seen by author and facilitators."""

from __future__ import annotations

from cop.cohorts.models import Role
from cop.discussions.models import Post, Thread, ThreadKind
from cop.extensions import db
from cop.prompts.models import Prompt
from cop.prompts.services import announce_if_released
from tests import factories
from tests.prompts.helpers import count


def _released(world, private: bool) -> int:
    prompt = factories.make_prompt(world.cohort, is_private_reflection=private,
                                   author_id=world.facilitator.id)
    return prompt.id


def test_first_view_opens_one_thread(app, world, client_as):
    prompt_id = _released(world, private=False)
    member = client_as("member")
    assert member.get(f"/prompts/{prompt_id}").status_code == 200
    assert member.get(f"/prompts/{prompt_id}").status_code == 200
    client_as("facilitator").get(f"/prompts/{prompt_id}")
    with app.app_context():
        threads = db.session.scalars(db.select(Thread).where(Thread.kind == ThreadKind.PROMPT)).all()
        assert len(threads) == 1
        assert threads[0].responses_private is False
        assert db.session.get(Prompt, prompt_id).thread_id == threads[0].id
        # Announcing again (tick after a view) changes nothing.
        assert announce_if_released(db.session.get(Prompt, prompt_id)) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)
                                 .where(Thread.kind == ThreadKind.PROMPT)) == 1


def test_private_reflection_is_seen_only_by_its_author_and_facilitators(app, world, client_as):
    second = factories.make_user(display_name="Second Member")
    factories.enroll(second, world.cohort, Role.MEMBER)
    prompt_id = _released(world, private=True)
    member = client_as("member")
    member.get(f"/prompts/{prompt_id}")
    response = member.post(f"/prompts/{prompt_id}/respond",
                           data={"body": "The sirens were hard on Tuesday."})
    assert response.status_code == 302
    assert "The sirens were hard" in member.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    facilitator = client_as("facilitator")
    assert "The sirens were hard" in facilitator.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    from tests.conftest import login

    other = app.test_client()
    login(other, second)
    page = other.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    assert "The sirens were hard" not in page and "Mo Member" not in page
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(
            Post.parent_id.is_not(None), Post.thread_id == db.session.get(Prompt, prompt_id).thread_id))
        assert post.is_private and post.audience_user_id == world.member.id
        post_id = post.id
    # The facilitator answers the reflection privately; the member sees it, the other does not.
    response = facilitator.post(f"/prompts/{prompt_id}/respond",
                                data={"body": "Thank you for telling us.", "parent_id": post_id})
    assert response.status_code == 302
    assert "Thank you for telling us." in member.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    assert "Thank you for telling us." not in other.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    # The other member cannot reply to a reflection they cannot see.
    response = other.post(f"/prompts/{prompt_id}/respond", data={"body": "x", "parent_id": post_id})
    assert "not part of this prompt" in response.get_data(as_text=True)


def test_shared_responses_are_seen_by_the_cohort_not_others(app, world, client_as):
    prompt_id = _released(world, private=False)
    client_as("member").post(f"/prompts/{prompt_id}/respond", data={"body": "Music helped."})
    second = factories.make_user()
    factories.enroll(second, world.cohort, Role.MEMBER)
    from tests.conftest import login

    peer = app.test_client()
    login(peer, second)
    assert "Music helped." in peer.get(f"/prompts/{prompt_id}").get_data(as_text=True)
    assert client_as("other_member").get(f"/prompts/{prompt_id}").status_code == 404


def test_an_empty_response_is_refused_and_nothing_saved(app, world, client_as):
    prompt_id = _released(world, private=True)
    member = client_as("member")
    member.get(f"/prompts/{prompt_id}")
    before = count(app, Post)
    response = member.post(f"/prompts/{prompt_id}/respond", data={"body": "   "})
    assert response.status_code == 200 and "Write something first" in response.get_data(as_text=True)
    assert count(app, Post) == before
