"""benchmarks/instructions.py: reading valgrind's count."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import instructions

CACHEGRIND = """==4242== Cachegrind, a high-precision tracing profiler
==4242== Command: python -c ...
==4242==
==4242== I refs:        2,893,441,207
"""

# valgrind 3.19 and earlier align the label with spaces inside it
OLD_CACHEGRIND = "==17== I   refs:      12,345\n==17== I1  misses:    1\n"


def test_the_total_of_the_i_refs_line() -> None:
    assert instructions.instruction_refs(CACHEGRIND) == 2_893_441_207
    assert instructions.instruction_refs(OLD_CACHEGRIND) == 12_345


def test_output_without_a_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="I refs"):
        instructions.instruction_refs("==1== Command: python\n==1== I1  misses: 3\n")
