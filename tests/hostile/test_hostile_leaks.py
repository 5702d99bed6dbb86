"""Never leaks or lets anything in: only http(s) URLs are requested; `--header`
credentials reach the audited host only (not link targets elsewhere, not across a
redirect to another host); page text and file names are shown literally in the
terminal and escaped in every machine format, so they can neither style the terminal
nor inject a GitHub workflow command."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from hostile.faultserver import FaultServer
from hostile.runs import audit_json, codes, finding, good_page, link_rows, run_cli
from postaudit.config import Config
from postaudit.gather import fetch
from postaudit.gather.sources import Target
from postaudit.model import Category, Finding, Location, Report, Severity
from postaudit.report.github import render_github
from postaudit.report.text import render_text
from postaudit.run.runner import audit_targets, build_report

# --------------------------------------------------------------------------- schemes


class Listener:
    """A bare TCP port on 127.0.0.1 that counts the connections it is offered."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    one = Listener()
    try:
        yield one
    finally:
        one.close()


@pytest.fixture
def requested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the fetcher is asked for, in this process."""
    urls: list[str] = []
    original = fetch.Fetcher._call

    async def spy(self: fetch.Fetcher, method: str, url: str, **kwargs: Any) -> fetch.RawPage:
        urls.append(url)
        return await original(self, method, url, **kwargs)

    monkeypatch.setattr(fetch.Fetcher, "_call", spy)
    return urls


SCHEMES = """<!doctype html><html lang="en"><head><title>Links of every kind</title></head>
<body><main><article><h1>Links of every kind</h1>
<p><a href="file:///etc/passwd">a local file</a>, <a href="ftp://127.0.0.1:{port}/pub">ftp</a>,
<a href="javascript:fetch('{base}/js-leak')">a script</a>,
<a href="data:text/html,&lt;img src={base}/data-leak&gt;">data</a>,
<a href="mailto:someone@example.com">mail</a>, <a href="tel:+15555550100">phone</a>,
<a href="gopher://127.0.0.1:{port}/">gopher</a>, <a href="/fine">a page</a>,
<img src="file:///etc/shadow" alt="a file image"></p>
<nav><a rel="next" href="ftp://127.0.0.1:{port}/next">Next post</a></nav>
</article></main></body></html>
"""


def test_only_http_urls_are_ever_requested(
    fault: FaultServer, listener: Listener, requested: list[str]
) -> None:
    fault.page("/fine", "<title>fine</title>")
    url = fault.page("/schemes", SCHEMES.format(port=listener.port, base=fault.base))
    escape = fault.url(f"/redirect?to=ftp://127.0.0.1:{listener.port}/escape")

    run = audit_json(url, escape, "--links", "all")

    assert listener.accepted == 0
    assert requested and all(u.startswith(fault.base) for u in requested), requested
    assert set(fault.paths()) == {
        "/schemes",
        f"/redirect?to=ftp://127.0.0.1:{listener.port}/escape",
        "/fine",
    }
    assert set(link_rows(run.page(url))) == {fault.url("/fine")}
    x = finding(run.page(escape), "X001")
    assert x["message"] == (
        f"redirect to unsupported URL 'ftp://127.0.0.1:{listener.port}/escape' from {escape}"
    )


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1:{port}/x", "javascript:alert(1)"]
)
def test_non_http_targets_are_refused(listener: Listener, target: str) -> None:
    run = run_cli("audit", target.format(port=listener.port))
    assert run.code == 2
    assert run.stderr.startswith("postaudit: error: ")
    assert listener.accepted == 0


# --------------------------------------------------------------------------- credentials

SECRET = "Bearer s3cret-staging-token"

CREDS = """<!doctype html><html lang="en"><head><title>A staging page</title></head>
<body><main><article><h1>A staging page</h1>
<p><a href="/inside">our own page</a>, <a href="{other}/elsewhere">another site</a>,
<a href="/redirect?to={other}/landed">our link that moves to another site</a>.</p>
<nav><a rel="next" href="{other}/next-post">Next post</a></nav>
</article></main></body></html>
"""


@pytest.mark.parametrize("link_timeout", [None, "3"])
def test_header_credentials_stay_on_the_audited_host(
    fault: FaultServer, other: FaultServer, link_timeout: str | None
) -> None:
    """`fault` is 127.0.0.1, `other` is localhost: two hosts for the client, one machine."""
    page = fault.page("/staging", CREDS.format(other=other.base))
    fault.page("/inside", "<title>inside</title>")
    for path in ("/elsewhere", "/landed", "/next-post", "/moved"):
        other.page(path, "<title>elsewhere</title><h1>Next post</h1>")
    moved = fault.url(f"/redirect?to={other.base}/moved")
    args = [page, moved, "--links", "all", "--header", f"Authorization: {SECRET}"]
    args += ["--header", "X-Api-Key: k-123"]
    if link_timeout:
        args += ["--link-timeout", link_timeout]

    run = audit_json(*args)

    assert run.page(moved)["final_url"] == other.url("/moved")
    assert set(link_rows(run.page(page))) == {
        fault.url("/inside"),
        other.url("/elsewhere"),
        fault.url(f"/redirect?to={other.base}/landed"),
        other.url("/next-post"),
    }
    mine = {r.path: r.headers for r in fault.requests}
    assert mine["/staging"]["authorization"] == SECRET
    assert mine["/staging"]["x-api-key"] == "k-123"
    assert mine["/inside"]["authorization"] == SECRET  # same host: it is the site's own page
    theirs = other.requests
    assert {r.path for r in theirs} >= {"/elsewhere", "/landed", "/next-post", "/moved"}
    for r in theirs:
        assert "authorization" not in r.headers and "x-api-key" not in r.headers, r
    assert SECRET not in run.stdout  # nor in the report


# --------------------------------------------------------------------------- page text

BOLD = "[bold red]BOLD[/]"
LINK = "[link=http://evil.example/]click[/link]"
BLINK = "\x1b[5;35mBLINK\x1b[0m"
OSC8 = "\x1b]8;;http://evil.example/\x1b\\OSC8\x1b]8;;\x1b\\"
SCRIPT = "<script>alert(1)</script>"
WORKFLOW = "::error::pwned %0A::set-output name=x::y"
PAYLOAD = f"{SCRIPT} {WORKFLOW} {BOLD} {LINK} {BLINK} {OSC8}"


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


HOSTILE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{_attr(PAYLOAD)}</title></head><body><main><article>
<h1>{_attr(PAYLOAD)}</h1>
<h3>{_attr(PAYLOAD)} again</h3>
<p>Text with a <a href="/a">{_attr(PAYLOAD)}</a> and <a href="/b">{_attr(PAYLOAD)}</a>.</p>
<img src="/i.png" alt="{_attr(PAYLOAD)}&#10;::error::injected">
</article></main></body></html>
"""

