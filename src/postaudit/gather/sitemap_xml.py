"""Sitemap parsing (pure, no I/O): one sitemap body -> `ParsedSitemap`.

Reads `<urlset>`, `<sitemapindex>` (with or without the sitemaps.org namespace) and
plain-text sitemaps (one URL per line); gzip bodies are recognised by their magic bytes
whatever the file is called. The XML goes through `defusedxml` with DTDs, entity
declarations and external references forbidden, so a billion-laughs file or an XXE probe
is refused before anything is expanded (sitemaps never need a DTD). Gzip is inflated in
64 KiB steps with a cap on the inflated size (`SitemapLimits.max_bytes`, 50 MB like the
protocol and Google), and the XML is parsed as a stream into a small target that keeps
only `<loc>` and `<lastmod>`: a gzip bomb is refused after reading at most the cap, and
memory never holds a document tree. A file with more than `max_urls` entries (50,000,
the protocol's cap) is cut there with a note.

Also holds the value types every sitemap module shares (`SitemapLimits`,
`SitemapEntry`, `SitemapError`) and the readers of single values (`parse_lastmod`,
`normalise_url`). The intake is `postaudit.gather.sitemap`; the entry pipeline
`postaudit.gather.sitemap_select`.
"""

from __future__ import annotations

import codecs
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

# --------------------------------------------------------------------------- types

MB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SitemapLimits:
    max_bytes: int = 50 * MB  # per sitemap file, after gzip decompression
    max_urls: int = 50_000  # entries per sitemap file (the protocol's cap)
    max_depth: int = 5  # levels of <sitemapindex> followed below SOURCE (1 = children only)
    max_sitemaps: int = 1_000  # sitemap files read per run, SOURCE included
    max_total_urls: int = 1_000_000  # entries gathered per run, before filtering
    max_elements: int = 2_500_000  # XML elements per file (50,000 urls with a few images)

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_urls", "max_sitemaps", "max_total_urls", "max_elements"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_depth < 0:
            raise ValueError("max_depth must not be negative")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None = None  # always timezone-aware (UTC assumed when absent)
    source: str = ""  # the sitemap (URL or file path) that listed it


@dataclass(frozen=True, slots=True)
class ParsedSitemap:
    kind: Literal["urlset", "sitemapindex", "text"]
    entries: tuple[SitemapEntry, ...] = ()  # pages (urlset, text)
    children: tuple[SitemapEntry, ...] = ()  # child sitemaps (sitemapindex)
    invalid: int = 0  # <loc> values / lines that are not http(s) URLs
    notes: tuple[str, ...] = ()  # one-line warnings about this file


class SitemapError(Exception):
    """A sitemap body that cannot be used, or a SOURCE that yields nothing at all."""


# --------------------------------------------------------------------------- values


def parse_lastmod(text: str) -> datetime | None:
    """A W3C datetime as an aware datetime, None if unreadable.

    Accepts `2024-03-26T13:21:31.804Z`, `2023-09-14T16:05:57+08:00`, `2020-05-14`,
    `2020-05`, `2020`, a space for `T`, and the `&#43;` that some generators write for `+`
    when it reaches us unexpanded. A value without a timezone is taken as UTC.
    """
    value = text.strip().replace("&#43;", "+").replace("&#x2B;", "+").replace("&#x2b;", "+")
    if not value:
        return None
    short = _YEAR_MONTH.fullmatch(value)
    if short:
        year, month = int(short.group(1)), int(short.group(2) or 1)
        if not (year >= 1 and 1 <= month <= 12):
            return None
        return datetime(year, month, 1, tzinfo=UTC)
    lost_plus = _LOST_PLUS.fullmatch(value)  # "+08:00" that became " 08:00"
    if lost_plus:
        value = f"{lost_plus.group(1)}+{lost_plus.group(2)}"
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment.astimezone(UTC)  # year 1 at +05:00 has no UTC equivalent: refuse it here
    except (ValueError, OverflowError):
        return None
    return moment


_YEAR_MONTH: Final = re.compile(r"(\d{4})(?:-(\d{2}))?")
_LOST_PLUS: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})"
)


