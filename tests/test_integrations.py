"""The ready-made integrations: the GitHub Action's audit script, run the way a runner
runs it (`bash -e`, inputs as environment variables, outputs to $GITHUB_OUTPUT), and
the pre-commit hook's entry."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Evening habits that help an anxious mind settle</title>
<meta name="description" content="Three small evening habits that help an anxious mind slow down before sleep, and why they work.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://calm.example/post"></head>
<body><main><article><h1>Evening habits</h1>
<p>Dim the lights an hour before bed and leave the phone charging in the kitchen.</p>
{img}</article></main></body></html>
"""


def audit_script() -> str:
    """The `run:` block of the action's Audit step, dedented."""
    lines = (ROOT / "action.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "id: audit")
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    body = []
    for line in lines[run + 1 :]:
        if line and not line.startswith(" " * 8):
            break
        body.append(line[8:])
    return "\n".join(body) + "\n"


def run_action(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str]]:
    script = tmp_path / "audit.sh"
    script.write_text(audit_script(), encoding="utf-8")
    outputs = tmp_path / "github_output"
    outputs.write_text("", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(tmp_path),
        "INPUT_TARGET": "public",
        "INPUT_BASELINE": "",
        "INPUT_FAIL_UNDER": "",
        "INPUT_FAIL_ON": "error",
        "INPUT_FORMAT": "text sarif=postaudit.sarif",
        "INPUT_ARGS": "--select A,M",
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pairs = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if line)
    return proc.returncode, pairs


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "post.html").write_text(
        PAGE.format(img='<img src="/a.jpg">'), encoding="utf-8"
    )
    return tmp_path


def test_action_fails_the_step_and_still_sets_outputs(site: Path) -> None:
    code, outputs = run_action(site)
    assert code == 1
    assert outputs["exit-code"] == "1"
    assert outputs["sarif"] == "postaudit.sarif"
    assert json.loads((site / "postaudit.sarif").read_text())["version"] == "2.1.0"
    report = json.loads(Path(outputs["report"]).read_text())
    assert outputs["score"] == str(report["summary"]["score"])


def test_action_with_baseline_and_fail_under(site: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "postaudit",
            "audit",
            "public",
            "--select",
            "A,M",
            "--baseline",
            "base.json",
            "--update-baseline",
        ],
        cwd=site,
        check=True,
        capture_output=True,
        timeout=120,
    )
    code, outputs = run_action(site, baseline="base.json", format="github")
    assert (code, outputs["exit-code"], outputs["sarif"]) == (0, "0", "")
    code, outputs = run_action(site, baseline="base.json", fail_under="metadata=100 99")
    assert code == 1, "the page score is under 99"
    code, outputs = run_action(site, fail_under="alt_text=1000")
    assert (code, outputs["exit-code"]) == (2, "2"), "a usage error is exit 2"


def test_pre_commit_hook() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r"^- id: postaudit$", text, re.M)
    assert re.search(r"^  entry: postaudit audit$", text, re.M)
    assert re.search(r"^  language: python$", text, re.M)
    pattern = re.search(r"^  files: (.+)$", text, re.M)
    assert pattern is not None
    files = re.compile(pattern.group(1))
    assert files.search("public/blog/post.html") and files.search("old/page.htm")
    assert not files.search("notes.md") and not files.search("page.html.bak")


def test_docs_document_the_integrations() -> None:
    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "github/codeql-action/upload-sarif" in ci
    assert ".pre-commit-hooks.yaml" in ci or "id: postaudit" in ci
    for name in ("target", "baseline", "fail-under", "format"):
        assert f"{name}:" in ci, name
