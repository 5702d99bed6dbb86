"""Property tests (hypothesis): random HTML, as generated element trees and as raw byte
soup, never makes the parser or any rule raise, and scores stay in 0..100 (or None);
random sitemaps raise nothing but `SitemapError`. The CI budget is small (60 examples
per property); `benchmarks/fuzz_parse.py` runs the same path for minutes."""

from __future__ import annotations

import gzip
import html
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postaudit.config import Config
from postaudit.gather.decode import decode_html
from postaudit.gather.sitemap_xml import SitemapError, SitemapLimits, parse_sitemap
from postaudit.judge.engine import audit_page
from postaudit.model import Hop, LinkState, LinkStatus, PageResult
from postaudit.parse.build import parse_page
from postaudit.parse.page import Page
from postaudit.report.json import render_json
from postaudit.run.runner import build_report
from postaudit.urls import link_key

BUDGET = settings(
    # CI: 60 per property; POSTAUDIT_PROPERTY_EXAMPLES=5000 for a long local run
    max_examples=int(os.environ.get("POSTAUDIT_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
URL = "https://example.com/blog/therapy-for-women-in-houston"

TAGS = [
    "html",
    "head",
    "body",
    "title",
    "meta",
    "link",
    "base",
    "script",
    "style",
    "noscript",
    "template",
    "main",
    "article",
    "section",
    "aside",
    "nav",
    "header",
    "footer",
    "div",
    "span",
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "picture",
    "source",
    "figure",
    "figcaption",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "code",
    "strong",
    "b",
    "em",
    "i",
    "svg",
    "iframe",
    "input",
    "area",
    "map",
    "button",
    "label",
    "form",
]
ATTRS = [
    "href",
    "src",
    "alt",
    "title",
    "lang",
    "rel",
    "role",
    "aria-label",
    "aria-hidden",
    "aria-labelledby",
    "id",
    "class",
    "name",
    "content",
    "property",
    "charset",
    "srcset",
    "data-src",
    "hidden",
    "style",
    "tabindex",
    "target",
    "type",
    "data-postaudit-ignore",
    "width",
    "height",
    "dir",
]
WORDS = st.sampled_from(
    [
        "therapy",
        "women",
        "Houston",
        "Dallas",
        "counselling",
        "tears",
        "session",
        "the",
        "a",
        "of",
        "and",
        "click",
        "here",
        "read",
        "more",
        "next",
        "previous",
        "older",
        "newer",
        "«",
        "»",
        "image",
        "of",
        "IMG_1234.jpg",
        "noindex",
        "width=device-width",
        "canonical",
        "en",
        "zh-CN",
        "ar",
        "x",
        "../up",
        "/about",
        "https://example.com/blog/",
        "#top",
        "javascript:void(0)",
        "mailto:a@b.c",
        "http://[::1",
        "%zz",
        "😢",
        "مرحبا",
        "心理",
        "\x00",
        "�",
        "\u202e",
    ]
)
TEXT = st.one_of(
    st.lists(WORDS, max_size=12).map(" ".join),
    st.text(max_size=40),
)


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.dictionaries(st.sampled_from(ATTRS), TEXT, max_size=4))
    rendered = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    if depth >= 4:
        children: list[str] = []
    else:
        children = draw(
            st.lists(
                st.one_of(TEXT.map(html.escape), element(depth + 1)),  # type: ignore[call-arg]
                max_size=5,
            )
        )
    closed = draw(st.booleans())  # unclosed tags too: the parser repairs them
    return f"<{tag}{rendered}>" + "".join(children) + (f"</{tag}>" if closed else "")


@st.composite
def document(draw: st.DrawFn) -> str:
    lang = draw(st.sampled_from(["en", "de", "zh-CN", "ar", "", "xx-invalid"]))
    body = "".join(draw(st.lists(element(), min_size=1, max_size=6)))
    doctype = draw(st.sampled_from(["<!doctype html>", ""]))
    return f'{doctype}<html lang="{lang}"><head><title>{draw(TEXT)}</title></head>{body}</html>'


def link_statuses(draw: st.DrawFn, page: Page) -> dict[str, LinkStatus]:
    """A random answer for every link the page has (the L rules read these)."""
    out: dict[str, LinkStatus] = {}
    urls = [link.url for link in page.links] + [p.url for p in page.pagination.links]
    for url in urls:
        if not url:
            continue
        state = draw(st.sampled_from(list(LinkState)))
        status = draw(st.sampled_from([None, 200, 301, 403, 404, 429, 503, 999]))
        chain = tuple(
            Hop(301, url, draw(st.sampled_from([url, URL, "https://example.com/moved"])))
            for _ in range(draw(st.integers(0, 2)))
        )
        out[link_key(url)] = LinkStatus(
            url=url,
            state=state,
            status=status,
            final_url=chain[-1].location if chain else url,
            chain=chain,
            error=None if state is LinkState.OK else "http_status",
            message=draw(TEXT),
            title=draw(st.none() | TEXT),
            headings=tuple(draw(st.lists(TEXT, max_size=2))),
            read_body=draw(st.booleans()),
        )
    return out


CONFIGS = [
    Config(),
    Config(keywords=("therapy for women", "counselling|therapy"), locations=("Houston", "Dallas")),
    Config(keywords=('"women"',), lang="zh-CN"),
]


def check(result: PageResult) -> None:
    assert result.score is None or 0 <= result.score <= 100, result.score
    for category, score in result.categories.items():
        assert score is None or 0 <= score <= 100, (category, score)
    for f in result.findings:
        assert f.message and "\n" not in f.message, f
    json.loads(render_json(build_report([result])))


def audit(text: str, config: Config, statuses: Any = None) -> PageResult:
    page = parse_page(text, URL, status=200, encoding="utf-8")
    if statuses is not None:
        from dataclasses import replace

        page = replace(page, link_status=statuses(page))
    return audit_page(page, config.ruleset(), context=config.context())


@BUDGET
@given(doc=document(), config=st.sampled_from(CONFIGS), data=st.data())
def test_random_element_trees_never_crash_the_engine(
    doc: str, config: Config, data: st.DataObject
) -> None:
    check(audit(doc, config, lambda page: link_statuses(data.draw, page)))


@BUDGET
@given(
    soup=st.binary(max_size=3000),
    content_type=st.sampled_from(
        [
            None,
            "text/html; charset=utf-8",
            "text/html; charset=shift_jis",
            "text/html; charset=utf-16",
        ]
    ),
)
def test_byte_soup_never_crashes_the_engine(soup: bytes, content_type: str | None) -> None:
    text, _, _ = decode_html(soup, content_type)
    check(audit(text, CONFIGS[1]))


@BUDGET
@given(
    prefix=st.sampled_from([b"", b"<!doctype html><html><body><article>", b"\xef\xbb\xbf"]),
    soup=st.binary(max_size=2000),
)
def test_html_prefixed_byte_soup_never_crashes_the_engine(prefix: bytes, soup: bytes) -> None:
    text, _, _ = decode_html(prefix + soup)
    check(audit(text, CONFIGS[0]))


# --------------------------------------------------------------------------- sitemaps

LIMITS = SitemapLimits(max_bytes=200_000, max_urls=50, max_elements=2_000)
LOCS = st.one_of(
    st.sampled_from(
        [
            "https://example.com/a",
            "/relative",
            "javascript:alert(1)",
            "ftp://example.com/x",
            "https://例え.jp/パス",
            "http://[::1",
            "",
            "https://example.com/a#frag",
            "&amp;",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def sitemap_xml(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "rss", "html", "foo:urlset", "x"]))
    item = draw(st.sampled_from(["url", "sitemap", "item", "loc"]))
    ns = draw(
        st.sampled_from(
            ['xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', "", 'xmlns:foo="urn:x"']
        )
    )
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        loc = html.escape(draw(LOCS)) if draw(st.booleans()) else draw(LOCS)
        lastmod = draw(
            st.sampled_from(
                ["", "2024-05-01", "2024-13-99", "yesterday", "2024-05-01T10:00:00+25:00"]
            )
        )
        entries.append(f"<{item}><loc>{loc}</loc><lastmod>{lastmod}</lastmod></{item}>")
    decl = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<?xml version="1.0" encoding="latin-1"?>',
                '<?xml version="1.0" encoding="bogus"?>',
                '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
                '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
            ]
        )
    )
    text = f"{decl}<{root} {ns}>{''.join(entries)}</{root}>"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]  # truncated
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        data = gzip.compress(data)
    return data


