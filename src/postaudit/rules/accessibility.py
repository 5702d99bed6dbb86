"""Accessibility of the page as a whole: barriers a reader meets before any content.
Scored with the metadata family (`M616`, beside M611 viewport-missing: the same head
tag), not with alt text, which would give an image-less page an alt-text score.

The viewport check follows axe-core's `meta-viewport` (WCAG 1.4.4 Resize text, impact
"critical") item by item, so postaudit and axe agree on every `content` value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Page
from postaudit.rules.base import Options, rule

#: JavaScript's `parseFloat`: the longest numeric prefix (axe lower-cases the content
#: first, so "Infinity" is no number there either).
_JS_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")
#: Values that are no number and still allow zoom (axe's allow-lists).
_USER_SCALABLE_OK = frozenset({"yes", "device-width", "device-height"})
_MAXIMUM_SCALE_OK = frozenset({"device-width", "device-height"})


def js_float(value: str) -> float | None:
    """`parseFloat(value)`, None for NaN."""
    m = _JS_FLOAT.match(value.lstrip())
    return float(m.group()) if m else None


def zoom_blockers(content: str, minimum_scale: float = 2.0) -> str | None:
    """The first `key=value` item of a viewport `content` that stops zooming to
    `minimum_scale`, as axe-core's `meta-viewport-scale-evaluate` judges it; None when
    zoom is allowed.

    The content is lower-cased and split on "," and ";"; an item without a key or a
    value is skipped. `user-scalable` fails with a value that is no number and not
    yes/device-width/device-height (so `no`), or a number above -1 and below 1 (`0`,
    `0.5`; `-1` passes). `maximum-scale` is skipped when negative and fails with a
    value that is no number and not device-width/device-height (so `yes`), or a number
    below `minimum_scale`.
    """
    for item in content.lower().replace(";", ",").split(","):
        parts = item.split("=")
        key = parts[0].strip()
        value = parts[1].strip() if len(parts) > 1 else ""
        if not key or not value:
            continue
        number = js_float(value)
        if key == "user-scalable":
            if (number is None and value not in _USER_SCALABLE_OK) or (
                number is not None and -1 < number < 1
            ):
                return f"user-scalable={value}"
        elif key == "maximum-scale":
            if number is not None and number < 0:
                continue
            if (number is None and value not in _MAXIMUM_SCALE_OK) or (
                number is not None and number < minimum_scale
            ):
                return f"maximum-scale={value}"
    return None


@rule(
    code="M616",
    name="viewport-zoom-disabled",
    category=Category.METADATA,
    title="The viewport lets readers zoom",
    fix='remove user-scalable=no and maximum-scale from <meta name="viewport">',
    severity=Severity.ERROR,
    weight=3,
    defaults={"minimum_scale": 2},
    applies=lambda page, options: bool(page.meta.get("viewport")),
)
def viewport_zoom_disabled(page: Page, options: Options) -> Iterator[Hit]:
    """The viewport meta does not stop readers from zooming (WCAG 1.4.4).

    Judged as axe-core's `meta-viewport` does (WCAG 1.4.4 Resize text, level AA). Readers with low vision pinch to enlarge text to at least 200%;
    `user-scalable=no` (or `0`) or a `maximum-scale` under 2 takes that away in the
    browsers that obey it. iOS Safari has ignored both since iOS 10 and Android browsers
    offer a "force zoom" setting, but the page still fails the success criterion (axe
    rates it critical), and the fix costs nothing. Judged exactly as axe judges the
    `content` (items split on "," and ";", case-insensitive; `user-scalable=yes`,
    `device-width` and `-1` allow zoom, a negative `maximum-scale` is ignored), on
    every viewport meta of the page.

    Fails: <meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1"> ; <meta name="viewport" content="width=device-width; user-scalable=no">
    Passes: <meta name="viewport" content="width=device-width, initial-scale=1"> ; <meta name="viewport" content="width=device-width, maximum-scale=2, user-scalable=yes">
    Options: minimum_scale (2; axe's best-practice sibling `meta-viewport-large` asks for 5)
    """
    minimum = float(options["minimum_scale"])
    for content in page.meta.get("viewport", ()):
        blocker = zoom_blockers(content, minimum)
        if blocker is not None:
            yield Hit(
                f"the viewport sets {blocker}: readers cannot zoom the text to {minimum:.0%}",
                page.locate("viewport"),
            )
            return


RULES = (viewport_zoom_disabled,)
