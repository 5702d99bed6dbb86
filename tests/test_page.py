"""parse_page: records, source lines, selectors, article scope on real markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paths import CORPUS
from postaudit.parse.build import parse_page
from postaudit.parse.content import SelectorError

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


IMAGES = """<html><body>
<header><a href="/"><img src="logo-a.png"><img src="logo-b.png"></a></header>
<article>
<p>Article prose that is long enough for the detector to treat this element as the article.</p>
<noscript><img src="lazy.jpg"></noscript><img data-src="lazy.jpg" src="placeholder.gif" data-image-dimensions="1500x1000">
<p><img src="alone.png" alt=""></p>
<h2><img src="icon.png" alt="NoScript"> <a href="/n">NoScript</a></h2>
<a href="/x" aria-label="Extensions"><img src="x.png" role="none" aria-describedby="d"></a>
<a href="/gh"><svg role="img" aria-label="GitHub"></svg></a>
<div aria-hidden="true"><img src="hidden.png"></div>
</article>
<nav><h2>Older post</h2></nav>
</body></html>"""


def test_image_records_for_the_alt_rules() -> None:
    page = parse_page(IMAGES, "https://example.com/blog/post")
    by_src = {i.src.rsplit("/", 1)[-1] if i.src else i.kind: i for i in page.images}
    assert list(by_src) == [
        "logo-a.png",
        "logo-b.png",
        "lazy.jpg",
        "alone.png",
        "icon.png",
        "x.png",
        "svg",
        "hidden.png",
    ], "the <noscript> copy is skipped; data-src wins over a placeholder src"
    assert (by_src["lazy.jpg"].width, by_src["lazy.jpg"].height) == (1500, 1000)
    logo = by_src["logo-a.png"]
    assert logo.link_only_content and logo.link_name == "" and not logo.in_article
    assert by_src["alone.png"].own_paragraph and not by_src["lazy.jpg"].own_paragraph
    assert (
        by_src["icon.png"].context_text == "NoScript" and not by_src["icon.png"].link_only_content
    )
    x = by_src["x.png"]
    assert x.global_aria and x.link_only_content and x.link_name == "Extensions"
    assert by_src["svg"].link_name == "GitHub", "an svg's aria-label names its link"
    assert by_src["hidden.png"].aria_hidden, "hidden by an ancestor"


def test_headings_after_the_article_and_bold_style() -> None:
    page = parse_page(IMAGES, "https://example.com/blog/post")
    assert [(h.text, h.in_article, h.after_article) for h in page.headings] == [
        ("NoScript NoScript", True, False),
        ("Older post", False, True),
    ]
    styled = parse_page(
        "<article><p>Prose long enough for the article detector to accept this element as the body.</p>"
        '<p><span style="font-weight:700">Bold by style</span></p></article>',
        "https://example.com/",
    )
    assert [b.bold_only for b in styled.blocks] == [False, True]


def test_ignore_attribute_and_meta() -> None:
    doc = (
        '<html><head><meta name="postaudit" content="ignore: R301, k2"></head><body><article>'
        '<h2>Kept</h2><div data-postaudit-ignore="A1, alt-too-long"><p><img src="/a.jpg"></p></div>'
        '<img src="/b.jpg" data-postaudit-ignore></article></body></html>'
    )
    page = parse_page(doc, "https://example.com/")
    inner, bare = page.images
    assert inner.location.suppressed == {"A1", "alt-too-long"}, "inherited from the ancestor"
    assert bare.location.suppressed == {"*"}, "an empty value means every rule"
    assert "suppressed" not in inner.location.to_dict()
    assert page.headings[0].location.suppressed == frozenset()
    assert page.ignored == {"R301", "k2"}
    assert parse_page("<p>plain</p>", "https://example.com/").ignored == frozenset()


PROSE = """<html><body><header><p>Site name</p></header><article>
<p>The article starts with a paragraph long enough for the detector to take the article.</p>
<figure><img src="/a.jpg" alt="Rain in Portland"><figcaption><p>Photo by Sam | Pexels</p></figcaption></figure>
<ul><li><p>An item in a paragraph</p></li></ul>
<pre><div class="line">x = 1</div></pre>
<blockquote><p>A quoted line.</p></blockquote>
<div class="author-box"><p>About the author: Dana writes here.</p></div>
<div class="sharedaddy"><p>Share this</p></div>
<p style="display:none">Hidden in Salem.</p>
</article><footer><p>Offices in Bend<br>Oregon</p></footer></body></html>"""


def test_prose_blocks_keep_their_container_kind() -> None:
    page = parse_page(PROSE, "https://example.com/blog/post")
    kinds = [(b.kind, b.text) for b in page.blocks if not b.hidden]
    first = "The article starts with a paragraph long enough for the detector to take the article."
    assert kinds == [
        ("p", first),
        ("figcaption", "Photo by Sam | Pexels"),
        ("li", "An item in a paragraph"),
        ("pre", "x = 1"),
        ("blockquote", "A quoted line."),
    ], "author boxes and share bars are no prose; a <p> keeps its container's kind"
    assert [b.text for b in page.blocks if b.hidden] == ["Hidden in Salem."]


def test_body_text_is_visible_text_one_line_per_block() -> None:
    page = parse_page(PROSE, "https://example.com/blog/post")
    lines = page.body_text.split("\n")
    assert lines[0] == "Site name"
    assert "Offices in Bend" in lines and "Oregon" in lines, "<br> and blocks end a line"
    assert "Portland" not in page.body_text, "alt text is not visible text"
    assert "Salem" not in page.body_text, "hidden elements are not visible text"


def test_pagination_and_link_name_records() -> None:
    html = (
        '<html><head><link rel="next" href="/p/newer"></head><body>'
        '<article><h1>T</h1><p><span id="lbl">Sleep notes</span> '
        '<a href="/notes" aria-labelledby="lbl">Read more</a></p></article>'
        '<nav class="navigation post-navigation"><div class="nav-previous">'
        '<a href="/p/older" rel="prev"><span class="meta-nav" aria-hidden="true">Previous</span>'
        ' <span class="post-title">Older notes</span></a></div></nav></body></html>'
    )
    page = parse_page(html, "https://example.com/p/this")
    [link] = [link for link in page.links if link.href == "/notes"]
    assert link.labelledby_text == "Sleep notes"
    prev = page.pagination.prev
    assert prev is not None
    assert (prev.markup, prev.title, prev.url, prev.direction) == (
        "wordpress .nav-previous",
        "Older notes",
        "https://example.com/p/older",
        "older",
    )
    assert page.pagination.next is None, "the head link does not stand in for a visible side"
    assert page.pagination.head_next is not None
    assert page.pagination.head_next.url == "https://example.com/p/newer"
    assert page.link_status == {}, "filled by the runner's link phase"


def test_lone_cr_and_crlf_end_lines_like_lf() -> None:
    html = '<html lang="en">\r<head>\r\n<title>T</title></head>\n<body>\r<h1>x</h1>\r\n<img src="a.png">'
    page = parse_page(html, "https://example.com/p")
    assert [h.location.line for h in page.headings] == [5]
    assert [i.location.line for i in page.images] == [6]


def test_damaged_text_is_counted_as_the_encoding_fact() -> None:
    clean = parse_page("<title>Café</title>", "https://example.com/p", encoding="utf-8")
    assert "encoding" not in clean.facts
    damaged = parse_page("<title>Caf\ufffd\x00</title>", "https://example.com/p", encoding="utf-8")
    assert damaged.facts["encoding"] == {
        "name": "utf-8",
        "replacement_characters": 1,
        "nul_characters": 1,
    }


# --------------------------------------------------------------------------- speed-ups


def test_link_locations_are_worked_out_on_first_read_and_equal_the_eager_ones() -> None:
    import pickle

    from postaudit.model import LazyLocation, Location

    html = (CORPUS / "wordpress59_hidemiyoshi_blog-post_24.html").read_text(encoding="utf-8")
    page = parse_page(html, "https://example.com/post/")
    assert page.links and all(isinstance(link.location, LazyLocation) for link in page.links)
    # pagination locates its links eagerly through the same builder: same values
    pager = {p.href: p.location for p in page.pagination.links}
    assert pager, "the WordPress export has previous/next links"
    for link in page.links:
        if link.href in pager and link.location.selector == pager[link.href].selector:
            assert link.location.plain() == pager[link.href]
    for link in page.links:
        plain = link.location.plain()
        assert type(plain) is Location
        assert (plain.selector, plain.line, plain.excerpt) == (
            link.location.selector,
            link.location.line,
            link.location.excerpt,
        )
        assert plain.selector and plain.excerpt and plain.excerpt.startswith("<a")
        clone = pickle.loads(pickle.dumps(link.location))
        assert type(clone) is Location and clone == plain


def test_findings_keep_plain_locations() -> None:
    from postaudit.config import Config
    from postaudit.model import Location
    from postaudit.run.pipeline import apply_rules

    # generic link text: an L515 finding
    html = SNIPPET.replace(
        "</article>", '<p>To book a call <a href="/contact">click here</a> today.</p></article>'
    )
    page = parse_page(html, "https://example.com/blog/post")
    config = Config()
    result = apply_rules(page, config, config.ruleset())
    l515 = [f for f in result.findings if f.code == "L515"]
    assert l515 and all(type(f.location) is Location for f in result.findings)
    (found,) = l515
    assert found.location.selector == "body > article > p:nth-of-type(4) > a"
    assert found.location.excerpt == '<a href="/contact">click here</a>'
    assert found.location.line == SNIPPET.count("\n", 0, SNIPPET.index("</article>")) + 1


_HREFS = [
    "/",
    "/a/b/../c?x=1#f",
    "//cdn.example.org/x.png",
    "http://example.com/a/./b/",
    "https://example.com/Path?",
    "https://example.com/p#",
    "HTTP://example.com/upper",
    "http://[::1]:8080/v6",
    "http://[broken/",
    "/%7Euser/ space",
    "http://example.com\t/tab",
    "relative/page.html",
    "../up.html",
    "?q=1",
    "#frag",
    "mailto:someone@example.com",
    "  /padded  ",
]
_BASES = [
    "https://example.com/blog/2024/post/",
    "https://example.com/other/deeper/page.html?x=2",
    "http://example.com/blog/post",
    "https://example.com:8443/blog/",
    "file:///tmp/site/blog/post.html",
]


@pytest.mark.parametrize("href", _HREFS)
def test_resolve_href_equals_urljoin_whatever_was_joined_before(href: str) -> None:
    from urllib.parse import urljoin

    from postaudit.parse.builder import resolve_href, url_origin

    def expected(base: str) -> str | None:
        stripped = href.strip()
        if not stripped:
            return None
        try:
            return urljoin(base, stripped)
        except ValueError:
            return None

    # twice round the bases: the second pass reads what the first kept
    for base in [*_BASES, *reversed(_BASES)]:
        assert resolve_href(base, href, url_origin(base)) == expected(base), base


def test_body_text_is_worked_out_on_first_read_only() -> None:
    import pickle

    from postaudit.parse.page import LazyText

    page = parse_page(SNIPPET, "https://example.com/blog/post")
    assert page.body._value is None, "nothing read it yet"
    text = page.body_text
    assert text.splitlines()[:2] == ["Home", "Title"] and "Footer text" in text
    assert "A cat" not in text, "image alts are not visible text"
    assert page.body._make is None and page.body_text is text
    clone = pickle.loads(pickle.dumps(page.body))
    assert isinstance(clone, LazyText) and clone.value == text
    assert LazyText.of("").value == ""


_LAZY_FORMS = {
    "page": re.compile(
        r"<!--.*?-->|<(script|style|textarea|title)\b[^>]*>.*?</\1\s*>|<!\[CDATA\[.*?\]\]>",
        re.S | re.I,
    ),
    "linkcheck": re.compile(
        r"<!--.*?-->|<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.S | re.I
    ),
}
_SKIP_TRICKS = [
    "<!-- a -- b --->x<!---->y<!-->z-->",
    "<script>a</scriptx></script >b",
    "<SCRIPT>x</script>y<Style>p</STYLE\t>",
    "<style>a<b</style\n>c",
    "<script>never closed",
    "<template><p>x</p></TEMPLATE>",
    "<title>a]]></title><![CDATA[ x ] ]> ]]]>",
    "<noscript a='>'>q</noscript>",
    "<scripts>x</scripts><script-x>y</script-x>z</script>",
    "<textarea><!-- </textarea> -->",
]


def _skip_forms() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    from postaudit.gather import linkcheck
    from postaudit.parse import dom

    return [
        (_LAZY_FORMS["page"], dom._SKIP_RE),
        (_LAZY_FORMS["linkcheck"], linkcheck._SKIP),
    ]


@pytest.mark.parametrize("text", _SKIP_TRICKS)
def test_unrolled_skip_patterns_match_what_the_lazy_ones_do(text: str) -> None:
    for lazy, unrolled in _skip_forms():
        assert [m.span() for m in unrolled.finditer(text)] == [
            m.span() for m in lazy.finditer(text)
        ]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "-",
                "!",
                "/",
                "]",
                "[",
                " ",
                "\n",
                "x",
                "<!--",
                "-->",
                "]]>",
                "<![CDATA[",
                "<script>",
                "</script>",
                "</SCRIPT >",
                "<style a='1'>",
                "</style>",
                "<title>",
                "</title>",
                "<template>",
                "</template>",
                "<noscript>",
                "</noscript>",
                "<textarea>",
                "</textarea>",
                "<scripts>",
                "</script-x>",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_unrolled_skip_patterns_on_random_markup(text: str) -> None:
    for lazy, unrolled in _skip_forms():
        assert [m.span() for m in unrolled.finditer(text)] == [
            m.span() for m in lazy.finditer(text)
        ]


def test_unrolled_skip_patterns_on_real_pages() -> None:
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in CORPUS.glob("*.html")]
    assert len(pages) >= 10
    for text in pages:
        for lazy, unrolled in _skip_forms():
            assert [m.span() for m in unrolled.finditer(text)] == [
                m.span() for m in lazy.finditer(text)
            ]


def test_a_lazy_location_equals_the_location_it_works_out_to() -> None:
    """Records are matched by location (a heading to its prose block): a lazy one and
    a plain one of the same element must be equal and hash alike."""
    from postaudit.model import LazyLocation, Location

    page = parse_page(SNIPPET, "https://example.com/blog/post")
    (h1,) = [h for h in page.headings if h.level == 1]
    (block,) = [b for b in page.blocks if b.kind == "heading" and b.level == 1]
    assert isinstance(block.location, LazyLocation) and type(h1.location) is Location
    assert block.location == h1.location and h1.location == block.location
    assert {h1.location: "h1"}[block.location] == "h1"
    assert Location("a", 1, "x", frozenset({"A101"})) == Location("a", 1, "x")
    assert Location("a", 1, "x") != Location("a", 2, "x")


#: A theme that leaves a hidden summary paragraph open before the article (Zola tabi writes
#: `<p class=p-summary hidden>` straight before `<section>`): a browser closes the <p> at
#: <section>; libxml2 would keep the article inside the hidden paragraph.
OPEN_HIDDEN_P = """<!doctype html><html lang="en"><head><title>An open summary</title></head>
<body><main><article>
<h1>Potting a fern</h1>
<p class="p-summary" hidden>A short summary for feeds.
<section class="body">
<h2>Soil</h2>
<p>Ferns like loose soil that stays damp but never wet.</p>
<img src="fern.jpg">
</section>
<nav><a href="/older/">Older</a></nav>
</article></main></body></html>
"""


def test_block_content_closes_an_open_paragraph_as_a_browser_does() -> None:
    page = parse_page(OPEN_HIDDEN_P, "https://example.com/fern/")
    assert [h.text for h in page.headings] == ["Potting a fern", "Soil"]
    (image,) = page.images
    assert not image.aria_hidden and image.in_article
    assert image.location.line == 8, "source lines are unchanged"
    hidden = {b.text.split(".")[0]: b.hidden for b in page.blocks}
    assert hidden["Ferns like loose soil that stays damp but never wet"] is False
    assert hidden["A short summary for feeds"] is True, "the <p> itself stays hidden"
