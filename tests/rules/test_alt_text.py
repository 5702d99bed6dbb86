"""Alt-text rules (A1xx): axe-core parity on plain cases, and the article-specific checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import hits, make_page
from paths import CORPUS
from postaudit.config import Config
from postaudit.judge.engine import audit_page
from postaudit.model import Category
from postaudit.parse.build import parse_page


def article(body: str, head: str = "") -> str:
    """A page whose article holds `body` after enough prose to be detected."""
    return (
        f'<html lang="en"><head><title>A post</title>{head}</head><body>'
        "<header><nav><a href='/'>Home</a></nav></header><main><article><h1>A post</h1>"
        "<p>Enough prose for the article detector to take this element as the article body.</p>"
        f"{body}</article></main></body></html>"
    )


# --------------------------------------------------------------------------- A101: axe parity


@pytest.mark.parametrize(
    "img",
    [
        '<img src="a.jpg" alt="">',  # decorative
        '<img src="a.jpg" role="none">',
        '<img src="a.jpg" role="presentation">',
        '<img src="a.jpg" aria-label="A cup of tea">',
        '<img src="a.jpg" title="A cup of tea">',
        '<span id="l">A cup of tea</span><img src="a.jpg" aria-labelledby="l">',
        '<img src="a.jpg" alt="A cup of tea">',
        '<img src="a.jpg" aria-hidden="true">',  # hidden from AT: not judged
        '<div hidden><img src="a.jpg"></div>',
        '<svg role="img"><title>Sleep chart</title></svg>',
        '<svg role="img" aria-label="Sleep chart"></svg>',
        "<svg><rect></rect></svg>",  # no role=img: not an image to axe
        '<div role="img" aria-label="Three stars"></div>',
        '<input type="image" src="go.png" alt="Search">',
        '<input type="image" src="go.png" title="Search">',
        '<map name="m"><area href="/a" alt="North office"></map>',
        '<img src="a.jpg" role="none" aria-label="Tea">',  # conflict, but named
    ],
)
def test_a101_passes_like_axe(img: str) -> None:
    assert hits("A101", article(f"<p>Text {img}</p>")) == []


@pytest.mark.parametrize(
    ("img", "phrase"),
    [
        ('<img src="a.jpg">', "no alt attribute"),
        ('<img src="a.jpg" alt=" ">', "only whitespace"),
        ('<img src="a.jpg" alt="&nbsp;">', "only whitespace"),
        ('<img src="a.jpg" alt=" " aria-label="Tea">', "only whitespace"),  # axe: none-check
        ('<img src="a.jpg" role="none" tabindex="0">', "focusable"),
        (
            '<span id="d">x</span><img src="a.jpg" role="presentation" aria-describedby="d">',
            "global ARIA",
        ),
        ('<img src="a.jpg" aria-labelledby="nowhere">', "no alt attribute"),
        ('<svg role="img"><rect></rect></svg>', "<title>"),
        ('<div role="img"></div>', 'role="img"'),
        ('<input type="image" src="go.png" alt="">', "image button"),
        ('<map name="m"><area href="/a"></map>', "map area"),
    ],
)
def test_a101_fails_like_axe(img: str, phrase: str) -> None:
    (hit,) = hits("A101", article(f"<p>Text {img}</p>"))
    assert phrase in hit.message


def test_a101_partial_credit_is_the_pass_fraction() -> None:
    body = "".join(
        f'<p>x <img src="{n}.jpg" alt="Picture number {n} of the set"></p>' for n in "abc"
    )
    found = hits("A101", article(body + '<p>x <img src="d.jpg"></p>'))
    assert [h.score for h in found] == [0.75]
    assert found[0].key == "https://example.com/blog/d.jpg", "the fingerprint key is the image src"


def test_a101_category_score_follows_partial_credit() -> None:
    body = "".join(
        f'<p>x <img src="{n}.jpg" alt="Picture number {n} of the set"></p>' for n in "abc"
    )
    page = make_page(article(body + '<p>x <img src="d.jpg"></p>'))
    config = Config(select=("A101",))
    result = audit_page(page, config.ruleset())
    assert result.categories[Category.ALT_TEXT] == 75


def test_a101_only_judges_article_and_linked_images() -> None:
    html = article("<p>Body text.</p>").replace(
        "<header>", '<header><img src="banner.jpg"><a href="/"><img src="logo.png"></a>'
    )
    assert hits("A101", html) == [], "a theme image outside the article is not judged"
    assert len(hits("A102", html)) == 1, "a nameless logo link is judged anywhere"


def test_lazy_squarespace_image_with_data_src_is_found() -> None:
    html = article(
        '<div class="sqs-block image-block"><noscript><img src="https://cdn.example.com/t.jpg">'
        '</noscript><img class="thumb-image" data-src="https://cdn.example.com/t.jpg" '
        'data-image="https://cdn.example.com/t.jpg" data-image-dimensions="1500x1000"></div>'
    )
    (hit,) = hits("A101", html)
    assert hit.key == "https://cdn.example.com/t.jpg", "noscript copy counted once; data-src used"


def test_a101_demo_no_alt_image() -> None:
    html = (
        Path(__file__).resolve().parents[2]
        / "src/postaudit/demo_site/blog/why-anxiety-gets-louder-at-night.html"
    ).read_text(encoding="utf-8")
    (hit,) = hits("A101", html)
    assert "notebook-on-blanket.jpg" in hit.key


# --------------------------------------------------------------------------- A102


def test_a102_link_with_only_a_decorative_image() -> None:
    (hit,) = hits("A102", article('<p><a href="/book"><img src="b.png" alt=""></a></p>'))
    assert '"/book"' in hit.message and 'alt=""' in hit.message


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/book"><img src="b.png" alt="Book a session"></a>',
        '<a href="/book" aria-label="Book a session"><img src="b.png" alt=""></a>',
        '<a href="/book" title="Book a session"><img src="b.png"></a>',
        '<a href="/book"><img src="b.png" alt=""> Book a session</a>',
        '<a href="/book"><svg role="img" aria-label="Book"></svg></a>',
    ],
)
def test_a102_named_links_pass(link: str) -> None:
    assert hits("A102", article(f"<p>{link}</p>")) == []


def test_a102_icon_link_without_name() -> None:
    (hit,) = hits(
        "A102", article('<p><a href="https://github.com/"><i role="img"></i> <span></span></a></p>')
    )
    assert "icon" in hit.message


# --------------------------------------------------------------------------- A103


def test_a103_says_why_an_empty_alt_looks_wrong() -> None:
    (hit,) = hits(
        "A103",
        article('<figure><img src="c.png" alt=""><figcaption>Sleep by week</figcaption></figure>'),
    )
    assert 'has a caption ("Sleep by week")' in hit.message
    assert "decorative images are fine" in hit.message


def test_a103_leaves_small_and_presentational_images_alone() -> None:
    body = (
        '<p>Text <img src="d.png" alt="" width="30" height="10"> more</p>'
        '<figure><img src="t.png" alt="" role="presentation"></figure>'
    )
    assert hits("A103", article(body)) == []


def test_a103_min_size_option() -> None:
    body = '<div><img src="w.jpg" alt="" width="300" height="200"></div>'
    assert len(hits("A103", article(body))) == 1
    assert hits("A103", article(body), options={"min_size": 400}) == []


# --------------------------------------------------------------------------- A104-A106


def test_a104_reports_the_length() -> None:
    alt = "word " * 30
    (hit,) = hits("A104", article(f'<p>x <img src="a.jpg" alt="{alt}"></p>'))
    assert hit.message == "alt text is 149 characters; keep it under 125"
    assert (
        hits(
            "A104", article(f'<p>x <img src="a.jpg" alt="{alt}"></p>'), options={"max_length": 150}
        )
        == []
    )


@pytest.mark.parametrize(
    ("alt", "what"),
    [
        ("IMG_2041.jpg", "a file name"),
        ("IMG_2041", "a camera file name"),
        ("DSC0001", "a camera file name"),
        ("PXL_20240101_081500", "a camera file name"),
        ("photo-1.png", "a file name"),
        ("image", "a placeholder"),
        ("Untitled", "a placeholder"),
        ("picture 3", "a placeholder"),
        ("https://example.com/a.png", "a URL"),
        ("d41d8cd98f00b204e9800998ecf8427e", "a hash"),
    ],
)
def test_a105_file_names_and_placeholders(alt: str, what: str) -> None:
    (hit,) = hits("A105", article(f'<p>x <img src="x.jpg" alt="{alt}"></p>'))
    assert f"is {what}" in hit.message


@pytest.mark.parametrize(
    "alt",
    [
        "A photo booth at a wedding",
        "Image processing pipeline diagram",
        "Route 66 sign",
        "Logo",
        "Photo 1 of the garden, taken in May",
    ],
)
def test_a105_descriptions_pass(alt: str) -> None:
    assert hits("A105", article(f'<p>x <img src="x.jpg" alt="{alt}"></p>')) == []


@pytest.mark.parametrize(
    ("alt", "flagged"),
    [
        ("Image of a mug", True),
        ("An image of a mug", True),
        ("photo of the office", True),
        ("Picture: a mug", False),
        ("Screenshot of the settings page", False),
        ("Imagery of the coast", False),
    ],
)
def test_a106_redundant_prefix(alt: str, flagged: bool) -> None:
    assert bool(hits("A106", article(f'<p>x <img src="x.jpg" alt="{alt}"></p>'))) is flagged


# --------------------------------------------------------------------------- A107


SEED_ALT = (
    "Candle and flowers by a rainy window. Representing the reflective space of women's "
    "therapy, with online therapy for women across Texas, including Houston, Dallas, and Austin."
)


def test_a107_place_list_without_configuration() -> None:
    (hit,) = hits("A107", article(f'<p>x <img src="c.jpg" alt="{SEED_ALT}"></p>'))
    assert "a list of 4 places (Texas, Houston, Dallas, Austin)" in hit.message


def test_a107_configured_keywords_repeated() -> None:
    alt = "A bench in the park. Grief counseling for adults and online grief counseling."
    html = article(f'<p>x <img src="b.jpg" alt="{alt}"></p>')
    options = {"keywords": ("grief counseling",), "locations": ()}
    (hit,) = hits("A107", html, options=options)
    assert 'the keyword "grief counseling" twice' in hit.message


def test_a107_demo_alt_names_what_was_stuffed() -> None:
    html = (
        Path(__file__).resolve().parents[2]
        / "src/postaudit/demo_site/blog/why-anxiety-gets-louder-at-night.html"
    ).read_text(encoding="utf-8")
    options = {
        "keywords": ("anxiety counseling",),
        "locations": ("Portland", "Salem", "Eugene", "Bend"),
    }
    (hit,) = hits("A107", html, options=options)
    assert "Oregon, Portland, Salem, Eugene, Bend" in hit.message
    assert "anxiety counseling ×2" in hit.message


@pytest.mark.parametrize(
    "alt",
    [
        "Anna, Ben and Carla on the beach",
        "A wall calendar with Monday, Wednesday and Friday circled",
        "Logos of Python, Rust, and Go",
        "Rain on a window in Portland",
    ],
)
def test_a107_ordinary_alts_pass(alt: str) -> None:
    assert hits("A107", article(f'<p>x <img src="x.jpg" alt="{alt}"></p>')) == []


# --------------------------------------------------------------------------- A108, A109


def test_a108_duplicate_alt_on_different_images() -> None:
    body = (
        '<p><img src="a.jpg" alt="Nodebot army"></p><p><img src="b.jpg" alt="nodebot army."></p>'
        '<p><img src="a.jpg" alt="Nodebot army"></p>'
    )
    (hit,) = hits("A108", article(body))
    assert "image 1 (a.jpg)" in hit.message
    assert hit.score == pytest.approx(2 / 3)


def test_a109_alt_repeats_heading_link_or_caption() -> None:
    assert (
        len(
            hits(
                "A109",
                article('<h2><img src="n.png" alt="NoScript"> <a href="/n">NoScript</a></h2>'),
            )
        )
        == 1
    )
    assert (
        len(hits("A109", article('<p><a href="/h"><img src="h.png" alt="Home"> Home</a></p>'))) == 1
    )
    fig = '<figure><img src="f.jpg" alt="Photo by Lena"><figcaption>Photo by Lena</figcaption></figure>'
    assert "caption" in hits("A109", article(fig))[0].message
    assert hits("A109", article('<h2><img src="n.png" alt=""> NoScript</h2>')) == []
    assert (
        hits("A109", article('<p><img src="n.png" alt="NoScript" role="none"> NoScript</p>')) == []
    )


# --------------------------------------------------------------------------- corpus and facts


def test_corpus_firefox_redundant_alts_are_exact_matches_only() -> None:
    html = (CORPUS / "hugo_0xnf_firefox-user-security.html").read_text(encoding="utf-8")
    found = hits("A109", html)
    assert [h.message.split('"')[1] for h in found] == [
        "NoScript",
        "Firefox Multi-Account Containers",
        "Tracking Token Stripper",
        "Cookie AutoDelete",
    ], '"uBlockOrigin" vs "uBlock Origin" and "Privacy Badger" vs "PrivacyBadger" differ'


def test_facts_image_table_is_json_safe() -> None:
    html = article(
        '<p>x <img src="/i/IMG_1.jpg" alt="IMG_1.jpg"></p><p>y <img src="/i/b.jpg" alt=""></p>'
        '<p>z <img src="/i/c.jpg"></p>'
    )
    facts = audit_page(
        parse_page(html, "https://example.com/p"), Config(select=("A",)).ruleset()
    ).facts
    rows = facts["images"]
    json.dumps(facts)
    assert [(r["file"], r["alt"], r["length"], r["codes"], r["verdict"]) for r in rows] == [
        ("IMG_1.jpg", "IMG_1.jpg", 9, ["A105"], "file name or placeholder"),
        ("b.jpg", "", 0, [], "decorative"),
        ("c.jpg", None, None, ["A101"], "no alt text"),
    ]


def test_no_images_means_not_applicable() -> None:
    page = make_page(article("<p>No pictures here.</p>"))
    config = Config(select=("A",))
    result = audit_page(page, config.ruleset())
    assert result.categories[Category.ALT_TEXT] is None
    assert "images" not in result.facts


# --------------------------------------------------------------------------- theme images


THEME_PAGE = (
    '<html lang="en"><head><title>A post</title></head><body>'
    '<header><img src="/logo.png" width="200"><a href="/"><img src="/home.png" alt="Home"></a>'
    "</header><main><article><h1>A post</h1>"
    "<p>Enough prose for the article detector to take this element as the article body.</p>"
    '<div class="author-box"><img src="/avatar.jpg"></div></article></main>'
    '<aside><img src="/ad.gif" alt=""><img src="/hidden.png" aria-hidden="true"></aside>'
    "</body></html>"
)


def test_theme_images_are_a_fact_and_explain_an_n_a_alt_score() -> None:
    from rich.console import Console

    from postaudit.report.text import render_page

    result = audit_page(make_page(THEME_PAGE), Config(select=("A",)).ruleset())
    # the logo and the avatar (in the article's author box) have no alt; the linked
    # home image is judged (alone in a link: A102's), the hidden one is left out
    assert result.facts["theme_images"] == {"count": 3, "without_alt": 2}
    assert "images" in result.facts and [r["file"] for r in result.facts["images"]] == ["home.png"]
    json.dumps(result.facts["theme_images"])
    console = Console(width=100, record=True, no_color=True)
    render_page(console, result)
    out = console.export_text()
    assert "Theme images: 3 outside the article, not judged (2 without alt text)" in out
    # a page with no article image reads n/a for alt text, and says why
    bare = THEME_PAGE.replace('<a href="/"><img src="/home.png" alt="Home"></a>', "")
    result = audit_page(make_page(bare), Config(select=("A",)).ruleset())
    assert result.categories[Category.ALT_TEXT] is None
    console = Console(width=100, record=True, no_color=True)
    render_page(console, result)
    out = " ".join(console.export_text().split())
    assert "n/a no article image; 3 theme images, not judged (2 without alt text)" in out
