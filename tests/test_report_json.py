"""The JSON report: shipped schema, determinism, and the JSON Schema in the package."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema

from paths import CORPUS
from postaudit.config import Config
from postaudit.gather.sources import expand
from postaudit.run.runner import audit_targets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


def schema() -> dict[str, object]:
    return json.loads(
        (files("postaudit") / "schema" / "report.schema.json").read_text(encoding="utf-8")
    )


def render(targets: list[str]) -> str:
    from postaudit.report.json import render_json

    return render_json(audit_targets(expand(targets), Config()))


def test_schema_is_valid_and_reports_conform() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    text = render([str(p) for p in sorted(FIXTURES.glob("M6*.html"))[:6]])
    jsonschema.validate(json.loads(text), schema())


def test_corpus_reports_conform_and_are_deterministic() -> None:
    pages = [str(p) for p in sorted(CORPUS.glob("*.html"))]
    assert pages, "the shared corpus is beside the project"
    first = render(pages)
    assert first == render(list(reversed(pages))), "same input, same bytes, whatever the order"
    report = json.loads(first)
    jsonschema.validate(report, schema())
    assert [p["url"] for p in report["pages"]] == sorted(p["url"] for p in report["pages"])
    assert not [p["url"] for p in report["pages"] if p["error"]], "every corpus page audits"


def test_fingerprint_ignores_line_moves(tmp_path: Path) -> None:
    html = '<html lang="en"><head><title>A title that is long enough to pass the check</title></head><body></body></html>'
    a = tmp_path / "a.html"
    a.write_text(html, encoding="utf-8")
    first = json.loads(render([str(a)]))["pages"][0]["findings"]
    a.write_text("\n\n\n<!-- moved -->\n" + html, encoding="utf-8")
    second = json.loads(render([str(a)]))["pages"][0]["findings"]
    assert [f["location"]["line"] for f in first] != [f["location"]["line"] for f in second]
    assert [f["fingerprint"] for f in first] == [f["fingerprint"] for f in second]
