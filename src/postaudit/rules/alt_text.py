"""Alt text (`A`): images that say what they show, to screen readers and search engines.

Judged: images inside the article scope, plus images that are the only content of a
link anywhere on the page (a logo or banner link has no name without its alt).
Images hidden from assistive technology (`aria-hidden="true"`, `hidden`,
`display:none`, on the image or an ancestor) are left out, as axe-core does.

What counts as a name and as decorative follows axe-core (`image-alt`,
`input-image-alt`, `area-alt`, `svg-img-alt`, `role-img-alt`), so postaudit and axe agree
on plain cases: an `<img>` is named by a non-empty `alt`, `aria-label`,
`aria-labelledby` (resolved to the referenced text) or `title`; `alt=""` and
`role="presentation"`/`"none"` mark it decorative, except that the role is ignored when
the image also has a global ARIA attribute or is focusable; an alt of only whitespace
always fails.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from postaudit.measure.stuffing import stuffing_reasons
from postaudit.model import Category, Hit, Severity
from postaudit.parse.dom import clean
from postaudit.parse.page import Image, Page
from postaudit.rules.base import Options, findings_by_location, rule

PRESENTATIONAL = ("presentation", "none")
IMAGE_EXTENSIONS = (
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "avif",
    "svg",
    "bmp",
    "tif",
    "tiff",
    "heic",
    "heif",
    "ico",
)

# --------------------------------------------------------------------------- helpers


def judged_images(page: Page) -> list[Image]:
    """Images the A rules look at: in the article, or alone in a link anywhere; not
    hidden from assistive technology."""
    return [
        im for im in page.images if (im.in_article or im.link_only_content) and not im.aria_hidden
    ]


def whitespace_alt(im: Image) -> bool:
    """An alt of only whitespace (`alt=" "`): axe's `alt-space-value`, always a failure."""
    return im.alt is not None and im.alt != "" and not im.alt.strip()


def role_conflict(im: Image) -> str | None:
    """Why `role="presentation"`/`"none"` is ignored (axe presentation-role-conflict):
    "a global ARIA attribute", "focusable", both, or None when the role holds."""
    if im.role not in PRESENTATIONAL:
        return None
    why = [
        w
        for w, on in (
            ("it has a global ARIA attribute", im.global_aria),
            ("it is focusable", im.focusable),
        )
        if on
    ]
    return " and ".join(why) or None


def presentational(im: Image) -> bool:
    return im.role in PRESENTATIONAL and role_conflict(im) is None


def accessible_name(im: Image) -> str:
    """The image's accessible name per axe-core's checks for its kind ("" when none)."""
    alt = clean(im.alt)
    extra = clean(im.aria_label) or clean(im.labelledby_text) or clean(im.title)
    if im.kind in ("img", "input", "area"):
        return alt or extra
    return extra  # svg (a <title> child is in `title`) and [role=img]


def is_decorative(im: Image) -> bool:
    """`<img alt="">` or an `<img>` whose presentational role holds, with no other name."""
    if im.kind != "img" or accessible_name(im):
        return False
    return im.alt == "" or presentational(im)


def name_problem(im: Image) -> str | None:
    """Why the image has no acceptable name (axe semantics), or None when it passes."""
    what = f"image {_quote(short_src(im))}"
    if im.kind == "img":
        if whitespace_alt(im):
            return f"{what} has an alt of only whitespace; screen readers treat it as missing"
        if im.alt is not None or accessible_name(im) or presentational(im):
            return None
        conflict = role_conflict(im)
        if conflict:
            return f'{what} has role="{im.role}", ignored because {conflict}, and no alt text'
        return f"{what} has no alt attribute and no other accessible name"
    if accessible_name(im):
        return None
    return {
        "input": f"image button {_quote(short_src(im))} has no alt text naming its action",
        "area": f"image map area {_quote(im.src or '')} has no alt text",
        "svg": 'svg with role="img" has no <title>, aria-label or aria-labelledby',
        "role-img": 'element with role="img" has no aria-label, aria-labelledby or title',
    }.get(im.kind, "image has no accessible name")


