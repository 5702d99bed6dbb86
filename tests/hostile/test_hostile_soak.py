"""A small soak (the full one is benchmarks/soak.py, 2,000 pages): `postaudit sitemap`
over a 100-page local site where one page in ten is faulty, the kind rotating (hang,
gzip bomb, transient 503, binary body, redirect loop, invalid UTF-8, reset, 503 for
ever, redirect chain, NUL bytes). Every page is accounted for exactly once in the JSON
with the expected finding, and the run ends in bounded time."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hostile.faultserver import FaultServer, serve
from hostile.runs import run_cli
from hostile.soaksite import FAULTS, SoakSite


@pytest.fixture
def soak_server() -> Iterator[FaultServer]:
    yield from serve(handler_cap=5, max_clients=256)


def test_every_page_accounted_for_once(soak_server: FaultServer, tmp_path: object) -> None:
    site = SoakSite(100)
    site.install(soak_server)
    started = time.monotonic()
    run = run_cli(
        "sitemap",
        soak_server.url("/sitemap.xml"),
        "--format",
        "json",
        "--timeout",
        "2",
        "--retry-after-cap",
        "0.1",
    )
    elapsed = time.monotonic() - started

    assert run.code == 1  # unreachable pages fail the gate
    outcomes = site.account(run.report)
    assert outcomes == {
        "good": 90,
        **{f.name: 1 for f in FAULTS[:10]},  # the first ten kinds of the rotation
    }
    assert run.report["summary"]["complete"] is True
    assert run.report["summary"]["not_audited"] == []
    assert elapsed < 60, elapsed
