"""Output plumbing: which formats go where, and rendering each one.

`--format` is repeatable: `--format text --format sarif=results.sarif` prints text and
writes SARIF to a file. At most one format goes to stdout; `-o FILE` sends that one
to a file instead. `auto` becomes `github` under GitHub Actions (GITHUB_ACTIONS=true),
else `text`, which rich colours on a terminal only (and never with --no-color or
NO_COLOR). When the `github` format runs and
GITHUB_STEP_SUMMARY names a file, the Markdown summary is appended to it.

Renderers are imported lazily, so machine formats never pay for rich.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from postaudit.config import FORMATS
from postaudit.gate import GateResult
from postaudit.model import Report

if TYPE_CHECKING:
    from rich.console import Console

    from postaudit.baseline import Comparison

FILE_WIDTH = 100  # columns of a text report written to a file


class OutputError(ValueError):
    """A usage problem with --format / -o, or a file that cannot be written (exit 2)."""


@dataclass(frozen=True, slots=True)
class Output:
    format: str  # a concrete format: never "auto"
    path: str | None  # None = stdout
    color: bool = False  # text on stdout: colour allowed (rich adds it on a terminal only)


def resolve_auto(env: Mapping[str, str]) -> str:
    """The format `auto` stands for: `github` under GitHub Actions, else `text` (which
    rich colours only on a terminal)."""
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def plan(
    specs: Sequence[str],
    output: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    no_color: bool = False,
) -> list[Output]:
    """Parse `FORMAT` / `FORMAT=PATH` specs (none = text) into outputs."""
    env = os.environ if env is None else env
    color = not no_color and not env.get("NO_COLOR")
    outputs: list[Output] = []
    for spec in specs or ("text",):
        name, sep, path = spec.partition("=")
        name = name.strip().lower()
        if name not in FORMATS:
            raise OutputError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
        if sep and not path.strip():
            raise OutputError(f"--format {spec!r}: give a file after '='")
        if name == "auto":
            name = resolve_auto(env)
        target = path.strip() or None
        outputs.append(Output(name, target, color and target is None))
    to_stdout = [o for o in outputs if o.path is None]
    if len(to_stdout) > 1:
        names = ", ".join(o.format for o in to_stdout)
        raise OutputError(
            f"only one format can go to stdout (got {names}); write the others to files, "
            "e.g. --format sarif=results.sarif"
        )
    if output is not None:
        if not to_stdout:
            raise OutputError("-o/--output needs a --format without '=PATH'")
        outputs = [Output(o.format, output) if o.path is None else o for o in outputs]
    paths = [o.path for o in outputs if o.path is not None]
    if len(set(paths)) != len(paths):
        raise OutputError("two formats would write the same file")
    return outputs


def text_console(
    file: TextIO | None = None, *, color: bool = False, width: int | None = None
) -> Console:
    """A console for the text report: `file=None` is stdout, where rich shows colour
    only on a terminal (and never with `color=False`); a file gets plain text."""
    from rich.console import Console

    return Console(file=file, no_color=not color, highlight=False, soft_wrap=False, width=width)


def print_text(
    console: Console,
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    verbose: int = 0,
    quiet: bool = False,
) -> None:
    """The text report, then the baseline comparison and the gate's verdict."""
    from postaudit.report.gate_text import render_gate
    from postaudit.report.text import render_text

    render_text(report, console, verbose=verbose, quiet=quiet)
    render_gate(console, gate, comparison)


def render(
    fmt: str,
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    fail_on: str = "error",
    verbose: int = 0,
    quiet: bool = False,
) -> str:
    """One format as a string (text as it would be written to a file)."""
    if fmt == "json":
        from postaudit.report.json import render_json

        return render_json(report, comparison=comparison)
    if fmt == "jsonl":
        from postaudit.report.jsonl import render_jsonl

        return render_jsonl(report)
    if fmt == "html":
        from postaudit.report.html import render_html

        return render_html(report, comparison=comparison, gate=gate)
    if fmt == "sarif":
        from postaudit.report.sarif import render_sarif

        return render_sarif(report, comparison=comparison)
    if fmt == "junit":
        from postaudit.report.junit import render_junit

        return render_junit(report, gate=gate, fail_on=fail_on)
    if fmt == "github":
        from postaudit.report.github import render_github

        return render_github(report, comparison=comparison, gate=gate)
    if fmt == "markdown":
        from postaudit.report.markdown import render_markdown

        return render_markdown(report, comparison=comparison, gate=gate)
    if fmt == "text":
        buffer = io.StringIO()
        console = text_console(buffer, width=FILE_WIDTH)
        print_text(console, report, comparison=comparison, gate=gate, verbose=verbose, quiet=quiet)
        return buffer.getvalue()
    raise OutputError(f"unknown format {fmt!r}")


def emit(
    outputs: Sequence[Output],
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    fail_on: str = "error",
    verbose: int = 0,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
    echo: Callable[[str], object] | None = None,
) -> None:
    """Render every output to its file or to stdout (`echo`); then append the
    Markdown job summary when a github output ran and GITHUB_STEP_SUMMARY is set."""
    env = os.environ if env is None else env
    write_stdout = echo or sys.stdout.write
    for out in outputs:
        if out.path is None and out.format == "text":
            console = text_console(color=out.color)
            print_text(
                console, report, comparison=comparison, gate=gate, verbose=verbose, quiet=quiet
            )
            continue
        text = render(
            out.format,
            report,
            comparison=comparison,
            gate=gate,
            fail_on=fail_on,
            verbose=verbose,
            quiet=quiet,
        )
        if out.path is None:
            write_stdout(text)
        else:
            write_file(out.path, text)
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary and any(o.format == "github" for o in outputs):
        from postaudit.report.markdown import render_markdown

        append_file(summary, render_markdown(report, comparison=comparison, gate=gate))


def write_file(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


def append_file(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
