"""The rule catalogue in the terminal: `postaudit rules` and `postaudit rules CODE`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from postaudit.model import SEVERITY_CONTRACT, SEVERITY_ORDER, Severity
from postaudit.rules import ALL_RULES, RETIRED, RetiredRule
from postaudit.rules.base import Rule

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def catalogue_rows() -> list[tuple[str, str, str, str, str]]:
    """(code, name, category, severity, title) for every rule, in registry order."""
    return [(r.code, r.name, str(r.category), str(r.severity), r.title) for r in ALL_RULES]


def markdown_table() -> str:
    """The catalogue as a Markdown table (`postaudit rules --markdown`; docs/rules/README.md
    carries the same rows, with links, tested to match)."""
    lines = ["| code | name | category | severity | title |", "|---|---|---|---|---|"]
    lines += [
        f"| `{c}` | `{n}` | {cat} | {sev} | {title} |" for c, n, cat, sev, title in catalogue_rows()
    ]
    return "\n".join(lines) + "\n"


def contract_lines() -> list[Text]:
    """The severity contract, one line per severity, worst first."""
    width = max(len(s) for s in SEVERITY_CONTRACT)
    return [
        Text.assemble(
            (f"{severity:<{width}}", SEVERITY_STYLE[severity]), f"  {SEVERITY_CONTRACT[severity]}"
        )
        for severity in SEVERITY_ORDER
    ]


def render_catalogue(console: Console) -> None:
    console.print(Text("Severities:", style="bold"))
    for line in contract_lines():
        console.print(Text("  ").append_text(line))
    table = Table(title="postaudit rules", title_justify="left", show_lines=False)
    for col in ("code", "name", "category", "severity", "title"):
        table.add_column(col, overflow="fold")
    for code, name, category, severity, title in catalogue_rows():
        table.add_row(
            code, name, category, Text(severity, style=SEVERITY_STYLE[Severity(severity)]), title
        )
    console.print(table)
    if RETIRED:
        retired = ", ".join(f"{r.code} {r.name}" for r in RETIRED)
        console.print(
            Text(f"Retired (codes are never reused; selecting them is no error): {retired}")
        )
    console.print(
        Text(
            "A note about the tool itself (a language it cannot measure, a scope it could "
            "not find) is a fact in the report, not a finding.",
            style="dim",
        )
    )
    console.print(Text("postaudit rules CODE shows one rule's documentation.", style="dim"))


def render_retired(console: Console, rule: RetiredRule) -> None:
    console.print(Text.assemble((rule.code, "bold"), " ", (rule.name, "bold cyan"), "  (retired)"))
    console.print()
    console.print(Text(f"Retired: {rule.reason}."))
    console.print(
        Text(
            "The code is never reused; --select, --ignore and config entries naming it match "
            "no rule and are no error.",
            style="dim",
        )
    )


_KEEP_LINE = ("Fails:", "Passes:", "Options:", "- ", "* ", "|")


def reflow(doc: str) -> list[str]:
    """Docstring paragraphs with their hard line breaks removed, so the terminal wraps
    them at its own width; `Fails:`/`Passes:`/`Options:` lines, list items and indented
    lines keep their own lines."""
    out: list[str] = []
    current: list[str] = []
    for line in doc.splitlines():
        stripped = line.strip()
        if not stripped:
            if current:
                out.append(" ".join(current))
                current = []
            out.append("")
            continue
        if stripped.startswith(_KEEP_LINE) or line.startswith((" ", "\t")):
            if current:
                out.append(" ".join(current))
                current = []
            out.append(line.rstrip())
            continue
        current.append(stripped)
    if current:
        out.append(" ".join(current))
    return out


def render_rule(console: Console, rule: Rule) -> None:
    head = Text.assemble(
        (rule.code, "bold"), " ", (rule.name, "bold cyan"), f"  ({rule.category}, "
    )
    head.append(str(rule.severity), style=SEVERITY_STYLE[rule.severity])
    head.append(f", weight {rule.weight:g})")
    console.print(head)
    console.print(Text(rule.title, style="italic"))
    console.print(
        Text.assemble(
            ("Severity: ", "bold"),
            (str(rule.severity), SEVERITY_STYLE[rule.severity]),
            f" = {rule.severity.meaning}",
        )
    )
    console.print()
    for paragraph in reflow(rule.doc):
        console.print(Text(paragraph))
    console.print()
    console.print(Text.assemble(("Fix: ", "bold"), rule.fix))
    if rule.defaults:
        opts = ", ".join(f"{k} = {v!r}" for k, v in rule.defaults.items())
        console.print(Text.assemble(("Defaults: ", "bold"), opts))
        console.print(
            Text(
                f"Set in config: [tool.postaudit.rules.{rule.name}] or --rule-option {rule.name}.KEY=VALUE",
                style="dim",
            )
        )
