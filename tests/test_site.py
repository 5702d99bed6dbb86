"""Site level (pure): compact page facts, the site rules over them, the site summary."""

from __future__ import annotations

import random
from typing import Any

import pytest

from postaudit.config import Config
from postaudit.judge.engine import audit_page
from postaudit.judge.site import (
    SITE_FACTS,
    SiteCollector,
    SitePage,
    axis,
    page_facts,
    page_key,
    site_findings,
)
from postaudit.model import Category, Finding, Location, PageResult, Severity
from postaudit.parse.build import parse_page

B = "https://example.com/blog/"


def facts(
    title: str | None = None,
    *,
    prev: str | None = None,
    next: str | None = None,
    prev_direction: str | None = None,
    next_direction: str | None = None,
    description: str | None = None,
    h1: str | None = None,
    canonical: str | None = None,
    noindex: bool = False,
    targets: list[list[str]] | None = None,
    ignore: list[str] | None = None,
    post: bool | None = None,
) -> dict[str, Any]:
    def pager(url: str | None, side: str, direction: str | None) -> dict[str, Any] | None:
        if url is None:
            return None
        return {"url": B + url, "side": side, "direction": direction, "where": [f"a.{side}", 20]}

    return {
        "title": title,
        "title_at": ["head > title", 5] if title else None,
        "description": description,
        "description_at": ['meta[name="description"]', 6] if description else None,
        "h1": h1,
        "h1_at": ["article > h1", 12] if h1 else None,
        "canonical": canonical,
        "noindex": noindex,
        "post": bool(prev or next) if post is None else post,
        "prev": pager(prev, "prev", prev_direction),
        "next": pager(next, "next", next_direction),
        "targets": targets or [],
        "ignore": ignore or [],
    }


def page(slug: str, **kwargs: Any) -> SitePage:
    return SitePage(B + slug, B + slug, facts(**kwargs))


def run(pages: list[SitePage], *, select: tuple[str, ...] = ("L52", "M62", "K22")) -> list[Finding]:
    return list(site_findings(pages, Config(select=select).ruleset()))


def found(pages: list[SitePage], **kwargs: Any) -> list[tuple[str, str]]:
    return [(f.code, f.url.removeprefix(B)) for f in run(pages, **kwargs)]


# --------------------------------------------------------------------------- pagination


def chain(n: int, **overrides: dict[str, Any]) -> list[SitePage]:
    """Posts p0 (oldest) .. p{n-1}, each linked to its neighbours; overrides by slug."""
    out = []
    for i in range(n):
        kwargs: dict[str, Any] = {
            "title": f"Post {i}",
            "prev": f"p{i - 1}" if i > 0 else None,
            "next": f"p{i + 1}" if i < n - 1 else None,
        }
        kwargs.update(overrides.get(f"p{i}", {}))
        out.append(page(f"p{i}", **kwargs))
    return out


def test_a_reciprocal_chain_has_no_findings() -> None:
    assert run(chain(5)) == []


def test_one_way_link_is_not_reciprocal() -> None:
    pages = chain(4, p3={"prev": None})
    assert found(pages) == [("L520", "p2")]
    (finding,) = run(pages)
    assert finding.message == f"the next post {B}p3 has no link back to this page"
    assert finding.location.selector == "a.next" and finding.location.line == 20
    assert finding.severity is Severity.WARNING and finding.category is Category.LINKS


def test_back_link_to_another_page() -> None:
    # a's next is b, but b's previous is x, which does not link on to b
    pages = [page("a", next="b"), page("b", prev="x"), page("x", title="X")]
    messages = {(f.code, f.url.removeprefix(B)): f.message for f in run(pages, select=("L520",))}
    assert messages == {
        ("L520", "a"): f"the next post {B}b links back (previous) to {B}x, not to this page",
        ("L520", "b"): f"the previous post {B}x has no link back to this page",
    }


def test_skip_is_reported_once_on_the_skipping_link() -> None:
    # p2 was published between p1 and p3 without rebuilding p1: p1 -> p3
    pages = chain(5, p1={"next": "p3"})
    assert found(pages) == [("L522", "p1")]
    (finding,) = run(pages)
    assert finding.message == (
        f"the next post link goes to {B}p3, skipping {B}p2, which links to this page as its "
        "previous post"
    )


def test_loop_is_reported_once_on_its_first_page() -> None:
    pages = [
        page("a", prev="c", next="b"),
        page("b", prev="a", next="c"),
        page("c", prev="b", next="a"),
    ]
    findings = run(pages)
    assert [(f.code, f.url) for f in findings] == [("L521", B + "a")]
    assert findings[0].message == (
        f"following previous post links from this page comes back to it after 3 posts: "
        f"{B}a → {B}c → {B}b → {B}a"
    )


def test_two_page_loop_on_one_axis() -> None:
    pages = [page("a", next="b"), page("b", next="a")]
    codes = found(pages)
    assert ("L521", "a") in codes
    assert sorted(c for c, _ in codes if c == "L520") == ["L520", "L520"]


