"""One parametrized test over fixtures/rules/*.html, each carrying its expectations.

A fixture marks an expected finding on the offending line with `<!-- expect: CODE -->`
(several codes: `<!-- expect: A101 A104 -->`), and a finding without a source line
(document-level) with `<!-- expect-page: CODE -->` anywhere. An optional first-line
comment `<!-- postaudit: {json} -->` sets "url", "headers", "select", "ignore",
"keywords", "locations", per-rule "rules" options and "link_status" (what the link
phase would have found: URL -> {"status", "redirects", "title", "headings", ...}).
The selected rules (all rules by default) all run, so a false positive from any of
them fails the case.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from postaudit.config import Config, build
from postaudit.engine import audit_page
from postaudit.linkcheck import LinkStatus, link_key
from postaudit.page import parse_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
CASES = sorted(FIXTURES.glob("*.html"))
_CONF = re.compile(r"<!--\s*postaudit:\s*(\{.*?\})\s*-->", re.S)
_EXPECT = re.compile(r"<!--\s*expect:\s*([A-Z0-9 ,]+?)\s*-->")
_EXPECT_PAGE = re.compile(r"<!--\s*expect-page:\s*([A-Z0-9 ,]+?)\s*-->")


def expectations(html: str) -> tuple[Counter[tuple[int, str]], Counter[str]]:
    lined: Counter[tuple[int, str]] = Counter()
    for number, line in enumerate(html.splitlines(), 1):
        for m in _EXPECT.finditer(line):
            for code in re.split(r"[ ,]+", m.group(1).strip()):
                lined[(number, code)] += 1
    unlined: Counter[str] = Counter()
    for m in _EXPECT_PAGE.finditer(html):
        for code in re.split(r"[ ,]+", m.group(1).strip()):
            unlined[code] += 1
    return lined, unlined


def statuses(page_url: str, table: dict[str, dict[str, Any]]) -> dict[str, LinkStatus]:
    out = {}
    for ref, data in table.items():
        url = urljoin(page_url, ref)
        out[link_key(url)] = LinkStatus.from_dict({"url": url, **data})
    return out


def run_fixture(path: Path) -> tuple[Counter[tuple[int, str]], Counter[str]]:
    html = path.read_text(encoding="utf-8")
    m = _CONF.search(html)
    conf = json.loads(m.group(1)) if m else {}
    url = conf.pop("url", f"https://example.com/blog/{path.stem.lower()}")
    headers = conf.pop("headers", {})
    link_status = conf.pop("link_status", {})
    config: Config = build(conf, source=str(path))
    page = parse_page(html, url, headers=headers)
    if link_status:  # what the link phase would have found: {"URL (relative ok)": {status...}}
        page = replace(page, link_status=statuses(url, link_status))
    result = audit_page(page, config.ruleset())
    lined: Counter[tuple[int, str]] = Counter()
    unlined: Counter[str] = Counter()
    for f in result.findings:
        if f.location.line is None:
            unlined[f.code] += 1
        else:
            lined[(f.location.line, f.code)] += 1
    return lined, unlined


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_rule_case(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    want_lined, want_unlined = expectations(html)
    got_lined, got_unlined = run_fixture(path)
    assert sorted(got_lined.elements()) == sorted(want_lined.elements())
    assert sorted(got_unlined.elements()) == sorted(want_unlined.elements())


def test_there_are_cases() -> None:
    assert len(CASES) >= 10
