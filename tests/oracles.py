"""Reference implementations the streamed code paths are compared against: simple,
whole-report-in-memory versions that only tests use."""

from __future__ import annotations

from collections.abc import Sequence

from postaudit.config import Config
from postaudit.judge.site import SiteCollector
from postaudit.model import PageResult, Report
from postaudit.run.sitemap_run import merged_report


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
