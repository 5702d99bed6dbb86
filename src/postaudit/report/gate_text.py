"""The terminal's view of the CI gate: the baseline comparison table and the verdict.

Printed after `report.text.render_text`. Page-derived strings go through `safe()`
into `Text` objects only, as everywhere in the text report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from postaudit.judge.gate import GateResult
from postaudit.report.terminal import safe

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison

MESSAGE_LIMIT = 200


def _label(score: str) -> str:
    return "page score" if score == "score" else f"{score} score"


def comparison_table(comparison: Comparison) -> Table:
    """One row per change: rule (or score), page, baseline, now. Regressions first."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column("Rule", overflow="fold", ratio=3)
    table.add_column("Page", overflow="fold", ratio=2)
    table.add_column("Baseline", justify="right", no_wrap=True)
    table.add_column("Now", justify="right", no_wrap=True)
    regressions: list[tuple[Text, Text, Text, str, str]] = []
    tolerated: list[tuple[Text, Text, Text, str, str]] = []
    good: list[tuple[Text, Text, Text, str, str]] = []
    for r in comparison.rules:
        page = Text(safe(r.url))
        if r.new:
            rule = Text.assemble((r.code, "bold"), " ", r.name)
            for f in r.new:
                rule.append("\n")
                rule.append(safe(f.message, limit=MESSAGE_LIMIT), style="dim")
            regressions.append(
                (Text("▲ new", style="red"), rule, page, str(r.baseline), str(r.now))
            )
        if r.fixed:
            rule = Text.assemble((r.code, "bold"), " ", r.name)
            good.append((Text("✔ fixed", style="green"), rule, page, str(r.baseline), str(r.now)))
    for s in comparison.scores:
        cells = (Text(_label(s.score)), Text(safe(s.url)), str(s.baseline), str(s.now))
        if s.regression:
            regressions.append((Text("▼ score", style="red"), *cells))
        elif s.delta < 0:
            tolerated.append((Text("▼ within tolerance", style="yellow"), *cells))
        else:
            good.append((Text("▲ score", style="green"), *cells))
    pages: list[tuple[Text, Text, Text, str, str]] = []
    for url in comparison.new_pages:
        pages.append((Text("+ new page", style="cyan"), Text("—"), Text(safe(url)), "—", "new"))
    for url in comparison.removed_pages:
        pages.append((Text("− gone", style="dim"), Text("—"), Text(safe(url)), "page", "—"))
    for url in comparison.unmeasured_pages:
        pages.append(
            (Text("? unreachable", style="yellow"), Text("—"), Text(safe(url)), "page", "—")
        )
    for row in (*regressions, *tolerated, *good, *pages):
        table.add_row(*row)
    return table


def comparison_block(comparison: Comparison) -> RenderableType:
    new = len(comparison.new_findings)
    drops = len(comparison.score_drops)
    fixed = len(comparison.fixed_findings)
    gains = len(comparison.score_gains)
    summary = Text()
    summary.append(f"{new} new finding{'s' if new != 1 else ''}", style="red" if new else "dim")
    summary.append(" · ", style="dim")
    summary.append(
        f"{drops} score drop{'s' if drops != 1 else ''} beyond {comparison.tolerance}",
        style="red" if drops else "dim",
    )
    summary.append(" · ", style="dim")
    summary.append(f"{fixed} fixed", style="green" if fixed else "dim")
    summary.append(" · ", style="dim")
    summary.append(
        f"{gains} score{'s' if gains != 1 else ''} up", style="green" if gains else "dim"
    )
    title = Text.assemble(("Baseline ", "bold"), (safe(comparison.baseline), "bold cyan"))
    parts: list[RenderableType] = [Rule(title, align="left"), summary]
    if comparison.rules or comparison.scores or comparison.new_pages or comparison.removed_pages:
        parts.append(comparison_table(comparison))
    else:
        parts.append(Text("No changes against the baseline.", style="dim"))
    return Group(*parts)


def gate_block(gate: GateResult) -> RenderableType:
    if gate.passed:
        return Text("✔ Gate passed", style="bold green")
    out = Text("✖ Gate failed", style="bold red")
    for reason in gate.reasons:
        out.append("\n  • ")
        out.append(safe(reason))
    return out


def render_gate(
    console: Console, gate: GateResult | None, comparison: Comparison | None = None
) -> None:
    if comparison is not None:
        console.print()
        console.print(comparison_block(comparison))
    if gate is not None:
        console.print()
        console.print(gate_block(gate))
