"""`merge` reads its inputs page by page (`ReportReader`) and writes the JSON report
from a spool (issue 16, point 6): the same pages, summary and bytes as reading every
input whole (`read_report` + `merge_reports` + `render_json`)."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracles import merge_reports, read_report
from postaudit import safeio
from postaudit.cli import cli
from postaudit.config import Config
from postaudit.model import PageResult, Report
from postaudit.report.json import page_dict, render_json
from postaudit.report.jsonl import render_jsonl
from postaudit.report.load import ReportError, ReportReader
from postaudit.run.pipeline import audit_html
from postaudit.run.sitemap_run import merge_streamed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def pages(*paths: str) -> tuple[PageResult, ...]:
    html = (FIXTURES / "corpus" / "hexo-butterfly_3em0_about-new-blog.html").read_text()
    config = Config()
    return tuple(
        audit_html(html, f"https://example.com/blog/{p}", config, config.ruleset()) for p in paths
    )


def shard(*paths: str, skipped: int = 2) -> Report:
    return Report(
        pages=pages(*paths),
        summary={
            "pages": len(paths),
            "sitemap": {"source": "https://example.com/sitemap.xml"},
            "skipped": {"shard": skipped, "robots": 0},
            "disallowed": [],
            "not_audited": [],
        },
    )


def read_streamed(path: Path) -> tuple[list[dict[str, object]], dict[str, object]]:
    reader = ReportReader(str(path))
    got = [page_dict(p) for p in reader.pages()]
    return got, reader.summary


@pytest.mark.parametrize("chunk", [1, 7, 4096, 2**20])
def test_reader_gives_what_read_report_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Chunks of 1 and 7 characters cut keys, strings, numbers and UTF-8 sequences."""
    monkeypatch.setattr(safeio, "_STREAM_CHUNK", chunk)
    report = shard("b", "a", "café-été", "z")
    line = json.dumps(page_dict(report.pages[0]), ensure_ascii=False)
    files = {
        "r.json": render_json(report),
        "r.jsonl": render_jsonl(report),
        # a duplicate line, a blank one and a line cut off by a crash, in CRLF
        "d.jsonl": f"{line}\r\n\r\n{line}\r\n" + render_jsonl(report) + line[:50],
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        whole = read_report(str(path))
        got, summary = read_streamed(path)
        assert got == [page_dict(p) for p in whole.pages], name
        assert summary == whole.summary, name
    assert len(read_streamed(tmp_path / "d.jsonl")[0]) == 4


def test_merged_json_is_byte_for_byte_what_the_whole_reports_give(tmp_path: Path) -> None:
    one, two = shard("a", "c", "e"), shard("b", "c", "d", skipped=1)  # "c" in both
    paths = [tmp_path / "s1.json", tmp_path / "s2.jsonl"]
    paths[0].write_text(render_json(one), encoding="utf-8")
    paths[1].write_text(render_jsonl(two), encoding="utf-8")
    expected = render_json(merge_reports([read_report(str(p)) for p in paths], Config()))
    result = CliRunner().invoke(
        cli, ["merge", *map(str, paths), "--format", "json", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    merged = json.loads(result.stdout)
    assert [p["url"] for p in merged["pages"]] == [f"https://example.com/blog/{p}" for p in "abcde"]
    assert merged["summary"]["pages"] == 5 and merged["summary"]["skipped"] == {"robots": 0}


def test_gate_only_merge_keeps_no_facts_but_the_same_verdict(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(render_json(shard("a", "b")), encoding="utf-8")
    report, spool = merge_streamed([str(path)], Config())
    with closing(spool):
        assert len(spool) == 2
        assert all(p.facts == {} for p in report.pages)
        whole = read_report(str(path))
        assert any(p.facts for p in whole.pages)
        # the spool gives back every page in full, for the formats written from it
        assert [p.facts for p in spool.pages()] == [p.facts for p in whole.pages]
        full = merge_reports([whole], Config())
        assert report.summary == full.summary
        assert report.site_findings == full.site_findings


def test_a_report_cut_off_in_its_pages_is_one_error_line(tmp_path: Path) -> None:
    text = render_json(shard("a", "b"))
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ReportError, match=r"cut\.json is not valid JSON \(line \d+, column"):
        list(ReportReader(str(path)).pages())
    result = CliRunner().invoke(cli, ["merge", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if "error" in line]
    assert len(errors) == 1 and "is not valid JSON" in errors[0], result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("render", [render_json, render_jsonl], ids=["json", "jsonl"])
def test_reader_opens_its_input_once_so_a_pipe_works(tmp_path: Path, render: object) -> None:
    """A JSONL report is first tried as JSON: what that read is replayed, not read again,
    so `merge <(...)` and a FIFO (which can be read once) give every page."""
    import os
    import threading

    report = shard("b", "a")
    text = render(report)  # type: ignore[operator]
    fifo = tmp_path / "in.report"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    got, _ = read_streamed(fifo)
    writer.join(timeout=10)
    assert [p["url"] for p in got] == sorted(p.url for p in report.pages)
