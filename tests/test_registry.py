"""Meta-tests over the rule registry: what makes adding a rule safe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postaudit import rules as registry
from postaudit.model import Category, Severity
from postaudit.rules import ALL_RULES, Rule

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "rules"
PREFIX = {
    Category.ALT_TEXT: "A1",
    Category.KEYWORDS: "K2",
    Category.READABILITY: "R3",
    Category.HEADINGS: "H4",
    Category.LINKS: "L5",
    Category.METADATA: "M6",
    Category.APPEARANCE: "S7",
    Category.FETCH: "X0",
}
IDS = [r.code for r in ALL_RULES]


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


@pytest.mark.parametrize("r", ALL_RULES, ids=IDS)
def test_rule_metadata(r: Rule) -> None:
    assert re.fullmatch(r"[AKRHLMSX]\d{3}", r.code)
    assert r.code.startswith(PREFIX[r.category]), "the code prefix names the category"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)
    assert r.title and r.title[0].isupper() and not r.title.endswith(".")
    assert r.fix and not r.fix.endswith(".")
    assert isinstance(r.severity, Severity)
    assert r.weight >= 0
    for key in r.defaults:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key)
        assert key not in ("keywords", "locations", "lang"), "reserved for the run context"


@pytest.mark.parametrize("r", ALL_RULES, ids=IDS)
def test_rule_documentation(r: Rule) -> None:
    doc = r.doc
    assert doc, "the docstring is the rule's documentation"
    assert "Fails:" in doc and "Passes:" in doc
    for key in r.defaults:
        assert key in doc, f"option {key!r} is documented"


@pytest.mark.parametrize(
    "r", [r for r in ALL_RULES if r.category is not Category.FETCH], ids=lambda r: r.code
)
def test_rule_has_fixture(r: Rule) -> None:
    fixture = FIXTURES / f"{r.code}-{r.name}.html"
    assert fixture.is_file(), f"missing fixture {fixture.relative_to(ROOT)}"
    assert f"expect: {r.code}" in fixture.read_text(
        encoding="utf-8"
    ) or f"expect-page: {r.code}" in fixture.read_text(encoding="utf-8")


def test_select_by_code_prefix_and_name() -> None:
    assert [r.code for r in registry.matching("M602")] == ["M602"]
    assert [r.code for r in registry.matching("title-length")] == ["M602"]
    assert {r.code for r in registry.matching("M6")} == {
        r.code for r in ALL_RULES if r.code.startswith("M6")
    }
    chosen = registry.select(["M"], ["title-length"])
    assert "M602" not in {r.code for r in chosen} and "M601" in {r.code for r in chosen}
    with pytest.raises(registry.UnknownRuleError):
        registry.matching("Z9")


def test_retired_codes_are_never_reused_and_match_nothing() -> None:
    live = {r.code for r in ALL_RULES} | {r.name for r in ALL_RULES}
    for gone in registry.RETIRED:
        assert gone.code not in live and gone.name not in live, "codes are never reused"
        assert registry.retired(gone.code.lower()) is gone
        assert registry.retired(gone.name) is gone
        # old configs that select or ignore a retired code keep working
        assert registry.matching(gone.code) == [] and registry.matching(gone.name) == []
    assert {"H408", "R309", "L514"} <= {r.code for r in registry.RETIRED}
    with pytest.raises(registry.UnknownRuleError, match=r"H408 .*was retired"):
        registry.get("H408")
    assert registry.select((), ["R309"]) == ALL_RULES


def test_every_severity_has_its_contract() -> None:
    assert [s for s in Severity] and all(s.meaning for s in Severity)
    assert "certain failure" in Severity.ERROR.meaning
    assert "careful editor" in Severity.WARNING.meaning
    assert "suggestion" in Severity.INFO.meaning


def test_old_configs_naming_a_retired_code_keep_working(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from postaudit.cli import cli

    page = tmp_path / "p.html"
    page.write_text(
        '<html lang="pt"><head><title>Um dia de cada vez, sem pressa</title></head>'
        "<body><article><h1>Um dia</h1><p>Alguns dias começam mal.</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "postaudit.toml").write_text('[rules]\nR309 = "off"\n', encoding="utf-8")
    run = CliRunner().invoke(
        cli,
        [
            "audit",
            str(page),
            "--ignore",
            "R309",
            "--select",
            "R,M",
            "--format",
            "json",
            "--config",
            str(tmp_path / "postaudit.toml"),
        ],
    )
    assert run.exit_code in (0, 1), run.output
    assert "R309" not in run.output
    shown = CliRunner().invoke(cli, ["rules", "readability-language-unsupported"])
    assert shown.exit_code == 0 and "(retired)" in shown.output


def test_severity_doc_lists_every_retired_code() -> None:
    doc = (ROOT / "docs" / "severity.md").read_text(encoding="utf-8")
    table = doc.split("## Retired codes", 1)[1]
    for gone in registry.RETIRED:
        assert f"| `{gone.code}` | {gone.name} |" in table, f"docs/severity.md misses {gone.code}"
