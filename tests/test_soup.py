"""parse/soup.py: the lean builder builds bs4's own lxml tree, node for node."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from bs4.element import NavigableString, Script, Tag

from postaudit.parse.soup import LeanBuilder, lean_works, make_soup, same_tree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate_site  # noqa: E402


def stock(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def lean(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, builder=LeanBuilder)


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


@pytest.mark.parametrize(
    "folder", ["fixtures/corpus", "fixtures/rules", "fixtures/pagination"], ids=str
)
def test_the_lean_tree_is_bs4s_on_every_fixture_page(folder: str) -> None:
    pages = _pages(ROOT / folder)
    assert len(pages) > 10
    for page in pages:
        html = page.read_bytes().decode("utf-8", "replace")
        assert same_tree(stock(html), lean(html)) is None, page.name


@pytest.mark.parametrize("theme", ["light", "heavy"])
def test_the_lean_tree_is_bs4s_on_generated_posts(tmp_path: Path, theme: str) -> None:
    generate_site.generate(tmp_path, posts=12, theme=theme, seed=3)
    pages = _pages(tmp_path)
    assert len(pages) >= 12
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert same_tree(stock(html), lean(html)) is None, page.name


#: Pieces of markup the handlers treat differently: whitespace-preserving and
#: string-container tags, multi-valued attributes, meta charsets, comments, doctypes,
#: processing instructions, namespaced names, misnested and unclosed tags, stray bytes.
PIECES = [
    "<p>", "</p>", "<div class=' a  b\tc '>", "</div>", "<pre>", "</pre>", "<textarea>",
    "</textarea>", "<script>", "</script>", "<style>", "</style>", "<template>",
    "</template>", "<ruby>", "<rt>", "</rt>", "<rp>", "<svg xmlns='http://www.w3.org/2000/svg'>",
    "<svg:rect/>", "</svg>", "<math>", "</math>", "<!-- c -->", "<!---->", "<!DOCTYPE html>",
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'http://x'>", "<?php echo 1 ?>",
    "<?xml version='1.0'?>", "<![CDATA[ x ]]>", "&amp;", "&nbsp;", "&#x1F600;", "&bogus;",
    "   ", "\n\n", "\t", "text", "more words here.", "<b>", "</b>", "<i>", "</i>",
    "<a rel='nofollow  noopener' href='/x'>", "</a>", "<td headers='h1 h2'>", "<table>",
    "<tr>", "</table>", "<meta charset='utf-8'>",
    "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>",
    "<meta name=x content=y>", "<html lang=en>", "</html>", "<head>", "</head>", "<body>",
    "</body>", "<title>", "</title>", "<br>", "<br/>", "</br>", "<img src=x alt=''>",
    "<fb:like xmlns:fb='http://ogp.me/ns/fb#' fb:href='x'>", "</fb:like>", "<P CLASS=Up>",
    "</P>", "<li>", "<ul>", "</ul>", "<form accept-charset='a b'>", '<input value="a\x00b">',
    "\x00", "\ufeff", "<", ">", "</", "<a", '="', "<noscript>", "</noscript>",
    "<iframe sandbox='a b'>", "</iframe>", "<object archive='a b'>", "<select>", "<option>",
    "</select>", "<frameset>", "<xmp>", "</xmp>", "<plaintext>", "<listing>", "<h1>", "</h2>",
    "<dd>", "<dt>", "<caption>", "<colgroup>", "<col>", "<tbody>", "<thead>",
    "<area rel='a b'>", "<link rel='a  b'>", "é", "中文", "\r\n", "\x0c", " \u00a0 ",
    "<a href='x' class>", "<div id=a id=b>", "<span class='x' CLASS='y'>",
]  # fmt: skip


def _documents(n: int) -> Iterator[str]:
    for seed in range(n):
        r = random.Random(seed)
        yield "".join(r.choice(PIECES) for _ in range(r.randint(0, 60)))


@pytest.mark.filterwarnings("ignore")  # bs4 warns about XML-looking and tiny documents
def test_the_lean_tree_is_bs4s_on_random_documents() -> None:
    for n, html in enumerate(_documents(600)):
        assert same_tree(stock(html), lean(html)) is None, (n, html)


def test_same_tree_tells_a_changed_attribute_text_or_string_class() -> None:
    html = "<p class='a b'>one <b>two</b></p><script>x()</script>"
    assert same_tree(stock(html), stock(html)) is None
    changed = stock(html)
    changed.p["class"] = ["a", "c"]
    assert "attributes" in (same_tree(stock(html), changed) or "")
    text = stock(html)
    text.b.string.replace_with("three")
    assert "text" in (same_tree(stock(html), text) or "")
    plain = stock(html)
    assert isinstance(plain.script.string, Script)
    plain.script.string.__class__ = NavigableString
    assert "Script, not NavigableString" in (same_tree(stock(html), plain) or "")
    unlinked = stock(html)
    unlinked.b.previous_sibling = None
    assert same_tree(stock(html), unlinked) == "node 5: previous_sibling"


def test_same_tree_tells_sharing_attribute_fields_and_counter_zeros() -> None:
    html = "<script>a()</script><script>b()</script><meta charset=latin-1>"
    shared = stock(html)
    first, second = shared.find_all("script")
    assert first.interesting_string_types is not second.interesting_string_types
    second.interesting_string_types = first.interesting_string_types
    assert "shared differently" in (same_tree(stock(html), shared) or "")
    meta = stock(html)
    meta.meta["charset"].original_value = "utf-8"
    assert "attribute classes or fields" in (same_tree(stock(html), meta) or "")
    counted = stock(html)
    counted.open_tag_counter["aside"] = 0
    assert "open_tag_counter" in (same_tree(stock(html), counted) or "")


def test_tags_get_their_own_copy_of_what_bs4_makes_anew() -> None:
    one, two = lean("<script>a()</script>"), lean("<style>p{}</style><script>b()</script>")
    assert one.script.interesting_string_types is not two.script.interesting_string_types
    assert one.script.interesting_string_types == two.script.interesting_string_types


@pytest.mark.parametrize(
    "options",
    [
        {"multi_valued_attributes": None},
        {"parse_only": SoupStrainer("p")},
        {"element_classes": {Tag: Tag}},
    ],
    ids=["multi_valued_attributes", "parse_only", "element_classes"],
)
def test_the_lean_builder_refuses_options_it_was_not_written_for(
    options: dict[str, object],
) -> None:
    with pytest.raises(ValueError, match="default"):
        BeautifulSoup("<p class='a b'>x</p><b>y</b>", builder=LeanBuilder, **options)


def test_make_soup_uses_the_lean_builder_only_when_it_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = "<p>one</p>"
    assert lean_works()
    assert isinstance(make_soup(html).builder, LeanBuilder)

    def broken(self: LeanBuilder, tag: object, attrib: object, nsmap: object = None) -> None:
        raise RuntimeError("a bs4 this module was not written for")

    monkeypatch.setattr(LeanBuilder, "start", broken)
    lean_works.cache_clear()
    try:
        assert not lean_works()
        tree = make_soup(html)
        assert not isinstance(tree.builder, LeanBuilder)
        assert same_tree(stock(html), tree) is None
    finally:
        lean_works.cache_clear()


def test_a_page_the_lean_builder_fails_on_gets_bs4s_own_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert lean_works()
    original = LeanBuilder.data

    def fails_on_boom(self: LeanBuilder, data: str) -> None:
        if "boom" in data:
            raise RuntimeError("an input the handlers were not written for")
        original(self, data)

    monkeypatch.setattr(LeanBuilder, "data", fails_on_boom)
    html = "<p>before <b>boom</b> after</p>"
    tree = make_soup(html)
    assert not isinstance(tree.builder, LeanBuilder)
    assert same_tree(stock(html), tree) is None
    assert isinstance(make_soup("<p>calm</p>").builder, LeanBuilder)
