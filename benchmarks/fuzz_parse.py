"""Fuzz the parse + rules + report path (kept outside CI: it runs for minutes).

Every input is raw bytes, as a server could send them. Each one goes the way a fetched
page goes: `decode_html` -> `parse_page` -> every rule (with a keyphrase and places, so
the K rules run too) -> every report format. The invariants checked on each input:

- nothing raises (a rule or parser bug would be an X005 in a real run: still a bug);
- the page score and every category score are None or an int in 0..100;
- JSON and SARIF outputs parse back and encode as UTF-8 (no lone surrogates);
- no output carries an escape character (ESC, 8-bit CSI) or a C0/C1 control other
  than tab/LF/CR; the text report and github annotations are one command per line.

Two engines:

    .venv/bin/python benchmarks/fuzz_parse.py atheris -- -max_total_time=900 corpus_dir
    .venv/bin/python benchmarks/fuzz_parse.py hypothesis --examples 20000

atheris (coverage-guided, libFuzzer options after `--`) is used when it is installed
(`.venv/bin/pip install atheris`); hypothesis (a dev dependency) works everywhere.
With atheris, each distinct failure (exception type + raising line) is saved under
benchmarks/.fuzz/<target>-failures/ (input .bin, traceback .txt) and fuzzing goes on.
Seeds: the rule fixtures (fixtures/rules/*.html), written to a seed folder first.
`--target sitemap` fuzzes `sitemap_xml.parse_sitemap` instead (only SitemapError allowed).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from postaudit.config import Config  # noqa: E402
from postaudit.gather.decode import decode_html  # noqa: E402
from postaudit.gather.sitemap_xml import SitemapError, SitemapLimits, parse_sitemap  # noqa: E402
from postaudit.judge.engine import audit_page  # noqa: E402
from postaudit.model import Report  # noqa: E402
from postaudit.parse.build import parse_page  # noqa: E402
from postaudit.report.github import render_github  # noqa: E402
from postaudit.report.json import render_json  # noqa: E402
from postaudit.report.junit import render_junit  # noqa: E402
from postaudit.report.markdown import render_markdown  # noqa: E402
from postaudit.report.sarif import render_sarif  # noqa: E402
from postaudit.run.runner import build_report  # noqa: E402

CONFIG = Config(keywords=("therapy for women",), locations=("Houston", "Dallas"))
RULESET = CONFIG.ruleset()
URL = "https://example.com/blog/therapy-for-women"
#: Characters no output may carry: ESC and 8-bit CSI, and C0/C1 controls but tab, LF, CR.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LIMITS = SitemapLimits(max_bytes=1 << 20, max_urls=1000)


def check_html(data: bytes) -> None:
    text, encoding, _source = decode_html(data, "text/html")
    page = parse_page(text, URL, status=200, encoding=encoding)
    result = audit_page(page, RULESET, context=CONFIG.context())
    assert result.score is None or (isinstance(result.score, int) and 0 <= result.score <= 100), (
        result.score
    )
    for category, score in result.categories.items():
        assert score is None or 0 <= score <= 100, (category, score)
    report = build_report([result])
    check_outputs(report)


def check_outputs(report: Report) -> None:
    from postaudit.report.dispatch import print_text, text_console

    outputs = {
        "json": render_json(report),
        "sarif": render_sarif(report),
        "junit": render_junit(report),
        "github": render_github(report),
        "markdown": render_markdown(report),
    }
    buffer = io.StringIO()
    print_text(text_console(buffer, width=100), report, verbose=1)
    outputs["text"] = buffer.getvalue()
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])
    for name, out in outputs.items():
        out.encode("utf-8")  # raises on a lone surrogate
        bad = FORBIDDEN.search(out)
        assert bad is None, (name, repr(out[max(0, bad.start() - 40) : bad.end() + 40]))
    for line in outputs["github"].splitlines():
        assert line.startswith("::"), repr(line)


def check_sitemap(data: bytes) -> None:
    try:
        parsed = parse_sitemap(data, base_url="https://example.com/", limits=LIMITS)
    except SitemapError as exc:
        assert str(exc) and "\n" not in str(exc), repr(str(exc))
        return
    for entry in (*parsed.entries, *parsed.children):
        assert entry.url.startswith(("http://", "https://")), entry.url


TARGETS = {"html": check_html, "sitemap": check_sitemap}


def seeds(target: str) -> list[bytes]:
    if target == "html":
        return [p.read_bytes() for p in sorted((ROOT / "fixtures" / "rules").glob("*.html"))]
    sample = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    sample += b"<url><loc>https://example.com/a</loc><lastmod>2024-01-01</lastmod></url></urlset>"
    index = b"<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>"
    return [sample, index, b"https://example.com/a\nhttps://example.com/b\n"]


def keep_going(check: Callable[[bytes], None], out: Path) -> Callable[[bytes], None]:
    """`check` that records each distinct failure (by exception type and the frame that
    raised) in `out` with the input that caused it, and carries on fuzzing."""
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = {p.stem for p in out.glob("*.txt")}

    def wrapped(data: bytes) -> None:
        try:
            check(data)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            ident = f"{type(exc).__name__}:{Path(frame.filename).name}:{frame.lineno}"
            key = hashlib.sha1(ident.encode()).hexdigest()[:12]
            if key in seen:
                return
            seen.add(key)
            (out / f"{key}.bin").write_bytes(data)
            (out / f"{key}.txt").write_text(ident + "\n" + traceback.format_exc())
            print(f"\nFAILURE {ident} -> {out / key}.bin", file=sys.stderr, flush=True)

    return wrapped


def run_atheris(target: str, libfuzzer_args: list[str]) -> None:
    import atheris

    check = keep_going(TARGETS[target], ROOT / "benchmarks" / ".fuzz" / f"{target}-failures")
    seed_dir = ROOT / "benchmarks" / ".fuzz" / f"{target}-seeds"
    seed_dir.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(seeds(target)):
        (seed_dir / f"seed{i:03}").write_bytes(seed)
    work = ROOT / "benchmarks" / ".fuzz" / f"{target}-corpus"
    work.mkdir(parents=True, exist_ok=True)
    argv = [sys.argv[0], *libfuzzer_args, str(work), str(seed_dir)]
    if not any(a.startswith("-max_len") for a in libfuzzer_args):
        argv.insert(1, "-max_len=16384")
    if not any(a.startswith("-artifact_prefix") for a in libfuzzer_args):
        argv.insert(1, f"-artifact_prefix={work.parent}/")
    atheris.instrument_all()
    atheris.Setup(argv, check)
    atheris.Fuzz()


def run_hypothesis(target: str, examples: int, seconds: float | None) -> None:
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st

    check = TARGETS[target]
    started = time.monotonic()
    count = 0
    pool = seeds(target)

    @st.composite
    def inputs(draw: st.DrawFn) -> bytes:
        kind = draw(st.integers(0, 2))
        if kind == 0:
            return draw(st.binary(max_size=4096))
        base = draw(st.sampled_from(pool))
        # splice random bytes into a seed: keeps most of the structure
        at = draw(st.integers(0, len(base)))
        cut = draw(st.integers(0, min(200, len(base) - at)))
        noise = draw(st.binary(max_size=200))
        return base[:at] + noise + base[at + cut :]

    @seed(int(time.time()))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs())
    def fuzz(data: bytes) -> None:
        nonlocal count
        if seconds is not None and time.monotonic() - started > seconds:
            return
        count += 1
        check(data)

    fuzz()
    print(
        f"hypothesis: {count} inputs in {time.monotonic() - started:.0f} s, no failure",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=("atheris", "hypothesis"))
    parser.add_argument("--target", choices=tuple(TARGETS), default="html")
    parser.add_argument("--examples", type=int, default=20_000, help="hypothesis budget")
    parser.add_argument("--seconds", type=float, default=None, help="hypothesis time cap")
    args, rest = parser.parse_known_args()
    rest = [a for a in rest if a != "--"]
    if args.engine == "atheris":
        run_atheris(args.target, rest)
    else:
        run_hypothesis(args.target, args.examples, args.seconds)


if __name__ == "__main__":
    main()
