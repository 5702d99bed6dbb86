"""Install for use: the wheel `python -m build` makes from the tracked sources carries the
demo site, the report schema and py.typed, one version and the project URLs. Built
offline (--no-isolation: the dev extras hold build and setuptools) from a copy of the
sources, so the work tree gets no build/ folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import postaudit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "postaudit"


def test_the_wheel_ships_the_demo_site_schema_and_metadata(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    shutil.copytree(
        ROOT / "src",
        tmp_path / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", "dist", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name == f"postaudit-{postaudit.__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())

    demo = {
        f"postaudit/{p.relative_to(SRC).as_posix()}"
        for p in (SRC / "demo_site").rglob("*")
        if p.is_file()
    }
    assert demo and demo <= names, sorted(demo - names)
    assert "postaudit/demo_site/blog/why-anxiety-gets-louder-at-night.html" in names
    assert {"postaudit/schema/report.schema.json", "postaudit/py.typed"} <= names
    modules = {f"postaudit/{p.relative_to(SRC).as_posix()}" for p in SRC.rglob("*.py")}
    assert modules <= names
    assert not any(n.startswith(("tests/", "fixtures/", "benchmarks/", "docs/")) for n in names)

    dist_info = f"postaudit-{postaudit.__version__}.dist-info"
    meta = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    with (ROOT / "pyproject.toml").open("rb") as fh:
        urls = tomllib.load(fh)["project"]["urls"]
    assert f"Version: {postaudit.__version__}\n" in meta
    for label, url in urls.items():
        assert f"Project-URL: {label}, {url}\n" in meta
    assert "Requires-Dist: pytest" not in meta.split("Provides-Extra: dev")[0]
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "postaudit = postaudit.cli:main" in entry_points


def test_make_refuses_a_python_older_than_requires_python(tmp_path: Path) -> None:
    """scripts/check_python.py (run first by make demo and make test) reads requires-python
    from the pyproject.toml beside it: one line and exit 1 when the Python is too old."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "check_python.py", tmp_path / "scripts")
    script = str(tmp_path / "scripts" / "check_python.py")
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.99"\n')
    old = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=60)
    assert old.returncode == 1 and old.stdout == ""
    assert old.stderr.startswith("postaudit needs Python >= 3.99 (requires-python in pyproject")
    assert len(old.stderr.strip().splitlines()) == 1
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    ok = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=60)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
