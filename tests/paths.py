"""Where the tests find the project and the material they read.

Everything a test reads lives in this repository: the real-page corpus in
`fixtures/corpus/` (with `SOURCES.md`), the rule fixtures in `fixtures/rules/`, and test
data in `tests/data/`. Nothing is read from outside the checkout.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = FIXTURES / "corpus"
DATA = ROOT / "tests" / "data"
SEED_FINGERPRINTS = DATA / "seed-fingerprints.json"
