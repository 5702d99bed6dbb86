"""Sitemap intake: pure parsing (real corpus sitemaps, hostile input) and `collect`
against a real local server (pytest-httpserver on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer

from paths import CORPUS
from postaudit.gather.fetch import Fetcher, FetchOptions
from postaudit.gather.sitemap import collect, is_site_root
from postaudit.gather.sitemap_select import (
    SitemapOptions,
    SitemapResult,
    describe_skip,
    non_html_extension,
    parse_rewrite,
    parse_shard,
    parse_since,
    shard_of,
)
from postaudit.gather.sitemap_xml import (
    ParsedSitemap,
    SitemapError,
    SitemapLimits,
    normalise_url,
    parse_lastmod,
    parse_sitemap,
)

LIMITS = SitemapLimits()
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def parse(
    data: bytes | str, *, limits: SitemapLimits = LIMITS, base_url: str | None = None
) -> ParsedSitemap:
    raw = data.encode() if isinstance(data, str) else data
    return parse_sitemap(raw, base_url=base_url, limits=limits)


def urlset(*locs: str, lastmod: str | None = None) -> str:
    extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    items = "".join(f"<url><loc>{loc}</loc>{extra}</url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{items}</urlset>'


def index(*locs: str) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{items}</sitemapindex>'


def urls(parsed: ParsedSitemap) -> list[str]:
    return [e.url for e in parsed.entries]


# --------------------------------------------------------------------------- real corpus


@pytest.mark.parametrize(
    ("name", "kind", "count", "with_lastmod"),
    [
        ("jekyll-minimalmistakes_bruce30262_sitemap.xml", "urlset", 68, 53),
        ("hugo-even_ouuan_sitemap.xml", "urlset", 211, 210),
        ("hugo_0xnf_sitemap.xml", "urlset", 141, 141),
        ("hugo-multilingual_0xkatze_sitemapindex.xml", "sitemapindex", 3, 1),
        ("hugo-multilingual_0xkatze_en-sitemap.xml", "urlset", 10, 10),
        ("ghost5_pwningtech_sitemap-index.xml", "sitemapindex", 4, 4),
        ("ghost5_pwningtech_sitemap-posts.xml", "urlset", 10, 10),
        ("quarto_0xdeadd_sitemap.xml", "urlset", 4, 4),
    ],
)
def test_corpus_sitemaps(name: str, kind: str, count: int, with_lastmod: int) -> None:
    path = CORPUS / name
    parsed = parse_sitemap(path.read_bytes(), limits=LIMITS, source=str(path))
    items = parsed.entries if kind != "sitemapindex" else parsed.children
    assert parsed.kind == kind
    assert len(items) == count
    assert sum(e.lastmod is not None for e in items) == with_lastmod
    assert all(e.lastmod is None or e.lastmod.tzinfo is not None for e in items)
    assert all(e.source == str(path) for e in items)
    assert parsed.invalid == 0 and parsed.notes == ()


def test_corpus_details() -> None:
    jekyll = parse((CORPUS / "jekyll-minimalmistakes_bruce30262_sitemap.xml").read_bytes())
    assert {urls(jekyll)[0].split("/")[2]} == {"0.0.0.0:4000"}
    assert all(u.startswith("http://0.0.0.0:4000/") for u in urls(jekyll))

    hugo = (CORPUS / "hugo-even_ouuan_sitemap.xml").read_bytes()
    assert hugo.startswith(b"<?xml-stylesheet") and hugo.count(b"\n") <= 1
    parsed = parse(hugo)
    assert urls(parsed)[0] == "https://ouuan.github.io/post/from-hexo-to-hugo/"
    assert "%E4%B8%80" in urls(parsed)[1]  # percent-encoded CJK slug kept as written

    child = parse((CORPUS / "hugo-multilingual_0xkatze_en-sitemap.xml").read_bytes())
    assert b"&#43;08:00" in (CORPUS / "hugo-multilingual_0xkatze_en-sitemap.xml").read_bytes()
    plus8 = timezone(timedelta(hours=8))
    assert child.entries[0].lastmod == datetime(2023, 9, 14, 16, 5, 57, tzinfo=plus8)
    assert not any("zh-cn" in u for u in urls(child))  # xhtml:link alternates are not entries

    ghost = parse((CORPUS / "ghost5_pwningtech_sitemap-index.xml").read_bytes())
    assert [c.url for c in ghost.children] == [
        f"https://pwning.tech/sitemap-{part}.xml" for part in ("pages", "posts", "authors", "tags")
    ]
    quarto = parse((CORPUS / "quarto_0xdeadd_sitemap.xml").read_bytes())
    assert quarto.entries[0].lastmod == datetime(2023, 12, 28, 3, 53, 26, 669000, tzinfo=UTC)


# --------------------------------------------------------------------------- formats


def test_lastmod_formats() -> None:
    assert parse_lastmod("2020-05-14") == datetime(2020, 5, 14, tzinfo=UTC)
    assert parse_lastmod("2020-05") == datetime(2020, 5, 1, tzinfo=UTC)
    assert parse_lastmod("2020") == datetime(2020, 1, 1, tzinfo=UTC)
    assert parse_lastmod("2024-03-26T13:21:31.804Z") == datetime(
        2024, 3, 26, 13, 21, 31, 804000, tzinfo=UTC
    )
    plus8 = timezone(timedelta(hours=8))
    expected = datetime(2023, 9, 14, 16, 5, 57, tzinfo=plus8)
    assert parse_lastmod("2023-09-14T16:05:57+08:00") == expected
    assert parse_lastmod("2023-09-14T16:05:57&#43;08:00") == expected  # double-escaped
    assert parse_lastmod("2023-09-14T16:05:57 08:00") == expected  # "+" lost to form-decoding
    assert parse_lastmod(" 2024-01-02T03:04 ") == datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    for bad in (
        "",
        "yesterday",
        "2020-13",
        "2020-02-30",
        "14/05/2020",
        "0000",
        "0000-01-01",
        "0001-01-01T00:00:00+05:00",
    ):
        assert parse_lastmod(bad) is None


def test_entities_in_xml_are_decoded() -> None:
    parsed = parse(
        f"<urlset {NS}><url><loc>https://e.com/a?x=1&amp;y=2</loc>"
        "<lastmod>2023-09-14T16:05:57&#43;08:00</lastmod></url></urlset>"
    )
    assert urls(parsed) == ["https://e.com/a?x=1&y=2"]
    assert parsed.entries[0].lastmod is not None
    assert parsed.entries[0].lastmod.utcoffset() == timedelta(hours=8)


def test_no_namespace_bom_whitespace_and_stylesheet() -> None:
    body = (
        b"\xef\xbb\xbf\n\n  <?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/xsl" href="//x/sitemap.xsl"?>\n'
        b"<urlset><url><loc> https://E.com:443/a#frag </loc></url></urlset>\n"
    )
    parsed = parse(body)
    assert parsed.kind == "urlset"
    assert urls(parsed) == ["https://e.com/a"]


def test_other_namespaces_are_not_entries() -> None:
    body = (
        f'<urlset {NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        "<url><loc>https://e.com/post/</loc>"
        "<image:image><image:loc>https://e.com/cover.jpg</image:loc></image:image></url>"
        "<url><image:loc>https://e.com/only-image.jpg</image:loc></url>"
        "</urlset>"
    )
    parsed = parse(body)
    assert urls(parsed) == ["https://e.com/post/"]
    assert parsed.notes == ("1 <url> entry ignored: no <loc>",)


def test_old_google_namespace() -> None:
    body = (
        '<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">'
        "<url><loc>https://e.com/old/</loc></url></urlset>"
    )
    assert urls(parse(body)) == ["https://e.com/old/"]


def test_relative_and_invalid_locs() -> None:
    body = urlset("/relative/", "mailto:me@e.com", "https://e.com/ok/")
    with_base = parse(body, base_url="https://e.com/sitemap.xml")
    assert urls(with_base) == ["https://e.com/relative/", "https://e.com/ok/"]
    assert with_base.invalid == 1
    without = parse(body)
    assert urls(without) == ["https://e.com/ok/"]
    assert without.invalid == 2
    assert "2 <url> entries ignored: not an absolute http(s) URL" in without.notes[0]


def test_unreadable_lastmod_is_noted() -> None:
    parsed = parse(urlset("https://e.com/a", lastmod="last tuesday"))
    assert parsed.entries[0].lastmod is None
    assert parsed.notes == (
        "1 unreadable <lastmod> value treated as missing (e.g. 'last tuesday')",
    )


def test_plain_text_sitemap() -> None:
    body = (
        "https://e.com/one\r\n\r\n  https://e.com/two  \n# a comment\nnot a url\n"
        "https://e.com/three"
    )
    parsed = parse(body)
    assert parsed.kind == "text"
    assert urls(parsed) == ["https://e.com/one", "https://e.com/two", "https://e.com/three"]
    assert parsed.invalid == 1
    assert parsed.notes == ("1 line ignored: not an absolute http(s) URL (e.g. 'not a url')",)


def test_gzip_detected_by_magic_bytes_not_name() -> None:
    body = gzip.compress(urlset("https://e.com/a", "https://e.com/b").encode())
    assert urls(parse(body)) == ["https://e.com/a", "https://e.com/b"]
    text = gzip.compress(b"https://e.com/t\n")
    assert urls(parse(text)) == ["https://e.com/t"]
    members = gzip.compress(b"https://e.com/1\n") + gzip.compress(b"https://e.com/2\n")
    assert urls(parse(members)) == ["https://e.com/1", "https://e.com/2"]


def test_utf16_sitemap() -> None:
    body = urlset("https://e.com/é").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert urls(parse(body.encode("utf-16"))) == ["https://e.com/é"]


def test_per_file_entry_cap_truncates_with_a_note() -> None:
    limits = SitemapLimits(max_urls=5)
    xml = parse(urlset(*(f"https://e.com/{i}" for i in range(8))), limits=limits)
    assert len(xml.entries) == 5
    assert xml.notes == ("more than 5 entries; only the first 5 were read",)
    text = parse("\n".join(f"https://e.com/{i}" for i in range(8)), limits=limits)
    assert len(text.entries) == 5 and "more than 5 entries" in text.notes[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the sitemap is empty"),
        (b"  \n\t ", "the sitemap is empty"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "an HTML page, not a sitemap"),
        (b"<html><body>soft 404</body></html>", "an HTML page, not a sitemap"),
        (b"<?xml version='1.0'?><HTML><body/></HTML>", "an HTML page, not a sitemap"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "an RSS/Atom feed"),
        (b"<?xml version='1.0'?><catalog/>", "the root element is <catalog>"),
        (f"<urlset {NS}><url><loc>x</url></urlset>".encode(), "not well-formed XML: mismatched"),
        (f"<urlset {NS}><url><loc>https://e.com/".encode(), "not well-formed XML"),
        (b"%PDF-1.7\x00\x01\x02binary", "binary data"),
        (b'{"urls": ["https://e.com/"]}', "none of its 1 lines is an absolute http(s) URL"),
        (b"\x1f\x8bnot really gzip", "corrupt gzip data"),
        (gzip.compress(b"https://e.com/a\n" * 100)[:-30], "gzip data is truncated"),
    ],
)
def test_unusable_bodies_are_refused_with_one_line(body: bytes, message: str) -> None:
    with pytest.raises(SitemapError) as info:
        parse(body)
    text = str(info.value)
    assert message in text
    assert "\n" not in text


# --------------------------------------------------------------------------- hostile input

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://e.com/&lol9;</loc></url>
</urlset>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://e.com/&xxe;</loc></url>
</urlset>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>
"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY, gzip.compress(XXE)])
def test_dtds_and_entities_are_refused_before_expansion(body: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(SitemapError) as info:
        parse(body)
    assert time.perf_counter() - started < 1.0
    message = str(info.value)
    assert message.startswith("refused: the XML declares a DTD")
    assert "root:" not in message


def _bomb(prefix: bytes, filler: bytes, gigabytes: float = 1.0, suffix: bytes = b"") -> bytes:
    """~1 GB once inflated, ~1 MB on the wire: one 1 MiB gzip member repeated (gunzip reads
    concatenated members as one stream). Built in milliseconds."""
    member = gzip.compress(filler * ((1 << 20) // len(filler)), 9)
    return gzip.compress(prefix) + member * int(1024 * gigabytes) + gzip.compress(suffix)


@pytest.mark.parametrize(
    ("prefix", "filler"),
    [
        (b'<?xml version="1.0"?><urlset>', b" "),  # XML whitespace
        (b"<urlset>", b"<x/>"),  # a flood of elements
        (b"", b"\n"),  # blank lines of a text sitemap
        (b"", b"x"),  # one endless text line
    ],
    ids=["xml-space", "xml-elements", "text-newlines", "text-line"],
)
def test_gzip_bomb_is_refused_quickly_with_flat_memory(prefix: bytes, filler: bytes) -> None:
    bomb = _bomb(prefix, filler)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: ParsedSitemap | SitemapError
        try:
            result = parse(bomb)
        except SitemapError as exc:
            result = exc
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if isinstance(result, SitemapError):
        assert "inflates to more than 50 MB" in str(result)
        assert "refused" in str(result)
    else:  # a flood of elements hits the per-file entry cap first: cut, not expanded
        assert result.entries == () and "more than 50,000 entries" in result.notes[0]
    assert elapsed < 5.0
    assert peak < 32 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_single_stream_gzip_bomb_is_refused() -> None:
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [deflate.compress(b"<urlset>")]
    parts += [deflate.compress(chunk) for _ in range(80)]
    parts.append(deflate.flush())
    with pytest.raises(SitemapError, match="inflates to more than 50 MB"):
        parse(b"".join(parts))


def test_uncompressed_oversize_is_refused() -> None:
    body = urlset(*(f"https://e.com/{i}" for i in range(100)))
    with pytest.raises(
        SitemapError, match=r"^sitemap is 3,\d{3} bytes, over the 1,000 bytes limit$"
    ):
        parse(body, limits=SitemapLimits(max_bytes=1000))


# --------------------------------------------------------------------------- helpers


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://Example.COM") == "https://example.com/"
    assert normalise_url("http://e.com:80/a?b=1#c") == "http://e.com/a?b=1"
    assert normalise_url("https://e.com:8443/a") == "https://e.com:8443/a"
    assert normalise_url("https://e.com/%7Ea/") == "https://e.com/%7Ea/"
    assert normalise_url("/a", "https://e.com/x/sitemap.xml") == "https://e.com/a"
    for bad in ("ftp://e.com/", "/relative", "http://", "http://[::1", "http://e.com:x/"):
        assert normalise_url(bad) is None


def test_non_html_extension() -> None:
    assert non_html_extension("https://e.com/files/Report.PDF") == "pdf"
    assert non_html_extension("https://e.com/img/cat.jpg?w=200") == "jpg"
    assert non_html_extension("https://e.com/sitemap-posts.xml") == "xml"
    for page in (
        "https://e.com/",
        "https://e.com/post",
        "https://e.com/a.html",
        "https://e.com/x.php",
    ):
        assert non_html_extension(page) is None
    assert non_html_extension("https://e.com/v1.2/") is None  # a folder, not a file


def test_cli_value_parsers() -> None:
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "1/0", "a/b", "2"):
        with pytest.raises(ValueError, match="K/N"):
            parse_shard(bad)
    assert parse_rewrite("https://e.com/=http://127.0.0.1:4000/") == (
        "https://e.com/",
        "http://127.0.0.1:4000/",
    )
    for bad in ("https://e.com/", "=http://x/", "e.com=staging.e.com"):
        with pytest.raises(ValueError, match="rewrite"):
            parse_rewrite(bad)
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="since"):
        parse_since("last week")


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="invalid regular expression '\\('"):
        SitemapOptions(include=["("])
    with pytest.raises(ValueError, match="shard"):
        SitemapOptions(shard=(3, 2))
    with pytest.raises(ValueError, match="limit"):
        SitemapOptions(limit=0)
    options = SitemapOptions(since=datetime(2024, 1, 1), rewrite=[("https://a/", "https://b/")])
    assert options.since == datetime(2024, 1, 1, tzinfo=UTC)
    assert options.rewrite == (("https://a/", "https://b/"),)


def test_is_site_root() -> None:
    assert is_site_root("https://e.com/") and is_site_root("https://e.com/blog/")
    assert not is_site_root("https://e.com/sitemap.xml")


def test_shards_are_stable_disjoint_and_complete() -> None:
    all_urls = [f"https://e.com/post-{i}/" for i in range(1000)]
    for n in (1, 2, 3, 7):
        shards = [[u for u in all_urls if shard_of(u, n) == k] for k in range(1, n + 1)]
        assert sorted(u for shard in shards for u in shard) == sorted(all_urls)
        assert sum(len(s) for s in shards) == len(all_urls)
        assert all(len(s) > len(all_urls) / n / 2 for s in shards)  # roughly even
    assert shard_of("https://e.com/post-1/", 4) == shard_of("https://e.com/post-1/", 4)


# --------------------------------------------------------------------------- collect


Serve = Callable[..., None]


@pytest.fixture
def site(httpserver: HTTPServer) -> Serve:
    """serve(path, body, content_type=..., status=..., gzip_encoding=False)."""
    httpserver.no_handler_status_code = 404

    def serve(
        path: str,
        body: str | bytes,
        *,
        content_type: str = "application/xml",
        status: int = 200,
        gzip_encoding: bool = False,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        headers = {}
        if gzip_encoding:
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        httpserver.expect_request(path).respond_with_data(
            data, status=status, content_type=content_type, headers=headers
        )

    return serve


def run_collect(
    source: str,
    options: SitemapOptions | None = None,
) -> SitemapResult:
    async def run() -> SitemapResult:
        async with Fetcher(FetchOptions(timeout=5)) as fetcher:
            return await collect(source, fetcher, options)

    return asyncio.run(run())


def requested(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def build_site(httpserver: HTTPServer, serve: Serve) -> str:
    """A small site: robots.txt -> index (gz child, Content-Encoding child, 404, bad XML,
    nested index) + a plain-text sitemap."""
    u = httpserver.url_for
    serve(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\nSitemap: {u('/sitemap_index.xml')}\n"
        f"Sitemap: {u('/sitemap.txt')}\n",
        content_type="text/plain",
    )
    serve(
        "/sitemap_index.xml",
        index(
            u("/posts.xml.gz"),
            u("/pages.xml"),
            u("/missing.xml"),
            u("/broken.xml"),
            u("/nested-index.xml"),
        ),
    )
    serve(
        "/posts.xml.gz",
        gzip.compress(
            (
                f"<urlset {NS}>"
                f"<url><loc>{u('/post-1/')}</loc><lastmod>2024-01-10</lastmod></url>"
                f"<url><loc>{u('/post-2/')}</loc><lastmod>2024-03-01T10:00:00+08:00</lastmod></url>"
                f"<url><loc>{u('/post-3/')}</loc></url>"
                f"<url><loc>{u('/files/guide.pdf')}</loc></url>"
                "</urlset>"
            ).encode()
        ),
        content_type="application/gzip",
    )
    serve(
        "/pages.xml",
        urlset(u("/about/"), u("/post-1/#comments"), u("/search/?q=a"), u("/img/logo.png")),
        gzip_encoding=True,
    )
    serve("/broken.xml", f"<urlset {NS}><url><loc>{u('/lost/')}</url>")
    serve("/nested-index.xml", index(u("/deep.xml")))
    serve("/deep.xml", urlset(u("/deep-post/")))
    serve("/sitemap.txt", f"{u('/from-text/')}\n{u('/about/')}\n", content_type="text/plain")
    return u("/")


def test_collect_site_root_end_to_end(httpserver: HTTPServer, site: Serve) -> None:
    root = build_site(httpserver, site)
    result = run_collect(root)
    u = httpserver.url_for
    assert [e.url for e in result.entries] == sorted(
        [
            u("/about/"),
            u("/deep-post/"),
            u("/from-text/"),
            u("/post-1/"),
            u("/post-2/"),
            u("/post-3/"),
            u("/search/?q=a"),
        ]
    )
    assert result.sitemaps_read == (
        u("/sitemap_index.xml"),
        u("/sitemap.txt"),
        u("/posts.xml.gz"),
        u("/pages.xml"),
        u("/nested-index.xml"),
        u("/deep.xml"),
    )
    assert dict(result.skipped) == {"duplicate": 2, "non-html:pdf": 1, "non-html:png": 1}
    assert result.found == 11
    assert [p.url for p in result.problems] == [u("/missing.xml"), u("/broken.xml")]
    assert result.problems[0].message == "HTTP 404 Not Found"
    assert result.problems[1].message.startswith("not well-formed XML: mismatched tag: line 1")
    by_url = {e.url: e for e in result.entries}
    assert by_url[u("/post-1/")].lastmod == datetime(2024, 1, 10, tzinfo=UTC)
    assert by_url[u("/post-1/")].source == u("/posts.xml.gz")
    assert by_url[u("/about/")].source == u("/sitemap.txt")  # first listed wins
    # robots listed sitemaps: no probing of /sitemap.xml
    assert "/sitemap.xml" not in requested(httpserver)
    assert requested(httpserver).count("/robots.txt") == 1
    summary = result.summary()
    assert summary.startswith("11 URLs in 6 sitemaps, 7 to audit; skipped 2 listed more than once")
    assert "1 not HTML (.pdf)" in summary and summary.endswith("; 2 problems")


def test_sitemap_url_source_skips_robots(httpserver: HTTPServer, site: Serve) -> None:
    site("/sitemap.xml", urlset(httpserver.url_for("/a/")))
    result = run_collect(httpserver.url_for("/sitemap.xml"))
    assert [e.url for e in result.entries] == [httpserver.url_for("/a/")]
    assert requested(httpserver) == ["/sitemap.xml"]


def test_discovery_falls_back_to_sitemap_xml_then_index(
    httpserver: HTTPServer, site: Serve
) -> None:
    site("/sitemap_index.xml", index(httpserver.url_for("/s1.xml")))
    site("/s1.xml", urlset(httpserver.url_for("/a/")))
    result = run_collect(httpserver.url_for("/"))
    assert [e.url for e in result.entries] == [httpserver.url_for("/a/")]
    assert requested(httpserver) == ["/robots.txt", "/sitemap.xml", "/sitemap_index.xml", "/s1.xml"]
    assert result.problems == ()  # the 404s of the probes are not problems


def test_robots_sitemaps_that_fail_fall_back_and_are_reported(
    httpserver: HTTPServer, site: Serve
) -> None:
    site("/robots.txt", f"Sitemap: {httpserver.url_for('/gone.xml')}\n", content_type="text/plain")
    site("/sitemap.xml", urlset(httpserver.url_for("/a/")))
    result = run_collect(httpserver.url_for("/"))
    assert [e.url for e in result.entries] == [httpserver.url_for("/a/")]
    assert [(p.url, p.message) for p in result.problems] == [
        (httpserver.url_for("/gone.xml"), "HTTP 404 Not Found")
    ]


def test_robots_server_error_is_a_problem_not_a_failure(
    httpserver: HTTPServer, site: Serve
) -> None:
    site("/robots.txt", "oops", status=500, content_type="text/plain")
    site("/sitemap.xml", urlset(httpserver.url_for("/a/")))
    result = run_collect(httpserver.url_for("/"))
    assert len(result.entries) == 1
    assert result.problems[0].url == httpserver.url_for("/robots.txt")
    assert "HTTP 500" in result.problems[0].message


def test_nothing_found_is_one_error(httpserver: HTTPServer, site: Serve) -> None:
    with pytest.raises(SitemapError) as info:
        run_collect(httpserver.url_for("/"))
    assert str(info.value) == (
        f"no sitemap found for {httpserver.url_for('/')} (robots.txt lists none; "
        "/sitemap.xml: HTTP 404 Not Found; /sitemap_index.xml: HTTP 404 Not Found)"
    )


def test_explicit_sitemap_that_fails_is_one_error(httpserver: HTTPServer, site: Serve) -> None:
    site("/sitemap.xml", "<html><body>hi</body></html>", content_type="text/html")
    with pytest.raises(SitemapError, match=r"cannot read sitemap .*an HTML page, not a sitemap"):
        run_collect(httpserver.url_for("/sitemap.xml"))


def test_index_whose_children_all_fail_is_an_error(httpserver: HTTPServer, site: Serve) -> None:
    site("/sitemap.xml", index(httpserver.url_for("/a.xml"), httpserver.url_for("/b.xml")))
    with pytest.raises(SitemapError) as info:
        run_collect(httpserver.url_for("/sitemap.xml"))
    assert str(info.value) == (
        "no sitemap with page URLs could be read: "
        f"{httpserver.url_for('/a.xml')}: HTTP 404 Not Found (and 1 more problem)"
    )


def test_empty_urlset_is_not_an_error(httpserver: HTTPServer, site: Serve) -> None:
    site("/sitemap.xml", urlset())
    result = run_collect(httpserver.url_for("/sitemap.xml"))
    assert result.entries == () and result.problems == ()


def _chain(httpserver: HTTPServer, serve: Serve, levels: int) -> None:
    """idx0 -> (leaf0, idx1) -> (leaf1, idx2) ... each leafN lists /pN/."""
    u = httpserver.url_for
    for i in range(levels):
        serve(f"/idx{i}.xml", index(u(f"/leaf{i}.xml"), u(f"/idx{i + 1}.xml")))
        serve(f"/leaf{i}.xml", urlset(u(f"/p{i}/")))


def test_nested_index_depth_cap(httpserver: HTTPServer, site: Serve) -> None:
    _chain(httpserver, site, 10)
    options = SitemapOptions(limits=SitemapLimits(max_depth=2))
    result = run_collect(httpserver.url_for("/idx0.xml"), options)
    assert [e.url for e in result.entries] == [
        httpserver.url_for("/p0/"),
        httpserver.url_for("/p1/"),
    ]
    assert [(p.url, p.message) for p in result.problems] == [
        (
            httpserver.url_for("/idx2.xml"),
            "2 child sitemaps not read: indexes nested deeper than 2 levels",
        )
    ]
    default = run_collect(httpserver.url_for("/idx0.xml"))
    assert len(default.entries) == 5  # leaf0..leaf4 at depths 1..5


def test_index_cycle_is_read_once(httpserver: HTTPServer, site: Serve) -> None:
    u = httpserver.url_for
    site("/a.xml", index(u("/b.xml"), u("/a.xml")))
    site("/b.xml", index(u("/a.xml"), u("/leaf.xml")))
    site("/leaf.xml", urlset(u("/x/")))
    result = run_collect(u("/a.xml"))
    assert [e.url for e in result.entries] == [u("/x/")]
    assert result.sitemaps_read == (u("/a.xml"), u("/b.xml"), u("/leaf.xml"))
    assert [(p.url, p.message) for p in result.problems] == [
        (u("/a.xml"), f"lists {u('/a.xml')} again (an index cycle or a repeat); read once"),
        (u("/b.xml"), f"lists {u('/a.xml')} again (an index cycle or a repeat); read once"),
    ]
    assert requested(httpserver).count("/a.xml") == 1


def test_too_many_sitemaps(httpserver: HTTPServer, site: Serve) -> None:
    u = httpserver.url_for
    site("/index.xml", index(*(u(f"/s{i}.xml") for i in range(5))))
    for i in range(5):
        site(f"/s{i}.xml", urlset(u(f"/p{i}/")))
    result = run_collect(u("/index.xml"), SitemapOptions(limits=SitemapLimits(max_sitemaps=3)))
    assert len(result.entries) == 2
    assert result.problems[-1].message == "3 more sitemaps not read: at most 3 are read per run"


def test_gzip_bombs_over_http_become_problems(httpserver: HTTPServer, site: Serve) -> None:
    u = httpserver.url_for
    site("/index.xml", index(u("/bomb.xml.gz"), u("/encoded.xml"), u("/ok.xml")))
    site("/bomb.xml.gz", _bomb(b"<urlset>", b" "), content_type="application/gzip")
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(b"<urlset>")]
    parts += [deflate.compress(b" " * (1 << 20)) for _ in range(80)]
    parts.append(deflate.flush())
    httpserver.expect_request("/encoded.xml").respond_with_data(
        b"".join(parts), content_type="application/xml", headers={"Content-Encoding": "gzip"}
    )
    site("/ok.xml", urlset(u("/fine/")))
    started = time.perf_counter()
    result = run_collect(u("/index.xml"))
    assert time.perf_counter() - started < 10
    assert [e.url for e in result.entries] == [u("/fine/")]
    problems = {p.url: p.message for p in result.problems}
    assert "inflates to more than 50 MB" in problems[u("/bomb.xml.gz")]
    assert problems[u("/encoded.xml")] == "body exceeds 50 MB limit"


def test_local_file_sources(tmp_path: Path, httpserver: HTTPServer, site: Serve) -> None:
    plain = tmp_path / "sitemap.xml"
    plain.write_text(urlset("https://e.com/b/", "https://e.com/a/"))
    assert [e.url for e in run_collect(str(plain)).entries] == [
        "https://e.com/a/",
        "https://e.com/b/",
    ]
    assert run_collect(str(plain)).entries[0].source == str(plain)
    disguised = tmp_path / "sitemap-posts.xml"  # gzip under a plain name
    disguised.write_bytes(gzip.compress(urlset("https://e.com/gz/").encode()))
    assert [e.url for e in run_collect(str(disguised)).entries] == ["https://e.com/gz/"]
    # an index on disk whose children are on a server
    site("/child.xml", urlset(httpserver.url_for("/remote/")))
    local_index = tmp_path / "index.xml"
    local_index.write_text(index(httpserver.url_for("/child.xml")))
    result = run_collect(str(local_index))
    assert [e.url for e in result.entries] == [httpserver.url_for("/remote/")]
    assert result.problems == ()  # no host to compare with for a file SOURCE

    with pytest.raises(SitemapError, match="no such file or URL"):
        run_collect(str(tmp_path / "nope.xml"))
    with pytest.raises(SitemapError, match="is a folder"):
        run_collect(str(tmp_path))
    with pytest.raises(SitemapError, match="http\\(s\\) URL or a local file"):
        run_collect("ftp://e.com/sitemap.xml")
    billion = tmp_path / "lol.xml"
    billion.write_bytes(BILLION_LAUGHS)
    with pytest.raises(SitemapError, match="refused: the XML declares a DTD"):
        run_collect(str(billion))


# --------------------------------------------------------------------------- filters


def _filter_site(httpserver: HTTPServer, serve: Serve) -> str:
    u = httpserver.url_for
    body = (
        f"<urlset {NS}>"
        f"<url><loc>{u('/2023/old-post/')}</loc><lastmod>2023-06-01</lastmod></url>"
        f"<url><loc>{u('/2024/new-post/')}</loc><lastmod>2024-06-01T09:00:00+02:00</lastmod></url>"
        f"<url><loc>{u('/2024/undated/')}</loc></url>"
        f"<url><loc>{u('/tag/python/')}</loc><lastmod>2024-07-01</lastmod></url>"
        f"<url><loc>{u('/2024/new-post/#top')}</loc><lastmod>2024-08-01</lastmod></url>"
        f"<url><loc>{u('/about/')}</loc><lastmod>2022-01-01</lastmod></url>"
        "</urlset>"
    )
    serve("/sitemap.xml", body)
    return u("/sitemap.xml")


def test_include_and_exclude(httpserver: HTTPServer, site: Serve) -> None:
    source = _filter_site(httpserver, site)
    result = run_collect(source, SitemapOptions(include=[r"/20\d\d/"], exclude=["undated"]))
    assert [urlsplit(e.url).path for e in result.entries] == [
        "/2023/old-post/",
        "/2024/new-post/",
    ]
    assert dict(result.skipped) == {"duplicate": 1, "exclude": 1, "include": 2}


def test_duplicates_keep_the_newest_lastmod(httpserver: HTTPServer, site: Serve) -> None:
    source = _filter_site(httpserver, site)
    result = run_collect(source)
    post = next(e for e in result.entries if e.url.endswith("/2024/new-post/"))
    assert post.lastmod == datetime(2024, 8, 1, tzinfo=UTC)


def test_since_keeps_newer_and_undated_entries(httpserver: HTTPServer, site: Serve) -> None:
    source = _filter_site(httpserver, site)
    result = run_collect(source, SitemapOptions(since=parse_since("2024-06-01")))
    assert [urlsplit(e.url).path for e in result.entries] == [
        "/2024/new-post/",  # 2024-08-01 via its duplicate
        "/2024/undated/",  # no lastmod: kept, and counted
        "/tag/python/",
    ]
    assert result.kept_without_lastmod == 1
    assert result.skipped["since"] == 2
    assert "1 kept without <lastmod>" in result.summary()
    none = run_collect(source, SitemapOptions(since=datetime(2030, 1, 1, tzinfo=UTC)))
    assert [e.url for e in none.entries] == [httpserver.url_for("/2024/undated/")]


def test_rewrite_moves_entries_and_child_sitemaps(httpserver: HTTPServer, site: Serve) -> None:
    prod = "https://www.example.com/"
    staging = httpserver.url_for("/")
    site("/sitemap.xml", index(f"{prod}posts.xml"))  # a staging build naming production
    site("/posts.xml", urlset(f"{prod}a/", f"{prod}b/", "https://cdn.example.net/c/"))
    options = SitemapOptions(rewrite=[(prod, staging)])
    result = run_collect(httpserver.url_for("/sitemap.xml"), options)
    # the entry on another host is outside the site (issue 16): named, not audited
    assert [e.url for e in result.entries] == [f"{staging}a/", f"{staging}b/"]
    assert [o.url for o in result.outside] == ["https://cdn.example.net/c/"]
    assert result.skipped == {"off-site": 1}
    assert result.sitemaps_read == (httpserver.url_for("/sitemap.xml"), f"{staging}posts.xml")
    assert result.problems == ()
    widened = SitemapOptions(rewrite=[(prod, staging)], allow_hosts=["cdn.example.net"])
    result = run_collect(httpserver.url_for("/sitemap.xml"), widened)
    assert [e.url for e in result.entries] == [
        f"{staging}a/",  # sorted: http://localhost... before https://cdn...
        f"{staging}b/",
        "https://cdn.example.net/c/",
    ]
    assert result.outside == ()


def test_foreign_host_is_pointed_out_without_rewrite(httpserver: HTTPServer, site: Serve) -> None:
    site("/sitemap.xml", urlset("http://0.0.0.0:4000/a/", "http://0.0.0.0:4000/b/"))
    source = httpserver.url_for("/sitemap.xml")
    # every entry outside the site: nothing to audit is an error naming both ways out
    with pytest.raises(SitemapError) as info:
        run_collect(source)
    origin = httpserver.url_for("/").rstrip("/")
    assert str(info.value) == (
        f"no page to audit in {source}: all 2 entries outside the site (first: "
        "http://0.0.0.0:4000/a/, on another host (http://0.0.0.0:4000) than the site "
        f"{origin}); --allow-host 0.0.0.0 reads them; or "
        f"a rewrite http://0.0.0.0:4000/={origin}/ would audit this site instead"
    )
    site("/mixed.xml", urlset("http://0.0.0.0:4000/a/", httpserver.url_for("/b/")))
    result = run_collect(
        httpserver.url_for("/mixed.xml")
    )  # one entry on the site: audited, the other named
    assert [e.url for e in result.entries] == [httpserver.url_for("/b/")]
    assert [o.url for o in result.outside] == ["http://0.0.0.0:4000/a/"]
    assert [p.message for p in result.problems] == [
        "1 of 2 URLs are on another host (http://0.0.0.0:4000) than localhost; "
        f"a rewrite http://0.0.0.0:4000/={origin}/ would audit this site instead"
    ]


def test_shards_cover_every_url_exactly_once(httpserver: HTTPServer, site: Serve) -> None:
    u = httpserver.url_for
    all_urls = [u(f"/post-{i:03d}/") for i in range(120)]
    site("/sitemap.xml", urlset(*all_urls, u("/post-000/"), u("/doc.pdf")))
    whole = run_collect(u("/sitemap.xml"))
    assert [e.url for e in whole.entries] == sorted(all_urls)
    n = 4
    shards = [run_collect(u("/sitemap.xml"), SitemapOptions(shard=(k, n))) for k in range(1, n + 1)]
    seen = [e.url for shard in shards for e in shard.entries]
    assert sorted(seen) == sorted(all_urls)  # union == all, and no URL twice
    assert len(seen) == len(set(seen))
    for k, shard in enumerate(shards, start=1):
        assert shard.skipped["shard"] == len(all_urls) - len(shard.entries)
        assert shard.skipped["duplicate"] == 1 and shard.skipped["non-html:pdf"] == 1
        assert all(shard_of(e.url, n) == k for e in shard.entries)
    again = run_collect(u("/sitemap.xml"), SitemapOptions(shard=(2, n)))
    assert again.entries == shards[1].entries  # stable


def test_limit_applies_last_in_url_order(httpserver: HTTPServer, site: Serve) -> None:
    u = httpserver.url_for
    site("/sitemap.xml", urlset(u("/c/"), u("/a/"), u("/d/"), u("/b/"), u("/x.pdf")))
    result = run_collect(u("/sitemap.xml"), SitemapOptions(limit=2))
    assert [e.url for e in result.entries] == [u("/a/"), u("/b/")]
    assert dict(result.skipped) == {"limit": 2, "non-html:pdf": 1}
    assert describe_skip("limit") == "over the limit"
    assert describe_skip("non-html:pdf") == "not HTML (.pdf)"
