"""Issue 16, network half: the site boundary of a sitemap run, redirects to private
addresses, the per-host circuit breaker of link checks, `audit --max-time`, bounded
sitemap reads and robots.txt for link checks. Every case runs against real servers on
127.0.0.1 (and 127.0.0.2)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner, Result

from postaudit.cli import cli
from postaudit.gather.boundary import SiteBoundary, is_private_address, parse_allow_host
from postaudit.gather.fetch import Fetcher, FetchErrorKind, FetchOptions, RawPage
from postaudit.gather.sitemap import BYTES_IN_FLIGHT, collect
from postaudit.gather.sitemap_select import SitemapOptions
from postaudit.gather.sitemap_xml import SitemapLimits
from postaudit.urls import is_internal

# --------------------------------------------------------------------------- servers

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Site:
    """A threaded HTTP server on `host` answering from `routes` (path -> reply or a
    function of the base URL giving one); it logs every path asked for and the most
    requests it had in flight at once."""

    host: str = "127.0.0.1"
    routes: dict[str, Reply | Callable[[str], Reply]] = field(default_factory=dict)
    delay: float = 0.0
    seen: list[str] = field(default_factory=list)
    peak: int = 0
    base: str = ""
    _busy: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, html: str) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())

    def xml(self, path: str, body: str) -> None:
        self.routes[path] = (200, {"Content-Type": "application/xml"}, body.encode())

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (301, {"Location": location}, b"")


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            with site._lock:
                site.seen.append(self.path)
                site._busy += 1
                site.peak = max(site.peak, site._busy)
            try:
                if site.delay:
                    time.sleep(site.delay)
                route = site.routes.get(self.path)
                if callable(route):
                    route = route(site.base)
                status, headers, body = route or (404, {"Content-Type": "text/plain"}, b"no")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            finally:
                with site._lock:
                    site._busy -= 1

    server = ThreadingHTTPServer((site.host, 0), Handler)
    server.daemon_threads = True
    site.base = f"http://{site.host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_host() -> Iterator[tuple[str, list[socket.socket]]]:
    """A host that accepts connections and never answers; yields its base URL and the
    connections it accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        listener.close()


def article(body: str, title: str = "A post about site boundaries") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="description" content="A test page for the network safety checks.">'
        f"</head><body><main><article><h1>{title}</h1><p>Some text for the test page, long "
        f"enough to be an article paragraph.</p>{body}</article></main></body></html>"
    )


def urlset(*urls: str) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


def index(*urls: str) -> str:
    locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
    )


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def report_of(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --------------------------------------------------------------------------- 1. boundary


def test_the_site_is_the_host_its_www_twin_and_the_https_upgrade() -> None:
    site = SiteBoundary.of(["http://example.com/sitemap.xml"])
    assert site is not None
    assert site.reason("http://example.com/a") is None
    assert site.reason("http://www.example.com/a") is None
    assert site.reason("https://example.com/a") is None  # the upgrade
    assert site.reason("http://example.com:8080/a") is not None  # another port
    assert "another host" in (site.reason("https://cdn.example.net/a") or "")
    secure = SiteBoundary.of(["https://example.com/"])
    assert secure is not None and secure.reason("http://example.com/a") is not None  # downgrade
    local = SiteBoundary.of(["http://127.0.0.1:8001/sitemap.xml"])
    assert local is not None and local.reason("http://127.0.0.1:8002/") is not None
    wide = SiteBoundary.of(["https://example.com/"], [parse_allow_host("CDN.example.net")])
    assert wide is not None and wide.reason("https://cdn.example.net:8443/x") is None
    pinned = SiteBoundary.of(["https://example.com/"], [parse_allow_host("cdn.example.net:443")])
    assert pinned is not None and pinned.reason("https://cdn.example.net:8443/x") is not None
    assert SiteBoundary.of([]) is None


def test_internal_links_take_the_port_into_account() -> None:
    assert is_internal("http://127.0.0.1:8001/b", "http://127.0.0.1:8001/a")
    assert not is_internal("http://127.0.0.1:8002/b", "http://127.0.0.1:8001/a")
    assert is_internal("https://www.example.com/b", "http://example.com:80/a")


def test_private_addresses() -> None:
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "fe80::1"):
        assert is_private_address(address), address
    assert is_private_address("::ffff:127.0.0.1")
    assert not is_private_address("93.184.216.34")
    assert not is_private_address("127.0.0.2", public=["127.0.0.2"])  # the test hook


