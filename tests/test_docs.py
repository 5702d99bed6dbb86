"""The documentation in the repository: generated rule pages in step with the registry,
links that resolve, a short front page with the two commands, and examples whose URLs
and versions come from pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import postaudit
from postaudit.report.catalogue import catalogue_rows, markdown_table
from postaudit.report.rule_docs import PAGE_NAME, REGENERATE, expected_pages, write_docs
from postaudit.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULE_DOCS = DOCS / "rules"
#: pages other branches add (reliability on hostile networks, corpus precision): linked now
PENDING = {DOCS / "reliability.md", DOCS / "precision.md"}


def test_rule_pages_match_the_registry() -> None:
    expected = expected_pages()
    present = {
        p.name for p in RULE_DOCS.iterdir() if PAGE_NAME.match(p.name) or p.name == "README.md"
    }
    missing = sorted(set(expected) - present)
    extra = sorted(present - set(expected))
    stale = sorted(
        name
        for name in set(expected) & present
        if (RULE_DOCS / name).read_text(encoding="utf-8") != expected[name]
    )
    assert (missing, extra, stale) == ([], [], []), (
        f"docs/rules is out of date (missing {missing}, extra {extra}, stale {stale}); "
        f"regenerate with: {REGENERATE}"
    )
    assert len(expected) == len(ALL_RULES) + 1


def test_rules_index_table_equals_the_catalogue() -> None:
    """The guarantee README's rule table used to carry: the index lists every rule in
    registry order with the catalogue's name, category, severity and title."""
    index = (RULE_DOCS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \[`([A-Z]\d{3})`\]\(\1\.md\) \| `([a-z0-9-]+)` \| (\w+) \| (\w+) \| (.+?) \|$",
        index,
        re.M,
    )
    assert [(c, n, cat, sev) for c, n, cat, sev, _ in rows] == [
        row[:4] for row in catalogue_rows()
    ], f"regenerate with: {REGENERATE}"
    assert len(markdown_table().splitlines()) == len(rows) + 2


def test_write_docs_makes_exactly_the_pages_and_removes_stale_ones(tmp_path: Path) -> None:
    (tmp_path / "Z999.md").write_text("a rule that is gone\n")
    (tmp_path / "notes.txt").write_text("not ours\n")
    changed = write_docs(tmp_path)
    assert "removed Z999.md" in changed and len(changed) == len(ALL_RULES) + 2
    assert not (tmp_path / "Z999.md").exists() and (tmp_path / "notes.txt").exists()
    assert write_docs(tmp_path) == [], "a second run changes nothing"
    first = ALL_RULES[0]
    page = (tmp_path / f"{first.code}.md").read_text(encoding="utf-8")
    assert page.splitlines()[1] == f"# {first.code} `{first.name}`"
    assert "## Fails" in page and "## Passes" in page and f"postaudit rules {first.code}" in page


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"(`+).+?\1", "", text)  # code spans show links, they are not links
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if dest in PENDING:
            continue
        assert dest.exists(), f"{path.relative_to(ROOT)} links to missing {target}"
        if anchor and dest.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)
            slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
            assert anchor in slugs, (
                f"{path.relative_to(ROOT)}: no heading for #{anchor} in {file_part}"
            )


def test_front_page_is_short_and_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert lines[:5] == ["# postaudit", "", "```sh", lines[3], lines[4]]
    assert lines[3].startswith("make demo ") and lines[4].startswith("make test ")
    assert len(readme) < 6000, "README is a front page; user documentation goes in docs/"
    examples = re.search(r"## Examples\n\n```sh\n(.*?)```", readme, re.S)
    assert examples is not None and len(examples.group(1).strip().splitlines()) == 6
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"(docs/{page.name})" in readme, f"README does not link docs/{page.name}"
    for pending in PENDING:
        assert f"(docs/{pending.name})" in readme
    assert "pipx install ." in readme and "python -m build" in readme


def test_ci_examples_use_the_source_url_and_the_version() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        source = tomllib.load(fh)["project"]["urls"]["Source"]
    owner_repo = source.removeprefix("https://github.com/")
    ci = (DOCS / "ci.md").read_text(encoding="utf-8")
    tag = f"v{postaudit.__version__}"
    assert f"uses: {owner_repo}@{tag}" in ci
    assert f"- repo: {source}\n    rev: {tag}" in ci
    # what the Action and hook examples must show (moved from the README)
    assert "github/codeql-action/upload-sarif" in ci and "id: postaudit" in ci
    for name in ("target", "baseline", "fail-under", "format"):
        assert f"{name}:" in ci, name
