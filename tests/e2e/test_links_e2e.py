"""End-to-end: the link phase through the CLI, against a real server on 127.0.0.1.

Requests are counted at the server: a 3-page site audited by URL, and a 3-page folder
of built pages audited locally with `--base-url`, each check every distinct URL once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from postaudit.cli import cli

HTML = "text/html; charset=utf-8"

POSTS = [
    ("first-light", "First light in a dark season"),
    ("second-wind", "Second wind after a long week"),
    ("third-space", "A third space for your worries"),
]


def post(i: int, base: str, external: str) -> str:
    """A Squarespace-7.1-style post of a 3-post blog; `base` prefixes its own links."""
    _, title = POSTS[i]
    nav = '<section class="item-pagination item-pagination--prev-next">'
    if i > 0:
        prev_slug, prev_title = POSTS[i - 1]
        nav += (
            f'<a class="item-pagination-link item-pagination-link--prev" href="{base}/blog/{prev_slug}.html">'
            f'<div class="item-pagination-prev-next">Previous</div>'
            f'<h2 class="item-pagination-title">{prev_title}</h2></a>'
        )
    if i < len(POSTS) - 1:
        next_slug, next_title = POSTS[i + 1]
        nav += (
            f'<a class="item-pagination-link item-pagination-link--next" href="{base}/blog/{next_slug}.html">'
            f'<div class="item-pagination-prev-next">Next</div>'
            f'<h2 class="item-pagination-title">{next_title}</h2></a>'
        )
    nav += "</section>"
    return f"""<!doctype html>
<html lang="en">
<head><title>{title} | Quiet Harbor Counseling</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/about.html">About</a></nav></header>
<article class="blog-item"><div class="blog-item-content">
<h1>{title}</h1>
<p>Post {i + 1} of a small test blog. It links to <a href="{base}/about.html">the practice and its counsellors</a>,
to <a href="/contact.html">the contact form for new clients</a>, and to
<a href="{external}">an outside article on sleep</a>.</p>
</div></article>
{nav}
</body>
</html>
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def audit_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("audit", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def requests(server: HTTPServer) -> Counter[tuple[str, str]]:
    return Counter((req.method, req.path) for req, _ in server.log)


def l_codes(report: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for p in report["pages"] for f in p["findings"] if f["code"][0] == "L")


@pytest.fixture
def site(httpserver: HTTPServer) -> HTTPServer:
    base = httpserver.url_for("").rstrip("/")
    for i, (slug, _) in enumerate(POSTS):
        httpserver.expect_request(f"/blog/{slug}.html").respond_with_data(
            post(i, "", "https://external.invalid/sleep"), content_type=HTML
        )
    for name in ("about", "contact"):
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            f"<html><head><title>{name}</title></head><body>{name}</body></html>", content_type=HTML
        )
    assert base
    return httpserver


def test_three_page_site_requests_each_url_once(site: HTTPServer) -> None:
    urls = [site.url_for(f"/blog/{slug}.html") for slug, _ in POSTS]
    code, report = audit_json(*urls)
    assert code == 0, l_codes(report)
    assert l_codes(report) == []
    assert requests(site) == Counter(
        {
            ("GET", "/blog/first-light.html"): 1,
            ("GET", "/blog/second-wind.html"): 1,
            ("GET", "/blog/third-space.html"): 1,
            ("HEAD", "/about.html"): 1,
            ("HEAD", "/contact.html"): 1,
        }
    ), "3 page fetches answer the previous/next links; about and contact once each"
    rows = [row for p in report["pages"] for row in p["facts"]["links"]["checked"]]
    assert {(row["role"], row["state"]) for row in rows} == {
        ("prev", "ok"),
        ("next", "ok"),
        ("internal", "ok"),
    }
    assert report["pages"][1]["facts"]["pagination"]["prev"]["markup"] == (
        "squarespace .item-pagination-link--prev"
    )


