"""Config files the way users write them, found the way ruff finds them.

postaudit.toml takes top-level keys or a [tool.postaudit] table (not both); each file or
folder target finds the nearest config from its own folder upward, then the working
directory's; targets that disagree are a usage error; --config skips discovery; flags win
over files. Runs the real CLI on real files in a temporary tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from postaudit.cli import cli

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Why some clients never cry in a therapy session</title>
<meta name="description" content="Tears are one sign of emotional work among many; here is what else progress in counselling can look like.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://example.com/blog/p">
</head>
<body><main><article>
<h1>Why some clients never cry in session</h1>
<p>Plenty of people do their deepest work in counselling without shedding a single tear.</p>
</article></main></body>
</html>
"""

#: select only the title rule and make every real title too long: M602 when this applies
SHORT_TITLES = (
    'select = ["M602"]\nfail-on = "warning"\n[rules.M602]\nmax_width = 10\nmin_width = 1\n'
)
#: the same settings as a [tool.postaudit] table
SHORT_TITLES_TOOL = (
    '[tool.postaudit]\nselect = ["M602"]\nfail-on = "warning"\n'
    "[tool.postaudit.rules.M602]\nmax_width = 10\nmin_width = 1\n"
)
#: selects the title rule only, with its default limits: no finding on PAGE
TITLE_ONLY = 'select = ["M602"]\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--format", "json", *args])


def found(result: Result) -> dict[str, list[str]]:
    report: dict[str, Any] = json.loads(result.stdout)
    return {Path(p["url"]).name: sorted(f["code"] for f in p["findings"]) for p in report["pages"]}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/site/blog/p.html and tmp/other/q.html; the working directory is tmp/work."""
    for rel in ("site/blog/p.html", "other/q.html"):
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(PAGE, encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def test_tool_postaudit_table_in_postaudit_toml(tree: Path) -> None:
    target = str(tree / "site" / "blog" / "p.html")
    (tree / "site" / "postaudit.toml").write_text(SHORT_TITLES_TOOL)
    tool = run(target)
    (tree / "site" / "postaudit.toml").write_text(SHORT_TITLES)
    top = run(target)
    assert found(tool) == found(top) == {"p.html": ["M602"]}
    assert tool.exit_code == top.exit_code == 1, "fail-on = warning read from both spellings"


def test_both_spellings_at_once_is_an_error_naming_the_file(tree: Path) -> None:
    conf = tree / "site" / "postaudit.toml"
    conf.write_text('fail-on = "warning"\n' + SHORT_TITLES_TOOL)
    result = run(str(tree / "site" / "blog" / "p.html"))
    assert result.exit_code == 2
    assert str(conf) in result.stderr and "fail-on" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_other_tool_tables_in_postaudit_toml_are_unknown_keys(tree: Path) -> None:
    (tree / "site" / "postaudit.toml").write_text(SHORT_TITLES_TOOL + "[tool.ruff]\nx = 1\n")
    result = run(str(tree / "site" / "blog" / "p.html"))
    assert result.exit_code == 2 and "unknown key 'tool.ruff'" in result.stderr


def test_discovery_starts_at_the_target_not_the_working_directory(tree: Path) -> None:
    (tree / "site" / "postaudit.toml").write_text(SHORT_TITLES)
    (tree / "work" / "postaudit.toml").write_text(TITLE_ONLY)
    assert found(run(str(tree / "site" / "blog" / "p.html"))) == {"p.html": ["M602"]}
    assert found(run(str(tree / "site" / "blog"))) == {"p.html": ["M602"]}, "folder target"
    # a target with no config above it falls back to the working directory's
    assert found(run(str(tree / "other" / "q.html"))) == {"q.html": []}
    (tree / "work" / "postaudit.toml").unlink()
    # ... and with none there either, the defaults: every rule runs (R308: a short article;
    # S701/S707: no og:image, no twitter:card)
    assert found(run(str(tree / "other" / "q.html"))) == {"q.html": ["R308", "S701", "S707"]}


def test_pyproject_table_is_discovered_from_the_target(tree: Path) -> None:
    (tree / "site" / "pyproject.toml").write_text('[project]\nname = "blog"\n' + SHORT_TITLES_TOOL)
    result = run(str(tree / "site" / "blog" / "p.html"), "-v")
    assert found(result) == {"p.html": ["M602"]}
    assert f"config from {tree / 'site' / 'pyproject.toml'} [tool.postaudit]" in result.stderr


def test_nearest_folder_wins_whole_and_postaudit_toml_beats_pyproject_key_by_key(
    tree: Path,
) -> None:
    (tree / "site" / "pyproject.toml").write_text(SHORT_TITLES_TOOL)
    (tree / "site" / "postaudit.toml").write_text('fail-on = "never"\n')
    result = run(str(tree / "site" / "blog" / "p.html"))
    assert found(result) == {"p.html": ["M602"]} and result.exit_code == 0
    (tree / "site" / "blog" / "postaudit.toml").write_text(TITLE_ONLY)
    assert found(run(str(tree / "site" / "blog" / "p.html"))) == {"p.html": []}


def test_targets_with_different_configs_are_a_usage_error(tree: Path) -> None:
    (tree / "site" / "postaudit.toml").write_text(SHORT_TITLES)
    p, q = str(tree / "site" / "blog" / "p.html"), str(tree / "other" / "q.html")
    result = run(p, q)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert str(tree / "site" / "postaudit.toml") in result.stderr and repr(q) in result.stderr
    assert "--config" in result.stderr
    # one file above both: one run
    (tree / "site" / "postaudit.toml").unlink()
    (tree / "postaudit.toml").write_text(SHORT_TITLES)
    assert found(run(p, q)) == {"p.html": ["M602"], "q.html": ["M602"]}


def test_config_flag_skips_discovery_and_flags_win(tree: Path) -> None:
    (tree / "site" / "postaudit.toml").write_text(TITLE_ONLY)
    explicit = tree / "work" / "ci.toml"
    explicit.write_text(SHORT_TITLES_TOOL)
    p, q = str(tree / "site" / "blog" / "p.html"), str(tree / "other" / "q.html")
    result = run(p, q, "--config", str(explicit))
    assert found(result) == {"p.html": ["M602"], "q.html": ["M602"]}, "no disagreement"
    assert result.exit_code == 1
    flagged = run(p, q, "--config", str(explicit), "--fail-on", "error")
    assert flagged.exit_code == 0, "a flag beats the file"
    opt = run(p, "--config", str(explicit), "--rule-option", "M602.max_width=20000")
    assert found(opt) == {"p.html": []}
