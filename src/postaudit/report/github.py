"""GitHub Actions workflow commands: one annotation per finding.

`::error file=public/post.html,line=12,title=A101 img-alt-missing::message` for a page
read from a file (the annotation lands on that line of the pull request's diff);
without `file`/`line` for a URL, whose address then opens the message. Severities
map to `error`, `warning` and `notice`. With a baseline, only the findings that are
new against it are annotated (the known ones are the accepted state), and the gate's
reasons follow as `::error title=postaudit gate::...` lines.

Escaping follows GitHub's toolkit (`@actions/core`, command.ts): in the message
`%` -> `%25`, CR -> `%0D`, LF -> `%0A`; in property values also `:` -> `%3A` and
`,` -> `%2C`. Escape sequences and control characters from the page are removed
first, so page text can neither end the command nor start another one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from postaudit.judge.gate import GateResult
from postaudit.model import Finding, PageResult, Report
from postaudit.report.ci import GITHUB_COMMAND, local_path, strip_controls

if TYPE_CHECKING:
    from postaudit.judge.baseline import Comparison


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """`::name key=value,...::message` with both parts escaped."""
    props = ",".join(
        f"{key}={escape_property(strip_controls(str(value)))}"
        for key, value in properties.items()
        if value is not None
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(strip_controls(message))}"


def annotation(finding: Finding, cwd: str | None = None) -> str:
    path = local_path(finding.url, cwd)
    loc = finding.location
    lines = [finding.message if path is not None else f"{finding.url}: {finding.message}"]
    if loc.selector:
        lines.append(f"at {loc.selector}")
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    return command(
        GITHUB_COMMAND[finding.severity],
        "\n".join(lines),
        file=path,
        line=loc.line if path is not None else None,
        title=f"{finding.code} {finding.name}",
    )


def write_github(
    out: TextIO,
    pages: Iterable[PageResult],
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    cwd: str | None = None,
) -> None:
    """One annotation per finding of `pages` (in the order given), then of the site
    findings of `report`, then the gate's reasons, to `out` as each is made."""
    new = comparison.new_fingerprints if comparison is not None else None
    for page in pages:
        for f in page.findings:
            if new is None or f.fingerprint in new:
                out.write(annotation(f, cwd) + "\n")
    for f in report.site_findings:
        if new is None or f.fingerprint in new:
            out.write(annotation(f, cwd) + "\n")
    if gate is not None:
        for reason in gate.reasons:
            out.write(command("error", reason, title="postaudit gate") + "\n")


def render_github(
    report: Report,
    *,
    comparison: Comparison | None = None,
    gate: GateResult | None = None,
    cwd: str | None = None,
) -> str:
    buffer = io.StringIO()
    pages = sorted(report.pages, key=lambda p: p.url)
    write_github(buffer, pages, report, comparison=comparison, gate=gate, cwd=cwd)
    return buffer.getvalue()
