"""Link status: every distinct link target checked once per run, as plain data.

The link phase of the runner (`collect_needs` -> `LinkChecker.check_many`) runs between
parsing and judging; its results go into `Page.link_status` and the pure `L` rules
read them from there. Nothing here walks HTML beyond a cheap regex for a target's
`<title>`/`<h1>`.

Network checks (`LinkChecker`, on the run's `Fetcher`):

- one cache per run, shared by all pages: each distinct URL (fragment dropped) is
  requested once; concurrent askers share the in-flight request. Pages the run audits
  are seeded from their own fetch (`expect`/`fulfil`), so a post's previous/next link
  to another audited post costs no request at all;
- HEAD first; GET when HEAD answers 4xx (but 429), 501 or 999 (405, 403 and 501 are
  the usual "HEAD not allowed", some servers answer HEAD with 404 or 400), and straight
  away for a host that refused HEAD with 405/501 before. Previous/next targets are
  fetched with GET because their `<title>`/`<h1>` is compared with the link's text;
- redirects are followed by the Fetcher, which records each hop (the chain);
- retries with exponential backoff on connection errors, timeouts, 429 and 503,
  honouring `Retry-After` (seconds or an HTTP date) but never waiting longer than
  `retry_after_cap`; a 429/503 with Retry-After also pauses that host for the others;
- per-host and global concurrency are the Fetcher's (`per_host`, `concurrency`);
  requests wait for their host's turn here too, so that
- a circuit breaker per host (host and port) stops a dead host from costing every
  link its timeouts: after `breaker` consecutive timeouts without any answer from
  the host, its remaining links (and retries) are not requested; each is reported
  broken at once as "host not answering", with its own URL;
- bot walls (403 with a `cf-mitigated` header, LinkedIn's 999), 401 and a 429 that
  outlasts the retries are `unverified`, never `broken`;
- only http(s) URLs are ever requested.

Local mode (`LocalSite`): when auditing files or a folder, relative and site-absolute
links (and, with `--base-url`, absolute links under that URL) resolve to files below
the folder instead of the network: `x.html`, `dir/` -> `dir/index.html`, `post` ->
`post.html`.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from postaudit.gather.retry import pauses_host, retry_delay
from postaudit.model import Hop, LinkState, LinkStatus
from postaudit.urls import checkable, host_of, is_http, is_internal, link_key

if TYPE_CHECKING:
    from postaudit.gather.fetch import Fetcher, RawPage
    from postaudit.gather.robots import RobotsCache
    from postaudit.parse.page import Page

#: What the link phase may check: previous/next targets, links to the same site, others.
SCOPES = ("pagination", "internal", "external")
#: `--links` value -> scopes it allows.
LINK_MODES: Mapping[str, frozenset[str]] = {
    "none": frozenset(),
    "pagination": frozenset({"pagination"}),
    "internal": frozenset({"pagination", "internal"}),
    "all": frozenset(SCOPES),
}

_BODYLESS_CAP = 1 << 62  # HEAD/GET without body: never "too large" by Content-Length


@dataclass(frozen=True, slots=True)
class LinkCheckOptions:
    retries: int = 2  # extra attempts after a retryable failure
    backoff: float = 0.5  # first wait without Retry-After; doubles each time
    retry_after_cap: float = 30.0  # never wait longer than this between attempts (s)
    max_bytes: int = 5 * 1024 * 1024  # body cap when a target's title is read
    #: consecutive timeouts (connect, read or total) to one host after which its other
    #: links are not requested but reported at once as "host not answering"; 0 = never
    breaker: int = 3

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("retries must not be negative")
        if self.breaker < 0:
            raise ValueError("breaker must not be negative")
        if self.backoff < 0 or self.retry_after_cap < 0:
            raise ValueError("backoff and retry_after_cap must not be negative")


# --------------------------------------------------------------------------- titles

#: Comments and script/style/template/noscript elements. The lazy `.*?` of the plain
#: form is unrolled (runs of `[^-]` or `[^<]`, a check only at `-` or `<`): the same
#: matches, about 2.5x faster on a page with large inline styles and scripts.
_SKIP = re.compile(
    r"<!--[^-]*(?:-(?!->)[^-]*)*-->"
    r"|<(script|style|template|noscript)\b[^>]*>[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>",
    re.I,
)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAGS = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def extract_titles(document: str, limit: int = 5) -> tuple[str | None, tuple[str, ...]]:
    """(<title>, (h1 texts..., og:title)) from HTML text, by regex: cheap, no tree."""
    text = _SKIP.sub(" ", document)
    m = _TITLE.search(text)
    title = _text(m.group(1)) if m else None
    heads = [h for h in (_text(x) for x in _H1.findall(text)[:limit]) if h]
    for meta in _META.findall(text[: text.find("</head>") if "</head>" in text else None]):
        attrs = {k.lower(): next((v for v in vals if v), "") for k, *vals in _ATTR.findall(meta)}
        if attrs.get("property", "").lower() == "og:title" and attrs.get("content"):
            heads.append(" ".join(html.unescape(attrs["content"]).split()))
            break
    return title or None, tuple(heads)


# --------------------------------------------------------------------------- local mode


@dataclass(frozen=True, slots=True)
class LocalSite:
    """A folder of built pages; `base_url` is the URL the folder is published at."""

    root: Path
    base_url: str | None = None

    def path_for(self, url: str, href: str = "") -> Path | None:
        """The file a link resolves to, or None when it is not part of the folder."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        root = self.root
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            raw = href.strip()
            if raw.startswith("/") and not raw.startswith("//") and not path.is_relative_to(root):
                path = root / unquote(urlsplit(raw).path).lstrip("/")
            # a relative link climbing out of the folder leaves the site
            return path if Path(os.path.normpath(path)).is_relative_to(root) else None
        if self.base_url:
            base = urlsplit(self.base_url)
            base_path = base.path if base.path.endswith("/") else base.path + "/"
            same_origin = (parts.scheme, parts.netloc.lower()) == (
                base.scheme,
                base.netloc.lower(),
            ) or (host_of(url) == host_of(self.base_url) and parts.port == base.port)
            url_path = parts.path or "/"
            if same_origin and (url_path + "/").startswith(base_path):
                return root / unquote(url_path[len(base_path) :]).lstrip("/")
        return None

    def page_url(self, file: Path) -> str:
        """Where a file of the folder is published, under `base_url` (or its file URI)."""
        if not self.base_url:
            return file.resolve().as_uri()
        rel = file.resolve().relative_to(self.root).as_posix()
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return base + rel


