"""Sitemap intake: turn a sitemap URL, a site root or a sitemap file into page URLs.

Two layers:

- `parse_sitemap` (pure): one sitemap body -> `ParsedSitemap`. Reads `<urlset>`,
  `<sitemapindex>` (with or without the sitemaps.org namespace) and plain-text sitemaps
  (one URL per line); gzip bodies are recognised by their magic bytes whatever the file
  is called. The XML goes through `defusedxml` with DTDs, entity declarations and
  external references forbidden, so a billion-laughs file or an XXE probe is refused
  before anything is expanded (sitemaps never need a DTD). Gzip is inflated in 64 KiB
  steps with a cap on the inflated size (`SitemapLimits.max_bytes`, 50 MB like the
  protocol and Google), and the XML is parsed as a stream into a small target that
  keeps only `<loc>` and `<lastmod>`: a gzip bomb is refused after reading at most the
  cap, and memory never holds a document tree. A file with more than `max_urls` entries
  (50,000, the protocol's cap) is cut there with a note.
- `collect` (async, I/O through the project's `Fetcher`): resolves SOURCE, follows
  `<sitemapindex>` files level by level (children of one level fetched concurrently),
  then filters the entries. Failures of single sitemaps become `SitemapProblem`
  records; only "no sitemap with page URLs could be read at all" raises `SitemapError`.

Entry pipeline in `collect`, in this order (each skipped entry is counted once, under
the first reason that applies, in `SitemapResult.skipped`):

1. `rewrite` (FROM=TO prefix, first matching pair wins) -> every later step, and the
   report, sees the rewritten URL. Child sitemap URLs listed in an index are rewritten
   too (a staging build whose sitemap still names production); SOURCE itself is not.
2. normalisation: fragment dropped, scheme and host lower-cased, default port dropped,
   empty path -> `/`; query and percent-encoding kept as written -> `invalid-url`
3. de-duplication: the first occurrence is kept with the newest `lastmod` seen
   -> `duplicate`
3a. site boundary (`postaudit.gather.boundary`): an entry outside the site of SOURCE (and of
   the rewrite targets; widened by `allow_hosts`) is not audited -> `off-site`, and
   named with its reason in `SitemapResult.outside`. Child sitemaps outside the site
   (listed in an index or in robots.txt) are not read and are named there too; so is
   a sitemap whose fetch redirects out of the site. A local sitemap file without
   rewrites has no boundary.
4. non-HTML by extension (`.pdf`, images, media, archives, `.xml`, office files...)
   -> `non-html:pdf`, `non-html:jpg`, ...
5. `include` (keep only URLs matching at least one regex; `re.search` on the whole
   URL) -> `include`; `exclude` (drop URLs matching any) -> `exclude`
6. `since`: keep entries whose `lastmod` is strictly newer; entries WITHOUT a `lastmod`
   are kept (we cannot know) and counted in `kept_without_lastmod` -> `since`
7. `shard` K/N: keep URLs with `int(sha1(url)[:8], 16) % N == K - 1`; stable across runs
   and machines, disjoint, and the N shards cover every URL -> `shard`
8. sort by URL, then `limit` keeps the first N -> `limit`. Sorting makes the result
   independent of fetch timing and of the order a generator happens to write, matches
   the sorted order of the JSON report, and gives `--limit` with `--shard` a meaning.

SOURCE resolution: an http(s) URL whose path is empty or ends in `/` is a site root:
the `Sitemap:` lines of its robots.txt are read (all of them; for a root below the
host, only those under that root), else `ROOT/sitemap.xml`, else
`ROOT/sitemap_index.xml` (and, for a root below the host, the URL itself). Any other
URL is a sitemap. Anything else is a local file path (its index children, if any, are
fetched over HTTP).
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import itertools
import posixpath
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from postaudit.gather.boundary import SiteBoundary
from postaudit.gather.fetch import Fetcher, FetchErrorKind
from postaudit.gather.robots import RobotsCache

# --------------------------------------------------------------------------- types

MB: Final = 1024 * 1024
#: Sitemap bodies held at once, at their cap each: the children of one index level
#: are fetched concurrently, but never more than this many bytes' worth (4 at 50 MB).
BYTES_IN_FLIGHT: Final = 200 * MB


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


@dataclass(frozen=True, slots=True)
class SitemapProblem:
    url: str  # the sitemap (or robots.txt) concerned
    message: str  # one line

    def __str__(self) -> str:
        return f"{self.url}: {self.message}"


class SitemapError(Exception):
    """A sitemap body that cannot be used, or a SOURCE that yields nothing at all."""


@dataclass(frozen=True, slots=True)
class SitemapOptions:
    include: Sequence[str] = ()  # regexes (re.search); an entry must match one
    exclude: Sequence[str] = ()  # regexes (re.search); an entry matching any is dropped
    since: datetime | None = None  # keep entries whose lastmod is newer; naive means UTC
    rewrite: Sequence[tuple[str, str]] = ()  # (FROM, TO) URL prefix pairs; stored as tuples
    shard: tuple[int, int] | None = None  # (K, N), 1 <= K <= N
    limit: int | None = None  # at most this many entries (after sorting by URL)
    limits: SitemapLimits = field(default_factory=SitemapLimits)
    allow_hosts: Sequence[str] = ()  # boundary.parse_allow_host values: hosts beyond the site

    def __post_init__(self) -> None:
        object.__setattr__(self, "include", tuple(self.include))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        object.__setattr__(self, "rewrite", tuple((str(a), str(b)) for a, b in self.rewrite))
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        for pattern in (*self.include, *self.exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        for source, _target in self.rewrite:
            if not source:
                raise ValueError("a rewrite needs a non-empty FROM prefix")
        if self.shard is not None:
            k, n = self.shard
            if not (n >= 1 and 1 <= k <= n):
                raise ValueError(f"shard must be K/N with 1 <= K <= N, not {k}/{n}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")
        if self.since is not None and self.since.tzinfo is None:
            object.__setattr__(self, "since", self.since.replace(tzinfo=UTC))


#: Human wording of the fixed skip reasons (`non-html:EXT` is "not HTML (.EXT)").
SKIP_REASONS: Final = MappingProxyType(
    {
        "invalid-url": "not an http(s) URL",
        "duplicate": "listed more than once",
        "include": "not matched by include",
        "exclude": "matched by exclude",
        "since": "not modified since",
        "shard": "in another shard",
        "limit": "over the limit",
        "off-site": "outside the site",
    }
)


@dataclass(frozen=True, slots=True, order=True)
class Outside:
    """Something a sitemap run did not fetch because it is outside the site."""

    url: str
    reason: str  # one line: "page on another host (https://b.test) than the site ..."

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "reason": self.reason}


def describe_skip(reason: str) -> str:
    """`non-html:pdf` -> `not HTML (.pdf)`; `since` -> `not modified since`."""
    if reason.startswith("non-html:"):
        return f"not HTML (.{reason.removeprefix('non-html:')})"
    return SKIP_REASONS.get(reason, reason)


@dataclass(frozen=True, slots=True)
class SitemapResult:
    entries: tuple[SitemapEntry, ...]  # what to audit, sorted by URL
    sitemaps_read: tuple[str, ...]  # sitemap files read successfully, in traversal order
    skipped: Mapping[str, int]  # reason -> count (see SKIP_REASONS, `non-html:EXT`)
    problems: tuple[SitemapProblem, ...]
    found: int = 0  # entries listed in all sitemaps read, before any filtering
    kept_without_lastmod: int = 0  # with `since`: kept only because they have no lastmod
    outside: tuple[Outside, ...] = ()  # entries and sitemaps outside the site, by URL

    def summary(self) -> str:
        """One line for the terminal: what was read, kept and skipped."""
        files = len(self.sitemaps_read)
        text = (
            f"{self.found:,} URL{'s' * (self.found != 1)} in {files} "
            f"sitemap{'s' * (files != 1)}, {len(self.entries):,} to audit"
        )
        if self.skipped:
            parts = [f"{n:,} {describe_skip(r)}" for r, n in self.skipped.items()]
            text += "; skipped " + ", ".join(parts)
        if self.kept_without_lastmod:
            text += f"; {self.kept_without_lastmod:,} kept without <lastmod>"
        if self.problems:
            n = len(self.problems)
            text += f"; {n} problem{'s' * (n != 1)}"
        return text


# --------------------------------------------------------------------------- helpers


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


#: Extensions of entries that are not HTML pages (lower-case, without the dot).
NON_HTML_EXTENSIONS: Final = frozenset(
    {
        # documents and data
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf",
        "epub", "csv", "tsv", "txt", "json", "xml", "rss", "atom", "ics", "vcf", "md",
        # images
        "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff",
        "heic", "heif",
        # audio and video
        "mp3", "wav", "ogg", "oga", "m4a", "flac", "aac", "opus", "mp4", "m4v", "webm",
        "mov", "avi", "mkv", "wmv", "flv", "ogv",
        # archives, binaries, assets
        "zip", "gz", "tgz", "tar", "bz2", "xz", "7z", "rar", "exe", "dmg", "apk", "iso",
        "msi", "deb", "rpm", "css", "js", "mjs", "map", "woff", "woff2", "ttf", "otf",
        "eot",
    }
)  # fmt: skip


def non_html_extension(url: str) -> str | None:
    """The extension of `url` when it names a non-HTML file (`pdf`), else None."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    name = unquote(path.rsplit("/", 1)[-1])
    ext = posixpath.splitext(name)[1].lower().lstrip(".")
    return ext if ext in NON_HTML_EXTENSIONS else None


