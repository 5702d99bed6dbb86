"""One self-contained HTML file: site summary, score bars, tables, every finding.

Inline CSS, no external assets, no JavaScript needed to read it (sections open with
`<details>`; a few lines of optional JavaScript sort the pages table by a column).
Every string that comes from a page (URLs, titles, messages, selectors, excerpts,
fixes) goes through `esc()`: HTML-escaped with quotes (safe in text and in quoted
attributes), control and bidi-override characters removed. Only http(s) URLs become
links. Anchors and widths are computed from numbers, never from page text.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from postaudit import project
from postaudit.judge.scoring import band, site_score
from postaudit.model import (
    SCORED_CATEGORIES,
    SEVERITY_ORDER,
    Category,
    Finding,
    PageResult,
    Report,
    Severity,
)
from postaudit.report.tally import Smallest
from postaudit.version import __version__

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison
    from postaudit.judge.gate import GateResult

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CATEGORY_ORDER = {c: i for i, c in enumerate((*SCORED_CATEGORIES, Category.FETCH))}
EXCERPT_LIMIT = 400


def esc(value: object, limit: int | None = None) -> str:
    """Page-derived text, safe inside HTML text and inside quoted attribute values."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return html.escape(text, quote=True)


def link(url: str | None, text: str | None = None, limit: int | None = None) -> str:
    """An http(s) URL as a link (other schemes as plain text), escaped."""
    if not url:
        return ""
    shown = esc(text if text is not None else url, limit)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return shown
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{shown}</a>'


def rule_link(code: str) -> str:
    """A rule code as a link to its documentation page (plain text for an unknown code)."""
    from postaudit.rules import BY_CODE

    if code not in BY_CODE:
        return f"<code>{esc(code)}</code>"
    return f'<a href="{esc(project.rule_doc_url(code))}"><code>{esc(code)}</code></a>'


def _band(score: int | None) -> str:
    return band(score)


def _badge(score: int | None) -> str:
    text = "n/a" if score is None else str(score)
    return f'<span class="badge {_band(score)}">{text}</span>'


def _bar(score: int | None) -> str:
    if score is None:
        return '<span class="bar none"><span style="width:0%"></span></span>'
    width = max(0, min(100, int(score)))
    return (
        f'<span class="bar {_band(score)}" role="img" aria-label="score {width} of 100">'
        f'<span style="width:{width}%"></span></span>'
    )


def _counts(counts: Mapping[Any, int]) -> str:
    parts = []
    for sev in SEVERITY_ORDER:
        n = int(counts.get(sev, counts.get(str(sev), 0)) or 0)
        word = str(sev) if sev is Severity.INFO or n == 1 else f"{sev}s"
        parts.append(f'<span class="sev {sev}{" zero" if not n else ""}">{n} {word}</span>')
    return " ".join(parts)


def _severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    out = {s: 0 for s in Severity}
    for f in findings:
        out[f.severity] += 1
    return out


