"""Keywords and locations (K2xx): placements, density, subheadings, hidden places, lists."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import hits, make_page
from postaudit import rules as registry
from postaudit.cli import cli
from postaudit.measure.coverage import article_title, slug
from postaudit.measure.prose import Prose, article_prose, block_sentences
from postaudit.rules import keywords

KW = {"keywords": ("therapy for women",)}


def page_html(
    *,
    title: str = "Therapy for Women: What Tears Can Mean",
    description: str = "What tears can mean in therapy for women, and other signs of progress.",
    h1: str = "What tears can mean in therapy for women",
    intro: str = "Many women in therapy ask whether crying matters. Some cry often.",
    body: str = "",
    head: str = "",
    after: str = "",
) -> str:
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>
<meta name="description" content="{description}">{head}</head>
<body><main><article><h1>{h1}</h1><p>{intro}</p>{body}</article></main>{after}</body></html>"""


URL = "https://example.com/blog/tears-in-therapy-for-women"


def run(code: str, html: str, url: str = URL, **options: Any) -> list[str]:
    merged = {**KW, **options}
    return [h.message for h in hits(code, html, url=url, options=merged)]


@pytest.mark.parametrize("code", [r.code for r in keywords.RULES])
def test_nothing_applies_without_keywords_or_locations(code: str) -> None:
    r = registry.get(code)
    page = make_page(page_html())
    options = {**r.defaults, "keywords": (), "locations": ()}
    assert r.applies(page, options) is False


def test_title_ignores_the_site_name() -> None:
    html = page_html(
        title="Why Anxiety Gets Louder at Night — Fernwood Counseling",
        head='<meta property="og:site_name" content="Fernwood Counseling">',
    )
    assert article_title(make_page(html)) == "Why Anxiety Gets Louder at Night"
    (msg,) = run("K201", html, keywords=("anxiety counseling",))
    assert msg == (
        'keyphrase "anxiety counseling" is not in the title '
        '"Why Anxiety Gets Louder at Night" (site name left out)'
    )
    # Without og:site_name the whole title counts.
    plain = page_html(title="Why Anxiety Gets Louder at Night — Fernwood Counseling")
    assert run("K201", plain, keywords=("anxiety counseling",)) == []


def test_title_possessive_and_typographic_apostrophe() -> None:
    html = page_html(title="A Woman’s Guide to Therapy")
    assert run("K201", html) == []
    assert run("K201", html, keywords=('"therapy for women"',)) == [
        'keyphrase "\\"therapy for women\\"" is not in the title "A Woman’s Guide to Therapy"'.replace(
            '\\"', '"'
        )
    ]


def test_every_missing_keyphrase_is_a_hit_scored_by_the_share_found() -> None:
    html = page_html(h1="Tears in therapy for women")
    found = hits(
        "K202", html, url=URL, options={"keywords": ("therapy for women", "grief", "sleep")}
    )
    assert [h.key for h in found] == ["grief", "sleep"]
    assert all(h.score == pytest.approx(1 / 3) for h in found)


def test_h1_and_description_rules_need_the_element() -> None:
    html = page_html().replace("<h1>What tears can mean in therapy for women</h1>", "")
    assert run("K202", html) == []
    assert run("K203", page_html().replace('<meta name="description"', '<meta name="x"')) == []


def test_introduction_needs_the_phrase_in_one_sentence() -> None:
    split = page_html(intro="Many clients are women. Therapy helps them.")
    assert run("K204", split) == ['keyphrase "therapy for women" is not in the first paragraph']
    one = page_html(intro="Therapy helps many women. It takes time.")
    assert run("K204", one) == []


def test_introduction_skips_credits_and_bylines() -> None:
    html = page_html(intro="Photo by Sam Lee | Pexels").replace(
        "</article>", "<p>Therapy for women starts here.</p></article>"
    )
    assert run("K204", html) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/blog/why-tears-matter.html", "why-tears-matter"),
        ("https://example.com/blog/why-tears-matter/", "why-tears-matter"),
        ("https://example.com/post/index.html", "post"),
        ("https://example.com/", ""),
        ("src/site/blog/anxiety-at-night.html", "anxiety-at-night"),
        ("https://example.com/blog/caf%C3%A9-talk", "café-talk"),
    ],
)
def test_slug(url: str, expected: str) -> None:
    assert slug(url) == expected


