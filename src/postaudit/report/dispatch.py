"""Output plumbing: which formats go where, and rendering each one.

`--format` is repeatable: `--format text --format sarif=results.sarif` prints text and
writes SARIF to a file. At most one format goes to stdout; `-o FILE` sends that one
to a file instead. `auto` becomes `github` under GitHub Actions (GITHUB_ACTIONS=true),
else `text`, which rich colours on a terminal only (and never with --no-color or
NO_COLOR). When the `github` format runs and
GITHUB_STEP_SUMMARY names a file, the Markdown summary is appended to it.

Renderers are imported lazily, so machine formats never pay for rich. Files are
written whole or not at all (`postaudit.safeio`); one output that cannot be written
does not stop the others.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, cast

from postaudit.config import FORMATS
from postaudit.judge.gate import GateResult
from postaudit.model import PageResult, Report
from postaudit.safeio import atomic_text, silence_stdout, write_error, write_text_atomic

if TYPE_CHECKING:
    from rich.console import Console

    from postaudit.judge.baseline import Comparison

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
    pages: Iterable[PageResult] | None = None,
) -> None:
    """The text report (of `pages`, default `report.pages`), then the baseline
    comparison and the gate's verdict."""
    from postaudit.report.gate_text import render_gate
    from postaudit.report.text import render_text

    render_text(report, console, verbose=verbose, quiet=quiet, pages=pages)
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
        write_streamed(
            "text",
            buffer,
            lambda: report.pages,
            report,
            comparison=comparison,
            gate=gate,
            verbose=verbose,
            quiet=quiet,
        )
        return buffer.getvalue()
    raise OutputError(f"unknown format {fmt!r}")


#: Writes the JSON report to a stream (a streamed JSON, e.g. `JsonSpool.write_json`).
JsonWriter = Callable[[TextIO, "Comparison | None"], None]

#: The pages of a report in URL order, read anew at each call (e.g. `JsonSpool.pages`).
PageSource = Callable[[], Iterable[PageResult]]

#: The formats written page by page from a `PageSource` (with JSON: `JsonWriter`), so a
#: sitemap run or a merge need not keep every page's full result for them: every one
#: (a sitemap run streams its JSONL outputs as each page finishes instead).
STREAMED = frozenset({"json", "jsonl", "sarif", "junit", "html", "markdown", "github", "text"})


def write_streamed(
    fmt: str,
    out: TextIO,
    pages: PageSource,
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    fail_on: str = "error",
    verbose: int = 0,
    quiet: bool = False,
) -> None:
    """A format of `STREAMED` but JSON to `out`, with the pages from `pages` (in URL
    order) and the summary and site findings from `report`: the same bytes as `render`
    of a report holding those pages. Text is drawn for a file (`FILE_WIDTH`, no colour)."""
    if fmt == "sarif":
        from postaudit.report.sarif import write_sarif

        write_sarif(out, pages(), report.site_findings, comparison=comparison)
    elif fmt == "junit":
        from postaudit.report.junit import write_junit

        write_junit(out, pages, report.site_findings, gate=gate, fail_on=fail_on)
    elif fmt == "jsonl":
        from postaudit.report.jsonl import write_jsonl

        write_jsonl(out, pages(), report)
    elif fmt == "html":
        from postaudit.report.html import write_html

        write_html(out, pages, report, comparison=comparison, gate=gate)
    elif fmt == "markdown":
        from postaudit.report.markdown import write_markdown

        write_markdown(out, pages(), report, comparison=comparison, gate=gate)
    elif fmt == "github":
        from postaudit.report.github import write_github

        write_github(out, pages(), report, comparison=comparison, gate=gate)
    elif fmt == "text":
        console = text_console(out, width=FILE_WIDTH)
        print_text(
            console,
            report,
            comparison=comparison,
            gate=gate,
            verbose=verbose,
            quiet=quiet,
            pages=pages(),
        )
    else:
        raise OutputError(f"format {fmt!r} is not streamed")


