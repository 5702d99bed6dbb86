"""Never runs out of memory on one input: the body cap holds while streaming, for
plain and content-encoded bodies alike (measured after decompression, inflated in
bounded steps), and for stdin; the page becomes an X004 finding and the rest of the
run is reported in full."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from hostile.faultserver import MB, FaultServer, gzip_bomb
from hostile.runs import alone, audit_json, codes, finding, good_page, same_result
from postaudit.gather.decode import INFLATE_STEP, Inflater
from postaudit.gather.fetch import Fetcher, FetchErrorKind, FetchOptions


def test_big_pages_and_gzip_bombs_are_cut_at_the_cap(fault: FaultServer) -> None:
    good = good_page(fault)
    reference = alone(good)
    big = fault.url("/huge?mb=50")  # streamed, no Content-Length
    sized = fault.url("/huge?mb=50&sized=1")  # refused from its Content-Length
    bomb = fault.url("/bomb?mb=200")  # 200 KB of gzip -> 200 MB
    double = fault.url("/double-bomb?mb=200")  # 492 bytes of gzip, gzip -> 200 MB
    gzip_bomb(200 * MB)  # build it before the clock starts

    started = time.monotonic()
    run = audit_json(good, big, sized, bomb, double)
    assert time.monotonic() - started < 10

    assert run.code == 1
    assert same_result(run.page(good), reference)
    for url in (big, sized, bomb, double):
        page = run.page(url)
        assert codes(page) == ["X004"], page["findings"]
        assert finding(page, "X004")["message"] == "body exceeds 5 MB limit"
        assert page["score"] is None and page["status"] == 200
    assert run.report["summary"] == {
        "pages": 5,
        "failed": 4,
        "score": reference["score"],
        "counts": {**reference["counts"], "error": reference["counts"]["error"] + 4},
    }


def test_a_small_gzip_page_is_read(fault: FaultServer) -> None:
    run = audit_json(fault.url("/gzipped"), "--select", "M601")
    assert run.code == 0
    assert run.report["pages"][0]["facts"]["title"] == "Compressed but small"


def _peak_fetch(url: str, max_bytes: int) -> tuple[FetchErrorKind | None, int]:
    async def fetch() -> FetchErrorKind | None:
        async with Fetcher(FetchOptions(timeout=10, max_bytes=max_bytes)) as fetcher:
            raw = await fetcher.fetch_page(url)
            return raw.error.kind if raw.error else None

    tracemalloc.start()
    try:
        kind = asyncio.run(fetch())
        return kind, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("path", ["/bomb?mb=200", "/double-bomb?mb=200", "/huge?mb=50"])
def test_peak_memory_stays_near_the_cap(fault: FaultServer, path: str) -> None:
    """httpx's own decoder inflated a whole 64 KB network chunk at once: 144 MB peak for
    this bomb with a 5 MB cap. Read raw and inflated in 64 KB steps, the peak is the cap
    plus a few steps."""
    gzip_bomb(200 * MB)
    cap = 5 * MB
    kind, peak = _peak_fetch(fault.url(path), cap)
    assert kind is FetchErrorKind.TOO_LARGE
    assert peak < 2 * cap + 16 * INFLATE_STEP, f"peak {peak / MB:.1f} MB"


def test_inflater_steps_are_bounded_and_stacked_codings_are_undone() -> None:
    import gzip
    import zlib

    import brotli
    import zstandard

    data = b"<p>hello</p>" * 100_000  # 1.2 MB
    for codings, encoded in [
        (["gzip"], gzip.compress(data)),
        (["x-gzip"], gzip.compress(data)),
        (["deflate"], zlib.compress(data)),
        (["deflate"], zlib.compress(data, wbits=-15)),  # raw DEFLATE, as some servers send
        (["gzip", "gzip"], gzip.compress(gzip.compress(data))),
        (["deflate", "gzip"], gzip.compress(zlib.compress(data))),
        (["br"], brotli.compress(data)),
        (["gzip", "zstd"], zstandard.ZstdCompressor().compress(gzip.compress(data))),
        (["x-unknown"], data),  # unknown codings pass through, as in httpx
        ([], data),
    ]:
        inflater = Inflater(codings)
        pieces = []
        for i in range(0, len(encoded), 1000):  # network-sized chunks
            pieces += list(inflater.feed(encoded[i : i + 1000]))
        pieces += list(inflater.finish())
        assert b"".join(pieces) == data, codings
        assert max(len(p) for p in pieces) <= max(INFLATE_STEP, 1000), codings


def test_corrupt_gzip_is_a_read_error(fault: FaultServer) -> None:
    url = fault.page(
        "/corrupt", b"\x1f\x8b\x08\x00garbage-garbage", headers={"Content-Encoding": "gzip"}
    )
    run = audit_json(url)
    assert run.code == 1
    x = finding(run.page(url), "X001")
    assert x["message"].startswith(f"cannot decode the body of {url}: ")


def test_endless_stdin_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    """`yes | postaudit audit -` must stop reading at --max-bytes, not fill memory."""
    out_path, err_path = tmp_path / "out.json", tmp_path / "err.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        command = [sys.executable, "-m", "postaudit", "audit", "-", "--max-bytes", "100000"]
        proc = subprocess.Popen(
            [*command, "--format", "json"],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
        )
        assert proc.stdin is not None
        written = 0
        budget = 200 * MB

        def feed() -> None:
            nonlocal written
            assert proc.stdin is not None
            block = b"<p>again and again</p>\n" * 4000
            try:
                while written < budget:
                    proc.stdin.write(block)
                    written += len(block)
            except (BrokenPipeError, ValueError, OSError):
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            proc.wait(timeout=30)  # not communicate(): it would close stdin early
        finally:
            proc.kill()
        writer.join(timeout=5)
    report = out_path.read_bytes()
    assert proc.returncode == 1, err_path.read_text()
    assert b'"code": "X004"' in report
    assert b"input is over the 100,000 byte limit" in report
    assert written < budget  # it stopped reading: the writer hit a closed pipe
