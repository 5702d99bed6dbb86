"""A fault-injecting HTTP server for the hostile-input tests.

`FaultServer` is a threaded `http.server` on 127.0.0.1 that misbehaves on purpose, one
route per fault (see `ROUTES`), and serves whatever pages a test registers with
`page()`. It is bounded and stops by itself:

- at most `max_clients` connections are handled at once (more are closed at once);
- every handler runs under a hard time cap (`handler_cap`): waits are `Event.wait`s on
  the server's stop event, never plain sleeps, so `stop()` ends them immediately, and
  no handler outlives the cap even if nobody stops the server;
- a connection that sends nothing is dropped after `socket_timeout` seconds;
- `stop()` (the fixtures' teardown) shuts the server down and joins its thread.

Any route answers HEAD with another status when asked: `?head=405` (so a link checker
has to fall back to GET). Every request is logged (`requests`: method, path, headers, host as addressed) so
tests can assert on what was, and what was never, asked for or sent.

Two servers addressed as `127.0.0.1` and `localhost` are two different hosts for the
client (the credentials tests use that).
"""

from __future__ import annotations

import gzip
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Logged:
    method: str
    path: str  # path and query as requested
    headers: Mapping[str, str]  # lower-cased names
    at: float  # time.monotonic()


@dataclass(slots=True)
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[["FaultHandler", dict[str, str]], None]


