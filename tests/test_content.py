"""Theme chrome is decided by structure, the same whichever CMS preset matched.

One small post with the usual theme boxes (a header with the h1 and a byline, a share
bar, an author card, tags, related posts, comments, a sign-up form) is wrapped in the
markup of several presets; the article the rules see must be the same every time.
"""

from __future__ import annotations

import pytest

from postaudit.config import Config
from postaudit.judge.engine import audit_page
from postaudit.parse.build import parse_page
from postaudit.parse.page import Page

POST = """
<p>Cold frames let a gardener start lettuce six weeks before the last frost. A frame is a
box with a clear lid that traps the heat of the day and keeps the wind off the seedlings.</p>
<p><img src="/img/frame.jpg" alt="A wooden cold frame with its glass lid propped open"></p>
<h2>Building one from old windows</h2>
<p>An old sash window makes the lid; four boards make the box. Angle the lid towards the
south so the low spring sun reaches the back row, and read <a href="/posts/hinges">our note
on hinges</a> before you screw it together.</p>
"""

THEME_INSIDE = """
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
<ul><li><a href="https://twitter.com/share?u=x"><img src="/img/tw.png" alt=""></a></li></ul></div>
<div class="author-box"><img src="/img/avatar.jpg" width="96" height="96">
<h4>About Ana Ruiz</h4><p>Ana grows vegetables on a windy allotment in Leeds.</p></div>
<p class="byline-card"><a rel="author" href="/authors/ana">Ana Ruiz</a></p>
<div class="related-posts"><h2>You might also like</h2><a href="/posts/mulch">Mulch</a></div>
<div id="comments"><h3>2 comments</h3><p>Great post, thank you for sharing it with us all.</p></div>
<form class="newsletter"><h2>Get new posts by email</h2><input type="email"></form>
"""

HEADER = """<header class="entry-header"><h1>Cold frames for early lettuce</h1>
<p class="meta">By <a href="/authors/ana">Ana</a> in <a href="/tags/veg">Vegetables</a></p>
<img src="/img/author-face.jpg"></header>"""

FOOTER = """<footer class="entry-footer"><a rel="tag" href="/tags/frames">frames</a>
<div class="author-card"><img src="/img/avatar2.jpg"><h3>Ana Ruiz</h3></div></footer>"""

#: preset name -> the page body, the article's own boxes inside the scope element.
LAYOUTS = {
    "wordpress": f"""<article class="post hentry">{HEADER}<div class="entry-content">{POST}
{THEME_INSIDE}</div>{FOOTER}</article>""",
    "generic": f"""<article>{HEADER}{POST}{THEME_INSIDE}{FOOTER}</article>""",
    "ghost": f"""<article class="article">{HEADER}<section class="gh-content">{POST}
{THEME_INSIDE}{FOOTER}</section></article>""",
    "hexo": f"""<div class="post-block">{HEADER}<div class="post-body">{POST}{THEME_INSIDE}
</div>{FOOTER}</div>""",
    "hugo": f"""<main class="wrap">{HEADER}<div class="post-content">{POST}{THEME_INSIDE}
{FOOTER}</div></main>""",
}


def page_for(body: str) -> Page:
    html = (
        '<!doctype html><html lang="en"><head><title>Cold frames for early lettuce</title>'
        f'</head><body><nav><a href="/">Home</a></nav>{body}'
        "<footer><p>Site footer</p></footer></body></html>"
    )
    return parse_page(html, "https://garden.example/posts/cold-frames")


def article_view(page: Page) -> dict[str, object]:
    return {
        "images": sorted(im.src or "" for im in page.images if im.in_article),
        "headings": [h.text for h in page.headings if h.in_article],
        "links": sorted(link.href for link in page.links if link.in_article),
        "text": page.article_text,
    }


EXPECTED = {
    "images": ["https://garden.example/img/frame.jpg"],
    "links": ["/posts/hinges"],
}


@pytest.mark.parametrize("preset", sorted(LAYOUTS))
def test_theme_boxes_are_chrome_whichever_preset_matched(preset: str) -> None:
    page = page_for(LAYOUTS[preset])
    assert page.scope_preset == preset
    view = article_view(page)
    assert view["images"] == EXPECTED["images"]
    assert view["links"] == EXPECTED["links"]
    headings = view["headings"]
    assert isinstance(headings, list) and headings[-1] == "Building one from old windows"
    assert not {"Share this:", "About Ana Ruiz", "You might also like", "2 comments"} & set(
        headings
    )
    text = str(view["text"])
    assert text.startswith("Cold frames let a gardener") and text.endswith("screw it together.")


def test_a_heading_in_the_article_header_is_the_article_s() -> None:
    # the generic preset takes the whole <article>: its header's h1 is in the article,
    # the byline links and the author photo beside it are not
    page = page_for(LAYOUTS["generic"])
    (h1,) = page.h1s
    assert h1.in_article
    assert not [im for im in page.images if im.in_article and "author" in (im.src or "")]


def test_same_findings_whichever_preset_matched() -> None:
    ruleset = Config(select=("A", "H")).ruleset()
    seen = {}
    for preset, body in LAYOUTS.items():
        result = audit_page(page_for(body), ruleset)
        seen[preset] = sorted((f.code, f.message) for f in result.findings)
    assert all(found == seen["generic"] for found in seen.values()), seen
    # the theme's avatar without alt and the skip into the author box's h4 are the
    # theme's: no finding on the article. An image-only link with no name is judged
    # wherever it is (A102, as axe-core), so the share button's is reported
    assert [code for code, _ in seen["generic"]] == ["A102"]


def test_header_is_chrome_only_for_the_body_fallback() -> None:
    # no scope found: the site's <header> is chrome, its heading too
    page = page_for(
        "<header><h1>Garden notes</h1></header><div><h2>Cold frames</h2>"
        "<p>A frame is a box with a clear lid that keeps the wind off young plants.</p></div>"
    )
    assert page.scope_preset == "body"
    assert [h.text for h in page.headings if h.in_article] == ["Cold frames"]


def test_squarespace_7_0_is_told_from_wordpress_by_its_layout_blocks() -> None:
    """Both write `article.hentry .entry-content`; only Squarespace fills the article with
    `.sqs-layout` blocks. One outside the article (a site footer built by the same page
    builder) says nothing about it."""
    squarespace = f"""<article class="post hentry"><div class="entry-content">
<div class="sqs-layout sqs-grid-12"><div class="sqs-block html-block">{POST}</div></div>
</div></article>"""
    assert page_for(squarespace).scope_preset == "squarespace"
    footer_only = LAYOUTS["wordpress"] + '<div class="sqs-layout"><p>Made with care</p></div>'
    assert page_for(footer_only).scope_preset == "wordpress"
