"""Baselines: loading and validating the file, comparing by fingerprint and score,
and --baseline / --update-baseline through the CLI."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from postaudit.cli import cli
from postaudit.config import Config
from postaudit.gather.sources import expand
from postaudit.judge.baseline import BaselineError, Comparison, compare, from_report, load, parse
from postaudit.model import Category, PageResult, Report
from postaudit.report.json import render_json, report_dict
from postaudit.run.runner import audit_targets, build_report

HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Small habits for calmer evenings at home</title>
<meta name="description" content="A few small evening habits that help an anxious mind slow down, with notes on why they work.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://example.com/blog/calm">
</head><body><main><article>
<h1>Calmer evenings</h1>
"""
FOOT = "</article></main></body></html>\n"
PARA = "<p>Switch the big light off and let one lamp do the work for the last hour.</p>\n"
BAD_IMG = '<img src="/img/lamp.jpg">\n'
GOOD_IMG = '<img src="/img/tea.jpg" alt="a mug of chamomile tea beside a notebook">\n'


def audit(path: Path, select: tuple[str, ...] = ("A", "M")) -> Report:
    return audit_targets(expand([str(path)]), Config(select=select))


def write(path: Path, *body: str) -> Path:
    path.write_text(HEAD + "".join(body) + FOOT, encoding="utf-8")
    return path


def baseline_of(report: Report) -> Any:
    return parse(json.loads(render_json(report)), "baseline.json")


def a101(report: Report) -> list[str]:
    return [f.fingerprint for f in report.findings() if f.code == "A101"]


# --------------------------------------------------------------------------- fingerprints


def test_moving_an_image_is_not_new(tmp_path: Path) -> None:
    page = write(tmp_path / "post.html", PARA, BAD_IMG, GOOD_IMG)
    before = audit(page)
    write(page, GOOD_IMG, PARA, PARA, "\n\n<p>A new paragraph above.</p>\n", BAD_IMG)
    after = audit(page)
    (old,) = [f for f in before.findings() if f.code == "A101"]
    (new,) = [f for f in after.findings() if f.code == "A101"]
    assert old.location.line != new.location.line
    assert old.location.selector != new.location.selector, "nth-of-type shifted"
    assert old.fingerprint == new.fingerprint
    comparison = compare(after, baseline_of(before))
    assert comparison.new_findings == () and comparison.fixed_findings == ()
    assert not comparison.regressed


def test_second_identical_problem_is_new(tmp_path: Path) -> None:
    page = write(tmp_path / "post.html", PARA, BAD_IMG)
    before = audit(page)
    write(page, PARA, BAD_IMG, PARA, BAD_IMG)
    after = audit(page)
    assert len(set(a101(after))) == 2, "identical problems get distinct fingerprints"
    assert a101(before)[0] in a101(after)
    comparison = compare(after, baseline_of(before))
    (rule,) = comparison.rules
    assert (rule.code, rule.baseline, rule.now, len(rule.new), rule.fixed) == ("A101", 1, 2, 1, ())
    assert comparison.regressed


def test_fixing_a_finding_is_good_news(tmp_path: Path) -> None:
    page = write(tmp_path / "post.html", PARA, GOOD_IMG, BAD_IMG, BAD_IMG.replace("lamp", "sofa"))
    before = audit(page)
    write(page, PARA, GOOD_IMG, BAD_IMG)
    after = audit(page)
    comparison = compare(after, baseline_of(before))
    assert comparison.new_findings == ()
    (fixed,) = comparison.fixed_findings
    assert fixed.code == "A101" and fixed.selector is not None
    assert not comparison.regressed
    assert comparison.score_gains, "1 of 3 images fine -> 1 of 2"
    assert comparison.score_gains == comparison.scores


# --------------------------------------------------------------------------- scores and pages


def page_result(url: str, score: int | None, alt: int | None = None) -> PageResult:
    cats = {Category.METADATA: 100, Category.ALT_TEXT: alt}
    return PageResult(url, url, 200, score, cats, ())