#: What must never reach any output: the escape character itself (SGR, OSC 8 ...).
ESC = "\x1b"


def _hostile_report(fault: FaultServer, fmt: str, *extra: str) -> str:
    url = fault.page("/hostile", HOSTILE)
    for path in ("/a", "/b", "/i.png"):
        fault.page(path, "<title>t</title>")
    run = run_cli(
        "audit", url, "--format", fmt, "--links", "none", "-v", "--fail-on", "warning", *extra
    )
    assert run.code == 1, run.stderr
    assert ESC not in run.stdout and ESC not in run.stderr
    return run.stdout


def test_page_text_is_literal_in_the_text_report(fault: FaultServer) -> None:
    out = _hostile_report(fault, "text")
    assert BOLD in out and LINK in out and SCRIPT in out  # shown as written
    assert "BLINK" in out and "OSC8" in out  # the words stay, their escapes go (or are
    # quoted as inert text, `\x1b[5;35m`, where a message quotes a value with repr)


def test_page_text_cannot_style_a_colour_terminal(fault: FaultServer) -> None:
    url = fault.page("/hostile", HOSTILE)
    report = audit_targets([Target("url", url)], Config(links="none"))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    render_text(report, console, verbose=1)
    out = buffer.getvalue()
    assert ESC in out  # rich's own colours are there...
    assert "\x1b]8;" not in out  # ...but no hyperlink
    assert "\x1b[5;35m" not in out and "\x1b[5m" not in out  # ...and no blink
    assert "BOLD[/]" in out and "[link=http://evil.example/]" in out


def test_page_text_cannot_inject_github_commands(fault: FaultServer) -> None:
    out = _hostile_report(fault, "github")
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    for line in lines:
        head, sep, message = line[2:].partition("::")
        assert sep and ":" not in head.split(" ", 1)[1].replace("%3A", ""), line
        assert "\n" not in message and "\r" not in message
    assert "pwned" in out  # present, as data inside a message


