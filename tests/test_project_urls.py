"""One home URL: [project.urls] in pyproject.toml is the only place the project's URLs are
written; SARIF, the HTML report, the JSON schema and the docs' examples agree with it. And
one version: postaudit.__version__, which the built metadata reads."""

from __future__ import annotations

import json
import os
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import postaudit
from oracles import sarif_log
from postaudit.model import Report
from postaudit.report.html import render_html
from postaudit.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]
PAGE = '<html><head><title>Tears</title></head><body><h1>Tears</h1><img src="a.jpg"></body></html>'


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def urls(pyproject: dict[str, Any]) -> dict[str, str]:
    table: dict[str, str] = pyproject["project"]["urls"]
    assert set(table) == {"Homepage", "Documentation", "Source"}
    return table


@pytest.fixture(scope="module")
def report() -> Report:
    return Report(pages=(postaudit.audit_html(PAGE, "https://example.com/blog/tears"),))


def test_every_sarif_help_uri_is_a_rule_page_under_the_documentation_url(
    report: Report, urls: dict[str, str]
) -> None:
    driver = sarif_log(report)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls["Homepage"]
    docs = urls["Documentation"].rstrip("/")
    assert [r["helpUri"] for r in driver["rules"]] == [
        f"{docs}/rules/{r.code}.md" for r in ALL_RULES
    ]
    for r in driver["rules"]:
        assert r["helpUri"].startswith(urls["Documentation"])
        page = ROOT / "docs" / r["helpUri"][len(docs) + 1 :]
        assert page.is_file(), f"{r['helpUri']} names a page the repository does not have"


def test_html_report_links_the_rule_pages_and_the_homepage(
    report: Report, urls: dict[str, str]
) -> None:
    html = render_html(report)
    docs = urls["Documentation"].rstrip("/")
    codes = {f.code for f in report.pages[0].findings}
    assert "A101" in codes
    for code in codes:
        assert f'<a href="{docs}/rules/{code}.md"><code>{code}</code></a>' in html
    assert f'<a href="{urls["Homepage"]}" rel="noopener noreferrer">postaudit</a>' in html


def test_the_json_schema_id_lives_under_the_source_url(urls: dict[str, str]) -> None:
    schema = json.loads(
        (ROOT / "src" / "postaudit" / "schema" / "report.schema.json").read_text("utf-8")
    )
    assert schema["$id"] == f"{urls['Source']}/blob/main/src/postaudit/schema/report.schema.json"


def test_the_installed_metadata_carries_the_urls_and_the_one_version(
    pyproject: dict[str, Any], urls: dict[str, str]
) -> None:
    assert "version" not in pyproject["project"], "the version lives in postaudit/__init__.py"
    assert pyproject["project"]["dynamic"] == ["version"]
    assert metadata.version("postaudit") == postaudit.__version__
    entries = metadata.metadata("postaudit").get_all("Project-URL") or []
    assert sorted(entries) == sorted(f"{k}, {v}" for k, v in urls.items()), (
        "stale install: run make (pyproject.toml changed)"
    )


def _tree_files() -> list[Path]:
    skip = {".git", ".venv", "build", "dist", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    out = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        if Path(folder).is_relative_to(ROOT / "fixtures" / "corpus"):
            continue  # third-party pages, kept byte for byte
        out += [Path(folder) / f for f in files]
    return out


def test_no_invented_domain_and_no_owner_placeholder_anywhere() -> None:
    invented = "postaudit" + ".dev"
    placeholder = "OWN" + "ER/"
    offenders = []
    for path in _tree_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if invented in text or placeholder in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
