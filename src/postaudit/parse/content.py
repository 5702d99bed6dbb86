"""Article-scope detection: which element holds the article, as CMS presets then
heuristics, and what inside it is theme chrome, decided by structure alone.

The presets are tried in order; the first selector that matches an element with
enough text wins. `--content-selector` bypasses all of them (and is evaluated with
soupsieve). Presets use a tiny descendant-only selector syntax matched against an
index built in one pass over the tree, because soupsieve costs several milliseconds
per selector on a large page and there are twenty presets.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

#: (preset name, selector). Order matters: specific CMS markup first, generic last.
#: Selector syntax: descendant steps separated by spaces; a step is `tag`, `.class`,
#: `tag.class`, `tag#id` or `[role=main]`.
PRESETS: tuple[tuple[str, str], ...] = (
    ("squarespace", ".blog-item-content"),
    ("squarespace", "article.blog-item .blog-item-content-wrapper"),
    ("hentry", "article.hentry .entry-content"),  # Squarespace 7.0 or WordPress: see _label
    ("wordpress", "article .entry-content"),
    ("wordpress", ".entry-content"),
    ("ghost", ".gh-content"),
    ("ghost", ".post-full-content"),
    ("medium", "article .section-content"),
    ("hexo", ".post-body"),
    ("hexo", ".article-entry"),
    ("jekyll", ".page__content"),
    ("jekyll", "article .post-content"),
    ("hugo", ".post-content"),
    ("jekyll", "article .e-content"),
    ("quarto", "main#quarto-document-content"),
    ("generic", "article"),
    ("generic", "main"),
    ("generic", "[role=main]"),
    ("generic", ".post"),
)

#: Minimum characters of text for a preset match to count (skips empty wrappers).
MIN_TEXT = 80

# ----------------------------------------------------------------- chrome by structure
#
# Whichever preset matched, the same markup inside the article scope is theme chrome:
# the scope element says where the article is, never what inside it is the post's.
# Chrome holds no article prose, headings, images or links:
#   * <nav>, <aside>, <footer> and <form> elements (an article's own <footer> holds its
#     tags, author box and share bar; forms are sign-ups, searches and comment forms);
#   * boxes named by their class or id (`CHROME_BOX`): author boxes and bios, bylines,
#     share bars, related posts, comments, breadcrumbs, post navigation, tag and
#     category lists, entry meta, newsletter sign-ups;
#   * author cards: the smallest block holding an `a[rel~=author]`, when short;
#   * a <header> inside the article, except its headings: the h1 and a subtitle are the
#     article's, the date, byline and category links beside them are not.
# When no scope is found (the `<body>` fallback) a <header> is the site's, headings
# included.

#: Elements that are chrome wherever they sit inside the article.
CHROME_TAGS = frozenset({"nav", "aside", "footer", "form"})

#: Class or id words of theme boxes (matched whole, between spaces, `-` or `_`).
CHROME_BOX = re.compile(
    r"(?:^|[\s_-])(?:author(?:-?(?:box|bio|info|card|profile|wrap(?:per)?|details|meta))?|"
    r"about-?(?:the-?)?author|byline|bio(?:-?(?:box|block|card))?|"
    r"share(?:-?(?:bar|buttons?|links?|this|box|icons))?|sharedaddy|sharing|"
    r"social-?(?:share|links|icons|buttons)|related(?:-?(?:posts?|articles?))?|"
    r"jp-relatedposts|yarpp|comments?|comment-respond|respond|disqus_thread|"
    r"breadcrumbs?|pagination|post-?nav(?:igation)?|nav-?links|post-?tags|tags|"
    r"tag-?(?:list|cloud|links)|tags-links|cat-links|categories|post-?categories|"
    r"entry-?(?:meta|footer)|post-?meta|newsletter|subscribe|signup|mailing-?list)"
    r"(?:$|[\s_-])",
    re.I,
)

#: Elements a theme box can be: block containers (never inline text such as a code
#: span whose class happens to be `comment`).
BOX_TAGS = frozenset(
    {
        "div",
        "section",
        "header",
        "footer",
        "aside",
        "nav",
        "ul",
        "ol",
        "li",
        "p",
        "dl",
        "figure",
        "table",
        "address",
        "details",
        *(f"h{i}" for i in range(1, 7)),
    }
)

#: An author card is short: the block around a rel=author link, up to this much text.
AUTHOR_CARD_TEXT = 400


def is_chrome_box(tag: Tag) -> bool:
    """A block container whose class or id names a theme box (author, share, comments…)."""
    if tag.name not in BOX_TAGS:
        return False
    attrs = tag.attrs
    if not attrs:
        return False
    classes = attrs.get("class")
    names = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    element_id = attrs.get("id")
    if isinstance(element_id, str):
        names = f"{names} {element_id}"
    return bool(names.strip()) and CHROME_BOX.search(names) is not None


def author_cards(root: Tag, anchors: Iterable[Tag], inside: Container[int]) -> set[int]:
    """Ids of the author cards under `root`: for each `a[rel~=author]` inside the scope,
    its closest block container below `root`, when that holds little text."""
    out: set[int] = set()
    for a in anchors:
        if id(a) not in inside or "author" not in (a.get_attribute_list("rel") or ()):
            continue
        for parent in a.parents:
            if parent is root or not isinstance(parent, Tag):
                break
            if parent.name in BOX_TAGS:
                if _text_len(parent, AUTHOR_CARD_TEXT + 1) <= AUTHOR_CARD_TEXT:
                    out.add(id(parent))
                break
    return out


_STEP = re.compile(
    r"^(?P<tag>[a-z0-9]+)?(?:\.(?P<cls>[\w-]+))?(?:#(?P<id>[\w-]+))?$|^\[role=(?P<role>\w+)\]$"
)


@dataclass(frozen=True, slots=True)
class Scope:
    element: Tag
    preset: str  # "squarespace", ..., "generic", "body", "selector"
    selector: str  # the selector that matched ("body" for the fallback)
    chrome_excluded: bool = False  # True when header/nav/footer/aside are to be skipped


class SelectorError(ValueError):
    """The user's --content-selector is not valid CSS."""


