"""Read JSON and JSONL reports back into `PageResult`s and `Report`s.

`postaudit merge` joins shard reports and `postaudit sitemap --resume` continues from
a partial JSONL file; both rebuild results from what the JSON holds. A finding's
fingerprint cannot be recomputed from the JSON (its stable key is not written), so a
loaded finding carries the fingerprint it was saved with: writing a loaded page again
gives back the same JSON (`page_dict(load_page(d)) == d`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from postaudit.model import Category, Finding, Location, PageResult, Severity


class ReportError(ValueError):
    """A file that is not a usable postaudit report (one line, for exit code 2)."""


@dataclass(frozen=True, slots=True)
class LoadedFinding(Finding):
    """A finding read back from a report: its fingerprint is the one saved."""

    saved_fingerprint: str = ""

    @property
    def fingerprint(self) -> str:
        return self.saved_fingerprint or Finding.fingerprint.fget(self)  # type: ignore[attr-defined]


def _str(raw: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ReportError(f"{where}: {key!r} must be a string")
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_finding(raw: Any, url: str, where: str) -> Finding:
    if not isinstance(raw, Mapping):
        raise ReportError(f"{where} must be an object")
    location = raw.get("location") or {}
    if not isinstance(location, Mapping):
        raise ReportError(f"{where}.location must be an object")
    try:
        category = Category(_str(raw, "category", where))
        severity = Severity(_str(raw, "severity", where))
    except ValueError as exc:
        raise ReportError(f"{where}: {exc}") from None
    selector, excerpt = location.get("selector"), location.get("excerpt")
    return LoadedFinding(
        url=url,
        code=_str(raw, "code", where),
        name=_str(raw, "name", where),
        category=category,
        severity=severity,
        message=_str(raw, "message", where),
        location=Location(
            selector if isinstance(selector, str) else None,
            _int(location.get("line")),
            excerpt if isinstance(excerpt, str) else None,
        ),
        fix=_str(raw, "fix", where, optional=True) or "",
        saved_fingerprint=_str(raw, "fingerprint", where),
    )


def load_page(raw: Any, where: str = "page") -> PageResult:
    """One page object of a JSON report (or one JSONL page line) as a `PageResult`."""
    if not isinstance(raw, Mapping):
        raise ReportError(f"{where} must be an object")
    url = _str(raw, "url", where)
    categories: dict[Category, int | None] = {}
    cats = raw.get("categories") or {}
    if not isinstance(cats, Mapping):
        raise ReportError(f"{where}.categories must be an object")
    for name, value in cats.items():
        try:
            category = Category(name)
        except ValueError:
            raise ReportError(f"{where}.categories: unknown category {name!r}") from None
        categories[category] = _int(value.get("score")) if isinstance(value, Mapping) else None
    findings = raw.get("findings") or []
    if not isinstance(findings, list):
        raise ReportError(f"{where}.findings must be a list")
    facts = raw.get("facts") or {}
    if not isinstance(facts, Mapping):
        raise ReportError(f"{where}.facts must be an object")
    return PageResult(
        url=url,
        final_url=_str(raw, "final_url", where, optional=True),
        status=_int(raw.get("status")),
        score=_int(raw.get("score")),
        categories=categories,
        findings=tuple(
            load_finding(f, url, f"{where}.findings[{i}]") for i, f in enumerate(findings)
        ),
        facts=dict(facts),
        error=_str(raw, "error", where, optional=True),
    )


@dataclass(frozen=True, slots=True)
class JsonlContent:
    """What a JSONL report holds: its complete page lines (in file order, the first line
    of a URL kept) and the summary line, if the run got that far."""

    pages: list[PageResult]
    lines: list[str]  # the page lines as written (without their newline)
    summary: Mapping[str, Any] | None
    damaged: int  # lines that are not complete JSON objects (an interrupted write)


def iter_jsonl(text: str) -> Iterator[tuple[str, Any]]:
    """(line, decoded object or None) for each non-empty line."""
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            yield line, json.loads(line)
        except json.JSONDecodeError:
            yield line, None


def read_jsonl_text(text: str, source: str) -> JsonlContent:
    pages: list[PageResult] = []
    lines: list[str] = []
    seen: set[str] = set()
    summary: Mapping[str, Any] | None = None
    damaged = 0
    for n, (line, data) in enumerate(iter_jsonl(text), 1):
        if not isinstance(data, Mapping):
            damaged += 1
            continue
        if "summary" in data and "url" not in data:
            summary = data["summary"] if isinstance(data["summary"], Mapping) else None
            continue
        page = load_page(data, f"{source}: line {n}")
        if page.url in seen:
            continue
        seen.add(page.url)
        pages.append(page)
        lines.append(line)
    return JsonlContent(pages, lines, summary, damaged)


__all__ = [
    "JsonlContent",
    "LoadedFinding",
    "ReportError",
    "ReportReader",
    "iter_jsonl",
    "load_finding",
    "load_page",
    "read_jsonl_text",
]


# --------------------------------------------------------------------------- streamed

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


class _NotReport(Exception):
    """The file does not open as a JSON report: read it as JSONL."""


class _Chars:
    """A window on a stream of text chunks, for the streamed JSON reader."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks = chunks
        self.buf = ""
        self.pos = 0
        self.line = 1  # line number of buf[0]

    def more(self) -> bool:
        for chunk in self.chunks:
            if chunk:
                self.line += self.buf.count("\n", 0, self.pos)
                self.buf = self.buf[self.pos :] + chunk
                self.pos = 0
                return True
        return False

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"Expecting {char!r}", self.pos)
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.more():
                    continue
                raise self.error(exc.msg, exc.pos) from None
            if end == len(self.buf) and self.more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def error(self, msg: str, pos: int) -> json.JSONDecodeError:
        line = self.line + self.buf.count("\n", 0, pos)
        column = pos - self.buf.rfind("\n", 0, pos)
        err = json.JSONDecodeError(msg, "", 0)
        err.lineno, err.colno = line, column
        return err


