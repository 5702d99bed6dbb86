"""The one HTTP client of the tool: fetch pages and links with limits, never raise.

`Fetcher` owns a single `httpx.AsyncClient` for the whole run. Redirects are followed
by hand so every hop is recorded and capped; the body is streamed and cut off at
`max_bytes` (measured after content-encoding decompression); every call runs under a
total deadline so a server trickling one byte at a time cannot hold a worker forever.
Every failure comes back as a `RawPage` with a `FetchError` (a kind and a one-line
message), never as an exception, except cancellation.

The body is read raw and decoded by `postaudit.gather.decode` (content codings in bounded
steps, then the charset as browsers do).
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
from types import MappingProxyType
from typing import Final

import httpx

from postaudit.gather.boundary import SiteBoundary, is_private_address
from postaudit.gather.decode import (
    HTML_TYPES,
    SNIFF_BYTES,
    DecodeError,
    Inflater,
    binary_body,
    decodable_codings,
    decode_html,
    media_type,
    sniff_not_html,
    wide_charset,
)
from postaudit.gather.retry import RETRY_STATUSES, retry_delay
from postaudit.version import __version__


class FetchErrorKind(StrEnum):
    INVALID_URL = "invalid_url"  # not http(s), unparsable
    DNS = "dns"  # name resolution failed
    CONNECT = "connect"  # refused / unreachable / reset before response
    TLS = "tls"  # certificate / SSL error
    TIMEOUT = "timeout"  # connect, read or total deadline
    TOO_MANY_REDIRECTS = "too_many_redirects"  # includes loops
    TOO_LARGE = "too_large"  # body over the cap (after decompression)
    HTTP_STATUS = "http_status"  # 4xx/5xx
    NOT_HTML = "not_html"  # content type not HTML (only when HTML is required)
    READ = "read"  # connection dropped mid-body, protocol error
    OFF_SITE = "off_site"  # a redirect out of the run's site boundary (sitemap runs)
    BLOCKED = "blocked_address"  # a redirect from a public address to a private one
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FetchError:
    kind: FetchErrorKind
    message: str  # one line, for humans: "HTTP 404 Not Found"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Redirect:
    status: int
    url: str  # the URL that answered with `status`
    location: str  # the absolute URL it pointed to


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 15.0  # read timeout per operation (s)
    connect_timeout: float | None = None  # default: min(timeout, 10)
    total_timeout: float | None = None  # whole call incl. redirects and body; default 3*timeout
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    user_agent: str = f"postaudit/{__version__}"
    headers: tuple[tuple[str, str], ...] = ()  # extra headers, e.g. auth for a staging site
    header_hosts: frozenset[str] = frozenset()  # empty: the host of the first fetch_page URL
    per_host: int = 4
    concurrency: int = 16
    #: fetch_page only: extra attempts after a 429 or 503 (a rate limit or a restart
    #: is not a broken page), waiting Retry-After (seconds or a date) or `backoff`
    #: doubling, never longer than `retry_after_cap` seconds per wait
    retries: int = 0
    retry_after_cap: float = 30.0
    backoff: float = 0.5
    #: addresses counted as public by the private-address rule of redirects (see
    #: `postaudit.gather.boundary`): a test hook, so a loopback server can play a public one
    public_addresses: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.connect_timeout is not None and self.connect_timeout <= 0:
            raise ValueError("connect_timeout must be positive")
        if self.total_timeout is not None and self.total_timeout <= 0:
            raise ValueError("total_timeout must be positive")
        if self.max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")
        if self.per_host < 1 or self.concurrency < 1:
            raise ValueError("per_host and concurrency must be at least 1")
        if self.retries < 0 or self.retry_after_cap < 0 or self.backoff < 0:
            raise ValueError("retries, retry_after_cap and backoff must not be negative")

    @property
    def effective_connect_timeout(self) -> float:
        if self.connect_timeout is not None:
            return self.connect_timeout
        return min(self.timeout, 10.0)

    @property
    def effective_total_timeout(self) -> float:
        if self.total_timeout is not None:
            return self.total_timeout
        return 3 * self.timeout


DEFAULT_OPTIONS: Final = FetchOptions()


@dataclass(frozen=True, slots=True)
class RawPage:
    url: str  # as requested
    final_url: str  # after redirects (== url if none)
    status: int | None  # final HTTP status, None if no response
    headers: Mapping[str, str]  # final response headers, keys lower-cased
    body: bytes | None
    text: str | None  # decoded HTML (None on error)
    encoding: str | None  # e.g. "utf-8", "windows-1252"
    encoding_source: str | None  # "http", "meta", "bom", "detected"
    redirects: tuple[Redirect, ...]
    error: FetchError | None
    elapsed: float  # seconds


# --------------------------------------------------------------------------- errors


def _seconds(value: float) -> str:
    return f"{value:g}"


def _size(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb:
        return f"{round(n / mb, 1):g} MB"
    if n >= 1024:
        return f"{round(n / 1024, 1):g} KB"
    return f"{n} bytes"


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and its chain of causes/contexts, without cycles."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _os_detail(chain: list[BaseException]) -> str | None:
    """The plainest OS-level reason in an exception chain ("Connection refused")."""
    for exc in reversed(chain):
        if isinstance(exc, socket.gaierror) and exc.strerror:
            return exc.strerror
        if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno > 0:
            return os.strerror(exc.errno)
    return None


_DNS_HINTS: Final = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
)


def error_from_exception(
    exc: BaseException, url: str, options: FetchOptions = DEFAULT_OPTIONS
) -> FetchError:
    """Map an exception raised while fetching `url` to a `FetchError`."""
    chain = _causes(exc)
    detail = _one_line(str(exc)) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        seconds = _seconds(options.effective_connect_timeout)
        return FetchError(
            FetchErrorKind.TIMEOUT, f"timed out after {seconds} s connecting to {url}"
        )
    if isinstance(exc, httpx.ReadTimeout):
        seconds = _seconds(options.timeout)
        return FetchError(FetchErrorKind.TIMEOUT, f"timed out after {seconds} s reading {url}")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(FetchErrorKind.TIMEOUT, f"timed out fetching {url}")
    if isinstance(exc, TimeoutError):  # the total deadline (asyncio.timeout)
        seconds = _seconds(options.effective_total_timeout)
        return FetchError(
            FetchErrorKind.TIMEOUT, f"timed out after {seconds} s (total deadline) fetching {url}"
        )
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchError(FetchErrorKind.INVALID_URL, f"invalid URL {url!r}: {detail}")
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return FetchError(FetchErrorKind.TLS, f"TLS error with {url}: {detail}")
    if isinstance(exc, httpx.ConnectError):
        detail = _os_detail(chain) or detail
        texts = " ".join(str(e).lower() for e in chain)
        if any(isinstance(e, socket.gaierror) for e in chain) or any(
            hint in texts for hint in _DNS_HINTS
        ):
            return FetchError(FetchErrorKind.DNS, f"cannot resolve host of {url}: {detail}")
        return FetchError(FetchErrorKind.CONNECT, f"cannot connect to {url}: {detail}")
    if isinstance(exc, httpx.WriteError):
        return FetchError(FetchErrorKind.CONNECT, f"connection lost sending request to {url}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        detail = _os_detail(chain) or detail  # "Connection reset by peer", not "ReadError"
        return FetchError(FetchErrorKind.READ, f"error reading {url}: {detail}")
    if isinstance(exc, httpx.DecodingError):
        return FetchError(FetchErrorKind.READ, f"cannot decode the body of {url}: {detail}")
    return FetchError(FetchErrorKind.OTHER, f"{type(exc).__name__} fetching {url}: {detail}")


class _Failure(Exception):
    """Internal: stop the current call with this error."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(error.message)
        self.error = error