@dataclass(frozen=True, slots=True)
class _Step:
    tag: str | None
    cls: str | None
    id: str | None
    role: str | None

    def matches(self, el: Tag) -> bool:
        if self.tag and el.name != self.tag:
            return False
        if self.cls and self.cls not in (el.get_attribute_list("class") or ()):
            return False
        if self.id and el.get("id") != self.id:
            return False
        return not (self.role and el.get("role") != self.role)


def _parse(selector: str) -> list[_Step]:
    steps = []
    for part in selector.split():
        m = _STEP.match(part)
        if not m:
            raise ValueError(f"unsupported preset selector step {part!r}")
        steps.append(_Step(m["tag"], m["cls"], m["id"], m["role"]))
    return steps


_PARSED: tuple[tuple[str, str, list[_Step]], ...] = tuple((n, s, _parse(s)) for n, s in PRESETS)


class _Index:
    def __init__(self, tags: Iterable[Tag]) -> None:
        self.by_tag: dict[str, list[Tag]] = {}
        self.by_class: dict[str, list[Tag]] = {}
        self.by_role: dict[str, list[Tag]] = {}
        for el in tags:
            self.by_tag.setdefault(el.name, []).append(el)
            attrs = el.attrs  # read directly: most elements have no class and no role
            if not attrs:
                continue
            classes = attrs.get("class")
            if classes:
                for c in classes if isinstance(classes, list) else (classes,):
                    if c:
                        self.by_class.setdefault(c, []).append(el)
            role = attrs.get("role")
            if isinstance(role, str):
                self.by_role.setdefault(role, []).append(el)

    def select(self, steps: Sequence[_Step]) -> list[Tag]:
        last = steps[-1]
        if last.cls:
            pool = self.by_class.get(last.cls, [])
        elif last.role:
            pool = self.by_role.get(last.role, [])
        else:
            pool = self.by_tag.get(last.tag or "", [])
        out = [el for el in pool if last.matches(el) and _ancestors_match(el, steps[:-1])]
        return out


def _ancestors_match(el: Tag, steps: Sequence[_Step]) -> bool:
    i = len(steps) - 1
    parent = el.parent
    while i >= 0 and isinstance(parent, Tag):
        if steps[i].matches(parent):
            i -= 1
        parent = parent.parent
    return i < 0


def _text_len(tag: Tag, limit: int) -> int:
    total = 0
    for s in tag.strings:
        total += len(s.strip())
        if total >= limit:
            break
    return total


def _full_text_len(tag: Tag) -> int:
    return sum(len(s.strip()) for s in tag.strings)


def _selector_message(selector: str, exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"invalid --content-selector {selector!r}: {first}"


def check_selector(selector: str) -> None:
    """Raise SelectorError for a selector that is not valid CSS (before any fetching)."""
    import soupsieve

    try:
        soupsieve.compile(selector)
    except Exception as exc:
        raise SelectorError(_selector_message(selector, exc)) from exc


def find_scope(
    soup: BeautifulSoup, content_selector: str | None = None, *, tags: Sequence[Tag] | None = None
) -> Scope:
    """Return the article scope for `soup`; `content_selector` overrides the presets.
    `tags` (every element in document order) saves a walk of the tree when the caller
    has it already."""
    if content_selector:
        body = soup.body or soup
        try:
            found = soup.select(content_selector)
        except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
            raise SelectorError(_selector_message(content_selector, exc)) from exc
        if found:
            element = found[0] if len(found) == 1 else _common_ancestor(found)
            return Scope(element, "selector", content_selector)
        return Scope(body, "body", "body", chrome_excluded=True)
    index = _Index(tags if tags is not None else soup.find_all(True))
    for preset, selector, steps in _PARSED:
        matches = index.select(steps)
        if not matches:
            continue
        # Several matches (e.g. one <article> per teaser): take the one with the most text.
        best = matches[0] if len(matches) == 1 else max(matches, key=_full_text_len)
        if _text_len(best, MIN_TEXT) >= MIN_TEXT:
            return Scope(best, _label(preset, best, index), selector)
    blocks = index.by_class.get("sqs-html-content", [])
    if len(blocks) > 1:
        return Scope(_common_ancestor(blocks), "squarespace", ".sqs-html-content")
    bodies = index.by_tag.get("body")  # `soup.body`, the first <body>, without a walk
    return Scope(bodies[0] if bodies else soup, "body", "body", chrome_excluded=True)


def _label(preset: str, element: Tag, index: _Index) -> str:
    """Squarespace 7.0 and WordPress share `article.hentry .entry-content`; Squarespace
    fills it with `.sqs-layout` blocks (an element below it with that class, found from
    the index: `element.find(class_="sqs-layout")` would walk the whole article)."""
    if preset != "hentry":
        return preset
    layouts = index.by_class.get("sqs-layout", ())
    inside = any(any(p is element for p in el.parents) for el in layouts)
    return "squarespace" if inside else "wordpress"


def _common_ancestor(tags: list[Tag]) -> Tag:
    first_chain = [tags[0], *tags[0].parents]
    others = [{id(p) for p in (t, *t.parents)} for t in tags[1:]]
    for candidate in first_chain:
        if isinstance(candidate, Tag) and all(id(candidate) in ids for ids in others):
            return candidate
    return tags[0]