def test_slug_rule_follows_yoast() -> None:
    html = page_html()
    assert run("K205", html, url="https://example.com/blog/women-and-therapies") == []
    assert run("K205", html, url="https://example.com/blog/women-and-tears") == [
        'keyphrase "therapy for women" is not in the URL slug "women-and-tears"'
    ]
    long = {"keywords": ("online anxiety therapy group",)}  # 4 content words: more than half
    assert run("K205", html, url="https://example.com/blog/online-anxiety-group", **long) == []
    assert run("K205", html, url="https://example.com/blog/anxiety-group", **long) != []
    assert run("K205", html, url="https://example.com/") == []  # no slug: not applicable


def words(n: int) -> str:
    return " ".join(["Rest"] + ["calm"] * (n - 2) + ["days."])


def test_density_low_and_stuffing_bands() -> None:
    low = page_html(intro="Therapy for women helps. " + words(300))
    (msg,) = run("K206", low)
    assert msg == (
        'keyphrase "therapy for women" appears 1 time in 304 words (0.33%); aim for 0.5% or more'
    )
    ok = page_html(intro="Therapy for women helps. " + words(150))
    assert run("K206", ok) == [] and run("K207", ok) == []
    stuffed = page_html(intro="Therapy for women helps. " * 5 + words(100))
    (msg,) = run("K207", stuffed)
    assert "keyword stuffing; keep it under 3%" in msg
    short = page_html(intro="Therapy for women helps. " * 5)
    assert run("K207", short) == [] and run("K206", short) == []  # under min_words


def test_density_ignores_headings_and_captions() -> None:
    body = "<h2>Therapy for women</h2><figure><figcaption>Therapy for women</figcaption></figure>"
    html = page_html(intro="Rest helps. " + words(300), body=body)
    (msg,) = run("K206", html)
    assert "never appears" in msg


def subs(*texts: str) -> str:
    return "".join(f"<h2>{t}</h2><p>Some text.</p>" for t in texts)


def test_subheading_bands() -> None:
    low = page_html(body=subs("Sleep", "Food", "Walks", "Therapy"))  # 1 of 4 = 25%
    (msg,) = run("K208", low)
    assert (
        msg == '1 of 4 subheadings (25%) reflect keyphrase "therapy for women"; aim for 30% or more'
    )
    assert registry.get("K208").severity.value == "info"
    high = page_html(body=subs("Therapy", "Women", "Women in therapy", "Food"))  # 75%: fine
    assert run("K209", high) == [] and run("K208", high) == []
    higher = page_html(body=subs("Therapy", "Women", "Women in therapy"))
    (msg,) = run("K209", higher)
    assert msg == (
        '3 of 3 subheadings (100%) reflect keyphrase "therapy for women"; keep it at 75% or under'
    )


def test_one_subheading_must_reflect_it_and_is_never_too_many() -> None:
    assert run("K208", page_html(body=subs("Sleep"))) != []
    assert run("K209", page_html(body=subs("Therapy"))) == []  # needs two or more


def test_keyword_only_in_hidden_places() -> None:
    html = page_html(
        intro="Rest helps.",
        h1="Tears",
        body='<img src="a.jpg" alt="anxiety counseling near you">'
        '<a href="/x" title="anxiety counseling">Contact</a>'
        "<p hidden>Anxiety counseling for adults.</p>",
    )
    (msg,) = run("K210", html, keywords=("anxiety counseling",))
    assert msg == (
        'keyphrase "anxiety counseling" appears only in alt text (1 image), a title attribute, '
        "hidden text; readers never see it in the text"
    )
    visible = html.replace("Rest helps.", "Anxiety counseling helps.")
    assert run("K210", visible, keywords=("anxiety counseling",)) == []


LOC = {"keywords": (), "locations": ("Portland", "Salem")}


def test_location_only_in_alt_is_flagged_unless_visible_anywhere() -> None:
    html = page_html(body='<img src="a.jpg" alt="Rain on the window of our Portland office">')
    found = hits("K211", html, url=URL, options=LOC)
    assert [h.message for h in found] == [
        'location "Portland" appears only in alt text (1 image); readers never see it in the text'
    ]
    assert found[0].score == 0.5  # Salem is fine (nowhere at all is K212's)
    footer = html.replace("</body>", "<footer><p>Offices in Portland, Oregon</p></footer></body>")
    assert hits("K211", footer, url=URL, options=LOC) == []


