"""A local file audited with --links all: links to the site it is published at are
the site's own (L510 link-broken), checked against a real server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from postaudit.cli import cli

PAGE = """<!doctype html><html lang="en"><head><title>Worry time, fifteen minutes a day</title>
</head><body><article><h1>Worry time</h1>
<p>See <a href="{base}/blog/gone.html">the older post</a> and <a href="{base}/blog/ok.html">the
newer one</a>.</p></article></body></html>"""


def test_links_to_the_published_site_of_a_local_file_are_internal(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/blog/ok.html").respond_with_data(
        "<title>ok</title>", content_type="text/html"
    )
    httpserver.expect_request("/blog/gone.html").respond_with_data("gone", status=404)
    page = tmp_path / "post.html"
    page.write_text(PAGE.format(base=base), encoding="utf-8")
    args = ["audit", str(page), "--links", "all", "--format", "json", "--select", "L510,L511"]
    result = CliRunner().invoke(cli, [*args, "--base-url", base + "/"], catch_exceptions=False)
    findings = json.loads(result.stdout)["pages"][0]["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("L510", "error")]
    assert "gone.html" in findings[0]["message"]
    # without --base-url (and no canonical) the same links are another site's
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    findings = json.loads(result.stdout)["pages"][0]["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("L511", "warning")]
