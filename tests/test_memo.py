"""measure.memo.last_of: the last answer for the very same immutable argument."""

from __future__ import annotations

from postaudit.measure.affiliates import affiliate_network
from postaudit.measure.memo import last_of


def counting() -> tuple[list[object], object]:
    calls: list[object] = []

    @last_of
    def size(arg: object) -> int:
        calls.append(arg)
        return len(arg)  # type: ignore[arg-type]

    return calls, size


def test_same_tuple_is_answered_once() -> None:
    calls, size = counting()
    blocks = ("a", "b")
    assert size(blocks) == 2  # type: ignore[operator]
    assert size(blocks) == 2  # type: ignore[operator]
    assert calls == [blocks]


def test_equal_but_other_tuple_is_worked_out_again() -> None:
    calls, size = counting()
    size(("a", "b"))  # type: ignore[operator]
    size(tuple(["a", "b"]))  # type: ignore[operator]
    assert len(calls) == 2


def test_a_list_is_never_remembered() -> None:
    calls, size = counting()
    items = ["a"]
    assert size(items) == 1  # type: ignore[operator]
    items.append("b")
    assert size(items) == 2  # type: ignore[operator]
    assert len(calls) == 2


def test_only_the_last_argument_is_kept() -> None:
    calls, size = counting()
    one, two = ("a",), ("a", "b")
    size(one)  # type: ignore[operator]
    size(two)  # type: ignore[operator]
    size(one)  # type: ignore[operator]
    assert calls == [one, two, one]


def test_affiliate_hosts_match_by_domain_suffix_only() -> None:
    # the host lookup by dot-suffix: the domain itself and its subdomains, no look-alikes
    assert affiliate_network("https://www.anrdoezrs.net/click-1-2") is not None
    assert affiliate_network("https://anrdoezrs.net/click-1-2") is not None
    assert affiliate_network("https://notanrdoezrs.net/click-1-2") is None
    assert affiliate_network("https://anrdoezrs.net.example.com/click-1-2") is None
