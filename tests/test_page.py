"""parse_page: records, source lines, selectors, article scope on real markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from postaudit.content import SelectorError
from postaudit.page import parse_page

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

SNIPPET = """<!doctype html>
<html lang="en">
<head>
<title>A post</title>
<base href="https://cdn.example.com/site/">
</head>
<body>
<header><nav><a href="/">Home</a></nav></header>
<article>
<h1 id="top">Title</h1>
<p>First paragraph of the article, long enough to be taken as the article body by the detector.</p>
<figure><img data-src="img/a.jpg" src="data:image/gif;base64,R0lGOD" alt="A cat"><figcaption>Photo by Someone | Pexels</figcaption></figure>
<p><strong>Looks like a heading</strong></p>
<div>Loose text in a div<br>after a break</div>
<p>Read <a href="next.html" rel="next">the next post</a>.</p>
</article>
<footer><p>Footer text</p></footer>
</body>
</html>
"""


def test_records_lines_and_selectors() -> None:
    page = parse_page(SNIPPET, "https://example.com/blog/post")
    assert page.lang == "en" and page.title == "A post"
    (img,) = page.images
    assert img.src == "https://cdn.example.com/site/img/a.jpg", (
        "data-src wins over a data: placeholder; <base href> applies"
    )
    assert img.alt == "A cat" and img.in_figure and img.caption == "Photo by Someone | Pexels"
    assert img.location.line == 12
    assert img.location.selector == "body > article > figure > img"
    h1 = page.headings[0]
    assert (h1.level, h1.text, h1.location.selector, h1.location.line) == (1, "Title", "h1#top", 10)
    nav, nxt = page.links
    assert not nav.in_article and nxt.in_article
    assert nxt.url == "https://cdn.example.com/site/next.html" and nxt.rel == {"next"}
    assert page.scope_preset == "generic" and page.scope_selector == "article"


def test_blocks_are_article_prose_in_order() -> None:
    page = parse_page(SNIPPET, "https://example.com/blog/post")
    kinds = [(b.kind, b.text) for b in page.blocks]
    assert kinds == [
        ("heading", "Title"),
        (
            "p",
            "First paragraph of the article, long enough to be taken as the article body by the detector.",
        ),
        ("figcaption", "Photo by Someone | Pexels"),
        ("p", "Looks like a heading"),
        ("div", "Loose text in a div after a break"),
        ("p", "Read the next post."),
    ]
    assert [b.bold_only for b in page.blocks] == [False, False, False, True, False, False]
    assert "Footer" not in page.article_text and "Photo by" not in page.article_text


def test_lines_survive_comments_and_scripts() -> None:
    html = "<html><head><script>var s = '<img src=x>';</script></head>\n<body><!-- <img src=y> -->\n<img src='real.png'>\n</body></html>"
    page = parse_page(html, "https://example.com/")
    assert [(i.src, i.location.line) for i in page.images] == [("https://example.com/real.png", 3)]


def test_landmarks_locate_head_elements() -> None:
    page = parse_page(SNIPPET, "https://example.com/blog/post")
    assert page.locate("title").line == 4
    assert page.locate("html").excerpt == '<html lang="en">'
    assert page.locate("description").selector == "head", "missing elements fall back to <head>"


def test_content_selector_override_and_error() -> None:
    page = parse_page(SNIPPET, "https://example.com/", content_selector="figure")
    assert page.scope_preset == "selector" and page.scope_selector == "figure"
    assert [i.in_article for i in page.images] == [True]
    with pytest.raises(SelectorError):
        parse_page(SNIPPET, "https://example.com/", content_selector="p[[")


EXPECTED_SCOPES = {
    "ghost5-casper_pwningtech_blacksmith.html": "ghost",
    "hexo-next_brianyi_1091fd73.html": "hexo",
    "hugo-even_ouuan_apio-noi-2020.html": "jekyll",
    "jekyll-landscape_briangenisio_rise-of-the-nodebots.html": "hexo",
    "jekyll-minimalmistakes_bruce30262_flare-on-2019.html": "jekyll",
    "quarto_0xdeadd_welcome.html": "quarto",
    "squarespace70_multietch_testimonial-jeweler.html": "squarespace",
    "wordpress57-twentythirteen_whizzy_google-maps-js.html": "wordpress",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SCOPES))
def test_corpus_scope_presets(name: str) -> None:
    html = (CORPUS / name).read_text(encoding="utf-8", errors="replace")
    page = parse_page(html, "https://example.com/post/")
    assert page.scope_preset == EXPECTED_SCOPES[name]
    assert page.source_lines_known
