"""The text blocks of a page (`extract_blocks`): paragraphs, list items, quotes, code
and loose text, each with its kind, visibility, location and inline runs."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bs4.element import Comment, NavigableString, Tag

if TYPE_CHECKING:
    pass
from postaudit.parse.builder import Builder
from postaudit.parse.dom import BLOCK_LEVEL, HEADING_TAGS, NON_TEXT, attr, clean, is_hidden
from postaudit.parse.page import Block

#: Never article prose, even inside the article scope.
_NOT_PROSE = frozenset({"nav", "aside", "footer", "form", "button", "select", "label", *NON_TEXT})


_BLOCK_KIND = {
    "td": "td",
    "th": "td",
    "dd": "dd",
    "dt": "dd",
    "p": "p",
    "li": "li",
    "blockquote": "blockquote",
    "pre": "pre",
    "figcaption": "figcaption",
}


#: Containers whose kind the text inside keeps, however deeply nested: a <p> in a
#: <figcaption> is a caption, a <div> in a <pre> is code, a <p> in an <li> a list item.
#: Captions and code stay what they are even when they hold lists or quotes.
_CONTAINER_KIND = {
    "figcaption": "figcaption",
    "pre": "pre",
    "li": "li",
    "td": "td",
    "th": "td",
    "blockquote": "blockquote",
    "dd": "dd",
    "dt": "dd",
}


def extract_blocks(b: Builder) -> list[Block]:
    out: list[Block] = []
    root = b.scope.element
    _walk_blocks(b, root, is_hidden(root), False, out)
    return out


def _walk_blocks(
    b: Builder,
    el: Tag,
    hidden: bool,
    in_header: bool,
    out: list[Block],
    container: str | None = None,
) -> None:
    runs: list[tuple[str, bool, bool]] = []  # (text, bold, inside inline code)

    def flush() -> None:
        text = clean("".join(t for t, _, _ in runs))
        if text:
            level = int(el.name[1]) if el.name in HEADING_TAGS else 0
            if not (in_header and not level):
                kind = "heading" if level else container or _BLOCK_KIND.get(el.name, "div")
                bold = kind == "p" and all(bold for t, bold, _ in runs if t.strip())
                code = kind != "heading" and all(code for t, _, code in runs if t.strip())
                out.append(Block(kind, text, level, bold, hidden, b.lazy_loc(el), code))
        runs.clear()

    for child in el.contents:
        if isinstance(child, Tag):
            name = child.name
            if name in _NOT_PROSE or b.is_chrome(child):
                continue
            if name == "br":
                runs.append((" ", False, False))
            elif name in BLOCK_LEVEL:
                flush()
                child_hidden = hidden or is_hidden(child)
                inner = (
                    container
                    if container in ("figcaption", "pre")
                    else _CONTAINER_KIND.get(name, container)
                )
                start = len(out)
                _walk_blocks(b, child, child_hidden, in_header or name == "header", out, inner)
                if len(out) > start and _is_callout(child):
                    out[start] = replace(out[start], box_title=True)
            elif name != "img" and not is_hidden(child):
                _inline_runs(child, _is_bold(child), runs, name in _CODE_TAGS)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), False, False))
    flush()


#: Class names of callout boxes (Hexo's `note`, admonitions, Bootstrap and GitHub alerts).
_CALLOUT_CLASSES = frozenset(
    {"note", "notice", "admonition", "callout", "alert", "markdown-alert", "tip", "hint"}
)


def _is_callout(tag: Tag) -> bool:
    """A callout box: `<aside>`, or an element with a callout class."""
    if tag.name == "aside":
        return True
    classes = {c.lower() for c in tag.get_attribute_list("class") or () if c}
    return bool(classes & _CALLOUT_CLASSES)


_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)\b", re.I)


def _is_bold(tag: Tag) -> bool:
    """<strong>, <b>, or an inline style that sets a bold font weight."""
    if tag.name in ("strong", "b"):
        return True
    style = attr(tag, "style")
    return bool(style and _BOLD_STYLE.search(style))


#: Inline elements that mark their text as code.
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt", "var"})


def _inline_runs(
    el: Tag, bold: bool, runs: list[tuple[str, bool, bool]], code: bool = False
) -> None:
    for child in el.contents:
        if isinstance(child, Tag):
            if child.name in _NOT_PROSE or child.name == "img" or is_hidden(child):
                continue
            if child.name == "br":
                runs.append((" ", bold, code))
                continue
            _inline_runs(child, bold or _is_bold(child), runs, code or child.name in _CODE_TAGS)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), bold, code))
