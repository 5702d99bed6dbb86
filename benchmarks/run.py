"""postaudit's speed benchmark: `make bench` (not part of CI's test command).

    python benchmarks/run.py [-o benchmarks/results.json] [--posts 1000]
                             [--memory-posts 500,5000] [--keywords] [--keep]
                             [--only memory|memory-json|real]

Generates the benchmark blogs (`generate_site.py`), serves each from its own process on
127.0.0.1 (`serve.py`, a plain threaded static server), and measures, side by side:

1. startup: `postaudit audit ONE_FILE --format json` whole-process wall time vs the
   floor `python -c "import bs4, lxml, textstat, rich, click, httpx"` (median of 5);
2. batch, light and heavy theme: `postaudit sitemap URL --format jsonl --links
   pagination` on N posts (median of 3): wall time, pages/s and peak RSS (the sum over
   postaudit and all its child processes, sampled every 20 ms) vs the floor
   (`floor.py`: read, BeautifulSoup-parse and score the same pages on 2 processes),
   each postaudit run followed by a floor run, so both of a pair meet the same load;
3. batch, real pages: the same command on the real-page corpus (`real_site.py`: the
   41 posts of fixtures/corpus repeated to N URLs), with `--exclude-link` for every
   link off 127.0.0.1 (their original hosts are not to be waited on), vs `floor.py` on
   the same files;
4. memory growth: peak RSS of the light batch at 500 vs 5,000 pages, streamed as
   JSONL to stdout, and again as one JSON report (`--format json -o FILE`, the report a
   baseline is; built from a spool on disk): each within 1.5x.

`--only memory` runs the two memory figures alone, `--only memory-json` the report one
(JSON, or `--memory-format FORMAT`, any format but JSONL), `--only real` the real-page batch alone.

Until `postaudit sitemap` exists the batch runs `postaudit audit URL... --format json
--links pagination` on the sitemap's URLs instead (the table says which). Each batch
run is checked: every post must come back audited, without an X finding, else the
figure is marked incomplete and fails; a real-page run must also have checked no link
off 127.0.0.1, had every local previous/next link answered, and given every copy of a
corpus page the same findings (`real_checks`). Prints one table with targets and
pass/fail and writes it all as JSON. Runs are cut (never below one) when a measurement would
overrun its share of the ten-minute budget; the JSON records how many ran.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_site  # noqa: E402
import real_site  # noqa: E402

FLOOR_IMPORTS = "import bs4, lxml, textstat, rich, click, httpx"
TARGETS = {
    "startup_ratio": ("<=", 1.5),
    "batch_ratio": ("<=", 2.0),
    "light_pages_per_s": (">=", 150.0),
    "memory_ratio": ("<=", 1.5),
}
#: Seconds each measurement may take in total before its repetitions are cut.
CAPS = {
    "batch-light": 75.0,
    "batch-heavy": 120.0,
    "batch-real": 150.0,
    "memory-small": 30.0,
    "memory-large": 180.0,
    "memory-json-small": 30.0,
    "memory-json-large": 180.0,
}


# --------------------------------------------------------------------------- processes


@dataclass
class Sample:
    wall: float
    peak_rss: int | None  # bytes, summed over the process tree; None without psutil
    returncode: int


def child_env() -> dict[str, str]:
    """The environment of measured processes: bytecode caching on (as for users), no
    colour, and nothing that would change postaudit's output."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def _tree_rss(proc: Any, psutil: Any) -> int:
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            total += member.memory_info().rss
    return total


def run_measured(
    cmd: Sequence[str], *, cwd: Path, stdout: Path | None, stderr: Path, interval: float = 0.02
) -> Sample:
    """Run `cmd` to completion: wall time and the peak summed RSS of its process tree."""
    psutil: Any
    try:
        psutil = importlib.import_module("psutil")
    except ImportError:  # pragma: no cover - psutil is a dev dependency
        psutil = None
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    err = open(stderr, "wb")  # noqa: SIM115
    peak = 0
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err, env=child_env())
        if psutil is None:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            return Sample(wall, usage.ru_maxrss * 1024, proc.returncode)
        watched = psutil.Process(proc.pid)
        while proc.poll() is None:
            peak = max(peak, _tree_rss(watched, psutil))
            time.sleep(interval)
        wall = time.perf_counter() - start
        return Sample(wall, peak or None, proc.returncode)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
        err.close()