_CSS = """
:root{--pass:#0a7d32;--average:#b45309;--fail:#c5221f;--none:#6b7280;--line:#e5e7eb;
--muted:#6b7280;--bg:#f9fafb;--error:#c5221f;--warning:#a16207;--info:#1d4ed8}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
margin:0;background:#fff}
main{max-width:1200px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;margin:32px 0 10px;
border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:1.05rem;margin:18px 0 6px}
.muted{color:var(--muted)}.small{font-size:.85rem}
a{color:#1d4ed8;word-break:break-all}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:140px;background:var(--bg)}
.card .k{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:1.5rem;font-weight:650}
.badge{display:inline-block;min-width:2.6em;text-align:center;border-radius:999px;
padding:1px 8px;font-weight:700;color:#fff;font-variant-numeric:tabular-nums}
.badge.pass{background:var(--pass)}.badge.average{background:var(--average)}
.badge.fail{background:var(--fail)}.badge.none{background:var(--none)}
.badge.big{font-size:1.6rem;padding:4px 16px}
.bar{display:inline-block;width:120px;height:10px;border-radius:5px;background:var(--line);
vertical-align:middle;overflow:hidden}
.bar>span{display:block;height:100%}
.bar.pass>span{background:var(--pass)}.bar.average>span{background:var(--average)}
.bar.fail>span{background:var(--fail)}
.dist{display:flex;height:16px;border-radius:8px;overflow:hidden;max-width:520px;background:var(--line)}
.dist span{display:block;height:100%}
.dist .pass{background:var(--pass)}.dist .average{background:var(--average)}.dist .fail{background:var(--fail)}
.legend span{margin-right:14px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}
.dot.pass{background:var(--pass)}.dot.average{background:var(--average)}.dot.fail{background:var(--fail)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);
background:var(--bg);position:sticky;top:0}
th[data-sort]{cursor:pointer}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{font-size:.85rem;white-space:nowrap}.sev.zero{color:var(--muted)}
.sev.error{color:var(--error);font-weight:600}.sev.warning{color:var(--warning);font-weight:600}
.sev.info{color:var(--info)}.sev.zero{color:var(--muted);font-weight:400}
code,.code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
background:var(--bg);border-radius:4px;padding:1px 4px;word-break:break-all}
pre.excerpt{white-space:pre-wrap;word-break:break-all;margin:4px 0 0;font-size:12px;
color:#374151;background:var(--bg);padding:4px 6px;border-radius:4px;max-height:9em;overflow:auto}
details.page{border:1px solid var(--line);border-radius:8px;margin:8px 0;background:#fff}
details.page>summary{cursor:pointer;padding:8px 12px;list-style-position:inside}
details.page>div{padding:0 14px 10px}
details.page[open]>summary{border-bottom:1px solid var(--line)}
.title{font-weight:600}.error-line{color:var(--fail);font-weight:600}
.fix{color:var(--muted);font-size:.85rem}
td.url{min-width:16em;max-width:24em}td.where{max-width:16em}
.cats td{border:none;padding:2px 8px}
.gate.failed{color:var(--fail);font-weight:700}.gate.passed{color:var(--pass);font-weight:700}
ul.plain{margin:4px 0;padding-left:20px}
@media print{details.page{break-inside:avoid}th{position:static}}
"""

_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function(t){
  t.querySelectorAll("th[data-sort]").forEach(function(th,i){
    th.addEventListener("click",function(){
      var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=th.dataset.sort==="n",
          dir=th.dataset.dir==="asc"?-1:1;th.dataset.dir=dir===1?"asc":"desc";
      rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,
        c=y.cells[i].dataset.v||y.cells[i].textContent;
        if(num){a=parseFloat(a);c=parseFloat(c);a=isNaN(a)?-1:a;c=isNaN(c)?-1:c;}
        return (a<c?-1:a>c?1:0)*dir;});
      rows.forEach(function(r){b.appendChild(r);});});});});