def test_a_sitemap_run_fetches_only_its_own_site_and_names_the_rest() -> None:
    with serve(Site()) as home, serve(Site()) as other:
        other.page("/elsewhere", article(""))
        other.xml("/more.xml", urlset(other.url("/elsewhere")))
        home.page("/a", article(""))
        home.redirect("/moved", other.url("/elsewhere"))
        home.xml("/posts.xml", urlset(home.url("/a"), home.url("/moved"), other.url("/elsewhere")))
        home.xml("/sitemap.xml", index(home.url("/posts.xml"), other.url("/more.xml")))
        source = home.url("/sitemap.xml")
        result = invoke("sitemap", source, "--format", "json", "--links", "none", "--workers", "1")
        assert other.seen == []  # nothing on the other site was requested
        data = report_of(result)
        assert [p["url"] for p in data["pages"]] == [home.url("/a")]
        summary = data["summary"]
        outside = {o["url"]: o["reason"] for o in summary["outside"]}
        assert set(outside) == {other.url("/elsewhere"), other.url("/more.xml"), home.url("/moved")}
        assert outside[other.url("/more.xml")] == (
            f"child sitemap on {other.base}, another scheme or port than the site {home.base}: "
            "not read"
        )
        assert outside[home.url("/moved")].startswith(
            f"page redirects to {other.url('/elsewhere')}"
        )
        assert summary["skipped"]["off-site"] == 2  # the entry and the redirecting page
        assert summary["complete"] is True

        text = invoke("sitemap", source, "--links", "none", "--workers", "1", "--no-color")
        assert "Outside the site" in text.stdout
        assert other.url("/more.xml") in text.stdout
        html = invoke("sitemap", source, "--links", "none", "--workers", "1", "--format", "html")
        assert "Outside the site (3)" in html.stdout

        port = other.base.rsplit(":", 1)[1]
        wide = invoke(
            "sitemap", source, "--format", "json", "--links", "none", "--workers", "1",
            "--allow-host", f"127.0.0.1:{port}",
        )  # fmt: skip
        pages = [p["url"] for p in report_of(wide)["pages"]]
        assert sorted(pages) == sorted(
            [home.url("/a"), other.url("/elsewhere"), home.url("/moved")]
        )
        assert "outside" not in report_of(wide)["summary"]


def test_allow_host_is_validated() -> None:
    result = CliRunner().invoke(cli, ["sitemap", "x.xml", "--allow-host", "https://a/b"])
    assert result.exit_code == 2
    assert "--allow-host" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- redirects


def fetch(url: str, **options: Any) -> RawPage:
    async def run() -> RawPage:
        async with Fetcher(FetchOptions(timeout=5, **options)) as fetcher:
            return await fetcher.fetch_page(url)

    return asyncio.run(run())


def test_a_redirect_from_a_public_to_a_private_address_is_refused() -> None:
    # 127.0.0.2 plays a public server (the `public_addresses` test hook): a loopback
    # address cannot be public on a test machine
    with serve(Site("127.0.0.1")) as inside, serve(Site("127.0.0.2")) as public:
        inside.page("/admin", article(""))
        public.redirect("/go", inside.url("/admin"))
        public.redirect("/by-name", inside.url("/admin").replace("127.0.0.1", "localhost"))
        for path in ("/go", "/by-name"):
            raw = fetch(public.url(path), public_addresses=frozenset({"127.0.0.2"}))
            assert raw.error is not None and raw.error.kind is FetchErrorKind.BLOCKED, raw.error
            assert "private address 127.0.0.1" in raw.error.message
        assert inside.seen == []  # refused before connecting

        # the same redirect from a private start (a staging site on the LAN) is followed
        assert fetch(public.url("/go")).error is None
        assert inside.seen == ["/admin"]
        # and so is one from private to "public"
        public.page("/post", article(""))
        inside.redirect("/out", public.url("/post"))
        assert fetch(inside.url("/out"), public_addresses=frozenset({"127.0.0.2"})).error is None
        # public to public is followed too
        public.redirect("/old", public.url("/post"))
        assert fetch(public.url("/old"), public_addresses=frozenset({"127.0.0.2"})).error is None


# --------------------------------------------------------------------------- 3. dead hosts


def test_a_host_that_never_answers_costs_a_few_timeouts_not_one_per_link() -> None:
    with silent_host() as (dead, accepted), serve(Site()) as home:
        links = "".join(f'<p><a href="{dead}/p{i}">reference {i}</a></p>' for i in range(16))
        home.page("/post", article(links))
        result = invoke(
            "audit", home.url("/post"), "--links", "all", "--link-timeout", "1",
            "--format", "json",
        )  # fmt: skip
        data = report_of(result)
        # 4 in flight per host (2 more start while the first timeouts come in), then
        # the breaker opens after 3: without it each of the 16 links takes 3 attempts
        # (48 connections)
        assert len(accepted) <= 8, len(accepted)
        rows = [
            r for r in data["pages"][0]["facts"]["links"]["checked"] if r["url"].startswith(dead)
        ]
        assert len(rows) == 16
        assert all(r["state"] == "broken" for r in rows)
        down = [r for r in rows if r["error"] == "host_down"]
        assert len(down) >= 10
        assert all(r["message"].startswith("host not answering") for r in down)
        # one finding per link, as for any broken link (another port: an external link)
        messages = [f["message"] for f in data["pages"][0]["findings"] if f["code"] == "L511"]
        assert len(messages) == 16
        assert sum("host not answering" in m for m in messages) == len(down)