def test_links_none_and_pagination_modes(site: HTTPServer) -> None:
    url = site.url_for("/blog/second-wind.html")
    audit_json(url, "--links", "none")
    assert requests(site) == Counter({("GET", "/blog/second-wind.html"): 1})
    site.clear_log()
    audit_json(url, "--links", "pagination")
    assert requests(site) == Counter(
        {
            ("GET", "/blog/second-wind.html"): 1,
            ("GET", "/blog/first-light.html"): 1,
            ("GET", "/blog/third-space.html"): 1,
        }
    )


def test_broken_next_and_exclusions(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/blog/second-wind.html").respond_with_data(
        post(1, "", "https://external.invalid/sleep"), content_type=HTML
    )
    httpserver.expect_request("/blog/first-light.html").respond_with_data(
        post(0, "", "https://external.invalid/sleep"), content_type=HTML
    )
    httpserver.expect_request("/about.html").respond_with_data("", status=410)
    code, report = audit_json(
        httpserver.url_for("/blog/second-wind.html"),
        "--exclude-link",
        "/contact",
        "--link-retries",
        "0",
    )
    assert code == 1
    messages = {f["code"]: f["message"] for f in report["pages"][0]["findings"]}
    assert messages["L501"].startswith("next post link '/blog/third-space.html' is broken")
    assert (
        messages["L510"]
        == "link '/about.html' ('the practice and its counsellors') is broken: HTTP 410 Gone"
    )
    assert ("HEAD", "/contact.html") not in requests(httpserver), "excluded: never requested"
    states = {r["href"]: r["state"] for r in report["pages"][0]["facts"]["links"]["checked"]}
    assert states["/contact.html"] == "skipped"


def test_folder_with_base_url_checks_files_not_the_network(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """A 3-page build: absolute links of the published site map onto the folder."""
    external = httpserver.url_for("/outside")
    httpserver.expect_request("/outside").respond_with_data("x", content_type=HTML)
    site = tmp_path / "public"
    (site / "blog").mkdir(parents=True)
    for i, (slug, _) in enumerate(POSTS):
        (site / "blog" / f"{slug}.html").write_text(
            post(i, "https://blog.example.com", external), encoding="utf-8"
        )
    (site / "about.html").write_text("<title>About</title>", encoding="utf-8")
    # contact.html is missing from the build: a broken internal link before deploy

    code, report = audit_json(str(site), "--base-url", "https://blog.example.com/")
    assert len(report["pages"]) == 4
    assert httpserver.log == [], "local mode: nothing requested"
    broken = [f["message"] for p in report["pages"] for f in p["findings"] if f["code"] == "L510"]
    assert (
        broken
        == [
            "link '/contact.html' ('the contact form for new clients') is broken: "
            "no file 'contact.html' in the folder"
        ]
        * 3
    )
    assert "L501" not in l_codes(report), "previous/next resolve to files of the build"
    assert code == 1

    code, report = audit_json(str(site), "--base-url", "https://blog.example.com", "--links", "all")
    assert requests(httpserver) == Counter({("HEAD", "/outside"): 1}), "the external link, once"


def test_folder_without_base_url_resolves_site_absolute_links(tmp_path: Path) -> None:
    site = tmp_path / "build"
    (site / "blog").mkdir(parents=True)
    for i, (slug, _) in enumerate(POSTS):
        (site / "blog" / f"{slug}.html").write_text(
            post(i, "", "https://external.invalid/x"), encoding="utf-8"
        )
    (site / "about.html").write_text("<title>About</title>", encoding="utf-8")
    (site / "contact.html").write_text("<title>Contact</title>", encoding="utf-8")
    _, report = audit_json(str(site / "blog"), str(site / "about.html"))
    # the blog folder alone is the root: /about.html is outside it
    assert "L510" in l_codes(report)
    _, report = audit_json(str(site), "--select", "L")
    assert l_codes(report) == []
    states = {
        (row["role"], row["state"])
        for p in report["pages"]
        for row in p["facts"]["links"]["checked"]
    }
    assert states == {("prev", "ok"), ("next", "ok"), ("internal", "ok")}


def test_text_report_shows_the_checked_links(site: HTTPServer) -> None:
    result = invoke("audit", "--no-color", site.url_for("/blog/second-wind.html"))
    out = result.stdout
    assert "Previous/next post links" in out and "squarespace" in out
    assert "Links checked (4)  4 ok" in out
    assert out.count("200 ok") == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "ftp://example.com/"], "'--base-url' must be an absolute http(s) URL"),
        (["--exclude-link", "("], "bad regex"),
        (["--links", "some"], "Invalid value for '--links'"),
    ],
)
def test_bad_link_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    page = tmp_path / "p.html"
    page.write_text("<title>x</title>", encoding="utf-8")
    result = invoke("audit", str(page), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_demo_prev_next_chain_and_internal_links_resolve() -> None:
    result = invoke("demo", "--format", "json")
    report = json.loads(result.stdout)
    assert not {"L501", "L502", "L503", "L504", "L510", "L512"} & set(l_codes(report))
    rows = [row for p in report["pages"] for row in p["facts"]["links"]["checked"]]
    assert rows and all(row["state"] == "ok" for row in rows)
    assert [
        f["message"] for p in report["pages"] for f in p["findings"] if f["code"] == "L515"
    ] == ["link text 'here' says nothing about where it goes"]


def test_config_file_keys(
    site: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "postaudit.toml").write_text(
        'links = "pagination"\nexclude-links = ["third-space"]\nlink-retries = 0\n'
        "retry-after-cap = 0.1\nlink-timeout = 5\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    audit_json(site.url_for("/blog/second-wind.html"))
    assert requests(site) == Counter(
        {("GET", "/blog/second-wind.html"): 1, ("GET", "/blog/first-light.html"): 1}
    ), "pagination only, the excluded next post skipped, on a separate link client"


def test_stdin_with_base_url_checks_over_the_network(site: HTTPServer) -> None:
    base = site.url_for("/blog/second-wind.html")
    result = CliRunner().invoke(
        cli,
        ["audit", "--format", "json", "-", "--base-url", base, "--select", "L"],
        input=post(1, "", "https://external.invalid/sleep").encode(),
        catch_exceptions=False,
    )
    report = json.loads(result.stdout)
    assert l_codes(report) == []
    assert requests(site) == Counter(
        {
            ("GET", "/blog/first-light.html"): 1,
            ("GET", "/blog/third-space.html"): 1,
            ("HEAD", "/about.html"): 1,
            ("HEAD", "/contact.html"): 1,
        }
    )


THEMES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "pagination").glob("*.html"))