def _existing(path: Path) -> Path | None:
    if path.is_file():
        return path
    if path.is_dir():
        for name in ("index.html", "index.htm"):
            if (path / name).is_file():
                return path / name
        return None
    if not path.suffix or path.suffix.lower() not in (".html", ".htm"):
        for ext in (".html", ".htm"):
            candidate = path.with_name(path.name + ext)
            if candidate.is_file():
                return candidate
    return None


def check_file(url: str, path: Path, root: Path, *, want_title: bool, max_bytes: int) -> LinkStatus:
    """A local link: does the file exist (and what is its title)?"""
    started = time.perf_counter()
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = str(path)
    found = _existing(path)
    if found is None:
        return LinkStatus(
            url=url,
            state=LinkState.BROKEN,
            error="missing_file",
            message=f"no file {shown!r} in the folder",
            elapsed=time.perf_counter() - started,
            method="file",
            attempts=1,
        )
    title: str | None = None
    heads: tuple[str, ...] = ()
    read = False
    if want_title and found.suffix.lower() in (".html", ".htm"):
        try:
            if found.stat().st_size <= max_bytes:
                from postaudit.gather.decode import decode_html

                text, _, _ = decode_html(found.read_bytes())
                title, heads = extract_titles(text)
                read = True
        except OSError:
            pass
    return LinkStatus(
        url=url,
        state=LinkState.OK,
        final_url=found.resolve().as_uri(),
        message="file exists",
        elapsed=time.perf_counter() - started,
        method="file",
        attempts=1,
        title=title,
        headings=heads,
        read_body=read,
    )


# --------------------------------------------------------------------------- needs


@dataclass(frozen=True, slots=True)
class Need:
    """One link target a page needs checked."""

    key: str  # link_key(url): the Page.link_status key
    url: str
    href: str
    scope: str  # "pagination" | "internal" | "external"
    want_title: bool = False
    excluded: bool = False