@pytest.mark.parametrize(
    ("tolerance", "regressions"), [(0, {"score", "alt_text"}), (5, {"alt_text"}), (10, set())]
)
def test_score_drop_within_and_beyond_tolerance(tolerance: int, regressions: set[str]) -> None:
    before = build_report([page_result("https://a.test/p", 90, alt=100)])
    after = build_report([page_result("https://a.test/p", 85, alt=90)])
    comparison = compare(after, from_report(before), tolerance=tolerance)
    assert {s.score for s in comparison.score_drops} == regressions
    assert {s.score for s in comparison.scores} == {"score", "alt_text"}
    assert {s.score for s in comparison.tolerated_drops} == {"score", "alt_text"} - regressions
    assert comparison.regressed is bool(regressions)


def test_score_gain_and_not_applicable_are_not_drops() -> None:
    before = build_report([page_result("https://a.test/p", 70, alt=50)])
    after = build_report([page_result("https://a.test/p", 95, alt=None)])
    comparison = compare(after, from_report(before))
    (gain,) = comparison.score_gains
    assert (gain.score, gain.baseline, gain.now, gain.delta) == ("score", 70, 95, 25)
    assert comparison.score_drops == ()


def test_new_and_removed_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    write(site / "kept.html", PARA)
    write(site / "gone.html", PARA, BAD_IMG)
    before = audit(site)
    (site / "gone.html").unlink()
    write(site / "fresh.html", PARA, BAD_IMG)
    after = audit(site)
    comparison = compare(after, baseline_of(before))
    prefix = site.as_posix()
    assert comparison.new_pages == (f"{prefix}/fresh.html",)
    assert comparison.removed_pages == (f"{prefix}/gone.html",)
    assert [(f.url, f.code) for f in comparison.new_findings] == [(f"{prefix}/fresh.html", "A101")]
    assert comparison.fixed_findings == (), "a page gone is listed, its findings are not 'fixed'"


def test_page_unreachable_now_is_unmeasured_not_fixed(tmp_path: Path) -> None:
    page = write(tmp_path / "post.html", PARA, BAD_IMG)
    before = audit(page)
    page.write_bytes(b"x" * 2000)  # still read, but make it unauditable: too large
    after = audit_targets(expand([str(page)]), Config(select=("A", "M"), max_bytes=1024))
    comparison = compare(after, baseline_of(before))
    assert comparison.unmeasured_pages == (page.as_posix(),)
    assert comparison.fixed_findings == ()
    assert [f.code for f in comparison.new_findings] == ["X004"]


