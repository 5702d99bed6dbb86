"""Focused tests of the L rules (links). Network rules get their link statuses the way
the runner's link phase would leave them in `Page.link_status`."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from conftest import hits, make_page
from postaudit import rules as registry
from postaudit.model import Hit, LinkStatus
from postaudit.parse.page import Page
from postaudit.rules.links import facts
from postaudit.rules.pagination import title_similarity
from postaudit.urls import link_key

URL = "https://example.com/blog/post"


def with_status(html: str, statuses: dict[str, dict[str, Any]], url: str = URL) -> Page:
    page = make_page(html, url)
    table = {}
    for ref, data in statuses.items():
        full = ref if "://" in ref else "https://example.com" + ref
        table[link_key(full)] = LinkStatus.from_dict({"url": full, **data})
    return replace(page, link_status=table)


def run(code: str, page: Page, options: dict[str, Any] | None = None) -> list[Hit]:
    r = registry.get(code)
    merged = {**r.defaults, **(options or {})}
    return list(r.check(page, merged)) if r.applies(page, merged) else []


def article(body: str, lang: str = "en") -> str:
    return f'<html lang="{lang}"><body><article>{body}</article></body></html>'


PAGER = (
    '<nav class="navigation post-navigation">'
    '<div class="nav-previous"><a href="/blog/older" rel="prev">Older thoughts</a></div>'
    '<div class="nav-next"><a href="/blog/newer" rel="next">Newer thoughts</a></div></nav>'
)


# --------------------------------------------------------------------------- link text


def test_whole_link_text_is_compared() -> None:
    html = article(
        '<p>book a consultation <a href="/book">here</a></p>'
        '<p><a href="/about">read more about how I work</a></p>'
        '<p><a href="/x">Read more »</a></p>'
    )
    found = hits("L515", html)
    assert [h.message for h in found] == [
        "link text 'here' says nothing about where it goes",
        "link text 'Read more »' says nothing about where it goes",
    ]
    assert all(h.score == 1 / 3 for h in found), "partial credit: 1 of 3 links descriptive"


def test_aria_label_is_accepted_when_it_says_more_and_contains_the_text() -> None:
    ok = article('<a href="/p" aria-label="Read more about sleep and worry">Read more</a>')
    assert hits("L515", ok) == []
    assert hits("L515", ok, options={"accept_aria_label": False}) != [], "Lighthouse's reading"
    mismatch = article('<a href="/p" aria-label="Our fees">Click here</a>')
    [hit] = hits("L515", mismatch)
    assert "does not contain it" in hit.message
    generic = article('<a href="/p" aria-label="more">more</a>')
    assert len(hits("L515", generic)) == 1


def test_aria_labelledby_counts_like_aria_label() -> None:
    html = article(
        '<h2 id="t">Sleep and worry</h2><a href="/p" id="m" aria-labelledby="m t">Read more</a>'
    )
    page = make_page(html, URL)
    [link] = [link for link in page.links if link.href == "/p"]
    assert link.labelledby_text == "Read more Sleep and worry"
    assert hits("L515", html) == []


def test_language_decides_the_list() -> None:
    italian = article(
        '<p>Yogurt con le <a href="/more">more</a>, ricetta <a href="/r">qui</a></p>', "it"
    )
    assert [h.message for h in hits("L515", italian)] == [
        "link text 'qui' says nothing about where it goes"
    ]
    english_quote = article('<blockquote lang="en"><a href="/q">here</a></blockquote>', "it")
    assert len(hits("L515", english_quote)) == 1, "the link's own lang wins"
    finnish = article('<a href="/a">here</a> <a href="/b">täällä</a>', "fi")
    assert hits("L515", finnish) == [], "no list for the language: not judged"


def test_unknown_language_uses_all_lists_unless_told_otherwise() -> None:
    html = '<html><body><article><a href="/a">aquí</a></article></body></html>'
    assert len(hits("L515", html)) == 1
    assert hits("L515", html, options={"unknown_lang": "none"}) == []
    assert hits("L515", html, options={"unknown_lang": "en"}) == []
    assert len(hits("L515", html, options={"lang": "es"})) == 1, "--lang fills a missing lang"


def test_extra_and_allowed_texts() -> None:
    html = article('<a href="/a">Details</a> <a href="/b">Find out</a>')
    assert len(hits("L515", html)) == 1
    assert hits("L515", html, options={"allowed_texts": ["details"]}) == []
    assert len(hits("L515", html, options={"extra_texts": ["find out"]})) == 2


def test_links_outside_the_article_and_same_page_anchors_are_not_judged() -> None:
    html = (
        '<html lang="en"><body><nav><a href="/x">here</a></nav>'
        '<article><a href="#top">here</a><a href="mailto:a@b.c">here</a></article></body></html>'
    )
    assert hits("L515", html) == []


def test_empty_links() -> None:
    html = article(
        '<a href="/a"><i class="icon"></i></a>'
        '<a href="/b" aria-label="Share"><i class="icon"></i></a>'
        '<a href="/c" title="Newsletter"><svg aria-hidden="true"></svg></a>'
        '<a href="/d"><img src="x.png" alt="Printable plan"></a>'
        '<a href="/e"><img src="y.png"></a>'
    )
    found = hits("L516", html)
    assert [h.message for h in found] == ["link '/a' has no text or accessible name"]
    assert found[0].score == 3 / 4, "the image-only link is A102's, not counted here"


def test_same_text_different_places() -> None:
    html = article(
        '<a href="/a">the worksheet</a> <a href="/b">The worksheet</a> <a href="/c">The worksheet</a>'
        ' <a href="/d/">my notes</a> <a href="/d">my notes</a> <a href="/d/index.html">my notes</a>'
        ' <a href="/e" aria-label="Read more about sleep">Read more</a> <a href="/f">Read more</a>'
    )
    [hit] = hits("L517", html)
    assert hit.message == "link text 'The worksheet' leads to 3 different places: '/a', '/b', '/c'"


def test_insecure_links_only_from_https_pages() -> None:
    html = article(
        '<a href="http://example.org/a">a guide</a> <a href="https://example.org/b">b</a>'
    )
    [hit] = hits("L513", html)
    assert hit.message == "link 'http://example.org/a' uses http: on an https page"
    assert hit.score == 0.5
    assert hits("L513", html, url="http://example.com/post") == []


# --------------------------------------------------------------------------- checked links

BODY = article(
    '<a href="/ok">fine page</a> <a href="/gone">gone page</a> <a href="/moved">moved page</a>'
    ' <a href="/wall">walled page</a> <a href="https://other.org/dead">their study</a>'
)
STATUSES: dict[str, dict[str, Any]] = {
    "/ok": {"status": 200},
    "/gone": {"status": 404, "message": "HTTP 404 Not Found"},
    "/moved": {
        "status": 200,
        "redirects": [
            {
                "status": 301,
                "url": "https://example.com/moved",
                "location": "https://example.com/moved/",
            }
        ],
    },
    "/wall": {"state": "unverified", "status": 403, "error": "bot_wall"},
    "https://other.org/dead": {"status": 410, "message": "HTTP 410 Gone"},
}


def test_broken_internal_and_external_links() -> None:
    page = with_status(BODY, STATUSES)
    [internal] = run("L510", page)
    assert internal.message == "link '/gone' ('gone page') is broken: HTTP 404 Not Found"
    assert internal.score == 3 / 4, "unverified counts as fine"
    [external] = run("L511", page)
    assert (
        external.message == "link 'https://other.org/dead' ('their study') is broken: HTTP 410 Gone"
    )
    [moved] = run("L512", page)
    assert moved.message == (
        "link '/moved' redirects: 301 https://example.com/moved -> https://example.com/moved/ (200)"
    )
    assert moved.fix == "link to https://example.com/moved/"


def test_unchecked_links_make_the_network_rules_not_applicable() -> None:
    page = make_page(BODY, URL)
    for code in ("L501", "L502", "L504", "L510", "L511", "L512"):
        assert not registry.get(code).applies(page, registry.get(code).defaults)
    skipped = with_status(BODY, {"/gone": {"state": "skipped", "error": "excluded"}})
    assert run("L510", skipped) == []


def test_pagination_broken_redirect_and_stale() -> None:
    page = with_status(
        article("<p>Text.</p>") + PAGER,
        {
            "/blog/older": {
                "status": 200,
                "redirects": [
                    {
                        "status": 301,
                        "url": "https://example.com/blog/older",
                        "location": "https://example.com/blog/older/",
                    }
                ],
                "title": "Something else entirely | Blog",
                "headings": ["Something else entirely"],
            },
            "/blog/newer": {"status": None, "error": "dns", "message": "cannot resolve host"},
        },
    )
    assert [h.message for h in run("L501", page)] == [
        "next post link '/blog/newer' is broken: cannot resolve host"
    ]
    assert [h.message for h in run("L502", page)] == [
        "previous post link '/blog/older' redirects: 301 https://example.com/blog/older -> "
        "https://example.com/blog/older/ (200)"
    ]
    assert [h.message for h in run("L504", page)] == [
        "previous post link shows 'Older thoughts' but the target page is titled "
        "'Something else entirely'"
    ]


def test_title_similarity() -> None:
    assert title_similarity("Ten sleep myths", ["Ten sleep myths | Fernwood"]) == 1.0
    assert title_similarity("Ten sleep myths…", ["Ten sleep myths we all believe"]) == 1.0
    assert title_similarity("10 sleep myths", ["Ten sleep myths"]) > 0.5
    assert title_similarity("Five ways to rest", ["Why grief returns in spring"]) < 0.5
    assert (
        title_similarity("[leetcode]213.打家劫舍 II", ["[leetcode]213.打家劫舍 II | Brian's Home"])
        == 1.0
    )


def test_self_links_and_prev_equals_next() -> None:
    self_link = article("<p>x</p>") + (
        '<div class="post-nav"><div class="post-nav-next post-nav-item">'
        '<a rel="next" href="/blog/post/">This</a></div></div>'
    )
    assert [h.message for h in hits("L503", self_link)] == [
        "next post link '/blog/post/' points to this page itself"
    ]
    same = article("<p>x</p>") + (
        '<nav class="post-nav"><a class="prev" href="/blog/x">X</a><a class="next" href="/blog/x/">X</a></nav>'
    )
    assert [h.message for h in hits("L503", same)] == [
        "the previous and next post links both point to '/blog/x/'"
    ]
    back_here = with_status(
        article("<p>x</p>") + PAGER,
        {
            "/blog/newer": {
                "status": 200,
                "redirects": [
                    {"status": 302, "url": "https://example.com/blog/newer", "location": URL}
                ],
            }
        },
    )
    assert [h.message for h in run("L503", back_here)] == [
        "next post link '/blog/newer' points to this page itself"
    ]


def test_disabled_side_is_not_a_self_link() -> None:
    html = article("<p>x</p>") + (
        '<nav class="pagination"><a href="/blog/older" class="pagination--pager">Previous</a>'
        '<a href="#" class="pagination--pager disabled">Next</a></nav>'
    )
    assert hits("L503", html) == []


def test_head_links_compared_with_visible_ones() -> None:
    head = (
        '<head><link rel="prev" href="/blog/older"><link rel="next" href="/blog/elsewhere"></head>'
    )
    html = f'<html lang="en">{head}<body><article><p>x</p></article>{PAGER}</body></html>'
    [hit] = hits("L506", html)
    assert hit.message == (
        "<link rel=\"next\"> points to '/blog/elsewhere' but the visible next post link "
        "points to '/blog/newer'"
    )
    head_only = (
        '<html lang="en"><head><link rel="next" href="/a"></head><body><p>x</p></body></html>'
    )
    assert hits("L506", head_only) == [], "the head links are the pagination: nothing to compare"
    one_side = (
        '<html lang="en"><head><link rel="prev" href="/blog/older"></head><body>'
        '<nav class="post-navigation"><div class="nav-next"><a href="/blog/older">Older</a></div></nav>'
        "</body></html>"
    )
    [swapped] = hits("L506", one_side)
    assert "which the page shows as the next post link" in swapped.message


def test_facts_are_plain_json() -> None:
    page = with_status(BODY + PAGER, {**STATUSES, "/blog/older": {"status": 200}})
    data = facts(page, {"keywords": (), "locations": (), "lang": None})
    json.dumps(data)
    rows = data["links"]["checked"]
    assert [r["role"] for r in rows] == [
        "prev",
        "internal",
        "internal",
        "internal",
        "internal",
        "external",
    ]
    assert rows[0]["href"] == "/blog/older" and rows[0]["state"] == "ok"
    assert data["links"]["counts"] == {"ok": 2, "broken": 2, "redirected": 1, "unverified": 1}
    assert data["pagination"]["prev"]["markup"] == "wordpress .nav-previous"
    assert data["pagination"]["prev"]["status"]["status"] == 200
    assert data["pagination"]["next"]["status"] is None, "not checked"
