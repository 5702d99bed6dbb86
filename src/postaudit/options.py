"""The click option stacks shared by the commands that audit pages (`audit`,
`sitemap`): declared once, so every command takes the same flags the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from postaudit.version import __version__

F = TypeVar("F", bound=Callable[..., Any])


def _apply(decorators: tuple[Callable[[Any], Any], ...], fn: F) -> F:
    """Apply click option decorators so that --help lists them in table order."""
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


#: the options of `audit_options`, in --help order
AUDIT_OPTIONS: tuple[Callable[[Any], Any], ...] = (
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
        multiple=True,
        metavar="FORMAT[=FILE]",
        help="text, json, jsonl, html, sarif, junit, github, markdown or auto (default "
        "text); "
        "FORMAT=FILE writes to a file; repeatable, at most one to stdout.",
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
        help="Config file (postaudit.toml or pyproject.toml); default: the nearest one "
        "above the targets, else above the working directory.",
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
        "--links",
        type=click.Choice(["none", "pagination", "internal", "all"]),
        default=None,
        help="Links to check: previous/next only, + links to the same site "
        "(default internal), + other sites (all), or none.",
    ),
    click.option(
        "--exclude-link",
        "exclude_links",
        multiple=True,
        metavar="REGEX",
        help="Do not check link targets matching REGEX (repeatable).",
    ),
    click.option(
        "--base-url",
        default=None,
        metavar="URL",
        help="URL a folder of built pages is published at: its links are checked as files.",
    ),
    click.option(
        "--link-timeout",
        type=click.FloatRange(min=0.01),
        default=None,
        help="Timeout of one link check in seconds (default: --timeout).",
    ),
    click.option(
        "--link-retries",
        type=click.IntRange(min=0, max=10),
        default=None,
        help="Retries on connection errors, timeouts, 429 and 503 (default 2).",
    ),
    click.option(
        "--retry-after-cap",
        type=click.FloatRange(min=0),
        default=None,
        help="Longest wait between link retries, Retry-After included (default 30 s).",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "info", "never"]),
        default=None,
        help="Lowest severity that fails the run (default error).",
    ),
    click.option(
        "--fail-under",
        multiple=True,
        metavar="[CATEGORY=]SCORE",
        help="Fail when a page scores under SCORE (or a category, e.g. alt_text=90); repeatable.",
    ),
    click.option(
        "--baseline",
        default=None,
        metavar="FILE",
        help="A saved JSON report: fail only on regressions against it.",
    ),
    click.option(
        "--update-baseline",
        is_flag=True,
        help="Write this run's report to the --baseline file (accepting its findings).",
    ),
    click.option(
        "--tolerance",
        type=click.IntRange(min=0, max=100),
        default=None,
        metavar="POINTS",
        help="Score drop against the baseline that still passes (default 0).",
    ),
    click.option(
        "--allow-unreachable",
        is_flag=True,
        default=None,
        help="Pages that cannot be fetched or read do not fail the run.",
    ),
    click.option("--no-color", is_flag=True, help="No colours (also NO_COLOR=1)."),
    click.option("-q", "--quiet", is_flag=True, help="Only scores and counts."),
    click.option("-v", "--verbose", count=True, help="More detail (excerpts, config source)."),
)


def audit_options(fn: F) -> F:
    """Options shared by every command that audits pages."""
    return _apply(AUDIT_OPTIONS, fn)


#: the options of `sitemap_options`, in --help order
SITEMAP_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "--include",
        multiple=True,
        metavar="REGEX",
        help="Only audit sitemap URLs matching REGEX (repeatable: any of them).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="REGEX",
        help="Skip sitemap URLs matching REGEX (repeatable).",
    ),
    click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Audit at most N pages (the first N by URL).",
    ),
    click.option(
        "--since",
        default=None,
        metavar="DATE",
        help="Only entries whose <lastmod> is newer than DATE (2024-05-01 or ISO 8601).",
    ),
    click.option(
        "--rewrite",
        multiple=True,
        metavar="FROM=TO",
        help="Rewrite sitemap URLs starting with FROM to TO (audit staging with "
        "production's sitemap); repeatable.",
    ),
    click.option(
        "--shard",
        default=None,
        metavar="K/N",
        help="Audit only shard K of N (a stable split by URL; join with `postaudit merge`).",
    ),
    click.option(
        "--ignore-robots",
        is_flag=True,
        help="Do not respect robots.txt (Disallow and Crawl-delay); only for sites you own.",
    ),
    click.option(
        "--delay",
        type=click.FloatRange(min=0),
        default=0.0,
        metavar="SECONDS",
        help="Least time between two requests to one host (default 0; Crawl-delay wins if longer).",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1, max=256),
        default=16,
        metavar="N",
        help="Requests in flight, all hosts together (default 16).",
    ),
    click.option(
        "--per-host",
        type=click.IntRange(min=1, max=64),
        default=4,
        metavar="N",
        help="Requests in flight per host (default 4).",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=1, max=64),
        default=None,
        metavar="N",
        help="Processes parsing and judging pages (default: CPU count; 1 = in-process).",
    ),
    click.option(
        "--resume",
        default=None,
        metavar="PARTIAL.jsonl",
        help="Continue an interrupted run: skip the pages in this JSONL file, append the others.",
    ),
)


def sitemap_options(fn: F) -> F:
    """Options of `postaudit sitemap` beyond the audit options."""
    return _apply(SITEMAP_OPTIONS, fn)


def network_safety_options(*, sitemap: bool) -> Callable[[F], F]:
    """Issue 16's options (a run's deadline, robots.txt for link checks, the site
    boundary of a sitemap run), one block for `audit` and `sitemap`."""

    def apply(fn: F) -> F:
        decorators = [
            click.option(
                "--max-time",
                type=click.FloatRange(min=0.1),
                default=None,
                metavar="SECONDS",
                help="Stop after SECONDS: finished pages are reported, the rest listed as not "
                "audited.",
            ),
            click.option(
                "--respect-robots",
                is_flag=True,
                default=None,
                help="Link checks honour robots.txt of each target host (a disallowed link is "
                "not checked).",
            ),
        ]
        if sitemap:
            decorators.append(
                click.option(
                    "--allow-host",
                    "allow_hosts",
                    multiple=True,
                    metavar="HOST[:PORT]",
                    help="Also fetch sitemap entries, child sitemaps and redirects on HOST "
                    "(repeatable; default: the site of SOURCE only).",
                )
            )
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply
