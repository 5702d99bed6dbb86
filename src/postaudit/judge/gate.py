"""The CI gate (pure): a report, the settings and an optional baseline comparison in;
the exit code and the reasons out.

A run fails (exit 1) when any of these holds:

- a page could not be audited (an `X` finding, `PageResult.error` set), unless
  `allow_unreachable`; then `X` findings count for nothing at all;
- a finding is at or above `fail_on` (`never` turns this off). With a baseline only
  the findings that are new against it count: the baseline is the accepted state;
- a page's score, or one of its category scores, is under its `fail_under` minimum
  (a category that does not apply to a page has no score and never fails);
- against a baseline, a page or category score dropped by more than the tolerance.

Everything is judged per page, so the gate reads the same for one file, a folder of
built pages or a whole sitemap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postaudit.model import Category, Finding, PageResult, Report, Severity

if TYPE_CHECKING:
    from postaudit.config import Config
    from postaudit.judge.baseline import Comparison

EXIT_OK, EXIT_GATE = 0, 1
#: How many pages or rules a reason names before "and N more".
NAMED = 5


@dataclass(frozen=True, slots=True)
class GateResult:
    exit_code: int
    reasons: tuple[str, ...]  # one line each, empty when passed
    #: fingerprints of the findings that fail the gate (for per-finding marks in
    #: JUnit, SARIF and the markdown summary)
    blocking: frozenset[str] = frozenset()
    #: (url, "score" or category) pairs under their minimum or dropped too far
    failing_scores: frozenset[tuple[str, str]] = frozenset()
    unreachable: tuple[str, ...] = ()  # pages that could not be audited and fail the gate

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_OK


PASSED = GateResult(EXIT_OK, ())


def decide(report: Report, config: Config, comparison: Comparison | None = None) -> GateResult:
    """Judge `report` with the gate settings of `config` (fail_on, fail_under,
    allow_unreachable) and, when given, the baseline `comparison`."""
    reasons: list[str] = []
    unreachable: tuple[PageResult, ...] = ()
    if not config.allow_unreachable:
        unreachable = tuple(p for p in report.pages if p.error is not None)
        if unreachable:
            reasons.append(_unreachable_reason(unreachable))

    blocking = _blocking(report, config.fail_on, comparison)
    if blocking:
        reasons.append(_blocking_reason(blocking, config.fail_on, comparison is not None))

    failing: set[tuple[str, str]] = set()
    for key, minimum in sorted(config.fail_under.items(), key=lambda kv: _key_order(kv[0])):
        under = [(p, s) for p in report.pages if (s := _score(p, key)) is not None and s < minimum]
        if under:
            failing.update((p.url, key) for p, _ in under)
            reasons.append(_under_reason(key, minimum, under))

    if comparison is not None and comparison.score_drops:
        drops = comparison.score_drops
        failing.update((d.url, d.score) for d in drops)
        named = ", ".join(
            f"{d.url} {_label(d.score)} {d.baseline} → {d.now}" for d in drops[:NAMED]
        )
        reasons.append(
            f"{_n(len(drops), 'score')} dropped by more than {comparison.tolerance} "
            f"{'point' if comparison.tolerance == 1 else 'points'} against the baseline: "
            f"{named}{_more(len(drops))}"
        )
    return GateResult(
        exit_code=EXIT_GATE if reasons else EXIT_OK,
        reasons=tuple(reasons),
        blocking=frozenset(f.fingerprint for f in blocking),
        failing_scores=frozenset(failing),
        unreachable=tuple(p.url for p in unreachable),
    )


def counts_against_fail_on(finding: Finding, fail_on: str) -> bool:
    """True when `finding`'s severity is at or above `fail_on` ("never": nothing is)."""
    if fail_on == "never":
        return False
    return finding.severity.rank >= Severity(fail_on).rank


def _blocking(report: Report, fail_on: str, comparison: Comparison | None) -> list[Finding]:
    """Findings at or above fail_on (new ones only, against a baseline). `X` findings
    are left to the unreachable check (or allowed by --allow-unreachable)."""
    new = comparison.new_fingerprints if comparison is not None else None
    return [
        f
        for f in report.findings()
        if f.category is not Category.FETCH
        and counts_against_fail_on(f, fail_on)
        and (new is None or f.fingerprint in new)
    ]


def _score(page: PageResult, key: str) -> int | None:
    if page.error is not None:
        return None
    if key == "score":
        return page.score
    return page.categories.get(Category(key))


def _key_order(key: str) -> tuple[int, str]:
    return (0 if key == "score" else 1, key)


def _label(key: str) -> str:
    return "score" if key == "score" else f"{key} score"


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _more(n: int) -> str:
    return f" and {n - NAMED} more" if n > NAMED else ""


def _unreachable_reason(pages: Sequence[PageResult]) -> str:
    named = ", ".join(f"{p.url} ({p.error})" for p in pages[:NAMED])
    return (
        f"{_n(len(pages), 'page')} could not be audited: {named}{_more(len(pages))} "
        "(--allow-unreachable lets the run pass)"
    )


def _blocking_reason(findings: Iterable[Finding], fail_on: str, new_only: bool) -> str:
    items = list(findings)
    by_rule: Counter[tuple[str, str]] = Counter((f.code, f.name) for f in items)
    top = sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    named = ", ".join(f"{n} × {code} {name}" for (code, name), n in top[:NAMED])
    what = "new finding" if new_only else "finding"
    return (
        f"{_n(len(items), what)} at or above {fail_on} (--fail-on {fail_on}): "
        f"{named}{_more(len(top))}"
    )


def _under_reason(key: str, minimum: int, under: Sequence[tuple[PageResult, int]]) -> str:
    named = ", ".join(f"{p.url} ({s})" for p, s in under[:NAMED])
    flag = f"--fail-under {minimum}" if key == "score" else f"--fail-under {key}={minimum}"
    return f"{_n(len(under), 'page')} with a {_label(key)} under {minimum} ({flag}): {named}{_more(len(under))}"


def summary_line(gate: GateResult) -> str:
    """'passed' or 'failed: first reason (+N more)' for one-line outputs."""
    if gate.passed:
        return "passed"
    extra = f" (+{len(gate.reasons) - 1} more)" if len(gate.reasons) > 1 else ""
    return f"failed: {gate.reasons[0]}{extra}"