class _Echo(io.TextIOBase):
    """A text stream whose writes go to `echo` (stdout as the CLI writes it)."""

    def __init__(self, echo: Callable[[str], object]) -> None:
        super().__init__()
        self._echo = echo

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._echo(text)
        return len(text)


def _json_to(json_writer: JsonWriter, comparison: Comparison | None) -> Callable[[TextIO], None]:
    def write(out: TextIO) -> None:
        json_writer(out, comparison)

    return write


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
    json_writer: JsonWriter | None = None,
    pages: PageSource | None = None,
) -> None:
    """Render every output to its file or to stdout (`echo`); then append the
    Markdown job summary when a github output ran and GITHUB_STEP_SUMMARY is set.
    `json_writer` writes the JSON outputs instead of `render` (a streamed report);
    with `pages`, the other `STREAMED` formats are written from them (`report.pages`
    is then not read for those formats).

    Each file is written whole or not at all (`write_file`). An output that fails does
    not stop the others: they are all written, then one `OutputError` names every
    output that failed."""
    env = os.environ if env is None else env
    write_stdout = echo or sys.stdout.write
    failed: list[str] = []
    for out in outputs:
        try:
            if out.path is None and out.format == "text":
                console = text_console(color=out.color)
                print_text(
                    console,
                    report,
                    comparison=comparison,
                    gate=gate,
                    verbose=verbose,
                    quiet=quiet,
                    pages=pages() if pages is not None else None,
                )
                flush_stdout()
                continue
            writer: Callable[[TextIO], None] | None = None
            if out.format == "json" and json_writer is not None:
                writer = _json_to(json_writer, comparison)
            elif out.format in STREAMED and out.format != "json" and pages is not None:
                writer = functools.partial(
                    write_streamed,
                    out.format,
                    pages=pages,
                    report=report,
                    comparison=comparison,
                    gate=gate,
                    fail_on=fail_on,
                    verbose=verbose,
                    quiet=quiet,
                )
            if writer is not None:  # written as it is made, not rendered whole first
                if out.path is None:
                    # the page-text formats go where `render`'s string would have gone
                    stream: TextIO = sys.stdout
                    if echo is not None and out.format in _ECHOED:
                        stream = cast("TextIO", _Echo(echo))
                    writer(stream)
                    flush_stdout()
                else:
                    with atomic_text(out.path) as fh:
                        writer(fh)
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
                flush_stdout()
            else:
                write_file(out.path, text)
        except OutputError as exc:
            failed.append(str(exc))
        except OSError as exc:
            failed.append(stdout_error(exc) if out.path is None else write_error(out.path, exc))
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary and any(o.format == "github" for o in outputs):
        try:
            append_file(summary, _step_summary(report, pages, comparison, gate))
        except OutputError as exc:
            failed.append(str(exc))
    if failed:
        raise OutputError("; ".join(failed))


def _step_summary(
    report: Report,
    pages: PageSource | None,
    comparison: Comparison | None,
    gate: GateResult | None,
) -> str:
    """The Markdown job summary, of `pages` when given (else `report.pages`)."""
    from postaudit.report.markdown import write_markdown

    buffer = io.StringIO()
    source = report.pages if pages is None else pages()
    write_markdown(buffer, source, report, comparison=comparison, gate=gate)
    return buffer.getvalue()


#: Streamed formats that go to stdout through `echo`, as their rendered string did
_ECHOED = frozenset({"html", "markdown", "github"})


def flush_stdout() -> None:
    """Flush stdout now, so that a full or closed stdout is an `OSError` here."""
    sys.stdout.flush()


def stdout_error(exc: OSError) -> str:
    """The message for a stdout that cannot be written; stdout is pointed at
    /dev/null so that Python's own flush at exit does not fail again."""
    silence_stdout()
    return f"cannot write to stdout: {exc.strerror or exc}"


def write_file(path: str, text: str) -> None:
    """`text` as the new content of `path`, written whole or not at all (a temporary
    file beside it, moved into place)."""
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(write_error(path, exc)) from None


def append_file(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(write_error(path, exc)) from None
