"""Who sees pending, hidden, removed, deleted and private posts: through the rule, its SQL
twin, and the rendered pages, for author, other member, facilitator, admin, other cohort."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cop.cohorts.models import ModerationMode, Role
from cop.discussions import moderation, services
from cop.discussions.models import Post
from cop.discussions.visibility import Viewer, Visibility
from cop.extensions import db
from tests import factories
from tests.conftest import login


@pytest.fixture
def scene(app, world):
    """A thread with one post in every state, written by the member."""
    other = factories.make_user(display_name="Olu Other")
    factories.enroll(other, world.cohort, Role.MEMBER)
    with app.test_request_context():
        cohort = db.session.merge(world.cohort)
        member, facilitator = db.session.merge(world.member), db.session.merge(world.facilitator)
        thread = services.create_thread(cohort, facilitator, "Week 3", "How was the week?")
        texts = {}

        def write(state: str) -> Post:
            texts[state] = f"secret-{state}-words"
            return services.reply(thread, member, texts[state])

        visible = write("visible")
        hidden = write("hidden")
        moderation.moderate_post(hidden, facilitator, "hide", "Names a colleague")
        removed = write("removed")
        moderation.moderate_post(removed, facilitator, "remove", "Shares an address")
        deleted = write("deleted")
        services.delete_post(deleted, member)
        cohort.moderation_mode = ModerationMode.PRE
        db.session.commit()
        pending = write("pending")
        cohort.moderation_mode = ModerationMode.POST
        db.session.commit()
        private = services.create_thread(cohort, facilitator, "Reflection", "Private prompt",
                                         kind="prompt", responses_private=True)
        texts["private"] = "secret-private-words"
        private_reply = services.reply(private, member, texts["private"])
        answer = services.reply(private, facilitator, "secret-answer-words", private_reply)
        ids = {"visible": visible.id, "hidden": hidden.id, "removed": removed.id,
               "deleted": deleted.id, "pending": pending.id, "private": private_reply.id,
               "answer": answer.id}
        return {"thread": thread.id, "private_thread": private.id, "ids": ids, "texts": texts,
                "other": other}


# What each person sees of each post: FULL, STUB or NONE.
EXPECTED = {
    "author":      {"visible": "FULL", "hidden": "FULL", "removed": "FULL", "deleted": "STUB",
                    "pending": "FULL", "private": "FULL", "answer": "FULL"},
    "other":       {"visible": "FULL", "hidden": "STUB", "removed": "STUB", "deleted": "STUB",
                    "pending": "NONE", "private": "NONE", "answer": "NONE"},
    "facilitator": {"visible": "FULL", "hidden": "FULL", "removed": "FULL", "deleted": "STUB",
                    "pending": "FULL", "private": "FULL", "answer": "FULL"},
}


def _people(world, scene):
    return {"author": world.member, "other": scene["other"], "facilitator": world.facilitator}


def test_the_rule_and_its_sql_twins_agree(app, world, scene):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        for who, user in _people(world, scene).items():
            viewer = Viewer.of(db.session.merge(user), cohort)
            listed = set(db.session.scalars(select(Post.id).where(viewer.listed())))
            readable = set(db.session.scalars(select(Post.id).where(viewer.readable())))
            for state, post_id in scene["ids"].items():
                post = db.session.get(Post, post_id)
                seen = viewer.sees(post)
                assert seen.name == EXPECTED[who][state], (who, state)
                assert (post_id in listed) == (seen != Visibility.NONE), (who, state)
                assert (post_id in readable) == (seen == Visibility.FULL), (who, state)


def test_admin_and_other_cohort_read_nothing(app, world, scene):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        assert Viewer.of(db.session.merge(world.admin), cohort) is None
        assert Viewer.of(db.session.merge(world.other_member), cohort) is None
        # A cohort-B reader's rule never matches cohort-A posts.
        viewer_b = Viewer.of(db.session.merge(world.other_member), db.session.merge(world.cohort_b))
        assert db.session.scalars(select(Post.id).where(viewer_b.listed())).all() == []


@pytest.mark.parametrize("who", ["author", "other", "facilitator"])
def test_pages_show_exactly_what_the_rule_allows(app, world, scene, who):
    client = app.test_client()
    login(client, _people(world, scene)[who])
    html = client.get(f"/discussions/threads/{scene['thread']}").get_data(as_text=True)
    private_html = client.get(f"/discussions/threads/{scene['private_thread']}").get_data(
        as_text=True)
    for state, post_id in scene["ids"].items():
        page = private_html if state in ("private", "answer") else html
        expected = EXPECTED[who][state]
        text = scene["texts"].get(state, "secret-answer-words")
        assert (text in page) == (expected == "FULL"), (who, state)
        assert (f'id="post-{post_id}"' in page) == (expected != "NONE"), (who, state)
    if who == "author":
        assert "Awaiting review" in html
        assert "Names a colleague" in html  # the reason the author is told
    if who == "other":
        assert "Hidden by a facilitator." in html and "Names a colleague" not in html
        assert "Deleted by author." in html


@pytest.mark.parametrize("who", ["admin", "other_member"])
def test_admin_and_other_cohort_get_no_page(app, world, scene, client_as, who):
    client = client_as(who)
    expected = 403 if who == "admin" else 404
    assert client.get(f"/discussions/threads/{scene['thread']}").status_code == expected
    for post_id in scene["ids"].values():
        assert client.get(f"/discussions/posts/{post_id}/fragment").status_code == expected


def test_fragment_of_an_unseen_post_is_404(app, world, scene):
    client = app.test_client()
    login(client, scene["other"])
    assert client.get(f"/discussions/posts/{scene['ids']['pending']}/fragment").status_code == 404
    assert client.get(f"/discussions/posts/{scene['ids']['private']}/fragment").status_code == 404
    hidden = client.get(f"/discussions/posts/{scene['ids']['hidden']}/fragment").get_json()
    assert "secret-hidden-words" not in hidden["html"]


def test_pending_thread_is_listed_only_for_author_and_facilitators(app, world, client_as):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        cohort.moderation_mode = ModerationMode.PRE
        db.session.commit()
    member = client_as("member")
    member.post(f"/cohorts/{world.cohort.id}/discussions/new",
                data={"title": "Pending thread title", "body": "words"})
    other = factories.make_user()
    factories.enroll(other, world.cohort, Role.MEMBER)
    other_client = app.test_client()
    login(other_client, other)
    index = f"/cohorts/{world.cohort.id}/discussions"
    assert "Pending thread title" in member.get(index).get_data(as_text=True)
    assert "Pending thread title" in client_as("facilitator").get(index).get_data(as_text=True)
    assert "Pending thread title" not in other_client.get(index).get_data(as_text=True)
