"""SARIF 2.1.0: the format code-scanning services read (GitHub's upload-sarif action).

One run whose `tool.driver.rules` is the whole rule catalogue (id = code, the title
as short description, the docstring as help), and one result per finding. A finding
on a local file points at the file (relative to the working directory, `%SRCROOT%`)
and its line; a finding on a URL points at the URL. The CSS selector is a logical
location (kind "element") and a property; the finding's fingerprint is the
`partialFingerprints` entry, so alerts survive line moves. With a baseline, each
result carries `baselineState` ("new" or "unchanged"). Pure and deterministic.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from postaudit import project
from postaudit.model import Finding, PageResult, Report
from postaudit.report.ci import SARIF_LEVEL, inert_json, is_web, local_path, strip_controls
from postaudit.rules import ALL_RULES
from postaudit.rules.base import Rule
from postaudit.version import __version__

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "postaudit/v1"
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc
    summary = doc.split("\n\n", 1)[0].replace("\n", " ").strip() or rule.title
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": summary},
        "help": {"text": f"{doc}\n\nFix: {rule.fix}" if doc else f"Fix: {rule.fix}"},
        "helpUri": project.rule_doc_url(rule.code),  # docs/rules/CODE.md
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"category": str(rule.category), "tags": [str(rule.category)]},
    }


def artifact_uri(url: str, cwd: str | None = None) -> tuple[str, str | None] | None:
    """(uri, uriBaseId) of the page: a relative file under %SRCROOT%, an absolute
    file: URI, or the page URL; None for stdin."""
    if url == "stdin":
        return None
    if is_web(url):
        return quote(url, safe=_URI_SAFE), None
    path = local_path(url, cwd)
    assert path is not None
    if Path(path).is_absolute():
        return Path(path).as_uri(), None
    return quote(path, safe="/"), "%SRCROOT%"


def result(
    finding: Finding, index: int, *, cwd: str | None = None, state: str | None = None
) -> dict[str, Any]:
    loc = finding.location
    location: dict[str, Any] = {}
    artifact = artifact_uri(finding.url, cwd)
    if artifact is not None:
        uri, base = artifact
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if base:
            physical["artifactLocation"]["uriBaseId"] = base
        if loc.line is not None:  # for a fetched page: the line in the HTML served
            physical["region"] = {"startLine": loc.line}
        location["physicalLocation"] = physical
    if loc.selector:
        location["logicalLocations"] = [{"name": strip_controls(loc.selector), "kind": "element"}]
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": strip_controls(finding.message)},
        "locations": [location] if location else [],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "url": finding.url,
            "category": str(finding.category),
            "selector": loc.selector,
            "fix": strip_controls(finding.fix),
        },
    }
    if state is not None:
        out["baselineState"] = state
    return out


def _findings(pages: Iterable[PageResult], site_findings: Iterable[Finding]) -> Iterable[Finding]:
    for page in pages:
        yield from page.findings
    yield from site_findings


def sarif_frame(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The SARIF log around `results`: the schema, the tool and its rules."""
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postaudit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": project.homepage(),
                        "rules": [rule_descriptor(r) for r in ALL_RULES],
                    }
                },
                "results": results,
            }
        ],
    }


def sarif_results(
    pages: Iterable[PageResult],
    site_findings: Iterable[Finding],
    comparison: Comparison | None,
    cwd: str | None,
) -> Iterator[dict[str, Any]]:
    """One SARIF result per finding of `pages`, then of the site findings."""
    index = {r.code: i for i, r in enumerate(ALL_RULES)}
    new = comparison.new_fingerprints if comparison is not None else None
    for f in _findings(pages, site_findings):
        state = None if new is None else ("new" if f.fingerprint in new else "unchanged")
        yield result(f, index[f.code], cwd=cwd, state=state)


_RESULTS = '"results": []'


def write_sarif(
    out: TextIO,
    pages: Iterable[PageResult],
    site_findings: Iterable[Finding],
    *,
    comparison: Comparison | None = None,
    cwd: str | None = None,
) -> None:
    """The SARIF log of `pages` (in URL order) and the site findings to `out`, one
    result at a time: byte for byte `render_sarif` of a report holding them, with
    memory flat in the number of pages (`pages` may be read back from a spool)."""
    frame = inert_json(json.dumps(sarif_frame([]), indent=2, ensure_ascii=False))
    at = frame.rindex(_RESULTS)  # the last member of the run: nothing follows but closings
    key_indent = " " * (at - frame.rindex("\n", 0, at) - 1)
    item_indent = key_indent + "  "
    head, tail = frame[:at], frame[at + len(_RESULTS) :]
    out.write(head)
    count = 0
    for item in sarif_results(pages, site_findings, comparison, cwd):
        text = inert_json(json.dumps(item, indent=2, ensure_ascii=False))
        # JSON strings hold no raw line breaks, so every line break is between tokens
        out.write(("," if count else '"results": [') + "\n" + item_indent)
        out.write(text.replace("\n", "\n" + item_indent))
        count += 1
    out.write(f"\n{key_indent}]" if count else _RESULTS)
    out.write(tail + "\n")


def render_sarif(
    report: Report, *, comparison: Comparison | None = None, cwd: str | None = None
) -> str:
    buffer = io.StringIO()
    pages = sorted(report.pages, key=lambda p: p.url)
    write_sarif(buffer, pages, report.site_findings, comparison=comparison, cwd=cwd)
    return buffer.getvalue()
