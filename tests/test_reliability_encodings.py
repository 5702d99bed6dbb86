"""Content codings the client offers are the ones it decodes (issue 16, point 2).

Real local servers answer brotli and zstd bodies; brotli and zstandard are dev
dependencies, so both are installed when the tests run.
"""

from __future__ import annotations

import asyncio
import gzip

import brotli
import pytest
import zstandard
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from postaudit.gather.decode import INFLATE_STEP, Inflater, decodable_codings
from postaudit.gather.fetch import Fetcher, FetchErrorKind, FetchOptions, RawPage

HTML = "<!doctype html><html><head><title>Café</title></head><body><p>Bonjour</p></body></html>"


def fetch(url: str, options: FetchOptions | None = None) -> RawPage:
    async def run() -> RawPage:
        async with Fetcher(options or FetchOptions()) as fetcher:
            return await fetcher.fetch_page(url)

    return asyncio.run(run())


ENCODERS = {
    "gzip": gzip.compress,
    "br": brotli.compress,
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}


def test_the_client_offers_exactly_what_it_decodes(httpserver: HTTPServer) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("Accept-Encoding", ""))
        return Response(HTML, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/").respond_with_handler(handler)
    assert fetch(httpserver.url_for("/")).error is None
    offered = [c.strip() for c in seen[0].split(",")]
    assert offered == list(decodable_codings())
    assert set(offered) == {"gzip", "deflate", "br", "zstd"}  # both packages are installed


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
def test_a_compressed_page_is_decoded_not_reported_as_binary(
    httpserver: HTTPServer, coding: str
) -> None:
    def handler(request: Request) -> Response:
        offered = request.headers.get("Accept-Encoding", "")
        assert coding in offered  # the server only answers what was offered
        body = ENCODERS[coding](HTML.encode())
        return Response(
            body, content_type="text/html; charset=utf-8", headers={"Content-Encoding": coding}
        )

    httpserver.expect_request("/post").respond_with_handler(handler)
    raw = fetch(httpserver.url_for("/post"))
    assert raw.error is None, raw.error
    assert raw.text == HTML


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_a_bomb_in_the_new_codings_stops_at_the_cap(httpserver: HTTPServer, coding: str) -> None:
    bomb = ENCODERS[coding](b"<p>" + b"a" * (64 * 1024 * 1024))
    assert len(bomb) < 300_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": coding}
    )
    raw = fetch(httpserver.url_for("/bomb"), FetchOptions(max_bytes=1024 * 1024))
    assert raw.error is not None and raw.error.kind is FetchErrorKind.TOO_LARGE


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_inflater_yields_bounded_pieces(coding: str) -> None:
    data = b"z" * (8 * 1024 * 1024)
    inflater = Inflater([coding])
    pieces = [*inflater.feed(ENCODERS[coding](data)), *inflater.finish()]
    assert b"".join(pieces) == data
    assert max(len(p) for p in pieces) <= max(INFLATE_STEP, 2 * 1024 * 1024)


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_a_truncated_or_corrupt_body_is_a_read_error(httpserver: HTTPServer, coding: str) -> None:
    body = ENCODERS[coding](HTML.encode() * 50)
    httpserver.expect_request("/cut").respond_with_data(
        body[: len(body) // 2], content_type="text/html", headers={"Content-Encoding": coding}
    )
    httpserver.expect_request("/junk").respond_with_data(
        b"\xff" * 64 + body, content_type="text/html", headers={"Content-Encoding": coding}
    )
    for path in ("/cut", "/junk"):
        raw = fetch(httpserver.url_for(path))
        assert raw.error is not None and raw.error.kind is FetchErrorKind.READ, (path, raw.error)
        assert "cannot decode the body" in raw.error.message


def test_gzip_of_brotli_stack_is_undone_in_order(httpserver: HTTPServer) -> None:
    body = gzip.compress(brotli.compress(HTML.encode()))
    httpserver.expect_request("/stack").respond_with_data(
        body, content_type="text/html; charset=utf-8", headers={"Content-Encoding": "br, gzip"}
    )
    raw = fetch(httpserver.url_for("/stack"))
    assert raw.error is None and raw.text == HTML
