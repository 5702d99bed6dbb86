"""JSON Lines: one page per line as pages finish, then one summary line.

Each page line is exactly the page object of the JSON report (`report/json.py`:
url, final_url, status, score, error, categories, counts, findings, facts) on one
line. The last line is the summary:

    {"summary": {...}, "site_findings": [...], "schema": 1, "tool": {...}}

(`summary` as in the JSON report; `site_findings` as in the JSON report, each with
its `url`). A reader tells the two apart by the `summary` key (page lines have `url`).
Lines are written and flushed as pages finish, so a run that is stopped leaves only
complete lines behind; `postaudit sitemap --resume FILE` continues from such a file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from postaudit.model import Finding, PageResult, Report
from postaudit.report.json import SCHEMA_VERSION, json_safe, page_dict
from postaudit.safeio import WriteError, silence_stdout
from postaudit.version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping


def page_line(page: PageResult) -> str:
    """One page as one line of JSON (no newline)."""
    return json.dumps(page_dict(page), ensure_ascii=False, separators=(",", ":"))


def summary_line(summary: Mapping[str, Any], site_findings: Iterable[Finding]) -> str:
    """The last line: the run's summary and its site findings (no newline)."""
    return json.dumps(
        {
            "summary": json_safe(summary),
            "site_findings": [dict(f.to_dict(), url=f.url) for f in site_findings],
            "schema": SCHEMA_VERSION,
            "tool": {"name": "postaudit", "version": __version__},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def write_jsonl(out: TextIO, pages: Iterable[PageResult], report: Report) -> None:
    """`pages` as JSON Lines in the order given, then the summary line of `report`."""
    for page in pages:
        out.write(page_line(page) + "\n")
    out.write(summary_line(report.summary, report.site_findings) + "\n")


def render_jsonl(report: Report) -> str:
    """A whole report as JSON Lines (pages sorted by URL, then the summary line)."""
    buffer = io.StringIO()
    write_jsonl(buffer, sorted(report.pages, key=lambda p: p.url), report)
    return buffer.getvalue()


class JsonlWriter:
    """Streams page lines to an open text stream, flushing after each line. `close`:
    close the stream at the end; `on_close` instead: what ends it (e.g. moving a
    temporary file into place). A stream that cannot be written is a `WriteError`
    naming `name`: at once on stdout (`name="stdout"`: there is no point going on);
    for a file, at `close`, the lines after the failure are dropped so that the other
    outputs of the run are still written, and `discard` (then) undoes the file."""

    def __init__(
        self,
        stream: TextIO,
        *,
        close: bool = False,
        on_close: Callable[[], None] | None = None,
        name: str = "stdout",  # the name in messages
        discard: Callable[[], None] | None = None,
    ) -> None:
        self.stream = stream
        self._close = close
        self._on_close = on_close
        self._discard = discard
        self.name = name
        self.pages = 0
        self.failed: str | None = None

    def write_line(self, line: str) -> None:
        if self.failed is not None:
            return
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except OSError as exc:
            where = "to stdout" if self.name == "stdout" else self.name
            self.failed = f"cannot write {where}: {exc.strerror or exc}"
            if self.name == "stdout":
                silence_stdout()
                raise WriteError(self.failed) from None

    def page(self, page: PageResult) -> None:
        self.write_line(page_line(page))
        self.pages += 1

    def summary(self, summary: Mapping[str, Any], site_findings: Iterable[Finding]) -> None:
        self.write_line(summary_line(summary, site_findings))

    def close(self) -> None:
        callback, self._on_close = self._on_close, None
        if self.failed is not None:
            if self._discard is not None:
                self._discard()
            elif self._close:
                self.stream.close()
            raise WriteError(self.failed)
        if callback is not None:
            try:
                callback()
            except OSError as exc:
                raise WriteError(f"cannot write {self.name}: {exc.strerror or exc}") from None
        elif self._close:
            self.stream.close()


__all__ = ["JsonlWriter", "page_line", "render_jsonl", "summary_line", "write_jsonl"]
