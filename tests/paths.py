"""Where the tests find the project and the shared reference material.

`../shared` (the corpus of real pages and the seed article) sits beside the project in
every checkout and CI run; POSTAUDIT_SHARED points elsewhere when it does not.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POSTAUDIT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed"
FIXTURES = ROOT / "fixtures"

if not CORPUS.is_dir():  # pragma: no cover - a broken checkout, said plainly
    raise RuntimeError(
        f"shared corpus not found at {CORPUS}; set POSTAUDIT_SHARED to the shared/ folder"
    )
