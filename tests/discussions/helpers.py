"""Small helpers for the discussion tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from sqlalchemy import select

from cop.discussions.models import Post, Thread
from cop.extensions import db


def post_thread(client: FlaskClient, cohort_id: int, title: str, body: str, **extra: str):
    return client.post(f"/cohorts/{cohort_id}/discussions/new",
                       data={"title": title, "body": body, **extra})


def post_reply(client: FlaskClient, thread_id: int, body: str, **extra: str):
    return client.post(f"/discussions/threads/{thread_id}/replies", data={"body": body, **extra})


def newest_thread() -> Thread:
    return db.session.scalars(select(Thread).order_by(Thread.id.desc())).first()


def newest_post() -> Post:
    return db.session.scalars(select(Post).order_by(Post.id.desc())).first()


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post_ids_on(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="post-(\d+)"', html)}


class ActiveMarkup(HTMLParser):
    """Collects anything in a page that could run or load from elsewhere."""

    DANGEROUS_TAGS = {"iframe", "object", "embed", "img", "svg", "math", "video", "audio",
                      "source", "base", "meta", "link", "frame", "frameset", "applet", "style",
                      "image", "isindex", "xml", "marquee", "bgsound", "layer", "ilayer"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background",
                      "poster", "data", "lowsrc", "dynsrc", "srcdoc"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self._in_head = True
        if tag == "body":
            self._in_head = False
        # The page's own assets: one stylesheet set and meta tags in <head>, module scripts
        # from /static.
        if tag in {"link", "meta"} and self._in_head:
            return
        if tag == "script":
            src = values.get("src") or ""
            if not (src.startswith("/static/") and values.get("type") == "module"):
                self.problems.append(f"script {attrs}")
            return
        if tag in self.DANGEROUS_TAGS:
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            lowered = name.lower()
            if lowered.startswith("on") or lowered == "style":
                self.problems.append(f"<{tag} {name}={value!r}>")
            if lowered in self.URL_ATTRIBUTES and value is not None:
                compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if compact.startswith(("javascript:", "data:", "vbscript:", "livescript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
                if lowered == "href" and compact.startswith(("http:", "https:", "//")) \
                        and tag == "a" and "nofollow" not in (values.get("rel") or ""):
                    self.problems.append(f"external link without rel: {attrs}")


def active_markup(html: str) -> list[str]:
    parser = ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems
