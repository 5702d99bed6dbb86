"""Heading rules (H4xx): axe-core parity (heading-order, empty-heading, page-has-heading-one)
and the article-outline checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from conftest import hits, make_page
from postaudit.config import Config
from postaudit.judge.engine import audit_page
from postaudit.model import Category
from postaudit.report.facts_alt_headings import render_images, render_outline

ROOT = Path(__file__).resolve().parents[2]
from paths import CORPUS  # noqa: E402

DEMO = ROOT / "src" / "postaudit" / "demo_site" / "blog"


def page_html(body: str, before: str = "", after: str = "") -> str:
    return (
        f'<html lang="en"><head><title>A post</title></head><body>{before}'
        f"<main><article>{body}</article></main>{after}</body></html>"
    )


PROSE = "<p>Enough prose for the article detector to take this element as the article body.</p>"


# --------------------------------------------------------------------------- H401, H402


def test_h401_no_h1_and_aria_level() -> None:
    (hit,) = hits("H401", page_html(f"<h2>Title</h2>{PROSE}"))
    assert hit.message == 'the page has no <h1>; the first heading is h2 "Title"'
    assert hits("H401", page_html(f'<h2 aria-level="1">Title</h2>{PROSE}')) == []
    assert hits("H401", page_html(f'<div role="heading" aria-level="1">Title</div>{PROSE}')) == []
    assert hits("H401", page_html(f"<h1></h1>{PROSE}")) == [], "empty h1 is H404's"


def test_h401_skips_redirect_stubs() -> None:
    html = (CORPUS / "wordpress-static_whizzy_redirect-stub.html").read_text(encoding="utf-8")
    page = make_page(html)
    result = audit_page(page, Config(select=("H",)).ruleset())
    assert result.findings == () and result.categories[Category.HEADINGS] is None


def test_h402_one_hit_naming_the_h1s_and_option() -> None:
    html = page_html(f"<h1>Post</h1>{PROSE}", before="<header><h1>Site</h1></header>")
    (hit,) = hits("H402", html)
    assert hit.message == 'the page has 2 <h1> headings ("Site", "Post"); keep one for the title'
    assert hits("H402", html, options={"allow_multiple": True}) == []


# --------------------------------------------------------------------------- H403 (axe heading-order)


@pytest.mark.parametrize(
    ("levels", "flagged"),
    [
        ([2, 4], [4]),  # h2 -> h4
        ([3, 4], []),  # the first heading always passes
        ([1, 2, 3, 2, 3], []),
        ([1, 2, 4, 2], [4]),
        ([1, 4, 5, 1, 3], [4, 3]),
        ([4, 2, 3], []),  # going up any amount is fine
    ],
)
def test_h403_matches_axe_heading_order(levels: list[int], flagged: list[int]) -> None:
    body = "".join(f"<h{n}>Heading {i}</h{n}><p>Text.</p>" for i, n in enumerate(levels))
    found = hits("H403", page_html(body + PROSE))
    assert [int(h.message[1]) for h in found] == flagged


def test_h403_aria_level_and_role_heading() -> None:
    body = '<h1>T</h1><div role="heading">Two</div><h2 aria-level="4">Four</h2>' + PROSE
    (hit,) = hits("H403", page_html(body))
    assert hit.message.startswith('h4 "Four" follows h2 "Two"')


def test_h403_names_both_headings_and_grades() -> None:
    body = "<h1>T</h1><h2>A</h2><h4>B</h4><h2>C</h2><h3>D</h3>" + PROSE
    (hit,) = hits("H403", page_html(body))
    assert hit.message == 'h4 "B" follows h2 "A"; use h3 or add the missing level'
    assert hit.score == pytest.approx(3 / 4)


def test_h403_article_scope_ignores_theme_headings_but_page_scope_does_not() -> None:
    html = page_html(
        f"<h1>T</h1>{PROSE}<h2>A</h2>", after="<section><h4>Comments</h4><h6>Ann</h6></section>"
    )
    assert hits("H403", html) == []
    assert [h.message[:2] for h in hits("H403", html, options={"scope": "page"})] == ["h4", "h6"]


def test_h403_title_h1_outside_the_article_counts() -> None:
    html = page_html(f"{PROSE}<h3>First section</h3>", before="<header><h1>Title</h1></header>")
    (hit,) = hits("H403", html)
    assert hit.message.startswith('h3 "First section" follows h1 "Title"')


def test_demo_skipped_level() -> None:
    html = (DEMO / "why-anxiety-gets-louder-at-night.html").read_text(encoding="utf-8")
    (hit,) = hits("H403", html)
    assert hit.message.startswith(
        'h4 "Stress hormones and the early-morning wake-up" follows h2 "What Your Body Is Doing After Dark"'
    )


# --------------------------------------------------------------------------- H404 (axe empty-heading)


@pytest.mark.parametrize(
    ("heading", "empty"),
    [
        ("<h2></h2>", True),
        ("<h2>   </h2>", True),
        ('<h2><img src="l.png" alt=""></h2>', True),
        ('<h2><img src="l.png" alt="Multi-Etch"></h2>', False),
        ('<h2 aria-label="Contents"></h2>', False),
        ('<span id="x">Contents</span><h2 aria-labelledby="x"></h2>', False),
        ('<h2 title="Contents"></h2>', False),
        ('<h2><svg role="img"><title>Logo</title></svg></h2>', False),
        ("<h2 hidden></h2>", False),  # hidden headings are not tested
    ],
)
def test_h404_empty_heading_like_axe(heading: str, empty: bool) -> None:
    assert bool(hits("H404", page_html(f"<h1>T</h1>{heading}{PROSE}"))) is empty


def test_h404_squarespace_logo_h1_is_named_by_its_alt() -> None:
    html = (CORPUS / "squarespace70_multietch_testimonial-jeweler.html").read_text(encoding="utf-8")
    page = make_page(html)
    logo = page.headings[0]
    assert (logo.level, logo.text) == (1, "Multi-Etch®")
    assert hits("H404", html) == []


def test_h404_hexo_empty_post_title() -> None:
    html = (CORPUS / "hexo-next_brianyi_0.html").read_text(encoding="utf-8")
    (hit,) = hits("H404", html)
    assert hit.message == "<h1> has no text and no accessible name"


# --------------------------------------------------------------------------- H405-H407


def test_h405_heading_too_long() -> None:
    long = "A heading that goes on and on well past the point where anyone keeps reading it"
    (hit,) = hits("H405", page_html(f"<h1>T</h1>{PROSE}<h2>{long}</h2>"))
    assert hit.message == f"heading is {len(long)} characters; keep it under 70"
    assert (
        hits("H405", page_html(f"<h1>T</h1>{PROSE}<h2>{long}</h2>"), options={"max_length": 90})
        == []
    )


def test_h406_suggests_a_level_under_the_section() -> None:
    body = (
        f"<h1>T</h1>{PROSE}<h2>What helps</h2><p>Intro text.</p>"
        "<p><strong>Habits that quietly make nights harder</strong></p><p>Body text follows.</p>"
    )
    (hit,) = hits("H406", page_html(body))
    assert 'make it an <h3>, under h2 "What helps"' in hit.message
    assert hit.score == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    "bold",
    [
        "<p><strong>Call a crisis line if you feel unsafe.</strong></p>",  # a sentence
        "<p><strong>Tool : dnSpy</strong></p>",  # a label, not a title
        "<p><strong>Short</strong> and then plain text in the same paragraph</p>",
        "<p><strong>" + "many words " * 10 + "</strong></p>",  # too long for a title
    ],
)
def test_h406_not_a_fake_heading(bold: str) -> None:
    assert hits("H406", page_html(f"<h1>T</h1>{PROSE}{bold}<p>Body text follows.</p>")) == []


def test_h406_bold_style_and_no_preceding_section() -> None:
    body = f'<h1>T</h1><p><span style="font-weight: 700">First steps</span></p>{PROSE}'
    (hit,) = hits("H406", page_html(body))
    assert hit.message.endswith("make it an <h2>")


def test_h406_needs_body_text_after() -> None:
    body = f"<h1>T</h1>{PROSE}<p><strong>Thanks for reading</strong></p><h2>Next</h2>"
    assert hits("H406", page_html(body)) == []


def test_h407_long_section_and_introduction() -> None:
    words = " ".join(["word"] * 360)
    (hit,) = hits("H407", page_html(f"<h1>T</h1><p>{words}</p><h2>Short</h2><p>Some text.</p>"))
    assert (
        hit.message
        == "the introduction runs 360 words without a subheading; add one at least every 350 words"
    )
    assert hit.score == pytest.approx(1 / 2)
    just_over = " ".join(["word"] * 330)
    assert hits("H407", page_html(f"<h1>T</h1><p>{just_over}</p><h2>S</h2><p>Text.</p>")) == []


def test_h407_a_short_post_without_subheadings_is_judged_at_500_words() -> None:
    assert hits("H407", page_html(f"<h1>T</h1><p>{' '.join(['word'] * 480)}</p>")) == []
    (hit,) = hits("H407", page_html(f"<h1>T</h1><p>{' '.join(['word'] * 520)}</p>"))
    assert hit.message == (
        "the article runs 520 words without a subheading; add one at least every 500 words"
    )
    words = " ".join(["word"] * 360)
    code = f"<pre>{words}</pre>"
    assert hits("H407", page_html(f"<h1>T</h1>{PROSE}{code}")) == [], "code is not prose"


def test_theme_headings_after_the_article_are_a_fact_not_a_finding() -> None:
    # H408 (an info note about them) is retired: pagination headings, skips among them
    # included, are not judged; the outline fact lists them as not judged
    html = page_html(
        f"<h1>T</h1>{PROSE}<h2>Section</h2><p>Text.</p>",
        after='<nav class="item-pagination"><h2>Older post</h2><h5>x</h5></nav>',
    )
    result = audit_page(make_page(html), Config(select=("H",)).ruleset())
    assert result.findings == ()
    rows = result.facts["outline"]
    assert [(o["text"], o["judged"], o["after_article"]) for o in rows][-2:] == [
        ("Older post", False, True),
        ("x", False, True),
    ]


# --------------------------------------------------------------------------- facts and rendering


def test_outline_facts_mark_judged_headings_and_codes() -> None:
    html = page_html(
        f"{PROSE}<h2>A</h2><h4>B</h4>",
        before="<header><h1>Title</h1></header>",
        after="<nav><h2>Older post</h2></nav>",
    )
    facts = audit_page(make_page(html), Config(select=("H",)).ruleset()).facts
    json.dumps(facts["outline"])
    assert [(o["level"], o["text"], o["judged"], o["codes"]) for o in facts["outline"]] == [
        (1, "Title", True, []),
        (2, "A", True, []),
        (4, "B", True, ["H403"]),
        (2, "Older post", False, []),
    ]
    ignored = audit_page(make_page(html), Config(select=("H",), ignore=("H403",)).ruleset()).facts
    assert [o["codes"] for o in ignored["outline"]] == [[], [], [], []], "marks follow the config"


def test_renderers_print_page_text_literally() -> None:
    console = Console(width=120, record=True, no_color=True)
    outline = [
        {
            "level": 1,
            "text": "[bold red]Title[/]",
            "judged": True,
            "in_article": False,
            "line": 3,
            "codes": [],
        },
        {
            "level": 3,
            "text": "Sub\x1b[31m",
            "judged": True,
            "in_article": True,
            "line": 9,
            "codes": ["H403"],
        },
        {
            "level": 2,
            "text": "",
            "judged": False,
            "after_article": True,
            "line": None,
            "codes": ["H404"],
        },
    ]
    images = [
        {
            "file": "[link=x]a.png",
            "alt": None,
            "length": None,
            "codes": ["A101"],
            "verdict": "no alt text",
            "line": 4,
            "in_article": True,
        },
        {
            "file": "b.png",
            "alt": "",
            "length": 0,
            "codes": [],
            "verdict": "decorative",
            "line": None,
            "in_article": True,
        },
    ]
    tree = render_outline(outline)
    table = render_images(images)
    assert tree is not None and table is not None
    console.print(tree)
    console.print(table)
    out = console.export_text()
    assert "[bold red]Title[/]" in out and "\x1b" not in out
    assert "▲ H403" in out and "(empty)" in out and "after the article, not counted" in out
    assert "[link=x]a.png" in out and "(no alt)" in out and "✖ A101" in out
    assert render_outline([]) is None and render_images("nonsense") is None


def test_demo_planted_heading_defects() -> None:
    html = (DEMO / "why-anxiety-gets-louder-at-night.html").read_text(encoding="utf-8")
    page = make_page(html)
    result = audit_page(page, Config(select=("H",)).ruleset())
    assert sorted(f.code for f in result.findings) == ["H403", "H406"]
    (fake,) = [f for f in result.findings if f.code == "H406"]
    assert '"Habits that quietly make nights harder"' in fake.message


@pytest.mark.parametrize(
    "name",
    ["when-your-sleep-tracker-makes-anxiety-worse.html", "wind-down-habits-for-anxious-minds.html"],
)
def test_clean_demo_posts_have_no_heading_problems(name: str) -> None:
    page = make_page((DEMO / name).read_text(encoding="utf-8"))
    result = audit_page(page, Config(select=("H",)).ruleset())
    assert [f.code for f in result.findings] == []
    assert result.categories[Category.HEADINGS] == 100


CORPUS_PAGES = sorted(CORPUS.glob("*.html"))


@pytest.mark.parametrize("path", CORPUS_PAGES, ids=[p.stem for p in CORPUS_PAGES])
def test_corpus_a_and_h_fingerprints_are_unique(path: Path) -> None:
    page = make_page(path.read_text(encoding="utf-8", errors="replace"))
    result = audit_page(page, Config(select=("A", "H")).ruleset())
    prints = [f.fingerprint for f in result.findings]
    assert len(set(prints)) == len(prints)
    json.dumps(dict(result.facts))


def test_corpus_false_positives_stay_fixed() -> None:
    def codes(name: str) -> list[str]:
        page = make_page((CORPUS / name).read_text(encoding="utf-8", errors="replace"))
        return [f.code for f in audit_page(page, Config(select=("A", "H")).ruleset()).findings]

    # "Tool : dnSpy" bold labels are not fake headings
    assert "H406" not in codes("jekyll-minimalmistakes_bruce30262_flare-on-2019.html")
    # an h3 after a nav h2 that the body-fallback scope leaves out is no skip (axe agrees)
    assert "H403" not in codes("wordpress59_hidemiyoshi_blog-post_24.html")
    # the redirect stub is not an article
    assert codes("wordpress-static_whizzy_redirect-stub.html") == []
    # one finding per logo link, not per <img> in it
    assert codes("wordpress59_hidemiyoshi_blog-post_24.html").count("A102") == 11