def shard_of(url: str, count: int) -> int:
    """The 1-based shard (of `count`) a URL belongs to; stable across runs and machines."""
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % count + 1


def rewrite_url(url: str, rewrite: Sequence[tuple[str, str]]) -> str:
    """Apply the first (FROM, TO) pair whose FROM prefixes `url`."""
    for source, target in rewrite:
        if url.startswith(source):
            return target + url[len(source) :]
    return url


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` -> `(2, 4)`; ValueError with a one-line message otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match:
        k, n = int(match.group(1)), int(match.group(2))
        if n >= 1 and 1 <= k <= n:
            return k, n
    raise ValueError(f"shard must be K/N with 1 <= K <= N (e.g. 2/4), not {text!r}")


def parse_rewrite(text: str) -> tuple[str, str]:
    """`"https://example.com/=http://127.0.0.1:4000/"` -> the (FROM, TO) pair."""
    source, sep, target = text.partition("=")
    source, target = source.strip(), target.strip()
    if not sep or not source or not target:
        raise ValueError(f"rewrite must be FROM=TO (two URL prefixes), not {text!r}")
    for part in (source, target):
        if urlsplit(part).scheme.lower() not in ("http", "https"):
            raise ValueError(f"rewrite prefixes must be http(s) URLs, not {part!r}")
    return source, target


def parse_since(text: str) -> datetime:
    """`"2024-05-01"` or a full ISO 8601 datetime -> an aware datetime (UTC if none)."""
    moment = parse_lastmod(text)
    if moment is None:
        raise ValueError(f"since must be a date like 2024-05-01 or 2024-05-01T12:00Z, not {text!r}")
    return moment


def _size(n: int) -> str:
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
            raise SitemapError(f"sitemap is {_size(len(data))}, over the {_size(max_bytes)} limit")
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
                        f"sitemap inflates to more than {_size(max_bytes)} "
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


# --------------------------------------------------------------------------- collecting


def is_site_root(url: str) -> bool:
    """Is an http(s) URL a site root (path empty or ending in `/`), not a sitemap?"""
    path = urlsplit(url).path
    return not path or path.endswith("/")


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_boundary(source: str, options: SitemapOptions) -> SiteBoundary | None:
    """The site a sitemap run fetches from: SOURCE's (when a URL) and the rewrite
    targets', widened by `allow_hosts`; None for a local file without rewrites."""
    urls = [target for _, target in options.rewrite]
    if urlsplit(source.strip()).scheme.lower() in ("http", "https"):
        url = normalise_url(source.strip())
        if url is not None:
            urls.insert(0, url)
    return SiteBoundary.of(urls, options.allow_hosts)


class _Run:
    """The mutable state of one `collect` call."""

    def __init__(self, fetcher: Fetcher, options: SitemapOptions, robots: RobotsCache) -> None:
        self.fetcher = fetcher
        self.options = options
        self.limits = options.limits
        self.robots = robots
        self.problems: list[SitemapProblem] = []
        self.read: list[str] = []
        self.raw: list[SitemapEntry] = []
        self.visited: set[str] = set()
        self.urlsets_read = 0
        self.invalid = 0  # listed entries that are not http(s) URLs
        self.sitemaps_left = options.limits.max_sitemaps
        self.dropped_sitemaps = 0
        self.full = False
        self.home: str | None = None  # host of a URL SOURCE, for the foreign-host note
        self.foreign: Counter[str] = Counter()
        self.site: SiteBoundary | None = None
        self.outside: list[Outside] = []
        self.readers = asyncio.Semaphore(max(1, BYTES_IN_FLIGHT // self.limits.max_bytes))
        self.reading = 0  # sitemaps being fetched or parsed now (tests read the peak)
        self.peak_reading = 0

    def _outside(self, url: str, what: str) -> bool:
        """Is `url` outside the site? Then it is recorded, with `what` it is."""
        reason = self.site.reason(url) if self.site is not None else None
        if reason is None:
            return False
        self.outside.append(Outside(url, f"{what} {reason}: not read"))
        return True

    # ------------------------------------------------------------------ reading

    async def _read(self, location: str) -> ParsedSitemap | SitemapProblem:
        """Fetch (or read from disk) and parse one sitemap; failures become problems.
        At most `BYTES_IN_FLIGHT // max_bytes` run at once (their bodies are held)."""
        async with self.readers:
            self.reading += 1
            self.peak_reading = max(self.peak_reading, self.reading)
            try:
                return await self._read_one(location)
            finally:
                self.reading -= 1

    async def _read_one(self, location: str) -> ParsedSitemap | SitemapProblem:
        if urlsplit(location).scheme in ("http", "https"):
            raw = await self.fetcher.request(
                "GET", location, max_bytes=self.limits.max_bytes, site=self.site
            )
            if raw.error is not None:
                if raw.error.kind is FetchErrorKind.OFF_SITE:
                    self.outside.append(Outside(location, f"sitemap {raw.error.message}"))
                return SitemapProblem(location, raw.error.message)
            data, base = raw.body or b"", raw.final_url
        else:
            try:
                path = Path(location)
                size = path.stat().st_size
                if size > self.limits.max_bytes:
                    return SitemapProblem(
                        location,
                        f"file is {_size(size)}, over the {_size(self.limits.max_bytes)} limit",
                    )
                data = path.read_bytes()
            except OSError as exc:
                return SitemapProblem(location, exc.strerror or str(exc))
            base = None
        try:
            return parse_sitemap(data, base_url=base, limits=self.limits, source=location)
        except SitemapError as exc:
            return SitemapProblem(location, str(exc))
        except Exception as exc:  # a parser bug must not lose the other sitemaps
            return SitemapProblem(location, f"internal error: {type(exc).__name__}: {exc}")

    async def crawl(
        self, roots: Sequence[str], *, quiet: bool = False
    ) -> tuple[int, list[SitemapProblem]]:
        """Read `roots` and everything their indexes list, level by level.

        Returns how many roots were read and the problems of the roots that were not;
        those are also recorded unless `quiet` (discovery probes: a 404 on /sitemap.xml
        is no problem when /sitemap_index.xml exists).
        """
        level: list[tuple[str, int]] = []
        for root in roots:
            if root not in self.visited and self.sitemaps_left > 0:
                self.visited.add(root)
                self.sitemaps_left -= 1
                level.append((root, 0))
        roots_read = 0
        root_failures: list[SitemapProblem] = []
        while level and not self.full:
            results = await asyncio.gather(*(self._read(loc) for loc, _ in level))
            upcoming: list[tuple[str, int]] = []
            for (location, depth), result in zip(level, results, strict=True):
                if isinstance(result, SitemapProblem):
                    if depth == 0:
                        root_failures.append(result)
                    if depth > 0 or not quiet:
                        self.problems.append(result)
                    continue
                roots_read += depth == 0
                self.read.append(location)
                self.problems.extend(SitemapProblem(location, note) for note in result.notes)
                if result.kind == "sitemapindex":
                    upcoming.extend(self._children(location, depth, result.children))
                else:
                    self.urlsets_read += 1
                    self.invalid += result.invalid
                    self._take(location, result.entries)
            level = upcoming
        if self.dropped_sitemaps:
            self.problems.append(
                SitemapProblem(
                    roots[0],
                    f"{self.dropped_sitemaps:,} more sitemaps not read: at most "
                    f"{self.limits.max_sitemaps:,} are read per run",
                )
            )
            self.dropped_sitemaps = 0
        return roots_read, root_failures

    def _children(
        self, location: str, depth: int, children: Sequence[SitemapEntry]
    ) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        too_deep = 0
        for child in children:
            url = normalise_url(rewrite_url(child.url, self.options.rewrite))
            if url is None:
                self.problems.append(
                    SitemapProblem(location, f"child sitemap {child.url!r} is not an http(s) URL")
                )
                continue
            if url in self.visited:
                self.problems.append(
                    SitemapProblem(
                        location, f"lists {url} again (an index cycle or a repeat); read once"
                    )
                )
                continue
            if self._outside(url, "child sitemap"):
                continue
            if depth + 1 > self.limits.max_depth:
                too_deep += 1
                continue
            if self.sitemaps_left <= 0:
                self.dropped_sitemaps += 1
                continue
            self.visited.add(url)
            self.sitemaps_left -= 1
            out.append((url, depth + 1))
        if too_deep:
            self.problems.append(
                SitemapProblem(
                    location,
                    f"{too_deep:,} child sitemap{'s' * (too_deep != 1)} not read: indexes "
                    f"nested deeper than {self.limits.max_depth} levels",
                )
            )
        return out

    def _take(self, location: str, entries: Sequence[SitemapEntry]) -> None:
        room = self.limits.max_total_urls - len(self.raw)
        if len(entries) > room:
            entries = entries[:room]
            self.full = True
            self.problems.append(
                SitemapProblem(
                    location,
                    f"stopped reading sitemaps after {self.limits.max_total_urls:,} URLs",
                )
            )
        self.raw.extend(entries)
        if self.home is not None and not self.options.rewrite:
            home = self.home
            self.foreign.update(_origin(e.url) for e in entries if _host(e.url) != home)

    def _foreign_note(self, source: str) -> None:
        """Point out entries on another host than SOURCE (a dev host leaked into a build)."""
        if not self.foreign:
            return
        origin, _ = self.foreign.most_common(1)[0]
        count = sum(self.foreign.values())
        site = _origin(source)
        self.problems.append(
            SitemapProblem(
                source,
                f"{count:,} of {len(self.raw):,} URLs are on another host ({origin}) than "
                f"{urlsplit(source).hostname}; a rewrite {origin}/={site}/ would audit "
                "this site instead",
            )
        )

    # ------------------------------------------------------------------ sources

    async def discover(self, root: str) -> None:
        """Site root: robots.txt Sitemap lines, then /sitemap.xml, then /sitemap_index.xml."""
        robots = await self.robots.get(root)
        if robots.problem is not None:
            self.problems.append(SitemapProblem(robots.url, robots.problem))
        below_host = urlsplit(root).path not in ("", "/")
        listed: list[str] = []
        for url in robots.sitemaps():
            normal = normalise_url(url)
            wanted = normal is not None and (not below_host or normal.startswith(root))
            if (
                normal is not None
                and wanted
                and normal not in listed
                and not self._outside(normal, "sitemap listed in robots.txt")
            ):
                listed.append(normal)
        tried: list[str] = []
        if listed:
            read, _failures = await self.crawl(listed)
            if read:
                return
            n = len(listed)
            tried.append(f"robots.txt lists {n} sitemap{'s' * (n != 1)}, none readable")
        else:
            tried.append("robots.txt lists none")
        candidates = [urljoin(root, "sitemap.xml"), urljoin(root, "sitemap_index.xml")]
        if below_host:
            candidates.append(root)
        for candidate in candidates:
            if candidate in self.visited:
                continue
            read, failures = await self.crawl([candidate], quiet=True)
            if read:
                return
            if failures:
                tried.append(f"{urlsplit(candidate).path}: {failures[0].message}")
        raise SitemapError(f"no sitemap found for {root} ({'; '.join(tried)})")

    async def start(self, source: str) -> None:
        text = source.strip()
        scheme = urlsplit(text).scheme.lower()
        self.site = site_boundary(source, self.options)
        if scheme in ("http", "https"):
            url = normalise_url(text)
            if url is None:
                raise SitemapError(f"{source!r} is not a valid URL")
            self.home = _host(url)
            if is_site_root(url):
                await self.discover(url)
            else:
                _read, failures = await self.crawl([url], quiet=True)
                if failures:
                    raise SitemapError(f"cannot read sitemap {url}: {failures[0].message}")
            self._foreign_note(url)
            return
        if len(scheme) > 1 and "://" in text:
            raise SitemapError(f"{source!r}: a sitemap must be an http(s) URL or a local file")
        path = Path(text)
        if path.is_dir():
            raise SitemapError(f"{source!r} is a folder; give the sitemap file inside it")
        if not path.is_file():
            raise SitemapError(f"{source!r}: no such file or URL")
        _read, failures = await self.crawl([text], quiet=True)
        if failures:
            raise SitemapError(f"cannot read sitemap {text}: {failures[0].message}")

    # ------------------------------------------------------------------ result

    def result(self, source: str) -> SitemapResult:
        if self.urlsets_read == 0:
            if self.outside:
                n = len(self.outside)
                off = self.outside[0]
                host = urlsplit(off.url).hostname or off.url
                raise SitemapError(
                    f"no sitemap with page URLs could be read from {source}: {n} sitemap"
                    f"{'s' * (n != 1)} outside the site (first: {off.url}, {off.reason}); "
                    f"--allow-host {host} reads them"
                )
            if self.problems:
                first = self.problems[0]
                more = len(self.problems) - 1
                suffix = f" (and {more} more problem{'s' * (more != 1)})" if more else ""
                raise SitemapError(f"no sitemap with page URLs could be read: {first}{suffix}")
            raise SitemapError(f"no sitemap with page URLs could be read from {source}")
        result = _filter(
            self.raw,
            self.options,
            self.read,
            self.problems,
            invalid=self.invalid,
            site=self.site,
            outside=self.outside,
        )
        _all_off_site(source, result)
        return result


