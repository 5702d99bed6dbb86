"""M612 snippet-escaped-twice and M613 snippet-markup: the texts a search result or a
social card shows, as the parse layer decoded them once."""

from __future__ import annotations

import pytest

from conftest import hits
from postaudit.parse.build import parse_page
from postaudit.rules.metadata import escaped_twice, markup_in


def page(title: str = "A plain title", **meta: str) -> str:
    tags = "".join(
        f'<meta {"property" if k.startswith("og") else "name"}="{k.replace("_", ":")}" '
        f'content="{v}">'
        for k, v in meta.items()
    )
    return f'<html lang="en"><head><title>{title}</title>{tags}</head><body></body></html>'


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("&amp;ldquo;Hi&amp;rdquo;", ["&ldquo;", "&rdquo;"]),
        ("Don&amp;#8217;t", ["&#8217;"]),
        ("Don&amp;#x2019;t", ["&#x2019;"]),
        ("&amp;lt;p&amp;gt;Hi", ["&lt;", "&gt;"]),
        ("&amp;amp;", ["&amp;"]),
        ("&amp;nbsp;&amp;nbsp;", ["&nbsp;"]),  # reported once
        ("&ldquo;Hi&rdquo;", []),  # escaped once: decoded to quotes
        ("AT&amp;T; bills", []),  # "&T;" is no entity
        ("R&amp;D &amp; Q&amp;A", []),
        ("&amp;notanentity;", []),
        ("50% &amp; rising", []),
    ],
)
def test_escaped_twice_after_one_decode(source: str, found: list[str]) -> None:
    html = page(description=source)
    text = parse_page(html, "https://example.com/p").meta["description"][0]
    assert escaped_twice(text) == found


def test_each_snippet_text_is_judged_where_it_is() -> None:
    html = page(
        "Don&amp;#8217;t panic",
        description="ok",
        og_title="fine",
        og_description="&amp;hellip; more",
        twitter_title="&amp;mdash;",
        twitter_description="&amp;quot;x&amp;quot;",
    )
    found = hits("M612", html)
    assert [h.message for h in found] == [
        'the title shows "&#8217;" literally: its text was escaped twice',
        'the og:description shows "&hellip;" literally: its text was escaped twice',
        'the twitter:title shows "&mdash;" literally: its text was escaped twice',
        'the twitter:description shows "&quot;" literally: its text was escaped twice',
    ]
    assert [h.location.excerpt[:6] for h in found] == ["<title", "<meta ", "<meta ", "<meta "]
    assert 'property="og:description"' in found[1].location.excerpt


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<p>Five habits for calmer mornings</p>", "HTML"),
        ("<p>Five habits for calmer mornings, cut off", "HTML"),
        ('Read <a href="/x">more</a>', "HTML"),
        ('Photo <img src="a.jpg" alt="">', "HTML"),
        ("Line one<br />line two", "HTML"),
        ("Calm <strong>mornings</strong>", "HTML"),
        ("{{ page.excerpt }}", "template code"),
        ("{{.Summary}}", "template code"),
        ("{%- if page.description -%}", "template code"),
        ("%%title%% %%sep%% %%sitename%%", "template code"),
        ("<?php the_excerpt(); ?>", "template code"),
        ("See [the guide](https://example.com/guide)", "Markdown"),
        ("A **bold** claim", "Markdown"),
        ("![chart](/img/chart.png) of sleep", "Markdown"),
        ("0≤n≤2000\\le n\\le 2000≤n", "TeX"),
        ("\\frac{200\\times 200}{2}", "TeX"),
    ],
)
def test_markup_leftovers(text: str, kind: str) -> None:
    found = markup_in(text)
    assert found is not None and found[0] == kind


@pytest.mark.parametrize(
    "text",
    [
        "How to center a <div>",
        "<div> vs <section>: which one?",
        "Why <p> cannot hold a <div>",
        "Use *args and **kwargs in Python",
        "Generics: List<String> and Map<K, V>",
        "if a < b and b > c",
        "Curly braces {like these} and {{ nothing",
        "50% off, 100% true",
        "[Updated] The guide (2024)",
        "C# and F# for beginners",
        "__init__ and __main__ explained",
        "I <3 Python",
        "Files in C:\\Users\\lena\\endnotes and D:\\letters",  # no TeX command
        "Escape it as \\n or \\t",
    ],
)
def test_prose_that_names_markup_passes(text: str) -> None:
    assert markup_in(text) is None


def test_markup_finding_quotes_the_code() -> None:
    found = hits("M613", page(description="{{ page.excerpt | strip_html | truncate: 160 }}"))
    assert [h.message for h in found] == [
        'the meta description holds template code "{{ page.excerpt | strip_html | truncate: 160 }}"'
    ]


def test_title_with_tags_is_rcdata_text() -> None:
    # <title> is raw text: a tag inside it is shown as typed, so it is judged too
    found = hits("M613", page("<strong>Calm</strong> mornings"))
    assert len(found) == 1 and found[0].location.excerpt.startswith("<title>")


def test_no_texts_not_applicable() -> None:
    html = '<html lang="en"><head></head><body></body></html>'
    assert hits("M612", html) == [] and hits("M613", html) == []


def test_one_text_in_several_places_is_reported_once() -> None:
    text = "0≤n≤2000\\le n\\le 2000"
    found = hits("M613", page(description=text, og_description=text, twitter_description=text))
    assert [h.message for h in found] == [
        'the meta description, og:description and twitter:description hold TeX "\\le"'
    ]
    assert 'name="description"' in found[0].location.excerpt
    twice = hits("M612", page(description="&amp;hellip;", og_description="&amp;hellip;"))
    assert [h.message for h in twice] == [
        'the meta description and og:description show "&hellip;" literally: '
        "their text was escaped twice"
    ]