def time_once(cmd: Sequence[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, env=child_env(), capture_output=True, check=False)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(cmd[:3])}... exited {proc.returncode}: {proc.stderr.decode()[-500:]}"
        )
    return took


def postaudit_cmd() -> list[str]:
    script = Path(sys.executable).parent / "postaudit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "postaudit"]


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve `root` from a separate process; yield its base URL."""
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "serve.py"), str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_env(),
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError(f"the site server did not start (got {base!r})")
        yield base
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(timeout=5)


# --------------------------------------------------------------------------- batch mode


@dataclass(frozen=True)
class BatchMode:
    name: str  # "sitemap" | "audit-urls"
    fmt: str  # "jsonl" | "json"
    links_flag: bool  # whether the command takes --links

    def command(self, base: str, urls: Sequence[str], extra: Sequence[str]) -> list[str]:
        links = ["--links", "pagination"] if self.links_flag else []
        if self.name == "sitemap":
            return [*postaudit_cmd(), "sitemap", f"{base}/", "--format", self.fmt, *links, *extra]
        return [*postaudit_cmd(), "audit", *urls, "--format", self.fmt, *links, *extra]

    def shown(self) -> str:
        if self.name == "sitemap":
            return f"postaudit sitemap URL/ --format {self.fmt} --links pagination"
        return f"postaudit audit URL... --format {self.fmt} --links pagination"


def detect_mode(cwd: Path) -> BatchMode:
    """`postaudit sitemap` with jsonl when the installed CLI has it, else `audit URL...`."""
    proc = subprocess.run(
        [*postaudit_cmd(), "sitemap", "--help"],
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode == 0:
        helptext = proc.stdout
        return BatchMode(
            "sitemap", "jsonl" if "jsonl" in helptext else "json", "--links" in helptext
        )
    return BatchMode("audit-urls", "json", True)


@dataclass
class Audited:
    pages: int
    failed: int
    pagination_links: int
    pagination_checked: int
    #: why the run is incomplete beyond missing or failed pages (the real-page checks)
    problems: tuple[str, ...] = ()
    #: further counts a check made, kept in the JSON (the real-page link figures)
    counts: dict[str, int] = field(default_factory=dict)


def read_pages(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The page records of a batch run's JSONL stream or JSON report."""
    pages: list[dict[str, Any]] = []
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                with contextlib.suppress(json.JSONDecodeError):
                    data = json.loads(line)
                    if isinstance(data, dict) and "url" in data:
                        pages.append(data)
    else:
        with contextlib.suppress(OSError, json.JSONDecodeError):
            pages = json.loads(path.read_text(encoding="utf-8")).get("pages", [])
    return pages


def page_failed(page: dict[str, Any]) -> bool:
    """A page that came back with an error or an X (fetch / read) finding."""
    return bool(page.get("error")) or any(
        str(f.get("code", "")).startswith("X") for f in page.get("findings", ())
    )


