"""Kept for old habits: the rule table moved from README.md to docs/rules/ (generated).

Same as `make docs` / `python -m postaudit rules --write-docs docs/rules`.
"""

from __future__ import annotations

from pathlib import Path

from postaudit.report.rule_docs import write_docs

RULE_DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def main() -> None:
    for change in write_docs(RULE_DOCS):
        print(change)


if __name__ == "__main__":
    main()
