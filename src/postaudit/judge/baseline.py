"""Baselines: a saved JSON report, and what changed since it (pure apart from `load`).

The baseline format IS the JSON report (`--format json`), so any report can be
committed and compared with later. `compare` matches pages by URL and findings by
fingerprint (url + rule + stable locator + occurrence number; lines and messages
are not part of it), counting them as multisets, so a second identical problem is
new while a finding that only moved is not. Scores are compared per page and per
category; a drop of more than `tolerance` points is a regression. Fixed findings,
improved scores, new pages and pages gone from the site are reported, never failed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from postaudit.model import SCORED_CATEGORIES, Finding, PageResult, Report

SUPPORTED_SCHEMA = 1
#: The page score's key in score changes (categories use their own names).
PAGE_SCORE = "score"


class BaselineError(ValueError):
    """A baseline file that cannot be used (missing, not JSON, not a postaudit report)."""


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True, slots=True)
class KnownFinding:
    """A finding as a report recorded it: in a baseline, or in the current run."""

    url: str
    code: str
    name: str
    category: str
    severity: str
    message: str
    selector: str | None
    line: int | None
    fingerprint: str

    @classmethod
    def of(cls, finding: Finding) -> KnownFinding:
        return cls(
            url=finding.url,
            code=finding.code,
            name=finding.name,
            category=str(finding.category),
            severity=str(finding.severity),
            message=finding.message,
            selector=finding.location.selector,
            line=finding.location.line,
            fingerprint=finding.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "location": {"selector": self.selector, "line": self.line},
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, slots=True)
class KnownPage:
    url: str
    score: int | None
    categories: Mapping[str, int | None]
    error: str | None
    findings: tuple[KnownFinding, ...]

    @classmethod
    def of(cls, page: PageResult) -> KnownPage:
        return cls(
            url=page.url,
            score=page.score,
            categories={str(c): s for c, s in page.categories.items()},
            error=page.error,
            findings=tuple(KnownFinding.of(f) for f in page.findings),
        )


@dataclass(frozen=True, slots=True)
class Baseline:
    source: str  # the path as given, for messages and the comparison's "baseline" key
    pages: Mapping[str, KnownPage]


def load(path: str | Path) -> Baseline:
    """Read and validate a baseline file; any problem is one `BaselineError` line."""
    from postaudit.safeio import InputError, read_text_bounded

    where = str(path)
    try:
        text = read_text_bounded(path, f"baseline {where!r}")
    except InputError as exc:
        raise BaselineError(str(exc)) from None
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {where!r} does not exist (create it with --update-baseline)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise BaselineError(f"baseline {where!r}: cannot read: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"baseline {where!r} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse(data, where)


def parse(data: Any, source: str) -> Baseline:
    """Validate decoded JSON as a postaudit report (the fields a comparison reads)."""
    where = f"baseline {source!r}"
    if not isinstance(data, dict) or "pages" not in data or "schema" not in data:
        raise BaselineError(
            f"{where} is not a postaudit JSON report (write one with --format json or --update-baseline)"
        )
    tool = data.get("tool")
    if isinstance(tool, dict) and tool.get("name") != "postaudit":
        raise BaselineError(f"{where} was written by {tool.get('name')!r}, not postaudit")
    if data["schema"] != SUPPORTED_SCHEMA:
        raise BaselineError(
            f"{where} has report schema {data['schema']!r}; this postaudit reads schema "
            f"{SUPPORTED_SCHEMA} (regenerate it with --update-baseline)"
        )
    raw_pages = data["pages"]
    if not isinstance(raw_pages, list):
        raise BaselineError(f"{where}: 'pages' must be a list")
    pages: dict[str, KnownPage] = {}
    for i, raw in enumerate(raw_pages):
        page = _page(raw, f"{where}: pages[{i}]")
        pages[page.url] = page
    raw_site = data.get("site_findings") or []
    if not isinstance(raw_site, list):
        raise BaselineError(f"{where}: 'site_findings' must be a list")
    site = []
    for i, raw in enumerate(raw_site):
        url = raw.get("url") if isinstance(raw, dict) else None
        if isinstance(url, str):
            site.append(_finding(raw, url, f"{where}: site_findings[{i}]"))
    return Baseline(source=source, pages=_with_site(pages, site))


def _with_site(
    pages: dict[str, KnownPage], site_findings: Iterable[KnownFinding]
) -> dict[str, KnownPage]:
    """Site findings (a batch's duplicate titles, pagination chains) count as findings
    of the page they name, so a baseline compares them like the page's own."""
    extra: dict[str, list[KnownFinding]] = {}
    for f in site_findings:
        if f.url in pages:
            extra.setdefault(f.url, []).append(f)
    for url, found in extra.items():
        page = pages[url]
        pages[url] = replace(page, findings=(*page.findings, *found))
    return pages


def _page(raw: Any, where: str) -> KnownPage:
    if not isinstance(raw, dict):
        raise BaselineError(f"{where} must be an object")
    url = _get(raw, "url", str, where)
    score = _score(raw.get("score"), f"{where}.score")
    error = _get(raw, "error", (str, type(None)), where)
    cats = _get(raw, "categories", dict, where)
    categories: dict[str, int | None] = {}
    for name, value in cats.items():
        if not isinstance(value, dict) or "score" not in value:
            raise BaselineError(f"{where}.categories.{name} must be an object with a 'score'")
        categories[str(name)] = _score(value["score"], f"{where}.categories.{name}.score")
    raw_findings = _get(raw, "findings", list, where)
    findings = tuple(_finding(f, url, f"{where}.findings[{j}]") for j, f in enumerate(raw_findings))
    return KnownPage(url, score, categories, error, findings)


def _finding(raw: Any, url: str, where: str) -> KnownFinding:
    if not isinstance(raw, dict):
        raise BaselineError(f"{where} must be an object")
    location = raw.get("location") or {}
    if not isinstance(location, dict):
        raise BaselineError(f"{where}.location must be an object")
    line = location.get("line")
    selector = location.get("selector")
    return KnownFinding(
        url=url,
        code=_get(raw, "code", str, where),
        name=_get(raw, "name", str, where),
        category=_get(raw, "category", str, where),
        severity=_get(raw, "severity", str, where),
        message=_get(raw, "message", str, where),
        selector=selector if isinstance(selector, str) else None,
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        fingerprint=_get(raw, "fingerprint", str, where),
    )


def _get(raw: Mapping[str, Any], key: str, kind: Any, where: str) -> Any:
    if key not in raw:
        raise BaselineError(f"{where}: missing {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BaselineError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    return value


def _score(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise BaselineError(f"{where} must be a score from 0 to 100 or null")
    return value


def from_report(report: Report, source: str = "<report>") -> Baseline:
    """The baseline a report would make once saved (what --update-baseline writes)."""
    pages = {p.url: KnownPage.of(p) for p in report.pages}
    return Baseline(
        source=source,
        pages=_with_site(pages, (KnownFinding.of(f) for f in report.site_findings)),
    )


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True, slots=True)
class RuleCount:
    """One rule on one page whose findings changed: how many then, how many now."""

    url: str
    code: str
    name: str
    baseline: int
    now: int
    new: tuple[KnownFinding, ...]
    fixed: tuple[KnownFinding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "code": self.code,
            "name": self.name,
            "baseline": self.baseline,
            "now": self.now,
        }


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """A page score ("score") or a category score that moved."""

    url: str
    score: str  # PAGE_SCORE or a category name
    baseline: int
    now: int
    regression: bool  # dropped by more than the tolerance

    @property
    def delta(self) -> int:
        return self.now - self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "score": self.score,
            "baseline": self.baseline,
            "now": self.now,
            "delta": self.delta,
            "regression": self.regression,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    baseline: str  # the baseline file as given
    tolerance: int
    rules: tuple[RuleCount, ...]  # (page, rule) pairs with new or fixed findings
    scores: tuple[ScoreChange, ...]  # every score that moved, drops and gains
    new_pages: tuple[str, ...]
    removed_pages: tuple[str, ...]
    unmeasured_pages: tuple[str, ...]  # audited before, unreachable now

    @property
    def new_findings(self) -> tuple[KnownFinding, ...]:
        return tuple(f for r in self.rules for f in r.new)

    @property
    def fixed_findings(self) -> tuple[KnownFinding, ...]:
        return tuple(f for r in self.rules for f in r.fixed)

    @property
    def new_fingerprints(self) -> frozenset[str]:
        return frozenset(f.fingerprint for f in self.new_findings)

    @property
    def score_drops(self) -> tuple[ScoreChange, ...]:
        """Drops beyond the tolerance (regressions)."""
        return tuple(s for s in self.scores if s.regression)

    @property
    def tolerated_drops(self) -> tuple[ScoreChange, ...]:
        return tuple(s for s in self.scores if s.delta < 0 and not s.regression)

    @property
    def score_gains(self) -> tuple[ScoreChange, ...]:
        return tuple(s for s in self.scores if s.delta > 0)

    @property
    def regressed(self) -> bool:
        return bool(self.new_findings or self.score_drops)

    def to_dict(self) -> dict[str, Any]:
        """The report's "comparison" key (deterministic: every list is sorted)."""
        return {
            "baseline": self.baseline,
            "tolerance": self.tolerance,
            "rules": [r.to_dict() for r in self.rules],
            "new_findings": [f.to_dict() for f in self.new_findings],
            "fixed_findings": [f.to_dict() for f in self.fixed_findings],
            "scores": [s.to_dict() for s in self.scores],
            "new_pages": list(self.new_pages),
            "removed_pages": list(self.removed_pages),
            "unmeasured_pages": list(self.unmeasured_pages),
        }


def compare(report: Report, baseline: Baseline, *, tolerance: int = 0) -> Comparison:
    """What changed between `baseline` and `report` (see the module docstring)."""
    current = _with_site(
        {p.url: KnownPage.of(p) for p in report.pages},
        (KnownFinding.of(f) for f in report.site_findings),
    )
    rules: list[RuleCount] = []
    scores: list[ScoreChange] = []
    unmeasured: list[str] = []
    for url in sorted(current):
        page = current[url]
        before = baseline.pages.get(url)
        if before is not None and page.error is not None and before.error is None:
            # Unreachable now: its old findings are unknown, not fixed.
            unmeasured.append(url)
            rules.extend(_rule_counts(url, before.findings, page.findings, keep_fixed=False))
            continue
        rules.extend(_rule_counts(url, before.findings if before else (), page.findings))
        if before is not None:
            scores.extend(_score_changes(url, before, page, tolerance))
    return Comparison(
        baseline=baseline.source,
        tolerance=tolerance,
        rules=tuple(rules),
        scores=tuple(scores),
        new_pages=tuple(sorted(u for u in current if u not in baseline.pages)),
        removed_pages=tuple(sorted(u for u in baseline.pages if u not in current)),
        unmeasured_pages=tuple(unmeasured),
    )


def _rule_counts(
    url: str,
    before: Iterable[KnownFinding],
    now: Iterable[KnownFinding],
    *,
    keep_fixed: bool = True,
) -> list[RuleCount]:
    before, now = tuple(before), tuple(now)
    old = Counter(f.fingerprint for f in before)
    cur = Counter(f.fingerprint for f in now)
    added = cur - old  # multiset difference: a second identical problem is new
    gone = old - cur
    new = _take(now, added)
    fixed = _take(before, gone) if keep_fixed else []
    out = []
    codes = sorted({f.code for f in (*new, *fixed)})
    for code in codes:
        name = next(f.name for f in (*new, *fixed) if f.code == code)
        out.append(
            RuleCount(
                url=url,
                code=code,
                name=name,
                baseline=sum(1 for f in before if f.code == code),
                now=sum(1 for f in now if f.code == code),
                new=tuple(f for f in new if f.code == code),
                fixed=tuple(f for f in fixed if f.code == code),
            )
        )
    return out


def _take(findings: Iterable[KnownFinding], wanted: Counter[str]) -> list[KnownFinding]:
    """The findings whose fingerprints `wanted` counts, as many of each as it counts
    (the later ones of identical findings: the earlier ones are the known ones)."""
    left = Counter(wanted)
    out: list[KnownFinding] = []
    for f in reversed(tuple(findings)):
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            out.append(f)
    out.reverse()
    return out


def _score_changes(
    url: str, before: KnownPage, now: KnownPage, tolerance: int
) -> list[ScoreChange]:
    pairs: list[tuple[str, int | None, int | None]] = [(PAGE_SCORE, before.score, now.score)]
    for category in SCORED_CATEGORIES:
        key = str(category)
        pairs.append((key, before.categories.get(key), now.categories.get(key)))
    out = []
    for key, old, new in pairs:
        if old is None or new is None or old == new:
            continue
        out.append(ScoreChange(url, key, old, new, regression=old - new > tolerance))
    return out
