"""Never hangs: every request has connect, read and total deadlines, retries and
Retry-After waits are capped, and a page that cannot be fetched in time becomes an X001
finding while the other pages of the run are reported in full."""

from __future__ import annotations

import time

from hostile.faultserver import FaultServer
from hostile.runs import alone, audit_json, codes, finding, good_page, link_rows, same_result


def test_trickling_silent_and_resetting_servers_are_cut_off(fault: FaultServer) -> None:
    good = good_page(fault)
    reference = alone(good, "--timeout", "1")
    # one byte every 0.5 s: never a read timeout, but never done either
    trickle, hang, reset = (fault.url(p) for p in ("/trickle?every=0.5", "/hang", "/reset"))

    started = time.monotonic()
    run = audit_json(good, trickle, hang, reset, "--timeout", "1")
    elapsed = time.monotonic() - started

    assert elapsed < 8, elapsed  # total deadline = 3 x --timeout; the pages run concurrently
    assert run.code == 1  # unreachable pages fail the gate
    assert same_result(run.page(good), reference)
    assert run.page(good)["score"] is not None

    x = finding(run.page(trickle), "X001")
    assert x["message"] == f"timed out after 3 s (total deadline) fetching {trickle}"
    x = finding(run.page(hang), "X001")
    assert x["message"] == f"timed out after 1 s reading {hang}"
    x = finding(run.page(reset), "X001")
    assert x["message"] in (
        f"error reading {reset}: Connection reset by peer",  # the OS reason, not "ReadError"
        f"error reading {reset}: peer closed connection without sending complete message body "
        "(received 100 bytes, expected 20000)",
    )
    for url in (trickle, hang, reset):
        page = run.page(url)
        assert codes(page) == ["X001"] and page["score"] is None and page["error"]
    assert run.report["summary"]["pages"] == 4
    assert run.report["summary"]["failed"] == 3


LINKS = """<!doctype html><html lang="en"><head><title>Links to slow places</title></head>
<body><main><article><h1>Links to slow places</h1>
<p><a href="/hang">a server that never answers</a>,
<a href="/trickle?head=405">a server that trickles</a>,
<a href="/unavailable">a server that is down</a>,
<a href="/rate-limited">a server that rate-limits</a>,
<a href="/good">a good page</a>.</p>
<nav class="post-navigation"><a rel="next" href="/trickle?every=0.5">Next post: a slow one</a></nav>
</article></main></body></html>
"""


def test_link_checks_are_bounded_by_deadlines_retries_and_the_retry_after_cap(
    fault: FaultServer,
) -> None:
    good_page(fault)
    url = fault.page("/links", LINKS)
    started = time.monotonic()
    run = audit_json(
        url, "--timeout", "1", "--link-retries", "1", "--retry-after-cap", "0.5", "--select", "L5"
    )
    elapsed = time.monotonic() - started

    assert elapsed < 10, elapsed
    page = run.page(url)
    assert run.code == 1
    messages = {f["message"] for f in page["findings"] if f["code"] in ("L501", "L510")}
    hang, trickle = fault.url("/hang"), fault.url("/trickle?every=0.5")
    assert messages == {
        f"next post link '/trickle?every=0.5' is broken: "
        f"timed out after 3 s (total deadline) fetching {trickle}",
        f"link '/hang' ('a server that never answers') is broken: "
        f"timed out after 1 s reading {hang}",
        "link '/unavailable' ('a server that is down') is broken: HTTP 503 Service Unavailable",
    }
    rows = link_rows(page)
    assert rows[fault.url("/rate-limited")]["state"] == "unverified"
    assert rows[fault.url("/good")]["state"] == "ok"
    # one retry each, and Retry-After: 3600 was capped at 0.5 s
    for path in ("/unavailable", "/rate-limited"):
        hits = fault.hits(path)
        assert [h.method for h in hits] == ["HEAD", "HEAD"]
        assert hits[1].at - hits[0].at < 2.0
    assert [h.method for h in fault.hits("/hang")] == ["HEAD", "HEAD"]
    # a link check needs no body: HEAD refused, GET answers, the trickle does not matter;
    # the next-post link's title is read, so its GET hits the total deadline (no retry:
    # the server did answer)
    assert [(h.method, h.path) for h in fault.hits("/trickle")] == [
        ("GET", "/trickle?every=0.5"),
        ("HEAD", "/trickle?head=405"),
        ("GET", "/trickle?head=405"),
    ]
    assert rows[fault.url("/trickle?head=405")]["state"] == "ok"


def test_an_audited_page_that_stays_unavailable_is_retried_within_the_cap(
    fault: FaultServer,
) -> None:
    good = good_page(fault)
    down = fault.url("/unavailable")
    started = time.monotonic()
    run = audit_json(good, down, "--retry-after-cap", "0.3")
    elapsed = time.monotonic() - started

    assert elapsed < 5, elapsed  # Retry-After: 3600, capped at 0.3 s per wait
    assert run.code == 1
    x = finding(run.page(down), "X002")
    assert x["message"] == "HTTP 503 Service Unavailable after 3 attempts"
    assert len(fault.hits("/unavailable")) == 3
    assert run.page(good)["score"] is not None
