"""URL helpers shared by every stage: cache keys, "same page", "same site".

Plain functions of strings (no I/O): the link checks, the page builder, the site boundary
and the link rules all decide these questions the same way.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def link_key(url: str) -> str:
    """The cache and `Page.link_status` key: the URL without its fragment, scheme and
    host lower-cased."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _comparable(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port
        port = None
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    path = re.sub(r"/index\.html?$", "/", parts.path or "/")
    path = path.rstrip("/") or "/"
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        scheme = "http"  # a link to the http: twin of an https page is still that page
    return urlunsplit((scheme, host, path, parts.query, ""))


def same_page(a: str | None, b: str | None) -> bool:
    """Do two URLs name the same page? Fragments, `index.html`, a trailing slash and
    http/https are ignored."""
    if not a or not b:
        return False
    return _comparable(a) == _comparable(b)


def host_of(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme.lower() in ("http", "https")


def _site_port(url: str) -> int | None:
    """The port of an http(s) URL when it is not its scheme's default (80, 443), so
    that http:// and https:// of one host stay one site but :8001 and :8002 do not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if port is None or (parts.scheme.lower(), port) in (("http", 80), ("https", 443)):
        return None
    return port


def is_internal(url: str | None, page_url: str) -> bool:
    """Same site as the page: the same host (ignoring `www.`) and port (a scheme's
    default port counts as none), or both local files."""
    if not url:
        return False
    scheme = urlsplit(url).scheme.lower()
    page_scheme = urlsplit(page_url).scheme.lower()
    if scheme == "file":
        return page_scheme == "file"
    if scheme not in ("http", "https"):
        return False
    return (
        bool(host_of(url))
        and host_of(url) == host_of(page_url)
        and _site_port(url) == _site_port(page_url)
    )


def checkable(url: str | None, page_url: str) -> bool:
    """A link target worth checking: http(s) or a local file, and not a fragment of
    the page itself."""
    if not url:
        return False
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https", "file"):
        return False
    return link_key(url) != link_key(page_url)
