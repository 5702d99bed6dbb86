"""Soak: `postaudit sitemap` over a generated local site where one page in ten is faulty
(the kind rotating through 15 faults: hangs, trickles, resets, 503s for ever and once,
gzip bombs, 20 MB pages, binary bodies, invalid UTF-8, NUL bytes, truncated HTML,
redirect loops and chains, bot walls, 404s). Kept outside CI: the 2,000-page run takes
minutes.

    .venv/bin/python benchmarks/soak.py                   # 2,000 pages
    .venv/bin/python benchmarks/soak.py --pages 500 --pages 2000   # is memory flat?

For each size it runs the CLI in a subprocess (`--format json -o FILE`, or `--jsonl`:
JSONL, which keeps no results in memory), samples the resident memory of postaudit and
its worker processes (psutil, every 0.25 s), then
checks the report: every page of the sitemap exactly once, each faulty page with its
expected X finding, every other page audited (tests/hostile/soaksite.py). It prints
the time, the outcome counts, the peak RSS of the main process and of the process
tree, the tree's RSS at each quarter of the run, and the kernel's peak RSS of the
largest child process so far (getrusage, cumulative over the sizes run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile.faultserver import FaultServer  # noqa: E402
from hostile.soaksite import SoakSite  # noqa: E402

MB = 1024 * 1024


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(RSS of postaudit's main process, RSS of it and its workers together)."""
    main = proc.memory_info().rss
    total = main
    for p in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a worker that just ended
            total += p.memory_info().rss
    return main, total


def read_jsonl(path: Path) -> dict[str, Any]:
    """A JSONL report as the JSON report's shape: page lines, then the summary line."""
    pages: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "summary" in record:
            last = record
        else:
            pages.append(record)
    return {"pages": pages, **last}


def soak(pages: int, extra: list[str], *, jsonl: bool = False) -> dict[str, object]:
    with (
        FaultServer(handler_cap=5, max_clients=256) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        site = SoakSite(pages)
        site.install(server)
        fmt = "jsonl" if jsonl else "json"
        out = Path(tmp) / f"report.{fmt}"
        cmd = [
            sys.executable,
            "-m",
            "postaudit",
            "sitemap",
            server.url("/sitemap.xml"),
            "--format",
            fmt,
            "-o",
            str(out),
            "--timeout",
            "2",
            "--retry-after-cap",
            "0.1",
            "--quiet",
            *extra,
        ]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        watched = psutil.Process(proc.pid)
        samples: list[tuple[int, int]] = []
        while proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                samples.append(tree_rss(watched))
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode not in (0, 1):
            raise SystemExit(f"postaudit exited {proc.returncode}: {stderr[-2000:]}")
        report = read_jsonl(out) if jsonl else json.loads(out.read_text(encoding="utf-8"))
        outcomes = site.account(report)
    main = [m for m, _ in samples] or [0]
    rss = [t for _, t in samples] or [0]
    quarters = [rss[min(len(rss) - 1, int(len(rss) * q))] for q in (0.25, 0.5, 0.75)]
    return {
        "pages": pages,
        "format": fmt,
        "seconds": round(elapsed, 1),
        "pages_per_second": round(pages / elapsed, 1),
        "exit_code": proc.returncode,
        "outcomes": outcomes,
        "faulty": pages - outcomes.get("good", 0),
        "peak_main_rss_mb": round(max(main) / MB, 1),
        "peak_tree_rss_mb": round(max(rss) / MB, 1),
        "tree_rss_mb_at_quarters": [round(r / MB, 1) for r in quarters],
        "largest_process_maxrss_mb": round(maxrss_kb / 1024, 1),
        "samples": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable)")
    parser.add_argument(
        "--jsonl", action="store_true", help="stream JSONL (keeps no results) instead of JSON"
    )
    args, extra = parser.parse_known_args()
    for pages in args.pages or [2000]:
        figures = soak(pages, [a for a in extra if a != "--"], jsonl=args.jsonl)
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
