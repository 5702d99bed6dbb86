"""Issue 16, points 4-6: bounded inputs, safe writes, the streamed JSON report.

Real files and devices throughout: /dev/zero and a FIFO as inputs, /dev/full as a
full disk and a full stdout, a missing folder and a directory in the way as outputs
that cannot be written; a sitemap served on 127.0.0.1 for the streamed report.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from paths import CORPUS
from postaudit.cli import cli
from postaudit.config import Config
from postaudit.gather.sources import Target
from postaudit.judge.baseline import compare, from_report
from postaudit.model import Category, Finding, Location, PageResult, Report, Severity
from postaudit.report.json import render_json
from postaudit.report.spool import JsonSpool
from postaudit.run.runner import audit_targets
from postaudit.safeio import (
    InputError,
    PendingFile,
    atomic_text,
    read_bounded,
    write_text_atomic,
)

PAGE = CORPUS / "ghost5-casper_pwningtech_blacksmith.html"
POSTAUDIT = [sys.executable, "-m", "postaudit"]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def one_error_line(result: Result | subprocess.CompletedProcess[str]) -> str:
    err = result.stderr
    lines = [line for line in err.splitlines() if line.startswith("postaudit: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- bounded inputs


def test_baseline_from_dev_zero_is_refused_at_once() -> None:
    result = invoke("audit", str(PAGE), "--format", "json", "--baseline", "/dev/zero")
    assert result.exit_code == 2
    assert "baseline '/dev/zero' is not text" in one_error_line(result)


def test_baseline_over_the_cap_is_refused(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"schema": 1, "pages": [], "pad": "x" * 5000}))
    env = {"POSTAUDIT_MAX_REPORT_BYTES": "4096"}
    result = invoke("audit", str(PAGE), "--baseline", str(baseline), env=env)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "is larger than the 4 KiB cap" in line and "POSTAUDIT_MAX_REPORT_BYTES" in line
    # the same file under the default cap is read
    assert invoke("audit", str(PAGE), "--baseline", str(baseline)).exit_code in (0, 1)


def test_merge_input_over_the_cap_is_refused(tmp_path: Path) -> None:
    report = tmp_path / "shard.json"
    report.write_text(
        render_json(audit_targets([Target("file", str(PAGE))], Config())), encoding="utf-8"
    )
    ok = invoke("merge", str(report), "--format", "json", "--fail-on", "never")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["pages"]
    env = {"POSTAUDIT_MAX_REPORT_BYTES": str(report.stat().st_size - 1)}
    result = invoke("merge", str(report), "--format", "json", env=env)
    assert result.exit_code == 2
    assert f"{report} is larger than" in one_error_line(result)


def test_merge_input_from_a_pipe_stops_at_the_cap(tmp_path: Path) -> None:
    """A FIFO has no size to check first: it is read in chunks and refused as soon as
    it passes the cap, while the writer still has more to give."""
    fifo = tmp_path / "endless.jsonl"
    os.mkfifo(fifo)
    line = b'{"url": "https://example.org/", "findings": []}\n'

    def feed() -> None:
        try:
            with open(fifo, "wb") as fh:
                for _ in range(100_000):  # 4.8 MB, far past the 64 KiB cap
                    fh.write(line)
        except BrokenPipeError:
            pass  # the reader stopped: what we want

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        result = invoke("merge", str(fifo), env={"POSTAUDIT_MAX_REPORT_BYTES": "65536"})
    finally:
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert result.exit_code == 2
    assert "is larger than the 64 KiB cap" in one_error_line(result)


def test_config_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "postaudit.toml"
    config.write_text('fail_on = "never"\n' + "# padding\n" * 110_000, encoding="utf-8")
    assert config.stat().st_size > 2**20
    result = invoke("audit", str(PAGE), "--config", str(config))
    assert result.exit_code == 2
    assert "is larger than the 1 MiB cap" in one_error_line(result)
    config.write_text('fail_on = "never"\n', encoding="utf-8")
    assert invoke("audit", str(PAGE), "--config", str(config)).exit_code == 0


def test_read_bounded_takes_exactly_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "f"
    file.write_bytes(b"x" * 100)
    monkeypatch.setenv("POSTAUDIT_MAX_REPORT_BYTES", "100")
    assert read_bounded(file, "f") == b"x" * 100
    monkeypatch.setenv("POSTAUDIT_MAX_REPORT_BYTES", "99")
    with pytest.raises(InputError, match="larger than the 99 bytes cap"):
        read_bounded(file, "f")
    monkeypatch.setenv("POSTAUDIT_MAX_REPORT_BYTES", "lots")
    with pytest.raises(InputError, match="expected a number of bytes"):
        read_bounded(file, "f")


def test_resume_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    partial = tmp_path / "partial.jsonl"
    partial.write_text("{}\n" * 2000, encoding="utf-8")
    env = {"POSTAUDIT_MAX_REPORT_BYTES": "1000"}
    result = invoke("sitemap", str(tmp_path / "none.xml"), "--resume", str(partial), env=env)
    assert result.exit_code == 2
    assert f"--resume {partial} is larger than" in one_error_line(result)


# --------------------------------------------------------------------------- safe writes


def test_atomic_write_leaves_the_old_file_whole_on_an_error(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_text(target) as fh:
        fh.write("half a new rep")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert leftovers(tmp_path) == []
    write_text_atomic(target, "new report\n")
    assert target.read_text(encoding="utf-8") == "new report\n"
    assert leftovers(tmp_path) == []


def test_atomic_write_keeps_the_mode_and_follows_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.json"
    write_text_atomic(fresh, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask


def test_a_device_is_written_directly_and_its_error_passes(tmp_path: Path) -> None:
    pending = PendingFile("/dev/full")
    assert pending.temporary is None
    with pytest.raises(OSError, match="No space left"):
        pending.stream.write("x" * 100_000)  # past the buffer: written through
        pending.commit()


def test_one_output_failing_does_not_lose_the_others(tmp_path: Path) -> None:
    (tmp_path / "in-the-way").mkdir()
    old_baseline = tmp_path / "baseline.json"
    result = invoke(
        "audit",
        str(PAGE),
        "--format",
        f"json={tmp_path / 'missing' / 'report.json'}",
        "--format",
        f"sarif={tmp_path / 'report.sarif'}",
        "--format",
        f"html={tmp_path / 'in-the-way'}",
        "--format",
        "junit=/dev/full",
        "--format",
        "markdown",
        "-o",
        str(tmp_path / "report.md"),
        "--baseline",
        str(old_baseline),
        "--update-baseline",
    )
    assert result.exit_code == 2
    line = one_error_line(result)
    assert f"cannot write {tmp_path / 'missing' / 'report.json'}: No such file" in line
    assert f"cannot write {tmp_path / 'in-the-way'}: Is a directory" in line
    assert "cannot write /dev/full: No space left on device" in line
    assert json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))["runs"]
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("#")
    assert json.loads(old_baseline.read_text(encoding="utf-8"))["pages"][0]["url"] == str(PAGE)
    assert list((tmp_path / "in-the-way").iterdir()) == []
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github"])
def test_full_stdout_is_one_line(fmt: str) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*POSTAUDIT, "audit", str(PAGE), "--format", fmt, "--fail-on", "never"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    assert one_error_line(proc) == (
        "postaudit: error: cannot write to stdout: No space left on device"
    )


# --------------------------------------------------------------------------- sitemap outputs


def serve_blog(httpserver: HTTPServer, posts: int) -> str:
    """`posts` small real-looking posts (a corpus page with its title numbered) and
    their sitemap; returns the sitemap URL."""
    html = PAGE.read_text(encoding="utf-8")
    urls = []
    for i in range(posts):
        path = f"/blog/post-{i:03}.html"
        body = html.replace("<title>", f"<title>Post {i}: ", 1)
        httpserver.expect_request(path).respond_with_data(
            body, content_type="text/html; charset=utf-8"
        )
        urls.append(httpserver.url_for(path))
    random.Random(7).shuffle(urls)  # the report sorts by URL, not sitemap order
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        + "</urlset>"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap, content_type="application/xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    return httpserver.url_for("/sitemap.xml")


def sitemap(source: str, *args: str) -> Result:
    """`postaudit sitemap SOURCE -q --links none`, each `FORMAT=FILE` in `args` as a
    --format, the rest as they are."""
    flags = [x for a in args for x in (("--format", a) if "=" in a else (a,))]
    return invoke("sitemap", source, "-q", "--links", "none", *flags)


def test_sitemap_json_is_streamed_sorted_and_matches_jsonl(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    source = serve_blog(httpserver, 12)
    out_json, out_jsonl = tmp_path / "r.json", tmp_path / "r.jsonl"
    result = sitemap(source, f"json={out_json}", f"jsonl={out_jsonl}", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    report = json.loads(out_json.read_text(encoding="utf-8"))
    urls = [p["url"] for p in report["pages"]]
    assert urls == sorted(urls) and len(urls) == 12
    lines = [json.loads(x) for x in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert sorted((x for x in lines if "url" in x), key=lambda p: p["url"]) == report["pages"]
    assert lines[-1]["summary"] == report["summary"]
    assert report["pages"][0]["facts"]  # pages in full, facts included
    assert leftovers(tmp_path) == []


def test_sitemap_baseline_update_from_the_spool_and_failed_outputs(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """--update-baseline writes the full report (from the spool), a JSONL file in a
    missing folder is refused before any page is fetched, and at the end one output
    that cannot be written does not stop the JSON and the baseline."""
    source = serve_blog(httpserver, 5)
    baseline = tmp_path / "baseline.json"
    early = invoke("sitemap", source, "-q", "--format", f"jsonl={tmp_path / 'no' / 'r.jsonl'}")
    assert early.exit_code == 2
    assert "cannot write" in one_error_line(early) and not httpserver.log
    result = sitemap(
        source,
        f"json={tmp_path / 'r.json'}",
        f"sarif={tmp_path / 'no' / 'r.sarif'}",
        "--baseline",
        str(baseline),
        "--update-baseline",
    )
    assert result.exit_code == 2
    assert f"cannot write {tmp_path / 'no' / 'r.sarif'}" in one_error_line(result)
    written = baseline.read_text(encoding="utf-8")
    assert written == (tmp_path / "r.json").read_text(encoding="utf-8")
    assert len(json.loads(written)["pages"]) == 5


def test_sitemap_jsonl_to_a_full_stdout_stops_with_one_line(httpserver: HTTPServer) -> None:
    source = serve_blog(httpserver, 3)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*POSTAUDIT, "sitemap", source, "-q", "--links", "none", "--format", "jsonl"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    assert one_error_line(proc).endswith("cannot write to stdout: No space left on device")


# --------------------------------------------------------------------------- the spool


def corpus_report() -> Report:
    pages = sorted(CORPUS.glob("*.html"))
    return audit_targets([Target("file", str(p)) for p in pages], Config(keywords=("security",)))


def odd_page() -> PageResult:
    """Characters `inert_json` rewrites, a float in the facts, an empty findings list."""
    finding = Finding(
        url="https://example.org/\u2028odd",
        code="M101",
        name="title-missing",
        category=Category.METADATA,
        severity=Severity.ERROR,
        message="title \x85 with \u202e bidi and \u2029",
        location=Location("head > title", 3, "<title>\x7f</title>"),
        fix="",
    )
    return PageResult(
        url="https://example.org/\u2028odd",
        final_url=None,
        status=200,
        score=41,
        categories={Category.METADATA: 41},
        findings=(finding,),
        facts={"words": 12, "ratio": 0.123456, "list": (1, 2.5, "x"), "nested": {"b": 1, "a": 2}},
    )


def test_spool_gives_render_json_byte_for_byte() -> None:
    report = corpus_report()
    pages = [*report.pages, odd_page()]
    pages += [pages[3]]  # a URL twice: both kept, in arrival order, as render_json does
    random.Random(3).shuffle(pages)
    # site findings as a site with many duplicates has them: written one at a time
    site = tuple(
        dataclasses.replace(f, code="M620", name="duplicate-title")
        for p in pages
        for f in p.findings[:2]
    )
    assert len(site) > 20
    full = Report(
        pages=tuple(pages), site_findings=report.site_findings + site, summary=report.summary
    )
    comparison = compare(full, from_report(Report(pages=tuple(pages[:5]))))
    spool = JsonSpool()
    try:
        for page in pages:
            spool.add(page)
        assert len(spool) == len(pages)
        for cmp in (None, comparison):
            streamed = _written(spool, full, cmp)
            assert streamed == render_json(full, comparison=cmp)
    finally:
        spool.close()
    empty = JsonSpool()
    try:
        bare = Report(pages=(), summary={"pages": 0})
        assert _written(empty, bare, None) == render_json(bare)
    finally:
        empty.close()


def _written(spool: JsonSpool, report: Report, comparison: object) -> str:
    import io

    out = io.StringIO()
    spool.write_json(out, report.site_findings, report.summary, comparison)  # type: ignore[arg-type]
    return out.getvalue()