def unnamed_link(im: Image) -> bool:
    """The image is its link's only content and the link ends up with no name."""
    return im.link_only_content and not im.link_name


def short_src(im: Image, limit: int = 60) -> str:
    """The file name of the image (query dropped), for messages and the facts table."""
    if im.kind in ("svg", "role-img"):
        return f"inline {im.kind}"
    if not im.src:
        return "(no src)"
    parts = urlsplit(im.src)
    name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc or im.src
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _quote(text: str, limit: int = 60) -> str:
    text = clean(text)
    return '"' + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + '"'


def _norm(text: str | None) -> str:
    """Case-folded, whitespace-collapsed, outer punctuation stripped: for "same text"."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", clean(text).casefold())


def _keys(images: Sequence[Image]) -> dict[int, str]:
    """Stable fingerprint keys: the image's src ("src#2" for its second use on the page),
    or its selector when it has none (inline svg)."""
    seen: Counter[str] = Counter()
    keys: dict[int, str] = {}
    for im in images:
        base = im.src or im.location.selector or im.kind
        seen[base] += 1
        keys[id(im)] = base if seen[base] == 1 else f"{base}#{seen[base]}"
    return keys


def _graded(images: Sequence[Image], check: Callable[[Image], str | None]) -> Iterator[Hit]:
    """One hit per failing image, each carrying the pass fraction of `images`."""
    failing = [(im, msg) for im in images if (msg := check(im)) is not None]
    if not failing:
        return
    score = 1 - len(failing) / len(images)
    keys = _keys(images)
    for im, msg in failing:
        yield Hit(msg, im.location, score=score, key=keys[id(im)])


def _has_judged(page: Page, options: Options) -> bool:
    return bool(judged_images(page))


def _named(page: Page) -> list[Image]:
    return [im for im in judged_images(page) if clean(im.alt)]


def _has_named(page: Page, options: Options) -> bool:
    return bool(_named(page))


# --------------------------------------------------------------------------- rules


def _a101_images(page: Page) -> list[Image]:
    return [im for im in judged_images(page) if not unnamed_link(im)]


@rule(
    code="A101",
    name="img-alt-missing",
    category=Category.ALT_TEXT,
    title="Images have alt text",
    fix='describe the image in alt="..." (or use alt="" if it is purely decorative)',
    severity=Severity.ERROR,
    weight=3,
    applies=lambda page, options: bool(_a101_images(page)),
)
def img_alt_missing(page: Page, options: Options) -> Iterator[Hit]:
    """Every judged image has a text alternative, or is marked decorative (axe-core
    `image-alt`, `input-image-alt`, `area-alt`, `svg-img-alt`, `role-img-alt`).

    An `<img>` passes with an `alt` attribute (`alt=""` = decorative), a non-empty
    `aria-label`, `aria-labelledby` pointing at text, a `title`, or
    `role="presentation"`/`"none"`; the role does not count when the image also has a
    global ARIA attribute or `tabindex`. An alt of only whitespace fails (axe
    `alt-space-value`; postaudit reports it here, with its own message). `<input
    type="image">` and `<area>` need a non-empty alt (they are controls, never
    decorative); `<svg role="img">` needs a `<title>`, aria-label or aria-labelledby.
    Images that are a link's only content and leave the link nameless are A102's.

    Fails: <img src="notebook.jpg"> ; <img src="a.jpg" alt=" "> ; <img src="a.jpg" role="none" tabindex="0">
    Passes: <img src="notebook.jpg" alt="An open notebook on a blanket"> ; <img src="rule.png" alt=""> ; <img src="rule.png" role="none"> ; <svg role="img"><title>Sleep chart</title></svg>
    """
    yield from _graded(_a101_images(page), name_problem)


def _a102_images(page: Page) -> list[Image]:
    """Images that are a link's only content, one per link (a logo link often holds two
    `<img>`s, one per colour scheme: one finding is enough)."""
    out: list[Image] = []
    prev: Image | None = None
    for im in judged_images(page):
        same_link = (
            prev is not None
            and prev.link_only_content
            and prev.link_href == im.link_href
            and prev.link_name == im.link_name
        )
        if im.link_only_content and not same_link:
            out.append(im)
        prev = im
    return out


def _link_problem(im: Image) -> str | None:
    if not unnamed_link(im):
        return None
    target = f"link to {_quote(im.link_href or '', 80)}"
    if im.kind != "img":
        what = f"an {im.kind}" if im.kind == "svg" else "an icon"
        return f"{target} has no accessible name: its only content is {what} with no name"
    if whitespace_alt(im):
        detail = "an image whose alt is only whitespace"
    elif im.alt == "":
        detail = 'an image with alt="" (decorative), so screen readers announce only "link"'
    else:
        detail = "an image with no alt text"
    return f"{target} has no accessible name: its only content is {detail}"


@rule(
    code="A102",
    name="img-link-no-name",
    category=Category.ALT_TEXT,
    title="Linked images give their links a name",
    fix="give the image alt text that says where the link goes (or add aria-label to the link)",
    severity=Severity.ERROR,
    weight=3,
    applies=lambda page, options: bool(_a102_images(page)),
)
def img_link_no_name(page: Page, options: Options) -> Iterator[Hit]:
    """A link whose only content is an image takes its name from that image; with an
    empty or missing alt the link has no name at all (axe-core `link-name`), and screen
    readers read out the URL or just "link". Judged anywhere on the page: logo, banner
    and social-icon links included.

    Fails: <a href="/"><img src="logo.png"></a> ; <a href="/shop"><img src="banner.jpg" alt=""></a>
    Passes: <a href="/"><img src="logo.png" alt="Fernwood Counseling home"></a> ; <a href="/" aria-label="Home"><img src="logo.png" alt=""></a>
    """
    yield from _graded(_a102_images(page), _link_problem)


def _informative_signals(im: Image, min_size: int) -> list[str]:
    why: list[str] = []
    if im.caption:
        why.append(f"it has a caption ({_quote(im.caption, 50)})")
    elif im.in_figure:
        why.append("it sits in a <figure>")
    if (im.width or 0) >= min_size or (im.height or 0) >= min_size:
        size = (
            f"{im.width}×{im.height}" if im.width and im.height else f"{im.width or im.height} px"
        )
        why.append(f"it is large ({size})")
    if im.own_paragraph:
        why.append("it stands alone in its own paragraph")
    return why


@rule(
    code="A103",
    name="img-alt-empty-informative",
    category=Category.ALT_TEXT,
    title="Images with empty alt text look decorative",
    fix='describe the image in alt="..." unless it really adds nothing to the article',
    severity=Severity.WARNING,
    weight=1,
    defaults={"min_size": 200},
    applies=_has_judged,
)
def img_alt_empty_informative(page: Page, options: Options) -> Iterator[Hit]:
    """`alt=""` tells screen readers to skip an image. That is right for decoration, but
    an article image with a caption, in a `<figure>`, at least `min_size` pixels wide or
    tall, or standing alone in its own paragraph (Markdown's `![](shot.png)` writes
    `alt=""`) is usually content. The message says which of these it is.
    `role="presentation"` is taken as a deliberate choice and not flagged, and so is an
    image inside a link that has text of its own (a link or bookmark card, an icon
    beside the link text): the link is named by its text, and an alt would only repeat
    it (WAI's functional-image guidance).

    Fails: <figure><img src="chart.png" alt=""><figcaption>Sleep over six weeks</figcaption></figure> ; <p><img src="screenshot.png" alt=""></p>
    Passes: <img src="divider.png" alt="" width="40" height="8"> ; <figure><img src="chart.png" alt="Bar chart of hours slept"></figure> ; <a href="/guide"><img src="thumb.jpg" alt="" width="600"> The full guide</a>
    Options: min_size (200): width or height in pixels from which an image counts as large
    """
    min_size = int(options["min_size"])

    def check(im: Image) -> str | None:
        if im.kind != "img" or im.alt != "" or im.role in PRESENTATIONAL:
            return None
        if im.link_href is not None:  # alone in a link: A102's; beside link text: right
            return None
        if accessible_name(im) or not im.in_article:
            return None
        why = _informative_signals(im, min_size)
        if not why:
            return None
        return f'{short_src(im)} has alt="" (decorative) but {" and ".join(why)}; decorative images are fine, informative ones need alt text'

    yield from _graded(judged_images(page), check)


@rule(
    code="A104",
    name="alt-too-long",
    category=Category.ALT_TEXT,
    title="Alt text is concise",
    fix="keep the alt to what the image shows in one sentence; put the rest in a caption or the text",
    severity=Severity.WARNING,
    weight=1,
    defaults={"max_length": 125},
    applies=_has_named,
)
def alt_too_long(page: Page, options: Options) -> Iterator[Hit]:
    """The alt text is at most `max_length` characters (125 by default: many screen
    readers and most accessibility guides). Long alts are tiring to listen to and can't
    be paused or skimmed; longer descriptions belong in a caption or the text.

    Fails: <img alt="A 200-character paragraph that tells the whole story of the photo, the room, the light, the mood and the practice's services in every city it serves…">
    Passes: <img alt="A mug of chamomile tea beside a notebook">
    Options: max_length (125)
    """
    limit = int(options["max_length"])

    def check(im: Image) -> str | None:
        n = len(clean(im.alt))
        return f"alt text is {n} characters; keep it under {limit}" if n > limit else None

    yield from _graded(_named(page), check)


_CAMERA = re.compile(
    r"^(img|dsc[nf]?|dcim|pxl|mvimg|vid|gopr|p)[ _-]?\d[\w.-]*$"  # IMG_2041, DSC0001, PXL_…
    r"|^(screen ?shot|whatsapp image|photo|image|scan)[ _-]\d{4}-\d{2}-\d{2}\b.*$",  # dated
    re.I,
)
_HASH = re.compile(
    r"^(?=[^ ]*\d)(?=[^ ]*[a-f])[0-9a-f]{12,}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", re.I
)
_URL = re.compile(r"^(https?:|www\.|/|\.\./)\S*$", re.I)
_FILE = re.compile(rf"\.({'|'.join(IMAGE_EXTENSIONS)})$", re.I)
_PLACEHOLDER_SUFFIX = re.compile(r"[\s_-]*\d*$")
#: Lower-case words joined by hyphens or underscores, no spaces: how files are named.
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")


def is_file_slug(text: str) -> bool:
    """A slug-shaped alt (`my-photo-2`, `screenshot_2021`, `woman-reading-by-window`):
    a file name whatever the file is called now (a CDN renames files). Words people
    write with hyphens are not slugs: one to three parts without a digit
    (`self-portrait`, `mother-in-law`) are left alone; an underscore, a part that is a
    number, or four parts and more make a slug."""
    if not _SLUG.match(text):
        return False
    parts = re.split(r"[-_]", text)
    return "_" in text or any(p.isdigit() for p in parts) or len(parts) >= 4


def placeholder_problem(alt: str, src: str | None, placeholders: Sequence[str]) -> str | None:
    """Why `alt` is a file name, URL, hash or placeholder word, or None."""
    text = clean(alt)
    if not text:
        return None
    low = text.casefold()
    if _URL.match(text):
        return "a URL"
    if _FILE.search(text) and len(text.split()) <= 3:
        return "a file name"
    if _CAMERA.match(text):
        return "a camera file name"
    if _HASH.match(text):
        return "a hash"
    base = _PLACEHOLDER_SUFFIX.sub("", low).strip()
    if base in {p.casefold() for p in placeholders}:
        return "a placeholder"
    if src and " " not in text and re.search(r"[-_]", text):
        stem = unquote(urlsplit(src).path.rsplit("/", 1)[-1]).rsplit(".", 1)[0].casefold()
        if stem and stem == low:
            return "the image's file name"
    if is_file_slug(text):
        return "a file name"
    return None


@rule(
    code="A105",
    name="alt-placeholder",
    category=Category.ALT_TEXT,
    title="Alt text describes the image, not its file",
    fix="replace the alt with a short description of what the image shows",
    severity=Severity.WARNING,
    weight=2,
    defaults={
        "placeholders": [
            "image",
            "img",
            "picture",
            "pic",
            "photo",
            "photograph",
            "graphic",
            "untitled",
            "placeholder",
            "alt",
            "alt text",
            "thumbnail",
            "screenshot",
            "spacer",
            "blank",
            "null",
            "undefined",
            "none",
        ]
    },
    applies=_has_named,
)
def alt_placeholder(page: Page, options: Options) -> Iterator[Hit]:
    """The alt is not a file name (`IMG_2041.jpg`, `photo-1.png`), a camera name
    (`DSC0001`, `PXL_20240101`), a hash, a URL, a slug equal to the image's file name, a
    slug-shaped alt whatever the file is called (`my-photo-2`, `screenshot_2021`: a CDN
    renames the file, the alt keeps the old name), or a placeholder word from
    `placeholders` (optionally numbered: `image 3`). CMSs write these when nobody fills
    the alt in; screen readers read them out letter by letter. Hyphenated words
    (`self-portrait`, `mother-in-law`: up to three parts, no number) are not slugs.

    Fails: <img src="IMG_2041.jpg" alt="IMG_2041.jpg"> ; <img alt="DSC0001"> ; <img alt="image"> ; <img alt="https://example.com/a.png"> ; <img src="https://cdn.example.com/f/8c1e.webp" alt="my-photo-2">
    Passes: <img src="IMG_2041.jpg" alt="A notebook and pen on a wool blanket"> ; <img alt="self-portrait">
    Options: placeholders (image, picture, photo, untitled, placeholder, …): words that are never a description
    """
    placeholders = tuple(options["placeholders"])

    def check(im: Image) -> str | None:
        what = placeholder_problem(im.alt or "", im.src, placeholders)
        if what is None:
            return None
        return f"alt text {_quote(im.alt or '')} is {what}, not a description"

    yield from _graded(_named(page), check)


@rule(
    code="A106",
    name="alt-redundant-prefix",
    category=Category.ALT_TEXT,
    title="Alt text does not start with 'image of'",
    fix='drop the prefix: screen readers already say "image"',
    severity=Severity.INFO,
    weight=0.5,
    defaults={
        "prefixes": ["image of", "picture of", "photo of", "photograph of", "graphic of", "pic of"]
    },
    applies=_has_named,
)
def alt_redundant_prefix(page: Page, options: Options) -> Iterator[Hit]:
    """The alt does not begin with one of `prefixes` ("image of", "picture of",
    "photo of", …), with or without "a"/"an"/"the" before it. Screen readers announce
    images as images, so the prefix is heard twice. Saying the kind of image when it
    matters ("Screenshot of", "Oil painting of") is fine and not flagged.

    Fails: <img alt="Image of a cup of tea on a nightstand"> ; <img alt="A photo of the office">
    Passes: <img alt="A cup of tea on a nightstand"> ; <img alt="Screenshot of the sleep app's settings">
    Options: prefixes ("image of", "picture of", "photo of", "photograph of", "graphic of", "pic of")
    """
    prefixes = [clean(p).casefold() for p in options["prefixes"] if clean(p)]

    def check(im: Image) -> str | None:
        low = clean(im.alt).casefold()
        low = re.sub(r"^(an?|the)\s+", "", low)
        for prefix in prefixes:
            if low == prefix or low.startswith(prefix + " ") or low.startswith(prefix + ":"):
                shown = clean(im.alt)[: len(clean(im.alt)) - len(low) + len(prefix)]
                return f"alt text starts with {_quote(shown)}; screen readers already announce an image"
        return None

    yield from _graded(_named(page), check)


@rule(
    code="A107",
    name="alt-keyword-stuffed",
    category=Category.ALT_TEXT,
    title="Alt text is not stuffed with keywords or places",
    fix="describe what the image shows; put service areas and keywords in the text, once",
    severity=Severity.WARNING,
    weight=2,
    defaults={"min_places": 3, "min_terms": 3, "min_repeats": 2},
    applies=_has_named,
)
def alt_keyword_stuffed(page: Page, options: Options) -> Iterator[Hit]:
    """The alt is a description, not a carrier for search terms. It fails when it holds
    a list of `min_places` or more places ("… across Texas, including Houston, Dallas,
    and Austin"), `min_terms` or more mentions of the configured keywords and locations
    together, or the same keyword (or, unconfigured, the same two-word phrase)
    `min_repeats` or more times. Works without configuration: a comma list of capitalised
    place names after "across", "serving", "in" (with a state or a city it knows) is
    suspicious on its own. Search engines treat stuffed alts as spam and screen-reader
    users hear an advert instead of the picture. The detector is shared
    with the keywords family.

    Fails: <img alt="Therapist's office. Online therapy for women across Texas, including Houston, Dallas, and Austin">
    Passes: <img alt="A therapist's office with two armchairs by a rainy window">
    Options: min_places (3), min_terms (3), min_repeats (2)
    """
    keywords = tuple(options.get("keywords", ()))
    locations = tuple(options.get("locations", ()))

    def check(im: Image) -> str | None:
        reasons = stuffing_reasons(
            clean(im.alt),
            keywords,
            locations,
            min_places=int(options["min_places"]),
            min_terms=int(options["min_terms"]),
            min_repeats=int(options["min_repeats"]),
        )
        return f"alt text looks stuffed: {'; '.join(reasons)}" if reasons else None

    yield from _graded(_named(page), check)


@rule(
    code="A108",
    name="alt-duplicate",
    category=Category.ALT_TEXT,
    title="Different images have different alt text",
    fix="describe what is different about each image",
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: len(_named(page)) > 1,
)
def alt_duplicate(page: Page, options: Options) -> Iterator[Hit]:
    """Two different images (different sources) in one article do not share an alt.
    A repeated alt usually means one was copied and never described, and screen-reader
    users cannot tell the images apart. The same image shown twice with the same alt is
    fine. Each image after the first with a given alt is reported.

    Fails: <img src="kit.jpg" alt="Nodebot army"> … <img src="assembled.jpg" alt="Nodebot army">
    Passes: <img src="kit.jpg" alt="The robot kit, still in its box"> … <img src="assembled.jpg" alt="The assembled robot on a desk">
    """
    first: dict[str, Image] = {}
    numbers: dict[int, int] = {}
    named = _named(page)
    for n, im in enumerate(named, 1):
        numbers[id(im)] = n

    def check(im: Image) -> str | None:
        key = _norm(im.alt)
        seen = first.get(key)
        if seen is None:
            first[key] = im
            return None
        if seen.src == im.src:
            return None
        return (
            f"alt text {_quote(im.alt or '')} is also used for image {numbers[id(seen)]} "
            f"({short_src(seen)}), a different image"
        )

    yield from _graded(named, check)


@rule(
    code="A109",
    name="alt-repeats-text",
    category=Category.ALT_TEXT,
    title="Alt text does not repeat the text beside it",
    fix='say what the image adds, or use alt="" if the text already says it all',
    severity=Severity.INFO,
    weight=0.5,
    applies=_has_named,
)
def alt_repeats_text(page: Page, options: Options) -> Iterator[Hit]:
    """The alt is not the same text (ignoring case, spacing and outer punctuation) as the
    image's caption or the visible text of its closest link, button, paragraph, list
    item, table cell or heading (axe-core `image-redundant-alt`, which does not look at
    headings or captions). Screen readers then read the same words twice.

    Fails: <h2><img src="noscript.png" alt="NoScript"> NoScript</h2> ; <figure><img alt="Photo by Lena"><figcaption>Photo by Lena</figcaption></figure>
    Passes: <h2><img src="noscript.png" alt=""> NoScript</h2> ; <figure><img alt="Notebook on a blanket"><figcaption>Photo by Lena</figcaption></figure>
    """

    def check(im: Image) -> str | None:
        if im.kind != "img" or im.role in PRESENTATIONAL:
            return None
        alt = _norm(im.alt)
        if alt and alt == _norm(im.caption):
            return (
                f"alt text {_quote(im.alt or '')} repeats the caption; screen readers read it twice"
            )
        if alt and alt == _norm(im.context_text):
            return f"alt text {_quote(im.alt or '')} repeats the text next to it; screen readers read it twice"
        return None

    yield from _graded(_named(page), check)


RULES = (
    img_alt_missing,
    img_link_no_name,
    img_alt_empty_informative,
    alt_too_long,
    alt_placeholder,
    alt_redundant_prefix,
    alt_keyword_stuffed,
    alt_duplicate,
    alt_repeats_text,
)

# --------------------------------------------------------------------------- facts


def _verdict(im: Image, codes: Sequence[str]) -> str:
    labels = {
        "A101": "no alt text",
        "A102": "link without a name",
        "A103": "empty alt, looks informative",
        "A104": "too long",
        "A105": "file name or placeholder",
        "A106": "redundant prefix",
        "A107": "keyword-stuffed",
        "A108": "duplicate",
        "A109": "repeats nearby text",
    }
    if codes:
        return ", ".join(labels.get(c, c) for c in codes)
    if is_decorative(im):
        return "decorative"
    if not clean(im.alt) and accessible_name(im):
        return "named by aria-label/title"
    return "ok"


def theme_images(page: Page) -> list[Image]:
    """Images the A rules leave to the theme: outside the article (or in its chrome),
    not alone in a link, not hidden from assistive technology."""
    judged = {id(im) for im in judged_images(page)}
    return [im for im in page.images if id(im) not in judged and not im.aria_hidden]


def facts(page: Page, context: dict[str, Any]) -> dict[str, Any]:
    """`images`: one row per judged image, in page order, with the codes the page's
    findings (`context["findings"]`, as configured) put on it. `theme_images`: how many
    images are the theme's and not judged (`count`), and how many of those have no
    alt text or other name (`without_alt`), so an alt-text score of "n/a" on a page
    whose theme images lack alt is explained, not silent."""
    out: dict[str, Any] = {}
    theme = theme_images(page)
    if theme:
        out["theme_images"] = {
            "count": len(theme),
            "without_alt": sum(1 for im in theme if name_problem(im) is not None),
        }
    images = judged_images(page)
    if not images:
        return out
    codes = findings_by_location(context.get("findings", ()), Category.ALT_TEXT)
    rows = []
    for im in images:
        found = sorted(codes.get(im.location, ()))
        alt = im.alt
        rows.append(
            {
                "src": im.src,
                "file": short_src(im),
                "kind": im.kind,
                "alt": alt,
                "length": len(clean(alt)) if alt is not None else None,
                "name": accessible_name(im),
                "in_article": im.in_article,
                "line": im.location.line,
                "codes": found,
                "verdict": _verdict(im, found),
            }
        )
    out["images"] = rows
    return out