def _fail(kind: FetchErrorKind, message: str) -> _Failure:
    return _Failure(FetchError(kind, message))


def _http_url(raw: str) -> httpx.URL:
    """Parse `raw` and require an absolute http(s) URL with a host."""
    try:
        url = httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        message = f"invalid URL {raw!r}: {_one_line(str(exc))}"
        raise _fail(FetchErrorKind.INVALID_URL, message) from None
    if url.scheme not in ("http", "https"):
        what = f"unsupported URL scheme {url.scheme!r}" if url.scheme else "not an absolute URL"
        raise _fail(FetchErrorKind.INVALID_URL, f"{what}: {raw!r}")
    if not url.host:
        raise _fail(FetchErrorKind.INVALID_URL, f"no host in URL {raw!r}")
    return url


def _status_message(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


# --------------------------------------------------------------------------- fetcher

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_ACCEPT_HTML: Final = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
#: What the client offers: only codings the Inflater decodes (httpx alone would offer
#: br and zstd whenever their packages are importable).
_CODINGS: Final = decodable_codings()


@dataclass(slots=True)
class _Call:
    """Mutable state of one fetch_page/request call, turned into a RawPage at the end."""

    url: str
    current: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    text: str | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    redirects: list[Redirect] = field(default_factory=list)
    error: FetchError | None = None
    public_start: bool | None = None  # the first hop's peer was public (None: not known)

    def page(self, started: float) -> RawPage:
        return RawPage(
            url=self.url,
            final_url=self.current if self.redirects else self.url,
            status=self.status,
            headers=self.headers,
            body=self.body,
            text=self.text,
            encoding=self.encoding,
            encoding_source=self.encoding_source,
            redirects=tuple(self.redirects),
            error=self.error,
            elapsed=time.perf_counter() - started,
        )


def _host_key(url: httpx.URL) -> str:
    return url.host.lower()


class Fetcher:
    """Async context manager owning ONE httpx.AsyncClient for the whole run."""

    def __init__(self, options: FetchOptions = DEFAULT_OPTIONS) -> None:
        self.options = options
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(options.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._secure_only = False  # the audited site is https: never send headers over http
        self._header_hosts: frozenset[str] = frozenset(
            h.strip().lower() for h in options.header_hosts
        )

    async def __aenter__(self) -> Fetcher:
        o = self.options
        timeout = httpx.Timeout(
            connect=o.effective_connect_timeout,
            read=o.timeout,
            write=o.timeout,
            pool=o.timeout,
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=timeout,
            headers={"User-Agent": o.user_agent, "Accept-Encoding": ", ".join(_CODINGS)},
            limits=httpx.Limits(
                max_connections=o.concurrency,
                max_keepalive_connections=o.concurrency,
            ),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def fetch_page(
        self, url: str, *, require_html: bool = True, site: SiteBoundary | None = None
    ) -> RawPage:
        """GET an article page: follow redirects, require HTML, decode the body.

        With `site`, a redirect out of that boundary is not followed (an OFF_SITE error)."""
        if not self.options.header_hosts and not self._header_hosts:
            key = header_key(url)
            if key is not None:
                # host AND port: an http:// link to an https site's host gets no credentials
                self._header_hosts = frozenset({key})
                self._secure_only = url.strip().lower().startswith("https:")
        attempts = 0
        while True:
            raw = await self._call(
                "GET", url, max_bytes=None, read_body=True, require_html=require_html, site=site
            )
            attempts += 1
            if raw.status not in RETRY_STATUSES or raw.error is None:
                return raw
            if attempts > self.options.retries:
                if attempts == 1:
                    return raw
                error = FetchError(raw.error.kind, f"{raw.error.message} after {attempts} attempts")
                return dataclasses.replace(raw, error=error)
            delay = retry_delay(
                raw, attempts, backoff=self.options.backoff, cap=self.options.retry_after_cap
            )
            await asyncio.sleep(delay or 0.0)  # a 429/503 is retryable: never None

    async def request(
        self,
        method: str,
        url: str,
        *,
        max_bytes: int | None = None,
        read_body: bool = True,
        site: SiteBoundary | None = None,
    ) -> RawPage:
        """Any method (HEAD/GET for the link checker), same redirect/limit/error handling.

        No HTML requirement; `text` is filled only for HTML (or untyped, non-binary) bodies.
        """
        return await self._call(
            method.upper(),
            url,
            max_bytes=max_bytes,
            read_body=read_body,
            require_html=False,
            site=site,
        )

    # ------------------------------------------------------------------ internals

    def _host_semaphore(self, host: str) -> asyncio.Semaphore:
        sem = self._per_host.get(host)
        if sem is None:
            sem = self._per_host[host] = asyncio.Semaphore(self.options.per_host)
        return sem

    def _may_send_headers(self, url: httpx.URL) -> bool:
        if self._secure_only and url.scheme != "https":
            return False
        host = url.host.lower()
        port = url.port or (443 if url.scheme == "https" else 80)
        return host in self._header_hosts or f"{host}:{port}" in self._header_hosts

    async def _call(
        self,
        method: str,
        url: str,
        *,
        max_bytes: int | None,
        read_body: bool,
        require_html: bool,
        site: SiteBoundary | None = None,
    ) -> RawPage:
        if self._client is None:
            raise RuntimeError("Fetcher must be used as 'async with Fetcher(...) as f'")
        started = time.perf_counter()
        call = _Call(url=url, current=url)
        cap = self.options.max_bytes if max_bytes is None else max_bytes
        try:
            target = _http_url(url)
            call.current = str(target)
            async with self._global:
                await self._follow(
                    self._client, call, method, target, cap, read_body, require_html, site
                )
        except _Failure as failure:
            call.error = failure.error
        except Exception as exc:  # never escape: everything becomes a FetchError
            call.error = error_from_exception(exc, call.current, self.options)
        if call.error is not None:
            call.body = call.text = call.encoding = call.encoding_source = None
        return call.page(started)

    async def _follow(
        self,
        client: httpx.AsyncClient,
        call: _Call,
        method: str,
        target: httpx.URL,
        cap: int,
        read_body: bool,
        require_html: bool,
        site: SiteBoundary | None,
    ) -> None:
        """Request `target`, following redirects by hand, under the total deadline.

        Time spent queueing for a per-host slot does not count against the deadline.
        A redirect out of `site`, or from a public address to a private one, is not
        followed (see `postaudit.gather.boundary`).
        """
        remaining = self.options.effective_total_timeout
        visited = {str(target.copy_with(fragment=None))}
        send_extra = True  # cleared for good on an https -> http downgrade
        loop = asyncio.get_running_loop()
        while True:
            async with self._host_semaphore(_host_key(target)):
                if remaining <= 0:
                    raise TimeoutError
                hop_started = loop.time()
                try:
                    async with asyncio.timeout(remaining):
                        next_hop = await self._hop(
                            client,
                            call,
                            method,
                            target,
                            cap,
                            read_body,
                            require_html,
                            send_extra and self._may_send_headers(target),
                        )
                finally:
                    remaining -= loop.time() - hop_started
            if next_hop is None:
                return
            location = next_hop
            if len(call.redirects) > self.options.max_redirects:
                raise _fail(
                    FetchErrorKind.TOO_MANY_REDIRECTS,
                    f"more than {self.options.max_redirects} redirects starting at {call.url}",
                )
            key = str(location.copy_with(fragment=None))
            if key in visited:
                raise _fail(
                    FetchErrorKind.TOO_MANY_REDIRECTS,
                    f"redirect loop: {call.current} -> {location} was already visited",
                )
            visited.add(key)
            if site is not None and (reason := site.reason(str(location))) is not None:
                raise _fail(
                    FetchErrorKind.OFF_SITE,
                    f"redirects to {location}, {reason}: not followed "
                    "(--allow-host widens the site)",
                )
            if call.public_start:
                await self._refuse_private(target, location)
            status = call.redirects[-1].status
            if (status == 303 and method != "HEAD") or (
                status in (301, 302) and method not in ("GET", "HEAD")
            ):
                method = "GET"
            if target.scheme == "https" and location.scheme == "http":
                send_extra = False
            target = location
            call.current = str(target)
            call.status = None
            call.headers = {}

    async def _refuse_private(self, source: httpx.URL, location: httpx.URL) -> None:
        """Before connecting: a redirect from a public address whose target host is, or
        resolves to, a private one is refused (the peer check in `_hop` catches a name
        that resolves differently by the time it connects)."""
        host = location.host
        port = location.port or (443 if location.scheme == "https" else 80)
        public = self.options.public_addresses
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except OSError:
                return  # the hop itself reports the DNS failure
            addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if is_private_address(address, public):
                raise _blocked(source, location, address)

    async def _hop(
        self,
        client: httpx.AsyncClient,
        call: _Call,
        method: str,
        target: httpx.URL,
        cap: int,
        read_body: bool,
        require_html: bool,
        send_extra: bool,
    ) -> httpx.URL | None:
        """One request. Returns the next URL for a redirect, None when done."""
        headers = self._request_headers(send_extra=send_extra, require_html=require_html)
        async with client.stream(method, target, headers=headers) as response:
            self._check_peer(call, response, target)
            status = response.status_code
            call.status = status
            call.headers = MappingProxyType({k.lower(): v for k, v in response.headers.items()})

            location_header = response.headers.get("location")
            if status in _REDIRECT_STATUSES and location_header:
                return _redirect_target(call, status, target, location_header)

            _refuse_status(response, require_html)
            content_type = response.headers.get("content-type")
            media = media_type(content_type)
            _refuse_before_body(response, media, cap, require_html)

            if not read_body or method == "HEAD":
                return None
            body = await _read_body(response, target, cap)

        _keep_body(call, body, media, content_type, require_html)
        return None

    def _request_headers(self, *, send_extra: bool, require_html: bool) -> dict[str, str]:
        """The per-request headers: the extra ones (when they may go to this host) and
        an HTML Accept for pages."""
        headers: dict[str, str] = {}
        if send_extra:
            headers.update(self.options.headers)
        if require_html:
            headers.setdefault("Accept", _ACCEPT_HTML)
        return headers

    def _check_peer(self, call: _Call, response: httpx.Response, target: httpx.URL) -> None:
        """Note whether the first hop's peer is public; refuse a redirect that led from a
        public peer to a private one."""
        peer = _peer_address(response)
        if peer is not None:
            private = is_private_address(peer, self.options.public_addresses)
            if call.public_start is None:
                call.public_start = not private
            elif call.public_start and private and call.redirects:
                raise _blocked(httpx.URL(call.redirects[-1].url), target, peer)


def _redirect_target(
    call: _Call, status: int, target: httpx.URL, location_header: str
) -> httpx.URL:
    """The absolute http(s) URL a redirect points to, recorded in `call.redirects`."""
    try:
        location = target.join(location_header.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _fail(
            FetchErrorKind.INVALID_URL,
            f"bad redirect Location {location_header!r} from {target}: {exc}",
        ) from None
    if location.scheme not in ("http", "https") or not location.host:
        shown = location_header.strip() if location.scheme else str(location)
        call.redirects.append(Redirect(status, str(target), shown))
        raise _fail(
            FetchErrorKind.INVALID_URL,
            f"redirect to unsupported URL {shown!r} from {target}",
        )
    call.redirects.append(Redirect(status, str(target), str(location)))
    return location


def _refuse_status(response: httpx.Response, require_html: bool) -> None:
    """An error status, or a redirect status without a Location, ends the call."""
    status = response.status_code
    if status >= 400:
        message = _status_message(status)
        if require_html and (status == 999 or "cf-mitigated" in response.headers):
            message += " (a bot wall: open the page in a browser to check it)"
        raise _fail(FetchErrorKind.HTTP_STATUS, message)
    if 300 <= status < 400:
        raise _fail(FetchErrorKind.HTTP_STATUS, f"{_status_message(status)} without a Location")


def _refuse_before_body(
    response: httpx.Response, media: str | None, cap: int, require_html: bool
) -> None:
    """Before reading: a media type that is not HTML (when HTML is required), or a
    Content-Length over the cap, ends the call."""
    if require_html and media is not None and media not in HTML_TYPES:
        raise _fail(FetchErrorKind.NOT_HTML, f"content type {media!r} is not HTML")
    length = response.headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > cap:
        raise _fail(FetchErrorKind.TOO_LARGE, f"body exceeds {_size(cap)} limit")


async def _read_body(response: httpx.Response, target: httpx.URL, cap: int) -> bytes:
    """The body, its content codings undone in bounded steps, refused past `cap`."""
    chunks: list[bytes] = []
    size = 0
    inflater = Inflater(response.headers.get_list("content-encoding", split_commas=True))
    try:
        async for raw in response.aiter_raw():
            for chunk in inflater.feed(raw):
                size += len(chunk)
                if size > cap:
                    raise _fail(FetchErrorKind.TOO_LARGE, f"body exceeds {_size(cap)} limit")
                chunks.append(chunk)
        for chunk in inflater.finish():
            size += len(chunk)
            if size > cap:
                raise _fail(FetchErrorKind.TOO_LARGE, f"body exceeds {_size(cap)} limit")
            chunks.append(chunk)
    except DecodeError as exc:
        raise _fail(
            FetchErrorKind.READ,
            f"cannot decode the body of {target}: {_one_line(str(exc))}",
        ) from None
    return b"".join(chunks)


def _keep_body(
    call: _Call, body: bytes, media: str | None, content_type: str | None, require_html: bool
) -> None:
    """Store the body in `call`, decoded when it is HTML; a page that is not HTML after
    all (sniffed: a PDF, an image, binary data) ends the call when HTML is required."""
    if media is None:
        reason = sniff_not_html(body[:SNIFF_BYTES])
        if reason is not None and require_html:
            raise _fail(FetchErrorKind.NOT_HTML, reason)
        decodable = reason is None
    else:
        decodable = media in HTML_TYPES
        if decodable and require_html and not wide_charset(content_type):
            what = binary_body(body)
            if what is not None:
                raise _fail(
                    FetchErrorKind.NOT_HTML, f"content type {media!r} but the body is {what}"
                )
    call.body = body
    if decodable:
        call.text, call.encoding, call.encoding_source = decode_html(body, content_type)


def _peer_address(response: httpx.Response) -> str | None:
    """The IP address the response came from (httpcore's network stream), or None."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except Exception:
        return None
    if isinstance(peer, tuple) and peer and isinstance(peer[0], str):
        return peer[0]
    return None


def _blocked(source: httpx.URL, location: httpx.URL, address: str) -> _Failure:
    return _fail(
        FetchErrorKind.BLOCKED,
        f"redirect from {source} to {location} refused: it leads from a public address "
        f"to the private address {address}",
    )


def header_key(url: str) -> str | None:
    """`host:port` of an http(s) URL (the port defaulted from the scheme), the form of
    `FetchOptions.header_hosts` that keeps http and https apart; None if unusable."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.host.lower()}:{port}"
