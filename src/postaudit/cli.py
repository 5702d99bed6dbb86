"""Command line: build the Config, call the runner, render, choose the exit code.

Thin on purpose; heavy modules (bs4, httpx, rich, textstat) are imported inside the
commands so `postaudit --help` and a one-file audit start fast.
Exit codes: 0 passed; 1 the gate failed (findings at or above --fail-on); 2 usage,
config or internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from postaudit import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from postaudit.config import Config
    from postaudit.model import Report

F = TypeVar("F", bound=Callable[..., Any])

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


def audit_options(fn: F) -> F:
    """Options shared by every command that audits pages."""
    decorators = [
        click.option(
            "-k",
            "--keyword",
            "keywords",
            multiple=True,
            metavar="PHRASE",
            help="Target keyphrase (repeatable; synonyms with '|').",
        ),
        click.option(
            "-l",
            "--location",
            "locations",
            multiple=True,
            metavar="PLACE",
            help="Target location (repeatable).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json"]),
            default=None,
            help="Output format (default text).",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True),
            default=None,
            help="Write the report to FILE instead of stdout.",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            default=None,
            help="Config file (postaudit.toml or pyproject.toml).",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="RULES",
            help="Only these rules: codes, prefixes or names (repeatable, comma-separated).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="RULES",
            help="Skip these rules: codes, prefixes or names (repeatable, comma-separated).",
        ),
        click.option(
            "--rule-option",
            "rule_options",
            multiple=True,
            metavar="RULE.KEY=VALUE",
            help="Set a rule option, e.g. title-length.max_length=65.",
        ),
        click.option(
            "--content-selector",
            default=None,
            metavar="CSS",
            help="CSS selector of the article body (overrides detection).",
        ),
        click.option(
            "--lang",
            default=None,
            help="Language of the article when <html lang> is missing or wrong.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=None,
            help="Connect/read timeout in seconds (default 15).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1024),
            default=None,
            help="Largest page body accepted (default 5 MB).",
        ),
        click.option(
            "--user-agent",
            default=None,
            help=f"User-Agent header (default postaudit/{__version__}).",
        ),
        click.option(
            "--header",
            "headers",
            multiple=True,
            metavar="'NAME: VALUE'",
            help="Extra request header for the audited site only (repeatable).",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "info", "never"]),
            default=None,
            help="Lowest severity that fails the run (default error).",
        ),
        click.option("--no-color", is_flag=True, help="No colours (also NO_COLOR=1)."),
        click.option("-q", "--quiet", is_flag=True, help="Only scores and counts."),
        click.option("-v", "--verbose", count=True, help="More detail (excerpts, config source)."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_config(
    *,
    config_file: str | None,
    keywords: Sequence[str] = (),
    locations: Sequence[str] = (),
    fmt: str | None = None,
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
    **_: Any,
) -> Config:
    from postaudit import config as cfg
    from postaudit import rules as registry

    try:
        source: str | None
        if config_file:
            table, source = cfg.load_file(Path(config_file))
        else:
            table, source = cfg.find_config()
        base = cfg.build(table, source)
        sel, ign = _split(select), _split(ignore)
        for s in (*sel, *ign):
            registry.matching(s)
        parsed = [cfg.parse_rule_option(o) for o in rule_options]
        rules_table = cfg.merge_rules(base.rules, parsed) if parsed else None
        return base.with_flags(
            keywords=tuple(keywords),
            locations=tuple(locations),
            format=fmt,
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
        )
    except (cfg.ConfigError, registry.UnknownRuleError) as exc:
        raise UsageFailure(str(exc)) from None


def make_console(*, stderr: bool = False, no_color: bool = False, file: Any = None) -> Console:
    from rich.console import Console

    no_color = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(file=file, stderr=stderr, no_color=no_color, highlight=False, soft_wrap=False)


def emit(report: Report, config: Config, *, no_color: bool, quiet: bool, verbose: int) -> None:
    """Render `report` in the configured format to stdout or --output."""
    if config.format == "json":
        from postaudit.report.json import render_json

        text = render_json(report)
        if config.output:
            _write(config.output, text)
        else:
            click.echo(text, nl=False)
        return
    from postaudit.report.text import render_text

    if config.output:
        import io

        buffer = io.StringIO()
        console = make_console(no_color=True, file=buffer)
        console.width = 100
        render_text(report, console, verbose=verbose, quiet=quiet)
        _write(config.output, buffer.getvalue())
    else:
        render_text(report, make_console(no_color=no_color), verbose=verbose, quiet=quiet)


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageFailure(f"cannot write {path}: {exc.strerror}") from None


def gate(report: Report, fail_on: str) -> int:
    """Exit code for the report: 1 when a finding is at or above `fail_on`."""
    from postaudit.model import Severity

    if fail_on == "never":
        return EXIT_OK
    threshold = Severity(fail_on).rank
    worst = report.worst()
    return EXIT_GATE if worst is not None and worst.rank >= threshold else EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postaudit")
def cli() -> None:
    """Audit published articles for SEO and accessibility: alt text, keywords and
    locations, readability, headings, links and metadata."""


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@audit_options
def audit(
    targets: tuple[str, ...], no_color: bool, quiet: bool, verbose: int, **options: Any
) -> None:
    """Audit articles: URLs, HTML files, folders of built pages, or - for stdin."""
    from postaudit import sources
    from postaudit.content import SelectorError

    config = build_config(**options)
    try:
        expanded = sources.expand(targets)
        if config.content_selector:
            from postaudit.content import check_selector

            check_selector(config.content_selector)
    except (sources.TargetError, SelectorError) as exc:
        raise UsageFailure(str(exc)) from None
    if verbose:
        click.echo(f"postaudit: config from {config.source or 'defaults'}", err=True)
    stdin_bytes = sys.stdin.buffer.read() if any(t.kind == "stdin" for t in expanded) else None
    from postaudit.runner import run

    try:
        report = run(expanded, config, stdin_bytes=stdin_bytes)
    except SelectorError as exc:
        raise UsageFailure(str(exc)) from None
    emit(report, config, no_color=no_color, quiet=quiet, verbose=verbose)
    sys.exit(gate(report, config.fail_on))


@cli.command("rules")
@click.argument("rule", required=False)
@click.option("--markdown", is_flag=True, help="Print the catalogue as a Markdown table.")
def rules_cmd(rule: str | None, markdown: bool) -> None:
    """List the rule catalogue, or document one rule (code or name)."""
    from postaudit.report.catalogue import markdown_table, render_catalogue, render_rule
    from postaudit.rules import UnknownRuleError, get

    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    console = make_console()
    if rule is None:
        render_catalogue(console)
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
    from postaudit.localserver import demo_site_root, serve_directory
    from postaudit.runner import run
    from postaudit.sources import Target

    root = demo_site_root()
    posts = sorted(p.relative_to(root).as_posix() for p in (root / "blog").glob("*.html"))
    with serve_directory(root) as base:
        click.echo(
            f"postaudit demo: serving the bundled blog at {base}/ and auditing {len(posts)} posts",
            err=True,
        )
        config = Config(
            format=fmt,
            keywords=("anxiety counseling",),
            locations=("Portland", "Salem", "Eugene", "Bend"),
        )
        report = run([Target("url", f"{base}/{p}") for p in posts], config)
    emit(report, config, no_color=no_color, quiet=False, verbose=verbose)


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
