"""Where a run may go: the site boundary of a sitemap run, and private addresses.

Site boundary. A sitemap lists pages of its own site (the protocol allows URLs of the
sitemap's host only), so by default a sitemap run fetches only the site of its SOURCE:
the same host, its `www.` twin, on the same scheme and port, and the http -> https
upgrade of the same host (http on port 80 to https on 443). Rewrite targets are sites
of the run too. Entries, child sitemaps and page redirects elsewhere are not fetched;
`SiteBoundary.reason` says why, for the report. `--allow-host HOST` (or `HOST:PORT`;
`allow-hosts` in config) widens the boundary to that host (any port unless one is given).

Private addresses. A redirect from a public address to a loopback, private or
link-local one is never followed (an untrusted page must not make the tool fetch from
the machine's own network). The rule is checked on the address actually connected to:
the first request's peer address decides whether the chain started "public"; a
redirect target is then refused when its host resolves to, or its connection turns out
to be with, a non-public address. A chain that starts on a loopback or private address
(a staging site on the LAN, a test server on 127.0.0.1) may redirect within such
addresses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit


class BoundaryError(ValueError):
    """An unusable `--allow-host` value."""


def default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def parse_allow_host(text: str) -> str:
    """`example.com` or `example.com:8080`, lower-cased; no scheme, path or user."""
    value = text.strip().lower()
    if not value or any(c in value for c in "/@?#\\ \t"):
        raise BoundaryError(
            f"--allow-host {text!r}: expected HOST or HOST:PORT, e.g. cdn.example.com"
        )
    try:
        parts = urlsplit(f"//{value}")
        port = parts.port
    except ValueError:
        raise BoundaryError(f"--allow-host {text!r}: bad port") from None
    if not parts.hostname:
        raise BoundaryError(f"--allow-host {text!r}: expected HOST or HOST:PORT")
    host = parts.hostname
    return f"{host}:{port}" if port is not None else host


def _twin(host: str) -> str:
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str  # lower-case, without `www.`
    port: int

    @classmethod
    def of(cls, url: str) -> Origin | None:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            return None
        return cls(scheme, _twin(parts.hostname.lower()), port or default_port(scheme))

    def __str__(self) -> str:
        shown = "" if self.port == default_port(self.scheme) else f":{self.port}"
        return f"{self.scheme}://{self.host}{shown}"

    def admits(self, other: Origin) -> bool:
        """Same site: same host (www. twin), scheme and port, or the https upgrade."""
        if other.host != self.host:
            return False
        if (other.scheme, other.port) == (self.scheme, self.port):
            return True
        return (self.scheme, self.port, other.scheme, other.port) == ("http", 80, "https", 443)


@dataclass(frozen=True, slots=True)
class SiteBoundary:
    """The sites a sitemap run may fetch from (see the module docstring)."""

    homes: tuple[Origin, ...]
    allowed: frozenset[str] = frozenset()  # parse_allow_host values

    @classmethod
    def of(cls, urls: Iterable[str], allow: Iterable[str] = ()) -> SiteBoundary | None:
        """The boundary of SOURCE and the rewrite targets; None when none is a URL
        (a local sitemap file without rewrites: its entries are trusted as given)."""
        homes = tuple(dict.fromkeys(o for u in urls if (o := Origin.of(u)) is not None))
        if not homes:
            return None
        return cls(homes, frozenset(allow))

    def reason(self, url: str) -> str | None:
        """None when `url` is inside the boundary, else why not (one line)."""
        origin = Origin.of(url)
        if origin is None:
            return "not an http(s) URL"
        if any(home.admits(origin) for home in self.homes):
            return None
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            host = origin.host
        for name in {host, _twin(host), f"www.{_twin(host)}"}:
            if name in self.allowed or f"{name}:{origin.port}" in self.allowed:
                return None
        site = self.homes[0]
        if origin.host == site.host:
            return f"on {origin}, another scheme or port than the site {site}"
        return f"on another host ({origin}) than the site {site}"


def is_private_address(address: str, public: Iterable[str] = ()) -> bool:
    """Loopback, private or link-local (IPv4 or IPv6, IPv4-mapped included; also the
    unspecified address). `public` lists addresses to count as public anyway: a test
    hook, so that a loopback server can stand in for a public one."""
    if address in public:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


__all__ = [
    "BoundaryError",
    "Origin",
    "SiteBoundary",
    "is_private_address",
    "parse_allow_host",
]
