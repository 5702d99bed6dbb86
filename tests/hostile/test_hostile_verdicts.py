"""Never fooled into a wrong verdict: 429/503 with Retry-After are retried within bounds
and are not broken unless they persist; bot walls are "unverified"; redirect loops and
over-long chains end with a clear finding; relative links resolve against `<base href>`
and against the final URL after redirects."""

from __future__ import annotations

from hostile.faultserver import FaultServer
from hostile.runs import audit_json, codes, finding, good_page, link_rows

TRANSIENT = """<!doctype html><html lang="en"><head><title>Links that look broken</title></head>
<body><main><article><h1>Links that look broken for a moment</h1>
<p><a href="/retry-after/a?status=429&amp;after=1&amp;times=1">rate limited once</a>,
<a href="/retry-after/b?status=503&amp;after=0&amp;times=2">restarting twice</a>,
<a href="/cf-wall">behind a challenge</a>, <a href="/999">a social network</a>,
<a href="/loop/a">going round in circles</a>, <a href="/chain/15">a long way round</a>,
<a href="/chain/3">a short way round</a>.</p>
</article></main></body></html>
"""


def test_links_transient_walled_and_looping(fault: FaultServer) -> None:
    url = fault.page("/links", TRANSIENT)
    run = audit_json(url, "--select", "L510,L512")
    page = run.page(url)
    rows = link_rows(page)

    # retried within bounds, then fine: not broken
    assert rows[fault.url("/retry-after/a?status=429&after=1&times=1")]["state"] == "ok"
    assert rows[fault.url("/retry-after/b?status=503&after=0&times=2")]["state"] == "ok"
    a = fault.hits("/retry-after/a")
    assert [h.method for h in a] == ["HEAD", "HEAD"]
    assert a[1].at - a[0].at >= 0.9  # Retry-After: 1 was honoured
    assert len(fault.hits("/retry-after/b")) == 3
    # bot walls: unverified, never broken
    for path in ("/cf-wall", "/999"):
        row = rows[fault.url(path)]
        assert (row["state"], row["error"]) == ("unverified", "bot_wall"), row
    # loops and long chains: broken, said plainly
    loop, chain = fault.url("/loop/a"), fault.url("/chain/15")
    broken = {f["message"] for f in page["findings"] if f["code"] == "L510"}
    assert broken == {
        f"link '/loop/a' ('going round in circles') is broken: redirect loop: "
        f"{fault.url('/loop/b')} -> {loop} was already visited",
        f"link '/chain/15' ('a long way round') is broken: "
        f"more than 10 redirects starting at {chain}",
    }
    assert len(fault.hits("/loop/a")) + len(fault.hits("/loop/b")) <= 6  # HEAD, GET: no spin
    assert len(fault.hits("/chain/15")) <= 2
    # a short chain works, reported as a redirect with its hops
    assert rows[fault.url("/chain/3")]["state"] == "redirected"
    assert len(rows[fault.url("/chain/3")]["redirects"]) == 3
    redirect = finding(page, "L512")
    assert redirect["message"] == (
        f"link '/chain/3' redirects: 301 {fault.url('/chain/3')} -> 301 {fault.url('/chain/2')}"
        f" -> 301 {fault.url('/chain/1')} -> {fault.url('/chain/0')} (200)"
    )
    assert run.code == 1  # L510 is an error


def test_audited_pages_transient_walled_and_looping(fault: FaultServer) -> None:
    good = good_page(fault)
    transient = fault.url("/retry-after/page?status=503&after=1&times=1")
    wall, loop, long_chain, short_chain = (
        fault.url(p) for p in ("/cf-wall", "/loop/a", "/chain/11", "/chain/10")
    )
    run = audit_json(good, transient, wall, loop, long_chain, short_chain, "--select", "M601")

    page = run.page(transient)
    assert page["status"] == 200 and page["error"] is None and page["score"] == 100
    hits = fault.hits("/retry-after/page")
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 0.9
    assert finding(run.page(wall), "X002")["message"] == (
        "HTTP 403 Forbidden (a bot wall: open the page in a browser to check it)"
    )
    assert finding(run.page(loop), "X001")["message"] == (
        f"redirect loop: {fault.url('/loop/b')} -> {loop} was already visited"
    )
    assert finding(run.page(long_chain), "X001")["message"] == (
        f"more than 10 redirects starting at {long_chain}"
    )
    short = run.page(short_chain)  # ten hops are allowed
    assert short["final_url"] == fault.url("/chain/0") and codes(short) == []
    assert len(short["facts"]["redirects"]) == 10
    assert run.page(good)["score"] == 100
    assert run.code == 1


BASED = """<!doctype html><html lang="en"><head><base href="/other/dir/">
<title>A page with a base URL</title></head><body><main><article><h1>Base</h1>
<p><a href="y">relative to the base</a>, <a href="../z">up from the base</a>,
<a href="/rooted">rooted</a>.</p></article></main></body></html>
"""

MOVED = """<!doctype html><html lang="en"><head><title>A page that moved</title></head>
<body><main><article><h1>Moved</h1>
<p><a href="x">relative to where it lives now</a>, <a href="../up">one level up</a>.</p>
</article></main></body></html>
"""


def test_relative_links_resolve_against_base_href_and_the_final_url(fault: FaultServer) -> None:
    based = fault.page("/blog/based", BASED)
    fault.page("/dir/sub/page", MOVED)
    moved = fault.url("/redirect?to=/dir/sub/page")
    for path in ("/other/dir/y", "/other/z", "/rooted", "/dir/sub/x", "/dir/up"):
        fault.page(path, "<title>t</title>")

    run = audit_json(based, moved, "--select", "L510")

    assert run.code == 0
    assert set(link_rows(run.page(based))) == {
        fault.url("/other/dir/y"),
        fault.url("/other/z"),
        fault.url("/rooted"),
    }
    assert run.page(moved)["final_url"] == fault.url("/dir/sub/page")
    assert set(link_rows(run.page(moved))) == {fault.url("/dir/sub/x"), fault.url("/dir/up")}
    asked = {p.split("?")[0] for p in fault.paths()}
    assert {"/other/dir/y", "/other/z", "/rooted", "/dir/sub/x", "/dir/up"} <= asked
    assert not {"/blog/y", "/blog/z", "/x", "/up", "/y"} & asked