def sitemap_never_raises_but_sitemap_error(data: bytes) -> None:
    try:
        parsed = parse_sitemap(data, base_url="https://example.com/", limits=LIMITS)
    except SitemapError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for entry in (*parsed.entries, *parsed.children):
        assert entry.url.startswith(("http://", "https://")), entry
    assert len(parsed.entries) <= LIMITS.max_urls


@BUDGET
@given(data=sitemap_xml())
def test_random_sitemaps_raise_only_sitemap_error(data: bytes) -> None:
    sitemap_never_raises_but_sitemap_error(data)


@BUDGET
@given(
    prefix=st.sampled_from([b"", b"<urlset>", b"\x1f\x8b\x08\x00", b"\xff\xfe", b"https://"]),
    soup=st.binary(max_size=2000),
)
def test_sitemap_byte_soup_raises_only_sitemap_error(prefix: bytes, soup: bytes) -> None:
    sitemap_never_raises_but_sitemap_error(prefix + soup)


def test_an_unknown_xml_encoding_is_a_sitemap_error() -> None:
    """Found by the property above: expat's LookupError escaped parse_sitemap."""
    data = b'<?xml version="1.0" encoding="bogus"?><urlset></urlset>'
    try:
        parse_sitemap(data, limits=LIMITS)
    except SitemapError as exc:
        assert str(exc) == "not readable XML: unknown encoding: bogus"
    else:  # pragma: no cover
        raise AssertionError("no SitemapError")
