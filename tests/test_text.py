"""The shared renderers never let markup become active."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from cop.text import ALLOWED_TAGS, plain_excerpt, render_markdown, render_plain

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "![tracker](https://evil.example/pixel.png)",
    "<style>body{display:none}</style>",
    "[x](vbscript:msgbox(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
]


class _Elements(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """Only allowlisted tags, no event handlers or styles, links only to safe schemes."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, html)
        assert set(attrs) <= {"href", "title", "rel"}, (attrs, html)
        if "href" in attrs:
            scheme = urlsplit(attrs["href"] or "").scheme.lower()
            assert scheme in {"http", "https", "mailto"}, (attrs, html)
            assert attrs["rel"] == "noopener noreferrer nofollow"


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("render", [render_markdown, render_plain])
def test_no_active_markup(render, attack):
    assert_inert(str(render(attack)))


def test_markdown_keeps_formatting_and_marks_links():
    html = str(render_markdown("**heard** you\n\n- one\n- two\n\nhttps://example.org"))
    assert "<strong>heard</strong>" in html and "<li>one</li>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_headings_start_below_the_page_heading():
    assert "<h3>Title</h3>" in str(render_markdown("# Title"))


def test_plain_text_keeps_line_breaks_and_links_urls():
    html = str(render_plain("first <b>line</b>\nsecond https://example.org/x?a=1&b=2"))
    assert "first &lt;b&gt;line&lt;/b&gt;<br>second" in html
    assert '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">' in html


def test_excerpt_is_short_text():
    assert plain_excerpt("a  b\n c") == "a b c"
    assert len(plain_excerpt("x" * 500, 20)) == 20
