"""The sitemap entries a batch skipped, in words: the "Skipped" line of the site
summary (text and HTML reports) and of the `sitemap` command's closing lines.

`skipped` is the batch summary's reason -> count mapping (`robots`, the sitemap
intake's reasons, `non-html:EXT`).
"""

from __future__ import annotations

from collections.abc import Mapping

from postaudit.gather.sitemap_select import describe_skip


def describe_skips(skipped: Mapping[str, int]) -> str:
    """'2 disallowed by robots.txt, 1 not HTML (.pdf)' for the terminal."""
    parts = []
    for reason, n in skipped.items():
        if not n:
            continue
        what = "disallowed by robots.txt" if reason == "robots" else describe_skip(reason)
        parts.append(f"{n:,} {what}")
    return ", ".join(parts)
