"""Every output format, byte for byte, over the bundled demo blog: audited as a folder of
built pages, as a sitemap batch served on 127.0.0.1, and as two sitemap shards joined by
`postaudit merge`. These snapshots guard restructurings that must not change behaviour.

After an intended change of output, rewrite them with
`POSTAUDIT_UPDATE_SNAPSHOTS=1 pytest tests/test_format_snapshots.py` and review the diff.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from postaudit.cli import cli
from postaudit.localserver import demo_site_root, serve_directory

SNAPSHOTS = Path(__file__).parent / "data" / "format-snapshots"
FORMATS = ("text", "json", "jsonl", "html", "sarif", "junit", "github", "markdown")
# the formats a sitemap report writes to a file from its spool
STREAMED = ("json", "jsonl", "sarif", "junit")
UPDATE = bool(os.environ.get("POSTAUDIT_UPDATE_SNAPSHOTS"))
TARGETING = ("-k", "anxiety counseling", "-l", "Portland", "-l", "Salem", "-l", "Eugene")
BASE = "http://127.0.0.1:PORT"
POSTS = sorted(
    p.relative_to(demo_site_root()).as_posix() for p in demo_site_root().glob("blog/*.html")
)


def compare(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {name}: run with POSTAUDIT_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its snapshot"


def invoke(args: list[str], base: str | None = None) -> str:
    result = CliRunner().invoke(
        cli, args, env={"COLUMNS": "100", "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": ""}
    )
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    return normalise(result.stdout, base)


def normalise(text: str, base: str | None) -> str:
    """Hide what varies by run: the server's port, and the finding fingerprints that hash the
    URL (the folder audit keeps its fingerprints: its paths do not vary)."""
    if base is None:
        return text
    text = text.replace(base, BASE)
    return re.sub(r'("(?:fingerprint|postaudit/v1)": ?)"[0-9a-f]{16}"', r'\1"HASH"', text)


def in_url_order(jsonl: str) -> str:
    """A batch's JSONL lists pages as they finish; its summary line comes last."""
    lines = jsonl.splitlines(keepends=True)
    pages = [line for line in lines if line.startswith('{"url"')]
    rest = [line for line in lines if not line.startswith('{"url"')]
    return "".join(sorted(pages) + rest)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_directory(demo_site_root()) as base:
        yield base


@pytest.mark.parametrize("fmt", FORMATS)
def test_folder_audit(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo_site_root()
    monkeypatch.chdir(root.parent)
    out = invoke(["audit", root.name, "--format", fmt, *TARGETING])
    # link targets are absolute file URLs: hide where the checkout lives
    compare(f"folder.{fmt}", out.replace(root.as_uri(), "file:///DEMO_SITE"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_sitemap_batch(fmt: str, site: str) -> None:
    out = invoke(["sitemap", f"{site}/sitemap.xml", "--format", fmt, *TARGETING], site)
    if fmt == "jsonl":
        out = in_url_order(out)
    compare(f"sitemap.{fmt}", out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_url_audit(fmt: str, site: str) -> None:
    urls = [f"{site}/{post}" for post in POSTS]
    out = invoke(["audit", *urls, "--format", fmt, *TARGETING], site)
    compare(f"urls.{fmt}", out)


def test_url_audit_against_a_baseline(site: str, tmp_path: Path) -> None:
    """The gate's text: regressions against a baseline saved with fewer targets."""
    urls = [f"{site}/{post}" for post in POSTS]
    baseline = tmp_path / "baseline.json"
    invoke(["audit", *urls, "--format", "json", "-o", str(baseline), "-k", "anxiety counseling"])
    out = invoke(["audit", *urls, "--baseline", str(baseline), *TARGETING], site)
    compare("urls-baseline.text", out.replace(str(baseline), "BASELINE"))


@pytest.mark.parametrize("fmt", STREAMED)
def test_sitemap_batch_to_file(fmt: str, site: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    invoke(["sitemap", f"{site}/sitemap.xml", "--format", f"{fmt}={target}", *TARGETING], site)
    text = normalise(target.read_text(encoding="utf-8"), site)
    if fmt == "jsonl":
        text = in_url_order(text)
    compare(f"sitemap-file.{fmt}", text)


@pytest.fixture(scope="module")
def shards(site: str, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("shards")
    paths = []
    for k in (1, 2):
        path = folder / f"shard{k}.json"
        invoke(
            [
                "sitemap",
                f"{site}/sitemap.xml",
                "--shard",
                f"{k}/2",
                "--format",
                f"json={path}",
                *TARGETING,
            ],
            site,
        )
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("fmt", FORMATS)
def test_merge_of_shards(fmt: str, shards: list[str], site: str) -> None:
    out = invoke(["merge", *shards, "--format", fmt], site)
    compare(f"merge.{fmt}", out)
