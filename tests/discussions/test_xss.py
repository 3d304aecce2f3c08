"""An XSS corpus through titles and posts, end to end: HTTP create, rendered page, parse,
no active markup. Cases from the OWASP XSS filter evasion cheat sheet and more."""

from __future__ import annotations

import pytest

from tests.discussions.helpers import (
    active_markup,
    newest_thread,
    page_text,
    post_reply,
    post_thread,
)

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG onerror=\"alert(1)\" src=/>",
    "<img src=x onerror=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv\">",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](http://tracker.example/pixel.png)",
    "![x](javascript:alert(1))",
    "<http://example.org/\" onmouseover=\"alert(1)>",
    "[a](http://example.org/\" onclick=\"alert(1))",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<x onclick=alert(1)>click</x>",
    "\"><script>alert(document.domain)</script>",
    "'\"--></style></script><script>alert(1)</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "```\n</code><script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "> <iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
]


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_in_title_and_body_yields_no_active_markup(app, world, client_as, payload):
    client = client_as("member")
    response = post_thread(client, world.cohort.id, f"T {payload}"[:200], f"Before\n\n{payload}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        thread_id = newest_thread().id
    assert post_reply(client, thread_id, payload).status_code == 302
    for url in (f"/discussions/threads/{thread_id}", f"/cohorts/{world.cohort.id}/discussions",
                f"/cohorts/{world.cohort.id}/discussions/search?q=click+alert+img"):
        html = page_text(client, url)
        assert active_markup(html) == [], url
    # The facilitator's pages (moderation controls, review queue) are as safe.
    facilitator = client_as("facilitator")
    for url in (f"/discussions/threads/{thread_id}",
                f"/cohorts/{world.cohort.id}/discussions/review"):
        assert active_markup(page_text(facilitator, url)) == [], url


def test_the_checker_catches_active_markup():
    """The parser above is what the corpus relies on: it must see what it looks for."""
    assert active_markup('<p><img src="x" onerror="alert(1)"></p>')
    assert active_markup('<a href=" javascript:alert(1)">x</a>')
    assert active_markup("<script>alert(1)</script>")
    assert active_markup('<a href="https://example.org">x</a>')  # no rel
    assert active_markup('<div style="color: red">x</div>')
    assert not active_markup('<a href="https://example.org" rel="noopener noreferrer nofollow">x</a>')


def test_links_get_rel_and_remote_images_are_dropped(app, world, client_as):
    client = client_as("member")
    post_thread(client, world.cohort.id, "Links", "See https://example.org and "
                "![pixel](https://tracker.example/p.png)")
    with app.app_context():
        thread_id = newest_thread().id
    html = page_text(client, f"/discussions/threads/{thread_id}")
    assert 'href="https://example.org" rel="noopener noreferrer nofollow"' in html
    # Shown as a plain link at most: nothing loads from the other host.
    assert "<img" not in html
    assert 'src="https://tracker.example' not in html