def test_reversed_theme_uses_direction() -> None:
    """Hexo NexT: rel="next" is the OLDER post. A correct NexT chain is reciprocal on
    the time axis even though each page's "next" answers the other's "prev"."""
    pages = []
    for i in range(3):
        older = f"p{i - 1}" if i > 0 else None
        newer = f"p{i + 1}" if i < 2 else None
        pages.append(
            page(
                f"p{i}",
                next=older,
                next_direction="older" if older else None,
                prev=newer,
                prev_direction="newer" if newer else None,
            )
        )
    assert run(pages) == []
    assert axis({"side": "next", "direction": "older"}) == "older"
    assert axis({"side": "next", "direction": None}) == "newer"
    assert axis({"side": "prev"}) == "older"


def test_orphan_needs_an_audited_neighbour() -> None:
    pages = [*chain(3), page("new", prev="p2")]  # nobody links to "new"
    assert ("L523", "new") in found(pages)
    (orphan,) = [f for f in run(pages) if f.code == "L523"]
    assert orphan.message == "no other audited post links to this page as its previous or next post"
    partial = [page("lonely", prev="not-audited", next="also-not-audited"), *chain(2)]
    assert not [c for c in found(partial) if c[0] == "L523"], "neighbours not in the run"


def test_links_to_pages_outside_the_run_are_not_judged() -> None:
    pages = [page("a", next="elsewhere"), page("b", prev="nowhere")]
    assert run(pages) == []


def test_page_key_ignores_what_does_not_name_another_page() -> None:
    assert page_key("https://Example.com/blog/post/") == page_key("http://example.com/blog/post")
    assert page_key("https://example.com/blog/index.html#top") == page_key(
        "https://example.com/blog/"
    )
    assert page_key("https://example.com:8443/a") != page_key("https://example.com/a")
    assert page_key("https://example.com/a?page=2") != page_key("https://example.com/a")


# --------------------------------------------------------------------------- duplicates


def test_duplicate_title_description_and_h1() -> None:
    pages = [
        page("a", title="Same  title", description="Same text", h1="Same heading"),
        page("b", title="same title", description="Same text", h1="Other heading"),
        page("c", title="Unique", description="Other", h1="Same heading"),
    ]
    assert found(pages) == [
        ("M620", "a"),
        ("M621", "a"),
        ("M622", "a"),
        ("M620", "b"),
        ("M621", "b"),
        ("M622", "c"),
    ]
    title = next(f for f in run(pages) if f.code == "M620")
    assert title.message == f'title "Same  title" is also the title of 1 other page: {B}b'
    assert title.location.selector == "head > title" and title.key == "same title"


def test_noindex_and_canonical_pages_are_left_out() -> None:
    pages = [
        page("a", title="Shared"),
        page("b", title="Shared", noindex=True),
        page("c", title="Shared", canonical=B + "a"),
        page("d", title="Other", canonical=B + "d/"),  # canonical to itself: kept
        page("e", title="Other"),
    ]
    assert found(pages) == [("M620", "d"), ("M620", "e")]


def test_many_duplicates_name_three_and_count_the_rest() -> None:
    pages = [page(f"p{i}", title="Tagline") for i in range(6)]
    first = run(pages)[0]
    assert first.message == (
        f'title "Tagline" is also the title of 5 other pages: {B}p1, {B}p2, {B}p3 and 2 more'
    )
    assert len({f.fingerprint for f in run(pages)}) == 6


# --------------------------------------------------------------------------- cannibalisation


def test_cannibalisation_of_keyword_and_location() -> None:
    pages = [
        page("a", title="A", targets=[["anxiety counseling", "Portland", "title"]]),
        page("b", title="B", h1="B", targets=[["anxiety counseling", "Portland", "h1"]]),
        page("c", title="C", targets=[["anxiety counseling", "Salem", "title"]]),
    ]
    findings = run(pages)
    assert [(f.code, f.url.removeprefix(B)) for f in findings] == [("K220", "a"), ("K220", "b")]
    assert findings[0].message == (
        'keyphrase "anxiety counseling" with location "Portland" is also targeted in the '
        f"title or h1 of 1 other page: {B}b"
    )
    assert findings[1].location.selector == "article > h1"


def test_targets_from_a_parsed_page() -> None:
    html = """<html lang="en"><head><title>Anxiety counseling in Portland | Fernwood</title>
    <meta property="og:site_name" content="Fernwood"></head><body>
    <header><h1>Fernwood</h1></header><article><h1>Calm evenings in Salem</h1>
    <p>Text.</p></article></body></html>"""
    parsed = parse_page(html, B + "x")
    context = {
        "keywords": ("anxiety counseling",),
        "locations": ("Portland", "Salem"),
        "lang": None,
    }
    got = page_facts(parsed, context)
    assert got["targets"] == [
        ["anxiety counseling", "Portland", "title"],
        ["anxiety counseling", "Salem", "title"],
    ]
    assert got["h1"] == "Calm evenings in Salem", "the article's h1, not the logo"
    assert page_facts(parsed, {"keywords": ("anxiety counseling",)})["targets"] == []


