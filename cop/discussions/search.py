"""Search within one cohort's discussion, behind one interface.

``search_backend()`` picks the implementation for the database in use:
- SQLite: an FTS5 table (``discussion_post_search``) the services keep in step with posts;
- PostgreSQL: full-text search over the posts themselves (``to_tsvector`` with a GIN
  expression index), nothing extra to maintain.
Both return post ids only after the caller's visibility condition (``Viewer.searchable``)
has been applied in the same query, so nothing the searcher may not see comes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import (
    DDL,
    ColumnElement,
    column,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)

from cop.discussions.models import Post, Thread
from cop.discussions.visibility import Viewer
from cop.extensions import db

RESULT_LIMIT = 50
FTS_TABLE = "fts_discussion_posts"  # unmanaged by migrations: see cop.db


@dataclass(frozen=True)
class SearchHit:
    post_id: int
    thread_id: int


class SearchBackend(Protocol):
    def index(self, post: Post, title: str) -> None:
        """Bring the index up to date with ``post`` (``title``: the thread's, for an opening post)."""

    def remove(self, post: Post) -> None:
        """Forget ``post``."""

    def search(self, viewer: Viewer, query: str, limit: int = RESULT_LIMIT) -> list[SearchHit]:
        """Posts matching ``query`` that ``viewer`` may find, best first."""


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:12]


class SqliteSearch:
    """FTS5: each word of the query must match (prefix match on the last one)."""

    def index(self, post: Post, title: str) -> None:
        self.remove(post)
        if post.deleted_at is None:
            db.session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) "
                                    "VALUES (:id, :title, :body)"),
                               {"id": post.id, "title": title, "body": post.body})

    def remove(self, post: Post) -> None:
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": post.id})

    def search(self, viewer: Viewer, query: str, limit: int = RESULT_LIMIT) -> list[SearchHit]:
        words = _words(query)
        if not words:
            return []
        # Each word quoted, so FTS5 operators typed by a person are taken as text.
        match = " ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"*'
        fts = table(FTS_TABLE, column("rowid"), column("rank"))
        rows = db.session.execute(
            select(Post.id, Post.thread_id)
            .join(fts, fts.c.rowid == Post.id)
            .where(text(f"{FTS_TABLE} MATCH :match").bindparams(match=match),
                   viewer.searchable())
            .order_by(fts.c.rank)
            .limit(limit))
        return [SearchHit(post_id, thread_id) for post_id, thread_id in rows]


ENGLISH = literal_column("'english'")  # inline, so the planner matches the GIN index


def _document() -> ColumnElement[object]:
    return func.to_tsvector(ENGLISH, Post.body)


class PostgresSearch:
    """PostgreSQL full text over post bodies and thread titles; no separate index table."""

    def index(self, post: Post, title: str) -> None:
        """Nothing to do: the GIN expression index follows the rows."""

    def remove(self, post: Post) -> None:
        """Nothing to do: deleted posts fail the visibility condition."""

    def search(self, viewer: Viewer, query: str, limit: int = RESULT_LIMIT) -> list[SearchHit]:
        words = _words(query)
        if not words:
            return []
        tsquery = func.to_tsquery(ENGLISH, " & ".join([*words[:-1], f"{words[-1]}:*"]))
        title_doc = func.to_tsvector(ENGLISH, func.coalesce(Thread.title, ""))
        body_doc = _document()
        rows = db.session.execute(
            select(Post.id, Post.thread_id)
            .join(Thread, (Thread.id == Post.thread_id) & Post.parent_id.is_(None), isouter=True)
            .where(or_(body_doc.op("@@")(tsquery), title_doc.op("@@")(tsquery)),
                   viewer.searchable())
            .order_by(func.ts_rank(body_doc.op("||")(title_doc), tsquery).desc(),
                      Post.id.desc())
            .limit(limit))
        return [SearchHit(post_id, thread_id) for post_id, thread_id in rows]


def search_backend() -> SearchBackend:
    return PostgresSearch() if db.engine.dialect.name == "postgresql" else SqliteSearch()


# The FTS5 table on SQLite, created with the posts table (the migration creates it too).
event.listen(Post.__table__, "after_create", DDL(
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')").execute_if(dialect="sqlite"))
event.listen(Post.__table__, "before_drop", DDL(
    f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"))
# PostgreSQL: the GIN index on ``to_tsvector('english', body)`` (``fts_discussion_posts_body``)
# is created by the migration and by ``create_all`` below; "fts_*" names are unmanaged.
event.listen(Post.__table__, "after_create", DDL(
    "CREATE INDEX IF NOT EXISTS fts_discussion_posts_body ON discussion_posts "
    "USING gin (to_tsvector('english', body))").execute_if(dialect="postgresql"))
