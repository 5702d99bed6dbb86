"""Reference implementations the streamed code paths are compared against: simple,
whole-report-in-memory versions that only tests use."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from postaudit.config import Config
from postaudit.judge.baseline import Comparison
from postaudit.judge.site import SiteCollector
from postaudit.model import PageResult, Report
from postaudit.report.json import SCHEMA_VERSION
from postaudit.report.load import ReportError, load_finding, load_page, read_jsonl_text
from postaudit.report.sarif import sarif_frame, sarif_results
from postaudit.run.sitemap_run import merged_report
from postaudit.safeio import InputError, read_text_bounded


def merge_reports(reports: Sequence[Report], config: Config) -> Report:
    """Shard reports joined into one: pages de-duplicated by URL (the first report
    holding a URL wins), the summary and the site findings recomputed as if one run had
    audited every page. Intake figures (sitemaps read, entries skipped) are the first
    report's, without the `shard` skip; pages not audited and pages disallowed by
    robots.txt are the union of the reports'."""
    seen: dict[str, PageResult] = {}
    for report in reports:
        for page in report.pages:
            seen.setdefault(page.url, page)
    pages = sorted(seen.values(), key=lambda p: p.url)
    collector = SiteCollector()
    for page in pages:
        collector.add(page)
    return merged_report(pages, collector, [r.summary for r in reports], config)


def load_report(data: Any, source: str) -> Report:
    """A decoded JSON report (`--format json`) as a `Report`."""
    if not isinstance(data, Mapping) or not isinstance(data.get("pages"), list):
        raise ReportError(f"{source} is not a postaudit JSON report (no 'pages' list)")
    tool = data.get("tool")
    if isinstance(tool, Mapping) and tool.get("name") != "postaudit":
        raise ReportError(f"{source} was written by {tool.get('name')!r}, not postaudit")
    if data.get("schema") != SCHEMA_VERSION:
        raise ReportError(
            f"{source} has report schema {data.get('schema')!r}; this postaudit reads "
            f"schema {SCHEMA_VERSION}"
        )
    pages = tuple(load_page(p, f"{source}: pages[{i}]") for i, p in enumerate(data["pages"]))
    site = data.get("site_findings") or []
    if not isinstance(site, list):
        raise ReportError(f"{source}: 'site_findings' must be a list")
    site_findings = tuple(
        load_finding(
            f,
            str(f.get("url", "")) if isinstance(f, Mapping) else "",
            f"{source}: site_findings[{i}]",
        )
        for i, f in enumerate(site)
    )
    summary = data.get("summary") or {}
    return Report(pages=pages, site_findings=site_findings, summary=dict(summary))


def read_report(path: str) -> Report:
    """Read a JSON report file (`--format json`), or a JSONL one (`--format jsonl`),
    of at most the report cap (`postaudit.safeio`)."""
    try:
        text = read_text_bounded(path, path)
    except InputError as exc:
        raise ReportError(str(exc)) from None
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ReportError(f"{path}: cannot read: {reason}") from None
    try:
        data: Any = json.loads(text)
        problem = None
    except json.JSONDecodeError as exc:
        data = None
        problem = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    if isinstance(data, Mapping) and "pages" in data:
        return load_report(data, path)
    content = read_jsonl_text(text, path)  # one object per line: a JSONL report
    if content.pages or content.summary is not None:
        return Report(pages=tuple(content.pages), summary=dict(content.summary or {}))
    if problem is not None:
        raise ReportError(f"{path} is not valid JSON ({problem})")
    raise ReportError(f"{path} is not a postaudit JSON or JSONL report")


def sarif_log(
    report: Report, *, comparison: Comparison | None = None, cwd: str | None = None
) -> dict[str, Any]:
    """The SARIF log as one dict (what `write_sarif` writes one result at a time)."""
    pages = sorted(report.pages, key=lambda p: p.url)
    return sarif_frame(list(sarif_results(pages, report.site_findings, comparison, cwd)))
