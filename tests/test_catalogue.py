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


def _render(fn: object, *args: object) -> str:
    out = io.StringIO()
    fn(Console(file=out, width=100, color_system=None), *args)  # type: ignore[operator]
    return out.getvalue()


def test_catalogue_states_the_severity_contract_and_retired_codes() -> None:
    from postaudit.report.catalogue import render_catalogue

    text = " ".join(_render(render_catalogue).split(" \n"))
    head = text.split("postaudit rules", 1)[0]
    assert "error" in head and "a certain failure" in head
    assert "a likely problem a careful editor would fix" in head
    assert "an actionable suggestion" in head
    assert "R309 readability-language-unsupported" in text
    assert "is a fact in the report, not a finding" in text


def test_rule_page_shows_what_its_severity_promises() -> None:
    text = _render(render_rule, get("R302"))
    assert "Severity: warning = a likely problem a careful editor would fix" in text
    assert "Severity: error = a certain failure" in _render(render_rule, get("A101"))


def test_retired_rule_page_says_where_its_job_went() -> None:
    from postaudit.report.catalogue import render_retired
    from postaudit.rules import retired

    gone = retired("R309")
    assert gone is not None
    text = _render(render_retired, gone)
    assert "R309 readability-language-unsupported  (retired)" in text
    assert "not_scored" in text
