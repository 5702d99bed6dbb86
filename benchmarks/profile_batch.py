"""Where a batch's CPU time goes: py-spy over `postaudit sitemap`, grouped by stage.

    python benchmarks/profile_batch.py [--theme light|heavy|real] [--posts 1000] [--rate 250]
                                       [--raw FILE]

Generates the benchmark blog (`generate_site.py`; `--theme real`: the real-page corpus
repeated to `--posts` URLs, `real_site.py`, with every link off the site excluded from
the checks as in the benchmark), serves it from its own process (`serve.py`), and
records `postaudit sitemap URL/ --format jsonl --links pagination`
with `py-spy record --subprocesses` (the main process and every worker). Each sample
is charged to the innermost postaudit function on its stack, so time spent inside
BeautifulSoup, httpx or textstat counts for the postaudit step that called it; a
sample under `BeautifulSoup(...)` is the tree build itself. Prints, per stage, its
share of all samples and the CPU milliseconds per page it stands for.

py-spy (a dev dependency) reads the processes' memory: it needs ptrace permission
(root, or `kernel.yama.ptrace_scope` 0); psutil (also a dev dependency) measures the
run's CPU time.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_site  # noqa: E402
import real_site  # noqa: E402
from run import child_env, postaudit_cmd, serving  # noqa: E402

#: (stage, where): "module.py:function" entries name the step a function starts; the
#: innermost such frame on a sample's stack decides its stage (time in shared helpers,
#: say locating an element, counts for the step that asked). A sample with none of
#: them goes by its innermost postaudit module ("module.py" entries).
STAGES: tuple[tuple[str, str], ...] = (
    ("parse: links", "parse/build.py:_links"),
    ("parse: links", "parse/build.py:_head_links"),
    ("parse: images", "parse/images.py:extract_images"),
    ("parse: prose blocks", "parse/blocks.py:extract_blocks"),
    ("parse: headings", "parse/build.py:_headings"),
    ("parse: source lines", "parse/dom.py:SourceLines"),
    ("parse: tag index", "parse/dom.py:TagIndex"),
    ("parse: head (meta, landmarks, JSON-LD)", "parse/build.py:_landmarks"),
    ("parse: head (meta, landmarks, JSON-LD)", "parse/build.py:_meta"),
    ("parse: head (meta, landmarks, JSON-LD)", "parse/build.py:_json_ld"),
    ("parse: article scope", "content.py:find_scope"),
    ("parse: pagination", "pagination.py:find_pagination"),
    ("judge: readability", "textstats.py:_measure"),
    ("judge: readability facts", "textstats.py:facts"),
    ("judge: top phrases", "coverage.py:top_phrases"),
    ("judge: page text for keywords", "parse/dom.py:reader_text"),
    ("judge: fact tables", "engine.py:family_facts"),
    ("judge: site facts", "site.py:page_facts"),
    ("judge: rules", "engine.py:run_rule"),
    ("main: fetch (httpx)", "fetch.py:Fetcher"),
    ("main: page titles for link checks", "linkcheck.py:extract_titles"),
    ("main: JSON lines out", "jsonl.py:page_line"),
    ("parse: other", "parse/build.py:parse_page"),
    ("judge: engine, scoring", "engine.py:audit_page"),
    ("workers: hand-off (pipes, pickles, gc)", "workers.py:_serve"),
    ("workers: hand-off (pipes, pickles, gc)", "workers.py:_Frames"),
    ("workers: hand-off (pipes, pickles, gc)", "workers.py:_frame"),
    ("main: site findings", "site.py:SiteCollector"),
    ("parse: other", "parse/page.py"),
    ("parse: other", "parse/dom.py"),
    ("parse: other", "parse/builder.py"),
    ("parse: other", "parse/images.py"),
    ("parse: other", "parse/blocks.py"),
    ("parse: other", "parse/build.py"),
    ("parse: other", "content.py"),
    ("parse: other", "pagination.py"),
    ("parse: other", "pager_words.py"),
    ("judge: engine, scoring", "engine.py"),
    ("judge: engine, scoring", "scoring.py"),
    ("judge: engine, scoring", "model.py"),
    ("judge: rules", "rules/"),
    ("judge: rules", "stuffing.py"),
    ("judge: rules", "matching.py"),
    ("judge: rules", "coverage.py"),
    ("judge: readability", "textstats.py"),
    ("judge: readability", "prose.py"),
    ("judge: readability", "measure/style.py"),
    ("judge: site facts", "site.py"),
    ("main: fetch (httpx)", "fetch.py"),
    ("main: fetch (httpx)", "decode.py"),
    ("main: JSON lines out", "report/"),
    ("main: link cache", "linkcheck.py"),
    ("main: sitemap, robots", "sitemap.py"),
    ("main: sitemap, robots", "sitemap_xml.py"),
    ("main: sitemap, robots", "sitemap_select.py"),
    ("main: sitemap, robots", "robots.py"),
    ("main: event loop, batch", "batch.py"),
    ("main: event loop, batch", "pacing.py"),
    ("main: event loop, batch", "workers.py"),
    ("main: event loop, batch", "sitemap_run.py"),
    ("start-up: imports, CLI", "cli.py"),
    ("start-up: imports, CLI", "__init__.py"),
    ("start-up: imports, CLI", "options.py"),
    ("start-up: imports, CLI", "config.py"),
    ("start-up: imports, CLI", "syllables.py"),
)
TREE = "parse: BeautifulSoup tree (bs4 + lxml)"
#: A worker blocked on its pipe (no work yet, or the main process not reading yet):
#: py-spy counts a blocked read or write as running; it is no CPU time.
WAITING = "(waiting on a pipe: not CPU)"
_BLOCKED = ("Connection._send (multiprocessing/", "Connection._recv (multiprocessing/")
_NAMED = [(stage, *where.split(":")) for stage, where in STAGES if ":" in where]
_MODULES = [(stage, where) for stage, where in STAGES if ":" not in where]


def _module(frame: str) -> str | None:
    """ "_links (postaudit/parse/page.py:961)" -> "page.py"; None outside postaudit. (py-spy
    names files relative to their sys.path entry; a full path is taken too.)"""
    path = "/" + frame.rpartition(" (")[2]
    if "/postaudit/" not in path:
        return None
    module = path.rsplit("/postaudit/", 1)[1].rsplit(":", 1)[0]
    return None if "site-packages" in module else module


def stage_of(frames: Sequence[str]) -> str:
    """The stage a sample's stack (outermost frame first) is charged to."""
    if frames and frames[-1].startswith(_BLOCKED):
        return WAITING
    if any(f.startswith("BeautifulSoup.__init__ ") for f in frames):
        return TREE
    ours = [(f.split(" (", 1)[0].split(".")[0], m) for f in frames if (m := _module(f))]
    if not ours:
        return "outside postaudit (interpreter start, multiprocessing)"
    for function, module in reversed(ours):  # innermost first
        for stage, place, name in _NAMED:
            if function == name and module.endswith(place):
                return stage
    module = ours[-1][1]
    for stage, place in _MODULES:
        if module.endswith(place) or (place.endswith("/") and module.startswith(place)):
            return stage
    return f"other: {module}"


