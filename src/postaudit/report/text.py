"""The terminal report, drawn with rich.

One block per page: a header (score badge, URL, title, status, article scope), the
category scores with small bars, the findings grouped by category then severity, the
page facts that have a renderer, and the page's counts. A batch of several pages ends
with a summary (pages audited and failed, site score, counts).

Security: every string that comes from a page (URL, title, messages, selectors,
excerpts, fixes, facts) goes through `safe()` and reaches rich only inside `Text`
objects, never as markup, so `[link=...]` or `[bold]` in a title prints literally and
escape sequences cannot reach the terminal. Colour, NO_COLOR and piping are the
business of the `Console` the caller builds; nothing here forces colour.

rich is imported here and nowhere else in the package; the CLI imports this module
lazily so that machine formats do not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from postaudit.judge.scoring import band, site_score
from postaudit.model import (
    SCORED_CATEGORIES,
    SEVERITY_ORDER,
    Category,
    Finding,
    PageResult,
    Report,
    Severity,
)
from postaudit.report.facts_alt_headings import (
    render_images,
    render_outline,
    render_theme_images,
    theme_images_text,
)
from postaudit.report.facts_keywords_readability import (
    render_keywords,
    render_locations,
    render_phrases,
    render_readability,
)
from postaudit.report.facts_links import render_links, render_pagination
from postaudit.report.tally import PageTally
from postaudit.report.terminal import SEVERITY_MARKERS, safe

# --------------------------------------------------------------------------- styles

#: Lighthouse's bands (`scoring.band`) -> colour.
BAND_STYLES: Mapping[str, str] = {
    "pass": "green",
    "average": "dark_orange",
    "fail": "red",
    "none": "grey50",
}

#: Findings are listed in this category order; any other category comes after.
CATEGORY_ORDER: tuple[Category, ...] = (*SCORED_CATEGORIES, Category.FETCH)

TITLE_LIMIT = 300
EXCERPT_LIMIT = 400
BAR_CELLS = 10


def score_style(score: int | None) -> str:
    """The colour of a 0-100 score: green 90-100, dark orange 50-89, red 0-49, grey n/a."""
    return BAND_STYLES[band(score)]


def score_text(score: int | None) -> str:
    return "n/a" if score is None else str(score)


def score_bar(score: int | None) -> Text:
    """Ten cells, filled in proportion to the score, in the score's colour."""
    if score is None:
        return Text("")
    filled = max(0, min(BAR_CELLS, round(score / (100 / BAR_CELLS))))
    return Text.assemble(
        ("█" * filled, score_style(score)),
        ("░" * (BAR_CELLS - filled), "dim"),
    )


def _plural(n: int, word: str) -> str:
    if word == "info" or n == 1:
        return f"{n} {word}"
    return f"{n} {word}s"


def count_severities(findings: Iterable[Finding]) -> dict[Severity, int]:
    out = {s: 0 for s in SEVERITY_ORDER}
    for f in findings:
        out[f.severity] += 1
    return out


def counts_text(counts: Mapping[Severity, int]) -> Text:
    """'1 error · 2 warnings · 0 info', each coloured when non-zero."""
    out = Text()
    for i, sev in enumerate(SEVERITY_ORDER):
        if i:
            out.append(" · ", style="dim")
        n = counts.get(sev, 0)
        out.append(_plural(n, str(sev)), style=SEVERITY_MARKERS[sev][1] if n else "dim")
    return out


# --------------------------------------------------------------------------- facts


def render_encoding(value: Any) -> Text | None:
    """'Damaged text: 3 replacement characters, 1 NUL character (decoded as utf-8)': the
    `encoding` fact, present only when the page's text holds "�" or NUL characters."""
    if not isinstance(value, Mapping):
        return None
    parts = []
    for key, what in (
        ("replacement_characters", "replacement character"),
        ("nul_characters", "NUL character"),
    ):
        n = value.get(key)
        if isinstance(n, int) and n:
            parts.append(f"{n:,} {what}" + ("" if n == 1 else "s"))
    if not parts:
        return None
    out = Text("Damaged text: ", style="yellow")
    out.append(", ".join(parts))
    if value.get("name"):
        out.append(f" (decoded as {safe(str(value['name']))})", style="dim")
    return out


#: facts key -> renderer. After a page's findings, every fact present on the page whose
#: key is listed here is rendered, in this dict's order; a renderer returning None
#: shows nothing. To add one, write `def _render_x(value: Any) -> RenderableType | None`
#: (page-derived strings go through `literal()`/`safe()` into `Text`, never markup)
#: and add one line here, e.g. `"keywords": _render_keywords,`.
#: "title" and "scope" are shown in the page header and need no renderer.
FACT_RENDERERS: dict[str, Callable[[Any], RenderableType | None]] = {
    "images": render_images,
    "theme_images": render_theme_images,
    "outline": render_outline,
    "keywords": render_keywords,
    "locations": render_locations,
    "phrases": render_phrases,
    "readability": render_readability,
    "pagination": render_pagination,
    "links": render_links,
    "encoding": render_encoding,
}


