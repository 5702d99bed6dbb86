"""End-to-end: `postaudit sitemap` and `postaudit merge` against a real local server.

A small generated blog is served on 127.0.0.1 by a threaded server that logs every
request: a sitemap index (robots.txt `Sitemap:` line) with a gzipped child, a PDF, a
404 and a robots-disallowed entry, a page that answers 429 once, a chain of posts
with a skip and a one-way link, and two posts sharing a title. The JSON, the site
findings and the requests made are checked field by field; shards cover every URL
once and merge into the unsharded report; an interrupted run resumed with --resume
ends with the same report as an uninterrupted one.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from postaudit.cli import cli

HTML = "text/html; charset=utf-8"

#: (slug, title): the chain runs oldest (0) to newest (7); prev = older, next = newer.
POSTS = [
    ("compost-in-march", "Turning the compost heap in March"),
    ("seed-potatoes", "Chitting seed potatoes on a windowsill"),
    ("netting-brassicas", "Chitting seed potatoes on a windowsill"),  # duplicate title
    ("forcing-rhubarb", "Forcing rhubarb under an old bucket"),
    ("sowing-leeks", "Sowing leeks in a deep tray"),
    ("pricking-out", "Pricking out the leek seedlings"),
    ("planting-out", "Planting out leeks with a dibber"),
    ("first-frost", "The first frost on the allotment"),
]
RATE_LIMITED = "/blog/sowing-leeks.html"  # answers 429 (Retry-After: 0) once, then 200
SKIPPING = 5  # its previous link goes to post 3, skipping post 4 (L522)
NEWEST = 7  # has no previous link: post 6's next link is one-way (L520)


def post_html(i: int, title: str | None = None) -> str:
    _, default_title = POSTS[i]
    title = default_title if title is None else title
    nav = ['<nav class="post-navigation">']
    older = 3 if i == SKIPPING else i - 1
    if i > 0 and i != NEWEST:
        nav.append(f'<a rel="prev" href="/blog/{POSTS[older][0]}.html">Previous post</a>')
    if i < len(POSTS) - 1:
        nav.append(f'<a rel="next" href="/blog/{POSTS[i + 1][0]}.html">Next post</a>')
    nav.append("</nav>")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="Allotment notes, post {i + 1}: what was done on the plot and why it worked or did not.">
</head>
<body>
<header><a href="/">Allotment notes</a> <a href="/about.html">About</a></header>
<article>
<h1>{title}</h1>
<p>Post {i + 1} of a small generated allotment blog. The beds were dug over, the paths
weeded and the water butts checked before the weekend. More in the
<a href="/about.html">notes about the plot</a> and on the <a href="/contact.html">contact page</a>.</p>
</article>
{"".join(nav)}
</body>
</html>
"""


def about_html() -> str:
    return """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>About the allotment notes</title></head>
<body><article><h1>About the allotment notes</h1>
<p>Notes from a half plot on the edge of town, written up after each visit.</p>
</article></body></html>
"""


def urlset(base: str, paths: list[str]) -> str:
    items = "".join(f"<url><loc>{base}{p}</loc><lastmod>2025-03-01</lastmod></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
    )


