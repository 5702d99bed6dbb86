"""Command line: build the Config, call the runner, render, choose the exit code.

Thin on purpose; heavy modules (bs4, httpx, rich, textstat) are imported inside the
commands so `postaudit --help` and a one-file audit start fast.
Exit codes: 0 passed; 1 the gate failed (see `postaudit.judge.gate`: findings at or above
--fail-on, a score under --fail-under, regressions against --baseline, unreachable
pages); 2 usage, config or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from postaudit.options import audit_options, network_safety_options, sitemap_options
from postaudit.version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from postaudit.config import Config
    from postaudit.judge.baseline import Baseline, Comparison
    from postaudit.judge.gate import GateResult
    from postaudit.model import Report
    from postaudit.report.dispatch import JsonWriter, Output, PageSource

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2


class UsageFailure(click.ClickException):
    """A one-line error with exit code 2 (click's own convention for usage errors)."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"postaudit: error: {self.format_message()}", err=True)


def _split(values: Sequence[str]) -> tuple[str, ...]:
    """Repeatable options also accept comma-separated lists: --select A,H."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _headers(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise UsageFailure(f"--header {value!r}: expected 'Name: value'")
        if any(c in content for c in "\r\n"):
            raise UsageFailure(f"--header {name.strip()!r}: value must be one line")
        out.append((name.strip(), content.strip()))
    return tuple(out)


def build_config(
    *,
    config_file: str | None,
    targets: Sequence[str] | None = None,
    keywords: Sequence[str] = (),
    locations: Sequence[str] = (),
    fmt: Sequence[str] = (),
    output: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    rule_options: Sequence[str] = (),
    content_selector: str | None = None,
    lang: str | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    user_agent: str | None = None,
    headers: Sequence[str] = (),
    fail_on: str | None = None,
    fail_under: Sequence[str] = (),
    baseline: str | None = None,
    tolerance: int | None = None,
    allow_unreachable: bool | None = None,
    links: str | None = None,
    exclude_links: Sequence[str] = (),
    base_url: str | None = None,
    link_timeout: float | None = None,
    link_retries: int | None = None,
    retry_after_cap: float | None = None,
    allow_hosts: Sequence[str] = (),
    respect_robots: bool | None = None,
    **_: Any,
) -> Config:
    from postaudit import config as cfg
    from postaudit import rules as registry

    try:
        source: str | None
        if config_file:
            table, source = cfg.load_file(Path(config_file))
        elif targets is not None:
            table, source = cfg.find_config_for(targets)
        else:
            table, source = cfg.find_config()
        base = cfg.build(table, source)
        sel, ign = _split(select), _split(ignore)
        for s in (*sel, *ign):
            registry.matching(s)
        parsed = [cfg.parse_rule_option(o) for o in rule_options]
        rules_table = cfg.merge_rules(base.rules, parsed) if parsed else None
        minimums = dict(cfg.parse_fail_under(v) for v in _split(fail_under))
        hosts = cfg.check_allow_hosts(_split(allow_hosts), "--allow-host")
        return base.with_flags(
            allow_hosts=(*base.allow_hosts, *hosts) if hosts else None,
            respect_robots=respect_robots or None,
            keywords=tuple(keywords),
            locations=tuple(locations),
            format=tuple(fmt),
            output=output,
            select=sel,
            ignore=ign,
            rules=rules_table,
            content_selector=content_selector,
            lang=lang,
            timeout=timeout,
            max_bytes=max_bytes,
            user_agent=user_agent,
            headers=_headers(headers),
            fail_on=fail_on,
            fail_under={**base.fail_under, **minimums} if minimums else None,
            baseline=baseline,
            tolerance=tolerance,
            allow_unreachable=allow_unreachable or None,
            **_link_flags(
                links=links,
                exclude_links=list(exclude_links),
                base_url=base_url,
                link_timeout=link_timeout,
                link_retries=link_retries,
                retry_after_cap=retry_after_cap,
            ),
        )
    except (cfg.ConfigError, registry.UnknownRuleError) as exc:
        raise UsageFailure(str(exc)) from None


def _link_flags(**flags: Any) -> dict[str, Any]:
    """Link-phase flags, validated like the config keys of the same names."""
    from postaudit import config as cfg

    flag = {"exclude_links": "--exclude-link"}
    return {
        key: cfg.check_link_setting(
            key, flag.get(key, "--" + key.replace("_", "-")), value, "command line"
        )
        for key, value in flags.items()
        if value is not None and value != []
    }


def make_console(*, stderr: bool = False, no_color: bool = False, file: Any = None) -> Console:
    from rich.console import Console

    no_color = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(file=file, stderr=stderr, no_color=no_color, highlight=False, soft_wrap=False)


def plan_outputs(config: Config, *, no_color: bool) -> list[Output]:
    """The --format / -o destinations, checked before any page is audited."""
    from postaudit.report.dispatch import OutputError, plan

    try:
        return plan(config.format, config.output, no_color=no_color)
    except OutputError as exc:
        raise UsageFailure(str(exc)) from None


def emit(
    report: Report,
    config: Config,
    *,
    no_color: bool,
    quiet: bool,
    verbose: int,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    outputs: Sequence[Output] | None = None,
    json_writer: JsonWriter | None = None,
    pages: PageSource | None = None,
) -> str | None:
    """Render `report` in every configured format (or only `outputs`), to stdout or
    files; `json_writer` streams the JSON outputs, and with `pages` (the pages read
    back from a spool) the other streamed formats are written from them. Returns what could not be written
    (one line), for `finish` to report after the baseline is written."""
    from postaudit.report import dispatch

    try:
        dispatch.emit(
            plan_outputs(config, no_color=no_color) if outputs is None else outputs,
            report,
            comparison=comparison,
            gate=gate,
            fail_on=config.fail_on,
            verbose=verbose,
            quiet=quiet,
            echo=lambda text: click.echo(text, nl=False),
            json_writer=json_writer,
            pages=pages,
        )
    except dispatch.OutputError as exc:
        return str(exc)
    return None


def load_baseline(config: Config, *, update: bool) -> Baseline | None:
    """The --baseline to compare with (None when there is none yet and we update it)."""
    from postaudit.judge.baseline import BaselineError, load

    if update and not config.baseline:
        raise UsageFailure("--update-baseline needs --baseline FILE (or `baseline` in config)")
    if not config.baseline:
        return None
    if update and not Path(config.baseline).exists():
        return None
    try:
        return load(config.baseline)
    except BaselineError as exc:
        if not update:
            raise UsageFailure(str(exc)) from None
        click.echo(f"postaudit: replacing an unusable baseline: {exc}", err=True)
        return None


def verdict(
    report: Report, config: Config, baseline: Baseline | None, *, update: bool
) -> tuple[Comparison | None, GateResult]:
    """The comparison to show and the gate's verdict. With --update-baseline the run is
    judged against the baseline it writes (so its findings are accepted), while the
    comparison still shows what changed since the old one."""
    from postaudit.judge.baseline import compare, from_report
    from postaudit.judge.gate import decide

    shown = compare(report, baseline, tolerance=config.tolerance) if baseline else None
    if update:
        accepted = compare(report, from_report(report), tolerance=config.tolerance)
        return shown, decide(report, config, accepted)
    return shown, decide(report, config, shown)


def finish(
    report: Report,
    config: Config,
    result: GateResult,
    *,
    update: bool,
    failed: str | None = None,
    json_writer: JsonWriter | None = None,
) -> None:
    """Write the new baseline when asked (with `json_writer` when the report is
    streamed), say why the gate failed, exit: 2 when an output (`failed`, from `emit`)
    or the baseline could not be written, after writing all the others."""
    from postaudit.report.ci import one_line
    from postaudit.report.dispatch import OutputError, write_file
    from postaudit.report.json import render_json
    from postaudit.safeio import atomic_text, write_error

    if update and config.baseline:
        try:
            if json_writer is None:
                write_file(config.baseline, render_json(report))
            else:
                with atomic_text(config.baseline) as fh:
                    json_writer(fh, None)
        except OutputError as exc:
            failed = f"{failed}; {exc}" if failed else str(exc)
        except OSError as exc:
            problem = write_error(config.baseline, exc)
            failed = f"{failed}; {problem}" if failed else problem
        else:
            click.echo(f"postaudit: baseline written to {config.baseline}", err=True)
    if failed:
        raise UsageFailure(failed)
    text_on_stdout = any(
        o.format == "text" and o.path is None for o in plan_outputs(config, no_color=True)
    )
    if not text_on_stdout:
        for reason in result.reasons:
            # one line each: a reason quotes URLs, and a line starting "::" on stderr is
            # a workflow command in GitHub Actions
            click.echo(f"postaudit: gate failed: {one_line(reason)}", err=True)
    sys.exit(result.exit_code)


def conclude(
    report: Report,
    config: Config,
    baseline: Baseline | None,
    *,
    update: bool,
    no_color: bool,
    quiet: bool,
    verbose: int,
    judge_update: bool | None = None,
    outputs: Sequence[Output] | None = None,
    json_writer: JsonWriter | None = None,
    pages: PageSource | None = None,
    failed: str | None = None,
    stopped: Callable[[str | None], None] | None = None,
) -> None:
    """The one ending of `audit`, `sitemap` and `merge`: the verdict (`judge_update`: whether
    the run is judged against the baseline it writes; default `update`), emit every
    output, let `stopped` tell of a run cut short (it is given what could not be
    written, after `failed`, and may exit), then `finish`."""
    accept = update if judge_update is None else judge_update
    comparison, gate = verdict(report, config, baseline, update=accept)
    problem = emit(
        report,
        config,
        no_color=no_color,
        quiet=quiet,
        verbose=verbose,
        comparison=comparison,
        gate=gate,
        outputs=outputs,
        json_writer=json_writer,
        pages=pages,
    )
    failed = "; ".join(p for p in (failed, problem) if p) or None
    if stopped is not None:
        stopped(failed)
    finish(report, config, gate, update=update, failed=failed, json_writer=json_writer)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postaudit")
def cli() -> None:
    """Audit published articles for SEO and accessibility: alt text, keywords and
    locations, readability, headings, links and metadata."""


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@audit_options
@network_safety_options(sitemap=False)
def audit(
    targets: tuple[str, ...], no_color: bool, quiet: bool, verbose: int, **options: Any
) -> None:
    """Audit articles: URLs, HTML files, folders of built pages, or - for stdin."""
    from postaudit.gather import sources
    from postaudit.parse.content import SelectorError

    config = build_config(targets=targets, **options)
    update = bool(options.get("update_baseline"))
    plan_outputs(config, no_color=no_color)
    baseline = load_baseline(config, update=update)
    try:
        expanded = sources.expand(targets)
        if config.content_selector:
            from postaudit.parse.content import check_selector

            check_selector(config.content_selector)
    except (sources.TargetError, SelectorError) as exc:
        raise UsageFailure(str(exc)) from None
    if verbose:
        click.echo(f"postaudit: config from {config.source or 'defaults'}", err=True)
    # at most one byte over the cap: an endless pipe is an X004, not a full memory
    reading = any(t.kind == "stdin" for t in expanded)
    stdin_bytes = sys.stdin.buffer.read(config.max_bytes + 1) if reading else None
    from postaudit.run.runner import audit_targets

    max_time = options.get("max_time")
    try:
        report = audit_targets(expanded, config, stdin_bytes=stdin_bytes, max_time=max_time)
    except SelectorError as exc:
        raise UsageFailure(str(exc)) from None
    left = report.summary.get("not_audited") or []

    def stopped(failed: str | None) -> None:
        if left and max_time is not None:
            _stopped_after(max_time, len(left), failed)

    conclude(
        report,
        config,
        baseline,
        update=update,
        no_color=no_color,
        quiet=quiet,
        verbose=verbose,
        stopped=stopped,
    )


def _stopped_after(max_time: float, left: int, failed: str | None) -> None:
    """`--max-time` ran out: say so, exit 1 (the same for `audit` and `sitemap`); an
    output that could not be written (`failed`) makes it exit 2 with that line."""
    click.echo(
        f"postaudit: stopped after --max-time {max_time:g} s: {left:,} "
        f"page{'s' * (left != 1)} not audited (listed in the summary)",
        err=True,
    )
    if failed:
        raise UsageFailure(failed)
    sys.exit(EXIT_GATE)


def _sitemap_settings(options: dict[str, Any], allow_hosts: Sequence[str] = ()) -> Any:
    from postaudit.gather.sitemap_select import (
        SitemapOptions,
        parse_rewrite,
        parse_shard,
        parse_since,
    )

    try:
        return SitemapOptions(
            include=tuple(options.get("include") or ()),
            exclude=tuple(options.get("exclude") or ()),
            since=parse_since(options["since"]) if options.get("since") else None,
            rewrite=tuple(parse_rewrite(r) for r in options.get("rewrite") or ()),
            shard=parse_shard(options["shard"]) if options.get("shard") else None,
            limit=options.get("limit"),
            allow_hosts=allow_hosts,
        )
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None


@cli.command()
@click.argument("source")
@audit_options
@sitemap_options
@network_safety_options(sitemap=True)
def sitemap(source: str, no_color: bool, quiet: bool, verbose: int, **options: Any) -> None:
    """Audit every page of a sitemap: a sitemap URL, a site root (sitemaps found through
    robots.txt, then /sitemap.xml) or a local sitemap file."""
    from postaudit.run.start import prestart

    prestart(options.get("workers"))  # its imports run beside ours and the sitemap read
    from postaudit.gather.sitemap_xml import SitemapError
    from postaudit.parse.content import SelectorError, check_selector
    from postaudit.run.batch import BatchOptions
    from postaudit.run.sitemap_run import CommandError, sitemap_command
    from postaudit.safeio import WriteError

    config = build_config(**options)
    update = bool(options.get("update_baseline"))
    outputs = plan_outputs(config, no_color=no_color)
    settings = _sitemap_settings(options, config.allow_hosts)
    baseline = load_baseline(config, update=update)
    if config.content_selector:
        try:
            check_selector(config.content_selector)
        except SelectorError as exc:
            raise UsageFailure(str(exc)) from None
    resume = options.get("resume")
    if resume and not str(resume).strip():
        raise UsageFailure("--resume needs a file")
    ignore_robots = bool(options.get("ignore_robots"))
    if ignore_robots and options.get("respect_robots"):
        raise UsageFailure("--ignore-robots and --respect-robots contradict each other")
    if ignore_robots:
        click.echo(
            "postaudit: WARNING: --ignore-robots: robots.txt is NOT respected (Disallow and "
            "Crawl-delay are ignored); audit only sites you own or may test",
            err=True,
        )
    if verbose:
        click.echo(f"postaudit: config from {config.source or 'defaults'}", err=True)
    batch = BatchOptions(
        concurrency=options["concurrency"],
        per_host=options["per_host"],
        delay=options["delay"],
        respect_robots=not ignore_robots,
        workers=options.get("workers"),
        max_time=options.get("max_time"),
    )
    from postaudit.run import progress as bar

    shown = bar.BarProgress(no_color=no_color) if bar.wanted(quiet=quiet) else None
    try:
        done = sitemap_command(
            source,
            config,
            outputs,
            settings,
            batch,
            resume=resume,
            keep_all_findings=bool(baseline is not None or update or config.baseline),
            spool_json=update,
            progress=shown,
            say=lambda text: click.echo(f"postaudit: {text}", err=True),
            verbose=verbose,
        )
    except (SitemapError, CommandError, SelectorError, WriteError) as exc:
        raise UsageFailure(str(exc)) from None
    with contextlib.ExitStack() as stack:
        json_writer: JsonWriter | None = None
        if done.spool is not None:
            spool = stack.enter_context(contextlib.closing(done.spool))

            def json_writer(out: Any, comparison: Comparison | None) -> None:
                spool.write_json(out, done.report.site_findings, done.report.summary, comparison)

        _sitemap_finish(
            done,
            config,
            baseline,
            options,
            update=update,
            no_color=no_color,
            quiet=quiet,
            verbose=verbose,
            json_writer=json_writer,
        )


def _sitemap_finish(
    done: Any,
    config: Config,
    baseline: Baseline | None,
    options: dict[str, Any],
    *,
    update: bool,
    no_color: bool,
    quiet: bool,
    verbose: int,
    json_writer: JsonWriter | None,
) -> None:
    """Judge, render the outputs not streamed, write the baseline, exit."""
    result = done.batch
    interrupted = result.stopped is not None

    def stopped(failed: str | None) -> None:
        if failed and interrupted:
            raise UsageFailure(failed)
        left = len(result.not_audited)
        if result.stopped == "interrupted":
            click.echo(
                f"postaudit: interrupted: {result.audited:,} pages written, {left:,} not "
                "audited (continue with --resume FILE.jsonl)",
                err=True,
            )
            sys.exit(130)
        if result.stopped == "max-time":
            _stopped_after(options["max_time"], left, failed)

    conclude(
        done.report,
        config,
        baseline,
        update=update,
        no_color=no_color,
        quiet=quiet,
        verbose=verbose,
        judge_update=update and not interrupted,
        outputs=done.rendered,
        json_writer=json_writer,
        pages=done.spool.pages if done.spool is not None else None,
        failed=done.failed,
        stopped=stopped,
    )


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    multiple=True,
    metavar="FORMAT[=FILE]",
    help="Output formats, as for `audit` (default text).",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--config",
    "config_file",
    default=None,
    metavar="FILE",
    help="Config file (site rule settings, gates).",
)
@click.option("--select", multiple=True, metavar="RULES", help="Only these site rules.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these site rules.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None)
@click.option("--fail-under", multiple=True, metavar="[CATEGORY=]SCORE")
@click.option("--baseline", default=None, metavar="FILE")
@click.option("--update-baseline", is_flag=True)
@click.option("--tolerance", type=click.IntRange(min=0, max=100), default=None)
@click.option("--allow-unreachable", is_flag=True, default=None)
@click.option("--no-color", is_flag=True, help="No colours (also NO_COLOR=1).")
@click.option("-q", "--quiet", is_flag=True, help="Only scores and counts.")
@click.option("-v", "--verbose", count=True, help="More detail.")
def merge(
    reports: tuple[str, ...], no_color: bool, quiet: bool, verbose: int, **options: Any
) -> None:
    """Join JSON (or JSONL) reports, e.g. of `sitemap --shard K/N` jobs, into one:
    pages de-duplicated by URL, summary and site findings recomputed."""
    from postaudit.report.load import ReportError
    from postaudit.run.sitemap_run import merge_streamed

    config = build_config(**options)
    update = bool(options.get("update_baseline"))
    plan_outputs(config, no_color=no_color)  # a bad --format fails before any input is read
    baseline = load_baseline(config, update=update)
    try:
        # the inputs are read page by page and spooled: every output (and the
        # baseline) is written from the spool
        report, spool = merge_streamed(
            reports,
            config,
            all_findings=bool(baseline is not None or update or config.baseline),
        )
    except ReportError as exc:
        raise UsageFailure(str(exc)) from None
    with contextlib.closing(spool):

        def json_writer(out: Any, comparison: Comparison | None) -> None:
            spool.write_json(out, report.site_findings, report.summary, comparison)

        conclude(
            report,
            config,
            baseline,
            update=update,
            no_color=no_color,
            quiet=quiet,
            verbose=verbose,
            json_writer=json_writer,
            pages=spool.pages,
        )


@cli.command("rules")
@click.argument("rule", required=False)
@click.option("--markdown", is_flag=True, help="Print the catalogue as a Markdown table.")
@click.option(
    "--write-docs",
    "docs_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Regenerate the rule pages (one CODE.md per rule + README.md) in this folder.",
)
def rules_cmd(rule: str | None, markdown: bool, docs_dir: str | None) -> None:
    """List the rule catalogue, or document one rule (code or name)."""
    from postaudit.report.catalogue import (
        markdown_table,
        render_catalogue,
        render_retired,
        render_rule,
    )
    from postaudit.rules import UnknownRuleError, get, retired

    if docs_dir is not None:
        from postaudit.report.rule_docs import write_docs

        try:
            changed = write_docs(Path(docs_dir))
        except OSError as exc:
            raise UsageFailure(f"--write-docs {docs_dir!r}: {exc.strerror or exc}") from None
        click.echo(
            f"postaudit: {len(changed)} rule page(s) changed in {docs_dir}"
            + "".join(f"\n  {c}" for c in changed),
            err=True,
        )
        return
    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    console = make_console()
    if rule is None:
        render_catalogue(console)
        return
    gone = retired(rule)
    if gone is not None:
        render_retired(console, gone)
        return
    try:
        found = get(rule)
    except UnknownRuleError as exc:
        raise UsageFailure(str(exc)) from None
    render_rule(console, found)


@cli.command()
@click.option("--no-color", is_flag=True, help="No colours (also NO_COLOR=1).")
@click.option("-v", "--verbose", count=True, help="More detail (excerpts).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def demo(no_color: bool, verbose: int, fmt: str) -> None:
    """Serve a small bundled blog on 127.0.0.1 and audit its articles (no internet needed)."""
    from postaudit.config import Config
    from postaudit.gather.sources import Target
    from postaudit.localserver import demo_site_root, serve_directory
    from postaudit.run.runner import audit_targets

    root = demo_site_root()
    posts = sorted(p.relative_to(root).as_posix() for p in (root / "blog").glob("*.html"))
    with serve_directory(root) as base:
        click.echo(
            f"postaudit demo: serving the bundled blog at {base}/ and auditing {len(posts)} posts",
            err=True,
        )
        config = Config(
            format=(fmt,),
            keywords=("anxiety counseling",),
            locations=("Portland", "Salem", "Eugene", "Bend"),
            # a counselling blog writes for a general audience: Yoast's ease target
            rules={"reading-ease": {"min_score": 60}},
        )
        report = audit_targets([Target("url", f"{base}/{p}") for p in posts], config)
    failed = emit(report, config, no_color=no_color, quiet=False, verbose=verbose)
    if failed:
        raise UsageFailure(failed)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: click's own errors keep exit 2; anything unexpected is one line, exit 2."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="postaudit",
            standalone_mode=True,
        )
    except KeyboardInterrupt:
        click.echo("postaudit: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # last resort: never a traceback for the user
        if os.environ.get("POSTAUDIT_DEBUG"):
            raise
        click.echo(f"postaudit: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
