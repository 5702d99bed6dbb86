"""Ignoring: the authors' escape hatches (`data-postaudit-ignore` on an element and its
subtree, `<meta name="postaudit" content="ignore: ...">` for a page), and the config's
per-URL ignores and severity overrides, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postaudit import rules as registry
from postaudit.config import Config
from postaudit.judge.engine import audit_page, suppressed_score, suppresses
from postaudit.model import Category, Hit, PageResult
from postaudit.parse.build import parse_page
from postaudit.parse.dom import ignore_tokens

HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
{meta}
</head><body><main><article><h1>Evening light</h1>
<p>One lamp and a paperback do more for a racing mind than a bright ceiling light.</p>
"""
FOOT = "</article></main></body></html>\n"
TITLE = "A lamp, a paperback and a slower evening routine"


def html(body: str, *, title: str = TITLE, meta: str = "") -> str:
    return HEAD.format(title=title, meta=meta) + body + FOOT


def audit(doc: str, select: tuple[str, ...] = ("A101",)) -> PageResult:
    page = parse_page(doc, "https://example.com/blog/evening")
    config = Config(select=select)
    return audit_page(page, config.ruleset(), context=config.context())


def codes(result: PageResult) -> list[str]:
    return [f.code for f in result.findings]


# --------------------------------------------------------------------------- data-postaudit-ignore


def test_ignore_tokens() -> None:
    assert ignore_tokens("A104") == {"A104"}
    assert ignore_tokens(" A104, R3  img-alt-missing ,") == {"A104", "R3", "img-alt-missing"}
    assert ignore_tokens("") == {"*"} and ignore_tokens("  ") == {"*"}


@pytest.mark.parametrize(
    ("selectors", "suppressed"),
    [
        (set(), False),
        ({"*"}, True),
        ({"A101"}, True),
        ({"a101"}, True),
        ({"A1"}, True),
        ({"A"}, True),
        ({"img-alt-missing"}, True),
        ({"A104"}, False),
        ({"alt-too-long", "M"}, False),
        ({"not-a-rule"}, False),
    ],
)
def test_suppresses(selectors: set[str], suppressed: bool) -> None:
    assert suppresses(frozenset(selectors), registry.BY_CODE["A101"]) is suppressed


@pytest.mark.parametrize(
    "value", ["A101", "a101", "A1", "img-alt-missing", "M602, A101", "M602 A", ""]
)
def test_attribute_on_the_element(value: str) -> None:
    doc = html(f'<img src="/a.jpg" data-postaudit-ignore="{value}">\n<img src="/b.jpg">\n')
    result = audit(doc)
    assert [f.location.selector for f in result.findings] == [
        "body > main > article > img:nth-of-type(2)"
    ]


def test_attribute_on_an_ancestor_covers_the_subtree() -> None:
    doc = html(
        '<figure data-postaudit-ignore="A101"><div><img src="/a.jpg"></div><img src="/b.jpg"></figure>\n'
        '<img src="/c.jpg">\n'
    )
    result = audit(doc)
    assert [f.key for f in result.findings] == ["https://example.com/c.jpg"]


def test_other_rules_are_not_suppressed() -> None:
    doc = html('<img src="/a.jpg" data-postaudit-ignore="A104 H4">\n')
    assert codes(audit(doc)) == ["A101"]


def test_suppressed_findings_do_not_count_against_the_score() -> None:
    good = '<img src="/g.jpg" alt="a brass reading lamp on a stack of books">\n'
    suppressed = audit(
        html(good + '<img src="/a.jpg" data-postaudit-ignore>\n<img src="/b.jpg">\n')
    )
    fixed = audit(
        html(good + '<img src="/a.jpg" alt="a paperback open on a duvet">\n<img src="/b.jpg">\n')
    )
    flagged = audit(html(good + '<img src="/a.jpg">\n<img src="/b.jpg">\n'))
    assert codes(suppressed) == codes(fixed) == ["A101"]
    assert suppressed.categories[Category.ALT_TEXT] == fixed.categories[Category.ALT_TEXT]
    assert flagged.categories[Category.ALT_TEXT] < fixed.categories[Category.ALT_TEXT]
    alone = audit(html('<img src="/a.jpg" data-postaudit-ignore="">\n'))
    assert codes(alone) == [] and alone.categories[Category.ALT_TEXT] == 100


def test_suppressed_score_formula() -> None:
    third = [Hit("x", score=1 / 3), Hit("y", score=1 / 3)]  # 1 of 3 fine, 2 flagged
    assert suppressed_score(third, third[1:]) == pytest.approx(2 / 3)
    assert suppressed_score(third, []) == 1.0
    binary = [Hit("x"), Hit("y")]
    assert suppressed_score(binary, binary[1:]) == 0.0


# --------------------------------------------------------------------------- the meta tag


@pytest.mark.parametrize(
    ("content", "left"),
    [
        ("ignore: M602", ["A101"]),
        ("ignore: A101, M602", []),
        ("ignore: M", ["A101"]),
        ("Ignore:title-length; something-else: x", ["A101"]),
        ("ignore", []),
        ("something-else: M602", ["A101", "M602"]),
    ],
)
def test_meta_ignores_rules_for_the_page(content: str, left: list[str]) -> None:
    doc = html(
        '<img src="/a.jpg">\n', title="Short", meta=f'<meta name="postaudit" content="{content}">'
    )
    result = audit(doc, select=("A101", "M602"))
    assert codes(result) == left
    if "M602" not in left:
        assert result.categories[Category.METADATA] is None, "the rule is left out of the score"


# --------------------------------------------------------------------------- config, end to end


def test_per_url_ignores_and_severity_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postaudit.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive").mkdir()
    (tmp_path / "blog").mkdir()
    doc = html('<img src="/a.jpg">\n')
    (tmp_path / "archive" / "old.html").write_text(doc, encoding="utf-8")
    (tmp_path / "blog" / "new.html").write_text(doc, encoding="utf-8")
    (tmp_path / "postaudit.toml").write_text(
        'select = ["A101"]\n[per-url-ignores]\n"^archive/" = ["img-alt-missing"]\n'
    )

    def run() -> tuple[int, dict[str, list[str]]]:
        result = CliRunner().invoke(cli, ["audit", ".", "--format", "json"])
        report = json.loads(result.stdout)
        return result.exit_code, {
            p["url"]: [f["code"] for f in p["findings"]] for p in report["pages"]
        }

    code, found = run()
    assert found == {"archive/old.html": [], "blog/new.html": ["A101"]}
    assert code == 1, "A101 is an error on the blog page"
    (tmp_path / "postaudit.toml").write_text(
        'select = ["A101"]\n[rules.A101]\nseverity = "warning"\n'
    )
    code, found = run()
    assert found["archive/old.html"] == ["A101"] and code == 0, "re-graded below --fail-on"
    (tmp_path / "postaudit.toml").write_text(
        'select = ["A101"]\n[rules.img-alt-missing]\nseverity = "off"\n'
    )
    code, found = run()
    assert found == {"archive/old.html": [], "blog/new.html": []} and code == 0
