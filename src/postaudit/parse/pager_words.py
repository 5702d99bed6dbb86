"""The words of previous/next links: the labels themes print ("Previous post",
"Older", "« Prev", and their translations), the class and rel words that mark a pager,
the arrows around labels, and the call-to-action texts that are not post titles.
`parse.pagination` reads them."""

from __future__ import annotations

import re

WORD = re.compile(r"[a-z]+")


PREV_WORDS = frozenset({"prev", "previous"})


NEXT_WORDS = frozenset({"next"})


#: Class/id words that mark a block of post navigation.
NAV_WORDS = frozenset({"nav", "navigation", "pagination", "pager", "paginator", "pagenav"})


#: Compound class/id words naming a post link ("prev-post", "next-article").
POSTISH = frozenset({"post", "posts", "article", "entry", "story", "link", "page"})


#: Class words of carousels and galleries, whose prev/next buttons are not post links.
WIDGET_WORDS = frozenset(
    {"slick", "swiper", "owl", "carousel", "slide", "slider", "glide", "flickity", "splide"}
    | {"lightbox", "gallery", "lb", "fancybox", "mfp", "pswp"}
)


#: Label texts of the text fallback, per side, longest first within a side. Lower case.
PREV_LABELS = (
    "previous article",
    "previous entry",
    "previous page",
    "previous post",
    "previous story",
    "older entries",
    "older posts",
    "older post",
    "previous",
    "older",
    "prev page",
    "prev",
    "anterior",
    "précédent",
    "precedent",
    "vorheriger beitrag",
    "上一篇",
    "前の投稿",
    "前の記事",
    "이전 글",
    "«",
    "‹",
    "←",
)


NEXT_LABELS = (
    "newer entries",
    "newer posts",
    "newer post",
    "next article",
    "next entry",
    "next page",
    "next post",
    "next story",
    "newer",
    "next",
    "siguiente",
    "suivant",
    "nächster beitrag",
    "下一篇",
    "次の投稿",
    "次の記事",
    "다음 글",
    "»",
    "›",
    "→",
)


LABEL_SIDE: dict[str, str] = {label: "prev" for label in PREV_LABELS} | {
    label: "next" for label in NEXT_LABELS
}


ALL_LABELS = tuple(sorted(LABEL_SIDE, key=len, reverse=True))


ARROWS = "<>«»‹›←→⟵⟶❮❯|·-–—:："


#: Descendants whose text is the target's title in theme markup.
TITLE_CLASSES = (
    "item-pagination-title",
    "post-title",
    "post-nav-title",
    "article-nav-title",
    "pagination-title",
    "nav-title",
    "read-next-title",
    "post-card-title",
    "nav-default",
    "prev_info",  # Hexo Butterfly layout/includes/pagination.pug
    "next_info",
    "pagination-nav__label",  # Docusaurus theme-classic PaginatorNavLink
)


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


DISABLED_HREFS = frozenset(
    {"", "#", "#0", "javascript:;", "javascript:void(0)", "javascript:void(0);"}
)


#: How many ancestors the classification looks at, and where it stops climbing.
DEPTH = 5


STOP = frozenset({"body", "html", "[document]"})


def label_pattern(label: str) -> str:
    """A label as a regex: words must not run on into other letters ("Next" not "Nextcloud")."""
    if any(c.isalpha() for c in label):
        return rf"(?<![^\W_]){re.escape(label)}(?![^\W_])"
    return re.escape(label)


LABELS_RE = "|".join(label_pattern(label) for label in ALL_LABELS)


EDGE = f"[{re.escape(ARROWS)}\\s]*"


LEADING_LABEL = re.compile(f"^{EDGE}({LABELS_RE}){EDGE}", re.I)


TRAILING_LABEL = re.compile(f"{EDGE}({LABELS_RE}){EDGE}$", re.I)


def text_side(text: str) -> tuple[str, str] | None:
    """(side, label) when the text starts or ends with a previous/next label."""
    m = LEADING_LABEL.match(text) or TRAILING_LABEL.search(text)
    if m is None:
        return None
    label = m.group(1).lower()
    return LABEL_SIDE[label], label


def time_of(label: str) -> str | None:
    if "older" in label:
        return "older"
    if "newer" in label:
        return "newer"
    return None


#: Call-to-action texts that "»" or "→" decorate without making them pagination.
CTA = frozenset(
    {
        "read more",
        "more",
        "continue",
        "continue reading",
        "keep reading",
        "read on",
        "learn more",
        "see more",
        "view more",
        "details",
        "read the rest",
        "read the full post",
        "read the post",
    }
)


def strip_labels(text: str) -> str:
    """The text without previous/next labels (repeated ones too) and arrows at either end."""
    out = text.strip(ARROWS + " \t")
    while True:
        new = LEADING_LABEL.sub("", out, count=1)
        new = TRAILING_LABEL.sub("", new, count=1).strip(ARROWS + " \t")
        if new == out:
            return out
        out = new


def strip_marked_label(text: str) -> str:
    """Strip a label at either end only where an arrow or separator sets it apart
    ("« Older: The quiet hours", "Title: Newer »"): "Older thoughts" is a title."""
    out = text
    m = LEADING_LABEL.match(out)
    if m and any(c in ARROWS for c in m.group(0).replace(m.group(1), "", 1)):
        out = out[m.end() :]
    m = TRAILING_LABEL.search(out)
    if m and any(c in ARROWS for c in m.group(0).replace(m.group(1), "", 1)):
        out = out[: m.start()]
    return out.strip(ARROWS + " \t")


def label_shown(text: str, label: str) -> str:
    """The label as the page writes it ("Next", not "next")."""
    low = text.lower()
    i = low.find(label)
    return text[i : i + len(label)] if i >= 0 else label
