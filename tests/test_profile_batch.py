"""benchmarks/profile_batch.py: how py-spy's stacks are charged to stages."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import profile_batch as pb

WORKER = (
    'process 2:"python -c spawn_main"',
    "BaseProcess.run (multiprocessing/process.py:108)",
    "_serve (postaudit/run/workers.py:165)",
    "Worker.parse (postaudit/run/workers.py:57)",
    "parse_html (postaudit/run/pipeline.py:109)",
    "parse_page (postaudit/parse/build.py:1391)",
)


def test_a_helper_counts_for_the_step_that_called_it() -> None:
    locating = (
        *WORKER,
        "_links (postaudit/parse/build.py:1068)",
        "Builder.loc (postaudit/parse/builder.py:491)",
    )
    assert pb.stage_of(locating) == "parse: links"
    via_pagination = (
        *WORKER,
        "find_pagination (postaudit/parse/pagination.py:700)",
        "Builder.loc (postaudit/parse/builder.py:491)",
        "excerpt (postaudit/parse/dom.py:386)",
    )
    assert pb.stage_of(via_pagination) == "parse: pagination"
    own_code = (*WORKER,)
    assert pb.stage_of(own_code) == "parse: other"


def test_library_time_and_waiting() -> None:
    tree = (
        *WORKER,
        "BeautifulSoup.__init__ (bs4/__init__.py:211)",
        "start (bs4/builder/_lxml.py:323)",
    )
    assert pb.stage_of(tree) == pb.TREE
    rules = (
        *WORKER[:3],
        "apply_rules (postaudit/run/pipeline.py:142)",
        "audit_page (postaudit/judge/engine.py:118)",
        "run_rule (postaudit/judge/engine.py:46)",
        "check (postaudit/rules/links.py:300)",
        "urlsplit (urllib/parse.py:452)",
    )
    assert pb.stage_of(rules) == "judge: rules"
    blocked = (*WORKER[:3], "_ConnectionBase.send (multiprocessing/connection.py:206)",
               "Connection._send (multiprocessing/connection.py:384)")  # fmt: skip
    assert pb.stage_of(blocked) == pb.WAITING
    assert pb.stage_of(("<module> (<string>:1)",)).startswith("outside postaudit")
    # a checkout in a folder named postaudit is not postaudit's code
    foreign = ("x (/home/me/postaudit/.venv/lib/python3.11/site-packages/bs4/element.py:3)",)
    assert pb.stage_of(foreign).startswith("outside postaudit")


def test_table_spreads_the_measured_cpu_time_over_the_shares() -> None:
    lines = [
        ";".join((*WORKER, "_links (postaudit/parse/build.py:1)")) + " 30",
        ";".join((*WORKER, "BeautifulSoup.__init__ (bs4/__init__.py:1)")) + " 10",
        ";".join((*WORKER[:3], "Connection._recv (multiprocessing/connection.py:1)")) + " 99",
        "garbage line",
    ]
    counts = pb.tally(lines)
    assert counts == {"parse: links": 30, pb.TREE: 10, pb.WAITING: 99}
    text = pb.table(counts, cpu_ms_per_page=8.0)
    assert "parse: links" in text and " 75.0%     6.00" in text and " 25.0%     2.00" in text
    assert "99 samples, not counted above" in text
