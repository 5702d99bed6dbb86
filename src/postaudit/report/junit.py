"""JUnit XML: one test suite per page, one test case per page x category.

CI dashboards (GitLab, Jenkins, Azure, GitHub test reporters) read it. A category's
case fails when the gate fails on it: a finding that blocks the gate (at or above
`--fail-on`, or new against the baseline) or its score under `--fail-under` or
dropped beyond the tolerance; the failure's text lists the category's findings.
Findings that do not fail the gate are listed in the case's `system-out`. A category
that does not apply is skipped; a page that could not be audited has one `fetch`
case with an `error`. Each page also has a `score` case for the page score gate.

Built with `xml.etree.ElementTree` (escaping), after removing the characters XML 1.0
cannot carry at all. Pure and deterministic (no timestamps, no durations).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

from postaudit.judge.gate import GateResult, counts_against_fail_on
from postaudit.model import SCORED_CATEGORIES, Category, Finding, PageResult, Report
from postaudit.report.ci import strip_controls

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: control characters and lone surrogates removed."""
    return _NOT_XML.sub("", strip_controls(text))


def _finding_lines(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        where = f.location.selector or ""
        if f.location.line is not None:
            where = f"{where} (line {f.location.line})" if where else f"line {f.location.line}"
        lines.append(f"{f.code} {f.name} [{f.severity}] {f.message}")
        if where:
            lines.append(f"    at {where}")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    return xml_text("\n".join(lines))


class _Suite:
    def __init__(self, parent: ET.Element, name: str) -> None:
        self.element = ET.SubElement(parent, "testsuite", name=xml_text(name))
        self.tests = self.failures = self.errors = self.skipped = 0

    def case(self, classname: str, name: str) -> ET.Element:
        self.tests += 1
        return ET.SubElement(
            self.element, "testcase", classname=xml_text(classname), name=xml_text(name)
        )

    def close(self) -> None:
        for key in ("tests", "failures", "errors", "skipped"):
            self.element.set(key, str(getattr(self, key)))


def _category_case(
    suite: _Suite,
    page: PageResult,
    category: Category,
    findings: Sequence[Finding],
    blocking: frozenset[str],
    failing: frozenset[tuple[str, str]],
) -> None:
    case = suite.case(page.url, str(category))
    score = page.categories.get(category)
    if score is None and not findings:
        suite.skipped += 1
        ET.SubElement(case, "skipped", message="not applicable")
        return
    failing_findings = [f for f in findings if f.fingerprint in blocking]
    passing_findings = [f for f in findings if f.fingerprint not in blocking]
    problems = []
    if failing_findings:
        n = len(failing_findings)
        problems.append(f"{n} finding fails the gate" if n == 1 else f"{n} findings fail the gate")
    if (page.url, str(category)) in failing:
        problems.append(f"{category} score {score} fails the gate")
    if problems:
        suite.failures += 1
        failure = ET.SubElement(
            case, "failure", message=xml_text("; ".join(problems)), type=str(category)
        )
        failure.text = _finding_lines(failing_findings) or xml_text(problems[-1])
    if passing_findings or score is not None:
        out = ET.SubElement(case, "system-out")
        head = f"{category} score {score}" if score is not None else f"{category}"
        body = _finding_lines(passing_findings)
        out.text = f"{head}\n{body}" if body else head


def _page_suite(
    root: ET.Element,
    page: PageResult,
    blocking: frozenset[str],
    failing: frozenset[tuple[str, str]],
    unreachable: frozenset[str],
) -> _Suite:
    suite = _Suite(root, page.url)
    props = ET.SubElement(suite.element, "properties")
    ET.SubElement(props, "property", name="url", value=xml_text(page.url))
    ET.SubElement(props, "property", name="score", value=str(page.score))
    if page.error is not None:
        case = suite.case(page.url, "fetch")
        message = xml_text(page.error)
        if page.url in unreachable:
            suite.errors += 1
            error = ET.SubElement(case, "error", message=message, type="unreachable")
            error.text = _finding_lines(page.findings)
        else:
            suite.skipped += 1
            ET.SubElement(case, "skipped", message=f"could not be audited (allowed): {message}")
        suite.close()
        return suite
    case = suite.case(page.url, "score")
    if (page.url, "score") in failing:
        suite.failures += 1
        ET.SubElement(
            case, "failure", message=f"page score {page.score} fails the gate", type="score"
        )
    ET.SubElement(case, "system-out").text = f"score {page.score}"
    for category in SCORED_CATEGORIES:
        findings = [f for f in page.findings if f.category is category]
        _category_case(suite, page, category, findings, blocking, failing)
    suite.close()
    return suite


_TOTALS = ("tests", "failures", "errors", "skipped")


def _verdicts(
    pages: Iterable[PageResult],
    site_findings: Iterable[Finding],
    gate: GateResult | None,
    fail_on: str,
) -> tuple[frozenset[str], frozenset[tuple[str, str]], frozenset[str]]:
    """(blocking fingerprints, failing scores, unreachable URLs): the gate's, or
    without `gate` the findings at or above `fail_on` and every unreachable page."""
    if gate is not None:
        return gate.blocking, gate.failing_scores, frozenset(gate.unreachable)
    blocking: set[str] = set()
    unreachable: set[str] = set()
    for page in pages:
        if page.error is not None:
            unreachable.add(page.url)
        blocking.update(
            f.fingerprint
            for f in page.findings
            if f.category is not Category.FETCH and counts_against_fail_on(f, fail_on)
        )
    blocking.update(
        f.fingerprint
        for f in site_findings
        if f.category is not Category.FETCH and counts_against_fail_on(f, fail_on)
    )
    return frozenset(blocking), frozenset(), frozenset(unreachable)


def _site_suite(
    root: ET.Element, site_findings: Sequence[Finding], blocking: frozenset[str]
) -> _Suite:
    suite = _Suite(root, "site")
    for category in (*SCORED_CATEGORIES, Category.FETCH):
        findings = [f for f in site_findings if f.category is category]
        if not findings:
            continue
        case = suite.case("site", str(category))
        failing_findings = [f for f in findings if f.fingerprint in blocking]
        if failing_findings:
            suite.failures += 1
            failure = ET.SubElement(
                case, "failure", message="findings fail the gate", type=str(category)
            )
            failure.text = _finding_lines(failing_findings)
        rest = [f for f in findings if f.fingerprint not in blocking]
        if rest:
            ET.SubElement(case, "system-out").text = _finding_lines(rest)
    suite.close()
    return suite


def write_junit(
    out: TextIO,
    pages: Callable[[], Iterable[PageResult]],
    site_findings: Sequence[Finding],
    *,
    gate: GateResult | None = None,
    fail_on: str = "error",
) -> None:
    """The JUnit XML of the pages (`pages()` gives them in URL order, each call anew)
    and the site findings to `out`, one test suite at a time: byte for byte
    `render_junit` of a report holding them, with memory flat in the number of pages.
    The totals on `testsuites` come first, so the pages are read twice: once for the
    counts (a few integers a page), once to write each suite."""
    blocking, failing, unreachable = _verdicts(
        pages() if gate is None else (), site_findings, gate, fail_on
    )
    totals = dict.fromkeys(_TOTALS, 0)
    has_pages = False
    for page in pages():
        has_pages = True
        suite = _page_suite(ET.Element("testsuites"), page, blocking, failing, unreachable)
        for key in _TOTALS:
            totals[key] += getattr(suite, key)
    site = _site_suite(ET.Element("testsuites"), site_findings, blocking) if site_findings else None
    if site is not None:
        for key in _TOTALS:
            totals[key] += getattr(site, key)
    root = ET.Element("testsuites", name="postaudit")
    for key in _TOTALS:
        root.set(key, str(totals[key]))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if not has_pages and site is None:
        out.write(ET.tostring(root, encoding="unicode") + "\n")
        return
    empty = ET.tostring(root, encoding="unicode")  # <testsuites ... />
    out.write(empty[: -len(" />")] + ">")

    def suite_text(suite: _Suite) -> str:
        ET.indent(suite.element, level=1)
        return "\n  " + ET.tostring(suite.element, encoding="unicode")

    for page in pages():
        holder = ET.Element("testsuites")
        out.write(suite_text(_page_suite(holder, page, blocking, failing, unreachable)))
    if site is not None:
        out.write(suite_text(site))
    out.write("\n</testsuites>\n")


def render_junit(report: Report, *, gate: GateResult | None = None, fail_on: str = "error") -> str:
    """The report as JUnit XML. Without `gate`, findings at or above `fail_on` fail
    and every unreachable page is an error."""
    pages = sorted(report.pages, key=lambda p: p.url)
    buffer = io.StringIO()
    write_junit(buffer, lambda: pages, report.site_findings, gate=gate, fail_on=fail_on)
    return buffer.getvalue()
