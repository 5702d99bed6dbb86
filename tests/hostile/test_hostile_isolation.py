"""Never loses results: a page that cannot be read (binary body, 50 MB, a parser or
rule exception) becomes one X finding on that page; a page that can be read however
badly (invalid UTF-8, truncated HTML, NUL bytes) is audited; every other page of the
run is reported exactly as when audited alone."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable
from typing import Any

import pytest

from hostile.faultserver import FaultServer
from hostile.runs import alone, audit_json, codes, finding, good_page, same_result
from postaudit.config import Config, RuleSettings
from postaudit.parse.page import Page
from postaudit.run import pipeline

TRUNCATED = b"""<!doctype html><html lang="en"><head><title>Cut short in the middle</title>
</head><body><main><article><h1>Cut short</h1><p>The server stopped sending after this <a hre"""

BROKEN_UTF8 = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b"<title>Caf\xe9 cr\xe8me, badly encoded</title></head><body><main><article>"
    b"<h1>Caf\xc3\xa9 \xff\xfe</h1><p>Latin-1 bytes \xe0 la carte in a UTF-8 page.</p>"
    b"</article></main></body></html>"
)


def _exploding_parse(original: Any) -> Any:
    def parse(html: str, url: str, config: Config, **kwargs: Any) -> Page:
        if url.endswith("/explode"):
            raise RecursionError("maximum recursion depth exceeded")
        page: Page = original(html, url, config, **kwargs)
        return page

    return parse


def _exploding_rules(original: Any) -> Any:
    def boom(page: Page, options: Any) -> Iterable[Any]:
        if page.title and "DETONATE" in page.title:
            raise ValueError("a rule met a page it did not expect")
        return ()

    def ruleset(self: Config) -> tuple[RuleSettings, ...]:
        out = []
        for s in original(self):
            if s.rule.code == "M601":
                s = dataclasses.replace(s, rule=dataclasses.replace(s.rule, check=boom))
            out.append(s)
        return tuple(out)

    return ruleset


def test_one_bad_page_never_costs_the_others(
    fault: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = good_page(fault)
    reference = alone(good)
    noise = random.Random(8).randbytes(4096)
    urls = {
        "binary": fault.page("/binary", noise),
        "png": fault.page("/png", b"\x89PNG\r\n\x1a\n" + noise),
        "huge": fault.url("/huge?mb=50"),
        "truncated": fault.page("/truncated", TRUNCATED),
        "utf8": fault.page("/utf8", BROKEN_UTF8),
        "explode": fault.page("/explode", b"<title>fine</title><h1>fine</h1>"),
        "detonate": fault.page("/detonate", b"<title>DETONATE</title><h1>boom</h1>"),
    }
    monkeypatch.setattr(pipeline, "parse_html", _exploding_parse(pipeline.parse_html))
    monkeypatch.setattr(Config, "ruleset", _exploding_rules(Config.ruleset))

    run = audit_json(good, *urls.values())

    assert run.code == 1
    pages = run.report["pages"]
    assert sorted(p["url"] for p in pages) == sorted([good, *urls.values()])  # once each
    # the good page: exactly what it gets alone (M601 never fires on it anyway)
    assert same_result(run.page(good), reference)

    def only(name: str, code: str) -> str:
        page = run.page(urls[name])
        assert codes(page) == [code] and page["score"] is None
        message: str = finding(page, code)["message"]
        assert page["error"] == message
        return message

    assert only("binary", "X003") == "content type 'text/html' but the body is binary data"
    assert only("png", "X003") == "content type 'text/html' but the body is a PNG image"
    assert only("huge", "X004") == "body exceeds 5 MB limit"
    assert only("explode", "X005") == (
        "audit failed: RecursionError: maximum recursion depth exceeded"
    )
    assert only("detonate", "X005") == (
        "audit failed: ValueError: a rule met a page it did not expect"
    )
    # readable, however badly: audited, with a score and the damage reported
    truncated = run.page(urls["truncated"])
    assert truncated["score"] is not None and truncated["error"] is None
    assert truncated["facts"]["title"] == "Cut short in the middle"
    utf8 = run.page(urls["utf8"])
    assert utf8["score"] is not None and utf8["error"] is None
    assert utf8["facts"]["title"] == "Caf\ufffd cr\ufffdme, badly encoded"
    assert utf8["facts"]["encoding"] == {
        "name": "utf-8",
        "nul_characters": 0,
        "replacement_characters": 5,
    }
    assert run.report["summary"]["pages"] == 8
    assert run.report["summary"]["failed"] == 5


def test_local_files_fail_alone_too(tmp_path: Any) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a-good.html").write_text(
        '<html lang="en"><title>A good page on its own</title><h1>Good</h1><p>Text.</p>'
    )
    (folder / "b-image.html").write_bytes(b"\xff\xd8\xff\xe0" + bytes(2000))
    (folder / "c-cut.html").write_bytes(TRUNCATED)
    run = audit_json(str(folder), "--select", "M601,H401")
    by_name = {p["url"].rsplit("/", 1)[-1]: p for p in run.report["pages"]}
    assert sorted(by_name) == ["a-good.html", "b-image.html", "c-cut.html"]
    assert codes(by_name["a-good.html"]) == [] and by_name["a-good.html"]["score"] == 100
    assert finding(by_name["b-image.html"], "X003")["message"] == "the input is a JPEG image"
    assert by_name["c-cut.html"]["score"] == 100
    assert run.code == 1
