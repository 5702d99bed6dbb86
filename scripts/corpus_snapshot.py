"""The real-page corpus snapshot: every finding on every page of fixtures/corpus, judged.

Each corpus page `fixtures/corpus/NAME.html` has a snapshot
`fixtures/corpus/snapshots/NAME.json` holding every finding the current code reports on it
(audited offline: `--links none`, default rules and options), each with a verdict:

    {"code": "A101", "severity": "warning", "key": "<stable locator>",
     "message": "...", "verdict": "right" | "false" | "debatable", "why": "a few words"}

`key` is the finding's locator (the rule's key, else its selector without positions), with
`#N` for the N-th repeat of the same locator, so line numbers and edits elsewhere on the page
do not change it. Entries are sorted by (code, key); one entry per block of lines.

    python scripts/corpus_snapshot.py             # check: exit 1 and list every difference
    python scripts/corpus_snapshot.py --update    # rewrite the snapshots from the current code
    python scripts/corpus_snapshot.py --precision # precision per severity and per rule
    python scripts/corpus_snapshot.py --docs      # write that table into docs/precision.md

`--update` keeps the verdict of every entry whose (code, key) still matches. When its
message or severity changed, the verdict is kept and `"recheck": true` added: the check
fails until someone has looked again and removed the flag. New entries get
`"verdict": "unjudged"`, which also fails the check. Findings that are gone are dropped
(and listed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Where the corpus pages are audited from, whatever the checkout's own path: two levels
#: deep, so a link climbing four levels from fixtures/corpus/ ends at the root, as it did
#: when the snapshots were first taken.
VIRTUAL_ROOT = PurePosixPath("/checkout/postaudit")
CORPUS = ROOT / "fixtures" / "corpus"
SNAPSHOTS = CORPUS / "snapshots"
VERDICTS = ("right", "false", "debatable")
UNJUDGED = "unjudged"
SEVERITIES = ("error", "warning", "info")
COMMAND = "python scripts/corpus_snapshot.py"
DOC = ROOT / "docs" / "precision.md"
DOC_START, DOC_END = "<!-- precision:start -->\n", "<!-- precision:end -->"
README = ROOT / "README.md"
SUMMARY_START, SUMMARY_END = "<!-- precision-summary:start -->\n", "<!-- precision-summary:end -->"

Entry = dict[str, Any]


def corpus_pages(corpus: Path = CORPUS) -> list[Path]:
    return sorted(corpus.glob("*.html"))


def snapshot_path(page: Path, snapshots: Path = SNAPSHOTS) -> Path:
    return snapshots / f"{page.stem}.json"


def audit(page: Path) -> list[Entry]:
    """Every finding on one corpus page, offline, as snapshot entries (unjudged).

    The page is audited as the file it is, but at a fixed address
    (`VIRTUAL_ROOT/fixtures/corpus/NAME`) rather than where this checkout happens to be:
    relative links that climb above the repository (MkDocs writes
    `../../../../images/x.png`) then resolve the same in every clone."""
    import postaudit
    from postaudit.config import Config

    url = f"{VIRTUAL_ROOT.as_uri()}/fixtures/corpus/{page.name}"
    result = postaudit.audit_html(page.read_bytes(), url=url, config=Config(links="none"))
    entries = []
    for f in result.findings:
        key = f.locator if not f.occurrence else f"{f.locator}#{f.occurrence}"
        entries.append(
            {
                "code": f.code,
                "severity": str(f.severity),
                "key": portable(key),
                "message": portable(f.message),
            }
        )
    return sort_entries(entries)


def portable(text: str) -> str:
    """`text` with the pages' address (`VIRTUAL_ROOT`) written as `<repo>`."""
    return text.replace(VIRTUAL_ROOT.as_uri(), "file://<repo>").replace(str(VIRTUAL_ROOT), "<repo>")


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e["code"], e["key"]))


class SnapshotError(ValueError):
    """A snapshot file that cannot be read (hand-edited into bad JSON, say)."""


