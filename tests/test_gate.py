"""The CI gate: each gate alone (pure `decide`), then the exit codes through the CLI."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from postaudit import rules as registry
from postaudit.cli import cli
from postaudit.config import Config
from postaudit.judge.baseline import compare, from_report
from postaudit.judge.gate import EXIT_GATE, EXIT_OK, decide
from postaudit.model import Category, Finding, Location, PageResult, Report, Severity
from postaudit.run.runner import build_report

URL = "https://example.com/blog/post"


def finding(
    code: str,
    *,
    url: str = URL,
    severity: Severity | None = None,
    key: str = "",
    selector: str = "body > img",
    line: int | None = 3,
    message: str = "something is wrong",
) -> Finding:
    r = registry.BY_CODE[code]
    return Finding(
        url=url,
        code=code,
        name=r.name,
        category=r.category,
        severity=severity or r.severity,
        message=message,
        location=Location(selector, line, None),
        fix=r.fix,
        key=key,
    )


def page(
    url: str = URL,
    findings: Sequence[Finding] = (),
    *,
    score: int | None = 80,
    categories: Mapping[Category, int | None] | None = None,
    error: str | None = None,
) -> PageResult:
    return PageResult(
        url=url,
        final_url=url,
        status=200 if error is None else None,
        score=None if error else score,
        categories=dict(categories or {}) if error is None else {},
        findings=tuple(findings),
        error=error,
    )


def unreachable(url: str = "https://example.com/gone") -> PageResult:
    x = registry.BY_CODE["X002"]
    f = Finding(url, x.code, x.name, x.category, x.severity, "HTTP 404", Location(), x.fix, x.code)
    return page(url, [f], error="HTTP 404 Not Found")


def report(*pages: PageResult) -> Report:
    return build_report(pages)


# --------------------------------------------------------------------------- --fail-on


@pytest.mark.parametrize(
    ("severity", "fail_on", "code"),
    [
        (Severity.ERROR, "error", EXIT_GATE),
        (Severity.WARNING, "error", EXIT_OK),
        (Severity.WARNING, "warning", EXIT_GATE),
        (Severity.INFO, "warning", EXIT_OK),
        (Severity.INFO, "info", EXIT_GATE),
        (Severity.ERROR, "never", EXIT_OK),
    ],
)
def test_fail_on(severity: Severity, fail_on: str, code: int) -> None:
    f = finding("M602", severity=severity)
    result = decide(report(page(findings=[f])), Config(fail_on=fail_on))
    assert result.exit_code == code
    assert result.passed is (code == EXIT_OK)
    if code == EXIT_GATE:
        assert result.blocking == {f.fingerprint}
        assert result.reasons == (
            f"1 finding at or above {fail_on} (--fail-on {fail_on}): 1 × M602 title-length",
        )
    else:
        assert result.reasons == () and result.blocking == frozenset()


def test_clean_report_passes() -> None:
    assert decide(report(page()), Config()).exit_code == EXIT_OK


# --------------------------------------------------------------------------- unreachable


def test_unreachable_page_fails_even_with_fail_on_never() -> None:
    r = report(page(), unreachable())
    result = decide(r, Config(fail_on="never"))
    assert result.exit_code == EXIT_GATE
    assert result.unreachable == ("https://example.com/gone",)
    assert result.reasons == (
        "1 page could not be audited: https://example.com/gone (HTTP 404 Not Found) "
        "(--allow-unreachable lets the run pass)",
    )
    assert result.blocking == frozenset(), "the X finding is the unreachable reason, not twice"


def test_allow_unreachable_ignores_x_findings_for_fail_on_too() -> None:
    r = report(page(), unreachable())
    for fail_on in ("error", "warning", "info"):
        result = decide(r, Config(allow_unreachable=True, fail_on=fail_on))
        assert result.exit_code == EXIT_OK, fail_on
        assert result.unreachable == ()
    # other findings still count
    bad = report(page(findings=[finding("M606")]), unreachable())
    assert decide(bad, Config(allow_unreachable=True)).exit_code == EXIT_GATE


# --------------------------------------------------------------------------- --fail-under


def test_fail_under_page_score() -> None:
    r = report(page("https://a.test/1", score=79), page("https://a.test/2", score=80))
    result = decide(r, Config(fail_under={"score": 80}))
    assert result.exit_code == EXIT_GATE
    assert result.failing_scores == {("https://a.test/1", "score")}
    assert result.reasons == (
        "1 page with a score under 80 (--fail-under 80): https://a.test/1 (79)",
    )
    assert decide(r, Config(fail_under={"score": 79})).exit_code == EXIT_OK, "equal passes"


def test_fail_under_category_and_not_applicable() -> None:
    scored = page(categories={Category.ALT_TEXT: 85, Category.METADATA: 100})
    no_images = page("https://a.test/text-only", categories={Category.ALT_TEXT: None})
    r = report(scored, no_images)
    result = decide(r, Config(fail_under={"alt_text": 90}))
    assert result.exit_code == EXIT_GATE
    assert result.failing_scores == {(URL, "alt_text")}, "n/a never fails"
    assert "alt_text score under 90 (--fail-under alt_text=90)" in result.reasons[0]
    assert decide(r, Config(fail_under={"alt_text": 85, "metadata": 100})).passed


def test_many_pages_are_named_up_to_five() -> None:
    pages = [page(f"https://a.test/{i}", score=10) for i in range(8)]
    (reason,) = decide(report(*pages), Config(fail_under={"score": 50})).reasons
    assert reason.startswith("8 pages with a score under 50")
    assert reason.endswith("https://a.test/4 (10) and 3 more")


def test_unreachable_page_has_no_score_to_fail() -> None:
    result = decide(report(unreachable()), Config(fail_under={"score": 90}, allow_unreachable=True))
    assert result.passed


# --------------------------------------------------------------------------- baseline


def test_with_a_baseline_only_new_findings_fail() -> None:
    old = finding("M606", key="html")
    before = report(page(findings=[old]))
    baseline = from_report(before)
    assert decide(before, Config(), compare(before, baseline)).passed, "known error is accepted"
    new = finding("M610", key="robots")
    after = report(page(findings=[old, new]))
    result = decide(after, Config(), compare(after, baseline))
    assert result.exit_code == EXIT_GATE
    assert result.blocking == {new.fingerprint}
    assert result.reasons == (
        "1 new finding at or above error (--fail-on error): 1 × M610 noindex",
    )
    warned = report(page(findings=[old, finding("M602", key="title")]))
    assert decide(warned, Config(), compare(warned, baseline)).passed, "new warning < error"
    assert not decide(warned, Config(fail_on="warning"), compare(warned, baseline)).passed


@pytest.mark.parametrize(("now", "tolerance", "passed"), [(78, 2, True), (77, 2, False)])
def test_score_drop_against_tolerance(now: int, tolerance: int, passed: bool) -> None:
    baseline = from_report(report(page(score=80, categories={Category.METADATA: 90})))
    after = report(page(score=now, categories={Category.METADATA: 90}))
    result = decide(after, Config(), compare(after, baseline, tolerance=tolerance))
    assert result.passed is passed
    if not passed:
        assert result.failing_scores == {(URL, "score")}
        assert result.reasons == (
            f"1 score dropped by more than 2 points against the baseline: {URL} score 80 → 77",
        )


def test_reasons_accumulate() -> None:
    r = report(page(findings=[finding("M606")], score=40), unreachable())
    result = decide(r, Config(fail_under={"score": 50}))
    assert len(result.reasons) == 3
    assert [reason.split(" ")[1] for reason in result.reasons] == ["page", "finding", "page"]


# --------------------------------------------------------------------------- CLI exit codes

GOOD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Evening routines that help an anxious mind settle</title>
<meta name="description" content="Three small evening habits that make it easier for an anxious mind to slow down before sleep.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://example.com/blog/evening">
</head><body><main><article><h1>Evening routines</h1>
<p>Dim the lights an hour before bed and leave the phone charging in the kitchen.</p>
{extra}
</article></main></body></html>
"""


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", *args], catch_exceptions=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "good.html").write_text(GOOD.format(extra=""), encoding="utf-8")
    (tmp_path / "imgs.html").write_text(
        GOOD.format(
            extra='<img src="a.jpg" alt="a lamp glowing on a side table"><img src="b.jpg">'
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_cli_fail_under(site: Path) -> None:
    good = str(site / "good.html")
    assert run_cli(good, "--select", "M,A", "--fail-under", "100").exit_code == 0
    imgs = str(site / "imgs.html")
    ok = run_cli(imgs, "--select", "M,A", "--fail-on", "never", "--fail-under", "50")
    assert ok.exit_code == 0, ok.output
    bad = run_cli(imgs, "--select", "M,A", "--fail-on", "never", "--fail-under", "alt_text=90")
    assert bad.exit_code == 1
    assert "alt_text score under 90 (--fail-under alt_text=90)" in bad.stdout
    assert "Gate failed" in bad.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("loud", "expected SCORE or CATEGORY=SCORE"),
        ("colour=90", "unknown score 'colour'"),
        ("alt_text=120", "must be a whole score from 0 to 100"),
    ],
)
def test_cli_fail_under_usage_errors(site: Path, value: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["audit", str(site / "good.html"), "--fail-under", value])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_file_gate_keys(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site)
    (site / "postaudit.toml").write_text(
        'select = ["M", "A"]\nfail-on = "never"\nfail-under = { alt_text = 90 }\n'
    )
    assert run_cli("imgs.html").exit_code == 1
    assert run_cli("imgs.html", "--fail-under", "alt_text=10").exit_code == 0, "flags win"
    (site / "postaudit.toml").write_text(
        "fail-under = 80\ntolerance = 3\nallow-unreachable = true\n"
    )
    assert run_cli("good.html", "--select", "M").exit_code == 0
    (site / "postaudit.toml").write_text('fail-under = "high"\n')
    result = CliRunner().invoke(cli, ["audit", "good.html"])
    assert result.exit_code == 2 and "'fail-under' must be a score" in result.stderr


def test_cli_unreachable_and_allow_unreachable(httpserver: HTTPServer, site: Path) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    gone = httpserver.url_for("/gone")
    good = str(site / "good.html")
    result = run_cli(good, gone, "--select", "M", "--format", "json")
    assert result.exit_code == 1
    assert "could not be audited" in result.stderr, "reasons go to stderr with a machine format"
    assert json.loads(result.stdout)["summary"]["failed"] == 1
    allowed = run_cli(good, gone, "--select", "M", "--allow-unreachable", "--fail-on", "info")
    assert allowed.exit_code == 0, allowed.output
    assert "Gate passed" in allowed.stdout
