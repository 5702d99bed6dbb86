"""Helpers of the hostile-input suite: run the CLI and read its JSON report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner

from hostile.faultserver import FaultServer
from postaudit.cli import cli


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    def page(self, url: str) -> dict[str, Any]:
        (page,) = [p for p in self.report["pages"] if p["url"] == url]
        return page


def run_cli(*args: str, input: bytes | None = None) -> Run:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def audit_json(*args: str, input: bytes | None = None) -> Run:
    return run_cli("audit", "--format", "json", *args, input=input)


def codes(page: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in page["findings"])


def finding(page: dict[str, Any], code: str) -> dict[str, Any]:
    """The one finding of `code` on the page (fails when there are none or several)."""
    found = [f for f in page["findings"] if f["code"] == code]
    assert len(found) == 1, (code, page["findings"])
    return found[0]


def link_rows(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's checked links (facts), by URL."""
    return {row["url"]: row for row in page["facts"]["links"]["checked"]}


#: A page that is complete and clean enough to compare before/after.
GOOD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Why some clients never cry in a therapy session</title>
<meta name="description" content="Tears are one sign of emotional work among many; here is what else progress in counselling can look like.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{base}/good">
</head><body><main><article>
<h1>Why some clients never cry in session</h1>
<p>Plenty of people do their deepest work in counselling without shedding a single tear,
and that is not a sign that anything is missing from the process.</p>
<img src="/fern.jpg" alt="A fern unrolling in spring light">
</article></main></body></html>
"""


def good_page(server: FaultServer, path: str = "/good") -> str:
    server.page("/fern.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    return server.page(path, GOOD.format(base=server.base))


def alone(url: str, *args: str) -> dict[str, Any]:
    """The JSON page of `url` audited on its own (the reference for "complete")."""
    run = audit_json(url, *args)
    (page,) = run.report["pages"]
    return page


def same_result(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("url", "final_url", "status", "score", "error", "categories", "counts", "findings")
    return all(a[k] == b[k] for k in keys)
