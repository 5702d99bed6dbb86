"""End-to-end: the `audit` command against a real HTTP server on 127.0.0.1.

Each case drives the CLI (click's runner, and a real subprocess where the entry point
itself matters) and checks the JSON report field by field and the exit code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from postaudit import __version__
from postaudit.cli import cli

GOOD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Why some clients never cry in a therapy session</title>
<meta name="description" content="Tears are one sign of emotional work among many; here is what else progress in counselling can look like.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{base}/blog/good">
</head>
<body>
<header><nav><a href="/">Home</a></nav></header>
<main><article>
<h1>Why some clients never cry in session</h1>
<p>Plenty of people do their deepest work in counselling without shedding a single tear, and that is
not a sign that anything is missing from the process.</p>
</article></main>
</body>
</html>
"""

BAD = """<!doctype html>
<html>
<head>
<title>Tears</title>
<title>Second title</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="/blog/bad">
</head>
<body><article><h1>Tears</h1><p>Some short text about tears in therapy, written for this test fixture only, long enough.</p></article></body>
</html>
"""


def invoke(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def audit_json(*args: str, input: bytes | None = None) -> tuple[int, dict[str, Any]]:
    result = invoke("audit", "--format", "json", *args, input=input)
    return result.exit_code, json.loads(result.stdout)


def codes(page: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in page["findings"])


@pytest.fixture
def site(httpserver: HTTPServer) -> HTTPServer:
    base = httpserver.url_for("").rstrip("/")
    html = "text/html; charset=utf-8"
    httpserver.expect_request("/blog/good").respond_with_data(
        GOOD.format(base=base), content_type=html
    )
    httpserver.expect_request("/blog/bad").respond_with_data(BAD, content_type=html)
    return httpserver


def test_good_page_json_field_by_field(site: HTTPServer) -> None:
    url = site.url_for("/blog/good")
    code, report = audit_json(url)
    assert code == 0
    assert report["schema"] == 1
    assert report["tool"] == {"name": "postaudit", "version": __version__}
    assert list(report) == ["schema", "tool", "pages", "site_findings", "summary"]
    (page,) = report["pages"]
    assert list(page) == [
        "url",
        "final_url",
        "status",
        "score",
        "error",
        "categories",
        "counts",
        "findings",
        "facts",
    ]
    assert page["url"] == url
    assert page["final_url"] == url
    assert page["status"] == 200
    assert page["error"] is None
    assert page["categories"]["metadata"] == {"score": 100}
    assert set(page["categories"]) <= {
        "alt_text",
        "headings",
        "keywords",
        "readability",
        "links",
        "metadata",
        "appearance",
    }
    assert not [f for f in page["findings"] if f["category"] == "metadata"]
    assert page["facts"]["scope"]["preset"] == "generic"
    assert page["facts"]["scope"]["selector"] == "article"
    assert page["facts"]["title"] == "Why some clients never cry in a therapy session"
    assert report["summary"]["pages"] == 1 and report["summary"]["failed"] == 0
    assert report["summary"]["score"] == page["score"]


def test_each_metadata_defect_is_reported(site: HTTPServer) -> None:
    url = site.url_for("/blog/bad")
    code, report = audit_json(url, "--select", "M")
    (page,) = report["pages"]
    got = {f["code"]: f for f in page["findings"]}
    assert set(got) == {"M602", "M603", "M604", "M606", "M609", "M610", "M611"}
    assert code == 1, "errors (noindex, missing lang) fail the default gate"
    noindex = got["M610"]
    assert noindex == {
        "code": "M610",
        "name": "noindex",
        "category": "metadata",
        "severity": "error",
        "message": '<meta name="robots"> says noindex: the page is hidden from search',
        "location": {
            "selector": 'meta[name="robots"]',
            "line": 6,
            "excerpt": '<meta name="robots" content="noindex">',
        },
        "fix": noindex["fix"],
        "fingerprint": noindex["fingerprint"],
    }
    assert (
        got["M602"]["message"]
        == "title is about 51 px wide (5 characters); make it at least 200 px"
    )
    assert got["M602"]["location"]["line"] == 4
    assert got["M609"]["message"] == "canonical '/blog/bad' is not an absolute http(s) URL"
    assert got["M609"]["location"]["line"] == 7
    assert got["M606"]["location"]["line"] == 2
    assert len({f["fingerprint"] for f in page["findings"]}) == len(page["findings"])
    assert page["categories"]["metadata"]["score"] < 50


def test_redirect_chain(site: HTTPServer) -> None:
    site.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/older"})
    site.expect_request("/older").respond_with_data(
        "", status=302, headers={"Location": "/blog/good"}
    )
    code, report = audit_json(site.url_for("/old"))
    (page,) = report["pages"]
    assert code == 0
    assert page["url"] == site.url_for("/old")
    assert page["final_url"] == site.url_for("/blog/good")
    assert [r["status"] for r in page["facts"]["redirects"]] == [301, 302]
    assert page["facts"]["redirects"][1]["location"] == site.url_for("/blog/good")


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_http_error_status(site: HTTPServer, status: int, phrase: str) -> None:
    site.expect_request("/gone").respond_with_data("nope", status=status, content_type="text/html")
    code, report = audit_json(site.url_for("/gone"))
    (page,) = report["pages"]
    assert code == 1
    assert page["status"] == status
    assert page["score"] is None
    assert page["error"] == phrase
    assert page["categories"] == {}
    assert [(f["code"], f["name"], f["severity"], f["message"]) for f in page["findings"]] == [
        ("X002", "http-error", "error", phrase)
    ]


def test_non_html_response(site: HTTPServer) -> None:
    site.expect_request("/file.pdf").respond_with_data(
        b"%PDF-1.4 ...", content_type="application/pdf"
    )
    code, report = audit_json(site.url_for("/file.pdf"))
    (page,) = report["pages"]
    assert code == 1
    assert codes(page) == ["X003"]
    assert "application/pdf" in page["error"]


def test_oversized_response(site: HTTPServer) -> None:
    big = "<html><body>" + "<p>word</p>" * 20_000 + "</body></html>"
    site.expect_request("/big").respond_with_data(big, content_type="text/html")
    code, report = audit_json(site.url_for("/big"), "--max-bytes", "50000")
    (page,) = report["pages"]
    assert code == 1
    assert codes(page) == ["X004"]


@pytest.fixture
def slow_server() -> Iterator[str]:
    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow"
    server.shutdown()
    server.server_close()


def test_timeout(slow_server: str) -> None:
    started = time.monotonic()
    code, report = audit_json(slow_server, "--timeout", "0.3")
    assert time.monotonic() - started < 2.5
    (page,) = report["pages"]
    assert code == 1
    assert codes(page) == ["X001"]
    assert "timed out" in page["error"]


def test_windows_1252_declared_only_in_meta(site: HTTPServer) -> None:
    body = (
        '<html lang="en"><head><meta charset="windows-1252"><title>\x93Caf\xe9\x94 notes for a counselling blog post</title></head>'
        "<body><article><h1>Caf\xe9</h1><p>Text long enough for the article detector to accept it as the body of the page.</p></article></body></html>"
    ).encode("latin-1")
    site.expect_request("/cp1252").respond_with_data(body, content_type="text/html")
    code, report = audit_json(site.url_for("/cp1252"), "--select", "M601,M602")
    (page,) = report["pages"]
    assert code == 0 and page["findings"] == []
    assert page["facts"]["title"] == "“Café” notes for a counselling blog post"


def test_stdin(runner: CliRunner) -> None:
    html = BAD.encode()
    code, report = audit_json("-", "--select", "M", input=html)
    (page,) = report["pages"]
    assert page["url"] == "stdin"
    assert page["final_url"] is None
    assert "M610" in codes(page)
    assert code == 1


def test_folder_of_built_pages(tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "good.html").write_text(
        GOOD.format(base="https://example.com"), encoding="utf-8"
    )
    (tmp_path / "blog" / "bad.html").write_text(BAD, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not html", encoding="utf-8")
    code, report = audit_json(str(tmp_path), "--select", "M")
    urls = [p["url"] for p in report["pages"]]
    assert urls == sorted(
        [f"{tmp_path.as_posix()}/blog/bad.html", f"{tmp_path.as_posix()}/blog/good.html"]
    )
    good = next(p for p in report["pages"] if p["url"].endswith("good.html"))
    assert good["findings"] == [] and good["final_url"] is None and good["status"] is None
    assert code == 1


def test_output_file_and_text_format(site: HTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("audit", site.url_for("/blog/good"), "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["pages"][0]["status"] == 200
    text = invoke("audit", site.url_for("/blog/bad"), "--select", "M", "--no-color")
    assert text.exit_code == 1
    assert "M610" in text.stdout and "noindex" in text.stdout
    assert "\x1b[" not in text.stdout


def test_select_ignore_and_fail_on(site: HTTPServer) -> None:
    url = site.url_for("/blog/bad")
    _, report = audit_json(url, "--select", "M", "--ignore", "noindex,M606")
    assert "M610" not in codes(report["pages"][0]) and "M606" not in codes(report["pages"][0])
    code, _ = audit_json(url, "--select", "M602", "--fail-on", "error")
    assert code == 0, "a warning does not fail the default gate"
    code, _ = audit_json(url, "--select", "M602", "--fail-on", "warning")
    assert code == 1
    code, _ = audit_json(url, "--fail-on", "never")
    assert code == 0


def test_header_is_sent_to_the_audited_site(site: HTTPServer) -> None:
    site.expect_request("/private", headers={"Authorization": "Bearer s3cret"}).respond_with_data(
        GOOD.format(base="https://x"), content_type="text/html"
    )
    code, report = audit_json(site.url_for("/private"), "--header", "Authorization: Bearer s3cret")
    assert report["pages"][0]["status"] == 200 and code == 0


def test_user_agent(site: HTTPServer) -> None:
    site.expect_request(
        "/ua", headers={"User-Agent": f"postaudit/{__version__}"}
    ).respond_with_data(GOOD.format(base="https://x"), content_type="text/html")
    _, report = audit_json(site.url_for("/ua"))
    assert report["pages"][0]["status"] == 200
    site.expect_request("/ua2", headers={"User-Agent": "MyBot/1"}).respond_with_data(
        "<html></html>", content_type="text/html"
    )
    _, report = audit_json(site.url_for("/ua2"), "--user-agent", "MyBot/1")
    assert report["pages"][0]["status"] == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "missing.html"], "'missing.html': no such file, folder or URL"),
        (["audit", "ftp://example.com/x"], "only http and https URLs"),
        (["audit", "x.html", "--select", "Q9"], "'Q9' matches no rule"),
        (["audit", "x.html", "--header", "NoColon"], "expected 'Name: value'"),
        (["audit", "x.html", "--content-selector", "div[[["], "invalid --content-selector"),
        (["audit", "x.html", "--rule-option", "title-length.nope=3"], "unknown option 'nope'"),
        (["rules", "Z999"], "unknown rule 'Z999'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.html").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_file_discovery_and_precedence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.postaudit]\nselect = ["M"]\nfail-on = "warning"\n[tool.postaudit.rules.title-length]\nmax_width = 100\nmin_width = 1\n'
    )
    (tmp_path / "sub").mkdir()
    page = tmp_path / "sub" / "p.html"
    page.write_text(GOOD.format(base="https://example.com"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub")
    code, report = audit_json("p.html")
    assert codes(report["pages"][0]) == ["M602"]
    assert (
        report["pages"][0]["findings"][0]["message"]
        == "title is about 428 px wide (47 characters); search results cut it at about 100 px, "
        "after 'Why some'"
    )
    assert code == 1, "fail-on = warning from the file"
    code, _ = audit_json("p.html", "--fail-on", "error")
    assert code == 0, "flags win over the file"
    (tmp_path / "sub" / "postaudit.toml").write_text(
        'select = ["M"]\n[rules.M602]\nseverity = "off"\n'
    )  # the nearest folder's file wins whole: it selects again
    _, report = audit_json("p.html")
    assert codes(report["pages"][0]) == []


def test_bad_config_names_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "postaudit.toml").write_text('colour = "always"\n')
    (tmp_path / "p.html").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", "p.html"])
    assert result.exit_code == 2
    assert "unknown key 'colour'" in result.stderr
    (tmp_path / "postaudit.toml").write_text('timeout = "soon"\n')
    result = CliRunner().invoke(cli, ["audit", "p.html"])
    assert result.exit_code == 2 and "'timeout' must be a positive number" in result.stderr


def test_python_dash_m_and_rules_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "postaudit", "rules", "M602"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "title-length" in proc.stdout and "Fails:" in proc.stdout and "max_width" in proc.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "postaudit", "rules"], capture_output=True, text=True, timeout=60
    )
    assert listing.returncode == 0 and "M610" in listing.stdout and "noindex" in listing.stdout


def test_missing_file_in_subprocess_has_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "postaudit", "audit", str(tmp_path / "nope.html")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("postaudit: error:") and "Traceback" not in proc.stderr


def test_demo_runs_offline() -> None:
    result = invoke("demo", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert len(report["pages"]) == 3
    assert all(p["status"] == 200 and p["score"] is not None for p in report["pages"])
    assert "serving the bundled blog" in result.stderr
