"""Terminal renderers for the alt-text and heading facts: the image table and the
heading outline tree (registered in `report.text.FACT_RENDERERS`).

The facts are plain JSON data built by `rules.alt_text.facts` (`images`) and
`rules.headings.facts` (`outline`). Every page-derived string reaches rich through
`literal()`/`safe()` inside `Text` objects, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from postaudit.model import Severity
from postaudit.report.terminal import SEVERITY_MARKERS, literal

ALT_LIMIT = 70
HEADING_LIMIT = 80
FILE_LIMIT = 40


def _severity(code: str) -> Severity | None:
    from postaudit.rules import BY_CODE

    found = BY_CODE.get(code)
    return found.severity if found is not None else None


def _worst(codes: Iterable[str]) -> Severity | None:
    severities = [s for s in (_severity(c) for c in codes) if s is not None]
    return max(severities, key=lambda s: s.rank, default=None)


def _markers(codes: Sequence[str]) -> Text:
    """' ▲ H403 ● H405': each code with its severity's marker and colour."""
    out = Text()
    for code in codes:
        sev = _severity(code)
        marker, colour = SEVERITY_MARKERS[sev] if sev is not None else ("•", "")
        out.append(f"  {marker} ", style=colour)
        out.append(str(code), style=f"bold {colour}".strip())
    return out


def _rows(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def _codes(row: Mapping[str, Any]) -> list[str]:
    codes = row.get("codes")
    if not isinstance(codes, Sequence) or isinstance(codes, str | bytes):
        return []
    return [str(c) for c in codes]


def render_images(value: Any) -> RenderableType | None:
    """The judged images: line, file, alt (or its absence), length, verdict."""
    rows = _rows(value)
    if not rows:
        return None
    table = Table(
        title=Text(f"Images ({len(rows)} judged)", style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("Line", justify="right", no_wrap=True, style="dim")
    table.add_column("Image", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("Alt text", ratio=1, overflow="fold")
    table.add_column("Len", justify="right", no_wrap=True)
    table.add_column("Verdict", overflow="fold")
    for row in rows:
        alt = row.get("alt")
        if alt is None:
            name = row.get("name")
            alt_cell = (
                literal(name, "italic", limit=ALT_LIMIT) if name else Text("(no alt)", style="red")
            )
        elif not str(alt).strip():
            alt_cell = Text('(empty: alt="")' if alt == "" else "(whitespace only)", style="dim")
        else:
            alt_cell = literal(alt, limit=ALT_LIMIT)
        image = literal(row.get("file") or row.get("src") or "?", limit=FILE_LIMIT)
        codes = _codes(row)
        worst = _worst(codes)
        verdict = literal(
            row.get("verdict") or "", SEVERITY_MARKERS[worst][1] if worst else "green"
        )
        if codes:
            verdict.append_text(_markers(codes))
        if not row.get("in_article", True):
            verdict.append("  (a linked image outside the article)", style="dim")
        line = row.get("line")
        length = row.get("length")
        table.add_row(
            Text(str(line) if isinstance(line, int) else ""),
            image,
            alt_cell,
            Text(str(length) if isinstance(length, int) else ""),
            verdict,
        )
    return table


def theme_images_text(value: Any, what: str = "outside the article") -> Text | None:
    """'3 outside the article, not judged (2 without alt text)': the `theme_images`
    fact in words (`what` after the count)."""
    if not isinstance(value, Mapping):
        return None
    count, missing = value.get("count"), value.get("without_alt")
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        return None
    line = Text(f"{count} {what}, not judged")
    if isinstance(missing, int) and missing > 0:
        line.append(f" ({missing} without alt text)", style="yellow")
    return line


def render_theme_images(value: Any) -> RenderableType | None:
    """One line under the image table: the images left to the theme."""
    line = theme_images_text(value)
    if line is None:
        return None
    out = Text("Theme images: ", style="bold")
    out.append_text(line)
    return out


def render_outline(value: Any) -> RenderableType | None:
    """The heading outline as a tree, nested by level, with finding markers; headings
    outside the article outline are dimmed and labelled as not counted."""
    rows = _rows(value)
    if not rows:
        return None
    judged = sum(1 for r in rows if r.get("judged"))
    label = Text("Heading outline", style="bold")
    label.append(f"  {judged} in the article outline", style="dim")
    if len(rows) > judged:
        label.append(f"; {len(rows) - judged} elsewhere on the page, not counted", style="dim")
    tree = Tree(label, guide_style="dim")
    stack: list[tuple[int, Tree]] = []
    for row in rows:
        raw_level = row.get("level")
        level = raw_level if isinstance(raw_level, int) else 2
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else tree
        counted = bool(row.get("judged"))
        node = Text(f"h{level} ", style="dim")
        text = row.get("text")
        if text:
            node.append_text(literal(text, "" if counted else "dim", limit=HEADING_LIMIT))
        else:
            node.append("(empty)", style="red italic")
        if not counted:
            where = "after the article" if row.get("after_article") else "outside the article"
            node.append(f"  ({where}, not counted)", style="dim italic")
        node.append_text(_markers(_codes(row)))
        stack.append((level, parent.add(node)))
    return tree
