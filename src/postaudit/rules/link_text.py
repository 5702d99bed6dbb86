"""What a link says: its text says where it goes (`L515`), it has a name (`L516`), one
text leads to one place (`L517`), and an affiliate link says it is paid (`L519`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from postaudit.measure.affiliates import affiliate_network
from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Link, Page
from postaudit.rules.base import Options, rule
from postaudit.rules.link_common import (
    accessible_name,
    article_links,
    fraction,
    is_internal_link,
    navigation_links,
    shown_href,
)

# --------------------------------------------------------------------------- link text

#: Link texts that say nothing about the target, per primary language subtag.
#: English: Lighthouse `link-text` (core/audits/seo/link-text.js) plus "link", "click",
#: "go here", "this link", "this page", "continue", "continue reading", "details".
#: es, pt, ja, ko, sv, ta, fa: Lighthouse's lists. de, fr, it, nl, zh: ours.
GENERIC_LINK_TEXTS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        {
            "click here",
            "click this",
            "go",
            "here",
            "information",
            "learn more",
            "more",
            "more info",
            "more information",
            "right here",
            "read more",
            "see more",
            "start",
            "this",
            "link",
            "click",
            "go here",
            "this link",
            "this page",
            "continue",
            "continue reading",
            "details",
            "find out more",
            "here is the link",
        }
    ),
    "es": frozenset(
        {
            "click aquí",
            "click aqui",
            "clicka aquí",
            "clicka aqui",
            "pincha aquí",
            "pincha aqui",
            "aquí",
            "aqui",
            "más",
            "mas",
            "más información",
            "más informacion",
            "mas información",
            "mas informacion",
            "este",
            "enlace",
            "este enlace",
            "empezar",
            "leer más",
            "leer mas",
        }
    ),
    "pt": frozenset(
        {
            "clique aqui",
            "ir",
            "mais informação",
            "mais informações",
            "mais",
            "veja mais",
            "leia mais",
            "aqui",
        }
    ),
    "ja": frozenset(
        {
            "ここをクリック",
            "こちらをクリック",
            "リンク",
            "続きを読む",
            "続く",
            "全文表示",
            "こちら",
            "ここ",
        }
    ),
    "ko": frozenset(
        {
            "여기",
            "여기를 클릭",
            "클릭",
            "링크",
            "자세히",
            "자세히 보기",
            "계속",
            "이동",
            "전체 보기",
        }
    ),
    "sv": frozenset({"här", "klicka här", "läs mer", "mer", "mer info", "mer information"}),
    "ta": frozenset(
        {
            "அடுத்த பக்கம்",
            "மறுபக்கம்",
            "முந்தைய பக்கம்",
            "முன்பக்கம்",
            "மேலும் அறிக",
            "மேலும் தகவலுக்கு",
            "மேலும் தரவுகளுக்கு",
            "தயவுசெய்து இங்கே அழுத்தவும்",
            "இங்கே கிளிக் செய்யவும்",
        }
    ),
    "fa": frozenset(
        {
            "اطلاعات بیشتر",
            "اطلاعات",
            "این",
            "اینجا بزنید",
            "اینجا کلیک کنید",
            "اینجا",
            "برو",
            "بیشتر بخوانید",
            "بیشتر بدانید",
            "بیشتر",
            "شروع",
        }
    ),
    "de": frozenset(
        {
            "hier",
            "hier klicken",
            "klicken sie hier",
            "mehr",
            "mehr erfahren",
            "mehr informationen",
            "weiterlesen",
            "weiter",
            "link",
            "dieser link",
        }
    ),
    "fr": frozenset(
        {
            "ici",
            "cliquez ici",
            "cliquer ici",
            "en savoir plus",
            "lire la suite",
            "plus",
            "lien",
            "ce lien",
            "suite",
        }
    ),
    "it": frozenset(
        {"qui", "clicca qui", "leggi di più", "scopri di più", "di più", "link", "questo"}
    ),
    "nl": frozenset(
        {"hier", "klik hier", "lees meer", "meer", "meer info", "meer informatie", "link"}
    ),
    "zh": frozenset(
        {
            "这里",
            "點擊這裡",
            "点击这里",
            "点击此处",
            "更多",
            "阅读更多",
            "閱讀更多",
            "链接",
            "鏈接",
            "详情",
        }
    ),
}
_EDGES = " \t\n.,:;!?…»«›‹→←>-–—()[]\"'“”‘’"


def _norm_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(_EDGES).strip()


def _lang_of(link: Link, page: Page, options: Options) -> str | None:
    lang = link.lang or page.lang or options.get("lang")
    if not lang or not str(lang).strip():
        return None
    return str(lang).strip().lower().replace("_", "-").split("-", 1)[0]


def generic_texts(lang: str | None, options: Options) -> frozenset[str] | None:
    """The list for a language (None = no list, do not judge)."""
    extra = {_norm_text(t) for t in options.get("extra_texts", ())}
    if lang is None:
        mode = str(options.get("unknown_lang", "all"))
        if mode == "none":
            return None
        if mode == "all":
            return frozenset().union(*GENERIC_LINK_TEXTS.values()) | extra
        base = GENERIC_LINK_TEXTS.get(mode)
        return None if base is None else base | extra
    base = GENERIC_LINK_TEXTS.get(lang)
    if base is None:
        return frozenset(extra) if extra else None
    return base | extra


def _text_links(page: Page) -> list[Link]:
    return [link for link in navigation_links(page) if _norm_text(link.text)]


@rule(
    code="L515",
    name="link-text-generic",
    category=Category.LINKS,
    title="Link text says where the link goes",
    fix="link the words that name the destination, e.g. 'book a consultation' instead of 'here'",
    severity=Severity.WARNING,
    defaults={
        "extra_texts": (),
        "allowed_texts": (),
        "accept_aria_label": True,
        "unknown_lang": "all",
    },
    applies=lambda page, options: bool(_text_links(page)),
)
def link_text_generic(page: Page, options: Options) -> Iterator[Hit]:
    """Link text is not a phrase that says nothing on its own ("here", "click here",
    "read more", "learn more", "more", "this", "link", "go", ...).

    Screen reader users list links out of context, and search engines read link text
    as a description of the target. The whole link text is compared, so "book a
    consultation <a>here</a>" is flagged while "<a>read more about my approach</a>" is
    not. The list follows the link's language (its nearest `lang`, else the page's, else
    `--lang`): Lighthouse's lists for English, Spanish, Portuguese, Japanese, Korean,
    Swedish, Tamil and Persian (a few common phrases added), and ours for German,
    French, Italian, Dutch and Chinese. Unlike Lighthouse, `rel="nofollow"` links are
    judged too: the text matters to readers whatever crawlers do. A language without a list is not judged, so a page in another
    language is never held to the English words. With no language known,
    `unknown_lang` decides: "all" lists (Lighthouse's behaviour), one language code,
    or "none".

    aria-label: Lighthouse ignores it, axe-core honours it. Here an `aria-label` (or
    `aria-labelledby`) is accepted when it says more than the visible text and
    contains it ("Read more about sleep hygiene" for a "Read more" link), so both
    screen readers and voice control ("click read more") work; set
    `accept_aria_label = false` for Lighthouse's stricter reading.

    Fails: book a consultation <a href="/contact">here</a> ; <a href="/post">Read more</a>
    Passes: <a href="/contact">book a consultation</a> ; <a href="/post" aria-label="Read more about sleep and anxiety">Read more</a>
    Options: extra_texts (more phrases to flag, any language), allowed_texts (phrases never flagged), accept_aria_label (true), unknown_lang ("all")
    """
    allowed = {_norm_text(t) for t in options.get("allowed_texts", ())}
    links = _text_links(page)
    flagged: list[tuple[Link, str]] = []
    for link in links:
        texts = generic_texts(_lang_of(link, page, options), options)
        norm = _norm_text(link.text)
        if texts is None or norm not in texts or norm in allowed:
            continue
        label = " ".join((link.aria_label or link.labelledby_text or "").split())
        if label and options.get("accept_aria_label", True):
            label_norm = _norm_text(label)
            if label_norm not in texts and norm in label_norm and len(label_norm) > len(norm):
                continue
            if label_norm not in texts and norm not in label_norm:
                flagged.append(
                    (
                        link,
                        f"link text {link.text!r} says nothing, and its aria-label {label!r} "
                        "does not contain it (voice control users say the visible words)",
                    )
                )
                continue
        flagged.append((link, f"link text {link.text!r} says nothing about where it goes"))
    score = fraction(len(links) - len(flagged), len(links))
    for link, message in flagged:
        yield Hit(message, link.location, score=score, key=f"{link.text}|{link.url}")


def _named_candidates(page: Page) -> list[Link]:
    """Article links judged for a name: every visible `<a href>`, whatever it points
    at (mailto:, tel:, javascript:, a #fragment: each is a link a keyboard reaches and
    a screen reader announces). Links whose only content is an image are left to A102
    (img-link-no-name), which names the image to fix."""
    image_links = {im.link_href for im in page.images if im.link_only_content}
    return [
        link for link in article_links(page) if not (link.href in image_links and not link.text)
    ]


@rule(
    code="L516",
    name="link-name-missing",
    category=Category.LINKS,
    title="Links have text or an accessible name",
    fix="put text in the link, give its image an alt, or add an aria-label naming the target",
    severity=Severity.ERROR,
    weight=2,
    applies=lambda page, options: bool(_named_candidates(page)),
)
def link_name_missing(page: Page, options: Options) -> Iterator[Hit]:
    """Every article link has an accessible name: text, an image alt, `aria-label`,
    `aria-labelledby` or `title` (axe-core `link-name`).

    An empty link is announced as "link" or as its URL; it usually wraps an icon font
    or an empty heading anchor. Every `<a href>` is judged, whatever its target:
    `mailto:` and `tel:` icons, `javascript:` buttons and `#fragment` anchors are
    links to a screen reader too. A link whose only content is an image without alt
    is reported by A102 (img-link-no-name) instead. The name from content follows the
    accname recursion (as axe does): an icon `<span aria-label="BY - Attribution">`
    inside the link names it.

    A comment-count placeholder is not judged: an empty link the comment system's
    script fills with "3 Comments" (Disqus `href="...#disqus_thread"`,
    `.disqus-comment-count` or `data-disqus-identifier`; a Valine or Waline counter
    inside). It is empty only without JavaScript, and every browser a screen reader
    runs in runs the theme's script, so an error (a certain failure) would not be true.

    Fails: <a href="/x"><i class="icon-arrow"></i></a> ; <a href="#section-2"></a> ; <a href="mailto:jo@example.com"><i class="icon-mail"></i></a>
    Passes: <a href="/x" aria-label="Next chapter"><i class="icon-arrow"></i></a> ; <a href="/by/"><span aria-label="Attribution"><i class="icon-by"></i></span></a> ; <a href="/post/#disqus_thread"></a>
    """
    links = [link for link in _named_candidates(page) if not link.comment_counter]
    empty = [link for link in links if not accessible_name(link)]
    score = fraction(len(links) - len(empty), len(links))
    for link in empty:
        yield Hit(
            f"link {shown_href(link)!r} has no text or accessible name",
            link.location,
            score=score,
            key=link.url or link.href,
        )


def _destination(link: Link) -> str:
    url = link.url or link.href
    parts = urlsplit(url)
    path = re.sub(r"/index\.html?$", "/", parts.path).rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"//{parts.netloc.lower()}{path}{query}"  # http: and https: twins are one place


#: Folders of taxonomy pages (lists of posts on one topic), as blog engines name them.
_TAXONOMY_DIRS = frozenset(
    {"tag", "tags", "category", "categories", "topic", "topics", "label", "labels", "series"}
)


def _is_taxonomy(link: Link) -> bool:
    """A link to a list of posts on one topic: `rel="tag"` / `rel="category"`, or a
    page in a taxonomy folder (`/tags/python/`, `/category/misc/`, `?tag=x`)."""
    if link.rel & {"tag", "category"}:
        return True
    parts = urlsplit(link.url or link.href)
    folders = [p.lower() for p in parts.path.split("/") if p]
    if any(f in _TAXONOMY_DIRS for f in folders[:-1]):
        return True
    query = {q.split("=", 1)[0].lower() for q in parts.query.split("&") if q}
    return bool(query & {"tag", "category", "cat"})


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _names_site(text: str, host: str, site_name: str) -> bool:
    """Whether a link text is the name of the site it leads to: the host's name
    ("GitHub" for github.com, "Multi-Etch" for www.multietch.com) or the page's
    `og:site_name` when the link stays on the page's own site."""
    name = _letters(text)
    if len(name) < 3:
        return False
    labels = [lab for lab in host.lower().split(".") if lab and lab != "www"]
    if any(name == _letters(lab) for lab in labels[:-1] or labels):
        return True
    return bool(site_name) and name == _letters(site_name)


def _same_purpose(page: Page, links: Sequence[Link]) -> bool:
    """Links with one text that serve one purpose although their URLs differ:
    taxonomy links (the tag "misc" and the category "misc" both list the posts about
    misc), or the name of a site on links into that site (a brand name links to the
    brand, whichever of its pages)."""
    if all(_is_taxonomy(link) for link in links):
        return True
    hosts = {urlsplit(link.url or link.href).netloc.lower() for link in links}
    if len(hosts) != 1:
        return False
    host = urlsplit(next(iter(links)).url or "").hostname or ""
    site_names = page.meta.get("og:site_name", ())
    own = is_internal_link(page, links[0])
    site_name = site_names[0] if site_names and own else ""
    return _names_site(accessible_name(links[0]), host, site_name)


@rule(
    code="L517",
    name="link-text-ambiguous",
    category=Category.LINKS,
    title="The same link text leads to the same place",
    fix="reword the links so each text names its own destination",
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: len(navigation_links(page)) > 1,
)
def link_text_ambiguous(page: Page, options: Options) -> Iterator[Hit]:
    """Article links with the same text (or accessible name) go to the same place
    (axe-core `identical-links-same-purpose`).

    Readers who jump from link to link hear "Read more, Read more" and cannot tell the
    destinations apart. Reported once per text, at its second destination. Links
    with one text that serve one purpose are not ambiguous: taxonomy links (`rel="tag"`
    or `rel="category"`, or pages under `/tags/`, `/categories/`, `/topics/`, ...: the
    tag "Python" and the category "Python" both list the posts about Python), and a
    site's name on links into that site ("GitHub" to two GitHub pages, the blog's
    `og:site_name` to its home and its about page): the name says where they lead.

    Fails: <a href="/a">Read the guide</a> ... <a href="/b">Read the guide</a>
    Passes: <a href="/a">Read the sleep guide</a> ... <a href="/b">Read the stress guide</a> ; <a href="/tags/sleep/">sleep</a> ... <a href="/categories/sleep/">sleep</a>
    """
    groups: dict[str, list[Link]] = {}
    for link in navigation_links(page):
        name = _norm_text(accessible_name(link))
        if name:
            groups.setdefault(name, []).append(link)
    for links in groups.values():
        places: dict[str, Link] = {}
        for link in links:
            places.setdefault(_destination(link), link)
        if len(places) < 2 or _same_purpose(page, list(places.values())):
            continue
        shown = ", ".join(repr(shown_href(link)) for link in list(places.values())[:3])
        more = f" and {len(places) - 3} more" if len(places) > 3 else ""
        second = list(places.values())[1]
        text = accessible_name(second)
        yield Hit(
            f"link text {text!r} leads to {len(places)} different places: {shown}{more}",
            second.location,
            key=_norm_text(text),
        )


# --------------------------------------------------------------------------- affiliate links

#: rel values Google accepts on paid links ("sponsored" asked for, "nofollow" allowed).
_PAID_REL = frozenset({"sponsored", "nofollow"})


@rule(
    code="L519",
    name="affiliate-link-unmarked",
    category=Category.LINKS,
    title='Affiliate links are marked rel="sponsored"',
    fix='add rel="sponsored" to affiliate links (rel="nofollow" also satisfies Google)',
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: any(affiliate_network(link.url) for link in page.links),
)
def affiliate_link_unmarked(page: Page, options: Options) -> Iterator[Hit]:
    """A link through an affiliate network has `rel="sponsored"` (or `rel="nofollow"`).

    Google asks for paid and affiliate links to be qualified with `rel="sponsored"`
    ("nofollow" is still accepted) and may act against sites that pass ranking credit
    through them. Affiliate links are recognised by their network's tracking host, or a
    store's host with the affiliate parameter (Amazon with `tag=`); the table of
    networks names the source of each entry. General shorteners
    (bit.ly and the like) are not judged: a short link says nothing about what it
    hides. Every link on the page counts, sidebar banners included.

    Fails: <a href="https://www.amazon.com/dp/B000123?tag=myblog-20">the kettle I use</a>
    Passes: <a href="https://www.amazon.com/dp/B000123?tag=myblog-20" rel="sponsored">the kettle I use</a> ; <a href="https://www.amazon.com/dp/B000123">the kettle</a>
    """
    paid = [(link, net) for link in page.links if (net := affiliate_network(link.url))]
    unmarked = [(link, net) for link, net in paid if not link.rel & _PAID_REL]
    score = fraction(len(paid) - len(unmarked), len(paid))
    for link, net in unmarked:
        name = accessible_name(link)
        shown = f"{name[:59]}…" if len(name) > 60 else name
        host = urlsplit(link.url or "").hostname or ""
        yield Hit(
            f'{net} link {shown!r} ({host}) has no rel="sponsored"'
            if shown
            else f'{net} link {shown_href(link)!r} has no rel="sponsored"',
            link.location,
            score=score,
            key=link.url or "",
        )
