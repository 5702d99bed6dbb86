"""A generated site for soak tests: N pages listed in /sitemap.xml, one in ten faulty,
the kind of fault rotating through `FAULTS`, all served by one `FaultServer`.

`SoakSite.install(server)` adds the `/p/<n>` and `/sitemap.xml` routes; `account()`
checks a JSON report of `postaudit sitemap`: every page of the sitemap exactly once,
each faulty page with its expected finding, each other page audited in full. Used by
tests/hostile/test_hostile_soak.py (100 pages) and benchmarks/soak.py (2,000 pages).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hostile.faultserver import (
    MB,
    FaultHandler,
    FaultServer,
    bomb,
    cf_wall,
    gzip_bomb,
    hang,
    huge,
    reset,
    trickle,
    unavailable,
)


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    code: str | None  # the one X finding expected; None: audited (score, no error)
    fragment: str = ""  # part of the finding's message


FAULTS: tuple[Fault, ...] = (
    Fault("hang", "X001", "timed out after"),
    Fault("bomb", "X004", "body exceeds"),
    Fault("transient", None),  # 503 once, then the page
    Fault("binary", "X003", "but the body is binary data"),
    Fault("loop", "X001", "redirect loop"),
    Fault("utf8", None),  # invalid UTF-8: audited, damage counted
    Fault("reset", "X001", "error reading"),
    Fault("unavailable", "X002", "HTTP 503 Service Unavailable"),
    Fault("chain", "X001", "more than 10 redirects"),
    Fault("nul", None),
    Fault("trickle", "X001", "(total deadline)"),
    Fault("huge", "X004", "body exceeds"),
    Fault("wall", "X002", "HTTP 403 Forbidden (a bot wall"),
    Fault("truncated", None),
    Fault("missing", "X002", "HTTP 404 Not Found"),
)

FAULTY_SLOT = 7  # page n is faulty when n % 10 == FAULTY_SLOT


def fault_of(n: int) -> Fault | None:
    if n % 10 != FAULTY_SLOT:
        return None
    return FAULTS[(n // 10) % len(FAULTS)]


def page_html(n: int, total: int, title: str | None = None) -> bytes:
    links = "".join(f'<a href="/p/{m}">page {m}</a>, ' for m in (n + 1, n + 3, n + 11) if m < total)
    nav = []
    if n > 0:
        nav.append(f'<a rel="prev" href="/p/{n - 1}">Previous post</a>')
    if n + 1 < total:
        nav.append(f'<a rel="next" href="/p/{n + 1}">Next post</a>')
    title = title or f"Soak page {n}: notes on keeping a long run steady"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="description" content="Page {n} of a generated site that a soak test audits from its sitemap, some pages faulty on purpose.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="/p/{n}"></head>
<body><main><article><h1>{title}</h1>
<p>This page is one of many. It links onward: {links}and that is all it has to say
about the run, which should end with every page accounted for exactly once.</p>
<img src="/img/{n}.png" alt="A chart of page {n}">
</article><nav class="post-navigation">{"".join(nav)}</nav></main></body></html>
""".encode()


@dataclass
class SoakSite:
    total: int

    def install(self, server: FaultServer) -> None:
        self.server = server
        gzip_bomb(50 * MB)  # built once, before the clock starts
        server.routes["/p"] = self._page
        server.routes["/sitemap.xml"] = self._sitemap
        server.routes["/img"] = lambda h, q: h.send(
            200, b"\x89PNG\r\n\x1a\n", {}, content_type="image/png"
        )

    @property
    def urls(self) -> list[str]:
        return [self.server.url(f"/p/{n}") for n in range(self.total)]

    def _sitemap(self, h: FaultHandler, q: dict[str, str]) -> None:
        entries = "".join(f"<url><loc>{u}</loc></url>" for u in self.urls)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()
        h.send(200, body, {}, content_type="application/xml")

    def _page(self, h: FaultHandler, q: dict[str, str]) -> None:
        path = h.path.split("?")[0]
        n = int(path.rsplit("/", 1)[-1])
        fault = fault_of(n)
        good = page_html(n, self.total)
        if fault is None:
            h.send(200, good, {})
            return
        kind = fault.name
        if kind == "hang":
            hang(h, {})
        elif kind == "trickle":
            trickle(h, {"every": "0.5"})
        elif kind == "reset":
            reset(h, {})
        elif kind == "unavailable":
            unavailable(h, {"after": "0"})
        elif kind == "transient":
            if self.server.count(path) == 1:
                h.send(503, b"restarting", {"Retry-After": "0"})
            else:
                h.send(200, good, {})
        elif kind == "bomb":
            bomb(h, {"mb": "50"})
        elif kind == "huge":
            huge(h, {"mb": "20"})
        elif kind == "binary":
            h.send(200, random.Random(n).randbytes(4096), {})
        elif kind == "utf8":
            h.send(200, good.replace(b"notes on", b"notes \xff\xfe on"), {})
        elif kind == "nul":
            h.send(200, good.replace(b"This page", b"This\x00 page"), {})
        elif kind == "loop":
            h.send(302, b"", {"Location": "/loop/a"})
        elif kind == "chain":
            h.send(301, b"", {"Location": "/chain/12"})
        elif kind == "wall":
            cf_wall(h, {})
        elif kind == "truncated":
            h.send(200, good[: len(good) // 2], {})
        elif kind == "missing":
            h.send(404, b"<title>Not found</title>", {})
        else:  # pragma: no cover
            raise AssertionError(kind)

    def account(self, report: dict[str, Any]) -> dict[str, int]:
        """Check the report; return how many pages ended which way (for the figures)."""
        seen = Counter(p["url"] for p in report["pages"])
        twice = [u for u, k in seen.items() if k > 1]
        assert not twice, f"reported more than once: {twice[:5]}"
        expected = set(self.urls)
        missing = expected - set(seen)
        extra = set(seen) - expected
        assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
        outcomes: Counter[str] = Counter()
        for page in report["pages"]:
            n = int(page["url"].rsplit("/", 1)[-1])
            fault = fault_of(n)
            codes = [f["code"] for f in page["findings"]]
            if fault is not None and fault.code is not None:
                assert codes == [fault.code], (page["url"], fault, page["findings"])
                message = page["findings"][0]["message"]
                assert fault.fragment in message, (page["url"], fault, message)
                assert page["score"] is None and page["error"] == message
                outcomes[fault.name] += 1
            else:
                assert page["error"] is None and page["score"] is not None, page["url"]
                assert not any(c.startswith("X") for c in codes), (page["url"], codes)
                outcomes[fault.name if fault else "good"] += 1
            if fault is not None and fault.name in ("utf8", "nul"):
                damage = page["facts"]["encoding"]
                key = "replacement_characters" if fault.name == "utf8" else "nul_characters"
                assert damage[key] >= 1, damage
        summary = report["summary"]
        assert summary["pages"] == self.total
        failed = sum(1 for p in report["pages"] if p["error"] is not None)
        assert summary["failed"] == failed
        return dict(outcomes)
