"""Rules of this family (filled in by its issue)."""

from __future__ import annotations

from postaudit.rules.base import Rule

RULES: tuple[Rule, ...] = ()