def normalise_url(url: str, base_url: str | None = None) -> str | None:
    """An absolute http(s) URL in the form entries are compared in, or None.

    Drops the fragment and a default port, lower-cases scheme and host, turns an empty
    path into `/`; keeps the query and percent-encoding as written. Relative URLs are
    resolved against `base_url` when one is given.
    """
    text = url.strip()
    try:
        if base_url and not urlsplit(text).scheme:
            text = urljoin(base_url, text)
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = hostport.lower()
    if port is not None and (scheme, port) in (("http", 80), ("https", 443)):
        host = host.rsplit(":", 1)[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def size_text(n: int) -> str:
    """A size in messages: `50 MB`, or `1,234 bytes` under one MB."""
    return f"{n / MB:g} MB" if n >= MB else f"{n:,} bytes"


# --------------------------------------------------------------------------- decompression

_CHUNK: Final = 64 * 1024
_GZIP_MAGIC: Final = b"\x1f\x8b"


def _inflate(data: bytes, max_bytes: int) -> Iterator[bytes]:
    """The body in chunks of at most 64 KiB, gunzipped when it starts with gzip magic.

    Decompression is incremental (`max_length`), so a bomb costs at most `max_bytes` of
    work before it is refused, and never that much memory at once. Concatenated gzip
    members are read like `gunzip` does; bytes after the last member are ignored.
    """
    if not data.startswith(_GZIP_MAGIC):
        if len(data) > max_bytes:
            raise SitemapError(
                f"sitemap is {size_text(len(data))}, over the {size_text(max_bytes)} limit"
            )
        view = memoryview(data)
        for start in range(0, len(data), _CHUNK):
            yield bytes(view[start : start + _CHUNK])
        return
    total = 0
    pending = data
    while pending.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        buffer = pending
        while not inflater.eof:
            try:
                out = inflater.decompress(buffer, _CHUNK)
            except zlib.error as exc:
                raise SitemapError(f"corrupt gzip data: {exc}") from None
            if out:
                total += len(out)
                if total > max_bytes:
                    raise SitemapError(
                        f"sitemap inflates to more than {size_text(max_bytes)} "
                        "(a gzip bomb or an oversized sitemap); refused"
                    )
                yield out
            elif not buffer:
                raise SitemapError("gzip data is truncated")
            buffer = inflater.unconsumed_tail
        pending = inflater.unused_data


# --------------------------------------------------------------------------- parsing

_BOM_UTF8: Final = codecs.BOM_UTF8
_WIDE_BOMS: Final = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_SNIFF: Final = 1024
_MAX_FIELD: Final = 8 * 1024  # longest <loc>/<lastmod>/line kept (the protocol allows 2,048)
_WHITESPACE: Final = b" \t\r\n"


class _Full(Exception):
    """Internal: the per-file entry cap was reached; stop parsing."""


def _local(tag: str) -> tuple[str, str]:
    """`{ns}name` -> (ns, name); `name` -> ("", name)."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


class _Collector:
    """Accumulates entries for both the XML target and the text reader."""

    def __init__(self, limits: SitemapLimits, base_url: str | None, source: str) -> None:
        self.limits = limits
        self.base_url = base_url
        self.source = source
        self.items: list[SitemapEntry] = []
        self.seen = 0
        self.invalid = 0
        self.invalid_example: str | None = None
        self.missing_loc = 0
        self.bad_lastmod = 0
        self.bad_lastmod_example: str | None = None
        self.truncated = False
        self.too_many_elements = False

    def count(self) -> None:
        """Count one item (an entry, or any element directly under the root)."""
        if self.seen >= self.limits.max_urls:
            self.truncated = True
            raise _Full
        self.seen += 1

    def add(self, loc: str | None, lastmod: str | None, *, counted: bool = False) -> None:
        if not counted:
            self.count()
        if not loc:
            self.missing_loc += 1
            return
        url = normalise_url(loc, self.base_url) if len(loc) <= _MAX_FIELD else None
        if url is None:
            self.invalid += 1
            self.invalid_example = self.invalid_example or loc[:80]
            return
        moment = None
        if lastmod:
            moment = parse_lastmod(lastmod)
            if moment is None:
                self.bad_lastmod += 1
                self.bad_lastmod_example = self.bad_lastmod_example or lastmod[:40]
        self.items.append(SitemapEntry(url, moment, self.source))

    def reject(self, example: str) -> None:
        """Count an item that cannot be a URL (e.g. an overlong line)."""
        self.count()
        self.invalid += 1
        self.invalid_example = self.invalid_example or example

    def notes(self, item: str) -> tuple[str, ...]:
        """One-line notes; `item` names one entry ("<url> entry", "line")."""

        def things(n: int) -> str:
            plural = item.removesuffix("y") + "ies" if item.endswith("y") else item + "s"
            return f"{n:,} {item if n == 1 else plural}"

        notes: list[str] = []
        if self.too_many_elements:
            notes.append(
                f"more than {self.limits.max_elements:,} XML elements; only the entries "
                "before that were read"
            )
        if self.truncated:
            notes.append(
                f"more than {self.limits.max_urls:,} entries; only the first "
                f"{self.limits.max_urls:,} were read"
            )
        if self.missing_loc:
            notes.append(f"{things(self.missing_loc)} ignored: no <loc>")
        if self.invalid:
            notes.append(
                f"{things(self.invalid)} ignored: not an absolute http(s) URL "
                f"(e.g. {self.invalid_example!r})"
            )
        if self.bad_lastmod:
            notes.append(
                f"{self.bad_lastmod:,} unreadable <lastmod> value{'s' * (self.bad_lastmod != 1)} "
                f"treated as missing (e.g. {self.bad_lastmod_example!r})"
            )
        return tuple(notes)


class _SitemapTarget:
    """ElementTree parser target that keeps only <loc>/<lastmod> of depth-1 items."""

    def __init__(self, collector: _Collector) -> None:
        self.collector = collector
        self.kind: Literal["urlset", "sitemapindex"] | None = None
        self.item_tag = ""
        self.ns = ""
        self.depth = 0
        self.in_item = False
        self.loc: str | None = None
        self.lastmod: str | None = None
        self.field: str | None = None
        self.text: list[str] = []
        self.text_len = 0
        self.elements = 0

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        ns, name = _local(tag)
        depth = self.depth
        self.depth += 1
        self.elements += 1
        if self.elements > self.collector.limits.max_elements:
            self.collector.too_many_elements = True
            raise _Full
        if depth == 0:
            if name == "urlset":
                self.kind, self.item_tag = "urlset", "url"
            elif name == "sitemapindex":
                self.kind, self.item_tag = "sitemapindex", "sitemap"
            elif name.lower() == "html":
                raise SitemapError("an HTML page, not a sitemap")
            elif name in ("rss", "feed", "RDF"):
                raise SitemapError(f"an RSS/Atom feed (<{name}>), not a sitemap")
            else:
                raise SitemapError(
                    f"not a sitemap: the root element is <{name}>, "
                    "expected <urlset> or <sitemapindex>"
                )
            self.ns = ns
        elif depth == 1:
            self.collector.count()  # junk elements count too: bounded work per file
            self.in_item = ns == self.ns and name == self.item_tag
            self.loc = self.lastmod = None
        elif depth == 2 and self.in_item and ns == self.ns and name in ("loc", "lastmod"):
            self.field = name
            self.text = []
            self.text_len = 0

    def data(self, text: str) -> None:
        if self.field is not None and self.text_len <= _MAX_FIELD:
            self.text.append(text)
            self.text_len += len(text)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.depth == 2 and self.field is not None:
            value = "".join(self.text).strip()
            if self.field == "loc" and self.loc is None:
                self.loc = value
            elif self.field == "lastmod" and self.lastmod is None:
                self.lastmod = value
            self.field = None
        elif self.depth == 1 and self.in_item:
            self.in_item = False
            self.collector.add(self.loc, self.lastmod, counted=True)

    def close(self) -> None:
        return None


def _parse_xml(chunks: Iterable[bytes], collector: _Collector) -> ParsedSitemap:
    target = _SitemapTarget(collector)
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except _Full:
        pass
    except DTDForbidden:
        raise SitemapError(
            "refused: the XML declares a DTD (<!DOCTYPE>); sitemaps never need one, "
            "and entity expansion and external entities are not allowed"
        ) from None
    except EntitiesForbidden:
        raise SitemapError("refused: the XML declares entities; they are not expanded") from None
    except ExternalReferenceForbidden:
        raise SitemapError("refused: the XML references an external entity") from None
    except ParseError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from None
    except LookupError as exc:  # <?xml encoding="..."?> names no codec Python has
        raise SitemapError(f"not readable XML: {exc}") from None
    kind = target.kind
    if kind is None:  # pragma: no cover - expat reports "no element found" first
        raise SitemapError("not a sitemap: no root element")
    what = "<url> entry" if kind == "urlset" else "<sitemap> entry"  # for the notes
    items = tuple(collector.items)
    if kind == "urlset":
        return ParsedSitemap(
            kind, entries=items, invalid=collector.invalid, notes=collector.notes(what)
        )
    return ParsedSitemap(
        kind, children=items, invalid=collector.invalid, notes=collector.notes(what)
    )


def _parse_text(chunks: Iterable[bytes], collector: _Collector) -> ParsedSitemap:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""  # the start of a line continued in the next chunk
    overlong = False  # inside a line longer than _MAX_FIELD: skip to its end
    lines = 0

    try:
        for chunk in itertools.chain(chunks, [b""]):
            text = decoder.decode(chunk, final=not chunk)
            if not pending and not overlong and not text.strip():
                continue  # blank chunk: nothing to do (and fast for a bomb of newlines)
            parts = text.split("\n")
            last = len(parts) - 1
            for index, part in enumerate(parts):
                ended = index < last  # a newline follows this part
                if overlong:
                    overlong = not ended
                    continue
                pending += part
                if ended:
                    line, pending = pending.strip(), ""
                    if line and not line.startswith("#"):
                        lines += 1
                        collector.add(line, None)
                elif len(pending) > _MAX_FIELD:
                    lines += 1
                    collector.reject(pending[:80])
                    pending, overlong = "", True
        line = pending.strip()
        if line and not line.startswith("#"):
            lines += 1
            collector.add(line, None)
    except _Full:
        pass
    if not collector.items:
        if lines:
            raise SitemapError(
                f"not a sitemap: none of its {lines:,} lines is an absolute http(s) URL"
            )
        raise SitemapError("the sitemap is empty")
    return ParsedSitemap(
        "text",
        entries=tuple(collector.items),
        invalid=collector.invalid,
        notes=collector.notes("line"),
    )


def parse_sitemap(
    data: bytes,
    *,
    base_url: str | None = None,
    limits: SitemapLimits,
    source: str | None = None,
) -> ParsedSitemap:
    """Parse one sitemap body (pure): XML urlset/index or plain text, gzipped or not.

    `base_url` resolves relative `<loc>` values (the protocol wants absolute ones);
    `source` is recorded on every entry (default: `base_url`, else ""). Raises
    `SitemapError` with a one-line message for a body that cannot be used: refused XML
    (DTD, entities), malformed XML, an HTML page, a feed, binary data, too large once
    inflated, corrupt gzip, an empty file or a text file without URLs.
    """
    collector = _Collector(limits, base_url, source if source is not None else base_url or "")
    chunks = _inflate(data, limits.max_bytes)
    head = b""
    for chunk in chunks:
        head += chunk
        if head.startswith(_BOM_UTF8):
            head = head[len(_BOM_UTF8) :]
        if not head.startswith(_WIDE_BOMS):
            head = head.lstrip(_WHITESPACE)  # whitespace before <?xml is an expat error
        if len(head) >= _SNIFF:
            break
    if not head:
        raise SitemapError("the sitemap is empty")
    body = itertools.chain([head], chunks)
    if head.startswith(_WIDE_BOMS):
        return _parse_xml(body, collector)
    if b"\x00" in head[:_SNIFF]:
        raise SitemapError("not a sitemap: binary data")
    if head.startswith(b"<"):
        lowered = head[:64].lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            raise SitemapError("an HTML page, not a sitemap")
        return _parse_xml(body, collector)
    return _parse_text(body, collector)
