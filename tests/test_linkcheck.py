"""The link checker against real servers on 127.0.0.1, and its pure helpers.

Retry waits are kept tiny through `LinkCheckOptions` (backoff, retry_after_cap).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from postaudit.config import Config
from postaudit.gather.fetch import Fetcher, FetchOptions
from postaudit.gather.linkcheck import (
    LinkChecker,
    LinkCheckOptions,
    LocalSite,
    Need,
    collect_needs,
    extract_titles,
)
from postaudit.gather.retry import retry_after
from postaudit.gather.sources import Target
from postaudit.model import LinkState, LinkStatus
from postaudit.parse.build import parse_page
from postaudit.run.runner import audit_targets
from postaudit.urls import is_internal, link_key, same_page

FAST = LinkCheckOptions(retries=2, backoff=0.01, retry_after_cap=0.05)
HTML = "text/html; charset=utf-8"


def page_html(title: str, h1: str | None = None) -> str:
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head>"
        f"<body><article><h1>{h1 or title}</h1><p>Body text.</p></article></body></html>"
    )


def check(
    urls: Sequence[str],
    *,
    want_title: bool = False,
    options: LinkCheckOptions = FAST,
    fetch: FetchOptions | None = None,
) -> tuple[list[LinkStatus], LinkChecker]:
    async def go() -> tuple[list[LinkStatus], LinkChecker]:
        async with Fetcher(fetch or FetchOptions(timeout=5)) as fetcher:
            checker = LinkChecker(fetcher, options)
            needs = [
                Need(link_key(u), u, u, "pagination" if want_title else "internal", want_title)
                for u in urls
            ]
            found = await checker.check_many(needs)
            return [found[n.key] for n in needs], checker

    return asyncio.run(go())


def methods(server: HTTPServer, path: str) -> list[str]:
    return [req.method for req, _ in server.log if req.path == path]


@contextmanager
def slow_server(seconds: float) -> Iterator[tuple[str, list[str]]]:
    """A threaded server that answers every request after `seconds` (or at shutdown)."""
    stop = threading.Event()
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            seen.append(self.command)
            with suppress(BrokenPipeError, ConnectionResetError):
                if stop.wait(seconds):
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- statuses


def test_ok_link_uses_head_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/about").respond_with_data("hello", content_type=HTML)
    [status], checker = check([httpserver.url_for("/about")])
    assert status.state is LinkState.OK and status.status == 200
    assert status.method == "HEAD" and status.attempts == 1
    assert methods(httpserver, "/about") == ["HEAD"]
    assert checker.requests == [("HEAD", httpserver.url_for("/about"))]


def test_404_is_broken_after_a_get_confirmation(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    [status], _ = check([httpserver.url_for("/gone")])
    assert status.state is LinkState.BROKEN
    assert (status.status, status.error, status.message) == (
        404,
        "http_status",
        "HTTP 404 Not Found",
    )
    assert methods(httpserver, "/gone") == ["HEAD", "GET"]


def test_redirect_chain_is_kept(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/older/"}
    )
    httpserver.expect_request("/older/").respond_with_data(
        "", status=308, headers={"Location": "/new/"}
    )
    httpserver.expect_request("/new/").respond_with_data("x", content_type=HTML)
    [status], _ = check([httpserver.url_for("/old")])
    assert status.state is LinkState.REDIRECTED and status.status == 200
    assert [(h.status, h.location) for h in status.chain] == [
        (301, httpserver.url_for("/older/")),
        (308, httpserver.url_for("/new/")),
    ]
    assert status.final_url == httpserver.url_for("/new/")


def test_429_with_retry_after_then_success_is_not_broken(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request("/busy").respond_with_data("x", content_type=HTML)
    options = LinkCheckOptions(retries=2, backoff=0.01, retry_after_cap=0.2)
    started = time.perf_counter()
    [status], _ = check([httpserver.url_for("/busy")], options=options)
    took = time.perf_counter() - started
    assert status.state is LinkState.OK and status.attempts == 2
    assert methods(httpserver, "/busy") == ["HEAD", "HEAD"]
    assert 0.19 <= took < 1.0, "waited for Retry-After, cut to the cap"


def test_429_that_never_ends_is_unverified(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/throttled").respond_with_data(
        "", status=429, headers={"Retry-After": "120"}
    )
    [status], _ = check([httpserver.url_for("/throttled")])
    assert status.state is LinkState.UNVERIFIED and status.error == "rate_limited"
    assert len(methods(httpserver, "/throttled")) == 3, "retries=2: three attempts"


def test_503_forever_is_broken_after_bounded_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("", status=503)
    started = time.perf_counter()
    [status], _ = check([httpserver.url_for("/down")])
    assert time.perf_counter() - started < 1
    assert status.state is LinkState.BROKEN and status.status == 503
    assert status.attempts == 3
    assert methods(httpserver, "/down") == ["HEAD", "HEAD", "HEAD"], "no GET after a 503"


def test_head_405_falls_back_to_get_and_is_remembered(httpserver: HTTPServer) -> None:
    for path in ("/a", "/b"):
        httpserver.expect_request(path, method="HEAD").respond_with_data("", status=405)
        httpserver.expect_request(path, method="GET").respond_with_data("x", content_type=HTML)

    async def go() -> list[LinkStatus]:
        async with Fetcher(FetchOptions(timeout=5)) as fetcher:
            checker = LinkChecker(fetcher, FAST)
            first = await checker.check(
                Need(link_key(httpserver.url_for("/a")), httpserver.url_for("/a"), "/a", "internal")
            )
            second = await checker.check(
                Need(link_key(httpserver.url_for("/b")), httpserver.url_for("/b"), "/b", "internal")
            )
            return [first, second]

    first, second = asyncio.run(go())
    assert first.state is LinkState.OK and first.method == "GET"
    assert second.state is LinkState.OK and second.method == "GET"
    assert methods(httpserver, "/a") == ["HEAD", "GET"]
    assert methods(httpserver, "/b") == ["GET"], "the host refused HEAD once: GET straight away"


def test_timeout_is_broken_after_retries() -> None:
    with slow_server(5) as (base, seen):
        options = LinkCheckOptions(retries=1, backoff=0.01, retry_after_cap=0.05)
        started = time.perf_counter()
        [status], _ = check(
            [base + "/slow"], options=options, fetch=FetchOptions(timeout=0.2, total_timeout=0.3)
        )
        took = time.perf_counter() - started
    assert status.state is LinkState.BROKEN and status.error == "timeout"
    assert status.attempts == 2 and seen == ["HEAD", "HEAD"]
    assert took < 2


def test_connection_refused_is_broken() -> None:
    with slow_server(0) as (base, _):
        url = base + "/x"
    [status], _ = check([url], options=LinkCheckOptions(retries=1, backoff=0.01))
    assert status.state is LinkState.BROKEN and status.error == "connect"
    assert status.attempts == 2


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (403, {"cf-mitigated": "challenge"}, "bot_wall"),
        (999, {}, "bot_wall"),
        (401, {}, "auth_required"),
    ],
)
def test_bot_walls_and_logins_are_unverified(
    httpserver: HTTPServer, status: int, headers: dict[str, str], error: str
) -> None:
    httpserver.expect_request("/wall").respond_with_data("", status=status, headers=headers)
    [found], _ = check([httpserver.url_for("/wall")])
    assert found.state is LinkState.UNVERIFIED and found.error == error
    assert found.fine


def test_plain_403_is_broken(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/private").respond_with_data("", status=403)
    [found], _ = check([httpserver.url_for("/private")])
    assert found.state is LinkState.BROKEN


def test_title_targets_are_fetched_with_get_and_read(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/post").respond_with_data(
        page_html("Ten sleep myths | Blog", "Ten sleep myths"), content_type=HTML
    )
    [status], _ = check([httpserver.url_for("/post")], want_title=True)
    assert status.method == "GET" and status.read_body
    assert status.title == "Ten sleep myths | Blog"
    assert status.headings == ("Ten sleep myths",)
    assert methods(httpserver, "/post") == ["GET"]


def test_each_url_is_requested_once_per_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/shared").respond_with_data("x", content_type=HTML)
    url = httpserver.url_for("/shared")
    statuses, checker = check([url, url + "#part", url])
    assert all(s.state is LinkState.OK for s in statuses)
    assert methods(httpserver, "/shared") == ["HEAD"]
    assert len(checker.requests) == 1


def test_audited_pages_answer_links_to_them_without_a_request(httpserver: HTTPServer) -> None:
    url = httpserver.url_for("/audited")

    async def go() -> LinkStatus:
        async with Fetcher(FetchOptions(timeout=5)) as fetcher:
            checker = LinkChecker(fetcher, FAST)
            checker.expect(url)
            pending = asyncio.ensure_future(
                checker.check(Need(link_key(url), url, "/audited", "pagination", True))
            )
            await asyncio.sleep(0.01)
            assert not pending.done(), "waits for the page's own fetch"
            checker.fulfil(
                url,
                LinkStatus(url, LinkState.OK, 200, url, title="Seeded", read_body=True),
            )
            return await pending

    status = asyncio.run(go())
    assert status.title == "Seeded"
    assert httpserver.log == []


def test_only_http_urls_are_requested_and_exclusions_skip() -> None:
    page = parse_page(
        '<html><body><article><p><a href="mailto:a@b.c">mail</a> <a href="ftp://x/y">ftp</a>'
        ' <a href="javascript:void(0)">js</a> <a href="tel:123">tel</a>'
        ' <a href="/skip-me">skipped</a> <a href="#top">top</a></p></article></body></html>',
        "https://example.com/post",
    )
    needs = collect_needs(page, {"pagination", "internal", "external"})
    assert [n.url for n in needs] == ["https://example.com/skip-me"]

    needs = collect_needs(page, {"internal"}, exclude=[re.compile("skip")])
    assert [n.excluded for n in needs] == [True]

    async def go() -> LinkStatus:
        checker = LinkChecker(None, FAST)
        return await checker.check(needs[0])

    skipped = asyncio.run(go())
    assert skipped.state is LinkState.SKIPPED and skipped.error == "excluded"

    async def ftp() -> LinkStatus:
        async with Fetcher(FetchOptions(timeout=5)) as fetcher:
            checker = LinkChecker(fetcher, FAST)
            status = await checker.check(Need("ftp://x/y", "ftp://x/y", "ftp://x/y", "external"))
            assert checker.requests == []
            return status

    assert asyncio.run(ftp()).state is LinkState.SKIPPED


def test_needs_follow_the_scopes() -> None:
    page = parse_page(
        "<html><body><article><p><a href='/in'>inside</a> <a href='https://other.org/x'>out</a>"
        "</p></article><nav class='post-navigation'><div class='nav-next'>"
        "<a href='/next-post'>Next post</a></div></nav></body></html>",
        "https://www.example.com/post",
    )
    scoped = {
        frozenset({"pagination"}): ["https://www.example.com/next-post"],
        frozenset({"internal"}): ["https://www.example.com/in"],
        frozenset({"external"}): ["https://other.org/x"],
    }
    for scopes, urls in scoped.items():
        assert [n.url for n in collect_needs(page, scopes)] == urls
    [pager] = collect_needs(page, {"pagination"})
    assert pager.want_title


# --------------------------------------------------------------------------- local mode


def test_local_site_maps_links_to_files(tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "a.html").write_text(page_html("A"), encoding="utf-8")
    (tmp_path / "posts" / "b").mkdir(parents=True)
    (tmp_path / "posts" / "b" / "index.html").write_text(page_html("B"), encoding="utf-8")
    (tmp_path / "about.html").write_text(page_html("About"), encoding="utf-8")
    root = tmp_path.resolve()
    site = LocalSite(root, "https://example.com/")
    page_uri = (root / "blog" / "a.html").as_uri()
    assert site.path_for("file:///about.html", "/about.html") == root / "about.html"
    assert site.path_for((root / "blog" / "x.html").as_uri(), "x.html") == root / "blog" / "x.html"
    assert site.path_for("https://example.com/posts/b/", "https://example.com/posts/b/") == (
        root / "posts" / "b"
    )
    assert site.path_for("https://other.example/posts/b/") is None
    assert site.page_url(root / "blog" / "a.html") == "https://example.com/blog/a.html"
    assert page_uri.startswith("file://")

    async def go() -> list[LinkStatus]:
        checker = LinkChecker(None, FAST)
        needs = [
            Need("k1", "https://example.com/posts/b/", "/posts/b/", "internal"),
            Need("k2", "https://example.com/about", "/about", "internal", True),
            Need("k3", "https://example.com/missing.html", "/missing.html", "internal"),
        ]
        found = await checker.check_many(needs, site)
        return [found["k1"], found["k2"], found["k3"]]

    b, about, missing = asyncio.run(go())
    assert b.state is LinkState.OK and b.method == "file"
    assert about.state is LinkState.OK and about.title == "About", "extensionless -> .html"
    assert missing.state is LinkState.BROKEN and missing.error == "missing_file"
    assert missing.message == "no file 'missing.html' in the folder"


# --------------------------------------------------------------------------- helpers


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    seconds = retry_after({"retry-after": format_datetime(later, usegmt=True)})
    assert seconds is not None and 25 <= seconds <= 31
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


def test_extract_titles() -> None:
    html = (
        "<html><head><title> Post &amp; more | Site </title>"
        "<meta content='Post and more' property='og:title'></head><body>"
        "<!-- <h1>commented</h1> --><script>var s = '<h1>no</h1>';</script>"
        "<h1 class='t'>Post <em>and</em> more</h1></body></html>"
    )
    assert extract_titles(html) == ("Post & more | Site", ("Post and more", "Post and more"))


def test_url_helpers() -> None:
    assert link_key("HTTPS://Example.COM/a?b=1#c") == "https://example.com/a?b=1"
    assert same_page("https://example.com/a/", "http://example.com/a#top")
    assert same_page("https://example.com/a/index.html", "https://example.com/a")
    assert not same_page("https://example.com/a", "https://example.com/b")
    assert is_internal("https://www.example.com/x", "https://example.com/y")
    assert not is_internal("https://other.com/x", "https://example.com/y")
    assert is_internal("file:///site/x.html", "file:///site/y.html")


def test_status_from_dict_round_trip() -> None:
    status = LinkStatus.from_dict(
        {
            "url": "https://e.com/a",
            "status": 200,
            "redirects": [{"status": 301, "url": "https://e.com/a", "location": "https://e.com/b"}],
        }
    )
    assert status.state is LinkState.REDIRECTED and status.final_url == "https://e.com/b"
    data = status.to_dict()
    assert "elapsed" not in data, "reports stay deterministic"
    assert LinkStatus.from_dict(data).to_dict() == data


# --------------------------------------------------------------------------- through the runner


def blog_post(
    title: str, prev: str | None = None, nxt: str | None = None, body_links: str = ""
) -> str:
    nav = '<nav class="navigation post-navigation"><div class="nav-links">'
    if prev:
        href, label = prev.split("|")
        nav += f'<div class="nav-previous"><a href="{href}" rel="prev">{label}</a></div>'
    if nxt:
        href, label = nxt.split("|")
        nav += f'<div class="nav-next"><a href="{href}" rel="next">{label}</a></div>'
    nav += "</div></nav>"
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>Some words about {title.lower()}. {body_links}</p>"
        f"</article>{nav}</body></html>"
    )


def audit(url: str) -> dict[str, list[str]]:
    config = Config(links="internal", link_retries=1, retry_after_cap=0.05)
    report = audit_targets([Target("url", url)], config)
    [page] = report.pages
    out: dict[str, list[str]] = {}
    for f in page.findings:
        if f.code.startswith("L"):
            out.setdefault(f.code, []).append(f.message)
    return out


def test_valid_prev_and_next_through_the_runner(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/older").respond_with_data(
        page_html("Older post"), content_type=HTML
    )
    httpserver.expect_request("/newer").respond_with_data(
        page_html("Newer post"), content_type=HTML
    )
    httpserver.expect_request("/post").respond_with_data(
        blog_post("This post", "/older|Older post", "/newer|Newer post"), content_type=HTML
    )
    found = audit(httpserver.url_for("/post"))
    assert not {"L501", "L502", "L503", "L504"} & set(found)
    assert methods(httpserver, "/older") == ["GET"] and methods(httpserver, "/newer") == ["GET"]


def test_404_next_self_link_and_stale_title_through_the_runner(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/renamed").respond_with_data(
        page_html("How to argue kindly"), content_type=HTML
    )
    httpserver.expect_request("/missing").respond_with_data("", status=404)
    httpserver.expect_request("/p1").respond_with_data(
        blog_post("First", "/renamed|Five rest habits", "/missing|The next one"), content_type=HTML
    )
    httpserver.expect_request("/p2").respond_with_data(
        blog_post("Second", "/p2|Second"), content_type=HTML
    )
    first = audit(httpserver.url_for("/p1"))
    assert first["L501"] == ["next post link '/missing' is broken: HTTP 404 Not Found"]
    assert first["L504"] == [
        "previous post link shows 'Five rest habits' but the target page is titled "
        "'How to argue kindly'"
    ]
    second = audit(httpserver.url_for("/p2"))
    assert second["L503"] == ["previous post link '/p2' points to this page itself"]
    assert methods(httpserver, "/p2") == ["GET"], "a self link is never requested"


def test_redirected_prev_and_internal_link_through_the_runner(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/moved").respond_with_data(
        "", status=301, headers={"Location": "/moved/"}
    )
    httpserver.expect_request("/moved/").respond_with_data(page_html("Moved"), content_type=HTML)
    httpserver.expect_request("/post").respond_with_data(
        blog_post("Post", "/moved|Moved", body_links='<a href="/moved">the moved page</a>'),
        content_type=HTML,
    )
    found = audit(httpserver.url_for("/post"))
    assert found["L502"][0].startswith("previous post link '/moved' redirects: 301 ")
    assert found["L512"][0].startswith("link '/moved' redirects: 301 ")
    assert methods(httpserver, "/moved") == ["GET"], "one request serves both links"