def render_facts(facts: Mapping[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for key, renderer in FACT_RENDERERS.items():
        if key in facts:
            rendered = renderer(facts[key])
            if rendered is not None:
                out.append(rendered)
    return out


def scope_text(scope: Any) -> Text | None:
    """'Article scope: .blog-item-content (squarespace preset) · 1,234 words'."""
    if not isinstance(scope, Mapping):
        return None
    preset = scope.get("preset")
    selector = scope.get("selector")
    words = scope.get("words")
    out = Text("Article scope: ", style="dim")
    if preset == "body":
        out.append("whole <body>", style="yellow")
        out.append(" (no article container found)", style="dim")
    else:
        out.append(safe(str(selector or "?")), style="cyan")
        if preset == "selector":
            out.append(" (--content-selector)", style="dim")
        elif preset:
            out.append(f" ({safe(str(preset))} preset)", style="dim")
    if isinstance(words, int):
        out.append(" · ", style="dim")
        out.append(f"{words:,} word" + ("" if words == 1 else "s"))
    return out


# --------------------------------------------------------------------------- page header


def _badge(score: int | None) -> Panel:
    style = score_style(score)
    return Panel(
        Text(score_text(score), style=f"bold {style}", justify="center"),
        border_style=style,
        box=box.HEAVY if score is not None else box.ROUNDED,
        width=9,
        padding=(0, 1),
    )


def _status_text(status: int | None) -> Text | None:
    if status is None:
        return None
    style = "red" if status >= 400 else "yellow" if status >= 300 else "dim"
    return Text(f"HTTP {status}", style=style)


def _title(page: PageResult) -> Text:
    title = page.facts.get("title")
    if not title:
        return Text("(no title)", style="dim italic")
    return Text(safe(str(title), limit=TITLE_LIMIT), style="bold")


def _header(page: PageResult) -> Panel:
    lines: list[Text] = [Text(safe(page.url), style="bold underline", overflow="fold")]
    if page.final_url and page.final_url != page.url:
        lines.append(
            Text.assemble(("→ ", "dim"), (safe(page.final_url), "underline"), overflow="fold")
        )
    lines.append(_title(page))
    meta = Text()
    for part in (_status_text(page.status), scope_text(page.facts.get("scope"))):
        if part is None:
            continue
        if meta:
            meta.append(" · ", style="dim")
        meta.append_text(part)
    if meta:
        lines.append(meta)
    if page.error is not None:
        lines.append(
            Text.assemble(
                ("✖ Could not audit: ", "bold red"), (safe(page.error), "red"), overflow="fold"
            )
        )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(width=9, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(_badge(page.score), Group(*lines))
    return Panel(grid, border_style=score_style(page.score), padding=(0, 1))


def _quiet_line(page: PageResult) -> Text:
    style = score_style(page.score)
    line = Text(overflow="fold")
    line.append(f"{score_text(page.score):>3}", style=f"bold {style}")
    line.append("  ")
    line.append(safe(page.url), style="bold")
    title = page.facts.get("title")
    if title:
        line.append("  ")
        line.append(safe(str(title), limit=80), style="dim")
    line.append("  ")
    line.append_text(counts_text(page.counts()))
    if page.error is not None:
        line.append("\n     ")
        line.append("✖ Could not audit: ", style="bold red")
        line.append(safe(page.error), style="red")
    return line


# --------------------------------------------------------------------------- categories


def category_table(page: PageResult) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(
        "Category", overflow="fold", min_width=max(len(c.label) for c in SCORED_CATEGORIES)
    )
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("", overflow="fold", min_width=10)
    not_applicable = False
    for cat in SCORED_CATEGORIES:
        score = page.categories.get(cat)
        if score is None:
            not_applicable = True
            why = Text("")
            if cat is Category.ALT_TEXT:  # images on the page, all the theme's: say so
                theme = theme_images_text(page.facts.get("theme_images"), "theme images")
                why = Text.assemble(("no article image; ", "dim"), theme) if theme else why
            table.add_row(Text(cat.label, style="dim"), Text("n/a", style="dim"), why)
        else:
            table.add_row(
                Text(cat.label),
                Text(str(score), style=f"bold {score_style(score)}"),
                score_bar(score),
            )
    if not_applicable:
        table.caption = "n/a = not applicable"
        table.caption_style = "dim"
        table.caption_justify = "left"
    return table


# --------------------------------------------------------------------------- findings


def location_text(finding: Finding) -> str:
    """'line 12 · img#hero', 'line 12', 'img#hero' or '' (page-derived, already made safe)."""
    loc = finding.location
    selector = safe(loc.selector) if loc.selector else ""
    if loc.line is None:
        return selector
    return f"line {loc.line} · {selector}" if selector else f"line {loc.line}"


def _finding_body(finding: Finding, verbose: int) -> Text:
    body = Text(safe(finding.message))
    where = location_text(finding)
    if where:
        body.append("  ")
        body.append(where, style="cyan")
    if finding.fix:
        body.append("\n")
        body.append("→ " + safe(finding.fix), style="dim")
    if verbose >= 1 and finding.location.excerpt:
        body.append("\n")
        body.append(safe(finding.location.excerpt, limit=EXCERPT_LIMIT), style="dim italic")
    return body


def findings_block(findings: Sequence[Finding], *, verbose: int = 0) -> RenderableType:
    """Findings grouped by category (report order) then severity (worst first)."""
    if not findings:
        return Text("✔ No findings", style="green")
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    groups: dict[Category, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (order.get(f.category, len(order)), str(f.category))):
        groups.setdefault(f.category, []).append(f)
    parts: list[RenderableType] = []
    for category, items in groups.items():
        if parts:
            parts.append(Text(""))
        items.sort(key=lambda f: SEVERITY_ORDER.index(f.severity))
        heading = Text(category.label, style="bold")
        heading.append("  ")
        heading.append_text(_group_counts(items))
        parts.append(heading)
        grid = Table.grid(padding=(0, 1), pad_edge=True)
        grid.add_column(no_wrap=True)  # indent
        grid.add_column(no_wrap=True, min_width=9)  # marker + severity ("▲ warning")
        grid.add_column(no_wrap=True, min_width=4)  # code
        grid.add_column(ratio=1, overflow="fold")  # message, location, fix, excerpt
        for f in items:
            marker, colour = SEVERITY_MARKERS[f.severity]
            grid.add_row(
                Text(""),
                Text(f"{marker} {f.severity}", style=colour),
                Text(safe(f.code), style="bold"),
                _finding_body(f, verbose),
            )
        parts.append(grid)
    return Group(*parts)


def _group_counts(items: Sequence[Finding]) -> Text:
    counts = count_severities(items)
    out = Text(style="dim")
    first = True
    for sev in SEVERITY_ORDER:
        if counts[sev]:
            if not first:
                out.append(", ")
            out.append(_plural(counts[sev], str(sev)))
            first = False
    return out


# --------------------------------------------------------------------------- entry point


def render_page(
    console: Console, page: PageResult, *, verbose: int = 0, quiet: bool = False
) -> None:
    if quiet:
        console.print(_quiet_line(page))
        return
    console.print(_header(page))
    if page.error is None or any(page.categories.get(c) is not None for c in SCORED_CATEGORIES):
        console.print(category_table(page))
        console.print()
    console.print(findings_block(page.findings, verbose=verbose))
    for renderable in render_facts(page.facts):
        console.print(renderable)
    console.print(Text.assemble(("Page: ", "dim"), counts_text(page.counts())))


def _site_score(report: Report, tally: PageTally) -> int | None:
    """`summary["score"]` (the runner's); computed from the pages when the key is absent."""
    if "score" not in report.summary:
        return site_score(tally.scores)
    score = report.summary.get("score")
    if isinstance(score, int) and not isinstance(score, bool):
        return score
    return None


def summary_block(report: Report, tally: PageTally) -> RenderableType:
    """The summary of several pages (not a site batch), from their `tally`."""
    failed = tally.unscored_errors
    score = _site_score(report, tally)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Pages audited", Text(str(tally.pages)))
    grid.add_row("Pages failed", Text(str(failed), style="bold red" if failed else ""))
    grid.add_row("Site score", Text(score_text(score), style=f"bold {score_style(score)}"))
    grid.add_row("Findings", counts_text(tally.severities))
    return grid


def is_batch(report: Report) -> bool:
    """A site batch (`postaudit sitemap`, `merge`): its summary has the site figures."""
    return "distribution" in report.summary


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def site_summary_block(report: Report, tally: PageTally) -> RenderableType:
    """The site summary of a batch: pages audited, failed, skipped and not audited; the
    site score and its distribution; the worst pages; the most frequent findings."""
    summary = report.summary
    parts: list[RenderableType] = []
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    failed = _int(summary.get("failed")) or 0
    grid.add_row("Pages audited", Text(f"{_int(summary.get('pages')) or 0:,}"))
    grid.add_row("Failed to fetch", Text(f"{failed:,}", style="bold red" if failed else ""))
    skipped = summary.get("skipped")
    if isinstance(skipped, Mapping) and any(skipped.values()):
        from postaudit.report.skips import describe_skips

        grid.add_row("Skipped", Text(safe(describe_skips(skipped))))
    left = summary.get("not_audited")
    if isinstance(left, list) and left:
        grid.add_row("Not audited", Text(f"{len(left):,} (the run was stopped)", style="bold red"))
    outside = summary.get("outside")
    if isinstance(outside, list) and outside:
        named = [
            safe(f"{item.get('url', '')}: {item.get('reason', '')}")
            for item in outside
            if isinstance(item, Mapping)
        ]
        grid.add_row("Outside the site", Text("\n".join(named)))
    score = _site_score(report, tally)
    grid.add_row("Site score", Text(score_text(score), style=f"bold {score_style(score)}"))
    dist = summary.get("distribution")
    if isinstance(dist, Mapping):
        line = Text()
        for label, example in (("90-100", 95), ("50-89", 70), ("0-49", 10)):
            if line:
                line.append("  ")
            line.append(f"{label}: ", style="dim")
            line.append(str(_int(dist.get(label)) or 0), style=f"bold {score_style(example)}")
        grid.add_row("Distribution", line)
    grid.add_row("Findings", counts_text(tally.severities))
    parts.append(grid)
    worst = summary.get("worst")
    if isinstance(worst, list) and worst:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_justify="left")
        table.title = "Worst pages"
        table.add_column("Score", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("Page", overflow="fold")
        table.add_column("Findings", justify="right", no_wrap=True)
        for row in worst:
            if not isinstance(row, Mapping):
                continue
            value = _int(row.get("score"))
            page = Text(safe(str(row.get("url", ""))))
            if row.get("title"):
                page.append("\n")
                page.append(safe(str(row["title"]), limit=80), style="dim")
            table.add_row(
                Text(score_text(value), style=f"bold {score_style(value)}"),
                score_bar(value),
                page,
                Text(str(_int(row.get("findings")) or 0)),
            )
        parts.append(table)
    frequent = summary.get("frequent")
    if isinstance(frequent, list) and frequent:
        lines = Text()
        for row in frequent:
            if not isinstance(row, Mapping):
                continue
            if lines:
                lines.append("\n")
            n = _int(row.get("pages")) or 0
            lines.append(safe(str(row.get("code", ""))), style="bold")
            lines.append(f" {safe(str(row.get('name', '')))} on {n:,} page{'s' * (n != 1)}")
            count = _int(row.get("findings")) or 0
            lines.append(f" ({count:,} finding{'s' * (count != 1)})", style="dim")
        parts.append(Text("Most frequent findings", style="italic"))
        parts.append(lines)
    return Group(*parts)


def render_text(
    report: Report,
    console: Console,
    *,
    verbose: int = 0,
    quiet: bool = False,
    pages: Iterable[PageResult] | None = None,
) -> None:
    """Print `report` to `console`: each page, site findings, then a summary if several pages.

    `verbose >= 1` adds each finding's markup excerpt; `quiet` prints one line per page
    (score, URL, title, counts) and no findings. A site batch (`is_batch`) prints one
    line per page unless `verbose` (then every page in full), no page lines with `quiet`,
    and ends with the site summary. `pages` (default `report.pages`) are printed in
    the order given, each as it comes.
    """
    batch = is_batch(report)
    tally = PageTally(keep_scores="score" not in report.summary)
    for i, page in enumerate(tally.count(report.pages if pages is None else pages)):
        if batch and (quiet or not verbose):
            if not quiet:
                render_page(console, page, quiet=True)
            continue
        if i and not quiet:
            console.print()
        render_page(console, page, verbose=verbose, quiet=quiet)
    if not tally.pages and not report.site_findings and not batch:
        console.print(Text("No pages audited.", style="dim"))
        return
    tally.add_findings(report.site_findings)
    if report.site_findings:
        if quiet:
            console.print(
                Text.assemble(
                    ("Site: ", "bold"), counts_text(count_severities(report.site_findings))
                )
            )
        else:
            console.print()
            console.print(Rule(Text("Site", style="bold"), align="left"))
            console.print(findings_block(report.site_findings, verbose=verbose))
    if batch:
        console.print()
        console.print(Rule(Text("Site summary", style="bold"), align="left"))
        console.print(site_summary_block(report, tally))
    elif tally.pages > 1:
        if not quiet:
            console.print()
        console.print(Rule(Text("Summary", style="bold"), align="left"))
        console.print(summary_block(report, tally))
