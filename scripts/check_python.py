"""Refuse a Python older than pyproject.toml's requires-python, in one line (exit 1).

Runs before the virtual environment exists, so it must itself run on old Pythons: no
tomllib (3.11+), no f-strings beyond 3.6. Usage: python scripts/check_python.py
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYPROJECT = os.path.join(os.path.dirname(HERE), "pyproject.toml")


def main():
    with open(PYPROJECT, encoding="utf-8") as fh:
        match = re.search(r'^requires-python\s*=\s*"\s*>=\s*([0-9.]+)\s*"', fh.read(), re.M)
    if match is None:
        sys.exit('postaudit: pyproject.toml has no requires-python = ">=X.Y" line')
    needed = tuple(int(part) for part in match.group(1).split("."))
    if sys.version_info[: len(needed)] < needed:
        sys.exit(
            "postaudit needs Python >= {} (requires-python in pyproject.toml); {} is {}. "
            "Run with PYTHON=/path/to/python{}, e.g. make test PYTHON=python{}".format(
                match.group(1),
                sys.executable,
                ".".join(str(v) for v in sys.version_info[:3]),
                match.group(1),
                match.group(1),
            )
        )


if __name__ == "__main__":
    main()
