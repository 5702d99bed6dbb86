"""The project's own URLs: `[project.urls]` in pyproject.toml is the one place they are
written. Read at run time from the installed distribution's metadata (``Project-URL``
entries), so SARIF's `informationUri` and `helpUri`s, the HTML report's links and the
generated rule pages all agree. A source tree that was never installed falls back to
reading its pyproject.toml.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

DISTRIBUTION = "postaudit"


@functools.cache
def urls() -> dict[str, str]:
    """`[project.urls]` as a mapping (Homepage, Documentation, Source)."""
    from importlib import metadata

    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - an uninstalled source tree
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        with pyproject.open("rb") as fh:
            table: dict[str, str] = tomllib.load(fh)["project"]["urls"]
        return dict(table)
    out: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        out[label.strip()] = url.strip()
    return out


def homepage() -> str:
    return urls()["Homepage"]


def docs_url() -> str:
    """The documentation root (no trailing slash)."""
    return urls()["Documentation"].rstrip("/")


def rule_doc_url(code: str) -> str:
    """The documentation page of one rule (docs/rules/CODE.md)."""
    return f"{docs_url()}/rules/{code}.md"
