"""Terminal renderers for the keyword, location, phrase and readability facts
(registered in `report.text.FACT_RENDERERS`).

The facts are plain JSON data built by `rules.keywords.facts` (`keywords`,
`locations`, `phrases`) and `rules.readability.facts` (`readability`). Page-derived
strings (keyphrases, places, slugs, phrases, paragraph openings) reach rich through
`literal()`/`safe()` inside `Text` objects, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from postaudit.report.terminal import literal, safe

YES = ("✓", "green")
NO = ("✗", "red")
NA = ("–", "dim")
PHRASE_LIMIT = 40


def _rows(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def _get(row: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = row.get(key)
    return value if isinstance(value, Mapping) else {}


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _mark(found: Any, detail: str = "") -> Text:
    """'✓ 2', '✗', '–' (not applicable)."""
    symbol, style = YES if found is True else NO if found is False else NA
    out = Text(symbol, style=style)
    if detail:
        out.append(" " + detail, style="" if found is not None else "dim")
    return out


def _count_cell(place: Mapping[str, Any]) -> Text:
    count = _num(place.get("count"))
    found = place.get("found")
    return _mark(found, f"{int(count)}" if found and count and count > 1 else "")


def _ratio_cell(part: Any, whole: Any, extra: str = "") -> Text:
    p, w = _num(part), _num(whole)
    if p is None or w is None or w == 0:
        return _mark(None, "none on the page")
    return _mark(p > 0, f"{int(p)} of {int(w)}{extra}")


def render_keywords(value: Any) -> RenderableType | None:
    """Keyword coverage: one column per keyphrase, one row per placement."""
    rows = _rows(value)
    if not rows:
        return None
    table = Table(
        title=Text("Keyword coverage", style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("Placement", style="dim", no_wrap=True)
    for row in rows:
        head = literal(row.get("keyword", "?"), "bold", limit=PHRASE_LIMIT)
        if row.get("match") == "exact":
            head.append(" (exact)", style="dim")
        table.add_column(head, overflow="fold")

    def line(label: str, cell: Any) -> None:
        table.add_row(label, *(cell(r) for r in rows))

    line("Title", lambda r: _count_cell(_get(r, "title")))
    line("Meta description", lambda r: _count_cell(_get(r, "meta_description")))
    line("H1", lambda r: _count_cell(_get(r, "h1")))
    line("URL slug", lambda r: _mark(_get(r, "slug").get("found")))
    line("Introduction", lambda r: _count_cell(_get(r, "introduction")))

    def subheads(r: Mapping[str, Any]) -> Text:
        s = _get(r, "subheadings")
        share = _num(s.get("share"))
        return _ratio_cell(
            s.get("mentioning"), s.get("total"), f" ({share:.0f}%)" if share is not None else ""
        )

    line("Subheadings (h2/h3)", subheads)

    def body(r: Mapping[str, Any]) -> Text:
        b = _get(r, "body")
        count, density = _num(b.get("count")), _num(b.get("density"))
        if count is None:
            return _mark(None)
        detail = f"{int(count)}×" + (f" · {density:.2f}%" if density is not None else "")
        return _mark(count > 0, detail)

    line("Body (count · density)", body)
    line(
        "Image alt text",
        lambda r: _ratio_cell(_get(r, "alt_text").get("images"), _get(r, "alt_text").get("total")),
    )
    line(
        "Link text",
        lambda r: _ratio_cell(_get(r, "link_text").get("links"), _get(r, "link_text").get("total")),
    )
    if any(r.get("hidden") for r in rows):
        line(
            "Hidden places",
            lambda r: literal(r.get("hidden") or "–", "yellow" if r.get("hidden") else "dim"),
        )
    return table


def render_locations(value: Any) -> RenderableType | None:
    """Location coverage: one row per place, one column per kind of place."""
    rows = _rows(value)
    if not rows:
        return None
    table = Table(
        title=Text("Location coverage", style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    columns = (
        ("Body", "body"),
        ("Heads", "headings"),
        ("Page", "page_text"),
        ("Title", "title"),
        ("Meta", "meta_description"),
        ("Alt", "alt_text"),
        ("Hidden", "hidden"),
        ("JSON-LD", "structured_data"),
    )
    table.add_column("Location", no_wrap=True, overflow="ellipsis", max_width=24)
    for label, _key in columns:
        table.add_column(label, justify="center", no_wrap=True)
    for row in rows:
        cells: list[Text] = []
        for _label, key in columns:
            v = row.get(key)
            if isinstance(v, bool):
                cells.append(_mark(v))
            elif (n := _num(v)) is not None:
                bad_if_present = key in ("alt_text", "hidden")
                style = ("yellow" if bad_if_present else "green") if n else "dim"
                cells.append(Text(str(int(n)), style=style))
            else:
                cells.append(_mark(None))
        visible = (_num(row.get("page_text")) or 0) > 0
        name = literal(
            row.get("location", "?"), "bold" if visible else "bold yellow", limit=PHRASE_LIMIT
        )
        table.add_row(name, *cells)
    table.caption = (
        "Body: article prose · Heads: headings · Page: any visible text of the page · "
        "Alt and Hidden (title/aria-label attributes, hidden elements) are not visible text"
    )
    table.caption_style = "dim"
    table.caption_justify = "left"
    return table


def render_phrases(value: Any) -> RenderableType | None:
    """The most frequent two- and three-word phrases, when no keyphrase is configured."""
    if not isinstance(value, Mapping):
        return None
    two = _rows(value.get("two_word"))
    three = _rows(value.get("three_word"))
    if not two and not three:
        return None
    table = Table(
        title=Text.assemble(
            ("Top phrases", "bold"), ("  no keyphrase given: pick one with -k PHRASE", "dim")
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("Two words", overflow="fold")
    table.add_column("×", justify="right", style="dim")
    table.add_column("Three words", overflow="fold")
    table.add_column("×", justify="right", style="dim")
    for i in range(max(len(two), len(three))):
        cells: list[Text] = []
        for items in (two, three):
            if i < len(items):
                cells.append(literal(items[i].get("phrase", ""), limit=PHRASE_LIMIT))
                cells.append(Text(str(items[i].get("count", ""))))
            else:
                cells += [Text(""), Text("")]
        table.add_row(*cells)
    return table


#: Flesch Reading Ease bands (Flesch 1948, as Yoast's old check labelled them).
_FRE_BANDS = (
    (90, "very easy", "green"),
    (80, "easy", "green"),
    (70, "fairly easy", "green"),
    (60, "plain English", "green"),
    (50, "fairly difficult", "dark_orange"),
    (30, "difficult", "dark_orange"),
    (-1e9, "very difficult", "red"),
)


def _fre_text(score: float) -> Text:
    label, style = next((lbl, sty) for floor, lbl, sty in _FRE_BANDS if score >= floor)
    return Text.assemble((f"{score:.1f}", f"bold {style}"), (f"  {label}", style))


def _share_text(value: Any, limit: float, label: str) -> Text:
    if not isinstance(value, Mapping):
        return Text("n/a (English only)", style="dim")
    share, count = _num(value.get("share")), _num(value.get("count"))
    if share is None:
        return Text("–", style="dim")
    style = "dark_orange" if share > limit else "green"
    return Text.assemble((f"{share:.0f}%", style), (f"  {int(count or 0)} {label}", "dim"))


def render_readability(value: Any) -> RenderableType | None:
    """Readability figures and what text they were computed on."""
    if not isinstance(value, Mapping):
        return None
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    lang = literal(value.get("lang") or "?")
    source = value.get("lang_source")
    if source == "option":
        lang.append("  (from --lang)", style="dim")
    elif source == "default":
        lang.append("  (no <html lang>: English assumed)", style="dim")
    if value.get("supported") is False:
        lang.append("  not scored: textstat has no formulas for it", style="yellow")
    elif isinstance(value.get("prose_lang"), str):
        lang.append(f"  not scored: the prose reads as {value['prose_lang']!r}", style="yellow")
    grid.add_row("Language", lang)
    measured = _get(value, "measured")
    words = _num(value.get("words")) or 0
    sentences = _num(value.get("sentences")) or 0
    minutes = _num(value.get("reading_time_minutes")) or 0
    grid.add_row(
        "Length",
        Text(f"{int(words):,} words · {int(sentences):,} sentences · {minutes:.1f} min read"),
    )
    measured_text = Text()
    measured_text.append_text(literal(measured.get("first_words", ""), "italic", limit=80))
    measured_text.append(" … ", style="dim")
    measured_text.append_text(literal(measured.get("last_words", ""), "italic", limit=80))
    excluded = measured.get("excluded")
    if isinstance(excluded, Mapping) and excluded:
        parts = ", ".join(
            _plural(int(n), safe_key(k)) for k, n in excluded.items() if _num(n) is not None
        )
        measured_text.append(f"\nleft out: {parts}", style="dim")
    grid.add_row("Measured", measured_text)
    fre = _num(value.get("flesch_reading_ease"))
    if fre is not None:
        grid.add_row("Flesch Reading Ease", _fre_text(fre))
    grades = [
        ("Flesch-Kincaid grade", "flesch_kincaid_grade"),
        ("Gunning Fog", "gunning_fog"),
        ("SMOG", "smog_index"),
        ("Coleman-Liau", "coleman_liau_index"),
        ("Dale-Chall", "dale_chall_readability_score"),
        ("Consensus grade", "text_standard"),
    ]
    shown = [(label, _num(value.get(key))) for label, key in grades]
    if any(v is not None for _l, v in shown):
        grid.add_row(
            "Grade levels",
            Text("  ".join(f"{label} {v:.1f}" for label, v in shown if v is not None)),
        )
    long = _get(value, "long_sentences")
    over = int(_num(long.get("over_words")) or 20)
    grid.add_row("Long sentences", _share_text(long, 25, f"over {over} words"))
    grid.add_row("Passive voice", _share_text(value.get("passive_voice"), 10, "sentences"))
    transition = value.get("transition_words")
    grid.add_row(
        "Transition words",
        _share_text(transition, 100, "sentences")
        if isinstance(transition, Mapping)
        else Text("n/a (English only)", style="dim"),
    )
    paragraphs = _rows(value.get("longest_paragraphs"))
    if paragraphs:
        lines = Text()
        for i, p in enumerate(paragraphs):
            if i:
                lines.append("\n")
            n = int(_num(p.get("words")) or 0)
            lines.append(f"{n:>4} words  ", style="dark_orange" if n > 150 else "")
            lines.append_text(literal(p.get("starts", ""), "italic", limit=70))
            line_no = _num(p.get("line"))
            if line_no is not None:
                lines.append(f"  line {int(line_no)}", style="cyan")
        grid.add_row("Longest paragraphs", lines)
    return Group(Text("Readability", style="bold"), grid)


_PLURALS = {"hidden": "hidden blocks", "code": "code blocks", "table": "table cells"}


def _plural(n: int, kind: str) -> str:
    if kind in _PLURALS:
        return f"{n} {_PLURALS[kind] if n != 1 else _PLURALS[kind].rsplit('s', 1)[0]}"
    return f"{n} {kind}{'' if n == 1 else 's'}"


def safe_key(key: Any) -> str:
    return safe(str(key))