def tally(lines: Iterable[str]) -> collections.Counter[str]:
    """Samples per stage from py-spy's raw (collapsed stack) output."""
    counts: collections.Counter[str] = collections.Counter()
    for line in lines:
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not stack or not n.isdigit():
            continue
        counts[stage_of(stack.split(";"))] += int(n)
    return counts


def table(counts: collections.Counter[str], cpu_ms_per_page: float) -> str:
    """Each stage's share of the CPU samples, and the CPU milliseconds per page that
    share is of the run's measured CPU time (py-spy's own overhead left out)."""
    busy = {stage: n for stage, n in counts.items() if stage != WAITING}
    total = sum(busy.values())
    rows = [f"{'stage':<44} {'share':>6} {'ms/page':>8}"]
    for stage, n in sorted(busy.items(), key=lambda item: -item[1]):
        rows.append(f"{stage:<44} {100 * n / total:5.1f}% {cpu_ms_per_page * n / total:8.2f}")
    rows.append(
        f"{'all: CPU of postaudit and its workers':<44} {100.0:5.1f}% {cpu_ms_per_page:8.2f}"
    )
    if counts.get(WAITING):
        rows.append(f"{WAITING}: {counts[WAITING]} samples, not counted above")
    return "\n".join(rows)


def tree_cpu_seconds(command: Sequence[str]) -> float:
    """CPU seconds (user + system) of `command` and every process under it, workers
    and their fork server included (they are not this process's children, so
    `RUSAGE_CHILDREN` cannot see them): sampled every 20 ms, each process's last
    reading kept; a process loses at most its last 20 ms."""
    import psutil

    proc = subprocess.Popen(
        list(command), env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    root = psutil.Process(proc.pid)
    seen: dict[int, float] = {}
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            for p in (root, *root.children(recursive=True)):
                with contextlib.suppress(psutil.Error):
                    times = p.cpu_times()
                    seen[p.pid] = times.user + times.system
        time.sleep(0.02)
    return sum(seen.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile a postaudit sitemap batch by stage.")
    parser.add_argument("--theme", choices=(*generate_site.THEMES, "real"), default="light")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--raw", type=Path, help="also keep py-spy's raw stacks here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("profile_batch: py-spy is not installed (pip install -e '.[dev]')", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="postaudit-profile-") as tmp:
        root = Path(tmp)
        folder = root / "site"
        with serving(folder) as base:
            extra: list[str] = []
            if args.theme == "real":
                site = real_site.build(folder, posts=args.posts, base_url=base)
                target = site.sitemap_url
                extra = ["--exclude-link", real_site.link_exclusion(base)]
            else:
                generate_site.generate(
                    folder, posts=args.posts, theme=args.theme, base_url=base, seed=args.seed
                )
                target = f"{base}/"
            command = [
                *postaudit_cmd(), "sitemap", target, "--format", "jsonl",
                "--links", "pagination", "--fail-on", "never", "-o", str(root / "out.jsonl"),
                *extra,
            ]  # fmt: skip
            # CPU time first, without the profiler (it slows what it samples)
            cpu_ms_per_page = 1000 * tree_cpu_seconds(command) / args.posts
            raw = args.raw or root / "stacks.txt"
            cmd = [
                spy, "record", "--subprocesses", "--format", "raw", "--rate", str(args.rate),
                "--output", str(raw), "--", *command,
            ]  # fmt: skip
            proc = subprocess.run(cmd, env=child_env(), capture_output=True, text=True)
            if proc.returncode != 0 or not raw.exists():
                print(f"profile_batch: py-spy failed: {proc.stderr[-800:]}", file=sys.stderr)
                return 1
            counts = tally(raw.read_text(encoding="utf-8").splitlines())
    print(f"postaudit sitemap, {args.posts} {args.theme} pages, py-spy at {args.rate} Hz")
    print(table(counts, cpu_ms_per_page))
    return 0


if __name__ == "__main__":
    sys.exit(main())