def test_comparison_json_is_deterministic_and_valid(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    write(site / "a.html", PARA, BAD_IMG)
    write(site / "b.html", PARA)
    before = audit(site)
    write(site / "b.html", PARA, BAD_IMG, BAD_IMG)
    after = audit(site)
    comparison = compare(after, baseline_of(before))
    data = report_dict(after, comparison)
    assert list(data) == ["schema", "tool", "pages", "site_findings", "summary", "comparison"]
    schema = json.loads((files("postaudit") / "schema" / "report.schema.json").read_text())
    jsonschema.validate(data, schema)
    again = compare(after, baseline_of(before))
    assert render_json(after, comparison=comparison) == render_json(after, comparison=again)
    assert data["comparison"]["rules"] == [
        {
            "url": f"{site.as_posix()}/b.html",
            "code": "A101",
            "name": "img-alt-missing",
            "baseline": 0,
            "now": 2,
        }
    ]


# --------------------------------------------------------------------------- loading


def test_load_round_trip(tmp_path: Path) -> None:
    report = audit(write(tmp_path / "p.html", PARA, BAD_IMG))
    path = tmp_path / "b.json"
    path.write_text(render_json(report), encoding="utf-8")
    loaded = load(path)
    assert loaded.source == str(path)
    (known,) = loaded.pages.values()
    assert [f.fingerprint for f in known.findings] == [f.fingerprint for f in report.findings()]
    assert known.score == report.pages[0].score
    assert isinstance(compare(report, loaded), Comparison)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist (create it with --update-baseline)"),
        ("{not json", "is not valid JSON (line 1, column 2"),
        ('{"version": "2.1.0", "runs": []}', "is not a postaudit JSON report"),
        ("[1, 2]", "is not a postaudit JSON report"),
        ('{"schema": 1, "tool": {"name": "lighthouse"}, "pages": []}', "written by 'lighthouse'"),
        ('{"schema": 99, "pages": []}', "has report schema 99; this postaudit reads schema 1"),
        ('{"schema": 1, "pages": {}}', "'pages' must be a list"),
        ('{"schema": 1, "pages": [{"url": "x"}]}', "pages[0]: missing 'error'"),
        (
            '{"schema": 1, "pages": [{"url": "x", "score": 101, "error": null, "categories": {}, "findings": []}]}',
            "pages[0].score must be a score from 0 to 100",
        ),
        (
            '{"schema": 1, "pages": [{"url": "x", "score": 1, "error": null, "categories": {}, "findings": [{"code": "A101"}]}]}',
            "pages[0].findings[0]: missing 'name'",
        ),
    ],
)
def test_load_rejects_with_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as info:
        load(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- CLI


def cli_run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--select", "A,M", *args], catch_exceptions=False)


def test_cli_baseline_errors_exit_2(tmp_path: Path) -> None:
    page = str(write(tmp_path / "p.html", PARA))
    missing = CliRunner().invoke(cli, ["audit", page, "--baseline", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    (tmp_path / "bad.json").write_text("garbage", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["audit", page, "--baseline", str(tmp_path / "bad.json")])
    assert bad.exit_code == 2 and "is not valid JSON" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    update = CliRunner().invoke(cli, ["audit", page, "--update-baseline"])
    assert update.exit_code == 2 and "--update-baseline needs --baseline" in update.stderr


def test_update_baseline_writes_and_ratchets(tmp_path: Path) -> None:
    page = write(tmp_path / "p.html", PARA, BAD_IMG)
    base = tmp_path / "baseline.json"
    first = cli_run(str(page), "--baseline", str(base), "--update-baseline")
    assert first.exit_code == 0, first.output
    assert "baseline written to" in first.stderr
    saved = json.loads(base.read_text())
    assert "comparison" not in saved, "a baseline is a plain report"
    assert [f["code"] for f in saved["pages"][0]["findings"]] == ["A101"]
    # the known error no longer fails the gate
    assert cli_run(str(page), "--baseline", str(base)).exit_code == 0
    # a regression fails...
    write(page, PARA, BAD_IMG, BAD_IMG.replace("lamp", "sofa"))
    regressed = cli_run(str(page), "--baseline", str(base), "--format", "json")
    assert regressed.exit_code == 1
    assert len(json.loads(regressed.stdout)["comparison"]["new_findings"]) == 1
    # ...until it is accepted with --update-baseline, which shows what it accepts
    accepted = cli_run(str(page), "--baseline", str(base), "--update-baseline")
    assert accepted.exit_code == 0
    assert "▲ new" in accepted.stdout and "A101" in accepted.stdout
    assert len(json.loads(base.read_text())["pages"][0]["findings"]) == 2
    assert cli_run(str(page), "--baseline", str(base)).exit_code == 0
    # a fix is good news, and the next update locks it in
    write(page, PARA)
    fixed = cli_run(str(page), "--baseline", str(base))
    assert fixed.exit_code == 0 and "✔ fixed" in fixed.stdout
    cli_run(str(page), "--baseline", str(base), "--update-baseline")
    write(page, PARA, BAD_IMG)
    assert cli_run(str(page), "--baseline", str(base)).exit_code == 1, "the fix is locked in"


def test_update_baseline_replaces_an_unusable_file(tmp_path: Path) -> None:
    page = write(tmp_path / "p.html", PARA)
    base = tmp_path / "baseline.json"
    base.write_text("{}", encoding="utf-8")
    result = cli_run(str(page), "--baseline", str(base), "--update-baseline")
    assert result.exit_code == 0
    assert "replacing an unusable baseline" in result.stderr
    assert json.loads(base.read_text())["schema"] == 1
