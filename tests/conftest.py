"""Shared test helpers: build a Page from a snippet, run one rule, run the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from click.testing import CliRunner

from postaudit import rules as registry
from postaudit.model import Hit
from postaudit.parse.build import parse_page
from postaudit.parse.page import Page


def make_page(html: str, url: str = "https://example.com/blog/post", **kwargs: Any) -> Page:
    return parse_page(html, url, **kwargs)


def hits(
    code: str,
    html: str,
    url: str = "https://example.com/blog/post",
    options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> list[Hit]:
    """Hits of one rule on a snippet ([] when the rule does not apply)."""
    r = registry.get(code)
    page = make_page(html, url, **kwargs)
    merged = {**r.defaults, **(options or {})}
    if not r.applies(page, merged):
        return []
    return list(r.check(page, merged))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
