"""One parametrized test over fixtures/rules/*.html, each carrying its expectations.

A fixture marks an expected finding on the offending line with `<!-- expect: CODE -->`
(several codes: `<!-- expect: A101 A104 -->`), and a finding without a source line
(document-level) with `<!-- expect-page: CODE -->` anywhere. An optional first-line
comment `<!-- postaudit: {json} -->` sets "url", "headers", "select", "ignore",
"keywords", "locations", per-rule "rules" options and "link_status" (what the link
phase would have found: URL -> {"status", "redirects", "title", "headings", ...}).
The selected rules (all rules by default) all run, so a false positive from any of
them fails the case.

Site rules (several pages): the fixture holds pages one after another, each after a
`<!-- page: URL -->` line; every page is audited and the site rules run over all of
them; expectations are marked the same way, on the lines of the file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from postaudit.config import Config, build
from postaudit.judge.engine import audit_page
from postaudit.judge.site import SITE_FACTS, SiteCollector, page_facts
from postaudit.model import Finding, LinkStatus
from postaudit.parse.build import parse_page
from postaudit.urls import link_key

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
CASES = sorted(FIXTURES.glob("*.html"))
_CONF = re.compile(r"<!--\s*postaudit:\s*(\{.*?\})\s*-->", re.S)
_EXPECT = re.compile(r"<!--\s*expect:\s*([A-Z0-9 ,]+?)\s*-->")
_EXPECT_PAGE = re.compile(r"<!--\s*expect-page:\s*([A-Z0-9 ,]+?)\s*-->")
_PAGE = re.compile(r"^<!--\s*page:\s*(\S+)\s*-->[ \t]*$", re.M)


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


def run_site_fixture(html: str, conf: dict[str, Any]) -> list[Finding]:
    """A site-rule fixture holds several pages, each after a `<!-- page: URL -->` line;
    every page is audited (line numbers stay those of the file) and the site rules run
    over all of them. Returns page and site findings together."""
    config: Config = build(conf)
    ruleset = config.ruleset()
    markers = list(_PAGE.finditer(html))
    collector = SiteCollector()
    found: list[Finding] = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(html)
        text = "\n" * html.count("\n", 0, marker.end()) + html[marker.end() : end]
        page = parse_page(text, marker.group(1))
        facts = {SITE_FACTS: page_facts(page, config.context())}
        result = audit_page(page, ruleset, facts=facts, context=config.context())
        found.extend(result.findings)
        collector.add(result)
    found.extend(collector.findings(ruleset, config.ignored_for))
    return found


def run_fixture(path: Path) -> tuple[Counter[tuple[int, str]], Counter[str]]:
    html = path.read_text(encoding="utf-8")
    m = _CONF.search(html)
    conf = json.loads(m.group(1)) if m else {}
    if _PAGE.search(html):
        return _tally(run_site_fixture(html, conf))
    url = conf.pop("url", f"https://example.com/blog/{path.stem.lower()}")
    headers = conf.pop("headers", {})
    link_status = conf.pop("link_status", {})
    config: Config = build(conf, source=str(path))
    page = parse_page(html, url, headers=headers)
    if link_status:  # what the link phase would have found: {"URL (relative ok)": {status...}}
        page = replace(page, link_status=statuses(url, link_status))
    result = audit_page(page, config.ruleset())
    return _tally(result.findings)


def _tally(findings: Iterable[Finding]) -> tuple[Counter[tuple[int, str]], Counter[str]]:
    lined: Counter[tuple[int, str]] = Counter()
    unlined: Counter[str] = Counter()
    for f in findings:
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
