"""Helpers shared by the CI formats (sarif, junit, github, markdown): page text made
safe for a machine format, and where a page lives (a file path or a URL)."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from postaudit.model import Severity

# ANSI/VT escape sequences, then C0 (but tab, LF, CR), DEL, C1 and the bidi controls
# that can reorder a line: page text reaches logs and annotations as plain text only.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: severity -> SARIF level and GitHub workflow command
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def strip_controls(text: str) -> str:
    """`text` without escape sequences and control characters (tab, LF and CR stay)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


#: Characters `json.dumps(ensure_ascii=False)` leaves raw although a terminal, an editor
#: or a JavaScript embedding may act on them: DEL and C1 (8-bit CSI), the line and
#: paragraph separators, the bidi controls; and lone surrogates (a file name that is
#: not UTF-8), which UTF-8 cannot encode at all.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def inert_json(text: str) -> str:
    """JSON text (from `json.dumps`) with the characters above written as `\\uXXXX`
    escapes: the same data for any JSON reader, inert when the file is shown. Safe on
    the whole document: outside strings JSON text is ASCII."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """`strip_controls`, with every run of whitespace (line breaks too) as one space."""
    return " ".join(strip_controls(text).split())


def is_web(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def local_path(url: str, cwd: str | None = None) -> str | None:
    """The file a page was read from, as a posix path relative to `cwd` (the working
    directory) when it lies inside it; None for URLs and stdin."""
    if url == "stdin" or is_web(url):
        return None
    path = Path(url)
    if path.is_absolute():
        base = Path(cwd or os.getcwd())
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            return path.as_posix()
    return PurePosixPath(url.replace("\\", "/")).as_posix()
