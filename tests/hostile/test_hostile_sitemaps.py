"""Hostile sitemaps through `postaudit sitemap`: a gzip bomb, a billion-laughs file and
an external-entity probe are refused with one clear line and exit 2, never expanded or
followed; an index that lists itself ends; entries that are not http(s) are skipped and
never requested."""

from __future__ import annotations

import tracemalloc
import zlib

from hostile.faultserver import MB, FaultServer
from hostile.runs import run_cli
from postaudit.gather.sitemap_xml import SitemapError, SitemapLimits, parse_sitemap

XML = "application/xml"


def sitemap_bomb(inflated_mb: int) -> bytes:
    """A well-formed sitemap whose one <loc> holds `inflated_mb` MB of spaces, gzipped."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(b'<?xml version="1.0"?><urlset><url><loc>https://example.com/')]
    block = b" " * MB
    parts += [comp.compress(block) for _ in range(inflated_mb)]
    parts += [comp.compress(b"</loc></url></urlset>"), comp.flush()]
    return b"".join(parts)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<urlset><url><loc>&lol3;</loc></url></urlset>"
)
REFUSED_DTD = (
    "refused: the XML declares a DTD (<!DOCTYPE>); sitemaps never need one, "
    "and entity expansion and external entities are not allowed"
)


def test_gzip_bomb_sitemap_is_refused(fault: FaultServer) -> None:
    url = fault.page("/sitemap.xml.gz", sitemap_bomb(300), content_type="application/gzip")
    run = run_cli("sitemap", url, "--format", "json")
    assert run.code == 2 and run.stdout == ""
    assert run.stderr == (
        f"postaudit: error: cannot read sitemap {url}: sitemap inflates to more than 50 MB "
        "(a gzip bomb or an oversized sitemap); refused\n"
    )


def test_gzip_bomb_sitemap_is_inflated_in_bounded_memory() -> None:
    data = sitemap_bomb(300)
    tracemalloc.start()
    try:
        parse_sitemap(data, limits=SitemapLimits())
    except SitemapError as exc:
        assert "inflates to more than 50 MB" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("the bomb was not refused")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"  # streamed: 1.1 MB measured, not 300 MB


def test_entity_expansion_and_external_entities_are_refused(fault: FaultServer) -> None:
    laughs = fault.page("/laughs.xml", LAUGHS, content_type=XML)
    probe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "{fault.url("/xxe")}">]>'
        "<urlset><url><loc>&e;</loc></url></urlset>"
    )
    xxe = fault.page("/xxe.xml", probe, content_type=XML)
    for url in (laughs, xxe):
        run = run_cli("sitemap", url, "--format", "json")
        assert run.code == 2
        assert run.stderr == f"postaudit: error: cannot read sitemap {url}: {REFUSED_DTD}\n"
    assert "/xxe" not in fault.paths()


def test_an_index_that_lists_itself_ends(fault: FaultServer) -> None:
    index = fault.url("/index.xml")
    body = f"<sitemapindex><sitemap><loc>{index}</loc></sitemap></sitemapindex>"
    fault.page("/index.xml", body, content_type=XML)
    run = run_cli("sitemap", index, "--format", "json")
    assert run.code == 2
    assert run.stderr.startswith("postaudit: error: no sitemap with page URLs could be read: ")
    assert "an index cycle or a repeat" in run.stderr
    assert fault.paths().count("/index.xml") == 1


def test_non_http_entries_are_skipped_and_never_requested(fault: FaultServer) -> None:
    ok = fault.page("/ok", "<title>A page listed among strange neighbours</title>")
    entries = "".join(
        f"<url><loc>{loc}</loc></url>"
        for loc in (
            "file:///etc/passwd",
            f"ftp://127.0.0.1:{fault.port}/x",
            f"javascript:fetch('{fault.url('/js')}')",
            ok,
        )
    )
    url = fault.page("/sitemap.xml", f"<urlset>{entries}</urlset>", content_type=XML)
    run = run_cli("sitemap", url, "--format", "json", "--select", "M601")
    assert run.code == 0
    assert [p["url"] for p in run.report["pages"]] == [ok]
    assert run.report["summary"]["skipped"]["invalid-url"] == 3
    assert set(fault.paths()) == {"/sitemap.xml", "/robots.txt", "/ok"}
