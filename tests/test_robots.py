"""robots.txt parsing and matching (RFC 9309 / Google semantics) and the per-origin cache."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from pytest_httpserver import HTTPServer

from postaudit.gather.fetch import Fetcher, FetchOptions
from postaudit.gather.robots import (
    RobotsCache,
    RobotsRule,
    RobotsStatus,
    RobotsTxt,
    decide,
    normalise_path,
    parse_robots,
    path_matches,
    product_token,
    robots_url,
)

UA = "postaudit/0.1.0"

# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/", "/anything", True),
        ("/fish", "/fish", True),
        ("/fish", "/fish.html", True),
        ("/fish", "/fish/salmon.html", True),
        ("/fish", "/Fish.asp", False),  # case-sensitive
        ("/fish", "/catfish", False),
        ("/fish/", "/fish", False),
        ("/fish*", "/fishheads/yummy.html", True),
        ("/*.php", "/filename.php", True),
        ("/*.php", "/folder/filename.php?parameters", True),
        ("/*.php", "/windows.PHP", False),
        ("/*.php$", "/filename.php", True),
        ("/*.php$", "/filename.php?parameters", False),
        ("/*.php$", "/filename.php5", False),
        ("/*.pdf$", "/files/report.pdf", True),
        ("/*.pdf$", "/report.pdf?download=1", False),
        ("/fish*.php", "/fishheads/catfish.php?parameters", True),
        ("/fish*.php", "/Fish.PHP", False),
        ("/$", "/", True),
        ("/$", "/page", False),
        ("/a$b", "/a$b", True),  # a `$` that does not end the pattern is literal
        ("*", "/x", True),
        ("/**/x", "/a/b/x", True),
    ],
)
def test_path_matches_google_examples(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_hostile_wildcard_pattern_is_fast() -> None:
    pattern = "/" + "*a" * 60 + "$"
    path = "/" + "a" * 4000 + "b"
    started = time.perf_counter()
    assert not path_matches(pattern, path)
    assert time.perf_counter() - started < 2.0


def test_normalise_path() -> None:
    assert normalise_path("/%7ejoe/") == "/~joe/"  # unreserved: decoded
    assert normalise_path("/a%2fb") == "/a%2Fb"  # reserved: kept, hex upper-cased
    assert normalise_path("/café") == "/caf%C3%A9"
    assert normalise_path("/100%") == "/100%"  # a stray % is left alone


def test_longest_match_wins_and_allow_wins_a_tie() -> None:
    rules = [RobotsRule(True, "/p"), RobotsRule(False, "/")]
    assert decide(rules, "/page") == RobotsRule(True, "/p")
    tie = [RobotsRule(False, "/folder"), RobotsRule(True, "/folder")]
    assert decide(tie, "/folder/page") == RobotsRule(True, "/folder")
    wildcard = [RobotsRule(True, "/page"), RobotsRule(False, "/*.htm")]
    assert decide(wildcard, "/page.htm") == RobotsRule(False, "/*.htm")
    root_only = [RobotsRule(True, "/$"), RobotsRule(False, "/")]
    assert decide(root_only, "/") == RobotsRule(True, "/$")
    assert decide(root_only, "/page.htm") == RobotsRule(False, "/")
    assert decide(rules, "/other") == RobotsRule(False, "/")
    assert decide([RobotsRule(False, "/private")], "/public") is None


# --------------------------------------------------------------------------- parsing

ROBOTS = """\
# comment line
Sitemap: https://example.com/sitemap_index.xml
Disallow: /before-any-group

User-agent: *
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/ok
Crawl-delay: 2

User-agent: Googlebot
User-agent: Bingbot
Disallow: /nogoogle

user-agent: PostAudit/9
disallow: /drafts/   # trailing comment
crawl-delay: 0.5
Sitemap: /sitemap-posts.txt

