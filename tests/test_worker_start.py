"""run.start.prestart: the fork server the workers fork from starts before the sitemap
command imports the rest (its preload then runs beside the main process), only when the
run may use worker processes. Checked on a real process: its children in /proc."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").exists()
    or "forkserver" not in multiprocessing.get_all_start_methods(),
    reason="needs Linux /proc and a fork server",
)

PROBE = """
import os, sys, time
from postaudit.run.start import prestart
prestart({workers})
time.sleep(0.2)
kids = open(f"/proc/self/task/{{os.getpid()}}/children").read().split()
for pid in kids:
    print(open(f"/proc/{{pid}}/cmdline", "rb").read().replace(b"\\0", b" ").decode())
print("modules:", "postaudit.rules" in sys.modules, "bs4" in sys.modules)
"""


def children(workers: int | None) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(workers=workers)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    assert out[-1] == "modules: False False"  # the caller has imported nothing heavy
    return out[:-1]


@pytest.mark.parametrize("workers", [None, 2])
def test_the_fork_server_starts_with_the_worker_preload(workers: int | None) -> None:
    servers = [k for k in children(workers) if "multiprocessing.forkserver" in k]
    assert len(servers) == 1  # (beside it, multiprocessing's resource tracker)
    assert "postaudit.run.worker_preload" in servers[0]


def test_no_fork_server_for_an_in_process_run() -> None:
    assert children(1) == []  # not even the resource tracker
