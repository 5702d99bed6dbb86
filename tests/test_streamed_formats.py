"""SARIF and JUnit of a sitemap run or a merge are written page by page from the spool
(issue 16, point 6): the same bytes as rendering a whole report in memory."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from oracles import merge_reports, read_report, sarif_log
from postaudit.cli import cli
from postaudit.config import Config
from postaudit.judge.baseline import compare, from_report
from postaudit.model import PageResult, Report
from postaudit.report.ci import inert_json
from postaudit.report.json import render_json
from postaudit.report.junit import render_junit, write_junit
from postaudit.report.sarif import write_sarif
from postaudit.run.pipeline import audit_html

# no canonical: the pages at several URLs are duplicates (site findings M620 and on)
PAGE = (
    '<!doctype html><html lang="en"><head><title>Caf\u00e9 &lt;script&gt; notes</title></head>'
    "<body><h1>Notes</h1><p>Some words about coffee and more.</p>"
    '<img src="a.png"><a href="/x">here</a></body></html>'
)


def pages(*paths: str) -> tuple[PageResult, ...]:
    html = PAGE
    config = Config()
    return tuple(
        audit_html(html, f"https://example.com/blog/{p}", config, config.ruleset()) for p in paths
    )


def shard(*paths: str) -> Report:
    summary = {"pages": len(paths), "sitemap": {"source": "https://example.com/sitemap.xml"}}
    return Report(pages=pages(*paths), summary={**summary, "skipped": {"shard": 1, "robots": 0}})


def merged(*paths: str) -> Report:
    """A report of pages with findings and two site findings (made from page findings:
    the site rules need facts a batch collects)."""
    report = shard(*paths)
    first = report.pages[0].findings
    site = (
        dataclasses.replace(first[0], code="M620", name="duplicate-title"),
        dataclasses.replace(first[-1], code="M621", name="duplicate-description"),
    )
    return dataclasses.replace(report, site_findings=site)


def sarif_whole(report: Report, **kwargs: object) -> str:
    """The SARIF log built as one dict and dumped at once (the reference)."""
    log = sarif_log(report, **kwargs)  # type: ignore[arg-type]
    return inert_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def sarif_streamed(report: Report, **kwargs: object) -> str:
    out = io.StringIO()
    ordered = sorted(report.pages, key=lambda p: p.url)
    write_sarif(out, iter(ordered), report.site_findings, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def test_streamed_sarif_is_the_whole_log_dumped_at_once() -> None:
    report = merged("b", "a", "café-\u202e-\u2028")
    assert report.site_findings and all(p.findings for p in report.pages)
    comparison = compare(report, from_report(merged("a")))
    assert sarif_streamed(report) == sarif_whole(report)
    assert sarif_streamed(report, comparison=comparison) == sarif_whole(
        report, comparison=comparison
    )
    text = sarif_streamed(report)
    assert "\u202e" not in text and "\\u202e" in text  # inert in every piece
    for edge in (Report(pages=()), Report(pages=(), site_findings=report.site_findings)):
        assert sarif_streamed(edge) == sarif_whole(edge)
    assert '"results": []' in sarif_streamed(Report(pages=()))


def reindented(text: str) -> str:
    """The document parsed, its whitespace dropped and indented whole by ElementTree."""
    root = ET.fromstring(text.split("\n", 1)[1])
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def test_streamed_junit_is_the_whole_document_indented_at_once() -> None:
    report = merged("b", "a", "c")
    for fail_on in ("error", "warning", "never"):
        text = render_junit(report, fail_on=fail_on)
        assert text == reindented(text)
        root = ET.fromstring(text.split("\n", 1)[1])
        suites = root.findall("testsuite")
        urls = sorted(p.url for p in report.pages)
        assert [s.get("name") for s in suites] == [*urls, "site"]
        for key in ("tests", "failures", "errors", "skipped"):
            assert root.get(key) == str(sum(int(s.get(key, "")) for s in suites)), key
    assert int(ET.fromstring(render_junit(report, fail_on="warning")[39:]).get("failures", "")) > 0
    assert render_junit(Report(pages=())) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="postaudit" tests="0" failures="0" errors="0" skipped="0" />\n'
    )
    site_only = Report(pages=(), site_findings=report.site_findings)
    assert render_junit(site_only) == reindented(render_junit(site_only))


def test_write_junit_reads_the_pages_again_for_each_pass() -> None:
    report = merged("a", "b")
    calls = []

    def source() -> list[object]:
        calls.append(1)
        return list(report.pages)

    out = io.StringIO()
    write_junit(out, source, report.site_findings)  # type: ignore[arg-type]
    assert len(calls) == 3  # the gate's verdicts, the totals, the suites
    assert out.getvalue() == render_junit(report)


def test_merge_writes_sarif_and_junit_from_the_spool_byte_for_byte(tmp_path: Path) -> None:
    """With only streamed formats the merge keeps no page in full, and still writes
    what the whole reports give (every finding, not only those the gate reads)."""
    one, two = shard("a", "c", "e"), Report(pages=pages("b", "c", "d"))
    paths = [tmp_path / "s1.json", tmp_path / "s2.json"]
    paths[0].write_text(render_json(one), encoding="utf-8")
    paths[1].write_text(render_json(two), encoding="utf-8")
    whole = merge_reports([read_report(str(p)) for p in paths], Config())
    for fail_on in ("never", "warning"):
        result = CliRunner().invoke(
            cli,
            [
                "merge",
                *map(str, paths),
                "--fail-on",
                fail_on,
                "--format",
                f"sarif={tmp_path / 'm.sarif'}",
                "--format",
                "junit",
            ],
        )
        assert result.exit_code == (0 if fail_on == "never" else 1), result.output
        assert (tmp_path / "m.sarif").read_text(encoding="utf-8") == sarif_whole(whole)
        junit = result.stdout
        assert junit == reindented(junit)
        names = [s.get("name") for s in ET.fromstring(junit[39:]).findall("testsuite")]
        assert names == [p.url for p in whole.pages]
        if fail_on == "never":
            assert junit == render_junit(whole, fail_on="never")
