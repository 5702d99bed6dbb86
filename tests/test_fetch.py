"""Tests for postaudit.gather.fetch against real local HTTP servers (no mocks, no outside network)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from postaudit import __version__
from postaudit.gather.decode import decode_html
from postaudit.gather.fetch import (
    Fetcher,
    FetchError,
    FetchErrorKind,
    FetchOptions,
    RawPage,
    Redirect,
    error_from_exception,
)

HTML = "<!doctype html><html><head><title>Café</title></head><body><p>Bonjour</p></body></html>"

# --------------------------------------------------------------------------- helpers


def fetch(url: str, options: FetchOptions | None = None, *, require_html: bool = True) -> RawPage:
    async def run() -> RawPage:
        async with Fetcher(options or FetchOptions()) as fetcher:
            return await fetcher.fetch_page(url, require_html=require_html)

    return asyncio.run(run())


def request(method: str, url: str, *, read_body: bool = True) -> RawPage:
    async def run() -> RawPage:
        async with Fetcher() as fetcher:
            return await fetcher.request(method, url, read_body=read_body)

    return asyncio.run(run())


Handle = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@contextmanager
def threaded_server(handle: Handle) -> Iterator[str]:
    """A threaded http.server on 127.0.0.1 calling `handle(handler, stop)` for GET/HEAD.

    Handlers wait on `stop` instead of sleeping, so teardown is immediate.
    """
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with suppress(BrokenPipeError, ConnectionResetError):
                handle(self, stop)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def _other_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def other_server(_other_server: HTTPServer) -> HTTPServer:
    """A second pytest-httpserver, bound to and addressed as 127.0.0.1 (httpserver is
    addressed as `localhost`), so redirects between them cross hosts."""
    _other_server.clear()
    return _other_server


def _closed_port() -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


# --------------------------------------------------------------------------- success


def test_good_html_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/post").respond_with_data(
        HTML, content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/post")
    page = fetch(url)
    assert page.error is None
    assert page.status == 200
    assert page.url == page.final_url == url
    assert page.redirects == ()
    assert page.text == HTML
    assert page.body == HTML.encode()
    assert (page.encoding, page.encoding_source) == ("utf-8", "http")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert all(key == key.lower() for key in page.headers)
    assert 0 <= page.elapsed < 5


def test_requests_do_not_search_for_a_missing_module(httpserver: HTTPServer) -> None:
    """httpcore imports sniffio inside every request; were it missing, each request
    would search sys.path for it (a dependency for that reason alone)."""
    import sys
    from importlib.machinery import PathFinder

    httpserver.expect_request("/a").respond_with_data(HTML, content_type="text/html")
    assert fetch(httpserver.url_for("/a")).error is None  # imports are done
    searched: list[str] = []
    original = PathFinder.find_spec

    def spy(name: str, *args: object, **kwargs: object) -> object:
        searched.append(name)
        return original(name, *args, **kwargs)  # type: ignore[arg-type]

    PathFinder.find_spec = spy  # type: ignore[method-assign,assignment]
    try:
        for _ in range(3):
            assert fetch(httpserver.url_for("/a")).error is None
    finally:
        PathFinder.find_spec = original  # type: ignore[method-assign]
    assert searched == [] and "sniffio" in sys.modules


def test_user_agent_and_accept_are_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data(HTML, content_type="text/html")
    assert fetch(httpserver.url_for("/ua")).error is None
    (req, _resp), *_ = httpserver.log
    assert req.headers["User-Agent"] == f"postaudit/{__version__}"
    assert "text/html" in req.headers["Accept"]


def test_missing_content_type_is_sniffed_as_html(httpserver: HTTPServer) -> None:
    def handler(_request: Request) -> Response:
        response = Response(HTML.encode())
        del response.headers["Content-Type"]
        return response

    httpserver.expect_request("/untyped").respond_with_handler(handler)
    page = fetch(httpserver.url_for("/untyped"))
    assert page.error is None
    assert "content-type" not in page.headers
    assert page.text == HTML
    assert (page.encoding, page.encoding_source) == ("utf-8", "detected")


# --------------------------------------------------------------------------- redirects


def test_redirect_chain_is_recorded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/b")}
    )
    httpserver.expect_request("/b").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/c")}
    )
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    page = fetch(httpserver.url_for("/a"))
    assert page.error is None
    assert page.status == 200
    assert page.url == httpserver.url_for("/a")
    assert page.final_url == httpserver.url_for("/c")
    assert page.redirects == (
        Redirect(301, httpserver.url_for("/a"), httpserver.url_for("/b")),
        Redirect(302, httpserver.url_for("/b"), httpserver.url_for("/c")),
    )
    assert page.text == HTML


def test_relative_locations_are_resolved(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/blog/2024/post").respond_with_data(
        "", status=301, headers={"Location": "../moved/post"}
    )
    httpserver.expect_request("/blog/moved/post").respond_with_data(
        "", status=308, headers={"Location": "/final?x=1"}
    )
    httpserver.expect_request("/final").respond_with_data(HTML, content_type="text/html")
    page = fetch(httpserver.url_for("/blog/2024/post"))
    assert page.error is None
    assert [r.location for r in page.redirects] == [
        httpserver.url_for("/blog/moved/post"),
        httpserver.url_for("/final?x=1"),
    ]
    assert page.final_url == httpserver.url_for("/final?x=1")


def test_redirect_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    page = fetch(httpserver.url_for("/a"))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TOO_MANY_REDIRECTS
    assert "redirect loop" in page.error.message
    assert len(page.redirects) == 2
    assert page.text is None
    assert len(httpserver.log) == 2


def _redirect_ladder(httpserver: HTTPServer, hops: int) -> None:
    for i in range(hops):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    httpserver.expect_request(f"/r{hops}").respond_with_data(HTML, content_type="text/html")


def test_ten_redirects_are_allowed(httpserver: HTTPServer) -> None:
    _redirect_ladder(httpserver, 10)
    page = fetch(httpserver.url_for("/r0"))
    assert page.error is None
    assert len(page.redirects) == 10
    assert page.final_url == httpserver.url_for("/r10")


def test_eleven_redirects_are_too_many(httpserver: HTTPServer) -> None:
    _redirect_ladder(httpserver, 11)
    page = fetch(httpserver.url_for("/r0"))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TOO_MANY_REDIRECTS
    assert "more than 10 redirects" in page.error.message
    assert len(httpserver.log) == 11  # /r11 is never requested


def test_redirect_to_non_http_scheme(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    page = fetch(httpserver.url_for("/a"))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.INVALID_URL
    assert page.redirects[-1].location == "file:///etc/passwd"
    assert "file:///etc/passwd" in page.error.message


def test_303_switches_post_to_get(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/form", method="POST").respond_with_data(
        "", status=303, headers={"Location": "/thanks"}
    )
    httpserver.expect_request("/thanks", method="GET").respond_with_data(
        HTML, content_type="text/html"
    )
    page = request("POST", httpserver.url_for("/form"))
    assert page.error is None
    assert [req.method for req, _ in httpserver.log] == ["POST", "GET"]


# --------------------------------------------------------------------------- credentials


def test_extra_headers_not_forwarded_to_another_host(
    httpserver: HTTPServer, other_server: HTTPServer
) -> None:
    other_url = f"http://127.0.0.1:{other_server.port}/landing"
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": other_url}
    )
    other_server.expect_request("/landing").respond_with_data(HTML, content_type="text/html")
    options = FetchOptions(headers=(("Authorization", "Bearer s3cret"), ("X-Staging", "1")))
    page = fetch(httpserver.url_for("/start"), options)
    assert page.error is None
    assert page.final_url == other_url

    (first, _), *_ = httpserver.log
    assert first.headers["Authorization"] == "Bearer s3cret"
    assert first.headers["X-Staging"] == "1"
    (second, _), *_ = other_server.log
    assert "Authorization" not in second.headers
    assert "X-Staging" not in second.headers
    for req in (first, second):
        assert req.headers["User-Agent"] == f"postaudit/{__version__}"


def test_extra_headers_follow_explicit_header_hosts(
    httpserver: HTTPServer, other_server: HTTPServer
) -> None:
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    other_server.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    options = FetchOptions(headers=(("X-Token", "t"),), header_hosts=frozenset({"127.0.0.1"}))

    async def run() -> None:
        async with Fetcher(options) as fetcher:
            await fetcher.fetch_page(httpserver.url_for("/page"))
            await fetcher.request("GET", f"http://127.0.0.1:{other_server.port}/page")

    asyncio.run(run())
    assert "X-Token" not in httpserver.log[0][0].headers
    assert other_server.log[0][0].headers["X-Token"] == "t"


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_error_status(httpserver: HTTPServer, status: int, message: str) -> None:
    httpserver.expect_request("/x").respond_with_data(
        "<h1>oops</h1>", status=status, content_type="text/html", headers={"X-Req": "42"}
    )
    page = fetch(httpserver.url_for("/x"))
    assert page.error == FetchError(FetchErrorKind.HTTP_STATUS, message)
    assert page.status == status
    assert page.headers["x-req"] == "42"
    assert page.text is None


def test_unknown_status_phrase(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("", status=599)
    page = request("HEAD", httpserver.url_for("/x"))
    assert page.error == FetchError(FetchErrorKind.HTTP_STATUS, "HTTP 599")


# --------------------------------------------------------------------------- content type


def test_pdf_is_not_html(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc.pdf").respond_with_data(
        b"%PDF-1.7\n" + b"x" * 100, content_type="application/pdf"
    )
    page = fetch(httpserver.url_for("/doc.pdf"))
    assert page.error == FetchError(
        FetchErrorKind.NOT_HTML, "content type 'application/pdf' is not HTML"
    )
    assert page.status == 200
    assert page.body is None


def test_untyped_pdf_is_sniffed(httpserver: HTTPServer) -> None:
    def handler(_request: Request) -> Response:
        response = Response(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        del response.headers["Content-Type"]
        return response

    httpserver.expect_request("/doc").respond_with_handler(handler)
    page = fetch(httpserver.url_for("/doc"))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.NOT_HTML


def test_request_does_not_require_html(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc.pdf").respond_with_data(
        b"%PDF-1.7", content_type="application/pdf"
    )
    page = request("GET", httpserver.url_for("/doc.pdf"))
    assert page.error is None
    assert page.body == b"%PDF-1.7"
    assert page.text is None
    assert fetch(httpserver.url_for("/doc.pdf"), require_html=False).error is None


def test_head_without_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p", method="HEAD").respond_with_data(
        "", content_type="text/html", headers={"Content-Length": "123"}
    )
    page = request("HEAD", httpserver.url_for("/p"), read_body=False)
    assert page.error is None
    assert page.status == 200
    assert page.body is None


# --------------------------------------------------------------------------- size limits


def test_oversized_body_with_content_length(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(
        "<p>" + "x" * 50_000, content_type="text/html"
    )
    page = fetch(httpserver.url_for("/big"), FetchOptions(max_bytes=10_000))
    assert page.error == FetchError(FetchErrorKind.TOO_LARGE, "body exceeds 9.8 KB limit")
    assert page.status == 200
    assert page.body is None


def test_endless_body_is_cut_off() -> None:
    """No Content-Length and a body that never ends: only the cap can stop it."""

    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        while not stop.is_set():
            h.wfile.write(b"<p>" + b"x" * 4096)

    with threaded_server(handle) as base:
        started = time.perf_counter()
        page = fetch(base + "/endless", FetchOptions(max_bytes=100_000))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TOO_LARGE
    assert time.perf_counter() - started < 3


def test_gzip_body_measured_after_decompression(httpserver: HTTPServer) -> None:
    compressed = gzip.compress(b"<p>" + b"a" * 200_000)
    assert len(compressed) < 10_000
    httpserver.expect_request("/gz").respond_with_data(
        compressed, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    page = fetch(httpserver.url_for("/gz"), FetchOptions(max_bytes=10_000))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TOO_LARGE


def test_gzip_body_under_the_cap_is_decompressed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(HTML.encode()),
        content_type="text/html; charset=utf-8",
        headers={"Content-Encoding": "gzip"},
    )
    page = fetch(httpserver.url_for("/gz"))
    assert page.error is None
    assert page.text == HTML


# --------------------------------------------------------------------------- timeouts


def test_read_timeout() -> None:
    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        stop.wait(5)

    with threaded_server(handle) as base:
        page = fetch(base + "/slow", FetchOptions(timeout=0.5))
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TIMEOUT
    assert page.error.message == f"timed out after 0.5 s reading {base}/slow"
    assert page.status is None
    assert page.elapsed < 2


def test_trickling_server_hits_total_deadline() -> None:
    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"a")
            h.wfile.flush()
            if stop.wait(0.2):
                return

    with threaded_server(handle) as base:
        started = time.perf_counter()
        page = fetch(base + "/trickle", FetchOptions(total_timeout=1))
        took = time.perf_counter() - started
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TIMEOUT
    assert "total" in page.error.message
    assert 0.9 < took < 2


def test_per_host_concurrency_is_limited() -> None:
    lock = threading.Lock()
    active = 0
    peak = 0

    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        stop.wait(0.15)
        with lock:
            active -= 1
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "3")
        h.end_headers()
        h.wfile.write(b"<p>")

    async def run(base: str) -> list[RawPage]:
        async with Fetcher(FetchOptions(per_host=2)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch_page(f"{base}/{i}") for i in range(5)))

    with threaded_server(handle) as base:
        pages = asyncio.run(run(base))
    assert all(p.error is None for p in pages)
    assert peak == 2


def test_cancellation_propagates() -> None:
    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        stop.wait(5)

    async def run(base: str) -> None:
        async with Fetcher() as fetcher:
            task = asyncio.create_task(fetcher.fetch_page(base + "/slow"))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    with threaded_server(handle) as base:
        asyncio.run(run(base))


def test_request_max_bytes_override(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("x" * 2000, content_type="text/html")

    async def run() -> tuple[RawPage, RawPage]:
        async with Fetcher() as fetcher:
            url = httpserver.url_for("/p")
            return (
                await fetcher.request("GET", url, max_bytes=1000),
                await fetcher.request("GET", url),
            )

    small, default = asyncio.run(run())
    assert small.error == FetchError(FetchErrorKind.TOO_LARGE, "body exceeds 1000 bytes limit")
    assert default.error is None
    assert default.text == "x" * 2000


# --------------------------------------------------------------------------- transport errors


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    page = fetch(url)
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.CONNECT
    assert url in page.error.message
    assert page.status is None
    assert "\n" not in page.error.message


def test_body_cut_short_is_a_read_error() -> None:
    def handle(h: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<p>only a bit")
        h.wfile.flush()
        h.close_connection = True

    with threaded_server(handle) as base:
        page = fetch(base + "/short")
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.READ
    assert page.status == 200


def test_tls_to_a_plain_http_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(HTML, content_type="text/html")
    page = fetch(f"https://localhost:{httpserver.port}/")
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.TLS


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "mailto:someone@example.com", "not a url", "", "http://"]
)
def test_invalid_urls(url: str) -> None:
    page = fetch(url)
    assert page.error is not None
    assert page.error.kind is FetchErrorKind.INVALID_URL
    assert page.status is None
    assert page.url == page.final_url == url


def test_dns_failure_end_to_end() -> None:
    """A name under .invalid (RFC 6761) never resolves: the fetch ends with a DNS
    error, or with a timeout on a machine whose resolver does not answer in time;
    never with a page or an exception."""
    host = "postaudit-test.invalid"
    started = time.monotonic()
    page = fetch(f"http://{host}/", FetchOptions(timeout=2))
    assert page.error is not None and page.status is None and page.text is None
    assert page.error.kind in (FetchErrorKind.DNS, FetchErrorKind.TIMEOUT)
    if time.monotonic() - started < 1.5:  # the resolver answered: it must say DNS
        assert page.error.kind is FetchErrorKind.DNS, page.error


def _chained(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as exc:
        return exc


def test_exception_mapping() -> None:
    url = "http://blog.example/post"
    cases: list[tuple[BaseException, FetchErrorKind]] = [
        (
            _chained(httpx.ConnectError("[Errno -2] Name or service not known"), socket.gaierror()),
            FetchErrorKind.DNS,
        ),
        (
            _chained(httpx.ConnectError("boom"), socket.gaierror(-3, "Temporary failure")),
            FetchErrorKind.DNS,
        ),
        (
            _chained(
                httpx.ConnectError("certificate verify failed"),
                ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED"),
            ),
            FetchErrorKind.TLS,
        ),
        (httpx.ConnectError("[Errno 111] Connection refused"), FetchErrorKind.CONNECT),
        (httpx.ConnectTimeout("timed out"), FetchErrorKind.TIMEOUT),
        (httpx.ReadTimeout("timed out"), FetchErrorKind.TIMEOUT),
        (httpx.PoolTimeout("timed out"), FetchErrorKind.TIMEOUT),
        (TimeoutError(), FetchErrorKind.TIMEOUT),
        (httpx.RemoteProtocolError("peer closed"), FetchErrorKind.READ),
        (httpx.ReadError("reset"), FetchErrorKind.READ),
        (httpx.UnsupportedProtocol("ftp"), FetchErrorKind.INVALID_URL),
        (httpx.InvalidURL("bad"), FetchErrorKind.INVALID_URL),
        (RuntimeError("weird\nmultiline\nthing"), FetchErrorKind.OTHER),
    ]
    for exc, kind in cases:
        error = error_from_exception(exc, url, FetchOptions(timeout=15))
        assert error.kind is kind, (exc, error)
        assert "\n" not in error.message
    assert error_from_exception(httpx.ReadTimeout("x"), url).message == (
        f"timed out after 15 s reading {url}"
    )


# --------------------------------------------------------------------------- encodings


def test_windows_1252_declared_in_meta(httpserver: HTTPServer) -> None:
    body = (
        b'<html><head><meta charset="windows-1252"><title>t</title></head>'
        b"<body><p>\x93Quoted\x94 caf\xe9</p></body></html>"
    )
    httpserver.expect_request("/cp").respond_with_data(body, content_type="text/html")
    page = fetch(httpserver.url_for("/cp"))
    assert page.error is None
    assert page.text is not None
    assert "“Quoted” café" in page.text
    assert (page.encoding, page.encoding_source) == ("windows-1252", "meta")


def test_decode_html_bom() -> None:
    text, encoding, source = decode_html(
        b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "text/html; charset=windows-1252"
    )
    assert (text, encoding, source) == ("<p>café</p>", "utf-8", "bom")
    text, encoding, source = decode_html("\ufeff<p>é</p>".encode("utf-16-le"))
    assert (text, encoding, source) == ("<p>é</p>", "utf-16-le", "bom")


def test_decode_html_http_charset_wins_over_meta() -> None:
    body = '<meta charset="windows-1252"><p>café</p>'.encode()
    assert decode_html(body, 'text/html; charset="UTF-8"') == (
        '<meta charset="windows-1252"><p>café</p>',
        "utf-8",
        "http",
    )


def test_decode_html_latin1_means_windows_1252() -> None:
    body = b"<p>\x93hi\x94 caf\xe9</p>"
    for label in ("ISO-8859-1", "latin1", "us-ascii"):
        assert decode_html(body, f"text/html; charset={label}") == (
            "<p>“hi” café</p>",
            "windows-1252",
            "http",
        )
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' + body
    assert decode_html(meta)[1:] == ("windows-1252", "meta")


def test_decode_html_unknown_charset_falls_through() -> None:
    body = b'<meta charset="windows-1252"><p>caf\xe9</p>'
    assert decode_html(body, "text/html; charset=klingon")[1:] == ("windows-1252", "meta")
    assert decode_html(b"<p>caf\xc3\xa9</p>", "text/html; charset=utf-7")[1:] == (
        "utf-8",
        "detected",
    )


def test_decode_html_detection() -> None:
    assert decode_html(b"<p>caf\xc3\xa9</p>") == ("<p>café</p>", "utf-8", "detected")
    assert decode_html(b"<p>caf\xe9 \x93x\x94</p>") == (
        "<p>café “x”</p>",
        "windows-1252",
        "detected",
    )
    assert decode_html(b"") == ("", "utf-8", "detected")


def test_decode_html_meta_beyond_4kb_is_ignored() -> None:
    body = b"<!--" + b" " * 5000 + b'--><meta charset="windows-1252"><p>caf\xc3\xa9'
    assert decode_html(body)[1:] == ("utf-8", "detected")
