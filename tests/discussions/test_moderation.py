"""Moderation: every action writes an audit entry and tells the author (without the text);
flags, the review queue's order, pre-moderation end to end, mutes and locks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from cop.audit.models import AuditEvent
from cop.cohorts.models import ModerationMode, Role
from cop.db import utcnow
from cop.discussions import moderation, services
from cop.discussions.models import Flag, FlagStatus, Post, PostStatus, Thread
from cop.errors import UserFacingError
from cop.extensions import db
from cop.moderation.models import CohortMute
from cop.notifications.models import Notification
from tests import factories
from tests.conftest import login
from tests.discussions.helpers import newest_post, page_text, post_reply, post_thread

SECRET = "my brother's name is Kai and the call was on Elm Street"


def _member_post(app, world, client_as) -> int:
    client = client_as("member")
    assert post_reply(client, world.thread.id, SECRET).status_code == 302
    with app.app_context():
        return newest_post().id


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _notifications(app, user_id: int) -> list[Notification]:
    with app.app_context():
        return db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                  .order_by(Notification.id)).all()


@pytest.mark.parametrize("steps", [
    [("hide", "Shares a colleague's name")],
    [("remove", "Identifies a patient")],
    [("hide", "Too graphic for now"), ("restore", "")],
])
def test_post_actions_are_audited_and_the_author_is_told(app, world, client_as, steps):
    post_id = _member_post(app, world, client_as)
    facilitator = client_as("facilitator")
    for action, reason in steps:
        response = facilitator.post(f"/discussions/posts/{post_id}/moderate",
                                    data={"action": action, "reason": reason})
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        [entry] = _audit(app, f"post.{action}")
        assert (entry.actor_id, entry.target_type, entry.target_id, entry.cohort_id,
                entry.reason) == (world.facilitator.id, "post", post_id, world.cohort.id, reason)
        assert entry.created_at is not None
    notes = [n for n in _notifications(app, world.member.id) if n.kind.startswith("discussion.")]
    assert [n.kind for n in notes] == [f"discussion.{action}" for action, _ in steps]
    for note in notes:
        assert "Kai" not in note.summary and "Elm" not in note.summary
        assert note.url == f"/discussions/posts/{post_id}"
    # The author reads the reason on the post itself.
    if steps[-1][0] in ("hide", "remove"):
        html = page_text(client_as("member"), f"/discussions/posts/{post_id}")
        assert escape(steps[-1][1]) in html


def test_thread_actions_are_audited(app, world, client_as):
    facilitator = client_as("facilitator")
    for action in ("lock", "unlock", "pin", "unpin"):
        response = facilitator.post(f"/discussions/threads/{world.thread.id}/moderate",
                                    data={"action": action})
        assert response.status_code == 302
        assert len(_audit(app, f"thread.{action}")) == 1
    # Doing it twice is refused with a message, and nothing is recorded.
    facilitator.post(f"/discussions/threads/{world.thread.id}/moderate", data={"action": "unpin"})
    assert len(_audit(app, "thread.unpin")) == 1


def test_hide_needs_a_reason_and_keeps_the_form(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    response = client_as("facilitator").post(f"/discussions/posts/{post_id}/moderate",
                                             data={"action": "hide", "reason": "  "})
    assert response.status_code == 200
    assert "Give a reason" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, post_id).status == PostStatus.VISIBLE
    assert _audit(app, "post.hide") == []


def test_members_cannot_moderate(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    response = client_as("member").post(f"/discussions/posts/{post_id}/moderate",
                                        data={"action": "hide", "reason": "x"})
    assert response.status_code == 403


def test_flags_one_per_person_and_the_queue_puts_safety_first(app, world, client_as):
    other = factories.make_user(display_name="Olu")
    factories.enroll(other, world.cohort, Role.MEMBER)
    with app.test_request_context():
        thread = db.session.merge(world.thread)
        member = db.session.merge(world.member)
        older = services.reply(thread, member, "older post")
        newer = services.reply(thread, member, "newer post")
        services.flag_post(older, db.session.merge(world.facilitator), "off_topic")
        services.flag_post(newer, db.session.merge(other), "safety", "I'm worried")
        with pytest.raises(UserFacingError, match="already flagged"):
            services.flag_post(newer, db.session.merge(other), "unkind")
        with pytest.raises(UserFacingError, match="own post"):
            services.flag_post(newer, member, "unkind")
        queue = moderation.review_queue(db.session.merge(world.cohort))
        assert [item.post.id for item in queue] == [newer.id, older.id]
        assert queue[0].has_safety_concern
    # Facilitators are told, without the post's text.
    summaries = [n.summary for n in _notifications(app, world.facilitator.id)]
    assert "A member raised a safety concern about a post." in summaries
    html = page_text(client_as("facilitator"), f"/cohorts/{world.cohort.id}/discussions/review")
    assert html.index("newer post") < html.index("older post")
    assert "Safety concern" in html


def test_flag_through_the_page_then_hide_resolves_it(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    other = factories.make_user()
    factories.enroll(other, world.cohort, Role.MEMBER)
    client = app.test_client()
    login(client, other)
    assert client.post(f"/discussions/posts/{post_id}/flag", data={}).status_code == 200
    assert client.post(f"/discussions/posts/{post_id}/flag",
                       data={"reason": "privacy"}).status_code == 302
    again = client.post(f"/discussions/posts/{post_id}/flag", data={"reason": "unkind"})
    assert "already flagged" in again.get_data(as_text=True)
    client_as("facilitator").post(f"/discussions/posts/{post_id}/moderate",
                                  data={"action": "hide", "reason": "Names someone"})
    with app.app_context():
        flag = db.session.scalar(select(Flag))
        assert (flag.status, flag.resolution) == (FlagStatus.RESOLVED, "hide")
        assert moderation.review_queue(db.session.merge(world.cohort)) == []


def test_pre_moderation_end_to_end(app, world, client_as):
    with app.app_context():
        db.session.merge(world.cohort).moderation_mode = ModerationMode.PRE
        db.session.commit()
    member = client_as("member")
    assert post_thread(member, world.cohort.id, "Night shifts", "It is hard").status_code == 302
    with app.app_context():
        thread = db.session.scalars(select(Thread).order_by(Thread.id.desc())).first()
        opening = thread.opening_post
        assert opening.status == PostStatus.PENDING
        thread_id, post_id = thread.id, opening.id
    assert "Awaiting review" in page_text(member, f"/discussions/threads/{thread_id}")
    other = factories.make_user()
    factories.enroll(other, world.cohort, Role.MEMBER)
    other_client = app.test_client()
    login(other_client, other)
    assert other_client.get(f"/discussions/threads/{thread_id}").status_code == 404
    facilitator = client_as("facilitator")
    assert "It is hard" in page_text(facilitator, f"/cohorts/{world.cohort.id}/discussions/review")
    assert any(n.kind == "discussion.pending" for n in _notifications(app, world.facilitator.id))
    facilitator.post(f"/discussions/posts/{post_id}/moderate", data={"action": "approve"})
    assert "It is hard" in page_text(other_client, f"/discussions/threads/{thread_id}")
    assert len(_audit(app, "post.approve")) == 1
    assert any(n.kind == "discussion.approve" for n in _notifications(app, world.member.id))
    # The facilitator's own replies are never held.
    post_reply(facilitator, thread_id, "Thank you for sharing")
    with app.app_context():
        assert newest_post().status == PostStatus.VISIBLE


def test_mute_from_the_queue_refuses_posting_and_is_audited(app, world, client_as):
    facilitator = client_as("facilitator")
    response = facilitator.post(f"/cohorts/{world.cohort.id}/discussions/mutes",
                                data={"user_id": world.member.id, "hours": 24, "reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.get_data(as_text=True)
    response = facilitator.post(f"/cohorts/{world.cohort.id}/discussions/mutes",
                                data={"user_id": world.member.id, "hours": 24,
                                      "reason": "Let's take a breath"})
    assert response.status_code == 302
    [entry] = _audit(app, "member.mute")
    assert (entry.target_id, entry.cohort_id, entry.detail["hours"]) == (
        world.member.id, world.cohort.id, 24)
    with app.app_context():
        mute = db.session.scalar(select(CohortMute))
        assert timedelta(hours=23) < mute.until - utcnow() <= timedelta(hours=24)
    member = client_as("member")
    response = post_reply(member, world.thread.id, "my draft while muted")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "paused your posting" in html and "Let&#39;s take a breath" in html
    assert "my draft while muted" in html  # the draft is kept
    assert post_thread(member, world.cohort.id, "t", "b").status_code == 200
    assert any(n.kind == "discussion.muted" for n in _notifications(app, world.member.id))


def test_facilitator_content_note_on_someone_elses_post_is_audited(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    response = client_as("facilitator").post(f"/discussions/posts/{post_id}/note",
                                             data={"content_note": "graphic detail"})
    assert response.status_code == 302
    [entry] = _audit(app, "post.content_note")
    assert entry.target_id == post_id
    assert any(n.kind == "discussion.content_note" for n in _notifications(app, world.member.id))
    # An author's own note is not an audit matter; another member may not set one.
    client_as("member").post(f"/discussions/posts/{post_id}/note",
                             data={"content_note": "grief"})
    assert len(_audit(app, "post.content_note")) == 1
    html = page_text(client_as("member"), f"/discussions/threads/{world.thread.id}")
    assert "Content note: grief" in html and "<details" in html


def test_audit_page_lists_the_cohort_steps_for_facilitators_and_admins(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    client_as("facilitator").post(f"/discussions/posts/{post_id}/moderate",
                                  data={"action": "hide", "reason": "Needs a content note"})
    for role in ("facilitator", "admin"):
        html = page_text(client_as(role), f"/cohorts/{world.cohort.id}/audit")
        assert "post.hide" in html and "Needs a content note" in html
    assert client_as("member").get(f"/cohorts/{world.cohort.id}/audit").status_code == 403


def test_audit_entries_cannot_be_changed(app, world, client_as):
    post_id = _member_post(app, world, client_as)
    client_as("facilitator").post(f"/discussions/posts/{post_id}/moderate",
                                  data={"action": "hide", "reason": "r"})
    with app.app_context():
        entry = db.session.scalar(select(AuditEvent))
        entry.reason = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()


def test_services_work_outside_a_request(app, world):
    """Prompts are released by scheduled jobs: no request, still notifications with links."""
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        cohort.moderation_mode = ModerationMode.PRE
        db.session.commit()
        thread = services.create_thread(cohort, db.session.merge(world.member), "From a job",
                                        "body")
        assert thread.opening_post.status == PostStatus.PENDING
        note = db.session.scalar(select(Notification).where(
            Notification.kind == "discussion.pending"))
        assert note.url == f"/cohorts/{world.cohort.id}/discussions/review"