def collect_needs(
    page: Page,
    scopes: Iterable[str],
    *,
    exclude: Sequence[re.Pattern[str]] = (),
    site: LocalSite | None = None,
) -> list[Need]:
    """The link targets of `page` the enabled scopes call for, one per key.

    Previous/next targets (scope "pagination", GET with title), then the article's
    links to the same site ("internal") and to others ("external"). Hidden links,
    fragments of the page itself and non-http(s) schemes are left out. For a local
    page (a file or stdin), only targets inside its folder (`site`) keep their scope;
    anything that would need the network counts as "external" (`--links all`), and
    links to other files of a file given on its own are not checked at all.
    """
    wanted = set(scopes)
    out: dict[str, Need] = {}
    local_page = site is not None or not is_http(page.final_url)

    def add(url: str | None, href: str, scope: str, want_title: bool) -> None:
        if url is None or not checkable(url, page.final_url):
            return
        in_folder = site is not None and site.path_for(url, href) is not None
        if urlsplit(url).scheme == "file" and not in_folder:
            return  # a file given on its own: the rest of its site is not there
        if local_page and not in_folder:
            scope = "external"  # a local audit uses the network only with --links all
        if scope not in wanted:
            return
        key = link_key(url)
        if key in out:
            return
        excluded = any(p.search(url) for p in exclude)
        out[key] = Need(key, url, href, scope, want_title and not excluded, excluded)

    for pager in page.pagination.links:
        add(pager.url, pager.href, "pagination", True)
    for link in page.links:
        if not link.in_article or link.hidden:
            continue
        internal = is_internal(link.url, page.final_url)
        add(link.url, link.href, "internal" if internal else "external", False)
    return list(out.values())


# --------------------------------------------------------------------------- network


def status_from_raw(raw: RawPage, *, method: str, attempts: int, elapsed: float) -> LinkStatus:
    """Classify a Fetcher result."""
    chain = tuple(Hop(r.status, r.url, r.location) for r in raw.redirects)
    base: dict[str, Any] = {
        "url": raw.url,
        "status": raw.status,
        "final_url": raw.final_url,
        "chain": chain,
        "elapsed": elapsed,
        "method": method,
        "attempts": attempts,
    }
    error = raw.error
    if error is None or str(error.kind) in ("too_large", "not_html"):
        title: str | None = None
        heads: tuple[str, ...] = ()
        read = False
        if raw.text is not None:
            title, heads = extract_titles(raw.text)
            read = True
        state = LinkState.REDIRECTED if chain else LinkState.OK
        message = f"HTTP {raw.status}" if raw.status else "ok"
        return LinkStatus(
            **base, state=state, message=message, title=title, headings=heads, read_body=read
        )
    kind = str(error.kind)
    status = raw.status
    if kind == "http_status" and status is not None:
        if status == 999 or (status == 403 and "cf-mitigated" in raw.headers):
            return LinkStatus(
                **base,
                state=LinkState.UNVERIFIED,
                error="bot_wall",
                message=f"{error.message} (bot protection; check it in a browser)",
            )
        if status == 429:
            return LinkStatus(
                **base,
                state=LinkState.UNVERIFIED,
                error="rate_limited",
                message=f"{error.message} (still rate limited after {attempts} attempts)",
            )
        if status == 401:
            return LinkStatus(
                **base,
                state=LinkState.UNVERIFIED,
                error="auth_required",
                message=f"{error.message} (needs a login)",
            )
    return LinkStatus(**base, state=LinkState.BROKEN, error=kind, message=error.message)


