"""Writing: nesting, edits with revisions, deletion, reactions, and every refusal (with
the draft kept and nothing half-saved)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cop.cohorts.models import CohortStatus
from cop.discussions import moderation, services
from cop.discussions.models import BODY_LIMIT, Post, PostRevision, Reaction, Thread
from cop.extensions import db
from tests.discussions.helpers import newest_post, page_text, post_reply, post_thread


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Thread)),
                db.session.scalar(select(func.count()).select_from(Post)))


def test_replies_nest_to_depth_four_then_show_flat_with_in_reply_to(app, world, client_as):
    client = client_as("member")
    parent_id = None
    for depth in range(1, 7):
        if parent_id is None:
            post_reply(client, world.thread.id, f"level {depth}")
        else:
            response = client.post(f"/discussions/posts/{parent_id}/reply",
                                   data={"body": f"level {depth}"})
            assert response.status_code == 302
        with app.app_context():
            post = newest_post()
            assert post.depth == depth
            parent_id = post.id
    html = page_text(client, f"/discussions/threads/{world.thread.id}")
    # Levels 5 and 6 are listed flat under level 4, each saying whom it answers.
    assert html.count("in reply to Mo Member") == 2
    with app.app_context():
        level4 = db.session.scalar(select(Post).where(Post.body == "level 4"))
        level5 = db.session.scalar(select(Post).where(Post.body == "level 5"))
        level6 = db.session.scalar(select(Post).where(Post.body == "level 6"))
    children4 = html.split(f'id="children-{level4.id}"')[1]
    assert f'id="post-{level5.id}"' in children4 and f'id="post-{level6.id}"' in children4
    assert f'id="children-{level5.id}"' not in html


def test_edit_keeps_revisions_visible_to_facilitators(app, world, client_as):
    member = client_as("member")
    post_thread(member, world.cohort.id, "First title", "first words")
    with app.app_context():
        post = newest_post()
    response = member.post(f"/discussions/posts/{post.id}/edit",
                           data={"title": "Better title", "body": "second words"})
    assert response.status_code == 302
    member.post(f"/discussions/posts/{post.id}/edit",
                data={"title": "Better title", "body": "third words"})
    with app.app_context():
        revisions = db.session.scalars(select(PostRevision).order_by(PostRevision.id)).all()
        assert [r.body for r in revisions] == ["first words", "second words"]
        assert revisions[0].title == "First title"
        assert db.session.get(Thread, post.thread_id).title == "Better title"
    html = page_text(client_as("facilitator"), f"/discussions/posts/{post.id}/revisions")
    assert "first words" in html and "second words" in html and "third words" in html
    assert member.get(f"/discussions/posts/{post.id}/revisions").status_code == 403
    # Nobody but the author edits.
    assert client_as("facilitator").post(f"/discussions/posts/{post.id}/edit",
                                         data={"body": "x"}).status_code == 403


def test_delete_is_soft_and_says_deleted_by_author(app, world, client_as):
    member = client_as("member")
    post_reply(member, world.thread.id, "regret this")
    with app.app_context():
        post_id = newest_post().id
    unconfirmed = member.post(f"/discussions/posts/{post_id}/delete", data={})
    assert unconfirmed.status_code == 400
    assert member.post(f"/discussions/posts/{post_id}/delete",
                       data={"confirm": "y"}).status_code == 302
    html = page_text(client_as("facilitator"), f"/discussions/threads/{world.thread.id}")
    assert "Deleted by author." in html and "regret this" not in html
    with app.app_context():
        assert db.session.get(Post, post_id).deleted_at is not None


def test_reactions_toggle_with_counts_and_names(app, world, client_as):
    member, facilitator = client_as("member"), client_as("facilitator")
    url = f"/discussions/posts/{world.post.id}/react"
    member.post(url, data={"kind": "heard"})
    facilitator.post(url, data={"kind": "heard"})
    member.post(url, data={"kind": "me_too"})
    member.post(url, data={"kind": "me_too"})  # taken back
    assert member.post(url, data={"kind": "downvote"}).status_code == 302
    with app.app_context():
        kinds = sorted(r.kind.value for r in db.session.scalars(select(Reaction)))
    assert kinds == ["heard", "heard"]
    html = page_text(member, f"/discussions/threads/{world.thread.id}")
    assert "Heard you: Mo Member, Fran Facilitator" in html
    assert 'aria-pressed="true"' in html


@pytest.mark.parametrize("body, message", [
    ("   ", "Write something first."),
    ("x" * (BODY_LIMIT + 1), "Keep it under 20,000 characters"),
])
def test_empty_or_oversized_bodies_are_refused_and_the_draft_kept(app, world, client_as, body,
                                                                  message):
    before = _counts(app)
    client = client_as("member")
    response = post_thread(client, world.cohort.id, "A title I typed", body)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "A title I typed" in html
    response = post_reply(client, world.thread.id, body)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    if body.strip():
        assert body in response.get_data(as_text=True)
    assert _counts(app) == before


def test_missing_csrf_token_is_refused_and_the_draft_shown_back(app, world, client_as):
    client = client_as("member")
    before = _counts(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = post_reply(client, world.thread.id, "words I do not want to lose")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "words I do not want to lose" in response.get_data(as_text=True)
    assert _counts(app) == before


def test_locked_thread_refuses_replies_with_a_message(app, world, client_as):
    client_as("facilitator").post(f"/discussions/threads/{world.thread.id}/moderate",
                                  data={"action": "lock"})
    before = _counts(app)
    response = post_reply(client_as("member"), world.thread.id, "late thought")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "locked" in html and "late thought" in html
    assert _counts(app) == before
    assert "This thread is locked" in page_text(client_as("member"),
                                                f"/discussions/threads/{world.thread.id}")


def test_archived_cohort_is_read_only(app, world, client_as):
    with app.app_context():
        db.session.merge(world.cohort).status = CohortStatus.ARCHIVED
        db.session.commit()
    client = client_as("member")
    assert post_reply(client, world.thread.id, "after the end").status_code == 403
    assert client.get(f"/cohorts/{world.cohort.id}/discussions/new").status_code == 403
    assert "Sleep after nights" in page_text(client, f"/discussions/threads/{world.thread.id}")
    with app.test_request_context(), pytest.raises(Exception, match="archived"):
        services.reply(db.session.merge(world.thread), db.session.merge(world.member), "x")


def test_another_cohorts_thread_is_404(app, world, client_as):
    client = client_as("other_member")
    assert post_reply(client, world.thread.id, "hello").status_code == 404
    assert client.post(f"/discussions/posts/{world.post.id}/reply",
                       data={"body": "hello"}).status_code == 404


def test_replying_to_a_removed_post_is_refused(app, world, client_as):
    member = client_as("member")
    post_reply(member, world.thread.id, "to be removed")
    with app.test_request_context():
        post = newest_post()
        moderation.moderate_post(post, db.session.merge(world.facilitator), "remove", "r")
        post_id = post.id
    before = _counts(app)
    # The author still sees it (with the reason) but cannot reply under it; nor can others.
    response = member.post(f"/discussions/posts/{post_id}/reply", data={"body": "but why"})
    html = response.get_data(as_text=True)
    assert "removed or deleted" in html and "but why" in html
    assert _counts(app) == before