class ReportReader:
    """A JSON or JSONL report read page by page (`merge`): memory holds one page and the
    small top-level members, whatever the file's size. `pages()` yields what
    the whole file read at once holds (`tests/oracles.py` has that reader), in the
    same order, and raises the same `ReportError`s; afterwards `summary` is the report's summary."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.summary: dict[str, Any] = {}
        #: chunks the JSON attempt read, replayed for JSONL: the file is opened once, so a
        #: pipe or FIFO (`merge <(...)`) works; dropped once JSON pages stream
        self._replay: list[str] | None = None
        self._source: Iterator[str] | None = None

    def _recorded(self) -> Iterator[str]:
        """The file's chunks, recorded while `_replay` is a list."""
        self._source = self._chunks()
        self._replay = []
        for chunk in self._source:
            if self._replay is not None:
                self._replay.append(chunk)
            yield chunk

    def _replayed(self) -> Iterator[str]:
        """What the JSON attempt read, then the rest of the same open file."""
        yield from self._replay or ()
        self._replay = None
        if self._source is not None:
            yield from self._source

    def _chunks(self) -> Iterator[str]:
        from postaudit.safeio import InputError, iter_text_bounded

        try:
            yield from iter_text_bounded(self.path, self.path)
        except InputError as exc:
            raise ReportError(str(exc)) from None
        except FileNotFoundError:
            raise ReportError(f"{self.path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ReportError(f"{self.path}: cannot read: {reason}") from None

    def pages(self) -> Iterator[PageResult]:
        try:
            yield from self._json()
            return
        except _NotReport:
            pass
        except json.JSONDecodeError as exc:
            raise ReportError(
                f"{self.path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        yield from self._jsonl()

    def _check(self, top: Mapping[str, Any]) -> None:
        tool = top.get("tool")
        if isinstance(tool, Mapping) and tool.get("name") != "postaudit":
            raise ReportError(f"{self.path} was written by {tool.get('name')!r}, not postaudit")
        from postaudit.report.json import SCHEMA_VERSION

        if top.get("schema") != SCHEMA_VERSION:
            raise ReportError(
                f"{self.path} has report schema {top.get('schema')!r}; this postaudit reads "
                f"schema {SCHEMA_VERSION}"
            )

    def _json(self) -> Iterator[PageResult]:
        chars = _Chars(self._recorded())
        top: dict[str, Any] = {}
        streamed = False
        try:
            chars.take("{")
            while chars.peek() != "}":
                key = chars.value()
                if not isinstance(key, str):
                    raise _NotReport
                chars.take(":")
                if key == "pages" and chars.peek() == "[" and not streamed:
                    self._check(top)
                    streamed = True
                    self._replay = None  # a JSON report: nothing to replay
                    chars.take("[")
                    i = 0
                    while chars.peek() != "]":
                        if i:
                            chars.take(",")
                        yield load_page(chars.value(), f"{self.path}: pages[{i}]")
                        i += 1
                    chars.take("]")
                else:
                    top[key] = chars.value()
                if chars.peek() != ",":
                    break
                chars.take(",")
            chars.take("}")
            if chars.peek() != "":
                raise chars.error("Extra data", chars.pos)
        except json.JSONDecodeError:
            if not streamed:
                raise _NotReport from None
            raise
        if not streamed:
            if "pages" in top:
                raise ReportError(f"{self.path} is not a postaudit JSON report (no 'pages' list)")
            raise _NotReport
        self._check(top)
        site = top.get("site_findings") or []
        if not isinstance(site, list):
            raise ReportError(f"{self.path}: 'site_findings' must be a list")
        self.summary = dict(top.get("summary") or {})

    def _lines(self) -> Iterator[str]:
        carry = ""
        for chunk in self._replayed():
            parts = (carry + chunk).splitlines(keepends=True)
            carry = parts.pop() if parts else ""
            yield from parts
        if carry:
            yield carry

    def _jsonl(self) -> Iterator[PageResult]:
        seen: set[str] = set()
        summary: Mapping[str, Any] | None = None
        problem: str | None = None
        found = False
        n = 0
        for line in self._lines():
            if not line.strip():
                continue
            n += 1
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                if problem is None:
                    problem = f"line {n}, column {exc.colno}: {exc.msg}"
                continue
            if not isinstance(data, Mapping):
                continue
            if "summary" in data and "url" not in data:
                summary = data["summary"] if isinstance(data["summary"], Mapping) else None
                found = True
                continue
            page = load_page(data, f"{self.path}: line {n}")
            found = True
            if page.url in seen:
                continue
            seen.add(page.url)
            yield page
        if not found:
            if problem is not None:
                raise ReportError(f"{self.path} is not valid JSON ({problem})")
            raise ReportError(f"{self.path} is not a postaudit JSON or JSONL report")
        self.summary = dict(summary or {})