def test_audit_max_time_reports_what_finished_and_lists_the_rest() -> None:
    with silent_host() as (dead, _accepted), serve(Site()) as home:
        home.page("/fast", article(""))
        result = invoke(
            "audit", home.url("/fast"), dead + "/slow", "--max-time", "1", "--timeout", "30",
            "--format", "json",
        )  # fmt: skip
        assert result.exit_code == 1
        assert "stopped after --max-time 1 s: 1 page not audited" in result.stderr
        data = report_of(result)
        assert [p["url"] for p in data["pages"]] == [home.url("/fast")]
        assert data["summary"]["complete"] is False
        assert data["summary"]["not_audited"] == [dead + "/slow"]


def test_sitemap_index_levels_hold_bounded_bytes() -> None:
    with serve(Site(delay=0.2)) as home:
        children = [home.url(f"/part-{i}.xml") for i in range(8)]
        for i, child in enumerate(children):
            home.xml(child.removeprefix(home.base), urlset(home.url(f"/p{i}")))
        home.xml("/sitemap.xml", index(*children))
        limits = SitemapLimits(max_bytes=BYTES_IN_FLIGHT // 2)

        async def run() -> int:
            async with Fetcher(FetchOptions(timeout=5, per_host=8, concurrency=16)) as fetcher:
                found = await collect(
                    home.url("/sitemap.xml"), fetcher, SitemapOptions(limits=limits)
                )
            return len(found.entries)

        assert asyncio.run(run()) == 8
        assert home.peak <= 2  # two bodies of max_bytes fit the budget; 8 were allowed


# --------------------------------------------------------------------------- 7. robots


def test_respect_robots_leaves_disallowed_links_unchecked() -> None:
    with serve(Site()) as home:
        home.routes["/robots.txt"] = (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private\n",
        )
        home.page("/public", article("", "Public page"))
        home.page("/private/x", article("", "Private page"))
        home.page(
            "/post", article('<p><a href="/private/x">secret</a> <a href="/public">open</a></p>')
        )
        result = invoke("audit", home.url("/post"), "--respect-robots", "--format", "json")
        rows = {r["url"]: r for r in report_of(result)["pages"][0]["facts"]["links"]["checked"]}
        private = rows[home.url("/private/x")]
        assert private["state"] == "skipped"
        assert private["message"] == "not checked: robots.txt disallows"
        assert rows[home.url("/public")]["state"] == "ok"
        assert "/private/x" not in home.seen
        assert not any(
            f["code"].startswith("L") and "private" in f["message"]
            for f in report_of(result)["pages"][0]["findings"]
        )

        home.seen.clear()
        invoke("audit", home.url("/post"), "--format", "json")  # off by default
        assert "/private/x" in home.seen and "/robots.txt" not in home.seen


def test_respect_robots_and_ignore_robots_contradict() -> None:
    result = CliRunner().invoke(cli, ["sitemap", "x.xml", "--respect-robots", "--ignore-robots"])
    assert result.exit_code == 2 and "contradict" in result.output


def test_respect_robots_in_config(tmp_path: Any) -> None:
    config = tmp_path / "postaudit.toml"
    config.write_text("respect-robots = true\nallow-hosts = ['cdn.example.net']\n")
    from postaudit.config import build, load_file

    table, source = load_file(config)
    built = build(table, source)
    assert built.respect_robots is True and built.allow_hosts == ("cdn.example.net",)
    config.write_text("respect-robots = 'yes'\n")
    with pytest.raises(Exception, match="respect-robots"):
        build(*load_file(config))


def test_an_index_whose_children_are_all_elsewhere_says_how_to_read_them() -> None:
    with serve(Site()) as home:
        home.xml("/sitemap.xml", index("https://blog.example.org/posts.xml"))
        result = CliRunner().invoke(cli, ["sitemap", home.url("/sitemap.xml")])
        assert result.exit_code == 2
        assert "1 sitemap outside the site" in result.output
        assert "--allow-host blog.example.org reads them" in result.output
        assert home.seen == ["/sitemap.xml"]


def test_a_sitemap_whose_entries_are_all_elsewhere_exits_2_and_says_how_to_read_them() -> None:
    with serve(Site()) as home:
        home.xml(
            "/sitemap.xml",
            urlset("https://blog.example.org/a/", "https://blog.example.org/b/"),
        )
        result = CliRunner().invoke(cli, ["sitemap", home.url("/sitemap.xml")])
        assert result.exit_code == 2
        lines = [line for line in result.output.splitlines() if "no page to audit" in line]
        assert len(lines) == 1
        assert "all 2 entries outside the site" in lines[0]
        assert "--allow-host blog.example.org reads them" in lines[0]
        assert home.seen == ["/sitemap.xml"]
        # one entry on the site: it is audited, and the run does not fail for the other
        home.page("/c/", article("", "On the site"))
        home.xml("/mixed.xml", urlset("https://blog.example.org/a/", home.url("/c/")))
        mixed = CliRunner().invoke(cli, ["sitemap", home.url("/mixed.xml"), "--fail-on", "never"])
        assert mixed.exit_code == 0, mixed.output
        assert "/c/" in home.seen