@dataclass
class Site:
    """A generated blog served by a threaded HTTP server on 127.0.0.1."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    stall: dict[str, float] = field(default_factory=dict)  # path -> seconds to wait first
    once: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter((m, p) for m, p, _ in self.log)

    def clear(self) -> None:
        with self.lock:
            self.log.clear()

    def url(self, path: str) -> str:
        return self.base + path


def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.answer(body=False)

        def do_GET(self) -> None:
            self.answer(body=True)

        def answer(self, *, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.log.append(
                    (self.command, path, {k.lower(): v for k, v in self.headers.items()})
                )
                first = site.once.pop(path, None) if self.command == "GET" else None
            if path in site.stall:
                time.sleep(site.stall[path])
            status, headers, data = first or site.routes.get(
                path, (404, {"Content-Type": HTML}, b"<h1>Not found</h1>")
            )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def build_site(site: Site, *, posts: int = len(POSTS)) -> None:
    base = site.base
    html = {"Content-Type": HTML}
    for i in range(posts):
        site.routes[f"/blog/{POSTS[i][0]}.html"] = (200, html, post_html(i).encode())
    site.routes["/about.html"] = (200, html, about_html().encode())
    site.routes["/contact.html"] = (200, html, b"<title>Contact</title><h1>Contact</h1>")
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n".encode(),
    )
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-posts.xml.gz</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemap-pages.xml</loc></sitemap></sitemapindex>"
    )
    site.routes["/sitemap_index.xml"] = (200, {"Content-Type": "application/xml"}, index.encode())
    post_paths = [f"/blog/{POSTS[i][0]}.html" for i in range(posts)]
    site.routes["/sitemap-posts.xml.gz"] = (
        200,
        {"Content-Type": "application/gzip"},
        gzip.compress(urlset(base, post_paths).encode()),
    )
    pages = ["/about.html", "/files/planting-guide.pdf", "/blog/gone.html", "/private/draft.html"]
    site.routes["/sitemap-pages.xml"] = (
        200,
        {"Content-Type": "application/xml"},
        urlset(base, pages).encode(),
    )
    site.routes["/private/draft.html"] = (200, html, b"<title>Draft</title>")
    site.once[RATE_LIMITED] = (429, {"Retry-After": "0", "Content-Type": HTML}, b"slow down")


@pytest.fixture
def site() -> Iterator[Site]:
    holder = Site()
    for running in serve(holder):
        build_site(running)
        yield running


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_json(
    site: Site, tmp_path: Path, *args: str, name: str = "report.json"
) -> tuple[int, dict[str, Any]]:
    out = tmp_path / name
    result = invoke("sitemap", site.url("/"), "--format", f"json={out}", "-q", *args)
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def by_url(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["url"]: p for p in report["pages"]}


def without_order(report: dict[str, Any]) -> dict[str, Any]:
    """The report with lists that may legitimately come in another order sorted."""
    out: dict[str, Any] = json.loads(json.dumps(report))
    out["pages"].sort(key=lambda p: p["url"])
    out["site_findings"].sort(key=lambda f: (f["url"], f["code"], f["fingerprint"]))
    return out


def post_url(site: Site, i: int) -> str:
    return site.url(f"/blog/{POSTS[i][0]}.html")


# --------------------------------------------------------------------------- the full run


def test_site_run_json_field_by_field(site: Site, tmp_path: Path) -> None:
    code, report = run_json(site, tmp_path)
    assert code == 1  # the 404 page could not be audited
    pages = by_url(report)
    assert sorted(pages) == sorted(
        [post_url(site, i) for i in range(len(POSTS))]
        + [site.url("/about.html"), site.url("/blog/gone.html")]
    )
    gone = pages[site.url("/blog/gone.html")]
    assert gone["status"] == 404 and gone["score"] is None
    assert gone["error"] == "HTTP 404 Not Found"
    assert [f["code"] for f in gone["findings"]] == ["X002"]
    limited = pages[site.url(RATE_LIMITED)]
    assert limited["status"] == 200 and limited["error"] is None and limited["score"] is not None

    summary = report["summary"]
    assert summary["pages"] == 10 and summary["failed"] == 1
    assert summary["complete"] is True and summary["not_audited"] == []
    assert summary["skipped"] == {"robots": 1, "non-html:pdf": 1}
    assert summary["disallowed"] == [site.url("/private/draft.html")]
    assert summary["sitemap"] == {
        "source": site.url("/"),
        "found": 12,
        "sitemaps": [
            site.url("/sitemap_index.xml"),
            site.url("/sitemap-posts.xml.gz"),
            site.url("/sitemap-pages.xml"),
        ],
        "problems": [],
    }
    scores = [p["score"] for p in report["pages"] if p["score"] is not None]
    assert summary["score"] == round(sum(scores) / len(scores))
    assert sum(summary["distribution"].values()) == 9
    assert summary["failures"] == [
        {"url": site.url("/blog/gone.html"), "status": 404, "error": "HTTP 404 Not Found"}
    ]
    worst = summary["worst"]
    assert [w["score"] for w in worst] == sorted(w["score"] for w in worst)
    assert len(worst) == 9
    frequent = {f["code"]: f for f in summary["frequent"]}
    assert frequent["X002"]["pages"] == 1
    assert summary["counts"] == {
        sev: sum(p["counts"][sev] for p in report["pages"]) for sev in ("error", "warning", "info")
    }

    site_findings = [(f["code"], f["url"], f["message"]) for f in report["site_findings"]]
    duplicate = "Chitting seed potatoes on a windowsill"
    assert site_findings == sorted(
        [
            (
                "L520",
                post_url(site, 6),
                f"the next post {post_url(site, 7)} has no link back to this page",
            ),
            (
                "L522",
                post_url(site, SKIPPING),
                f"the previous post link goes to {post_url(site, 3)}, skipping "
                f"{post_url(site, 4)}, which links to this page as its next post",
            ),
            (
                "M620",
                post_url(site, 1),
                f'title "{duplicate}" is also the title of 1 other page: {post_url(site, 2)}',
            ),
            (
                "M620",
                post_url(site, 2),
                f'title "{duplicate}" is also the title of 1 other page: {post_url(site, 1)}',
            ),
            (
                "M622",
                post_url(site, 1),
                f'h1 "{duplicate}" is also the h1 of 1 other page: {post_url(site, 2)}',
            ),
            (
                "M622",
                post_url(site, 2),
                f'h1 "{duplicate}" is also the h1 of 1 other page: {post_url(site, 1)}',
            ),
        ],
        key=lambda t: (t[1], t[0]),
    )
    skip = next(f for f in report["site_findings"] if f["code"] == "L522")
    assert skip["severity"] == "warning" and skip["category"] == "links"
    assert skip["name"] == "pagination-chain-skip"
    assert skip["location"] == {
        "selector": "body > nav > a:nth-of-type(1)",
        "line": 16,
        "excerpt": None,
    }
    assert len({f["fingerprint"] for f in report["site_findings"]}) == len(report["site_findings"])
    schema = json.loads((files("postaudit") / "schema" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    facts = pages[post_url(site, 6)]["facts"]["site"]
    assert facts["next"]["url"] == post_url(site, 7) and facts["next"]["side"] == "next"
    assert facts["title"] == POSTS[6][1] and facts["post"] is True


def test_each_url_is_requested_once(site: Site, tmp_path: Path) -> None:
    code, _ = run_json(site, tmp_path)
    assert code == 1
    asked = site.requests()
    assert asked[("GET", RATE_LIMITED)] == 2, "429 once, then the page"
    del asked[("GET", RATE_LIMITED)]
    assert set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]
    assert ("GET", "/robots.txt") in asked and ("GET", "/sitemap-posts.xml.gz") in asked
    assert not any(p.startswith(("/private/", "/files/")) for _, p in asked), "disallowed, PDF"
    assert ("HEAD", "/contact.html") in asked, "a link to a page outside the sitemap: HEAD once"
    assert ("HEAD", "/about.html") not in asked, "an audited page answers links to it"


def test_header_goes_to_the_site_only(site: Site, tmp_path: Path) -> None:
    holder = Site()
    for other in serve(holder):
        other.routes["/elsewhere"] = (200, {"Content-Type": HTML}, b"<title>x</title>")
        site.routes["/about.html"] = (
            200,
            {"Content-Type": HTML},
            about_html()
            .replace("</p>", f' <a href="{other.url("/elsewhere")}">x</a></p>')
            .encode(),
        )
        run_json(site, tmp_path, "--header", "Authorization: Bearer s3cret", "--links", "all")
        mine = [h.get("authorization") for _, _, h in site.log]
        assert mine and set(mine) == {"Bearer s3cret"}, "sitemaps, robots.txt and pages"
        assert [h.get("authorization") for _, _, h in other.log] == [None], "never to others"


def test_workers_give_the_same_report(site: Site, tmp_path: Path) -> None:
    _, one = run_json(site, tmp_path, "--workers", "1", name="one.json")
    site.once[RATE_LIMITED] = (429, {"Retry-After": "0", "Content-Type": HTML}, b"slow down")
    _, two = run_json(site, tmp_path, "--workers", "2", name="two.json")
    assert one == two


def test_jsonl_streams_pages_then_a_summary_line(site: Site, tmp_path: Path) -> None:
    result = invoke("sitemap", site.url("/"), "--format", "jsonl", "--allow-unreachable")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all("url" in line for line in lines[:-1]) and len(lines) == 11
    last = lines[-1]
    assert list(last) == ["summary", "site_findings", "schema", "tool"]
    assert last["summary"]["pages"] == 10 and last["schema"] == 1
    assert {f["code"] for f in last["site_findings"]} == {"L520", "L522", "M620", "M622"}
    assert "sitemap: 12 URLs in 3 sitemaps, 11 to audit; skipped 1 not HTML (.pdf)" in (
        result.stderr
    )
    assert "1 page disallowed by robots.txt, not audited" in result.stderr
    assert "audited 10 pages in" in result.stderr


def test_html_report_escapes_page_text(site: Site, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> & "quotes" \u202e'
    site.routes[f"/blog/{POSTS[0][0]}.html"] = (
        200,
        {"Content-Type": HTML},
        post_html(0, title=hostile.replace("<", "&lt;").replace(">", "&gt;")).encode(),
    )
    out = tmp_path / "report.html"
    invoke("sitemap", site.url("/"), "--format", f"html={out}", "-q")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "</html>" in text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in text
    assert "\u202e" not in text
    assert "http://" not in text.split("<style>")[1].split("</style>")[0], "no external assets"
    assert text.count('<details class="page"') == 10


# --------------------------------------------------------------------------- shards and merge


def test_shards_cover_every_url_once_and_merge_into_the_full_report(
    site: Site, tmp_path: Path
) -> None:
    _, full = run_json(site, tmp_path, name="full.json")
    shards = []
    for k in (1, 2, 3):
        site.once[RATE_LIMITED] = (429, {"Retry-After": "0", "Content-Type": HTML}, b"slow down")
        _, report = run_json(site, tmp_path, "--shard", f"{k}/3", name=f"shard{k}.json")
        shards.append(report)
    urls = [p["url"] for s in shards for p in s["pages"]]
    assert len(urls) == len(set(urls)) and set(urls) == set(by_url(full))
    assert all(s["summary"]["skipped"].get("shard") for s in shards)
    merged_file = tmp_path / "merged.json"
    result = invoke(
        "merge",
        *(str(tmp_path / f"shard{k}.json") for k in (1, 2, 3)),
        "--format",
        f"json={merged_file}",
    )
    assert result.exit_code == 1, result.stderr  # the 404 page, as in the full run
    merged = json.loads(merged_file.read_text(encoding="utf-8"))
    assert without_order(merged) == without_order(full)


# --------------------------------------------------------------------------- stop and resume


def test_limited_run_resumed_equals_a_full_run(site: Site, tmp_path: Path) -> None:
    _, full = run_json(site, tmp_path, name="full.json")
    partial = tmp_path / "partial.jsonl"
    site.once[RATE_LIMITED] = (429, {"Retry-After": "0", "Content-Type": HTML}, b"slow down")
    first = invoke("sitemap", site.url("/"), "--format", f"jsonl={partial}", "--limit", "4", "-q")
    assert first.exit_code in (0, 1)
    assert len(partial.read_text().splitlines()) == 5  # 4 pages and the summary line
    site.clear()
    final = tmp_path / "final.json"
    second = invoke(
        "sitemap", site.url("/"), "--resume", str(partial), "--format", f"json={final}", "-q"
    )
    assert "resuming from" in second.stderr and "4 pages already audited" in second.stderr
    lines = [json.loads(line) for line in partial.read_text().splitlines()]
    assert len(lines) == 11 and "summary" in lines[-1] and all("url" in x for x in lines[:-1])
    resumed = json.loads(final.read_text(encoding="utf-8"))
    assert without_order(resumed) == without_order(full)
    asked = site.requests()
    assert set(asked.values()) == {1}, "each URL once"
    assert ("GET", "/about.html") not in asked, "in the file: only checked as a link (HEAD)"


def test_max_time_stops_cleanly_and_resume_completes(site: Site, tmp_path: Path) -> None:
    _, full = run_json(site, tmp_path, name="full.json")
    site.once[RATE_LIMITED] = (429, {"Retry-After": "0", "Content-Type": HTML}, b"slow down")
    site.stall["/blog/first-frost.html"] = 3.0
    partial = tmp_path / "partial.jsonl"
    json_out = tmp_path / "stopped.json"
    result = invoke(
        "sitemap",
        site.url("/"),
        "--format",
        f"jsonl={partial}",
        "--format",
        f"json={json_out}",
        "--max-time",
        "1",
        "-q",
    )
    assert result.exit_code == 1
    assert "stopped after --max-time 1 s" in result.stderr
    stopped = json.loads(json_out.read_text(encoding="utf-8"))
    assert stopped["summary"]["complete"] is False
    assert post_url(site, 7) in stopped["summary"]["not_audited"]
    assert len(stopped["pages"]) + len(stopped["summary"]["not_audited"]) == 10
    lines = [json.loads(line) for line in partial.read_text().splitlines()]
    assert "summary" in lines[-1] and len(lines) == len(stopped["pages"]) + 1
    del site.stall["/blog/first-frost.html"]
    final = tmp_path / "final.json"
    invoke("sitemap", site.url("/"), "--resume", str(partial), "--format", f"json={final}", "-q")
    assert without_order(json.loads(final.read_text(encoding="utf-8"))) == without_order(full)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_writes_finished_pages_and_exits_130(
    site: Site, tmp_path: Path, workers: str
) -> None:
    """In-process and with worker processes (which must leave quietly when the main
    process closes their pipes: no traceback from a worker either)."""
    for i in (5, 6, 7):
        site.stall[f"/blog/{POSTS[i][0]}.html"] = 20.0
    partial = tmp_path / "partial.jsonl"
    json_out = tmp_path / "report.json"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "postaudit",
            "sitemap",
            site.url("/"),
            "--format",
            f"jsonl={partial}",
            "--format",
            f"json={json_out}",
            "--workers",
            workers,
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if partial.exists() and len(partial.read_text().splitlines()) >= 5:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    report = json.loads(json_out.read_text(encoding="utf-8"))
    assert report["summary"]["complete"] is False
    assert len(report["pages"]) >= 5
    assert set(report["summary"]["not_audited"]) >= {post_url(site, i) for i in (6, 7)}
    lines = [json.loads(line) for line in partial.read_text().splitlines()]
    assert "summary" in lines[-1] and len(lines) == len(report["pages"]) + 1


def test_unusable_source_and_options_exit_2(site: Site, tmp_path: Path) -> None:
    result = invoke("sitemap", site.url("/nothing.xml"))
    assert result.exit_code == 2 and "cannot read sitemap" in result.stderr
    result = invoke("sitemap", site.url("/"), "--shard", "4/3")
    assert result.exit_code == 2 and "shard must be K/N" in result.stderr
    result = invoke("sitemap", site.url("/"), "--ignore-robots", "--limit", "1", "-q")
    assert "WARNING: --ignore-robots" in result.stderr


def test_baseline_covers_site_findings(site: Site, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    common = ("--baseline", str(baseline), "--allow-unreachable", "-q", "--fail-on", "warning")
    first = invoke("sitemap", site.url("/"), *common, "--update-baseline")
    assert first.exit_code == 0, first.stderr
    again = invoke("sitemap", site.url("/"), *common, "--format", f"json={tmp_path / 'again.json'}")
    assert again.exit_code == 0, again.stderr
    site.routes[f"/blog/{POSTS[3][0]}.html"] = (
        200,
        {"Content-Type": HTML},
        post_html(3, title=POSTS[4][1]).encode(),
    )
    worse = invoke("sitemap", site.url("/"), *common, "--format", f"json={tmp_path / 'worse.json'}")
    assert worse.exit_code == 1
    assert "M620 duplicate-title" in worse.stderr
    new = json.loads((tmp_path / "worse.json").read_text())["comparison"]["new_findings"]
    assert {(f["code"], f["url"]) for f in new if f["code"] == "M620"} == {
        ("M620", post_url(site, 3)),
        ("M620", post_url(site, 4)),
    }
