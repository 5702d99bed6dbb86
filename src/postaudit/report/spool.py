"""The JSON report of a batch, streamed: byte for byte what `render_json` gives, with
memory flat in the number of pages.

While the batch runs, each finished page is written to a temporary spool file as its
JSON object (`page_dict`, indented as in the report); only its URL, offset and length
stay in memory (about 100 bytes a page). At the end `write_json` writes the report
head, the pages in URL order read back one at a time from the spool, then the site
findings, the summary and the comparison. The report is the same as `render_json`
over a `Report` holding the same pages (tested byte for byte).
"""

from __future__ import annotations

import json
import tempfile
from typing import IO, TYPE_CHECKING, Any, TextIO

from postaudit.model import Finding, PageResult
from postaudit.report.ci import inert_json
from postaudit.report.json import SCHEMA_VERSION, json_safe, page_dict
from postaudit.version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from postaudit.judge.baseline import Comparison

_INDENT = "    "  # a page's (or site finding's) depth in the report: inside "pages": [...]


def page_block(page: PageResult) -> str:
    """One page as it appears in the JSON report: indented, without the comma."""
    return _block(page_dict(page))


def _block(item: Mapping[str, Any]) -> str:
    """An item of a top-level list (`pages`, `site_findings`) as the report has it:
    indented, without the comma."""
    text = inert_json(json.dumps(item, indent=2, ensure_ascii=False))
    # JSON strings hold no raw line breaks, so every line break is between tokens
    return _INDENT + text.replace("\n", "\n" + _INDENT)


def _member(key: str, value: Any) -> str:
    """`"key": value` as `json.dumps(..., indent=2)` writes a top-level member."""
    text = json.dumps({key: value}, indent=2, ensure_ascii=False)
    return inert_json(text[2:-2])  # without "{\n" and "\n}"


class JsonSpool:
    """Pages kept on disk for the streamed JSON report (see the module docstring)."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="postaudit-spool-")  # noqa: SIM115
        self._index: list[tuple[str, int, int]] = []  # url, offset, length
        self._end = 0

    def __len__(self) -> int:
        return len(self._index)

    def add(self, page: PageResult) -> None:
        data = page_block(page).encode("utf-8")
        self._file.seek(self._end)
        self._file.write(data)
        self._index.append((page.url, self._end, len(data)))
        self._end += len(data)

    def blocks(self) -> Iterable[str]:
        """The page blocks in URL order (a stable sort: the order `sorted` gives)."""
        for _, offset, length in sorted(self._index, key=lambda entry: entry[0]):
            self._file.seek(offset)
            yield self._file.read(length).decode("utf-8")

    def pages(self) -> Iterator[PageResult]:
        """The pages in URL order, read back from the spool one at a time (`load_page`
        of a page's JSON gives back that JSON, so they write the same blocks again)."""
        from postaudit.report.load import load_page

        for block in self.blocks():
            yield load_page(json.loads(block))

    def write_json(
        self,
        out: TextIO,
        site_findings: Iterable[Finding],
        summary: Mapping[str, Any],
        comparison: Comparison | None = None,
    ) -> None:
        """The whole report to `out`, as `render_json` would write it."""
        head = {"schema": SCHEMA_VERSION, "tool": {"name": "postaudit", "version": __version__}}
        out.write("{\n")
        for key, value in head.items():
            out.write(_member(key, value) + ",\n")
        if not self._index:
            out.write('  "pages": [],\n')
        else:
            out.write('  "pages": [\n')
            for i, block in enumerate(self.blocks()):
                out.write((",\n" if i else "") + block)
            out.write("\n  ],\n")
        findings = [dict(f.to_dict(), url=f.url) for f in site_findings]
        if not findings:
            out.write('  "site_findings": [],\n')
        else:  # one finding at a time: a site can have thousands (duplicate titles)
            out.write('  "site_findings": [\n')
            for i, finding in enumerate(findings):
                out.write((",\n" if i else "") + _block(finding))
            out.write("\n  ],\n")
        tail: dict[str, Any] = {"summary": json_safe(summary)}
        if comparison is not None:
            tail["comparison"] = comparison.to_dict()
        out.write(",\n".join(_member(k, v) for k, v in tail.items()))
        out.write("\n}\n")

    def close(self) -> None:
        self._file.close()


__all__ = ["JsonSpool", "page_block"]