def pagination_links(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's previous/next link records (those with a URL)."""
    pagination = (page.get("facts") or {}).get("pagination") or {}
    out = []
    for side in ("prev", "next"):
        link = pagination.get(side)
        if isinstance(link, dict) and link.get("url"):
            out.append(link)
    return out


def audited(pages: Sequence[dict[str, Any]]) -> Audited:
    """Pages, failed pages, pagination links and how many were checked."""
    failed = sum(1 for page in pages if page_failed(page))
    links = [link for page in pages for link in pagination_links(page)]
    checked = sum(1 for link in links if link.get("status"))
    return Audited(len(pages), failed, len(links), checked)


def read_output(path: Path, fmt: str) -> Audited:
    """What a batch run reports: pages, failed pages, pagination links checked."""
    return audited(read_pages(path, fmt))


def on_origin(url: str, base: str) -> bool:
    """Whether `url` is on the origin `base` (scheme://host:port, no path)."""
    base = base.rstrip("/")
    return url == base or (url.startswith(base) and url[len(base)] in "/?#")


def _findings_key(page: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A page's findings as (code, message), its own URL written as {page}: what two
    byte-identical copies of one corpus page must share."""
    url = str(page.get("url", ""))
    return tuple(
        sorted(
            (str(f.get("code", "")), str(f.get("message", "")).replace(url, "{page}"))
            for f in page.get("findings", ())
        )
    )


def real_checks(
    pages: Sequence[dict[str, Any]], base: str, sources: dict[str, str]
) -> tuple[list[str], dict[str, int]]:
    """What makes a real-page batch incomplete beyond missing or failed pages, and the
    link counts behind it. `sources` maps each page URL to its corpus page.

    - no link check left the machine: every previous/next link off `base`'s origin is
      skipped (`--exclude-link`), none was fetched;
    - every previous/next link on the origin was answered by the local server with an
      HTTP status (a 404 is an answer: most of the corpus's relative links name posts
      that are not in the corpus; a timeout or a refused connection is not);
    - the copies of one corpus page are byte for byte the same, so they must come back
      with the same findings (code and message); a copy that differs met something the
      page does not cause (a timeout under load, a dropped connection).
    """
    problems: list[str] = []
    local = answered = off_site = excluded = left = 0
    for page in pages:
        for link in pagination_links(page):
            status = link.get("status") or {}
            if on_origin(str(link["url"]), base):
                local += 1
                answered += status.get("status") is not None
            else:
                off_site += 1
                if status.get("state") == "skipped":
                    excluded += 1
                elif status:
                    left += 1
    if left:
        problems.append(f"{left} off-site previous/next links were checked (not excluded)")
    if answered < local:
        problems.append(f"{local - answered} of {local} local previous/next links got no answer")
    by_source: dict[str, list[tuple[tuple[str, str], ...]]] = {}
    for page in pages:
        source = sources.get(str(page.get("url", "")))
        if source is not None:
            by_source.setdefault(source, []).append(_findings_key(page))
    differing = []
    for source, keys in sorted(by_source.items()):
        common = max(set(keys), key=keys.count)
        if any(key != common for key in keys):
            differing.append(f"{source} ({sum(key != common for key in keys)} of {len(keys)})")
    if differing:
        problems.append("copies with other findings than the rest: " + ", ".join(differing))
    counts = {
        "pagination_local": local,
        "pagination_local_answered": answered,
        "pagination_off_site": off_site,
        "pagination_off_site_excluded": excluded,
        "pagination_off_site_checked": left,
        "sources_with_differing_copies": len(differing),
    }
    return problems, counts


def read_real_output(path: Path, fmt: str, base: str, sources: dict[str, str]) -> Audited:
    """`read_output` plus the real-page checks (`real_checks`)."""
    pages = read_pages(path, fmt)
    result = audited(pages)
    problems, counts = real_checks(pages, base, sources)
    result.problems, result.counts = tuple(problems), counts
    return result


# --------------------------------------------------------------------------- measurements


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def repeat(label: str, runs: int, cap: float | None, once: Callable[[int], Sample]) -> list[Sample]:
    """Up to `runs` samples, fewer (never none) when they would overrun `cap` seconds."""
    samples = [once(0)]
    allowed = runs
    if cap is not None and runs > 1:
        allowed = max(1, min(runs, int(cap // max(samples[0].wall, 1e-3))))
        if allowed < runs:
            log(f"{label}: {allowed} of {runs} runs fit the {cap:.0f} s budget")
    for i in range(1, allowed):
        samples.append(once(i))
    return samples


@dataclass
class Workspace:
    root: Path
    mode: BatchMode
    extra: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


def measure_startup(ws: Workspace, one_file: Path, runs: int) -> dict[str, Any]:
    audit = [*postaudit_cmd(), "audit", str(one_file), "--format", "json"]
    floor = [sys.executable, "-c", FLOOR_IMPORTS]
    time_once(audit, ws.root)  # warm-up: bytecode caches, page cache
    time_once(floor, ws.root)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(runs):  # interleaved so drift hits both alike
        ours.append(time_once(audit, ws.root))
        base.append(time_once(floor, ws.root))
    result: dict[str, Any] = {
        "command": f"postaudit audit {one_file.name} --format json",
        "floor_command": f'python -c "{FLOOR_IMPORTS}"',
        "file_bytes": one_file.stat().st_size,
        "runs_s": [round(x, 4) for x in ours],
        "floor_runs_s": [round(x, 4) for x in base],
        "median_s": round(median(ours), 4),
        "floor_median_s": round(median(base), 4),
    }
    result["ratio"] = round(result["median_s"] / result["floor_median_s"], 2)
    log(
        f"startup: {result['median_s']:.3f} s vs floor {result['floor_median_s']:.3f} s "
        f"(ratio {result['ratio']:.2f})"
    )
    return result


def all_audited(ws: Workspace, label: str, audits: Sequence[Audited], pages: int) -> bool:
    """Whether every run reported every page without a failure or another problem
    (else a note)."""
    complete = all(a.pages == pages and a.failed == 0 and not a.problems for a in audits)
    if not complete:
        last = audits[-1]
        problems = list(dict.fromkeys(p for a in audits for p in a.problems))
        ws.notes.append(
            f"{label}: incomplete: {last.pages} of {pages} pages reported, {last.failed} failed"
            + "".join(f"; {p}" for p in problems)
        )
    return complete


def batch_runs(
    ws: Workspace,
    site: Path,
    base: str,
    urls: Sequence[str],
    runs: int,
    cap: float,
    label: str,
    *,
    extra: Sequence[str] | None = None,
    reader: Callable[[Path, str], Audited] = read_output,
    after: Callable[[int], object] | None = None,
) -> dict[str, Any]:
    """`runs` batch runs (`extra` options instead of the workspace's), each read back
    and checked with `reader`; `after(i)` runs after run `i` (its floor run)."""
    cmd = ws.mode.command(base, urls, ws.extra if extra is None else extra)
    audits: list[Audited] = []

    def once(i: int) -> Sample:
        out = ws.root / f"{label}-{i}.{ws.mode.fmt}"
        sample = run_measured(cmd, cwd=ws.root, stdout=out, stderr=ws.root / f"{label}-{i}.err")
        if sample.returncode not in (0, 1):
            tail = (ws.root / f"{label}-{i}.err").read_text(errors="replace")[-800:]
            raise RuntimeError(f"{label}: postaudit exited {sample.returncode}: {tail}")
        audits.append(reader(out, ws.mode.fmt))
        out.unlink()
        log(
            f"{label} run {i + 1}: {sample.wall:.1f} s, {len(urls) / sample.wall:.0f} pages/s, "
            f"peak RSS {(sample.peak_rss or 0) / 2**20:.0f} MB, {audits[-1].pages} pages audited"
        )
        if after is not None:
            after(i)
        return sample

    samples = repeat(label, runs, cap, once)
    walls = [s.wall for s in samples]
    rss = [s.peak_rss for s in samples if s.peak_rss]
    last = audits[-1]
    complete = all_audited(ws, label, audits, len(urls))
    return {
        "pages": len(urls),
        "runs": len(samples),
        "wall_runs_s": [round(w, 3) for w in walls],
        "wall_s": round(median(walls), 3),
        "pages_per_s": round(len(urls) / median(walls), 1),
        "peak_rss_runs_mb": [round(r / 2**20, 1) for r in rss],
        "peak_rss_mb": round(median(rss) / 2**20, 1) if rss else None,
        "audited_pages": last.pages,
        "failed_pages": last.failed,
        "pagination_links": last.pagination_links,
        "pagination_links_checked": last.pagination_checked,
        **({"checks": last.counts} if last.counts else {}),
        "problems": list(dict.fromkeys(p for a in audits for p in a.problems)),
        "complete": complete,
    }


def floor_once(ws: Workspace, site: Path, label: str) -> Callable[[int], Sample]:
    """One run of `floor.py` on the site's files, as a function of the run's number."""
    cmd = [sys.executable, str(HERE / "floor.py"), str(site), "--workers", "2"]

    def once(i: int) -> Sample:
        sample = run_measured(cmd, cwd=ws.root, stdout=None, stderr=ws.root / f"{label}.err")
        if sample.returncode != 0:
            tail = (ws.root / f"{label}.err").read_text(errors="replace")[-800:]
            raise RuntimeError(f"{label}: floor.py exited {sample.returncode}: {tail}")
        log(f"{label} run {i + 1}: {sample.wall:.1f} s")
        return sample

    return once


def floor_summary(samples: Sequence[Sample]) -> dict[str, Any]:
    walls = [s.wall for s in samples]
    rss = [s.peak_rss for s in samples if s.peak_rss]
    return {
        "runs": len(samples),
        "wall_runs_s": [round(w, 3) for w in walls],
        "wall_s": round(median(walls), 3),
        "peak_rss_mb": round(median(rss) / 2**20, 1) if rss else None,
    }


@contextlib.contextmanager
def generated(
    ws: Workspace, theme: str, posts: int, seed: int
) -> Iterator[tuple[Path, str, list[str]]]:
    """A generated site served from its own process: (folder, base URL, post URLs)."""
    folder = ws.root / f"site-{theme}-{posts}"
    with serving(folder) as base:
        start = time.perf_counter()
        site = generate_site.generate(folder, posts=posts, theme=theme, base_url=base, seed=seed)
        log(f"generated {posts} {theme} posts in {time.perf_counter() - start:.1f} s at {base}")
        yield folder, base, [p.url for p in site.posts]
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def real_served(ws: Workspace, posts: int) -> Iterator[tuple[Path, str, real_site.RealSite]]:
    """The real-page site (`real_site.py`) served from its own process."""
    folder = ws.root / f"site-real-{posts}"
    with serving(folder) as base:
        start = time.perf_counter()
        site = real_site.build(folder, posts=posts, base_url=base)
        log(
            f"copied {posts} real pages ({len(site.sources)} corpus posts) in "
            f"{time.perf_counter() - start:.1f} s at {base}"
        )
        yield folder, base, site
    shutil.rmtree(folder, ignore_errors=True)


def measure_real(ws: Workspace, posts: int, runs: int) -> dict[str, Any]:
    """The real-page batch: the corpus posts repeated to `posts` URLs, every link off
    127.0.0.1 excluded from the checks, each run checked by `real_checks`; then the
    floor on the same files. The generated sites' --keywords are not passed."""
    with real_served(ws, posts) as (folder, base, site):
        urls = [c.url for c in site.copies]
        sources = {c.url: c.source for c in site.copies}
        exclude = real_site.link_exclusion(base)

        def reader(path: Path, fmt: str) -> Audited:
            return read_real_output(path, fmt, base, sources)

        result = measure_batch(
            ws, "real", folder, base, urls, runs, extra=("--exclude-link", exclude), reader=reader
        )
        per_source = [sum(c.source == s for c in site.copies) for s in site.sources]
        result["corpus"] = {
            "posts": len(site.sources),
            "left_out": list(site.skipped),
            "copies_per_post": {"min": min(per_source), "max": max(per_source)},
            "exclude_link": exclude,
        }
        return result


def measure_batch(
    ws: Workspace,
    theme: str,
    folder: Path,
    base: str,
    urls: Sequence[str],
    runs: int,
    *,
    extra: Sequence[str] | None = None,
    reader: Callable[[Path, str], Audited] = read_output,
) -> dict[str, Any]:
    """postaudit on the served site, each run followed by a run of the floor on the same
    files: the pairs share the machine's state of the moment (on a shared machine both
    slow down and speed up together), so the ratio of the medians moves less than with
    every postaudit run first and every floor run after them."""
    cap = CAPS[f"batch-{theme}"]
    label = f"batch-{theme}"
    floor_run = floor_once(ws, folder, f"floor-{theme}")
    floor_samples: list[Sample] = []
    ours = batch_runs(
        ws,
        folder,
        base,
        urls,
        runs,
        cap,
        label,
        extra=extra,
        reader=reader,
        after=lambda i: floor_samples.append(floor_run(i)),
    )
    floor = floor_summary(floor_samples)
    sizes = [(folder / p).stat().st_size for p in _paths(folder)]
    result = {"theme": theme, **ours, "floor": floor}
    result["page_kb"] = {
        "min": round(min(sizes) / 1024, 1),
        "mean": round(sum(sizes) / len(sizes) / 1024, 1),
        "max": round(max(sizes) / 1024, 1),
    }
    result["floor_pages_per_s"] = round(len(urls) / floor["wall_s"], 1)
    result["ratio"] = round(ours["wall_s"] / floor["wall_s"], 2)
    return result


def _paths(folder: Path) -> list[str]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [p["path"] for p in manifest["pages"]]


def json_runs(
    ws: Workspace,
    base: str,
    urls: Sequence[str],
    runs: int,
    cap: float,
    label: str,
    fmt: str = "json",
) -> dict[str, Any]:
    """`postaudit sitemap URL/ --format FMT -o FILE --links pagination`: peak RSS. For a
    format other than JSON, a JSONL stream beside it tells which pages were audited."""
    audits: list[Audited] = []

    def once(i: int) -> Sample:
        out = ws.root / f"{label}-{i}.{fmt}"
        pages = ws.root / f"{label}-{i}.jsonl"
        beside = () if fmt == "json" else ("--format", f"jsonl={pages}")
        cmd = [
            *postaudit_cmd(),
            "sitemap",
            f"{base}/",
            "--format",
            fmt,
            "-o",
            str(out),
            *beside,
            "--links",
            "pagination",
            *ws.extra,
        ]
        sample = run_measured(cmd, cwd=ws.root, stdout=None, stderr=ws.root / f"{label}-{i}.err")
        if sample.returncode not in (0, 1):
            tail = (ws.root / f"{label}-{i}.err").read_text(errors="replace")[-800:]
            raise RuntimeError(f"{label}: postaudit exited {sample.returncode}: {tail}")
        audits.append(read_output(out, "json") if fmt == "json" else read_output(pages, "jsonl"))
        size = out.stat().st_size
        out.unlink()
        pages.unlink(missing_ok=True)
        log(
            f"{label} run {i + 1}: {sample.wall:.1f} s, peak RSS "
            f"{(sample.peak_rss or 0) / 2**20:.0f} MB, {audits[-1].pages} pages, "
            f"{size / max(audits[-1].pages, 1) / 1024:.1f} KB a page of {fmt}"
        )
        return sample

    samples = repeat(label, runs, cap, once)
    rss = [s.peak_rss for s in samples if s.peak_rss]
    complete = all_audited(ws, label, audits, len(urls))
    return {
        "pages": len(urls),
        "runs": len(samples),
        "wall_s": round(median([s.wall for s in samples]), 3),
        "peak_rss_runs_mb": [round(r / 2**20, 1) for r in rss],
        "peak_rss_mb": round(median(rss) / 2**20, 1) if rss else None,
        "complete": complete,
    }


def measure_memory(
    ws: Workspace,
    small: int,
    large: int,
    runs: int,
    seed: int,
    *,
    jsonl: bool = True,
    fmt: str = "json",
) -> dict[str, Any]:
    """Peak RSS at `small` and `large` pages: JSONL to stdout (with `jsonl`) and one
    report in `fmt` (JSON by default) to a file, on the same generated sites. The
    report's figures are under "json" whatever `fmt` is, named by "report_format"."""
    out: dict[str, Any] = {"json": {}, "report_format": fmt}
    for posts, key in ((small, "memory-small"), (large, "memory-large")):
        with generated(ws, "light", posts, seed) as (folder, base, urls):
            if jsonl:
                out[str(posts)] = batch_runs(ws, folder, base, urls, runs, CAPS[key], key)
            json_key = key.replace("memory", "memory-json")
            label = json_key.replace("json", fmt)
            out["json"][str(posts)] = json_runs(ws, base, urls, runs, CAPS[json_key], label, fmt)
    out["small"], out["large"] = small, large
    for figures in ([out] if jsonl else []) + [out["json"]]:
        rss_small = figures[str(small)]["peak_rss_mb"]
        rss_large = figures[str(large)]["peak_rss_mb"]
        figures["ratio"] = round(rss_large / rss_small, 2) if rss_small and rss_large else None
    return out


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str] = {}
    from importlib import metadata

    for dist in ("postaudit", "beautifulsoup4", "lxml", "textstat", "httpx", "psutil"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    info["versions"] = versions
    return info


def verdict(name: str, value: float | None) -> bool:
    op, limit = TARGETS[name]
    if value is None:
        return False
    return value <= limit if op == "<=" else value >= limit


def rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The table: one row per figure with its target and verdict."""
    out: list[dict[str, Any]] = []
    if "startup" in results:  # not with --only
        s = results["startup"]
        out.append(
            {
                "figure": "startup: audit 1 file --format json",
                "postaudit": f"{s['median_s']:.2f} s",
                "floor": f"{s['floor_median_s']:.2f} s (imports)",
                "value": s["ratio"],
                "shown": f"{s['ratio']:.2f}x",
                "target": "<= 1.5x",
                "pass": verdict("startup_ratio", s["ratio"]),
            }
        )
    batches = results.get("batch") or {}
    for theme in (t for t in ("light", "heavy", "real") if t in batches):
        b = batches[theme]
        out.append(batch_row(theme, b))
        if theme == "light":
            out.append(
                {
                    "figure": "batch light: pages per second",
                    "postaudit": f"{b['pages_per_s']:.0f} p/s",
                    "floor": "",
                    "value": b["pages_per_s"],
                    "shown": f"{b['pages_per_s']:.0f} p/s",
                    "target": ">= 150 p/s",
                    "pass": b["complete"] and verdict("light_pages_per_s", b["pages_per_s"]),
                }
            )
    return _memory_rows(results, out) if "memory" in results else out


def batch_row(theme: str, b: dict[str, Any]) -> dict[str, Any]:
    """The row of one batch figure (light, heavy or real): wall time, pages/s and peak
    RSS against the floor; it passes when every run was complete and within 2x."""
    rss = f", {b['peak_rss_mb']:.0f} MB" if b.get("peak_rss_mb") else ""
    incomplete = "" if b["complete"] else " INCOMPLETE"
    return {
        "figure": f"batch {theme}: {b['pages']} pages{incomplete}",
        "postaudit": f"{b['wall_s']:.1f} s, {b['pages_per_s']:.0f} p/s{rss}",
        "floor": f"{b['floor']['wall_s']:.1f} s, {b['floor_pages_per_s']:.0f} p/s",
        "value": b["ratio"],
        "shown": f"{b['ratio']:.2f}x",
        "target": "<= 2x",
        "pass": b["complete"] and verdict("batch_ratio", b["ratio"]),
    }


def _memory_rows(results: dict[str, Any], out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = results["memory"]
    figures = [("memory", m)] if "ratio" in m else []
    figures.append((f"memory {m.get('report_format', 'json')}", m["json"]))
    for name, f in figures:
        small, large = f[str(m["small"])], f[str(m["large"])]
        complete = small["complete"] and large["complete"]
        out.append(
            {
                "figure": f"{name}: peak RSS {m['large']} vs {m['small']} pages"
                + ("" if complete else " INCOMPLETE"),
                "postaudit": f"{small['peak_rss_mb'] or 0:.0f} MB -> "
                f"{large['peak_rss_mb'] or 0:.0f} MB",
                "floor": "",
                "value": f["ratio"],
                "shown": f"{f['ratio']:.2f}x" if f["ratio"] else "n/a",
                "target": "<= 1.5x",
                "pass": complete and verdict("memory_ratio", f["ratio"]),
            }
        )
    return out


def markdown(table: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| figure | postaudit | floor | ratio / value | target | result |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| {r['figure']} | {r['postaudit']} | {r['floor'] or '-'} | {r['shown']} | "
            f"{r['target']} | {'pass' if r['pass'] else 'FAIL'} |"
        )
    return "\n".join(lines) + "\n"


def print_table(table: Sequence[dict[str, Any]], results: dict[str, Any]) -> None:
    m = results["machine"]
    if not results.get("batch"):  # --only memory / memory-json
        print(markdown(table))
        return
    title = (
        f"postaudit benchmark ({results['mode']}; {m['cores']} cores, Python {m['python']}, "
        f"load {m['loadavg_start'][0]:.1f})"
    )
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a runtime dependency
        print(title)
        print(markdown(table))
        return
    t = Table(title=title, title_justify="left")
    for name in ("figure", "postaudit", "floor", "ratio / value", "target", "result"):
        t.add_column(name, justify="right" if name == "ratio / value" else "left")
    for r in table:
        t.add_row(
            r["figure"],
            r["postaudit"],
            r["floor"] or "-",
            r["shown"],
            r["target"],
            "[green]pass[/]" if r["pass"] else "[bold red]FAIL[/]",
        )
    Console(highlight=False, width=max(110, shutil.get_terminal_size().columns)).print(t)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="postaudit speed benchmark")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--posts", type=int, default=1000, help="posts per batch site")
    parser.add_argument(
        "--memory-posts", default="500,5000", help="the two site sizes of the memory figure"
    )
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keywords",
        action="store_true",
        help=f"also pass the site's keyphrase and towns (-k {generate_site.KEYPHRASE!r} ...)",
    )
    parser.add_argument("--mode", choices=("auto", "sitemap", "audit-urls"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--only",
        choices=("memory", "memory-json", "real"),
        default=None,
        help="run only the memory rows (memory-json: only the JSON report's row), or only "
        "the real-page batch (real)",
    )
    parser.add_argument(
        "--memory-format",
        choices=("json", "sarif", "junit", "html", "markdown", "github", "text"),
        default="json",
        help="the report format of the memory-json row (sitemap -o FILE; default json)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a figure misses its target"
    )
    args = parser.parse_args(argv)
    small, large = (int(x) for x in args.memory_posts.split(","))
    started = time.perf_counter()

    root = Path(tempfile.mkdtemp(prefix="postaudit-bench-"))
    extra: tuple[str, ...] = ()
    if args.keywords:
        extra = ("-k", generate_site.KEYPHRASE)
        for town in generate_site.LOCATIONS:
            extra += ("-l", town)
    try:
        mode = detect_mode(root)
        if args.mode == "audit-urls":
            mode = BatchMode("audit-urls", "json", True)
        elif args.mode == "sitemap" and mode.name != "sitemap":
            raise SystemExit("bench: `postaudit sitemap` is not available in this install")
        ws = Workspace(root, mode, extra)
        if mode.name != "sitemap":
            ws.notes.append(
                "`postaudit sitemap` is not available: the batch figures audit the sitemap's "
                "URLs with `postaudit audit URL... --format json --links pagination`"
            )
        log(f"mode: {mode.shown()}; work folder {root}")
        results: dict[str, Any] = {"schema": 1, "machine": machine(), "mode": mode.shown()}
        results["options"] = {
            "posts": args.posts,
            "memory_posts": [small, large],
            "keywords": list(extra),
            "seed": args.seed,
        }

        results["batch"] = {}
        for theme in () if args.only else generate_site.THEMES:
            with generated(ws, theme, args.posts, args.seed) as (folder, base, urls):
                if theme == "light":  # one typical post for the startup figure
                    one = folder / _paths(folder)[min(10, len(urls) - 1)]
                    results["startup"] = measure_startup(ws, one, args.startup_runs)
                results["batch"][theme] = measure_batch(
                    ws, theme, folder, base, urls, args.batch_runs
                )
        if args.only in (None, "real"):
            results["batch"]["real"] = measure_real(ws, args.posts, args.batch_runs)
        if args.only != "real":
            results["memory"] = measure_memory(
                ws,
                small,
                large,
                args.memory_runs,
                args.seed,
                jsonl=args.only != "memory-json",
                fmt=args.memory_format,
            )

        results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        results["elapsed_s"] = round(time.perf_counter() - started, 1)
        table = rows(results)
        results["table"] = table
        results["markdown"] = markdown(table)
        results["notes"] = ws.notes
        results["passed"] = all(r["pass"] for r in table)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print_table(table, results)
        for note in ws.notes:
            print(f"note: {note}")
        print(f"results: {args.output} ({results['elapsed_s']:.0f} s)")
        return 1 if args.check and not results["passed"] else 0
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