def load(path: Path) -> list[Entry]:
    """The entries of one snapshot file ([] when there is none yet)."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        findings: list[Entry] = data["findings"]
        for e in findings:
            for field in ("code", "severity", "key", "message"):
                if not isinstance(e.get(field), str):
                    raise KeyError(field)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(
            f"{path.name}: not a snapshot file ({type(exc).__name__}: {exc})"
        ) from exc
    return findings


def dump(page: Path, entries: Sequence[Entry]) -> str:
    """The snapshot file's text: stable field order, sorted entries, one block each."""
    order = ("code", "severity", "key", "message", "verdict", "why", "recheck")
    blocks = []
    for e in sort_entries(entries):
        fields = {k: e[k] for k in order if k in e}
        body = ",\n".join(
            f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()
        )
        blocks.append("    {\n" + body + "\n    }")
    inner = ",\n".join(blocks)
    findings = "[\n" + inner + "\n  ]" if blocks else "[]"
    return f'{{\n  "page": {json.dumps(page.name)},\n  "findings": {findings}\n}}\n'


def merge(current: Sequence[Entry], stored: Sequence[Entry]) -> list[Entry]:
    """The current findings with the stored verdicts carried over by (code, key)."""
    old = {(e["code"], e["key"]): e for e in stored}
    out = []
    for e in current:
        prev = old.get((e["code"], e["key"]))
        new = dict(e)
        if prev is None or prev.get("verdict", UNJUDGED) == UNJUDGED:
            new["verdict"] = UNJUDGED
            new["why"] = prev.get("why", "") if prev else ""
        else:
            new["verdict"] = prev["verdict"]
            new["why"] = prev.get("why", "")
            changed = prev["message"] != e["message"] or prev["severity"] != e["severity"]
            if changed or prev.get("recheck"):
                new["recheck"] = True
        out.append(new)
    return sort_entries(out)


def differences(page: str, current: Sequence[Entry], stored: Sequence[Entry]) -> list[str]:
    """What makes the stored snapshot of one page wrong, one line each."""
    out = []
    now = {(e["code"], e["key"]): e for e in current}
    then = {(e["code"], e["key"]): e for e in stored}
    for ident in sorted(now.keys() - then.keys()):
        e = now[ident]
        out.append(f"{page}: new {e['code']} {e['severity']} [{e['key']}] {e['message']}")
    for ident in sorted(then.keys() - now.keys()):
        e = then[ident]
        out.append(f"{page}: gone {e['code']} [{e['key']}] {e['message']}")
    for ident in sorted(now.keys() & then.keys()):
        a, b = then[ident], now[ident]
        for field in ("severity", "message"):
            if a[field] != b[field]:
                out.append(
                    f"{page}: changed {b['code']} [{b['key']}] {field}: "
                    f"{a[field]!r} -> {b[field]!r}"
                )
        verdict = a.get("verdict", UNJUDGED)
        if verdict not in VERDICTS:
            out.append(f"{page}: {verdict} {a['code']} [{a['key']}] {a['message']}")
        elif not str(a.get("why", "")).strip():
            out.append(f"{page}: no why for {a['code']} [{a['key']}]")
        if a.get("recheck"):
            out.append(f"{page}: recheck {a['code']} [{a['key']}] (message or severity changed)")
    return out


def check(corpus: Path = CORPUS, snapshots: Path = SNAPSHOTS) -> list[str]:
    out = []
    pages = corpus_pages(corpus)
    names = {snapshot_path(p, snapshots).name for p in pages}
    for page in pages:
        path = snapshot_path(page, snapshots)
        if not path.exists():
            out.append(f"{page.name}: no snapshot {path.relative_to(corpus.parent.parent)}")
            continue
        out.extend(differences(page.name, audit(page), load(path)))
    for orphan in sorted(p.name for p in snapshots.glob("*.json") if p.name not in names):
        out.append(f"{orphan}: snapshot of a page that is not in the corpus")
    return out


def update(corpus: Path = CORPUS, snapshots: Path = SNAPSHOTS) -> list[str]:
    """Rewrite every snapshot from the current code; return what changed."""
    snapshots.mkdir(parents=True, exist_ok=True)
    report = []
    names = set()
    for page in corpus_pages(corpus):
        path = snapshot_path(page, snapshots)
        names.add(path.name)
        stored = load(path)
        current = audit(page)
        report.extend(differences(page.name, current, stored))
        text = dump(page, merge(current, stored))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for orphan in sorted(snapshots.glob("*.json")):
        if orphan.name not in names:
            orphan.unlink()
            report.append(f"{orphan.name}: removed (page not in the corpus)")
    return report


def all_entries(corpus: Path = CORPUS, snapshots: Path = SNAPSHOTS) -> list[Entry]:
    out = []
    for page in corpus_pages(corpus):
        out.extend(load(snapshot_path(page, snapshots)))
    return out