# --------------------------------------------------------------------------- page facts


def test_page_facts_from_markup() -> None:
    html = """<!doctype html>
<html lang="en"><head>
<title>  Leeks   in a tray </title>
<meta name="description" content="How to sow leeks.">
<meta name="robots" content="noindex">
<link rel="canonical" href="/blog/leeks">
<meta name="postaudit" content="ignore: M620">
</head><body>
<h1 class="logo">Allotment</h1>
<h1>Sowing leeks</h1>
<article><p>Text.</p></article>
<nav><a rel="prev" href="/blog/older">Older</a></nav>
</body></html>"""
    got = page_facts(parse_page(html, B + "leeks"), {})
    assert got["title"] == "Leeks in a tray"
    assert got["title_at"] == ["head > title", 3]
    assert got["description"] == "How to sow leeks."
    assert got["h1"] == "Sowing leeks", "the h1 that shares words with the title"
    assert got["canonical"] == B + "leeks"
    assert got["noindex"] is True and got["post"] is True
    assert got["prev"] == {
        "url": B + "older",
        "side": "prev",
        "direction": None,
        "where": ["body > nav > a", 12],
    }
    assert got["next"] is None and got["ignore"] == ["M620"]


def test_ignores_per_url_and_in_the_page() -> None:
    pages = [page("a", title="T"), page("b", title="T", ignore=["M62"])]
    assert found(pages) == [("M620", "a")]
    config = Config(select=("M62",), per_url_ignores={"/a$": ("duplicate-title",)})
    assert site_findings(pages, config.ruleset(), ignored_for=config.ignored_for) == ()
    assert found(pages, select=("L",)) == [], "not selected: not run"
    off = Config(select=("M62",), rules={"M620": {"severity": "off"}})
    assert site_findings(pages, off.ruleset()) == ()
    graded = Config(select=("M62",), rules={"M620": {"severity": "error"}})
    assert {f.severity for f in site_findings(pages, graded.ruleset())} == {Severity.ERROR}


def test_site_rules_do_not_apply_to_a_single_page() -> None:
    parsed = parse_page("<title>x</title><h1>x</h1>", B + "x")
    result = audit_page(parsed, Config(select=("L52", "M62", "K22")).ruleset())
    assert result.findings == () and result.score is None


# --------------------------------------------------------------------------- summary


def result(url: str, score: int | None, codes: list[str], **kwargs: Any) -> PageResult:
    findings = tuple(
        Finding(
            url=url,
            code=code,
            name=f"rule-{code.lower()}",
            category=Category.METADATA,
            severity=Severity.ERROR if code.endswith("1") else Severity.WARNING,
            message="m",
            location=Location(),
            fix="f",
            key=str(i),
        )
        for i, code in enumerate(codes)
    )
    return PageResult(
        url=url,
        final_url=url,
        status=200,
        score=score,
        categories={},
        findings=findings,
        facts={"title": f"Title of {url}", SITE_FACTS: facts(title=f"T {url}")},
        **kwargs,
    )


def test_summary_is_the_same_in_any_order() -> None:
    results = [
        result(f"{B}p{i:02d}", score, codes)
        for i, (score, codes) in enumerate(
            [
                (95, []),
                (40, ["M601"]),
                (70, ["M602", "M602"]),
                (88, ["M602"]),
                (12, ["M601", "M602"]),
            ]
            * 3
        )
    ]
    results.append(
        PageResult(
            url=B + "gone",
            final_url=None,
            status=404,
            score=None,
            categories={},
            findings=(),
            error="HTTP 404 Not Found",
        )
    )
    summaries = []
    for seed in range(3):
        shuffled = results[:]
        random.Random(seed).shuffle(shuffled)
        collector = SiteCollector(worst=4, frequent=2)
        for r in shuffled:
            collector.add(r)
        summaries.append(collector.summary())
    assert summaries[0] == summaries[1] == summaries[2]
    summary = summaries[0]
    assert summary["pages"] == 16 and summary["failed"] == 1
    assert summary["score"] == round((95 + 40 + 70 + 88 + 12) * 3 / 15)
    assert summary["distribution"] == {"90-100": 3, "50-89": 6, "0-49": 6}
    assert [w["score"] for w in summary["worst"]] == [12, 12, 12, 40]
    assert [w["url"] for w in summary["worst"][:3]] == [B + "p04", B + "p09", B + "p14"]
    assert summary["frequent"] == [
        {"code": "M602", "name": "rule-m602", "pages": 9, "findings": 12},
        {"code": "M601", "name": "rule-m601", "pages": 6, "findings": 6},
    ]
    assert summary["failures"] == [
        {"url": B + "gone", "status": 404, "error": "HTTP 404 Not Found"}
    ]
    assert summary["counts"] == {"info": 0, "warning": 12, "error": 6}


@pytest.mark.parametrize("error", [None, "HTTP 500"])
def test_site_page_of_result(error: str | None) -> None:
    r = result(B + "a", 90 if error is None else None, [], error=error)
    assert (SitePage.of(r) is None) == (error is not None)
