"""Every format of a sitemap run or a merge is written page by page from the JSON spool
(issue 16, point 6): the same bytes as rendering a report that holds every page in
full, on real published pages (fixtures/corpus, rich facts) with and without a
baseline comparison and a failing gate, and in every text mode."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from postaudit.config import Config
from postaudit.judge.baseline import compare, from_report
from postaudit.judge.gate import decide
from postaudit.judge.site import SiteCollector
from postaudit.model import Report
from postaudit.report.dispatch import STREAMED, render, write_streamed
from postaudit.report.spool import JsonSpool
from postaudit.run.batch import Keeper
from postaudit.run.pipeline import audit_html
from postaudit.run.sitemap_run import merged_report

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
FILES = sorted(CORPUS.glob("*.html"))[:12]
URLS = [(f, f"https://example.org/{f.stem}/") for f in FILES]


@pytest.fixture(scope="module")
def whole() -> Report:
    """A batch report of corpus pages, every page in full (as the old runs kept them)."""
    config = Config(keywords=("static site",), locations=("London",))
    ruleset = config.ruleset()
    pages = sorted(
        (
            audit_html(
                f.read_text(encoding="utf-8", errors="replace"),
                url,
                config,
                ruleset,
            )
            for f, url in URLS
        ),
        key=lambda p: p.url,
    )
    collector = SiteCollector()
    for page in pages:
        collector.add(page)
    summaries = [{"sitemap": {"source": "https://example.org/sitemap.xml"}, "skipped": {}}]
    report = merged_report(pages, collector, summaries, config)
    # real pages name their own canonical, so no duplicate is found: two site findings
    # made from page findings (the site rules need facts a batch collects)
    first = pages[0].findings
    site = (
        dataclasses.replace(first[0], code="M620", name="duplicate-title"),
        dataclasses.replace(first[-1], code="M621", name="duplicate-description"),
    )
    return dataclasses.replace(report, site_findings=report.site_findings + site)


@pytest.fixture(scope="module")
def spool(whole: Report) -> Iterator[JsonSpool]:
    spool = JsonSpool()
    for page in reversed(whole.pages):  # pages finish in any order
        spool.add(page)
    yield spool
    spool.close()


def lean(whole: Report, fail_on: str, all_findings: bool) -> Report:
    """The report a run keeps now: only what the gate and a baseline read."""
    keeper = Keeper(fail_on=fail_on, all_findings=all_findings)
    for page in whole.pages:
        keeper.add(page)
    return dataclasses.replace(whole, pages=tuple(keeper.pages))


def streamed(fmt: str, spool: JsonSpool, report: Report, **kwargs: object) -> str:
    out = io.StringIO()
    write_streamed(fmt, out, spool.pages, report, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def test_the_corpus_report_has_what_every_renderer_reads(whole: Report) -> None:
    assert len(whole.pages) == len(URLS) >= 10
    assert all(p.facts for p in whole.pages) and whole.site_findings
    assert len({p.score for p in whole.pages}) > 3
    assert "distribution" in whole.summary  # a site batch


@pytest.mark.parametrize("fmt", sorted(STREAMED - {"json", "text"}))
@pytest.mark.parametrize("judged", [False, True])
def test_every_format_from_the_spool_is_the_whole_report(
    fmt: str, judged: bool, whole: Report, spool: JsonSpool
) -> None:
    config = Config(fail_on="warning")
    comparison = gate = None
    if judged:
        older = dataclasses.replace(whole, pages=whole.pages[::2])
        comparison = compare(whole, from_report(older))
        gate = decide(whole, config, comparison)
        assert comparison.new_findings and not gate.passed and gate.blocking
    expected = render(fmt, whole, comparison=comparison, gate=gate, fail_on="warning")
    report = lean(whole, "warning", all_findings=judged)
    got = streamed(fmt, spool, report, comparison=comparison, gate=gate, fail_on="warning")
    assert got == expected
    assert len(expected) > 500


@pytest.mark.parametrize(("verbose", "quiet"), [(0, False), (1, False), (2, False), (0, True)])
def test_text_from_the_spool_is_the_whole_report(
    verbose: int, quiet: bool, whole: Report, spool: JsonSpool
) -> None:
    expected = render("text", whole, verbose=verbose, quiet=quiet)
    got = streamed("text", spool, lean(whole, "error", False), verbose=verbose, quiet=quiet)
    assert got == expected
    if verbose:  # every page in full: its facts come back from the spool
        assert "Readability" in got and got.count("Page: ") >= len(whole.pages)
