"""Turning what people write into safe HTML, in one place.

Two renderings, both ending in the nh3 (Ammonia) sanitiser with an allowlist:
- ``render_markdown``: discussion posts, prompts and agendas. No raw HTML, no images
  (a remote image would tell another host who is reading), links only to http(s)/mailto
  and always with ``rel="noopener noreferrer nofollow"``.
- ``render_plain``: live chat. Escaped text, line breaks kept, http(s) URLs linked.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "del",
}
LINK_REL = "noopener noreferrer nofollow"
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    # commonmark without raw HTML; linkify turns bare URLs into links; images are disabled.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "strikethrough"])
    md.disable(["image"])
    # A post sits under the page's own h1/h2: its headings start at h3.
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def _demote_headings(state: object) -> None:
    for token in state.tokens:  # type: ignore[attr-defined]
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def sanitise_html(html: str) -> str:
    """The allowlist every rendering passes through."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes=URL_SCHEMES, link_rel=LINK_REL, strip_comments=True)


def render_markdown(source: str) -> Markup:
    """Markdown to safe HTML (see the module docstring for what survives)."""
    return Markup(sanitise_html(_markdown().render(source or "")))


@cache
def _linkifier() -> MarkdownIt:
    md = MarkdownIt("zero", {"linkify": True})
    md.enable(["linkify"])
    return md


def render_plain(source: str) -> Markup:
    """Plain text to HTML: every character escaped, line breaks kept, http(s) URLs linked."""
    parts: list[str] = []
    for line in (source or "").split("\n"):
        tokens = _linkifier().parseInline(line)
        html = _linkifier().renderer.render(tokens[0].children or [], _linkifier().options, {}) \
            if tokens else str(escape(line))
        parts.append(html)
    return Markup(sanitise_html("<br>".join(parts)))


def plain_excerpt(source: str, limit: int = 140) -> str:
    """A short text-only excerpt (for titles and lists inside cop, never for mail)."""
    text = " ".join((source or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