class LinkChecker:
    """Checks link targets with one cache for the whole run. Never raises for a URL.

    `fetcher` may be None when only local files are checked. `requests` logs every
    HTTP request made, as (method, url).
    """

    def __init__(
        self,
        fetcher: Fetcher | None,
        options: LinkCheckOptions | None = None,
        *,
        robots: RobotsCache | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.robots = robots  # given: links robots.txt disallows are not requested
        self.options = options or LinkCheckOptions()
        self.requests: list[tuple[str, str]] = []
        self._plain: dict[str, asyncio.Future[LinkStatus]] = {}
        self._titled: dict[str, asyncio.Future[LinkStatus]] = {}
        self._local: dict[tuple[str, bool], LinkStatus] = {}
        self._head_refused: set[str] = set()
        self._resume_at: dict[str, float] = {}
        self._timeouts: dict[str, int] = {}  # host:port -> consecutive timeouts
        self._gates: dict[str, asyncio.Semaphore] = {}

    # ------------------------------------------------------------ audited pages

    def expect(self, url: str) -> None:
        """An audited page is being fetched: links to it wait for that fetch."""
        key = link_key(url)
        if key not in self._titled:
            self._titled[key] = asyncio.get_running_loop().create_future()

    def fulfil(self, url: str, status: LinkStatus) -> None:
        """The audited page `url` was fetched: its status answers links to it."""
        for key in {link_key(url), link_key(status.final_url or url)}:
            future = self._titled.get(key)
            if future is None:
                future = self._titled[key] = asyncio.get_running_loop().create_future()
            # a check already running for this URL (a Task) answers for itself
            if not future.done() and not isinstance(future, asyncio.Task):
                future.set_result(status if key == link_key(url) else _arrived(status))

    # ------------------------------------------------------------ checking

    async def check_many(
        self, needs: Iterable[Need], site: LocalSite | None = None
    ) -> dict[str, LinkStatus]:
        """Check every need (concurrently, through the cache); key -> status."""
        needs = list(needs)
        results = await asyncio.gather(*(self.check(n, site) for n in needs))
        return {n.key: s for n, s in zip(needs, results, strict=True)}

    async def check(self, need: Need, site: LocalSite | None = None) -> LinkStatus:
        if need.excluded:
            return LinkStatus(
                need.url, LinkState.SKIPPED, error="excluded", message="excluded by --exclude-link"
            )
        path = site.path_for(need.url, need.href) if site is not None else None
        if site is not None and path is not None:
            return self._check_local(need, path, site)
        if not is_http(need.url):
            return LinkStatus(
                need.url, LinkState.SKIPPED, error="not_http", message="not an http(s) URL"
            )
        if self.fetcher is None:
            return LinkStatus(
                need.url, LinkState.SKIPPED, error="offline", message="no network client"
            )
        if self.robots is not None and not await self.robots.can_fetch(need.url):
            return LinkStatus(
                need.url,
                LinkState.SKIPPED,
                error="robots",
                message="not checked: robots.txt disallows",
            )
        key = need.key
        titled = self._titled.get(key)
        if titled is not None:
            return await titled
        if not need.want_title:
            plain = self._plain.get(key)
            if plain is None:
                plain = self._plain[key] = asyncio.ensure_future(self._check_http(need.url, False))
            return await plain
        plain = self._plain.get(key)
        if plain is not None:
            first = await plain
            if first.state in (LinkState.BROKEN, LinkState.UNVERIFIED):
                return first  # no GET needed to learn the title of a page that failed
            titled = self._titled.get(key)
            if titled is not None:
                return await titled
        titled = self._titled[key] = asyncio.ensure_future(self._check_http(need.url, True))
        return await titled

    def _check_local(self, need: Need, path: Path, site: LocalSite) -> LinkStatus:
        cache_key = (str(path), need.want_title)
        cached = self._local.get(cache_key) or (
            self._local.get((str(path), True)) if not need.want_title else None
        )
        if cached is None:
            cached = check_file(
                need.url,
                path,
                site.root,
                want_title=need.want_title,
                max_bytes=self.options.max_bytes,
            )
            self._local[cache_key] = cached
        return cached if cached.url == need.url else _renamed(cached, need.url)

    async def _check_http(self, url: str, want_title: bool) -> LinkStatus:
        started = time.perf_counter()
        try:
            host = host_of(url)
            method = "GET" if want_title or host in self._head_refused else "HEAD"
            raw, attempts = await self._attempts(method, url, read_body=want_title)
            if method == "HEAD" and raw.status is not None and _head_suspect(raw.status):
                # Servers that refuse or mishandle HEAD: confirm with GET before judging.
                if raw.status in (405, 501):
                    self._head_refused.add(host)
                method = "GET"
                raw, more = await self._attempts(method, url, read_body=False)
                attempts += more
            return status_from_raw(
                raw, method=method, attempts=attempts, elapsed=time.perf_counter() - started
            )
        except _HostDown as down:
            return LinkStatus(
                url,
                LinkState.BROKEN,
                error="host_down",
                message=down.message,
                elapsed=time.perf_counter() - started,
                attempts=down.attempts,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not lose the page: report it as data
            return LinkStatus(
                url,
                LinkState.UNVERIFIED,
                error="internal",
                message=f"link check failed: {type(exc).__name__}: {exc}",
                elapsed=time.perf_counter() - started,
            )

    def _gate(self, server: str) -> asyncio.Semaphore:
        gate = self._gates.get(server)
        if gate is None:
            assert self.fetcher is not None
            gate = self._gates[server] = asyncio.Semaphore(self.fetcher.options.per_host)
        return gate

    def _down_message(self, server: str) -> str | None:
        limit = self.options.breaker
        count = self._timeouts.get(server, 0)
        if not limit or count < limit:
            return None
        return (
            f"host not answering: {count} requests to {server} in a row timed out, "
            "so this link was not requested"
        )

    def _record(self, server: str, raw: RawPage) -> None:
        """Feed the breaker: a timeout without any answer counts, any answer resets."""
        if raw.status is None and raw.error is not None and str(raw.error.kind) == "timeout":
            self._timeouts[server] = self._timeouts.get(server, 0) + 1
        elif raw.status is not None:
            self._timeouts[server] = 0

    async def _attempts(self, method: str, url: str, *, read_body: bool) -> tuple[RawPage, int]:
        assert self.fetcher is not None
        from postaudit.gather.fetch import header_key

        host = host_of(url)
        server = header_key(url) or host
        cap = self.options.max_bytes if read_body else _BODYLESS_CAP
        attempt = 0
        loop = asyncio.get_running_loop()
        last: RawPage | None = None
        while True:
            pause = self._resume_at.get(host, 0.0) - loop.time()
            if pause > 0:
                await asyncio.sleep(min(pause, self.options.retry_after_cap))
            async with self._gate(server):
                down = self._down_message(server)
                if down is not None:
                    if last is not None:  # this link timed out itself: no more retries
                        return last, attempt
                    raise _HostDown(down, attempt)
                raw = last = await self.fetcher.request(
                    method, url, read_body=read_body, max_bytes=cap
                )
            self._record(server, raw)
            attempt += 1
            self.requests.append((method, url))
            delay = retry_delay(
                raw, attempt, backoff=self.options.backoff, cap=self.options.retry_after_cap
            )
            if delay is None or attempt > self.options.retries:
                return raw, attempt
            if pauses_host(raw):
                self._resume_at[host] = max(self._resume_at.get(host, 0.0), loop.time() + delay)
            await asyncio.sleep(delay)


class _HostDown(Exception):
    """Internal: the breaker of the link's host is open."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.message = message
        self.attempts = attempts


def _head_suspect(status: int) -> bool:
    """A HEAD answer worth confirming with GET: 4xx (405, 403 and 501 mean "no HEAD";
    some servers answer HEAD with 404 or 400) and 999, but not 429 or 5xx, which the
    retries already covered."""
    return (400 <= status < 500 and status != 429) or status in (501, 999)


def _arrived(status: LinkStatus) -> LinkStatus:
    """The status of a redirect's final URL: it answered directly."""
    final = status.final_url or status.url
    state = LinkState.OK if status.state is LinkState.REDIRECTED else status.state
    return LinkStatus(
        url=final,
        state=state,
        status=status.status,
        final_url=final,
        error=status.error,
        message=status.message,
        method=status.method,
        attempts=status.attempts,
        title=status.title,
        headings=status.headings,
        read_body=status.read_body,
    )


def _renamed(status: LinkStatus, url: str) -> LinkStatus:
    return LinkStatus(
        url=url,
        state=status.state,
        status=status.status,
        final_url=status.final_url,
        chain=status.chain,
        error=status.error,
        message=status.message,
        elapsed=status.elapsed,
        method=status.method,
        attempts=status.attempts,
        title=status.title,
        headings=status.headings,
        read_body=status.read_body,
    )


def page_status(raw: RawPage) -> LinkStatus:
    """An audited page's own fetch, as the status of links pointing at it."""
    return status_from_raw(raw, method="page", attempts=1, elapsed=raw.elapsed)


__all__ = [
    "LINK_MODES",
    "SCOPES",
    "LinkCheckOptions",
    "LinkChecker",
    "LocalSite",
    "Need",
    "check_file",
    "collect_needs",
    "extract_titles",
    "page_status",
    "status_from_raw",
]
