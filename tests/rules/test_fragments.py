"""L518 fragment-target-missing, and the parse data it reads (`Page.anchors`)."""

from __future__ import annotations

from conftest import hits, make_page
from postaudit.rules.link_checks import fragment_found

URL = "https://example.com/blog/post/"


def body(inner: str, head: str = "") -> str:
    return f'<html lang="en"><head><title>T</title>{head}</head><body>{inner}</body></html>'


def messages(html: str, url: str = URL) -> list[str]:
    return [h.message for h in hits("L518", html, url)]


def test_anchors_hold_every_id_and_a_name() -> None:
    page = make_page(
        body('<div id="a"><span id="b"></span></div><a name="c"></a><p name="d"></p><i id=""></i>')
    )
    assert page.anchors == frozenset({"a", "b", "c"})  # name counts on <a> only


def test_ids_are_case_sensitive() -> None:
    assert messages(body('<a href="#Setup">s</a><h2 id="setup">Setup</h2>')) == [
        "link '#Setup' points at #Setup, but no element has id='Setup'"
    ]


def test_percent_encoded_and_raw_non_ascii_fragments() -> None:
    html = body(
        '<a href="#%E8%A7%A3%E9%A2%98">encoded</a><a href="#解题">raw</a>'
        '<a href="#caf%C3%A9">café</a><h2 id="解题">x</h2><h2 id="café">y</h2>'
    )
    assert messages(html) == []
    # an id written percent-encoded is found as written
    assert messages(body('<a href="#a%20b">x</a><p id="a%20b">y</p>')) == []
    # not UTF-8 once decoded: compared as written only
    assert messages(body('<a href="#%FF">x</a>')) == [
        "link '#%FF' points at #%FF, but no element has id='%FF'"
    ]


def test_top_and_empty_fragments_pass() -> None:
    assert messages(body('<a href="#">a</a><a href="#top">b</a><a href="#Top">c</a>')) == []


def test_script_fragments_are_left_alone() -> None:
    assert messages(body('<a href="#!/route">a</a><a href="#:~:text=sleep">b</a>')) == []


def test_own_url_with_fragment_counts_other_pages_do_not() -> None:
    html = body(
        '<a href="/blog/post/#gone">self</a>'
        '<a href="index.html#gone2">self index</a>'
        '<a href="https://example.com/blog/post#gone3">self, no slash</a>'
        '<a href="/blog/other/#gone">other page</a>'
        '<a href="https://elsewhere.example/blog/post/#gone">other site</a>'
        '<a href="mailto:a@example.com#x">mail</a>'
    )
    assert messages(html) == [
        "link '/blog/post/#gone' points at #gone, but no element has id='gone'",
        "link 'index.html#gone2' points at #gone2, but no element has id='gone2'",
        "link 'https://example.com/blog/post#gone3' points at #gone3, but no element has id='gone3'",
    ]


def test_base_href_elsewhere_makes_hash_links_leave_the_page() -> None:
    html = body('<a href="#x">x</a>', head='<base href="https://example.com/">')
    assert messages(html) == []


def test_chrome_skip_links_are_judged() -> None:
    html = body(
        '<a class="skip-link" href="#main">Skip</a><a class="skip-link" href="#content">Skip 2</a>'
        '<header><nav><a href="/">Home</a></nav></header><main id="main"><article><p>x</p></article></main>'
    )
    assert messages(html) == ["link '#content' points at #content, but no element has id='content'"]


def test_not_applicable_without_in_page_links() -> None:
    assert hits("L518", body('<a href="/blog/other/#x">x</a>')) == []


def test_fragment_found_decodes_once() -> None:
    targets = frozenset({"%41", "b c"})
    assert fragment_found("%41", targets)  # as written
    assert fragment_found("%2541", targets)  # decoded once: "%41"
    assert not fragment_found("%252541", targets)  # decoded once: "%2541", not twice
    assert fragment_found("b%20c", targets)
