"""postaudit: an SEO and accessibility auditor for published articles.

The public Python API is what this module exports (`__all__`); every other module is
private and may change. The functions return the same result objects the command line
builds its reports from::

    import postaudit

    result = postaudit.audit_html("<html lang=en><title>Hi</title><h1>Hi</h1></html>")
    print(result.score, [f.code for f in result.findings])

    report = postaudit.audit(["public/"], config=postaudit.load_config(fail_on="warning"))
    print(postaudit.to_json(report))

See docs/api.md. The heavy modules (parser, rules, HTTP client) are imported on first
use, so `import postaudit` stays cheap.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from postaudit.version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from postaudit.config import Config, ConfigError
    from postaudit.model import Category, Finding, Location, PageResult, Report, Severity

__all__ = [
    "Category",
    "Config",
    "ConfigError",
    "Finding",
    "Location",
    "PageResult",
    "Report",
    "Severity",
    "__version__",
    "audit",
    "audit_html",
    "load_config",
    "to_json",
]

#: where each exported type lives (imported lazily by `__getattr__`)
_TYPES = {
    "Config": "postaudit.config",
    "ConfigError": "postaudit.config",
    "Category": "postaudit.model",
    "Finding": "postaudit.model",
    "Location": "postaudit.model",
    "PageResult": "postaudit.model",
    "Report": "postaudit.model",
    "Severity": "postaudit.model",
}


def __getattr__(name: str) -> Any:
    module = _TYPES.get(name)
    if module is None:
        raise AttributeError(f"module 'postaudit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def load_config(path: str | os.PathLike[str] | None = None, **settings: Any) -> Config:
    """Settings as the command line would use them, as a `Config`.

    `path` is a `postaudit.toml` or a `pyproject.toml` (its `[tool.postaudit]` table);
    without it, the nearest config file above the working directory is used, if any.
    Keyword `settings` are config keys in snake_case (`fail_on="warning"`,
    `keywords=["therapy for women"]`, `rules={"M602": {"max_length": 65}}`) and override
    the file's, key by key. Raises `ConfigError` (a `ValueError`) naming a bad key or
    value, or a file that cannot be read.
    """
    from pathlib import Path

    from postaudit import config as cfg

    source: str | None
    if path is not None:
        table, source = cfg.load_file(Path(path))
    else:
        table, source = cfg.find_config()
    return cfg.build({**table, **settings}, source)


def audit_html(
    html: str | bytes, url: str | None = None, config: Config | None = None
) -> PageResult:
    """Audit one HTML document held in memory; never touches the network.

    `url` is the address the page is (or will be) published at: relative links, the
    slug and the canonical are judged against it; without it the page is "stdin".
    Bytes are decoded as the command line decodes files (BOM, `<meta charset>`, UTF-8,
    then Windows-1252). Links are not checked (the link rules that need a status do not
    apply); `audit()` checks them. A page that cannot be read becomes a result with an
    `X` finding and `error` set, as in a report.
    """
    from postaudit.config import Config
    from postaudit.gather.decode import binary_body, decode_html
    from postaudit.judge.engine import failed_page
    from postaudit.rules import BY_CODE
    from postaudit.run import pipeline

    config = config or Config()
    page_url = url or "stdin"
    encoding: str | None = None
    if isinstance(html, bytes):
        what = binary_body(html)
        if what is not None:
            return failed_page(page_url, BY_CODE["X003"], f"the input is {what}")
        html, encoding, _ = decode_html(html)
    return pipeline.audit_html(
        html, page_url, config, config.ruleset(), base_url=url, encoding=encoding
    )


def audit(
    targets: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    config: Config | None = None,
) -> Report:
    """Audit files, folders of built pages and URLs, as `postaudit audit TARGET...` does.

    A folder means every `*.html` below it, its links resolved to the folder's files;
    URLs are fetched (with the config's timeouts, size cap and link checks: `links =
    "none"` keeps a URL audit to the page itself). `config` defaults to `load_config()`.
    Returns the `Report` (pages in the order given); it does not apply the CI gate.
    Raises `ValueError` for a target that does not exist or is not http(s).
    """
    from postaudit.gather import sources
    from postaudit.run.runner import audit_targets

    if isinstance(targets, str | os.PathLike):
        targets = [targets]
    names = [os.fspath(t) for t in targets]
    if "-" in names:
        raise ValueError("stdin ('-') is not a target here: pass the text to audit_html()")
    expanded = sources.expand(names)
    return audit_targets(expanded, config if config is not None else load_config())


def to_json(result: Report | PageResult) -> str:
    """The JSON of a report (exactly `--format json`), or of one page (the page object
    of the report)."""
    import json

    from postaudit.model import PageResult
    from postaudit.report.ci import inert_json
    from postaudit.report.json import page_dict, render_json

    if isinstance(result, PageResult):
        return inert_json(json.dumps(page_dict(result), indent=2, ensure_ascii=False)) + "\n"
    return render_json(result)