def test_location_missing_looks_everywhere() -> None:
    html = page_html()
    assert [h.key for h in hits("K212", html, url=URL, options=LOC)] == ["Portland", "Salem"]
    ld = (
        '<script type="application/ld+json">{"@type": "LocalBusiness", '
        '"areaServed": ["Portland"], "address": {"addressLocality": "Salem"}}</script>'
    )
    assert hits("K212", page_html(head=ld), url=URL, options=LOC) == []
    in_title = page_html(title="Counseling in Salem and Portland")
    assert hits("K212", in_title, url=URL, options=LOC) == []


def test_location_lists_use_the_shared_detector() -> None:
    listed = page_html(
        intro="We see adults across Oregon, including Portland, Salem, Eugene, and Bend."
    )
    (hit,) = hits("K213", listed, url=URL, options=LOC)
    assert hit.message == "sentence lists 5 places (Oregon, Portland, Salem, Eugene, Bend)"
    two = page_html(intro="Clients join from Portland and from Salem.")
    assert hits("K213", two, url=URL, options=LOC) == []
    other = page_html(intro="We love Monday, Tuesday, and Friday in Portland.")
    assert hits("K213", other, url=URL, options=LOC) == []


def test_facts_are_json_safe_and_cover_every_placement() -> None:
    html = page_html(
        body='<h2>Therapy</h2><p>Text.</p><img src="a.jpg" alt="therapy for women">'
        '<a href="/t">therapy for women</a>'
    )
    page = make_page(html, URL)
    facts = keywords.facts(
        page, {"keywords": ("therapy for women",), "locations": ("Portland",), "lang": None}
    )
    json.dumps(facts)
    (row,) = facts["keywords"]
    assert row["title"] == {"found": True, "count": 1}
    assert row["slug"] == {"slug": "tears-in-therapy-for-women", "found": True}
    assert row["subheadings"] == {"mentioning": 1, "total": 1, "share": 100.0}
    assert row["alt_text"] == {"images": 1, "total": 1}
    assert row["link_text"] == {"links": 1, "total": 1}
    assert row["body"] == {"count": 1, "words": 12, "density": 8.33}  # the lone link is no prose
    (loc,) = facts["locations"]
    assert loc["location"] == "Portland" and loc["page_text"] == 0
    assert "phrases" not in facts


def test_top_phrases_without_keywords() -> None:
    text = (
        "Night worry keeps many people awake. Night worry is common. "
        "A worry journal helps. Keep the worry journal by the bed. "
        "Night worry fades with a worry journal."
    )
    facts = keywords.facts(make_page(page_html(intro=text)), {"keywords": (), "locations": ()})
    phrases = facts["phrases"]
    assert phrases["two_word"][:2] == [
        {"phrase": "night worry", "count": 3},
        {"phrase": "worry journal", "count": 3},
    ]
    assert {"phrase": "night worry fades", "count": 2} not in phrases["three_word"]
    assert all(p["count"] >= 2 for p in phrases["two_word"] + phrases["three_word"])
    assert "keywords" not in facts


def test_top_phrases_never_cross_a_sentence_end_or_a_url() -> None:
    from postaudit.measure.coverage import _RUN_BREAK, _phrase_word

    assert _phrase_word(_RUN_BREAK.strip()) is None, "the joiner must end every run"
    text = (
        "We baked sourdough bread. Crusty loaves cooled. We baked sourdough bread. "
        "Crusty loaves cooled. See example.com/crusty-loaves today. Crusty loaves again."
    )
    facts = keywords.facts(make_page(page_html(intro=text)), {"keywords": (), "locations": ()})
    two = {p["phrase"]: p["count"] for p in facts["phrases"]["two_word"]}
    three = {p["phrase"]: p["count"] for p in facts["phrases"]["three_word"]}
    assert two["sourdough bread"] == 2 and two["crusty loaves"] == 3
    assert three == {"baked sourdough bread": 2, "crusty loaves cooled": 2}
    assert not any("bread crusty" in p or "cooled" in p.split()[:1] for p in two)


