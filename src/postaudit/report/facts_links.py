"""Terminal renderers for the link facts: the previous/next links found and the table
of checked link targets (registered in `report.text.FACT_RENDERERS`).

The facts are plain JSON data built by `rules.links.facts` (`pagination`, `links`).
Every page-derived string reaches rich through `literal()` inside `Text` objects,
never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from postaudit.report.terminal import literal

TITLE_LIMIT = 60
URL_LIMIT = 70

STATE_STYLES: Mapping[str, str] = {
    "ok": "green",
    "redirected": "yellow",
    "broken": "red",
    "unverified": "grey50",
    "skipped": "grey50",
}
_ROLES: Mapping[str, str] = {"prev": "previous", "next": "next"}


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _rows(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def result_text(row: Mapping[str, Any]) -> Text:
    """'200 ok', '301 → 200 redirected', '404 broken', 'unverified: bot_wall (403)'."""
    state = str(row.get("state") or "?")
    style = STATE_STYLES.get(state, "")
    status = row.get("status")
    hops = _rows(row.get("redirects"))
    error = row.get("error")
    out = Text(style=style)
    if hops:
        out.append(" → ".join(str(h.get("status", "?")) for h in hops) + " → ")
    if isinstance(status, int):
        out.append(f"{status} ")
    out.append(state)
    if error and state != "ok":
        out.append(f" ({error})")
    return out


def render_links(value: Any) -> RenderableType | None:
    """One row per checked link target: role, link text, URL (and where it ended), result."""
    data = _mapping(value)
    rows = _rows(data.get("checked")) if data else []
    if not rows:
        return None
    counts = _mapping(data.get("counts")) if data else None
    title = Text(f"Links checked ({len(rows)})", style="bold")
    if counts:
        title.append("  ")
        for i, (state, n) in enumerate(sorted(counts.items())):
            if i:
                title.append(" · ", style="dim")
            title.append(f"{n} {state}", style=STATE_STYLES.get(str(state), ""))
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False
    )
    table.add_column("Role", no_wrap=True, style="dim")
    table.add_column("Link text", ratio=1, overflow="fold")
    table.add_column("Target", ratio=2, overflow="fold")
    table.add_column("Result", overflow="fold")
    for row in rows:
        role = str(row.get("role") or "")
        text = row.get("text")
        text_cell = literal(text, limit=TITLE_LIMIT) if text else Text("(no text)", style="dim")
        target = literal(row.get("href") or row.get("url") or "?", limit=URL_LIMIT)
        final = row.get("final_url")
        if _rows(row.get("redirects")) and final:
            target.append("\n→ ", style="dim")
            target.append_text(literal(final, "dim", limit=URL_LIMIT))
        table.add_row(Text(_ROLES.get(role, role)), text_cell, target, result_text(row))
    return table


def render_pagination(value: Any) -> RenderableType | None:
    """Which previous/next links were found, by which markup, and the head's rel links.
    (Their HTTP results are in the links table.)"""
    data = _mapping(value)
    if data is None:
        return None
    heading = Text("Previous/next post links", style="bold")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    for key in ("prev", "next"):
        side = _mapping(data.get(key))
        if side is None:
            continue
        title = side.get("title") or side.get("text")
        details = [str(side.get("markup") or "")]
        if side.get("direction"):
            details.append(f"{side['direction']} post")
        if isinstance(side.get("line"), int):
            details.append(f"line {side['line']}")
        shown = literal(title, "bold", limit=TITLE_LIMIT) if title else Text("(no title)")
        shown.append("\n")
        shown.append_text(literal(side.get("href") or side.get("url") or "?", "cyan"))
        grid.add_row(Text(_ROLES[key]), shown, literal(" · ".join(d for d in details if d), "dim"))
    for name in data.get("disabled") or ():
        if isinstance(name, str):
            grid.add_row(Text(_ROLES.get(name, name)), Text("(disabled: no such post)"), "")
    head = _mapping(data.get("head")) or {}
    for key in ("prev", "next"):
        if head.get(key):
            grid.add_row(
                Text("head"), literal(head[key], "cyan"), Text(f'<link rel="{key}">', style="dim")
            )
    if not grid.rows:
        heading.append("  none found", style="dim")
        return heading
    return Group(heading, grid)
