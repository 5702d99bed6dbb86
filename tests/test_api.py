"""The public Python API: its surface, its results (the CLI's own objects), and every
```python block of docs/api.md run exactly as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import postaudit
from postaudit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
API_DOC = ROOT / "docs" / "api.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", API_DOC.read_text(encoding="utf-8"), re.S | re.M)

PAGE = """<!doctype html><html lang="en"><head><title>Tears</title></head>
<body><article><h1>Tears</h1><p>Short text about tears.</p><img src="a.jpg"></article></body></html>
"""


def test_the_docs_have_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_api_doc_example_runs(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no config file is discovered, nothing is left behind
    exec(compile(BLOCKS[index], f"docs/api.md block {index + 1}", "exec"), {"__name__": "__doc__"})
    assert capsys.readouterr().out, "every example prints what it shows"


def test_the_public_surface_is_small_and_typed() -> None:
    assert set(postaudit.__all__) == {
        "Category",
        "Config",
        "ConfigError",
        "Finding",
        "Location",
        "PageResult",
        "Report",
        "Severity",
        "__version__",
        "audit",
        "audit_html",
        "load_config",
        "to_json",
    }
    for name in postaudit.__all__:
        assert getattr(postaudit, name) is not None
    assert (ROOT / "src" / "postaudit" / "py.typed").is_file()
    with pytest.raises(AttributeError):
        _ = postaudit.runner_internals  # type: ignore[attr-defined]


def test_import_postaudit_loads_no_heavy_module() -> None:
    code = (
        "import sys, postaudit\n"
        "heavy = [m for m in ('bs4', 'lxml', 'httpx', 'rich', 'textstat', 'postaudit.rules')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == ""


def test_audit_html_equals_the_cli_on_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    cli_page = json.loads(CliRunner().invoke(cli, ["audit", "p.html", "--format", "json"]).stdout)[
        "pages"
    ][0]
    api_page = json.loads(postaudit.to_json(postaudit.audit_html(PAGE.encode())))
    assert api_page["url"] == "stdin" and cli_page["url"] == "p.html"

    def same(page: dict[str, Any]) -> dict[str, Any]:
        """All but what depends on the page's address: the URL, the fingerprints (url +
        rule + locator) and image sources resolved against it."""
        out = {k: v for k, v in page.items() if k not in ("url", "findings", "facts")}
        out["findings"] = [
            {k: v for k, v in f.items() if k != "fingerprint"} for f in page["findings"]
        ]
        out["facts"] = {k: v for k, v in page["facts"].items() if k != "images"}
        return out

    assert same(api_page) == same(cli_page)
    assert [f["code"] for f in cli_page["findings"]] == [
        "A101",
        "S701",
        "S731",
        "M602",
        "M604",
        "M611",
        "M608",
        "R308",
    ]
    report = postaudit.audit("p.html", config=postaudit.load_config())
    assert json.loads(postaudit.to_json(report))["pages"][0] == cli_page


def test_audit_html_with_a_url_judges_the_slug_and_stays_offline() -> None:
    config = postaudit.load_config(keywords=["tears"], select=["K205"])
    good = postaudit.audit_html(PAGE, url="https://example.com/blog/tears", config=config)
    bad = postaudit.audit_html(PAGE, url="https://example.com/blog/p123", config=config)
    assert [f.code for f in good.findings] == [] and [f.code for f in bad.findings] == ["K205"]
    # a link rule that needs statuses does not apply: nothing was requested
    linked = postaudit.audit_html(
        '<html lang="en"><title>t</title><a href="https://unreachable.invalid/x">x</a></html>',
        url="https://example.com/a",
        config=postaudit.load_config(select=["L510", "L511"]),
    )
    assert linked.findings == ()


def test_unreadable_input_and_bad_targets() -> None:
    png = postaudit.audit_html(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert png.error is not None and [f.code for f in png.findings] == ["X003"]
    with pytest.raises(ValueError, match=r"nope\.html"):
        postaudit.audit("nope.html")
    with pytest.raises(ValueError, match="audit_html"):
        postaudit.audit("-")
    with pytest.raises(postaudit.ConfigError, match="unknown key 'colour'"):
        postaudit.load_config(colour="always")