def _row(label: str, entries: Sequence[Entry]) -> str:
    n = Counter(e.get("verdict", UNJUDGED) for e in entries)
    judged = n["right"] + n["false"] + n["debatable"]
    strict = f"{100 * n['right'] / judged:.0f}%" if judged else "-"
    lenient = f"{100 * (n['right'] + n['debatable']) / judged:.0f}%" if judged else "-"
    cells = [label, len(entries), n["right"], n["false"], n["debatable"], n[UNJUDGED]]
    return "| " + " | ".join(str(c) for c in [*cells, strict, lenient]) + " |"


def precision_table(entries: Sequence[Entry]) -> str:
    """Markdown: precision per severity, then per rule (strict = right / judged;
    lenient = (right + debatable) / judged)."""
    head = (
        "| {} | reported | right | false | debatable | unjudged | strict | lenient |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    lines = [head.format("severity")]
    for sev in SEVERITIES:
        lines.append(_row(sev, [e for e in entries if e["severity"] == sev]))
    lines.append(_row("all", entries))
    lines.append("")
    lines.append(head.format("rule"))
    by_rule: dict[str, list[Entry]] = {}
    for e in entries:
        by_rule.setdefault(f"{e['code']} ({e['severity']})", []).append(e)
    for label in sorted(by_rule):
        lines.append(_row(label, by_rule[label]))
    return "\n".join(lines) + "\n"


def quoted_table(doc: Path = DOC) -> str | None:
    """The precision table quoted in the doc (between the markers), or None."""
    text = doc.read_text(encoding="utf-8")
    if DOC_START not in text or DOC_END not in text:
        return None
    return text.split(DOC_START, 1)[1].split(DOC_END, 1)[0]


def precision_summary(entries: Sequence[Entry], pages: int) -> str:
    """The one-paragraph figure the README quotes (strict precision, all and per severity)."""
    n = Counter(e.get("verdict", UNJUDGED) for e in entries)
    judged = n["right"] + n["false"] + n["debatable"]
    parts = []
    for sev in SEVERITIES:
        mine = [e for e in entries if e["severity"] == sev]
        right = sum(1 for e in mine if e.get("verdict") == "right")
        parts.append(f"{sev} {right}/{len(mine)}")
    share = f"{100 * n['right'] / judged:.0f}%" if judged else "-"
    return (
        f"On {pages} real published pages (`fixtures/corpus/`), {n['right']} of {judged} "
        f"findings were judged right ({share}; {', '.join(parts)}), {n['false']} false, "
        f"{n['debatable']} debatable: [docs/precision.md](docs/precision.md).\n"
    )


def quoted_summary(readme: Path = README) -> str | None:
    """The precision paragraph quoted in the README (between the markers), or None."""
    text = readme.read_text(encoding="utf-8")
    if SUMMARY_START not in text or SUMMARY_END not in text:
        return None
    return text.split(SUMMARY_START, 1)[1].split(SUMMARY_END, 1)[0]


def _replace_between(path: Path, start: str, end: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(head + start + body + end + tail, encoding="utf-8")


def write_docs(doc: Path = DOC, readme: Path = README) -> None:
    entries = all_entries()
    _replace_between(doc, DOC_START, DOC_END, precision_table(entries))
    summary = precision_summary(entries, len(corpus_pages()))
    _replace_between(readme, SUMMARY_START, SUMMARY_END, summary)


def verdict_counts(entries: Iterable[Entry]) -> Mapping[str, int]:
    return Counter(e.get("verdict", UNJUDGED) for e in entries)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--update", action="store_true", help="rewrite the snapshots")
    group.add_argument("--precision", action="store_true", help="print the precision table")
    group.add_argument("--docs", action="store_true", help="write it into docs/precision.md")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.precision:
        sys.stdout.write(precision_table(all_entries()))
        return 0
    if args.docs:
        write_docs()
        print(f"wrote the precision table into {DOC.relative_to(ROOT)} and README.md")
        return 0
    if args.update:
        for line in update():
            print(line)
        counts = verdict_counts(all_entries())
        print(
            f"snapshots written; {counts[UNJUDGED]} unjudged, "
            f"{sum(1 for e in all_entries() if e.get('recheck'))} to recheck"
        )
        return 0
    problems = check()
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} difference(s); after judging, run {COMMAND} --update")
        return 1
    print("corpus snapshots match")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
