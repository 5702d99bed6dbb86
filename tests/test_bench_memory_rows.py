"""benchmarks/run.py: the memory rows of the table (JSONL stream and JSON report)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import run as bench


def figure(mb: float, *, complete: bool = True) -> dict[str, Any]:
    return {"peak_rss_mb": mb, "complete": complete}


def test_memory_only_table_has_the_json_row_with_its_verdict() -> None:
    memory: dict[str, Any] = {"small": 500, "large": 5000}
    memory["json"] = {"500": figure(300.0), "5000": figure(420.0), "ratio": 1.4}
    rows = bench.rows({"memory": memory})
    assert [r["figure"] for r in rows] == ["memory json: peak RSS 5000 vs 500 pages"]
    assert rows[0]["shown"] == "1.40x" and rows[0]["pass"]
    memory["json"].update({"5000": figure(1000.0), "ratio": 3.33})
    assert not bench.rows({"memory": memory})[0]["pass"]


def test_both_memory_rows_and_an_incomplete_run_fails() -> None:
    memory: dict[str, Any] = {"small": 500, "large": 5000, "ratio": 1.2}
    memory["500"], memory["5000"] = figure(350.0), figure(420.0)
    memory["json"] = {"500": figure(360.0), "5000": figure(400.0, complete=False), "ratio": 1.1}
    rows = bench.rows({"memory": memory})
    assert [r["figure"] for r in rows] == [
        "memory: peak RSS 5000 vs 500 pages",
        "memory json: peak RSS 5000 vs 500 pages INCOMPLETE",
    ]
    assert [r["pass"] for r in rows] == [True, False]


def test_the_report_row_is_named_by_its_format() -> None:
    memory: dict[str, Any] = {"small": 500, "large": 5000, "report_format": "sarif"}
    memory["json"] = {"500": figure(300.0), "5000": figure(330.0), "ratio": 1.1}
    rows = bench.rows({"memory": memory})
    assert [r["figure"] for r in rows] == ["memory sarif: peak RSS 5000 vs 500 pages"]
