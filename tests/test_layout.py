"""The source tree keeps its shape: the stages as packages, no import circles (deferred
and TYPE_CHECKING imports count), no module reaching for another's private names, rules
that read only the parsed page and the measures, and modules and functions of a size a
reader can hold (800 and 100 lines). `python tests/layout_graph.py` prints the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout_graph import MAX_FUNCTION_LINES, MAX_MODULE_LINES, analyse
from paths import ROOT

LAYOUT = analyse(ROOT / "src")
STAGES = ("gather", "parse", "measure", "judge", "run", "report", "rules")
#: what each stage may never import: the data flows gather -> parse -> measure -> rules
#: -> judge -> report, and run drives them all from above
NEVER = {
    "parse": ("gather", "judge", "run", "report", "cli"),
    "measure": ("gather", "judge", "run", "report", "rules", "cli"),
    "rules": ("gather", "judge", "run", "report", "cli"),
    "judge": ("run", "report", "cli"),
    "report": ("run", "cli"),
    "gather": ("judge", "run", "report", "rules", "cli"),
}


def test_the_stages_are_packages() -> None:
    package = ROOT / "src" / "postaudit"
    for stage in STAGES:
        assert (package / stage / "__init__.py").is_file(), stage
    flat = sorted(p.stem for p in package.glob("*.py"))
    # beside the stages only the entry points and what every stage shares
    assert flat == [
        "__init__",
        "__main__",
        "cli",
        "config",
        "localserver",
        "model",
        "options",
        "project",
        "safeio",
        "urls",
        "version",
    ]


def test_no_import_circles() -> None:
    assert LAYOUT.cycles == []


def test_no_module_imports_another_modules_private_names() -> None:
    assert LAYOUT.private == []


def test_rules_read_only_the_page_the_measures_and_the_model() -> None:
    assert LAYOUT.rules_imports == []


@pytest.mark.parametrize("stage", sorted(NEVER))
def test_stages_import_downstream_only(stage: str) -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in LAYOUT.graph.items()
        if module.startswith(f"postaudit.{stage}.") or module == f"postaudit.{stage}"
        for target in targets
        for other in NEVER[stage]
        if target == f"postaudit.{other}" or target.startswith(f"postaudit.{other}.")
    ]
    assert wrong == []


def test_no_module_over_the_size_limit() -> None:
    assert LAYOUT.big_modules == [], f"modules over {MAX_MODULE_LINES} lines"


def test_no_function_over_the_size_limit() -> None:
    assert LAYOUT.long_functions == [], f"functions over {MAX_FUNCTION_LINES} lines"


def test_the_checker_sees_hidden_circles_and_private_imports(tmp_path: Path) -> None:
    package = tmp_path / "postaudit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from postaudit.b import g\n    return g\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from postaudit import a\n"
        "from postaudit.c import _secret\n"
    )
    (package / "c.py").write_text("_secret = 1\n" + "x = 1\n" * (MAX_MODULE_LINES + 1))
    layout = analyse(tmp_path)
    assert layout.cycles == [["postaudit.a", "postaudit.b"]]
    assert layout.private == ["postaudit.b imports postaudit.c._secret"]
    assert layout.big_modules == [f"postaudit.c ({MAX_MODULE_LINES + 2} lines)"]
