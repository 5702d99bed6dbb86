"""A Markdown summary sized for a pull-request comment or a job summary.

Verdict and site score, the gate's reasons, regressions against the baseline (rule,
page, baseline, now) and the good news, a score table (worst pages first) and the
top findings. Long lists are cut with "and N more" so the comment stays small.

Page text (URLs, messages, selectors) is untrusted: `escape()` turns it into one
line of inert text: HTML special characters become entities, Markdown punctuation
(`\\ ` * _ [ ] ( ) | ~ ! #`) is backslash-escaped, and `@` gets a zero-width space so
a page cannot mention people on GitHub. Pure and deterministic.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from postaudit.judge.gate import GateResult
from postaudit.judge.scoring import site_score
from postaudit.model import SCORED_CATEGORIES, SEVERITY_ORDER, Finding, PageResult, Report, Severity
from postaudit.report.ci import one_line
from postaudit.report.tally import PageTally, Smallest

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison

MAX_CHANGES = 20
MAX_PAGES = 25
MAX_FINDINGS = 10
MESSAGE_LIMIT = 160
_MD_SPECIAL = set("\\`*_[]()|~!#")


def escape(text: str, *, limit: int | None = None) -> str:
    """Untrusted text as one line of literal Markdown (safe in a table cell)."""
    text = one_line(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "@":
            out.append("@\u200b")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _score(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 0) -> list[str]:
    """A GFM table; the last `numeric` columns are right-aligned."""
    seps = ["---"] * (len(head) - numeric) + ["---:"] * numeric
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(seps) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _more(total: int, shown: int, what: str) -> list[str]:
    return ["", f"_…and {total - shown} more {what}._"] if total > shown else []


def _site_score(report: Report, tally: PageTally) -> int | None:
    score = report.summary.get("score") if "score" in report.summary else None
    if isinstance(score, int) and not isinstance(score, bool):
        return score
    return site_score(tally.scores)


def _counts(counts: Mapping[Severity, int]) -> str:
    return " · ".join(_plural(counts[s], str(s)) for s in SEVERITY_ORDER)


def _header(report: Report, gate: GateResult | None, tally: PageTally) -> list[str]:
    if gate is None:
        title = "## postaudit report"
    elif gate.passed:
        title = "## ✅ postaudit: passed"
    else:
        title = "## ❌ postaudit: failed"
    line = f"**Score {_score(_site_score(report, tally))}** · {_plural(tally.pages, 'page')}"
    if tally.errors:
        line += f" ({tally.errors} could not be audited)"
    line += f" · {_counts(tally.severities)}"
    lines = [title, "", line]
    if gate is not None and gate.reasons:
        lines += ["", "**Why it failed**", ""]
        lines += [f"- {escape(r)}" for r in gate.reasons]
    return lines


def _comparison(comparison: Comparison) -> list[str]:
    bad: list[list[str]] = []
    good: list[list[str]] = []
    for r in comparison.rules:
        page = escape(r.url)
        if r.new:
            detail = "; ".join(escape(f.message, limit=MESSAGE_LIMIT) for f in r.new[:3])
            bad.append([f"`{r.code}` {r.name}: {detail}", page, str(r.baseline), str(r.now)])
        if r.fixed:
            good.append([f"✔ `{r.code}` {r.name} fixed", page, str(r.baseline), str(r.now)])
    for s in comparison.scores:
        label = "page score" if s.score == "score" else f"{s.score} score"
        row = [label, escape(s.url), str(s.baseline), str(s.now)]
        if s.regression:
            bad.append(row)
        elif s.delta > 0:
            good.append(["✔ " + label + " up", *row[1:]])
    where = escape(comparison.baseline)
    tolerance = comparison.tolerance
    lines = ["", f"### Regressions against {where} (tolerance {tolerance})", ""]
    head = ["Rule", "Page", "Baseline", "Now"]
    if bad:
        lines += _table(head, bad[:MAX_CHANGES], numeric=2)
        lines += _more(len(bad), MAX_CHANGES, "regressions")
    else:
        lines.append("None.")
    if good:
        lines += ["", "### Good news", ""]
        lines += _table(head, good[:MAX_CHANGES], numeric=2)
        lines += _more(len(good), MAX_CHANGES, "improvements")
    notes = []
    if comparison.new_pages:
        notes.append(f"- New pages (all their findings are new): {_pages(comparison.new_pages)}")
    if comparison.removed_pages:
        notes.append(f"- Pages gone since the baseline: {_pages(comparison.removed_pages)}")
    if comparison.unmeasured_pages:
        notes.append(f"- Could not be audited this time: {_pages(comparison.unmeasured_pages)}")
    if notes:
        lines += ["", *notes]
    return lines


def _pages(urls: Sequence[str]) -> str:
    shown = ", ".join(escape(u) for u in urls[:MAX_CHANGES])
    return shown + (f" and {len(urls) - MAX_CHANGES} more" if len(urls) > MAX_CHANGES else "")


def _score_rank(p: PageResult) -> tuple[bool, int, str]:
    return (p.score is not None, p.score or 0, p.url)


def _scores(worst: Smallest[PageResult]) -> list[str]:
    head = ["Page", "Score", *(c.label for c in SCORED_CATEGORIES)]
    rows = [
        [escape(p.url), _score(p.score), *(_score(p.categories.get(c)) for c in SCORED_CATEGORIES)]
        for p in worst.result()
    ]
    lines = ["", "### Scores", ""]
    lines += _table(head, rows, numeric=len(head) - 1)
    lines += _more(worst.total, MAX_PAGES, "pages")
    return lines


def _finding_rank(blocking: frozenset[str]) -> Callable[[Finding], tuple[bool, int, str, str]]:
    def rank(f: Finding) -> tuple[bool, int, str, str]:
        return (f.fingerprint not in blocking, SEVERITY_ORDER.index(f.severity), f.url, f.code)

    return rank


def _top_findings(top: Smallest[Finding], comparison: Comparison | None) -> list[str]:
    title = "### New findings" if comparison is not None else "### Top findings"
    if not top.total:
        return []
    rows = []
    for f in top.result():
        where = f.location.selector or ""
        if f.location.line is not None:
            where = f"{where} line {f.location.line}".strip()
        rows.append(
            [
                str(f.severity),
                f"`{f.code}` {f.name}",
                escape(f.url),
                escape(f.message, limit=MESSAGE_LIMIT),
                escape(where, limit=80),
            ]
        )
    lines = ["", title, ""]
    lines += _table(["Severity", "Rule", "Page", "Message", "Where"], rows)
    lines += _more(top.total, MAX_FINDINGS, "findings")
    return lines


def write_markdown(
    out: TextIO,
    pages: Iterable[PageResult],
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
) -> None:
    """The Markdown summary of `pages` and the site findings and summary of `report`,
    to `out`. The pages are read once and let go (the worst `MAX_PAGES` and the top
    `MAX_FINDINGS` findings are all that is kept), so memory stays flat."""
    score = report.summary.get("score")
    tally = PageTally(keep_scores=not isinstance(score, int) or isinstance(score, bool))
    worst: Smallest[PageResult] = Smallest(MAX_PAGES, _score_rank)
    top: Smallest[Finding] = Smallest(
        MAX_FINDINGS, _finding_rank(gate.blocking if gate is not None else frozenset())
    )
    new = comparison.new_fingerprints if comparison is not None else None

    def consider(findings: Iterable[Finding]) -> None:
        for f in findings:
            if new is None or f.fingerprint in new:
                top.add(f)

    for page in tally.count(pages):
        worst.add(page)
        consider(page.findings)
    tally.add_findings(report.site_findings)
    consider(report.site_findings)
    lines = _header(report, gate, tally)
    if comparison is not None:
        lines += _comparison(comparison)
    if tally.pages:
        lines += _scores(worst)
    lines += _top_findings(top, comparison)
    out.write("\n".join(lines) + "\n")


def render_markdown(
    report: Report, *, comparison: Comparison | None = None, gate: GateResult | None = None
) -> str:
    buffer = io.StringIO()
    write_markdown(buffer, report.pages, report, comparison=comparison, gate=gate)
    return buffer.getvalue()
