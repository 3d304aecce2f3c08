"""Read tracking through a sequence of visits; the query bound of a long thread; search."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from cop.cohorts.models import ModerationMode, Role
from cop.discussions import moderation, services
from cop.discussions.models import Post
from cop.discussions.search import search_backend
from cop.discussions.visibility import Viewer
from cop.extensions import db
from tests import factories
from tests.discussions.helpers import page_text


def _unread_on_index(client, cohort_id: int) -> tuple[int, dict[str, int]]:
    html = page_text(client, f"/cohorts/{cohort_id}/discussions")
    total = int(re.search(r"data-unread-total>(\d+)<", html).group(1))
    per_thread = dict(re.findall(r'data-thread-id="(\d+)".*?(?:(\d+) unread|</li>)', html, re.S))
    return total, {k: int(v) for k, v in per_thread.items() if v}


def test_unread_counts_through_a_sequence_of_visits(app, world, client_as):
    member, facilitator = client_as("member"), client_as("facilitator")
    cohort_id, thread_id = world.cohort.id, world.thread.id
    # The world's thread and the facilitator's reply: both new to the member.
    assert _unread_on_index(member, cohort_id) == (2, {str(thread_id): 2})
    assert "2</span> unread" in page_text(member, f"/cohorts/{cohort_id}")
    # Visiting reads the thread; the member's own reply never counts as unread.
    html = page_text(member, f"/discussions/threads/{thread_id}")
    assert "New since your last visit" in html
    member.post(f"/discussions/threads/{thread_id}/replies", data={"body": "mine"})
    assert _unread_on_index(member, cohort_id) == (0, {})
    # Two replies from the facilitator: the marker goes before the first of them.
    for body in ("first new", "second new"):
        facilitator.post(f"/discussions/threads/{thread_id}/replies", data={"body": body})
    assert _unread_on_index(member, cohort_id) == (2, {str(thread_id): 2})
    with app.app_context():
        first_new = db.session.scalar(select(Post.id).where(Post.body == "first new"))
    jump = member.get(f"/discussions/threads/{thread_id}/unread")
    assert jump.status_code == 302 and f"/discussions/posts/{first_new}" in jump.location
    html = page_text(member, f"/discussions/threads/{thread_id}")
    marker = html.index("New since your last visit")
    assert html.index(f'id="post-{first_new}"') < marker < html.index("first new")
    assert html.count('class="badge new-badge"') == 2
    # A second visit shows nothing new.
    assert "New since your last visit" not in page_text(member, f"/discussions/threads/{thread_id}")
    # A new thread, then mark all read.
    facilitator.post(f"/cohorts/{cohort_id}/discussions/new", data={"title": "T2", "body": "b"})
    assert _unread_on_index(member, cohort_id)[0] == 1
    member.post(f"/cohorts/{cohort_id}/discussions/read")
    assert _unread_on_index(member, cohort_id) == (0, {})


def test_posts_one_cannot_see_never_count_as_unread(app, world, client_as):
    member = client_as("member")
    page_text(member, f"/discussions/threads/{world.thread.id}")
    with app.test_request_context():
        cohort = db.session.merge(world.cohort)
        cohort.moderation_mode = ModerationMode.PRE
        db.session.commit()
        other = factories.make_user()
        factories.enroll(other, world.cohort)
        services.reply(db.session.merge(world.thread), db.session.merge(other), "pending one")
        private = services.create_thread(cohort, db.session.merge(world.facilitator), "Prompt",
                                         "Reflect", responses_private=True)
        services.reply(private, db.session.merge(other), "private reflection")
        assert services.cohort_unread_count(db.session.merge(world.member), cohort) == 1  # prompt
        assert services.cohort_unread_count(db.session.merge(world.facilitator), cohort) == 2


def _count_queries(app, client, url: str) -> tuple[int, str, list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        html = page_text(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements), html, statements


def _repeated(statements: list[str]) -> list[str]:
    from collections import Counter

    return [s[:200] for s, n in Counter(statements).most_common(3) if n > 1]


def _add_replies(app, world, count: int, authors) -> None:
    """``count`` replies: conversations of ten, nested up to depth 6, with reactions."""
    with app.test_request_context():
        thread = db.session.merge(world.thread)
        people = [db.session.merge(a) for a in authors]
        parent = None
        for n in range(count):
            author = people[n % len(people)]
            if n % 10 == 0:
                parent = None
            post = services.reply(thread, author, f"reply {n}", parent)
            if n % 3 == 0:
                services.toggle_reaction(post, people[(n + 1) % len(people)], "heard")
            parent = post if n % 10 < 6 else parent


@pytest.mark.timeout(300)
def test_a_thread_page_costs_the_same_number_of_queries_at_any_length(app, world, client_as):
    others = []
    for _ in range(3):
        person = factories.make_user()
        factories.enroll(person, world.cohort, Role.MEMBER)
        others.append(person)
    authors = [world.member, *others]  # the reader (facilitator) has new posts each visit
    facilitator = client_as("facilitator")
    url = f"/discussions/threads/{world.thread.id}"
    _add_replies(app, world, 10, authors)
    page_text(facilitator, url)  # the first visit writes a read mark; compare later visits
    _add_replies(app, world, 5, authors)
    small, _, _ = _count_queries(app, facilitator, url)
    _add_replies(app, world, 485, authors)
    large, html, statements_large = _count_queries(app, facilitator, url)
    assert large == small, (small, large, _repeated(statements_large))
    print(f"thread page: {large} queries at 15 and at 500 replies")
    assert html.count('class="post') >= 500  # all 500 replies and the opening on one page
    # Beyond a page of conversations the thread is paginated.
    _add_replies(app, world, 20, authors)
    html = page_text(facilitator, url)
    assert "Page 1 of 2" in html and "Later replies" in html


def test_search_never_returns_what_the_searcher_may_not_see(app, world):
    other = factories.make_user()
    factories.enroll(other, world.cohort)
    with app.test_request_context():
        cohort = db.session.merge(world.cohort)
        member, facilitator = db.session.merge(world.member), db.session.merge(world.facilitator)
        thread = db.session.merge(world.thread)
        visible = services.reply(thread, member, "kayak paddling helps me")
        hidden = services.reply(thread, member, "kayak hidden words")
        moderation.moderate_post(hidden, facilitator, "hide", "r")
        removed = services.reply(thread, member, "kayak removed words")
        moderation.moderate_post(removed, facilitator, "remove", "r")
        deleted = services.reply(thread, member, "kayak deleted words")
        services.delete_post(deleted, member)
        private = services.create_thread(cohort, facilitator, "Kayak prompt", "Reflect",
                                         responses_private=True)
        private_reply = services.reply(private, member, "kayak private reflection")
        edited = services.reply(thread, member, "canoe at first")
        services.edit_post(edited, member, "kayak after the edit")
        cohort.moderation_mode = ModerationMode.PRE
        db.session.commit()
        pending = services.reply(thread, db.session.merge(other), "kayak pending words")
        b_thread = services.create_thread(db.session.merge(world.cohort_b),
                                          db.session.merge(world.other_member), "Kayak B",
                                          "kayak in cohort b")

        def found(user, query="kayak"):
            viewer = Viewer.of(db.session.merge(user), cohort)
            return {hit.post_id for hit in search_backend().search(viewer, query)}

        opening = private.opening_post.id
        assert found(other) == {visible.id, opening, edited.id}
        assert found(member) == {visible.id, opening, private_reply.id, edited.id}
        assert found(facilitator) == {visible.id, opening, private_reply.id, edited.id}
        assert pending.id not in found(facilitator)
        assert b_thread.opening_post.id not in found(facilitator)
        assert found(member, "canoe") == set()
        assert found(member, "kay") >= {visible.id}  # prefix
        assert found(member, 'kayak" OR "x') is not None  # operators are plain text
        assert found(member, "") == set()


def test_search_page(app, world, client_as):
    html = page_text(client_as("member"), f"/cohorts/{world.cohort.id}/discussions/search?q=wind")
    assert "1 result" in html and "Sleep after nights" in html
    assert client_as("admin").get(f"/cohorts/{world.cohort.id}/discussions/search?q=wind"
                                  ).status_code == 403