User-agent: postaudit
Disallow: /tmp/
Sitemap: https://example.com/sitemap_index.xml
"""


def test_parse_groups_rules_and_sitemaps() -> None:
    robots = parse_robots(ROBOTS, "https://example.com/robots.txt")
    assert [g.agents for g in robots.groups] == [
        ("*",),
        ("googlebot", "bingbot"),
        ("postaudit",),
        ("postaudit",),
    ]
    assert robots.sitemaps() == (
        "https://example.com/sitemap_index.xml",
        "https://example.com/sitemap-posts.txt",
    )


def test_specific_group_replaces_star_and_repeated_groups_merge() -> None:
    robots = parse_robots(ROBOTS, "https://example.com/robots.txt")
    # postaudit has its own (merged) groups: the * rules do not apply to it
    assert robots.can_fetch("https://example.com/private/x", UA)
    assert not robots.can_fetch("https://example.com/drafts/new", UA)
    assert not robots.can_fetch("https://example.com/tmp/a", UA)
    assert robots.crawl_delay(UA) == 0.5
    # another crawler falls back to *
    assert not robots.can_fetch("https://example.com/private/x", "SomeBot/1.0")
    assert robots.can_fetch("https://example.com/private/ok", "SomeBot/1.0")
    assert not robots.can_fetch("https://example.com/docs/a.pdf", "SomeBot")
    assert robots.can_fetch("https://example.com/docs/a.pdf?x=1", "SomeBot")
    assert robots.crawl_delay("SomeBot") == 2.0
    assert not robots.can_fetch("/nogoogle/page", "Googlebot/2.1")
    assert not robots.can_fetch("/nogoogle", "bingbot")
    # rules before the first user-agent line belong to no group
    assert robots.can_fetch("/before-any-group", "SomeBot")


def test_user_agent_is_matched_by_product_token_not_substring() -> None:
    robots = parse_robots("User-agent: audit\nDisallow: /\n")
    assert robots.can_fetch("/page", UA)  # urllib.robotparser would match "audit" in "postaudit"
    assert product_token("postaudit/0.1.0 (+https://x)") == "postaudit"
    assert product_token("Googlebot-News") == "googlebot-news"
    assert product_token("*") == "*"


def test_percent_encoding_is_normalised_on_both_sides() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /%7Ejoe/\nDisallow: /café\n")
    assert not robots.can_fetch("https://example.com/~joe/index.html", UA)
    assert not robots.can_fetch("https://example.com/caf%C3%A9/menu", UA)
    assert not robots.can_fetch("https://example.com/café", UA)
    assert robots.can_fetch("https://example.com/cafe", UA)


def test_edge_cases() -> None:
    empty_disallow = parse_robots("User-agent: *\nDisallow:\n")
    assert empty_disallow.can_fetch("/anything", UA)
    everything = parse_robots("\ufeffUser-agent: *\nDisallow: /\n")  # BOM
    assert not everything.can_fetch("/page", UA)
    assert everything.can_fetch("https://example.com/robots.txt", UA)  # always allowed
    assert everything.matching_rule("/page", UA) == RobotsRule(False, "/")
    bad_delay = parse_robots("User-agent: *\nCrawl-delay: soon\n")
    assert bad_delay.crawl_delay(UA) is None
    typo = parse_robots("User-agent: *\nDissallow: /x\n")
    assert not typo.can_fetch("/x", UA)
    assert parse_robots("").can_fetch("/x", UA)
    assert parse_robots("garbage\n<html>\n").groups == ()


def test_parse_limit_is_500_kib() -> None:
    filler = "# " + "x" * 1000 + "\n"
    text = "User-agent: *\n" + filler * 600 + "Disallow: /late\n"
    assert parse_robots(text).can_fetch("/late", UA)  # beyond 500 KiB: not read


def test_robots_url() -> None:
    assert robots_url("https://Example.com:8443/a/b?q") == "https://example.com:8443/robots.txt"
    assert robots_url("http://example.com") == "http://example.com/robots.txt"


# --------------------------------------------------------------------------- cache


def load(url: str, *, user_agent: str = UA) -> tuple[RobotsTxt, bool, tuple[tuple[str, str], ...]]:
    async def run() -> tuple[RobotsTxt, bool, tuple[tuple[str, str], ...]]:
        async with Fetcher(FetchOptions(timeout=5, user_agent=user_agent)) as fetcher:
            cache = RobotsCache(fetcher)
            robots = await cache.get(url)
            allowed = await cache.can_fetch(url)
            return robots, allowed, cache.problems()

    return asyncio.run(run())


def test_cache_reads_robots_once_per_origin(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\nCrawl-delay: 1.5\nSitemap: /sitemap.xml\n",
        content_type="text/plain",
    )
    base = httpserver.url_for("/")

    async def run() -> tuple[list[bool], float | None, RobotsTxt]:
        async with Fetcher(FetchOptions(timeout=5)) as fetcher:
            cache = RobotsCache(fetcher)
            urls = [f"{base}page{i}" for i in range(10)] + [f"{base}private/x"]
            allowed = await asyncio.gather(*(cache.can_fetch(u) for u in urls))
            return list(allowed), await cache.crawl_delay(base), await cache.get(base)

    allowed, delay, robots = asyncio.run(run())
    assert allowed == [True] * 10 + [False]
    assert delay == 1.5
    assert robots.status is RobotsStatus.OK
    assert robots.sitemaps() == (httpserver.url_for("/sitemap.xml"),)
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]


def test_missing_robots_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("nope", status=404)
    robots, allowed, problems = load(httpserver.url_for("/private/page"))
    assert robots.status is RobotsStatus.MISSING
    assert allowed and robots.problem is None and problems == ()


def test_server_error_allows_everything_but_reports_it(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    robots, allowed, problems = load(httpserver.url_for("/page"))
    assert robots.status is RobotsStatus.UNREACHABLE
    assert allowed
    assert robots.problem is not None and "HTTP 503" in robots.problem
    assert "treated as allowed" in robots.problem
    assert problems == ((robots.url, robots.problem),)


def test_unreachable_host_allows_everything_but_reports_it() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: connection refused
    robots, allowed, problems = load(f"http://127.0.0.1:{port}/page")
    assert robots.status is RobotsStatus.UNREACHABLE
    assert allowed
    assert problems and "cannot connect" in problems[0][1]