def test_a_message_with_a_line_break_stays_one_command() -> None:
    finding = Finding(
        url="https://example.com/post",
        code="H405",
        name="heading-too-long",
        category=Category.HEADINGS,
        severity=Severity.INFO,
        message="heading \n::error::x\r\n::set-output name=a::b %0A::warning::y",
        location=Location(selector="h2\n::error::sel"),
        fix="shorten it",
    )
    report = Report(pages=(build_report([]).pages), site_findings=(finding,))
    out = render_github(report)
    assert out.count("\n") == 1 and out.startswith("::notice ")
    assert "%0A::error::x%0D%0A::set-output" in out and "%250A::warning::y" in out


def test_page_text_is_escaped_in_markdown(fault: FaultServer) -> None:
    out = _hostile_report(fault, "markdown")
    assert "<script>" not in out and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in out
    assert "[link=" not in out.replace("\\[link=", "")


def test_page_text_is_escaped_in_junit(fault: FaultServer) -> None:
    out = _hostile_report(fault, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert "<script>" not in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_page_text_is_data_in_json_and_sarif(fault: FaultServer, fmt: str) -> None:
    out = _hostile_report(fault, fmt)
    data = json.loads(out)
    text = json.dumps(data, ensure_ascii=False)
    assert "pwned" in text and "evil.example" in text


def test_hostile_file_names_are_escaped_everywhere(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    name = "evil\x1b[31m\n::error::named\r%0A.html"
    (folder / name).write_text("<title>t</title>", encoding="utf-8")  # POSIX file systems take it
    for fmt in ("text", "github", "markdown", "junit", "json", "sarif"):
        run = run_cli(
            "audit",
            str(folder),
            "--format",
            fmt,
            "--select",
            "H401",
            "--fail-on",
            "warning",
            "--no-color",
        )  # H401 is a warning (docs/severity.md): the gate fails on it with --fail-on warning
        assert run.code == 1, (fmt, run.stderr)
        assert ESC not in run.stdout and ESC not in run.stderr, fmt
        if fmt == "github":
            assert all(line.startswith("::") for line in run.stdout.splitlines()), run.stdout
        if fmt in ("json", "sarif"):
            json.loads(run.stdout)
        if fmt == "junit":
            ET.fromstring(run.stdout.encode("utf-8"))
    stderr_lines = run.stderr.splitlines()
    assert all(line.startswith("postaudit: ") for line in stderr_lines), stderr_lines


def test_unreachable_reasons_on_stderr_are_one_line(fault: FaultServer) -> None:
    good = good_page(fault)
    hostile = fault.url("/redirect?to=" + "http://bad\x1b[31mhost\n::error::x/")
    run = audit_json(good, hostile)
    assert run.code == 1
    assert codes(run.page(hostile)) == ["X001"]
    assert ESC not in run.stderr
    assert all(line.startswith("postaudit: ") for line in run.stderr.splitlines())


def test_credentials_of_an_https_site_never_travel_over_http(fault: FaultServer) -> None:
    """An https page linking to http://same-host/ must not send its credentials in
    clear text. (No TLS server here: the https fetch fails, which is enough to make
    the run's audited origin https://127.0.0.1:PORT.)"""

    async def run(first: str) -> None:
        options = fetch.FetchOptions(timeout=2, headers=(("Authorization", SECRET),))
        async with fetch.Fetcher(options) as fetcher:
            await fetcher.fetch_page(first)
            await fetcher.request("GET", fault.url("/plain"))

    fault.page("/plain", "<title>plain</title>")
    asyncio.run(run(f"https://127.0.0.1:{fault.port}/staging"))
    asyncio.run(run(fault.url("/staging")))  # an http site: its own host gets them
    plain = fault.hits("/plain")
    assert len(plain) == 2
    assert "authorization" not in plain[0].headers
    assert plain[1].headers["authorization"] == SECRET


def test_json_writes_invisible_controls_as_escapes(fault: FaultServer) -> None:
    """json.dumps(ensure_ascii=False) left DEL, C1 (8-bit CSI) and the line separators
    raw: a terminal showing the file could act on them. Now written as \\uXXXX."""
    title = "Title\x7f with \x9b31m 8-bit CSI\u2028 and \u202eRLO"
    url = fault.page("/controls", f"<title>{title}</title><h1>h</h1>")
    for fmt in ("json", "sarif"):
        run = run_cli("audit", url, "--format", fmt, "--links", "none")
        for raw in ("\x7f", "\x9b", "\u2028", "\u202e"):
            assert raw not in run.stdout, (fmt, repr(raw))
        data = json.loads(run.stdout)
        if fmt == "json":
            kept = data["pages"][0]["facts"]["title"]  # the same data once read back
            assert "\x7f" in kept and "\x9b" in kept and "\u202e" in kept
            assert "\\u009b31m" in run.stdout
