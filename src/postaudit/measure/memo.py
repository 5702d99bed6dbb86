"""Remember a figure of a page while that page is being judged.

Several rules and fact tables of one page ask for the same figure of the same page or
tuple of blocks (the measured prose, the article's links): `last_of` keeps the last
answer of a one-argument function and gives it back when it is asked about that very
object again. Found by identity, not by value: hashing a page or its blocks would cost
more than the lookup saves. The object is held with the answer, so its id cannot be
reused by another; only objects of a hashable type (tuples, frozen dataclasses such as
`Page`) are remembered, as they cannot change between the calls (a list could).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def last_of(fn: Callable[[A], R]) -> Callable[[A], R]:
    """`fn`, remembering its answer for the last immutable argument it was given."""
    last: list[Any] = []  # [argument, answer] of the last remembered call

    @wraps(fn)
    def remembered(arg: A) -> R:
        if last and last[0] is arg:
            answer: R = last[1]
            return answer
        answer = fn(arg)
        if type(arg).__hash__ is not None:
            last[:] = [arg, answer]
        return answer

    return remembered
