"""The whole CI story, as a pull request would live it.

A small built site is audited and its report saved as the baseline (with one known
problem accepted). An unrelated edit moves that problem down the page: still green.
Then a pull request breaks one page: the run exits 1 and names the regression in
every format CI reads. The fix brings the run back to 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="{description}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://calm.example/{slug}">
</head>
<body>
<main><article>
<h1>{title}</h1>
{body}
</article></main>
</body>
</html>
"""

INTRO = "<p>An evening routine does not need to be elaborate to help a busy mind wind down.</p>\n"
LAMP = '<img src="/img/lamp.jpg" alt="a reading lamp glowing beside a stack of paperbacks">\n'
KNOWN = '<img src="/img/IMG_2041.jpg">\n'  # a known problem the baseline accepts
NEW = '<img src="/img/phone-glow.jpg">\n'


def write_site(root: Path, *, tea_body: str = INTRO + LAMP) -> None:
    pages = {
        "index.html": ("Notes on calmer evenings for anxious minds", INTRO),
        "blog/tea.html": ("Why a cup of chamomile tea helps you slow down", tea_body),
        "blog/lamps.html": ("Soft light at night and what it does for sleep", INTRO + KNOWN),
    }
    for rel, (title, body) in pages.items():
        path = root / "public" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            PAGE.format(
                title=title,
                slug=rel.removesuffix(".html"),
                description="Small, practical evening habits that help an anxious mind settle before bed, and why they work.",
                body=body,
            ),
            encoding="utf-8",
        )


def postaudit(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    clean.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "postaudit", "audit", "public", "--select", "A,H,M", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_site(tmp_path)
    return tmp_path


def test_baseline_regression_fix(repo: Path) -> None:
    baseline = ".postaudit-baseline.json"
    gate = ("--baseline", baseline)

    # 1. main branch: the known problem fails the plain gate, so the team saves a baseline
    assert postaudit(repo).returncode == 1
    first = postaudit(repo, *gate, "--update-baseline")
    assert first.returncode == 0, first.stdout + first.stderr
    saved = json.loads((repo / baseline).read_text())
    assert [f["code"] for p in saved["pages"] for f in p["findings"]] == ["A101"]

    # 2. an unrelated edit moves the known problem down the page: not a regression
    lamps = repo / "public" / "blog" / "lamps.html"
    lamps.write_text(
        lamps.read_text().replace(INTRO, INTRO * 3 + "<h2>More</h2>\n"), encoding="utf-8"
    )
    moved = postaudit(repo, *gate, "--no-color")
    assert moved.returncode == 0, moved.stdout
    assert "No changes against the baseline" in moved.stdout

    # 3. a pull request breaks the tea post: exit 1, the regression named everywhere
    write_site(repo, tea_body=INTRO + LAMP + NEW)
    lamps.write_text(
        lamps.read_text().replace(INTRO, INTRO * 3 + "<h2>More</h2>\n"), encoding="utf-8"
    )
    summary = repo / "summary.md"
    pr = postaudit(
        repo,
        *gate,
        "--format",
        "text",
        "--format",
        "sarif=results.sarif",
        "--format",
        "junit=junit.xml",
        "--format",
        "github=annotations.txt",
        "--no-color",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert pr.returncode == 1, pr.stdout + pr.stderr
    text = pr.stdout
    assert "1 new finding" in text
    row = next(line for line in text.splitlines() if "▲ new" in line)
    assert "A101 img-alt-missing" in row and "public/blog/tea.html" in row
    assert row.split()[-2:] == ["0", "1"], "baseline 0, now 1"
    assert "✖ Gate failed" in text
    assert "1 new finding at or above error (--fail-on error): 1 × A101 img-alt-missing" in text

    sarif = json.loads((repo / "results.sarif").read_text())
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    new = [r for r in sarif["runs"][0]["results"] if r["baselineState"] == "new"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in new
    ] == [("A101", "public/blog/tea.html")]
    annotations = (repo / "annotations.txt").read_text().splitlines()
    assert annotations[0].startswith(
        "::error file=public/blog/tea.html,line=15,title=A101 img-alt-missing::"
    )
    assert annotations[1].startswith("::error title=postaudit gate::1 new finding")
    assert annotations[2].startswith(
        "::error title=postaudit gate::2 scores dropped by more than 0 points against the baseline: "
        "public/blog/tea.html score "
    ), "the page score and its alt_text score"
    assert "public/blog/tea.html alt_text score " in annotations[2]
    assert len(annotations) == 3, "the accepted problem is not annotated"
    assert "public/blog/tea.html" in (repo / "junit.xml").read_text()
    assert summary.read_text().startswith("## ❌ postaudit: failed"), (
        "github format writes the job summary"
    )

    as_json = postaudit(repo, *gate, "--format", "json")
    comparison = json.loads(as_json.stdout)["comparison"]
    assert comparison["rules"] == [
        {
            "url": "public/blog/tea.html",
            "code": "A101",
            "name": "img-alt-missing",
            "baseline": 0,
            "now": 1,
        }
    ]
    assert comparison["removed_pages"] == [] and comparison["new_pages"] == []

    # 4. the fix: back to green
    write_site(repo)
    fixed = postaudit(repo, *gate, "--no-color")
    assert fixed.returncode == 0, fixed.stdout
    assert "✔ Gate passed" in fixed.stdout


def test_new_page_is_judged_as_new_and_a_removed_page_is_listed(repo: Path) -> None:
    baseline = "baseline.json"
    assert postaudit(repo, "--baseline", baseline, "--update-baseline").returncode == 0
    (repo / "public" / "index.html").unlink()
    fresh = repo / "public" / "blog" / "fresh.html"
    fresh.write_text((repo / "public" / "blog" / "lamps.html").read_text(), encoding="utf-8")
    result = postaudit(repo, "--baseline", baseline, "--format", "json")
    assert result.returncode == 1, "the fresh page's problem is new"
    comparison = json.loads(result.stdout)["comparison"]
    assert comparison["new_pages"] == ["public/blog/fresh.html"]
    assert comparison["removed_pages"] == ["public/index.html"]
    assert [(f["url"], f["code"]) for f in comparison["new_findings"]] == [
        ("public/blog/fresh.html", "A101")
    ]
    fresh.unlink()
    assert postaudit(repo, "--baseline", baseline).returncode == 0, "a page gone does not fail"