def _all_off_site(source: str, result: SitemapResult) -> None:
    """Raise when every listed page is outside the site: the run would audit nothing and
    say so only under `-v`. Names the count and the `--allow-host` values that read them
    (as an index whose children are all elsewhere does)."""
    off = result.skipped.get("off-site", 0)
    if not off or result.entries or set(result.skipped) - {"off-site", "duplicate", "invalid-url"}:
        return
    pages = [o for o in result.outside if o.reason.startswith("page ")]
    hosts = list(dict.fromkeys(urlsplit(o.url).hostname or o.url for o in pages))
    flags = " ".join(f"--allow-host {h}" for h in hosts[:3])
    if len(hosts) > 3:
        flags += f" (and {len(hosts) - 3} more hosts)"
    first = pages[0]
    reason = first.reason.removeprefix("page ").removesuffix(": not audited")
    message = (
        f"no page to audit in {source}: all {off:,} entr{'ies' if off != 1 else 'y'} "
        f"outside the site (first: {first.url}, {reason}); {flags} "
        f"read{'s' * (len(hosts) == 1)} them"
    )
    rewrite = next((p.message for p in result.problems if "a rewrite " in p.message), None)
    if rewrite is not None:
        message += "; or " + rewrite[rewrite.index("a rewrite ") :]
    raise SitemapError(message)


