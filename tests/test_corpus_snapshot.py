"""The real-page corpus snapshot: every finding on every corpus page, with a verdict.

Any new, gone or changed finding fails here and names the command that rewrites the
snapshots (keeping the verdicts); an entry without a verdict (or flagged for a recheck)
fails too. docs/precision.md quotes the precision table the script computes.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from paths import CORPUS, ROOT

SCRIPT = ROOT / "scripts" / "corpus_snapshot.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_snapshot", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_snapshot"] = module
    spec.loader.exec_module(module)
    return module


cs = _load()
PAGES = sorted(CORPUS.glob("*.html"))
FIX = f"run `{cs.COMMAND} --update`, judge what it lists, and commit the snapshots"
DIFF_KINDS = ("new", "gone", "changed")


def _kind(line: str) -> str:
    return line.split(": ", 1)[1].split(" ", 1)[0]


def test_the_corpus_is_big_and_varied_enough() -> None:
    articles = [p for p in PAGES if "redirect-stub" not in p.name]
    assert len(articles) >= 40
    themes = {p.name.split("_", 1)[0] for p in articles}
    assert len(themes) >= 12
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"| {page.name} |" in sources, f"{page.name} has no row in SOURCES.md"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_findings_equal_the_snapshot(page: Path) -> None:
    path = cs.snapshot_path(page)
    assert path.exists(), f"{page.name} has no snapshot: {FIX}"
    stored = cs.load(path)
    lines = cs.differences(page.name, cs.audit(page), stored)
    diffs = [line for line in lines if _kind(line) in DIFF_KINDS]
    assert not diffs, "\n".join([*diffs, FIX])
    assert path.read_text(encoding="utf-8") == cs.dump(page, stored), f"not normalised: {FIX}"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_finding_is_judged(page: Path) -> None:
    stored = cs.load(cs.snapshot_path(page))
    bad = [
        f"{e['code']} [{e['key']}] {e['message']}: verdict {e.get('verdict')!r}"
        for e in stored
        if e.get("verdict") not in cs.VERDICTS or not str(e.get("why", "")).strip()
    ]
    bad += [f"{e['code']} [{e['key']}]: recheck" for e in stored if e.get("recheck")]
    assert not bad, "\n".join(
        [*bad, "give each a verdict (right | false | debatable) and a why; drop recheck"]
    )


def test_no_snapshot_without_a_page() -> None:
    names = {cs.snapshot_path(p).name for p in PAGES}
    assert {p.name for p in cs.SNAPSHOTS.glob("*.json")} == names


def _tmp_corpus(tmp_path: Path, *names: str) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        shutil.copyfile(CORPUS / name, corpus / name)
    return corpus, corpus / "snapshots"


def test_update_keeps_verdicts_flags_changes_and_drops_what_is_gone(tmp_path: Path) -> None:
    page = "quarto_0xdeadd_welcome.html"
    corpus, snaps = _tmp_corpus(tmp_path, page)
    assert cs.update(corpus, snaps), "a first update lists every finding as new"
    path = snaps / "quarto_0xdeadd_welcome.json"
    first = cs.load(path)
    assert first and all(e["verdict"] == cs.UNJUDGED for e in first)
    judged = [dict(e, verdict="right", why="checked") for e in first]
    judged[0]["message"] = "an older wording"
    judged.append({**judged[1], "key": "no-longer-there", "verdict": "false", "why": "x"})
    path.write_text(cs.dump(corpus / page, judged), encoding="utf-8")
    problems = cs.check(corpus, snaps)
    assert any(": changed " in p for p in problems) and any(": gone " in p for p in problems)

    report = cs.update(corpus, snaps)
    assert any(": gone " in line and "no-longer-there" in line for line in report)
    after = cs.load(path)
    assert [e["key"] for e in after] == [e["key"] for e in first]
    assert all(e["verdict"] == "right" and e["why"] == "checked" for e in after)
    assert [bool(e.get("recheck")) for e in after] == [i == 0 for i in range(len(after))]
    assert after[0]["message"] == first[0]["message"], "the current message is written"
    assert [p for p in cs.check(corpus, snaps) if ": recheck " in p], "recheck fails the check"

    again = path.read_text(encoding="utf-8")
    cs.update(corpus, snaps)
    assert path.read_text(encoding="utf-8") == again, "update is idempotent"
    json.loads(again)


def test_update_writes_unjudged_for_new_findings_and_removes_orphans(tmp_path: Path) -> None:
    corpus, snaps = _tmp_corpus(tmp_path, "quarto_0xdeadd_welcome.html")
    snaps.mkdir()
    (snaps / "gone-page.json").write_text('{"page": "gone-page.html", "findings": []}\n')
    report = cs.update(corpus, snaps)
    assert "gone-page.json: removed (page not in the corpus)" in report
    assert sorted(p.name for p in snaps.iterdir()) == ["quarto_0xdeadd_welcome.json"]
    problems = cs.check(corpus, snaps)
    assert problems and all(": unjudged " in p for p in problems)


def test_a_broken_snapshot_file_is_a_one_line_error(tmp_path: Path) -> None:
    corpus, snaps = _tmp_corpus(tmp_path, "quarto_0xdeadd_welcome.html")
    snaps.mkdir()
    (snaps / "quarto_0xdeadd_welcome.json").write_text(
        '{"page": "x", "findings": [{"code": 1', "utf-8"
    )
    with pytest.raises(cs.SnapshotError, match=r"quarto_0xdeadd_welcome\.json: not a snapshot"):
        cs.update(corpus, snaps)
    (snaps / "quarto_0xdeadd_welcome.json").write_text('{"findings": [{"code": "A101"}]}', "utf-8")
    with pytest.raises(cs.SnapshotError, match="KeyError"):
        cs.check(corpus, snaps)


def test_precision_table_counts_strict_and_lenient() -> None:
    entries = [
        {"code": "A101", "severity": "error", "verdict": "right"},
        {"code": "A101", "severity": "error", "verdict": "right"},
        {"code": "M602", "severity": "warning", "verdict": "debatable"},
        {"code": "M602", "severity": "warning", "verdict": "false"},
        {"code": "R308", "severity": "info", "verdict": "unjudged"},
    ]
    table = cs.precision_table(entries)
    assert "| error | 2 | 2 | 0 | 0 | 0 | 100% | 100% |" in table
    assert "| warning | 2 | 0 | 1 | 1 | 0 | 0% | 50% |" in table
    assert "| info | 1 | 0 | 0 | 0 | 1 | - | - |" in table
    assert "| all | 5 | 2 | 1 | 1 | 1 | 50% | 75% |" in table
    assert "| M602 (warning) | 2 | 0 | 1 | 1 | 0 | 0% | 50% |" in table


def test_docs_quote_the_current_precision_table() -> None:
    quoted = cs.quoted_table()
    assert quoted is not None, "docs/precision.md has lost its precision markers"
    assert quoted == cs.precision_table(cs.all_entries()), (
        f"docs/precision.md is stale: run `{cs.COMMAND} --docs` (it writes the output of "
        f"`{cs.COMMAND} --precision` between the markers)"
    )


def test_readme_quotes_the_current_precision() -> None:
    quoted = cs.quoted_summary()
    assert quoted is not None, "README.md has lost its precision-summary markers"
    assert quoted == cs.precision_summary(cs.all_entries(), len(cs.corpus_pages())), (
        f"README.md's precision figure is stale: run `{cs.COMMAND} --docs`"
    )