def _gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (about 1,000:1), built in 1 MB steps."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MB)
    parts = [comp.compress(block) for _ in range(size // MB)]
    parts.append(comp.flush())
    return b"".join(parts)


_BOMBS: dict[int, bytes] = {}
_BOMB_LOCK = threading.Lock()


def gzip_bomb(size: int) -> bytes:
    with _BOMB_LOCK:
        if size not in _BOMBS:
            _BOMBS[size] = _gzip_bomb(size)
        return _BOMBS[size]


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    # ------------------------------------------------------------ plumbing

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.owner.socket_timeout)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with suppress(OSError):  # a client that hangs up or resets is no server error
            super().handle()

    def _dispatch(self) -> None:
        owner = self.server.owner
        owner.log(self)
        self.deadline = time.monotonic() + owner.handler_cap
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with suppress(BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            if self.command == "HEAD" and "head" in query:  # ?head=405: refuse HEAD
                self.send(int(query["head"]), b"", {})
                return
            canned = owner.pages.get(parts.path)
            if canned is not None:
                self.send(canned.status, canned.body, canned.headers)
                return
            for prefix, route in (*owner.routes.items(), *ROUTES.items()):
                if parts.path == prefix or parts.path.startswith(prefix + "/"):
                    route(self, query)
                    return
            self.send(404, b"<!doctype html><title>Not found</title>", {})

    do_GET = do_HEAD = do_POST = _dispatch

    # ------------------------------------------------------------ helpers for routes

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds`, never past the handler's cap. False when the server
        is stopping or the cap is reached (the route should end)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return False
        return not self.server.owner.stopping.wait(min(seconds, remaining)) and (
            time.monotonic() < self.deadline
        )

    def send(
        self,
        status: int,
        body: bytes,
        headers: Mapping[str, str],
        *,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self.send_response(status)
        sent = {k.lower() for k in headers}
        if "content-type" not in sent:
            self.send_header("Content-Type", content_type)
        for key, value in headers.items():
            self.send_header(key, value)
        if "content-length" not in sent:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def start_unsized(self, status: int, headers: Mapping[str, str]) -> None:
        """Headers of a body without Content-Length that ends when the connection closes."""
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0)."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.owner.slots.acquire(blocking=False):  # bounded: refuse the excess
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.owner.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up while the handler flushed (`finish`) is no server error;
        socketserver would print its traceback to stderr, which the CLI tests read."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class FaultServer:
    """See the module docstring. Use as a context manager or call `stop()`."""

    def __init__(
        self,
        *,
        host_name: str = "127.0.0.1",
        handler_cap: float = 15.0,
        socket_timeout: float = 5.0,
        max_clients: int = 64,
    ) -> None:
        self.handler_cap = handler_cap
        self.socket_timeout = socket_timeout
        self.stopping = threading.Event()
        self.slots = threading.BoundedSemaphore(max_clients)
        self.pages: dict[str, Canned] = {}
        self.routes: dict[str, Route] = {}  # a test's own routes, tried before ROUTES
        self.requests: list[Logged] = []
        self.counters: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), FaultHandler)
        self._server.owner = self
        self.port: int = self._server.server_address[1]
        self.base = f"http://{host_name}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="faultserver", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------ API for tests

    def url(self, path: str) -> str:
        return self.base + path

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> str:
        """Serve `body` at `path`; returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self.pages[path] = Canned(status, data, all_headers)
        return self.url(path)

    def log(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(Logged(handler.command, handler.path, headers, time.monotonic()))

    def paths(self, method: str | None = None) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests if method is None or r.method == method]

    def hits(self, path: str) -> list[Logged]:
        with self._lock:
            return [r for r in self.requests if urlsplit(r.path).path == path]

    def count(self, key: str) -> int:
        """Increment and return a per-key counter (for "fail N times, then succeed")."""
        with self._lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- pages

OK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><article><h1>{title}</h1><p>{text}</p></article></main></body></html>
"""


def ok_html(title: str = "A page that answers", text: str = "Plain text.") -> bytes:
    return OK_PAGE.format(title=title, text=text).encode("utf-8")


# --------------------------------------------------------------------------- fault routes


def trickle(h: FaultHandler, q: dict[str, str]) -> None:
    """One byte per `every` seconds (default 1) of a page that claims 10 KB."""
    every = float(q.get("every", "1"))
    body = ok_html() + b" " * 10_000
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    for i in range(len(body)):
        h.wfile.write(body[i : i + 1])
        h.wfile.flush()
        if not h.wait(every):
            return


def hang(h: FaultHandler, q: dict[str, str]) -> None:
    """Accept, read the request, never answer (until the cap or the server stops)."""
    h.wait(h.server.owner.handler_cap)
    h.close_connection = True


def reset(h: FaultHandler, q: dict[str, str]) -> None:
    """Promise 20 KB, send 100 bytes, then reset the connection."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", "20000")
    h.end_headers()
    h.wfile.write(ok_html()[:100])
    h.reset()


def retry_after(h: FaultHandler, q: dict[str, str]) -> None:
    """`/retry-after/<key>?status=429&after=1&times=1`: `times` answers with `status`
    and `Retry-After: after`, then the page."""
    key = h.path.split("?")[0]
    n = h.server.owner.count(key)
    if n <= int(q.get("times", "1")):
        status = int(q.get("status", "429"))
        h.send(status, b"slow down", {"Retry-After": q.get("after", "1")})
        return
    h.send(200, ok_html("Back after a pause"), {})


def unavailable(h: FaultHandler, q: dict[str, str]) -> None:
    """503 forever, with `Retry-After: after` (default 3600: longer than any cap)."""
    h.send(503, b"down for maintenance", {"Retry-After": q.get("after", "3600")})


def rate_limited(h: FaultHandler, q: dict[str, str]) -> None:
    """429 forever, with a Retry-After longer than any cap."""
    h.send(429, b"too many requests", {"Retry-After": q.get("after", "3600")})


def cf_wall(h: FaultHandler, q: dict[str, str]) -> None:
    h.send(403, b"<!doctype html><title>Just a moment...</title>", {"cf-mitigated": "challenge"})


def status_999(h: FaultHandler, q: dict[str, str]) -> None:
    h.send(999, b"request denied", {})


def redirect_loop(h: FaultHandler, q: dict[str, str]) -> None:
    """/loop/a -> /loop/b -> /loop/a ..."""
    target = "/loop/b" if h.path.startswith("/loop/a") else "/loop/a"
    h.send(302, b"", {"Location": target})


def chain(h: FaultHandler, q: dict[str, str]) -> None:
    """/chain/<n> -> /chain/<n-1> ... -> /chain/0, which is a page."""
    n = int(h.path.split("?")[0].rsplit("/", 1)[-1] or "0")
    if n <= 0:
        h.send(200, ok_html("End of the chain"), {})
        return
    h.send(301, b"", {"Location": f"/chain/{n - 1}"})


def redirect(h: FaultHandler, q: dict[str, str]) -> None:
    """/redirect?to=URL: a 302 to anywhere (another host included)."""
    h.send(302, b"", {"Location": q["to"]})


def bomb(h: FaultHandler, q: dict[str, str]) -> None:
    """A gzip bomb: `mb` MB of zeros (default 200) in about 0.1% of that, declared as
    `Content-Encoding: gzip`, without Content-Length (so only streaming can stop it)."""
    data = gzip_bomb(int(q.get("mb", "200")) * MB)
    h.start_unsized(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    for i in range(0, len(data), 16384):
        h.wfile.write(data[i : i + 16384])


def double_bomb(h: FaultHandler, q: dict[str, str]) -> None:
    """A gzip bomb gzipped again (`Content-Encoding: gzip, gzip`): a few KB on the wire."""
    data = gzip.compress(gzip_bomb(int(q.get("mb", "200")) * MB), 9)
    h.start_unsized(200, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"})
    h.wfile.write(data)


def huge(h: FaultHandler, q: dict[str, str]) -> None:
    """A `mb` MB HTML page (default 50), streamed without Content-Length;
    `?sized=1` declares the length up front."""
    size = int(q.get("mb", "50")) * MB
    head = b"<!doctype html><html><head><title>Huge</title></head><body><p>"
    if q.get("sized"):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(size))
        h.end_headers()
    else:
        h.start_unsized(200, {"Content-Type": "text/html"})
    h.wfile.write(head)
    block = b"lorem ipsum " * 5000
    sent = len(head)
    while sent < size:
        piece = block[: size - sent]
        h.wfile.write(piece)
        sent += len(piece)
        if time.monotonic() > h.deadline or h.server.owner.stopping.is_set():
            return


def gzipped(h: FaultHandler, q: dict[str, str]) -> None:
    """A small, honest gzip-encoded page."""
    h.send(200, gzip.compress(ok_html("Compressed but small")), {"Content-Encoding": "gzip"})


ROUTES: dict[str, Route] = {
    "/trickle": trickle,
    "/hang": hang,
    "/reset": reset,
    "/retry-after": retry_after,
    "/unavailable": unavailable,
    "/rate-limited": rate_limited,
    "/cf-wall": cf_wall,
    "/999": status_999,
    "/loop": redirect_loop,
    "/chain": chain,
    "/redirect": redirect,
    "/bomb": bomb,
    "/double-bomb": double_bomb,
    "/huge": huge,
    "/gzipped": gzipped,
}


def serve(**kwargs: Any) -> Iterator[FaultServer]:
    """Generator for pytest fixtures: a server, stopped at teardown."""
    server = FaultServer(**kwargs)
    try:
        yield server
    finally:
        server.stop()
