"""A tiny threaded static file server bound to localhost.

Used by ``postaudit demo`` (to serve the bundled demo blog), by end-to-end tests and by
benchmarks. Standard library only; everything beyond :mod:`contextlib` and :mod:`typing` (notably
:mod:`http.server`, :mod:`pathlib` and :mod:`importlib.resources`) is imported lazily so
that importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from http.server import ThreadingHTTPServer
    from pathlib import Path

__all__ = ["DEFAULT_PLACEHOLDER", "content_type_for", "demo_site_root", "serve_directory"]

DEFAULT_PLACEHOLDER = "http://demo.postaudit.test"

#: Suffixes whose bodies get the placeholder origin rewritten to the live base URL.
REWRITE_SUFFIXES = frozenset({".html", ".htm", ".xml", ".txt"})

_CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}


def content_type_for(path: Path) -> str:
    """Return the Content-Type header value served for ``path`` (by suffix)."""
    return _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def demo_site_root() -> Path:
    """Return the folder of the bundled demo blog (``postaudit/demo_site``)."""
    from importlib.resources import files
    from pathlib import Path

    resource = files("postaudit") / "demo_site"
    if not isinstance(resource, Path):  # e.g. imported from a zip archive
        raise RuntimeError(f"postaudit demo_site is not on the file system: {resource!r}")
    if not resource.is_dir():
        raise RuntimeError(f"postaudit demo_site folder is missing: {resource}")
    return resource


def _format_base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _resolve_request_path(root: Path, raw_path: str) -> tuple[Path, bool] | None:
    """Map a request target to ``(path under root, is_hidden)``; ``None`` to refuse it.

    The target is percent-decoded *before* it is split, so ``%2e%2e`` and ``%2f`` cannot
    smuggle a parent segment past the checks. ``.``/``..`` segments, backslashes, NUL bytes
    and undecodable bytes are refused outright, and the resolved path (after symlinks) must
    still be inside ``root`` (which must already be resolved). ``is_hidden`` is true when a
    segment starts with a dot; such paths are answered with 404.
    """
    from urllib.parse import unquote, urlsplit

    try:
        path = unquote(urlsplit(raw_path).path, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    if "\x00" in path or "\\" in path:
        return None
    segments = [seg for seg in path.split("/") if seg]
    if any(seg in (".", "..") for seg in segments):
        return None
    candidate = root.joinpath(*segments).resolve()
    if not candidate.is_relative_to(root):
        return None
    return candidate, any(seg.startswith(".") for seg in segments)


def _make_server(
    root: Path, host: str, port: int, placeholder: str | None, quiet: bool
) -> ThreadingHTTPServer:
    import socket
    import socketserver
    from http import HTTPStatus
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    placeholder_bytes = placeholder.encode("utf-8") if placeholder else None

    class Handler(BaseHTTPRequestHandler):
        server_version = "postaudit-localserver/1"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        timeout = 30  # drop idle keep-alive connections
        # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm
        # holds the body until the client's delayed ACK (~40 ms on Linux) on every
        # keep-alive response after the first. Real servers set it too.
        disable_nagle_algorithm = True
        base_url = ""  # set once the port is known

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            if not quiet:
                super().log_message(format, *args)

        def _serve(self, *, send_body: bool) -> None:
            resolved = _resolve_request_path(root, self.path)
            if resolved is None:
                self.send_error(HTTPStatus.FORBIDDEN, "Forbidden path")
                return
            target, hidden = resolved
            if hidden:
                self.send_error(HTTPStatus.NOT_FOUND, "Not Found")
                return
            if target.is_dir():
                if not (target / "index.html").is_file():
                    self.send_error(HTTPStatus.NOT_FOUND, "Not Found")  # no listings
                    return
                request_path = self.path.split("?", 1)[0].split("#", 1)[0]
                if not request_path.endswith("/"):
                    self._redirect(request_path + "/")
                    return
                target = target / "index.html"
            elif not target.is_file():
                # Squarespace-style extensionless URL: /blog/post -> blog/post.html
                with_html = target.with_name(target.name + ".html")
                if target.suffix == "" and with_html.is_file():
                    target = with_html
                else:
                    self.send_error(HTTPStatus.NOT_FOUND, "Not Found")
                    return
            try:
                body = target.read_bytes()
            except OSError:
                self.send_error(HTTPStatus.NOT_FOUND, "Not Found")
                return
            if placeholder_bytes and target.suffix.lower() in REWRITE_SUFFIXES:
                body = body.replace(placeholder_bytes, self.base_url.encode("utf-8"))
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type_for(target))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

        def server_bind(self) -> None:
            # HTTPServer.server_bind() calls socket.getfqdn(), which can stall on DNS.
            socketserver.TCPServer.server_bind(self)
            self.server_name = host
            self.server_port = int(self.server_address[1])

    server = Server((host, port), Handler)
    Handler.base_url = _format_base_url(host, int(server.server_address[1]))
    return server


@contextlib.contextmanager
def serve_directory(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    placeholder: str | None = DEFAULT_PLACEHOLDER,
    quiet: bool = True,
) -> Iterator[str]:
    """Serve ``root`` on a free port in a daemon thread; yield the base URL.

    The yielded URL has no trailing slash, e.g. ``"http://127.0.0.1:54321"``. When
    ``placeholder`` is set, its occurrences in ``.html``/``.htm``/``.xml``/``.txt`` bodies
    are replaced by the base URL on the fly, so absolute links in the served files point
    back at this server. Directories are never listed (``index.html`` is served for a
    directory that has one), paths outside ``root`` are refused with 403, and ``GET`` and
    ``HEAD`` are supported. The server is shut down when the context exits.
    """
    import threading
    from pathlib import Path

    root = Path(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    server = _make_server(root, host, port, placeholder, quiet)
    base_url = _format_base_url(host, int(server.server_address[1]))
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"postaudit-localserver-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
