"""M616 viewport-zoom-disabled: the viewport content judged item by item as axe-core's
`meta-viewport-scale-evaluate` judges it (WCAG 1.4.4)."""

from __future__ import annotations

import pytest

from conftest import hits
from postaudit.rules.accessibility import js_float, zoom_blockers


@pytest.mark.parametrize(
    ("content", "blocker"),
    [
        ("width=device-width, initial-scale=1", None),
        ("width=device-width, user-scalable=no", "user-scalable=no"),
        ("width=device-width; user-scalable=0", "user-scalable=0"),  # ";" separates too
        ("USER-SCALABLE=NO", "user-scalable=no"),  # case-insensitive
        ("user-scalable = no", "user-scalable=no"),  # spaces around "="
        ("user-scalable=0.5", "user-scalable=0.5"),  # above -1 and below 1
        ("user-scalable=-1", None),  # -1 is not "effectively disabled"
        ("user-scalable=1", None),
        ("user-scalable=yes", None),
        ("user-scalable=device-width", None),
        ("user-scalable=maybe", "user-scalable=maybe"),  # an unknown word disables
        ("user-scalable=", None),  # no value: skipped
        ("=no", None),  # no key: skipped
        ("user-scalable=no=yes", "user-scalable=no"),  # only the first "=" counts
        ("maximum-scale=1", "maximum-scale=1"),
        ("maximum-scale=1.0", "maximum-scale=1.0"),
        ("maximum-scale=1.99", "maximum-scale=1.99"),
        ("maximum-scale=2", None),
        ("maximum-scale=2.0", None),
        ("maximum-scale=10", None),
        ("maximum-scale=-1", None),  # negative: ignored
        ("maximum-scale=device-width", None),
        ("maximum-scale=yes", "maximum-scale=yes"),  # a word that is no scale
        ("maximum-scale=1.5x", "maximum-scale=1.5x"),  # parseFloat reads 1.5
        ("maximum-scale=5px", None),  # parseFloat reads 5
        ("width=device-width,,, initial-scale=1", None),  # empty items skipped
        ("initial-scale=1, maximum-scale=1, user-scalable=no", "maximum-scale=1"),  # first wins
    ],
)
def test_zoom_blockers_match_axe(content: str, blocker: str | None) -> None:
    assert zoom_blockers(content) == blocker


def test_minimum_scale_option_is_axe_large_bound() -> None:
    assert zoom_blockers("maximum-scale=3", 5) == "maximum-scale=3"
    assert zoom_blockers("maximum-scale=5", 5) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1.0),
        ("1.", 1.0),
        (".5", 0.5),
        ("-0.5", -0.5),
        ("+2", 2.0),
        ("2e1", 20.0),
        ("3abc", 3.0),
        ("abc", None),
        ("", None),
        ("infinity", None),
    ],
)
def test_js_float_is_parse_float(text: str, value: float | None) -> None:
    assert js_float(text) == value


def head(*contents: str) -> str:
    metas = "".join(f'<meta name="viewport" content="{c}">' for c in contents)
    return f'<html lang="en"><head><title>T</title>{metas}</head><body><p>x</p></body></html>'


def test_every_viewport_meta_is_judged_and_reported_once() -> None:
    found = hits("M616", head("width=device-width", "width=device-width, maximum-scale=1"))
    assert [h.message for h in found] == [
        "the viewport sets maximum-scale=1: readers cannot zoom the text to 200%"
    ]
    twice = hits("M616", head("maximum-scale=1.0", "maximum-scale=1.0"))
    assert len(twice) == 1


def test_no_viewport_is_not_applicable() -> None:
    assert hits("M616", head()) == []


def test_viewport_name_is_case_insensitive() -> None:
    html = '<html><head><meta name="Viewport" content="user-scalable=no"></head></html>'
    assert len(hits("M616", html)) == 1
