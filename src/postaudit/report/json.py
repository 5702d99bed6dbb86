"""Deterministic JSON: the machine format and the baseline format.

Keys are in a fixed order, pages sorted by URL, findings in engine order, no
timestamps. The shape is described by `schema/report.schema.json` (shipped in the
package) and in docs/formats.md; `"schema"` is bumped on any incompatible change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from postaudit.model import SCORED_CATEGORIES, PageResult, Report
from postaudit.report.ci import inert_json
from postaudit.version import __version__

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison

SCHEMA_VERSION = 1


def page_dict(page: PageResult) -> dict[str, Any]:
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "score": page.score,
        "error": page.error,
        "categories": {
            str(c): {"score": page.categories.get(c)}
            for c in SCORED_CATEGORIES
            if c in page.categories
        },
        "counts": {str(s): n for s, n in page.counts().items()},
        "findings": [f.to_dict() for f in page.findings],
        "facts": json_safe(page.facts),
    }


def report_dict(report: Report, comparison: Comparison | None = None) -> dict[str, Any]:
    """The report; with a baseline `comparison`, a last key "comparison" (a report
    saved as a baseline is written without it)."""
    out = {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "postaudit", "version": __version__},
        "pages": [page_dict(p) for p in sorted(report.pages, key=lambda p: p.url)],
        "site_findings": [dict(f.to_dict(), url=f.url) for f in report.site_findings],
        "summary": json_safe(report.summary),
    }
    if comparison is not None:
        out["comparison"] = comparison.to_dict()
    return out


def render_json(report: Report, *, comparison: Comparison | None = None) -> str:
    text = json.dumps(report_dict(report, comparison), indent=2, ensure_ascii=False)
    return inert_json(text) + "\n"


def json_safe(value: Any) -> Any:
    """Facts or a summary as JSON-safe data with mapping keys sorted (determinism):
    floats rounded to 2 places, tuples as lists, anything else as its `str`."""
    kind = type(value)  # the plain types first, by identity: no ABC checks for them
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        keys = list(value)
        if all(type(k) is str for k in keys):
            keys.sort()  # the order `key=str` gives string keys
            return {k: json_safe(value[k]) for k in keys}
    elif kind is list or kind is tuple:
        return [json_safe(v) for v in value]
    elif kind is float:
        return round(value, 2)
    if isinstance(value, Mapping):
        return {str(k): json_safe(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float):
        return round(value, 2)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)
