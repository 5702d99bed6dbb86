"""The `postaudit sitemap` and `postaudit merge` commands between the CLI and the batch.

`sitemap_command` wires a batch run to its outputs: JSONL outputs are streamed page by
page (flushed); every other output (and the baseline `--update-baseline` writes) is
built at the end from a `JsonSpool` on disk, one page at a time, so memory stays flat;
the gate and a baseline comparison read what the `Keeper` kept (scores and the findings
that count); the site summary and site findings come from a `SiteCollector` fed with
every page.
`--resume FILE` reads the pages already in a partial JSONL file, audits only the
others, and appends them to the file; the finished report is the one an uninterrupted
run would have written. `merge_streamed` joins shard reports the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from postaudit.config import Config
from postaudit.gather.sitemap_select import SitemapOptions, SitemapResult
from postaudit.judge.site import SiteCollector
from postaudit.model import PageResult, Report
from postaudit.report.dispatch import STREAMED, Output
from postaudit.report.jsonl import JsonlWriter
from postaudit.report.skips import describe_skips
from postaudit.report.spool import JsonSpool
from postaudit.run.batch import BatchOptions, BatchResult, Keeper, audit_sitemap, batch_summary
from postaudit.safeio import PendingFile, WriteError, write_error, write_text_atomic

Say = Callable[[str], None]


class CommandError(ValueError):
    """A usage problem found while preparing the run (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Resumed:
    path: str
    pages: list[PageResult]
    damaged: int


def read_resume(path: str) -> Resumed:
    """The finished pages of a partial JSONL file, which is rewritten with only those
    lines (an old summary line and a line cut off mid-write are dropped) so that new
    pages can be appended. A missing file is an empty one."""
    from postaudit.report.load import ReportError, read_jsonl_text
    from postaudit.safeio import InputError, read_text_bounded

    file = Path(path)
    if not file.exists():
        return Resumed(path, [], 0)
    try:
        text = read_text_bounded(file, f"--resume {path}")
    except InputError as exc:
        raise CommandError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CommandError(f"--resume {path}: cannot read: {reason}") from None
    try:
        content = read_jsonl_text(text, path)
    except ReportError as exc:
        raise CommandError(f"--resume {path}: {exc}") from None
    if text.strip() and not content.pages and content.summary is None:
        raise CommandError(f"--resume {path} is not a postaudit JSONL report")
    try:
        write_text_atomic(file, "".join(line + "\n" for line in content.lines))
    except OSError as exc:
        raise CommandError(f"--resume {path}: cannot rewrite: {exc.strerror}") from None
    return Resumed(path, content.pages, content.damaged)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


@dataclass(slots=True)
class Outputs:
    """The JSONL streams of a run and the outputs rendered at the end."""

    writers: list[JsonlWriter]
    resume_writer: JsonlWriter | None
    rendered: list[Output]

    def close(self) -> None:
        """End every stream (a JSONL file moves into place, also after an interrupt:
        its complete lines are what `--resume` continues from); one that fails does
        not stop the others, then one `WriteError` names them all."""
        failed = []
        for writer in self.writers:
            try:
                writer.close()
            except WriteError as exc:
                failed.append(str(exc))
        if failed:
            raise WriteError("; ".join(failed))


def open_outputs(outputs: Sequence[Output], resume: str | None) -> Outputs:
    """Open every JSONL output before the run: a file as a temporary file beside it
    (moved into place at the end), the --resume file in append mode (appending never
    cuts what is there)."""
    writers: list[JsonlWriter] = []
    resume_writer: JsonlWriter | None = None
    rendered: list[Output] = []
    pending: list[PendingFile] = []
    streams: list[IO[str]] = []
    path = ""
    try:
        for out in outputs:
            if out.format != "jsonl":
                rendered.append(out)
                continue
            if out.path is None:
                writers.append(JsonlWriter(sys.stdout))
            elif resume is not None and _same_file(out.path, resume):
                continue  # the resume file is opened below
            else:
                path = out.path
                file = PendingFile(path)
                pending.append(file)
                writers.append(
                    JsonlWriter(file.stream, on_close=file.commit, discard=file.discard, name=path)
                )
        if resume is not None:
            path = resume
            appended = open(resume, "a", encoding="utf-8")  # noqa: SIM115
            streams.append(appended)
            resume_writer = JsonlWriter(appended, close=True, name=resume)
            writers.append(resume_writer)
    except OSError as exc:
        for file in pending:
            file.discard()
        for opened in streams:
            opened.close()
        raise CommandError(write_error(path, exc)) from None
    return Outputs(writers, resume_writer, rendered)


@dataclass(frozen=True, slots=True)
class CommandResult:
    report: Report
    batch: BatchResult
    rendered: list[Output]  # the outputs still to render (all but JSONL)
    spool: JsonSpool | None = None  # every page, for the JSON outputs and the baseline
    failed: str | None = None  # the JSONL outputs that could not be written (one line)


@dataclass(slots=True)
class _Sinks:
    """Where every finished page goes: the site collector, the `Keeper`, the JSON
    spool and the JSONL streams."""

    collector: SiteCollector
    keeper: Keeper
    spool: JsonSpool | None
    opened: Outputs

    def add(self, page: PageResult, *, resumed: bool = False) -> None:
        """One page; a `resumed` one is already in the --resume file."""
        self.collector.add(page)
        self.keeper.add(page)
        if self.spool is not None:
            self.spool.add(page)
        for writer in self.opened.writers:
            if not (resumed and writer is self.opened.resume_writer):
                writer.page(page)


def _sinks(config: Config, opened: Outputs, *, keep_all_findings: bool, spool_json: bool) -> _Sinks:
    # the JSONL outputs are streamed as pages finish; the others (`opened.rendered`)
    # are written from the spool at the end
    streamed = spool_json or any(o.format in STREAMED for o in opened.rendered)
    spool = JsonSpool() if streamed else None
    # every output but JSONL is written from the spool; the gate and a baseline
    # comparison read scores and findings only
    keeper = Keeper(fail_on=config.fail_on, all_findings=keep_all_findings)
    return _Sinks(SiteCollector(), keeper, spool, opened)


def _resume(resume: str, resumed: Resumed, sinks: _Sinks, say: Say) -> None:
    """Hand on the pages already in the --resume file, and say how many there are."""
    for page in resumed.pages:
        sinks.add(page, resumed=True)
    extra = f" ({resumed.damaged} incomplete line{'s' * (resumed.damaged != 1)} dropped)"
    say(
        f"resuming from {resume}: {len(resumed.pages):,} page"
        f"{'s' * (len(resumed.pages) != 1)} already audited" + (extra if resumed.damaged else "")
    )


def _sitemap_teller(say: Say, verbose: int) -> Callable[[SitemapResult], None]:
    def on_sitemap(found: SitemapResult) -> None:
        say(f"sitemap: {found.summary()}")
        if verbose:
            for problem in found.problems:
                say(f"sitemap: {problem}")

    return on_sitemap


def _conclude_batch(
    config: Config, result: BatchResult, sinks: _Sinks, say: Say
) -> tuple[Report, str | None]:
    """The batch's site findings and summary, written to the JSONL streams (which
    close), one line on the terminal, and the report; with the JSONL outputs that
    could not be written (one line)."""
    collector, opened = sinks.collector, sinks.opened
    site_findings = collector.findings(config.ruleset(), config.ignored_for)
    summary = batch_summary(collector.summary(site_findings), result)
    for writer in opened.writers:
        writer.summary(summary, site_findings)
    failed = None
    try:
        opened.close()
    except WriteError as exc:
        failed = str(exc)
    rate = result.audited / result.elapsed if result.elapsed > 0 else 0.0
    skipped = describe_skips(summary["skipped"])
    say(
        f"audited {result.audited:,} page{'s' * (result.audited != 1)} in "
        f"{result.elapsed:.1f} s ({rate:.1f} pages/s, {result.workers} "
        f"worker{'s' * (result.workers != 1)})" + (f"; skipped {skipped}" if skipped else "")
    )
    report = Report(
        pages=tuple(sorted(sinks.keeper.pages, key=lambda p: p.url)),
        site_findings=site_findings,
        summary=summary,
    )
    return report, failed


def sitemap_command(
    source: str,
    config: Config,
    outputs: Sequence[Output],
    sitemap_options: SitemapOptions,
    batch_options: BatchOptions,
    *,
    resume: str | None = None,
    keep_all_findings: bool = False,
    spool_json: bool = False,
    progress: Any = None,
    say: Say,
    verbose: int = 0,
) -> CommandResult:
    """Run the batch with its outputs (see the module docstring). `spool_json`: keep
    every page in the JSON spool even without a JSON output (for --update-baseline).
    Raises `SitemapError` when no sitemap can be read, `CommandError` for unusable
    files. The caller closes `CommandResult.spool`."""
    resumed = read_resume(resume) if resume is not None else Resumed("", [], 0)
    opened = open_outputs(outputs, resume)
    sinks = _sinks(config, opened, keep_all_findings=keep_all_findings, spool_json=spool_json)
    if resume is not None:
        _resume(resume, resumed, sinks, say)
    options = replace(batch_options, done=frozenset(p.url for p in resumed.pages))
    try:
        result = asyncio.run(
            audit_sitemap(
                source,
                config,
                sitemap_options,
                options,
                on_result=sinks.add,
                progress=progress,
                on_note=say,
                on_sitemap=_sitemap_teller(say, verbose),
            )
        )
    except BaseException:
        with contextlib.suppress(WriteError):  # the first problem is the one to tell
            opened.close()
        if sinks.spool is not None:
            sinks.spool.close()
        raise
    finally:
        if progress is not None:
            progress.stop()
    report, failed = _conclude_batch(config, result, sinks, say)
    return CommandResult(report, result, opened.rendered, sinks.spool, failed)


# --------------------------------------------------------------------------- merge


def merge_streamed(
    paths: Sequence[str], config: Config, *, all_findings: bool = False
) -> tuple[Report, JsonSpool]:
    """Shard reports joined into one, as if one run had audited every page: pages
    de-duplicated by URL (the first report holding a URL wins), the summary and the site
    findings recomputed (`merged_report`). The report files are read page by page
    (`ReportReader`), with memory flat in the number of pages: each new page goes to a `JsonSpool` (the first file
    holding a URL wins), and only its URL stays in memory. The pages are then read back
    in URL order for the site findings and a `Keeper` (what the gate and a baseline
    read). Every report format is written from the spool (`JsonSpool.pages`, the JSON
    report its `write_json`). Raises `ReportError`; the caller closes the spool."""
    from postaudit.report.load import ReportReader

    spool = JsonSpool()
    try:
        seen: set[str] = set()
        summaries: list[Mapping[str, Any]] = []
        for path in paths:
            reader = ReportReader(path)
            for page in reader.pages():
                if page.url not in seen:
                    seen.add(page.url)
                    spool.add(page)
            summaries.append(reader.summary)
        del seen
        keeper = Keeper(fail_on=config.fail_on, all_findings=all_findings)
        collector = SiteCollector()
        for page in spool.pages():
            collector.add(page)
            keeper.add(page)
        return merged_report(keeper.pages, collector, summaries, config), spool
    except BaseException:
        spool.close()
        raise


def merged_report(
    pages: Sequence[PageResult],
    collector: SiteCollector,
    summaries: Sequence[Mapping[str, Any]],
    config: Config,
) -> Report:
    """The merged report of `pages` (in URL order, all added to `collector`): the
    summary and site findings recomputed as if one run had audited every page. Intake
    figures (sitemaps read, entries skipped) are the first report's, without the `shard`
    skip; pages not audited and pages disallowed by robots.txt are the union of the
    reports'."""
    site_findings = collector.findings(config.ruleset(), config.ignored_for)
    summary: dict[str, Any] = collector.summary(site_findings)
    batches = [s for s in summaries if isinstance(s.get("sitemap"), dict)]
    if batches:
        first = batches[0]
        disallowed = sorted({u for b in batches for u in b.get("disallowed") or ()})
        audited = {p.url for p in pages}
        left = sorted({u for b in batches for u in b.get("not_audited") or ()} - audited)
        skipped = {
            k: v
            for k, v in dict(first.get("skipped") or {}).items()
            if k not in ("shard", "robots")
        }
        outside = {
            (str(o.get("url", "")), str(o.get("reason", ""))): None
            for b in batches
            for o in b.get("outside") or ()
            if isinstance(o, dict)
        }
        if outside:
            summary["outside"] = [{"url": u, "reason": r} for u, r in sorted(outside)]
        summary.update(
            {
                "complete": not left,
                "not_audited": left,
                "skipped": {"robots": len(disallowed), **skipped},
                "disallowed": disallowed,
                "sitemap": first["sitemap"],
            }
        )
    return Report(pages=tuple(pages), site_findings=site_findings, summary=summary)


__all__ = [
    "CommandError",
    "CommandResult",
    "Outputs",
    "merge_streamed",
    "merged_report",
    "open_outputs",
    "read_resume",
    "sitemap_command",
]