def _filter(
    raw: Sequence[SitemapEntry],
    options: SitemapOptions,
    read: Sequence[str],
    problems: Sequence[SitemapProblem],
    *,
    invalid: int = 0,
    site: SiteBoundary | None = None,
    outside: Sequence[Outside] = (),
) -> SitemapResult:
    """Apply the entry pipeline (see the module docstring) to the gathered entries.

    `invalid` counts listed entries the parser already rejected (not http(s) URLs);
    `outside`, the sitemaps already left out by the site boundary `site`.
    """
    skipped: Counter[str] = Counter()
    if invalid:
        skipped["invalid-url"] = invalid
    unique: dict[str, SitemapEntry] = {}
    for entry in raw:
        url = normalise_url(rewrite_url(entry.url, options.rewrite))
        if url is None:
            skipped["invalid-url"] += 1
            continue
        kept = unique.get(url)
        if kept is None:
            unique[url] = SitemapEntry(url, entry.lastmod, entry.source)
            continue
        skipped["duplicate"] += 1
        if entry.lastmod is not None and (kept.lastmod is None or entry.lastmod > kept.lastmod):
            unique[url] = SitemapEntry(url, entry.lastmod, kept.source)

    named = list(outside)
    if site is not None:
        for url in list(unique):
            reason = site.reason(url)
            if reason is not None:
                del unique[url]
                skipped["off-site"] += 1
                named.append(Outside(url, f"page {reason}: not audited"))

    include = [re.compile(p) for p in options.include]
    exclude = [re.compile(p) for p in options.exclude]
    since = options.since
    kept_without_lastmod = 0
    selected: list[SitemapEntry] = []
    for url, entry in unique.items():
        ext = non_html_extension(url)
        if ext is not None:
            skipped[f"non-html:{ext}"] += 1
        elif include and not any(p.search(url) for p in include):
            skipped["include"] += 1
        elif any(p.search(url) for p in exclude):
            skipped["exclude"] += 1
        elif since is not None and entry.lastmod is not None and entry.lastmod <= since:
            skipped["since"] += 1
        elif options.shard is not None and shard_of(url, options.shard[1]) != options.shard[0]:
            skipped["shard"] += 1
        else:
            if since is not None and entry.lastmod is None:
                kept_without_lastmod += 1
            selected.append(entry)

    selected.sort(key=lambda e: e.url)
    if options.limit is not None and len(selected) > options.limit:
        skipped["limit"] += len(selected) - options.limit
        dropped_without_lastmod = sum(
            1 for e in selected[options.limit :] if since is not None and e.lastmod is None
        )
        kept_without_lastmod -= dropped_without_lastmod
        selected = selected[: options.limit]
    return SitemapResult(
        entries=tuple(selected),
        sitemaps_read=tuple(read),
        skipped=MappingProxyType(dict(sorted(skipped.items()))),
        problems=tuple(problems),
        found=len(raw) + invalid,
        kept_without_lastmod=kept_without_lastmod,
        outside=tuple(sorted(set(named))),
    )


async def collect(
    source: str,
    fetcher: Fetcher,
    options: SitemapOptions | None = None,
    *,
    robots: RobotsCache | None = None,
) -> SitemapResult:
    """Resolve SOURCE (sitemap URL, site root or local file) into the entries to audit.

    `robots` shares one robots.txt cache with the page audit (robots.txt is then fetched
    once per host per run). Problems with single sitemaps are in the result; raises
    `SitemapError` (one-line message) only when no sitemap with page URLs was read.
    """
    opts = options if options is not None else SitemapOptions()
    run = _Run(fetcher, opts, robots if robots is not None else RobotsCache(fetcher))
    await run.start(source)
    return run.result(source)