def test_rules_command_explains_matching() -> None:
    result = CliRunner().invoke(cli, ["rules", "K201"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "all content words of a phrase within one sentence, in any order" in text
    assert "double quotes" in text and "Synonyms" in text


# --------------------------------------------------------------------------- fast paths
# top_phrases tokenises the whole prose at once and counts windows of phrase words;
# the per-block version it replaces is kept here as the reference.

_OLD_DOTTED_HINT = re.compile(r"://|www\.|\w\.\w")


def _old_phrase_runs(sentences: list[str]) -> list[list[str]]:
    from postaudit.measure.coverage import _DOTTED, _RUN_BREAK, _phrase_word
    from postaudit.measure.matching import tokens

    text = _RUN_BREAK.join(sentences)
    if _OLD_DOTTED_HINT.search(text) is not None:
        text = _DOTTED.sub(" . ", text)
    runs: list[list[str]] = []
    run: list[str] = []
    for tok in tokens(text):
        word = _phrase_word(tok)
        if word is None:
            if len(run) >= 2:
                runs.append(run)
            run = []
        else:
            run.append(word)
    if len(run) >= 2:
        runs.append(run)
    return runs


def _old_top_phrases(prose: Prose, limit: int = 10, min_count: int = 2) -> dict[str, Any]:
    pairs: list[tuple[str, ...]] = []
    triples: list[tuple[str, ...]] = []
    for block in prose.blocks:
        for run in _old_phrase_runs(list(block_sentences(block.text))):
            pairs.extend(pairwise(run))
            triples.extend(zip(run, run[1:], run[2:], strict=False))
    out: dict[str, Any] = {}
    for name, grams in (("two_word", pairs), ("three_word", triples)):
        counts = Counter(" ".join(k) for k in grams)
        ranked = sorted(
            ((p, c) for p, c in counts.items() if c >= min_count), key=lambda pc: (-pc[1], pc[0])
        )
        out[name] = [{"phrase": p, "count": c} for p, c in ranked[:limit]]
    return out


TRICKY_PHRASE_TEXTS = [
    "Sourdough bread rises. Sourdough bread rises slowly. Sourdough bread rises again.",
    "See www.example.com/sourdough-bread today. Sourdough bread www. sourdough bread.",
    "Use google.maps.Map2 for sourdough bread maps, e.g. sourdough bread maps. i.e. x.y",
    "https://a.b/c sourdough bread http:// sourdough bread ftp://x sourdough bread",
    "Sourdough bread's crust, sourdough breads' crusts, 24 sourdough bread 7 crust",
    "“Sourdough” ‘bread’ ʼs crust. SOURDOUGH BREAD CRUST. Sourdough\u00a0bread\u00a0crust.",
    "Sourdough bread crust. The sourdough bread crust. A sourdough bread crust.",
    "a.b sourdough bread. c.d sourdough bread. ... .. sourdough . bread sourdough bread",
    "Straße groß STRASSE straße groß. İstanbul bread İstanbul bread. ǅemal bread ǅemal bread",
    "",
]


def _prose_of(*texts: str) -> Prose:
    from postaudit.model import Location
    from postaudit.parse.page import Block

    return Prose(tuple(Block("p", t, 0, False, False, Location()) for t in texts), {})


def test_top_phrases_equal_the_per_block_count() -> None:
    from paths import CORPUS
    from postaudit.measure.coverage import top_phrases
    from postaudit.parse.build import parse_page

    cases = [_prose_of(t) for t in TRICKY_PHRASE_TEXTS]
    cases.append(_prose_of(*TRICKY_PHRASE_TEXTS))
    cases.append(_prose_of(*(TRICKY_PHRASE_TEXTS * 3)))
    demo = Path(__file__).resolve().parents[2] / "src" / "postaudit" / "demo_site" / "blog"
    for path in [*sorted(CORPUS.glob("*.html")), *sorted(demo.glob("*.html"))]:
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path))
        cases.append(article_prose(page.blocks))
    assert len(cases) > 25
    for prose in cases:
        for limit, min_count in ((10, 2), (50, 1), (3, 3)):
            assert top_phrases(prose, limit, min_count) == _old_top_phrases(prose, limit, min_count)


def test_dotted_hint_is_the_old_regex() -> None:
    from postaudit.measure.coverage import _may_hold_dotted

    texts = [
        *TRICKY_PHRASE_TEXTS,
        ".a a. a.b .. a..b _._ é.ü ½.² x:// ://x www www. WWW. wwwa.",
        *(c + "." + d for c in "a_.- é½\t" for d in "b_.- ü²\n"),
    ]
    for text in texts:
        for part in (text, *text.split()):
            assert _may_hold_dotted(part) is (_OLD_DOTTED_HINT.search(part) is not None), part
