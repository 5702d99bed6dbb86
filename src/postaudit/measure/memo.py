"""Remember a figure of a page's blocks while that page is being judged.

Several rules and fact tables of one page ask for the same figure of the same tuple of
blocks (the measured prose, its sentences): `last_of` keeps the last answer of a
one-argument function and gives it back when it is asked about that very tuple again.
Found by identity, not by value: hashing the blocks would cost more than the lookup
saves. The tuple is held with the answer, so its id cannot be reused by another
object; only tuples are remembered (a list could change between the calls).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def last_of(fn: Callable[[A], R]) -> Callable[[A], R]:
    """`fn`, remembering its answer for the last tuple it was given."""
    last: list[Any] = []  # [argument, answer] of the last call on a tuple

    @wraps(fn)
    def remembered(arg: A) -> R:
        if last and last[0] is arg:
            answer: R = last[1]
            return answer
        answer = fn(arg)
        if isinstance(arg, tuple):
            last[:] = [arg, answer]
        return answer

    return remembered
