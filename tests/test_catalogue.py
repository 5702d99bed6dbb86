"""`postaudit rules`: the catalogue and one rule's page."""

from __future__ import annotations

import io

from rich.console import Console

from postaudit.report.catalogue import reflow, render_rule
from postaudit.rules import get


def test_reflow_joins_wrapped_lines_and_keeps_examples() -> None:
    doc = "Summary line.\n\nWhy it matters,\nwrapped here.\n\nFails: <img>\nPasses: <img alt=x>\n    indented"
    assert reflow(doc) == [
        "Summary line.",
        "",
        "Why it matters, wrapped here.",
        "",
        "Fails: <img>",
        "Passes: <img alt=x>",
        "    indented",
    ]


def test_rule_page_wraps_at_the_terminal_width() -> None:
    out = io.StringIO()
    render_rule(Console(file=out, width=60, color_system=None), get("A107"))
    text = out.getvalue()
    assert "Defaults: min_places = 3" in text
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "Fails:" in text and "Passes:" in text
