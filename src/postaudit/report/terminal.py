"""The terminal's shared helpers: page-derived text made safe for one line, and the
severity markers.

`safe()` strips escape sequences and control characters from page-derived text and
`literal()` wraps it in a rich `Text`, so no page string ever reaches rich as markup.
`SEVERITY_MARKERS` gives each severity its marker and colour. The terminal report
(`report.text`), its fact renderers (`report.facts_*`) and the gate's view
(`report.gate_text`) all draw with these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.text import Text

from postaudit.model import Severity

_ESCAPE_SEQUENCE = re.compile(
    "|".join(
        (
            r"\x1b\[[0-?]*[\x20-/]*[@-~]",  # CSI: colours, cursor movement, erase
            r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?",  # OSC: window title, hyperlinks
            r"\x1b[PX^_][^\x1b]*(?:\x1b\\)?",  # DCS, SOS, PM, APC strings
            r"\x1b[\x20-/]*[0-~]",  # other short escapes (charset, keypad, reset)
            r"\x9b[0-?]*[\x20-/]*[@-~]",  # 8-bit CSI
        )
    )
)
_LINE_BREAKS = re.compile(r"[ ]*[\t\n\r\f\v\x85\u2028\u2029]+[\t\n\r\f\v\x85\u2028\u2029 ]*")
# C0, DEL, C1, and the bidi embedding/override/isolate marks that can reorder a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str, *, limit: int | None = None) -> str:
    """Page-derived text made fit for one terminal line.

    Strips ANSI/VT escape sequences and control characters; tabs and line breaks
    collapse to one space. With `limit`, the result is cut to that many characters
    (ending in "…"). The result is still plain text: show it inside a `Text`, never
    interpolate it into rich markup.
    """
    out = _ESCAPE_SEQUENCE.sub("", text)
    out = _LINE_BREAKS.sub(" ", out)
    out = _CONTROL.sub("", out)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)].rstrip() + "…"
    return out


def literal(value: object, style: str = "", *, limit: int | None = None) -> Text:
    """A `Text` showing `value` (page-derived) literally, in `style`. For fact renderers."""
    return Text(safe(str(value), limit=limit), style=style)


#: Severity -> (marker, colour). The marker is followed by the severity's name, so the
#: report reads the same without colour.
SEVERITY_MARKERS: Mapping[Severity, tuple[str, str]] = {
    Severity.ERROR: ("✖", "red"),
    Severity.WARNING: ("▲", "yellow"),
    Severity.INFO: ("●", "blue"),
}
