"""The CI formats: SARIF against the official schema, JUnit through the standard
library's XML parser, GitHub workflow commands line by line (with GitHub's escaping),
Markdown rendered with markdown-it-py; and the --format plumbing (several formats in
one run, auto, the GitHub job summary)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from oracles import sarif_log
from postaudit import rules as registry
from postaudit.cli import cli
from postaudit.config import Config
from postaudit.judge.baseline import compare, from_report
from postaudit.judge.gate import decide
from postaudit.model import Category, Finding, Location, PageResult, Report, Severity
from postaudit.report.dispatch import Output, OutputError, plan
from postaudit.report.github import escape_data, escape_property, render_github
from postaudit.report.junit import render_junit
from postaudit.report.markdown import escape, render_markdown
from postaudit.report.sarif import render_sarif
from postaudit.run.runner import build_report

DATA = Path(__file__).parent / "data"
EVIL = "50% off\r\nline two: a, b <script>alert(1)</script> | **bold** _em_ [x](javascript:y) `c` @octocat \x1b[31mred\x1b[0m \x00 ]]> &amp;"
URL = "https://example.com/blog/post"
FILE = "public/blog/my post.html"


def finding(
    code: str,
    url: str,
    *,
    message: str = "something is wrong",
    selector: str | None = "body > img",
    line: int | None = 12,
    key: str = "",
    severity: Severity | None = None,
) -> Finding:
    r = registry.BY_CODE[code]
    return Finding(
        url,
        code,
        r.name,
        r.category,
        severity or r.severity,
        message,
        Location(selector, line, "<img>"),
        r.fix,
        key,
    )


def page(url: str, findings: list[Finding], **cats: int | None) -> PageResult:
    categories = {Category(k): v for k, v in cats.items()}
    return PageResult(url, None if url == FILE else url, 200, 70, categories, tuple(findings))


def unreachable(url: str) -> PageResult:
    x = registry.BY_CODE["X001"]
    f = Finding(
        url, "X001", x.name, x.category, x.severity, "connection refused", Location(), x.fix, "X001"
    )
    return PageResult(url, url, None, None, {}, (f,), error="connection refused")


@pytest.fixture
def report() -> Report:
    file_findings = [
        finding("A101", FILE, key="/img/lamp.jpg", line=12),
        finding("M602", FILE, message=EVIL, selector="head > title", line=4, key="title"),
    ]
    url_findings = [finding("A104", URL, message="alt text is 214 characters; keep it under 125")]
    return build_report(
        [
            page(FILE, file_findings, alt_text=50, metadata=90, keywords=None),
            page(URL, url_findings, alt_text=80),
            unreachable("https://example.com/down"),
        ]
    )


# --------------------------------------------------------------------------- SARIF


def sarif_schema() -> dict[str, Any]:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_official_schema(report: Report) -> None:
    schema = sarif_schema()
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    log = json.loads(render_sarif(report))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0].message
    with_baseline = sarif_log(report, comparison=compare(report, from_report(report)))
    assert not list(validator.iter_errors(with_baseline))


def test_sarif_rule_catalogue(report: Report) -> None:
    driver = sarif_log(report)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "postaudit"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in registry.ALL_RULES]
    m602 = next(r for r in rules if r["id"] == "M602")
    assert m602["name"] == "title-length"
    assert m602["shortDescription"]["text"] == registry.BY_CODE["M602"].title
    assert "Fails:" in m602["help"]["text"] and "Fix:" in m602["help"]["text"]
    assert m602["fullDescription"]["text"] and "\n" not in m602["fullDescription"]["text"]
    assert m602["helpUri"].startswith("https://") and m602["helpUri"].endswith("/rules/M602.md")
    assert m602["defaultConfiguration"] == {"level": "warning"}
    assert next(r for r in rules if r["id"] == "A106")["defaultConfiguration"]["level"] == "note"


def test_sarif_results_and_locations(report: Report) -> None:
    run = sarif_log(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(list(report.findings()))
    by_rule = {r["ruleId"]: r for r in results}
    a101 = by_rule["A101"]
    assert rules[a101["ruleIndex"]]["id"] == "A101"
    assert a101["level"] == "error"
    (loc,) = a101["locations"]
    assert loc["physicalLocation"] == {
        "artifactLocation": {"uri": "public/blog/my%20post.html", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12},
    }
    assert loc["logicalLocations"] == [{"name": "body > img", "kind": "element"}]
    assert a101["properties"]["selector"] == "body > img"
    fingerprint = next(f for f in report.findings() if f.code == "A101").fingerprint
    assert a101["partialFingerprints"] == {"postaudit/v1": fingerprint}
    a104 = by_rule["A104"]
    assert a104["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": URL}
    assert a104["level"] == "warning"
    assert by_rule["X001"]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "https://example.com/down"
    }
    m602 = by_rule["M602"]["message"]["text"]
    assert "\x1b" not in m602 and "\x00" not in m602 and "50% off" in m602
    assert "baselineState" not in a101


def test_sarif_baseline_state(report: Report) -> None:
    before = build_report([p for p in report.pages if p.url != URL])
    comparison = compare(report, from_report(before))
    states = {
        r["ruleId"]: r["baselineState"]
        for r in sarif_log(report, comparison=comparison)["runs"][0]["results"]
    }
    assert states == {"A101": "unchanged", "M602": "unchanged", "A104": "new", "X001": "unchanged"}


def test_sarif_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inside = (tmp_path / "site" / "a.html").as_posix()
    outside = "/elsewhere/b.html"
    r = build_report(
        [page(inside, [finding("A101", inside)]), page(outside, [finding("A101", outside)])]
    )
    uris = [
        res["locations"][0]["physicalLocation"]["artifactLocation"]
        for res in sarif_log(r)["runs"][0]["results"]
    ]
    assert {"uri": "site/a.html", "uriBaseId": "%SRCROOT%"} in uris
    assert {"uri": "file:///elsewhere/b.html"} in uris


# --------------------------------------------------------------------------- JUnit


def test_junit_parses_and_counts(report: Report) -> None:
    text = render_junit(report, gate=decide(report, Config()))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted([FILE, URL, "https://example.com/down"])
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "-1")) == sum(int(s.get(key, "0")) for s in suites)
    for s in suites:
        cases = s.findall("testcase")
        assert int(s.get("tests", "0")) == len(cases)
        assert int(s.get("failures", "0")) == len(s.findall("testcase/failure"))
        assert int(s.get("skipped", "0")) == len(s.findall("testcase/skipped"))
        assert int(s.get("errors", "0")) == len(s.findall("testcase/error"))

    file_suite = next(s for s in suites if s.get("name") == FILE)
    cases = {c.get("name"): c for c in file_suite.findall("testcase")}
    assert list(cases) == [
        "score",
        "alt_text",
        "headings",
        "keywords",
        "readability",
        "links",
        "metadata",
        "appearance",
    ]
    assert all(c.get("classname") == FILE for c in cases.values())
    failure = cases["alt_text"].find("failure")
    assert failure is not None and failure.get("type") == "alt_text"
    assert failure.get("message") == "1 finding fails the gate"
    assert "A101 img-alt-missing [error]" in (failure.text or "")
    assert "at body > img (line 12)" in (failure.text or "")
    assert cases["keywords"].find("skipped") is not None
    metadata = cases["metadata"]
    assert metadata.find("failure") is None, "a warning does not fail the default gate"
    out = metadata.findtext("system-out") or ""
    assert out.startswith("metadata score 90") and "M602 title-length [warning]" in out
    assert "<script>alert(1)</script>" in out, "escaped by the writer, text again once parsed"
    assert "\x1b" not in out and "\x00" not in out

    down = next(s for s in suites if s.get("name") == "https://example.com/down")
    (case,) = down.findall("testcase")
    error = case.find("error")
    assert case.get("name") == "fetch" and error is not None
    assert error.get("message") == "connection refused"


def test_junit_follows_the_gate(report: Report) -> None:
    lenient = decide(
        report, Config(fail_on="warning", allow_unreachable=True, fail_under={"alt_text": 60})
    )
    root = ET.fromstring(render_junit(report, gate=lenient))
    down = root.find("testsuite[@name='https://example.com/down']/testcase/skipped")
    assert down is not None and "allowed" in (down.get("message") or "")
    metadata = root.find(f"testsuite[@name='{FILE}']/testcase[@name='metadata']/failure")
    assert metadata is not None, "warnings fail with --fail-on warning"
    alt = root.find(f"testsuite[@name='{FILE}']/testcase[@name='alt_text']/failure")
    assert alt is not None and "alt_text score 50 fails the gate" in (alt.get("message") or "")
    url_alt = root.find(f"testsuite[@name='{URL}']/testcase[@name='alt_text']/failure")
    assert url_alt is not None, "A104 is a warning"
    assert root.get("errors") == "0"


# --------------------------------------------------------------------------- GitHub


def test_github_escaping_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_data("a:b,c") == "a:b,c", "data keeps ':' and ','"
    assert escape_property("100% a:b,c\r\n") == "100%25 a%3Ab%2Cc%0D%0A"
    assert escape_data("%0A") == "%250A", "an escape in the input is not taken as one"


def test_github_commands_line_by_line(report: Report) -> None:
    out = render_github(report, gate=decide(report, Config()))
    lines = out.split("\n")
    assert lines[-1] == "" and all(line.startswith("::") for line in lines[:-1])
    assert "\r" not in out
    a104, x001, a101, m602, *gate_lines, _ = lines  # pages sorted by URL
    assert a101 == (
        "::error file=public/blog/my post.html,line=12,title=A101 img-alt-missing::"
        "something is wrong%0Aat body > img%0Afix: " + escape_data(registry.BY_CODE["A101"].fix)
    )
    head, _, data = m602.partition("::")[2].partition("::")
    assert head == "warning file=public/blog/my post.html,line=4,title=M602 title-length"
    assert data.startswith("50%25 off%0D%0Aline two: a, b <script>")
    assert "\x1b" not in data and "\x00" not in data and "[31m" not in data
    assert a104.startswith(
        "::warning title=A104 alt-too-long::https://example.com/blog/post: alt text is 214"
    )
    assert "file=" not in a104 and "line=" not in a104
    assert x001.startswith(
        "::error title=X001 page-unreachable::https://example.com/down: connection refused"
    )
    assert gate_lines == [
        "::error title=postaudit gate::1 page could not be audited: https://example.com/down "
        "(connection refused) (--allow-unreachable lets the run pass)",
        "::error title=postaudit gate::1 finding at or above error (--fail-on error): "
        "1 × A101 img-alt-missing",
    ]


def test_github_properties_are_escaped() -> None:
    name = "posts/50%:a,b.html"
    r = build_report([page(name, [finding("A101", name, line=3)])])
    (line,) = render_github(r).splitlines()
    assert line.startswith(
        "::error file=posts/50%25%3Aa%2Cb.html,line=3,title=A101 img-alt-missing::"
    )
    fields = line[2:].partition("::")[0].split(" ", 1)[1].split(",")
    assert fields == ["file=posts/50%25%3Aa%2Cb.html", "line=3", "title=A101 img-alt-missing"]


def test_github_annotates_only_new_findings_against_a_baseline(report: Report) -> None:
    before = build_report([p for p in report.pages if p.url != URL])
    comparison = compare(report, from_report(before))
    out = render_github(report, comparison=comparison)
    assert [line.split("::")[1].split("title=")[1] for line in out.splitlines()] == [
        "A104 alt-too-long"
    ]


# --------------------------------------------------------------------------- Markdown

MD = MarkdownIt("commonmark").enable("table")


def tables(html_tokens: list[Any]) -> list[list[list[str]]]:
    """Tables as rows of cell contents (inline source), from markdown-it tokens."""
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, tok in enumerate(html_tokens):
        if tok.type == "table_open":
            out.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            assert row is not None
            row.append(html_tokens[i + 1].content)
        elif tok.type == "tr_close":
            assert row is not None
            out[-1].append(row)
    return out


def test_markdown_renders_with_inert_page_text(report: Report) -> None:
    gate = decide(report, Config())
    text = render_markdown(report, gate=gate)
    html = MD.render(text)
    assert "<h2>❌ postaudit: failed</h2>" in html
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    assert html.count("<strong>") == 2, "only the score and the 'Why it failed' label"
    assert "@\u200boctocat" in html, "no mention"
    tokens = MD.parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["❌ postaudit: failed", "Scores", "Top findings"]
    scores, findings = tables(tokens)
    assert scores[0] == [
        "Page",
        "Score",
        "Alt text",
        "Headings",
        "Keywords",
        "Readability",
        "Links",
        "Metadata",
        "Appearance",
    ]
    assert all(len(row) == 9 for row in scores), "a '|' in page text does not split cells"
    assert [row[0] for row in scores[1:]] == [
        "https://example.com/down",
        "https://example.com/blog/post",
        FILE,
    ]
    assert scores[3][1:] == ["70", "50", "n/a", "n/a", "n/a", "n/a", "90", "n/a"]
    assert findings[0] == ["Severity", "Rule", "Page", "Message", "Where"]
    assert all(len(row) == 5 for row in findings)
    assert findings[1][1] == "`A101` img-alt-missing", "gate-blocking findings first"
    evil_row = next(row for row in findings if "M602" in row[1])
    rendered = MD.renderInline(evil_row[3])
    assert "&lt;script&gt;" in rendered and "**bold**" in rendered and "\n" not in evil_row[3]


def test_markdown_comparison_and_size(report: Report) -> None:
    before = build_report(
        [
            PageResult(FILE, None, 200, 90, {Category.ALT_TEXT: 90, Category.METADATA: 88}, ()),
            PageResult("https://example.com/old", None, 200, 90, {}, ()),
        ]
    )
    comparison = compare(report, from_report(before, "baseline.json"), tolerance=5)
    text = render_markdown(report, comparison=comparison, gate=decide(report, Config(), comparison))
    tokens = MD.parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "❌ postaudit: failed",
        "Regressions against baseline.json (tolerance 5)",
        "Good news",
        "Scores",
        "New findings",
    ]
    regressions = tables(tokens)[0]
    assert regressions[0] == ["Rule", "Page", "Baseline", "Now"]
    rules = [row[0] for row in regressions[1:]]
    assert any(r.startswith("`A101` img-alt-missing") for r in rules)
    assert ["page score", FILE, "90", "70"] in regressions
    assert ["alt_text score", FILE, "90", "50"] in regressions
    good = tables(tokens)[1]
    assert good[1:] == [["✔ metadata score up", FILE, "88", "90"]]
    assert "Pages gone since the baseline: https://example.com/old" in text
    many = build_report(
        [page(f"https://a.test/{i}", [finding("A101", f"https://a.test/{i}")]) for i in range(40)]
    )
    small = render_markdown(many)
    assert "_…and 15 more pages._" in small and "_…and 30 more findings._" in small
    assert len(small) < 10_000


def test_markdown_escape() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("<b>&") == "&lt;b&gt;&amp;"
    assert escape("*x* _y_ [z] `w`") == "\\*x\\* \\_y\\_ \\[z\\] \\`w\\`"
    assert escape("line\nbreak") == "line break"
    assert escape("x" * 50, limit=10) == "xxxxxxxxx…"


# --------------------------------------------------------------------------- --format plumbing


def test_plan_formats() -> None:
    env: dict[str, str] = {}
    assert plan([], env=env) == [Output("text", None, True)]
    assert plan(["text", "sarif=r.sarif", "junit=j.xml"], env=env) == [
        Output("text", None, True),
        Output("sarif", "r.sarif"),
        Output("junit", "j.xml"),
    ]
    assert plan(["json"], "out.json", env=env) == [Output("json", "out.json")]
    assert plan(["text"], env={"NO_COLOR": "1"}) == [Output("text", None, False)]
    assert plan(["auto"], env={"GITHUB_ACTIONS": "true"}) == [Output("github", None, True)]
    assert plan(["auto"], env={}, no_color=True) == [Output("text", None, False)]


@pytest.mark.parametrize(
    ("specs", "output", "message"),
    [
        (["text", "json"], None, "only one format can go to stdout (got text, json)"),
        (["xml"], None, "unknown format 'xml'"),
        (["sarif="], None, "give a file after '='"),
        (["sarif=a", "junit=a"], None, "two formats would write the same file"),
        (["sarif=a"], "b", "-o/--output needs a --format without '=PATH'"),
    ],
)
def test_plan_errors(specs: list[str], output: str | None, message: str) -> None:
    with pytest.raises(OutputError, match=re.escape(message)):
        plan(specs, output, env={})


HTML = """<!doctype html><html lang="en"><head><title>Evening habits that calm a busy mind</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><article><h1>Evening habits</h1><p>Short text for the format tests.</p>
<img src="a.jpg"></article></body></html>
"""


def test_several_formats_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("post.html").write_text(HTML, encoding="utf-8")
    args = ["audit", "post.html", "--select", "A,M", "--no-color"]
    formats = ["--format", "text", "--format", "sarif=out/r.sarif", "--format", "junit=j.xml"]
    Path("out").mkdir()
    result = CliRunner().invoke(
        cli,
        [
            *args,
            *formats,
            "--format",
            "markdown=s.md",
            "--format",
            "json=r.json",
            "--format",
            "github=g.txt",
        ],
    )
    assert result.exit_code == 1
    assert "A101" in result.stdout and "Gate failed" in result.stdout
    assert json.loads(Path("out/r.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse("j.xml").getroot().get("failures") == "1"
    assert Path("s.md").read_text().startswith("## ❌ postaudit: failed")
    assert json.loads(Path("r.json").read_text())["pages"][0]["url"] == "post.html"
    assert Path("g.txt").read_text().startswith("::error file=post.html,line=4,title=A101")
    clash = CliRunner().invoke(cli, [*args, "--format", "json", "--format", "markdown"])
    assert clash.exit_code == 2 and "only one format can go to stdout" in clash.stderr
    text_file = CliRunner().invoke(cli, [*args, "--format", "text", "-o", "report.txt"])
    assert text_file.stdout == "" and "Gate failed" in Path("report.txt").read_text()


def test_auto_under_github_actions_and_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("post.html").write_text(HTML, encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = CliRunner(env=env).invoke(
        cli, ["audit", "post.html", "--select", "A,M", "--format", "auto"]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("::error file=post.html,line=4,title=A101")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## ❌ postaudit: failed"), "appended, not replaced"
    plain = CliRunner(env={"GITHUB_ACTIONS": ""}).invoke(
        cli, ["audit", "post.html", "--select", "A,M", "--format", "auto"]
    )
    assert "::error" not in plain.stdout and "A101" in plain.stdout and "\x1b[" not in plain.stdout