@pytest.mark.parametrize("path", THEMES, ids=[p.stem for p in THEMES])
def test_each_theme_through_the_server(httpserver: HTTPServer, path: Path) -> None:
    """Each theme fixture served on 127.0.0.1: its previous/next links are found by
    the named markup and their targets fetched once with GET."""
    base = httpserver.url_for("").rstrip("/")
    html = path.read_text(encoding="utf-8")
    html = html.replace("https://www.example.com", base).replace("https://example.com", base)
    m = re.search(r"expect-pagination:\s*(\{.*?\})\s*-->", html, re.S)
    assert m is not None
    want = json.loads(m.group(1))
    targets = {}
    for side in ("prev", "next"):
        if want.get(side):
            target = urlsplit(want[side]["href"]).path
            title = want[side].get("title", "A post")
            targets[side] = target
            httpserver.expect_request(target).respond_with_data(
                f"<html><head><title>{title} | Blog</title></head><body><h1>{title}</h1></body></html>",
                content_type=HTML,
            )
    httpserver.expect_request("/theme/this-post/").respond_with_data(html, content_type=HTML)
    _, report = audit_json(httpserver.url_for("/theme/this-post/"), "--select", "L")
    [page] = report["pages"]
    facts = page["facts"]
    for side in ("prev", "next"):
        found = facts["pagination"][side]
        if not want.get(side):
            assert found is None
            continue
        assert found["markup"] == want[side]["markup"]
        assert found["status"]["state"] == "ok"
        assert [req.method for req, _ in httpserver.log if req.path == targets[side]] == ["GET"]
    assert not {"L501", "L502", "L503", "L504"} & {f["code"] for f in page["findings"]}