"""


def _findings_table(findings: Sequence[Finding], *, with_url: bool = False) -> str:
    if not findings:
        return '<p class="muted">No findings.</p>'
    ordered = sorted(
        findings,
        key=lambda f: (
            _CATEGORY_ORDER.get(f.category, 99),
            SEVERITY_ORDER.index(f.severity),
            f.code,
            f.location.line or 0,
        ),
    )
    rows = []
    for f in ordered:
        where = []
        if f.location.line is not None:
            where.append(f"line {int(f.location.line)}")
        if f.location.selector:
            where.append(f'<span class="code">{esc(f.location.selector, 200)}</span>')
        body = esc(f.message)
        if f.fix:
            body += f'<div class="fix">→ {esc(f.fix)}</div>'
        if f.location.excerpt:
            body += f'<pre class="excerpt">{esc(f.location.excerpt, EXCERPT_LIMIT)}</pre>'
        page = f'<td class="url">{link(f.url, limit=120)}</td>' if with_url else ""
        rows.append(
            f'<tr><td class="sev {f.severity}">{esc(f.severity)}</td>'
            f'<td>{rule_link(f.code)}<br><span class="small muted">{esc(f.name)}</span></td>'
            f'{page}<td>{body}</td><td class="small where">{" · ".join(where)}</td></tr>'
        )
    head = "<th>Page</th>" if with_url else ""
    return (
        "<table><thead><tr><th>Severity</th><th>Rule</th>"
        f"{head}<th>Finding</th><th>Where</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _page_section(index: int, page: PageResult) -> str:
    title = page.facts.get("title")
    counts = page.counts()
    head = (
        f"<summary>{_badge(page.score)} {_bar(page.score)} "
        f'<span class="title">{esc(title, 200) if title else "<i>(no title)</i>"}</span><br>'
        f'<span class="small">{esc(page.url, 300)}</span> &nbsp; {_counts(counts)}</summary>'
    )
    parts = [f'<details class="page" id="page-{index}">{head}<div>']
    parts.append(f'<p class="small">{link(page.url, limit=300)}')
    if page.final_url and page.final_url != page.url:
        parts.append(f" → {link(page.final_url, limit=300)}")
    if page.status is not None:
        parts.append(f" · HTTP {int(page.status)}")
    parts.append("</p>")
    if page.error is not None:
        parts.append(f'<p class="error-line">Could not audit: {esc(page.error)}</p>')
    if page.categories:
        cats = []
        for cat in SCORED_CATEGORIES:
            if cat not in page.categories:
                continue
            score = page.categories.get(cat)
            cats.append(
                f'<tr><td>{esc(cat.label)}</td><td class="num">'
                f"{'n/a' if score is None else int(score)}</td><td>{_bar(score)}</td></tr>"
            )
        parts.append(f'<table class="cats" style="width:auto">{"".join(cats)}</table>')
    parts.append(_findings_table(page.findings))
    parts.append("</div></details>")
    return "".join(parts)


_BANDS = {"pass": "90-100", "average": "50-89", "fail": "0-49"}


@dataclass(slots=True)
class _Survey:
    """What the summary reads of the pages, from one pass over them: their number, the
    index of each page the summary links to, and the figures the report's summary
    lacks (an older or hand-made report), counted from the pages."""

    summary: Mapping[str, Any]
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)
    scores: list[int | None] = field(default_factory=list)
    failed: int = 0
    counts: dict[Severity, int] = field(default_factory=lambda: _severity_counts(()))
    bands: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_BANDS.values(), 0))
    worst: Smallest[tuple[int, str, Any, int]] | None = None
    frequent: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    linked: set[str] | None = field(default=None, init=False)  # None: every page
    tally_rules: bool = field(default=False, init=False)  # the summary has no "frequent"

    def __post_init__(self) -> None:
        self.tally_rules = not isinstance(self.summary.get("frequent"), list)
        worst = self.summary.get("worst")
        if isinstance(worst, list):
            self.linked = {str(w.get("url")) for w in worst if isinstance(w, Mapping)}
        else:
            self.worst = Smallest(10, lambda row: (row[0], row[1]))

    def add(self, i: int, p: PageResult) -> None:
        self.pages += 1
        if self.linked is None or p.url in self.linked:
            self.anchors[p.url] = i  # a URL listed twice links to its last page
        if "score" not in self.summary:
            self.scores.append(p.score)
        if p.error is not None:
            self.failed += 1
        for f in p.findings:
            self.counts[f.severity] += 1
        if p.score is not None:
            self.bands[_BANDS[band(p.score)]] += 1
            if self.worst is not None:
                self.worst.add((p.score, p.url, p.facts.get("title"), len(p.findings)))
        if not self.tally_rules:
            return
        seen = set()
        for f in p.findings:
            entry = self.frequent.setdefault((f.code, f.name), [0, 0])
            entry[1] += 1
            if (f.code, f.name) not in seen:
                seen.add((f.code, f.name))
                entry[0] += 1


def _summary_cards(report: Report, survey: _Survey) -> str:
    summary = report.summary
    score = summary.get("score") if "score" in summary else site_score(survey.scores)
    score = score if isinstance(score, int) and not isinstance(score, bool) else None
    audited = summary.get("pages", survey.pages)
    failed = summary.get("failed", survey.failed)
    raw_skipped = summary.get("skipped")
    skipped: Mapping[str, Any] = raw_skipped if isinstance(raw_skipped, Mapping) else {}
    skipped_total: int = sum(v for v in skipped.values() if isinstance(v, int))
    counts = summary.get("counts") if isinstance(summary.get("counts"), Mapping) else None
    if counts is None:
        counts = {str(k): v for k, v in survey.counts.items()}
    cards = [
        ("Site score", _badge(score).replace('class="badge', 'class="badge big')),
        ("Pages audited", esc(audited)),
        ("Failed to fetch", esc(failed)),
    ]
    if skipped:
        cards.append(("Skipped", esc(skipped_total)))
    not_audited = summary.get("not_audited")
    if isinstance(not_audited, list) and not_audited:
        cards.append(("Not audited", esc(len(not_audited))))
    cards.append(("Findings", _counts(counts)))
    if report.site_findings:
        cards.append(("Site findings", _counts(_severity_counts(report.site_findings))))
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="k">{k}</div><div class="v">{v}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )


def _distribution(summary: Mapping[str, Any], survey: _Survey) -> str:
    dist = summary.get("distribution")
    if not isinstance(dist, Mapping):
        dist = survey.bands
    values = [("pass", "90-100"), ("average", "50-89"), ("fail", "0-49")]
    total = sum(int(dist.get(label, 0) or 0) for _, label in values)
    if not total:
        return ""
    spans = "".join(
        f'<span class="{cls}" style="width:{100 * int(dist.get(label, 0) or 0) / total:.2f}%"></span>'
        for cls, label in values
    )
    legend = "".join(
        f'<span><span class="dot {cls}"></span>{label}: {int(dist.get(label, 0) or 0)}</span>'
        for cls, label in values
    )
    return (
        "<h3>Score distribution</h3>"
        f'<div class="dist" role="img" aria-label="score distribution">{spans}</div>'
        f'<p class="legend small">{legend}</p>'
    )


def _worst(summary: Mapping[str, Any], survey: _Survey) -> str:
    worst = summary.get("worst")
    rows: list[tuple[str, int | None, Any, Any]] = []
    if isinstance(worst, list):
        for w in worst:
            if isinstance(w, Mapping):
                rows.append((str(w.get("url")), w.get("score"), w.get("title"), w.get("findings")))
    elif survey.worst is not None:
        rows = [(url, score, title, n) for score, url, title, n in survey.worst.result()]
    if not rows:
        return ""
    anchors = survey.anchors
    body = []
    for url, score, title, n in rows:
        score = score if isinstance(score, int) and not isinstance(score, bool) else None
        target = (
            f'<a href="#page-{anchors[url]}">{esc(url, 120)}</a>'
            if url in anchors
            else link(url, limit=120)
        )
        body.append(
            f'<tr><td class="num">{_badge(score)}</td><td>{_bar(score)}</td>'
            f'<td>{target}<br><span class="small muted">{esc(title, 160)}</span></td>'
            f'<td class="num">{esc(n)}</td></tr>'
        )
    return (
        '<h3>Worst pages</h3><table><thead><tr><th class="num">Score</th><th></th>'
        '<th>Page</th><th class="num">Findings</th></tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>"
    )


def _frequent(summary: Mapping[str, Any], survey: _Survey) -> str:
    frequent = summary.get("frequent")
    rows: list[tuple[Any, Any, Any, Any]] = []
    if isinstance(frequent, list):
        rows = [
            (f.get("code"), f.get("name"), f.get("pages"), f.get("findings"))
            for f in frequent
            if isinstance(f, Mapping)
        ]
    else:
        top = sorted(survey.frequent.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:10]
        rows = [(c, n, v[0], v[1]) for (c, n), v in top]
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{rule_link(str(code))}</td><td>{esc(name)}</td>"
        f'<td class="num">{esc(n_pages)}</td><td class="num">{esc(n)}</td></tr>'
        for code, name, n_pages, n in rows
    )
    return (
        "<h3>Most frequent findings</h3><table><thead><tr><th>Rule</th><th>Name</th>"
        '<th class="num">Pages</th><th class="num">Findings</th></tr></thead><tbody>'
        + body
        + "</tbody></table>"
    )


def _url_list(title: str, urls: Any, note: str = "") -> str:
    if not isinstance(urls, list) or not urls:
        return ""
    items = "".join(f"<li>{link(str(u), limit=200)}</li>" for u in urls[:1000])
    more = f"<li>and {len(urls) - 1000} more</li>" if len(urls) > 1000 else ""
    return (
        f"<details><summary>{esc(title)} ({len(urls)})</summary>"
        f'{f"<p class=small>{esc(note)}</p>" if note else ""}<ul class="plain">{items}{more}</ul></details>'
    )


def _outside_list(outside: Any) -> str:
    """Pages and sitemaps outside the site (a sitemap run's boundary), with reasons."""
    if not isinstance(outside, list) or not outside:
        return ""
    named = [o for o in outside if isinstance(o, Mapping)]
    items = "".join(
        f"<li>{link(str(o.get('url', '')), limit=200)}: {esc(str(o.get('reason', '')))}</li>"
        for o in named[:1000]
    )
    more = f"<li>and {len(named) - 1000} more</li>" if len(named) > 1000 else ""
    return (
        f"<details><summary>Outside the site ({len(named)})</summary>"
        "<p class=small>Listed in (or reached from) the sitemap, but on another site: "
        f'not fetched (--allow-host widens the site).</p><ul class="plain">{items}{more}</ul></details>'
    )


def _pages_table(pages: Iterable[PageResult]) -> Iterator[str]:
    """The sortable table of pages, a row at a time."""
    yield (
        '<table class="sortable"><thead><tr><th class="num" data-sort="n">Score</th><th></th>'
        '<th data-sort="s">Page</th><th class="num" data-sort="n">Errors</th>'
        '<th class="num" data-sort="n">Warnings</th><th class="num" data-sort="n">Info</th>'
        "</tr></thead><tbody>"
    )
    for i, p in enumerate(pages):
        c = p.counts()
        title = p.facts.get("title")
        score_v = "" if p.score is None else str(int(p.score))
        yield (
            f'<tr><td class="num" data-v="{score_v}">{_badge(p.score)}</td><td>{_bar(p.score)}</td>'
            f'<td><a href="#page-{i}">{esc(p.url, 120)}</a><br>'
            f'<span class="small muted">{esc(title, 140) if title else ""}</span>'
            f"{'<br><span class=error-line>' + esc(p.error, 200) + '</span>' if p.error else ''}</td>"
            f'<td class="num">{c[Severity.ERROR]}</td><td class="num">{c[Severity.WARNING]}</td>'
            f'<td class="num">{c[Severity.INFO]}</td></tr>'
        )
    yield "</tbody></table>"


class _Parts:
    """Writes the document's parts to `out`, a line break between two non-empty ones
    (what `"\\n".join(p for p in parts if p)` gives)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._first = True

    def add(self, part: str) -> None:
        if part:
            if not self._first:
                self._out.write("\n")
            self._first = False
            self._out.write(part)

    def add_pieces(self, pieces: Iterable[str]) -> None:
        """One part written piece by piece (its first piece is not empty)."""
        for i, piece in enumerate(pieces):
            if i:
                self._out.write(piece)
            else:
                self.add(piece)


def write_html(
    out: TextIO,
    pages: Callable[[], Iterable[PageResult]],
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
) -> None:
    """The report as one self-contained HTML document, to `out`, with the pages from
    `pages()` (in URL order, read anew at each call) and the summary and site findings
    of `report`. The pages are read three times, one at a time: for the summary, for
    the pages table and for the findings by page; memory stays flat."""
    summary = report.summary
    survey = _Survey(summary)
    for i, page in enumerate(pages()):
        survey.add(i, page)
    sitemap = summary.get("sitemap") if isinstance(summary.get("sitemap"), Mapping) else None
    source = sitemap.get("source") if sitemap else None
    n = survey.pages
    parts = _Parts(out)
    for part in (
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>postaudit report: {esc(source) if source else f'{n} page' + ('s' if n != 1 else '')}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>postaudit report</h1>",
        f'<p class="muted small">{link(project.homepage(), "postaudit")} {esc(__version__)}'
        + (f" · sitemap {link(str(source), limit=200)}" if source else "")
        + "</p>",
    ):
        parts.add(part)
    if gate is not None:
        from postaudit.judge.gate import summary_line

        state = "passed" if gate.passed else "failed"
        parts.add(f'<p class="gate {state}">Gate {esc(summary_line(gate))}</p>')
        if len(gate.reasons) > 1:
            parts.add(
                '<ul class="plain">' + "".join(f"<li>{esc(r)}</li>" for r in gate.reasons) + "</ul>"
            )
    if summary.get("complete") is False:
        parts.add(
            '<p class="error-line">The run was stopped before every page was audited; '
            "the pages not audited are listed below.</p>"
        )
    parts.add("<h2>Summary</h2>")
    parts.add(_summary_cards(report, survey))
    parts.add(_distribution(summary, survey))
    parts.add(_worst(summary, survey))
    parts.add(_frequent(summary, survey))
    skipped = summary.get("skipped")
    if isinstance(skipped, Mapping) and any(skipped.values()):
        from postaudit.report.skips import describe_skips

        parts.add(f'<p class="small">Skipped: {esc(describe_skips(skipped))}</p>')
    parts.add(
        _url_list(
            "Disallowed by robots.txt",
            summary.get("disallowed"),
            "Listed in the sitemap, but robots.txt forbids fetching them: not audited.",
        )
    )
    parts.add(_url_list("Not audited (the run was stopped)", summary.get("not_audited")))
    parts.add(_outside_list(summary.get("outside")))
    if sitemap and sitemap.get("problems"):
        items = "".join(f"<li>{esc(p)}</li>" for p in sitemap["problems"])
        parts.add(
            f'<details><summary>Sitemap notes ({len(sitemap["problems"])})</summary><ul class="plain">{items}</ul></details>'
        )
    if comparison is not None:
        parts.add(
            "<h2>Against the baseline</h2>"
            f"<p>{len(comparison.new_findings)} new finding(s), "
            f"{len(comparison.fixed_findings)} fixed, {len(comparison.score_drops)} score drop(s) "
            f"beyond the tolerance; baseline {esc(comparison.baseline)}.</p>"
        )
    parts.add(f"<h2>Site findings ({len(report.site_findings)})</h2>")
    if report.site_findings:
        parts.add(_findings_table(report.site_findings, with_url=True))
    else:
        parts.add('<p class="muted">No site-level findings.</p>')
    parts.add(f"<h2>Pages ({n})</h2>")
    if n:
        parts.add_pieces(_pages_table(pages()))
        parts.add("<h2>Findings by page</h2>")
        for i, p in enumerate(pages()):
            parts.add(_page_section(i, p))
    else:
        parts.add('<p class="muted">No pages in this report.</p>')
    parts.add(f"</main><script>{_SORT_JS}</script></body></html>\n")


def render_html(
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
) -> str:
    """The report as one self-contained HTML document."""
    buffer = io.StringIO()
    pages = sorted(report.pages, key=lambda p: p.url)
    write_html(buffer, lambda: pages, report, comparison=comparison, gate=gate)
    return buffer.getvalue()


__all__ = ["esc", "link", "render_html", "write_html"]
