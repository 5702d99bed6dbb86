"""The rule pages under docs/rules/, generated from the registry (never edited by hand).

One Markdown page per rule (`docs/rules/CODE.md`: title, category, default severity,
weight, the docstring with its `Fails:`/`Passes:` examples, options and how to configure
it) and an index table (`docs/rules/README.md`). `postaudit rules --write-docs docs/rules`
(or `make docs`) rewrites them all; a test fails when a page is missing, extra or stale.
The pages' own URLs (SARIF `helpUri`) come from `postaudit.project`.
"""

from __future__ import annotations

import re
from pathlib import Path

from postaudit.report.catalogue import catalogue_rows, reflow
from postaudit.rules import ALL_RULES
from postaudit.rules.base import Rule

#: the one command that regenerates the pages (named in the sync test's message)
REGENERATE = "make docs  (or: python -m postaudit rules --write-docs docs/rules)"
PAGE_NAME = re.compile(r"^[A-Z]\d{3}\.md$")
_NOTICE = "<!-- generated from the rule registry by `make docs`; do not edit by hand -->"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _prose(text: str) -> str:
    """Docstring text as Markdown: code spans kept, HTML outside them shown literally."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_escape(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    """`text` as one inline code span, whatever backticks it holds."""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _examples(line: str) -> list[str]:
    items = [item.strip() for item in line.split(":", 1)[1].split(" ; ") if item.strip()]
    return [f"- {_code(item) if item.startswith('<') else _prose(item)}" for item in items]


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    lines = [
        _NOTICE,
        f"# {rule.code} `{rule.name}`",
        "",
        f"**{_prose(rule.title)}**",
        "",
        "| category | default severity | weight |",
        "|---|---|---|",
        f"| {rule.category} | {rule.severity} | {rule.weight:g} |",
        "",
    ]
    fails: list[str] = []
    passes: list[str] = []
    options: list[str] = []
    for paragraph in reflow(rule.doc):
        if paragraph.startswith("Fails:"):
            fails += _examples(paragraph)
        elif paragraph.startswith("Passes:"):
            passes += _examples(paragraph)
        elif paragraph.startswith("Options:"):
            options.append(_prose(paragraph.split(":", 1)[1].strip()))
        elif paragraph.startswith(("- ", "* ")):
            lines.append(f"- {_prose(paragraph[2:])}")
        elif paragraph.strip() or lines[-1]:
            lines.append(_prose(paragraph.strip()))
    while lines[-1] == "":
        lines.pop()
    lines.append("")
    if fails:
        lines += ["## Fails", "", *fails, ""]
    if passes:
        lines += ["## Passes", "", *passes, ""]
    lines += ["## Fix", "", _prose(rule.fix), ""]
    if rule.defaults or options:
        lines += ["## Options", ""]
        lines += [f"{text}" for text in options]
        if options:
            lines.append("")
        if rule.defaults:
            lines += ["| option | default |", "|---|---|"]
            lines += [f"| `{k}` | {_code(repr(v))} |" for k, v in rule.defaults.items()]
            lines.append("")
    lines += [
        "## Configure",
        "",
        "```toml",
        f"[tool.postaudit.rules.{rule.name}]   # or [rules.{rule.name}] in postaudit.toml",
        f'severity = "{rule.severity}"   # error | warning | info | off',
        *(f"{k} = {_toml(v)}" for k, v in rule.defaults.items()),
        "```",
        "",
        f"Select or skip it with `--select {rule.code}` / `--ignore {rule.name}` (codes, prefixes "
        f'such as `{rule.code[:2]}`, or names), in a page with `data-postaudit-ignore="{rule.code}"`; '
        f"`postaudit rules {rule.code}` prints this documentation offline. "
        "See [configuration](../configuration.md) and [all rules](README.md).",
        "",
    ]
    return "\n".join(lines)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def index_page() -> str:
    """docs/rules/README.md: the catalogue table, each code linking to its page."""
    lines = [
        _NOTICE,
        "# Rules",
        "",
        "Every rule postaudit runs, in registry order. A code is stable and never reused; the",
        "letter is the family (`A` alt text and accessibility, `K` keywords and locations, `R`",
        "readability, `H` headings, `L` links, `M` metadata, `X` fetch and tool errors). Select,",
        "ignore and re-grade rules by code, prefix or name: see [configuration](../configuration.md).",
        "`postaudit rules` prints this table; `postaudit rules CODE` prints one page.",
        "",
        "| code | name | category | severity | title |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| [`{c}`]({c}.md) | `{n}` | {cat} | {sev} | {_prose(title)} |"
        for c, n, cat, sev, title in catalogue_rows()
    ]
    return "\n".join(lines) + "\n"


def expected_pages() -> dict[str, str]:
    """File name -> content of every generated page."""
    pages = {f"{r.code}.md": rule_page(r) for r in ALL_RULES}
    pages["README.md"] = index_page()
    return pages


def write_docs(folder: Path) -> list[str]:
    """Rewrite `folder` to hold exactly the generated pages; the names changed or removed."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = expected_pages()
    changed = []
    for stale in sorted(folder.iterdir()):
        if PAGE_NAME.match(stale.name) and stale.name not in pages:
            stale.unlink()
            changed.append(f"removed {stale.name}")
    for name, text in pages.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(f"wrote {name}")
    return changed
