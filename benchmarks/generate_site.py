"""Generate a realistic local blog for the benchmarks: N posts in a light or heavy theme.

    python benchmarks/generate_site.py OUT [--posts 1000] [--theme light|heavy]
                                          [--base-url http://127.0.0.1:8000] [--seed 1]

- light: a minimal Jekyll theme (Minimal Mistakes markup), about 15 KB a page;
  posts at /YYYY/MM/DD/slug.html.
- heavy: WordPress-like CMS output (mega-menu, inline global styles and scripts, sidebar
  widgets, comments, footer, a page-state JSON blob), 60-150 KB a page; posts at
  /YYYY/MM/slug/ (a folder with index.html).

Every post has 1,200-1,800 words of prose built from a small grammar (topic vocabulary
and sentence templates of three lengths) seeded per post, so pages differ and their
readability ranges from easy to very difficult; 3-5 images (most with good alt text,
some missing, empty, stuffed or a file name); h2/h3 headings (a few skip to h4);
previous/next links to the neighbouring posts (reciprocal, with a few planted breaks);
and planted defects on a few pages (missing description, long title, generic link text,
an internal link to a missing post, a long paragraph). `sitemap.xml` is an index of
`sitemap-posts-1.xml` and `sitemap-posts-2.xml.gz`; `robots.txt` names it.

Deterministic for a given seed, theme, post count and base URL. Standard library only.
To look at a site by hand: generate it, then `python benchmarks/serve.py OUT --port 8000`
(the default --base-url). `benchmarks/run.py` does both on a free port.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SITE_NAME = "The Long Table"
#: The site's focus keyphrase and towns: woven into some posts, not all (run.py passes them).
KEYPHRASE = "home cooking"
LOCATIONS = ("Ashford", "Millbrook")
THEMES = ("light", "heavy")

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Topic:
    name: str
    nouns: tuple[str, ...]
    plurals: tuple[str, ...]
    verbs: tuple[tuple[str, str, str, str], ...]  # base, third person, participle, gerund
    adjectives: tuple[str, ...]
    people: tuple[str, ...]
    surfaces: tuple[str, ...]


def _verbs(spec: str) -> tuple[tuple[str, str, str, str], ...]:
    out = []
    for item in spec.split(";"):
        base, third, part, ger = (w.strip() for w in item.split(","))
        out.append((base, third, part, ger))
    return tuple(out)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "bread",
        ("starter", "loaf", "crust", "crumb", "dough", "oven", "banneton", "flour", "proof"),
        ("starters", "loaves", "crusts", "doughs", "rolls", "flours", "bakers", "ovens"),
        _verbs(
            "knead,kneads,kneaded,kneading;shape,shapes,shaped,shaping;"
            "feed,feeds,fed,feeding;bake,bakes,baked,baking;fold,folds,folded,folding;"
            "score,scores,scored,scoring;rest,rests,rested,resting;weigh,weighs,weighed,weighing"
        ),
        ("sticky", "slack", "airy", "dense", "golden", "sour", "warm", "crackly", "tight"),
        ("my neighbour", "the baker down the road", "my grandmother", "a friend from work"),
        ("floured counter", "cooling rack", "linen towel", "stone slab"),
    ),
    Topic(
        "garden",
        ("bed", "seedling", "trellis", "compost heap", "hose", "tomato", "greenhouse", "row"),
        ("seedlings", "beds", "tomatoes", "weeds", "beans", "slugs", "cuttings", "leaves"),
        _verbs(
            "water,waters,watered,watering;plant,plants,planted,planting;"
            "prune,prunes,pruned,pruning;mulch,mulches,mulched,mulching;"
            "thin,thins,thinned,thinning;harvest,harvests,harvested,harvesting;"
            "sow,sows,sown,sowing;stake,stakes,staked,staking"
        ),
        ("leggy", "wilted", "lush", "stubborn", "muddy", "frosty", "shady", "tidy", "green"),
        ("the woman at the allotment", "my father", "an old gardener", "our next-door kids"),
        ("potting bench", "wheelbarrow", "garden path", "windowsill"),
    ),
    Topic(
        "preserving",
        ("jar", "lid", "brine", "jam", "pickle", "pot", "funnel", "syrup", "pantry"),
        ("jars", "lids", "pickles", "plums", "cucumbers", "berries", "labels", "shelves"),
        _verbs(
            "seal,seals,sealed,sealing;boil,boils,boiled,boiling;"
            "sterilise,sterilises,sterilised,sterilising;label,labels,labelled,labelling;"
            "stir,stirs,stirred,stirring;skim,skims,skimmed,skimming;"
            "store,stores,stored,storing;pour,pours,poured,pouring"
        ),
        ("cloudy", "bright", "tart", "glossy", "syrupy", "cool", "sharp", "sweet", "thick"),
        ("my aunt", "a reader from the coast", "the farmer at the market", "my partner"),
        ("kitchen shelf", "tea towel", "pantry shelf", "scrubbed table"),
    ),
    Topic(
        "soup",
        ("stock", "broth", "ladle", "onion", "pan", "simmer", "bone", "bowl", "lentil"),
        ("stocks", "onions", "carrots", "bowls", "lentils", "herbs", "bones", "leeks"),
        _verbs(
            "simmer,simmers,simmered,simmering;chop,chops,chopped,chopping;"
            "season,seasons,seasoned,seasoning;strain,strains,strained,straining;"
            "taste,tastes,tasted,tasting;roast,roasts,roasted,roasting;"
            "freeze,freezes,frozen,freezing;reduce,reduces,reduced,reducing"
        ),
        ("rich", "thin", "cloudy", "savoury", "gentle", "hearty", "salty", "clear", "mellow"),
        ("my mother", "a chef I once worked for", "the man at the butcher", "my sister"),
        ("stove top", "chopping board", "wooden table", "window ledge"),
    ),
    Topic(
        "market",
        ("stall", "basket", "receipt", "budget", "list", "season", "crate", "price", "box"),
        ("stalls", "baskets", "growers", "apples", "greens", "potatoes", "prices", "boxes"),
        _verbs(
            "buy,buys,bought,buying;plan,plans,planned,planning;"
            "compare,compares,compared,comparing;carry,carries,carried,carrying;"
            "haggle,haggles,haggled,haggling;choose,chooses,chosen,choosing;"
            "stretch,stretches,stretched,stretching;skip,skips,skipped,skipping"
        ),
        ("cheap", "crowded", "muddy", "seasonal", "bruised", "fresh", "local", "early", "busy"),
        ("the grower by the gate", "my daughter", "a retired teacher", "an old friend"),
        ("market table", "car boot", "kitchen counter", "hall bench"),
    ),
)

COMMON_NOUNS = ("week", "morning", "kitchen", "habit", "mistake", "recipe", "method", "notebook")
LONG_ADJECTIVES = (
    "considerably more complicated",
    "surprisingly unpredictable",
    "disproportionately sensitive",
    "comparatively inexpensive",
    "characteristically inconsistent",
    "remarkably forgiving",
    "unexpectedly demanding",
    "fundamentally uncooperative",
)
ABSTRACT = (
    "the relationship between temperature and patience",
    "the difference between preparation and improvisation",
    "the accumulated experience of previous seasons",
    "the interaction of humidity, timing and ingredients",
    "the conventional understanding of traditional techniques",
    "the approximate proportion of effort to reward",
    "the particular combination of circumstances involved",
)
TIMES = (
    "on a cold morning",
    "after supper",
    "by the end of March",
    "on Sunday",
    "late at night",
    "before work",
    "in August",
    "every other day",
    "at the weekend",
)
SIMPLE_CONNECTIVES = ("Then", "So", "But", "Still", "Now", "Later", "Even so", "After that")
LONG_CONNECTIVES = (
    "Consequently",
    "Nevertheless",
    "In practice",
    "Interestingly",
    "Admittedly",
    "Furthermore",
    "Unsurprisingly",
    "For the most part",
)

# Sentence templates. Slots: {N} {N2} noun, {Ns} plural, {V} base verb, {Vs} third person,
# {Ved} participle, {Ving} gerund, {A} {A2} adjective, {AL} long adjective phrase,
# {X} abstract noun phrase, {T} time, {P} person, {S} surface, {C} simple connective,
# {CL} long connective, {L} place.
SIMPLE = (
    "{P} {Vs} the {N} {T}.",
    "The {N} was {A}.",
    "I {V} my {Ns} {T}.",
    "It is {A}, and it works.",
    "Start with the {N}.",
    "You do not need a {A} {N}.",
    "{C}, the {N} gets {A}.",
    "Keep the {N} {A} and dry.",
    "That is the whole trick.",
    "Most {Ns} are {A} at first.",
    "Do not rush it.",
    "I like a {A} {N}.",
    "The {Ns} did not mind.",
    "{C} I tried again.",
    "We ate it all {T}.",
    "Nobody noticed the {N}.",
    "My {N} sat on the {S}.",
    "It took one {W}.",
)
MEDIUM = (
    "When the {N} is {A}, I {V} it {T} and leave the {N2} alone for a while.",
    "If you {V} the {N} too early, the {Ns} will turn {A} before you notice.",
    "{P} taught me to {V} the {N} slowly, which matters more than any {A} {N2}.",
    "There is no single right way to {V} a {N}, but some ways are kinder to the {Ns}.",
    "I keep a small notebook by the {S} so I can write down what the {Ns} did.",
    "{C}, the {Ns} from {L} were {A}, and I paid less for them than I expected.",
    "Most weeks I {V} the {N} {T}, and the rest of the time I leave it be.",
    "The first time I tried {Ving} {Ns}, the whole {W} smelled of it for days.",
    "A {A} {N} is not a failure; it is a note about what to change next time.",
    "I would rather {V} two {A} {Ns} than one perfect {N}.",
    "It helps to {V} the {N} on the {S}, where you can see it while you work.",
    "Readers often ask whether a {A} {N} is worth it, and my answer keeps changing.",
)
LONG = (
    "{CL}, {X} is {AL} than most introductory guides acknowledge, particularly when "
    "{Ns} are {Ved} under unfamiliar conditions and the {N} has not been {Ved} beforehand.",
    "The {N} was {Ved} by {P} {T}, and the {Ns} were {Ved} shortly afterwards, which "
    "meant that the entire arrangement had to be reconsidered from the beginning.",
    "{CL}, anyone who has spent a season {Ving} {Ns} will recognise that {X} "
    "determines the outcome far more reliably than any particular equipment.",
    "Although the {N} appeared {A} at the time, subsequent observation suggested that "
    "{X} had been misunderstood, and the {Ns} were eventually {Ved} again.",
    "Professional recommendations regarding {Ving} {Ns} are {AL} than their "
    "confident presentation implies, since {X} varies between households.",
    "{CL}, the {N2} that had been {Ved} previously proved {AL}, and its eventual "
    "replacement required additional consideration of {X}.",
    "Experienced practitioners occasionally disagree about whether {Ving} the {N} "
    "immediately is preferable, because {X} is difficult to evaluate objectively.",
)
LOCATION_SENTENCES = (
    "We buy most of our {Ns} at the Saturday market in {L}.",
    "Friends in {L} swear by a {A} {N}, and I have come round to it.",
    "The weather in {L} decides more of this than any book does.",
)
KEYPHRASE_SENTENCES = (
    "This is the kind of home cooking that rewards a little planning.",
    "Good home cooking is mostly patience with a {N}.",
    "None of this is fancy; it is ordinary home cooking done with care.",
)
TITLES = (
    "How to {V} {A} {Ns} {T}",
    "What {P} Taught Me About {Ns}",
    "Why Your {N} Goes {A}",
    "A {A} Guide to {Ving} {Ns}",
    "Notes on {Ving} the {N}",
    "Ten Small Lessons from a {A} {N}",
    "The {A} {N} Problem",
    "{Ving} {Ns} When Time Is Short",
    "Everything I Got Wrong About the {N}",
    "Keeping {Ns} {A} Through the Week",
)
HEADINGS = (
    "Why the {N} matters",
    "Getting the {N} right",
    "What I learned about {Ns}",
    "A note on {Ving}",
    "Common mistakes with {Ns}",
    "When to {V} the {N}",
    "The {A} stage",
    "What the {Ns} need",
    "Tools you actually use",
    "Timing and {Ns}",
    "If it goes {A}",
    "A {A} shortcut",
)
SUBHEADINGS = ("In practice", "A quick test", "What to watch for", "One exception", "Storage")
LIST_ITEMS = (
    "{V} the {N} {T}",
    "keep the {Ns} {A}",
    "have a {S} ready",
    "write down what the {N} did",
    "ask {P} for a second opinion",
    "do not {V} the {Ns} twice",
)
ALT_GOOD = (
    "{A} {Ns} on a {S}",
    "a {A} {N} resting on the {S}",
    "{P} {Ving} {Ns} {T}",
    "close-up of a {A} {N} beside two {Ns}",
    "{Ns} lined up on the {S}, ready for the week",
)
GENERIC_TEXTS = ("click here", "read more", "here", "this link", "learn more")


def _compile(template: str) -> list[str]:
    """Split a template into literal and slot parts (odd indexes are slot names)."""
    return re.split(r"\{(\w+)\}", template)


_COMPILED: dict[str, list[str]] = {}


def _parts(template: str) -> list[str]:
    parts = _COMPILED.get(template)
    if parts is None:
        parts = _COMPILED[template] = _compile(template)
    return parts


class Writer:
    """Fills templates for one post: its topic, its complexity and its own random stream."""

    def __init__(self, rng: random.Random, topic: Topic, complexity: float) -> None:
        self.rng = rng
        self.topic = topic
        self.complexity = complexity
        c = rng.choice
        t = topic
        self.slots: dict[str, Callable[[], str]] = {
            "N": lambda: c(t.nouns),
            "N2": lambda: c(t.nouns),
            "Ns": lambda: c(t.plurals),
            "V": lambda: c(t.verbs)[0],
            "Vs": lambda: c(t.verbs)[1],
            "Ved": lambda: c(t.verbs)[2],
            "Ving": lambda: c(t.verbs)[3],
            "A": lambda: c(t.adjectives),
            "A2": lambda: c(t.adjectives),
            "AL": lambda: c(LONG_ADJECTIVES),
            "X": lambda: c(ABSTRACT),
            "T": lambda: c(TIMES),
            "P": lambda: c(t.people),
            "S": lambda: c(t.surfaces),
            "C": lambda: c(SIMPLE_CONNECTIVES),
            "CL": lambda: c(LONG_CONNECTIVES),
            "L": lambda: c(LOCATIONS),
            "W": lambda: c(COMMON_NOUNS),
        }

    def fill(self, template: str) -> str:
        parts = _parts(template)
        slots = self.slots
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(slots[parts[i]]())
            out.append(parts[i + 1])
        text = "".join(out)
        return text[0].upper() + text[1:]

    def sentence(self) -> str:
        r = self.rng.random()
        c = self.complexity
        pool: tuple[str, ...]
        if r < 0.05 + 0.65 * (1.0 - c):
            pool = SIMPLE
        elif r < 0.05 + 0.65 * (1.0 - c) + 0.3:
            pool = MEDIUM
        else:
            pool = LONG
        return self.fill(self.rng.choice(pool))

    def paragraph(self, sentences: int) -> tuple[str, int]:
        parts = [self.sentence() for _ in range(sentences)]
        text = " ".join(parts)
        return text, text.count(" ") + 1


def title_case(text: str) -> str:
    small = {"a", "an", "the", "to", "of", "and", "on", "in", "at", "by", "for", "from"}
    words = text.split(" ")
    return " ".join(
        w if (i and w in small) else (w[0].upper() + w[1:] if w else w) for i, w in enumerate(words)
    )


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- site model


@dataclass
class Post:
    index: int
    title: str
    slug: str
    date: dt.date
    topic: Topic
    url: str = ""
    path: str = ""  # file path relative to the output folder
    defects: list[str] = field(default_factory=list)


@dataclass
class Site:
    base_url: str
    theme: str
    posts: list[Post]

    @property
    def sitemap_url(self) -> str:
        return f"{self.base_url}/sitemap.xml"


def plan_site(posts: int, theme: str, base_url: str, seed: int) -> Site:
    """Titles, slugs, dates and URLs of every post (the cheap first pass)."""
    rng = random.Random(seed)
    start = dt.date(2014, 1, 6)
    seen: set[str] = set()
    out: list[Post] = []
    day = start
    for i in range(posts):
        topic = TOPICS[rng.randrange(len(TOPICS))]
        w = Writer(rng, topic, 0.5)
        title = title_case(w.fill(rng.choice(TITLES)))
        slug = slugify(title)
        if slug in seen:
            n = 2
            while f"{slug}-{n}" in seen:
                n += 1
            slug = f"{slug}-{n}"
        seen.add(slug)
        day = day + dt.timedelta(days=rng.choice((1, 2, 3)))
        post = Post(i, title, slug, day, topic)
        if theme == "light":
            post.path = f"{day:%Y/%m/%d}/{slug}.html"
            post.url = f"{base_url}/{post.path}"
        else:
            post.path = f"{day:%Y/%m}/{slug}/index.html"
            post.url = f"{base_url}/{day:%Y/%m}/{slug}/"
        out.append(post)
    return Site(base_url.rstrip("/"), theme, out)


# --------------------------------------------------------------------------- article body


@dataclass
class Article:
    html: str
    words: int
    description: str | None
    images: list[str]  # image srcs (for og:image)
    prev_url: str | None
    next_url: str | None


def _image(w: Writer, post: Post, k: int, kind: str) -> tuple[str, str]:
    rng = w.rng
    src = f"/assets/images/{post.date:%Y}/{post.slug}-{k}.jpg"
    if kind == "good":
        alt = f' alt="{html.escape(w.fill(rng.choice(ALT_GOOD)))}"'
    elif kind == "missing":
        alt = ""
    elif kind == "empty":
        alt = ' alt=""'
    elif kind == "filename":
        alt = f' alt="IMG_{rng.randrange(1000, 9999)}.jpg"'
    else:  # stuffed
        t = post.topic
        alt = (
            f' alt="{KEYPHRASE} {t.plurals[0]} best {KEYPHRASE} {LOCATIONS[0]} {KEYPHRASE} '
            f'{LOCATIONS[1]} {t.nouns[0]} {KEYPHRASE} recipes {LOCATIONS[0]}"'
        )
    width, height = rng.choice(((1200, 800), (1024, 768), (800, 1200), (1600, 900)))
    caption = w.fill(rng.choice(SIMPLE))
    return (
        f'<figure class="post-figure"><img src="{src}"{alt} width="{width}" '
        f'height="{height}" loading="lazy"><figcaption>{html.escape(caption)}</figcaption>'
        "</figure>\n",
        src,
    )


def _describe(intro: str) -> str:
    """The meta description: the intro's first sentences, cut at a word near 155 chars."""
    text = ""
    for sentence in intro.split(". "):
        text = f"{text} {sentence.rstrip('.')}." if text else f"{sentence.rstrip('.')}."
        if len(text) >= 80:
            break
    if len(text) > 155:
        text = text[:150].rsplit(" ", 1)[0] + "…"
    return text


def write_article(site: Site, post: Post, rng: random.Random) -> Article:
    """The post body: intro, 4-7 sections, images, lists and links, plus the defects."""
    complexity = rng.random() ** 1.5
    w = Writer(rng, post.topic, complexity)
    posts = site.posts
    target = rng.randint(1230, 1760)
    n_sections = rng.randint(4, 7)
    n_images = rng.randint(3, 5)
    image_kinds = [
        rng.choices(("good", "missing", "empty", "filename", "stuffed"), (76, 10, 5, 4, 5))[0]
        for _ in range(n_images)
    ]
    skip_level = rng.random() < 0.1
    generic_link = rng.random() < 0.1
    broken_link = post.index % 97 == 13
    long_paragraph = rng.random() < 0.06
    mention_keyphrase = rng.random() < 0.55
    mention_location = rng.random() < 0.4
    if skip_level:
        post.defects.append("skipped-heading-level")
    if generic_link:
        post.defects.append("generic-link-text")
    if broken_link:
        post.defects.append("broken-internal-link")
    if long_paragraph:
        post.defects.append("long-paragraph")
    for kind in image_kinds:
        if kind != "good":
            post.defects.append(f"image-alt-{kind}")

    out: list[str] = []
    words = 0
    images: list[str] = []
    intro, n = w.paragraph(rng.randint(3, 5))
    if mention_keyphrase:
        intro = f"{intro} {w.fill(rng.choice(KEYPHRASE_SENTENCES))}"
        n += 10
    description: str | None = _describe(intro)
    out.append(f"<p>{intro}</p>\n")
    words += n
    per_section = (target - words) / n_sections
    image_at = sorted(rng.sample(range(n_sections * 3), n_images))
    slot = 0
    link_sections = set(rng.sample(range(n_sections), min(n_sections, rng.randint(2, 4))))
    for s in range(n_sections):
        out.append(f"<h2>{html.escape(w.fill(rng.choice(HEADINGS)))}</h2>\n")
        words += 4
        section_words = 0.0
        sub_done = False
        while section_words < per_section and words < target:
            if slot in image_at and images is not None:
                fig, src = _image(w, post, len(images) + 1, image_kinds[len(images)])
                out.append(fig)
                images.append(src)
            slot += 1
            roll = rng.random()
            if roll < 0.08:
                items = "".join(
                    f"<li>{html.escape(w.fill(rng.choice(LIST_ITEMS)))}</li>"
                    for _ in range(rng.randint(3, 6))
                )
                out.append(f"<ul>{items}</ul>\n")
                section_words += 20
                words += 20
                continue
            if not sub_done and section_words > per_section / 2 and rng.random() < 0.6:
                level = 4 if skip_level and s == 1 else 3
                out.append(f"<h{level}>{rng.choice(SUBHEADINGS)}</h{level}>\n")
                sub_done = True
            count = rng.randint(2, 6)
            if long_paragraph and s == 2 and section_words == 0:
                count = 14
            text, n = w.paragraph(count)
            if mention_location and rng.random() < 0.15:
                text = f"{text} {w.fill(rng.choice(LOCATION_SENTENCES))}"
                n += 12
            if s in link_sections and section_words == 0:
                other = posts[rng.randrange(len(posts))]
                if broken_link and s == min(link_sections):
                    href = f"{site.base_url}/{post.date:%Y}/01/a-post-that-was-deleted/"
                    label = "an older post about this"
                elif generic_link and s == max(link_sections):
                    href = other.url
                    label = rng.choice(GENERIC_TEXTS)
                else:
                    href = other.url
                    label = html.escape(other.title.lower())
                text = f'{text} I wrote about this before in <a href="{href}">{label}</a>.'
                n += 8
            out.append(f"<p>{text}</p>\n")
            section_words += n
            words += n
    while len(images) < n_images:
        fig, src = _image(w, post, len(images) + 1, image_kinds[len(images)])
        out.append(fig)
        images.append(src)
    if mention_location:
        out.append(f"<p>{w.fill(rng.choice(LOCATION_SENTENCES))}</p>\n")
    out.append(
        f'<p>Find more like this in the <a href="{site.base_url}/">{SITE_NAME} archive</a>, '
        'or write to me at <a href="https://example.org/contact">the contact page</a>.</p>\n'
    )

    i = post.index
    prev_url = posts[i - 1].url if i > 0 else None
    next_url = posts[i + 1].url if i + 1 < len(posts) else None
    # Planted pagination breaks (about 2% of posts): a skip, a dead link, a missing side.
    breaker = rng.random()
    if 0 < i < len(posts) - 2 and breaker < 0.007:
        next_url = posts[i + 2].url
        post.defects.append("pagination-not-reciprocal")
    elif 0 < i < len(posts) - 1 and breaker < 0.014:
        prev_url = f"{site.base_url}/{post.date:%Y/%m}/draft-{post.slug}/"
        if site.theme == "light":
            prev_url = prev_url.rstrip("/") + ".html"
        post.defects.append("pagination-broken-link")
    elif 0 < i < len(posts) - 1 and breaker < 0.02:
        next_url = None
        post.defects.append("pagination-missing-next")
    if rng.random() < 0.05:
        description = None
        post.defects.append("missing-description")
    return Article("".join(out), words, description, images, prev_url, next_url)


def page_title(post: Post, rng: random.Random) -> str:
    title = f"{post.title} | {SITE_NAME}"
    if rng.random() < 0.04:
        post.defects.append("long-title")
        title = (
            f"{post.title}: A Complete, Honest and Thoroughly Tested Guide for Busy Home Cooks "
            f"| {SITE_NAME}"
        )
    return title


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- light theme


def render_light(site: Site, post: Post, rng: random.Random) -> str:
    art = write_article(site, post, rng)
    title = page_title(post, rng)
    posts = site.posts
    desc = (
        f'<meta name="description" content="{_esc(art.description)}">\n'
        f'<meta property="og:description" content="{_esc(art.description)}">\n'
        if art.description
        else ""
    )
    iso = post.date.isoformat()

    by_url = {p.url: p for p in posts[max(0, post.index - 3) : post.index + 3]}

    def pager(url: str | None, label: str) -> str:
        if url is None:
            return f'<a href="#" class="pagination--pager disabled">{label}</a>'
        target = by_url.get(url)
        name = _esc(target.title) if target else label
        return f'<a href="{url}" class="pagination--pager" title="{name}">{label}</a>'

    related = [posts[(post.index + k * 37) % len(posts)] for k in (1, 2, 3)]
    related_html = "".join(
        f'<li><a href="{p.url}" rel="permalink">{_esc(p.title)}</a></li>' for p in related
    )
    return f"""<!doctype html>
<html lang="en" class="no-js">
<head>
<meta charset="utf-8">
<title>{_esc(title)}</title>
{desc}<meta name="author" content="Rowan Ellery">
<meta property="og:type" content="article">
<meta property="og:locale" content="en_GB">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{_esc(post.title)}">
<meta property="og:url" content="{post.url}">
<meta property="og:image" content="{site.base_url}{art.images[0]}">
<meta property="article:published_time" content="{iso}T08:00:00+00:00">
<link rel="canonical" href="{post.url}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"BlogPosting","headline":{json.dumps(post.title)},"datePublished":"{iso}","author":{{"@type":"Person","name":"Rowan Ellery"}}}}</script>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script>document.documentElement.className = document.documentElement.className.replace(/\\bno-js\\b/g, '') + ' js ';</script>
<link rel="stylesheet" href="/assets/css/main.css">
<link rel="alternate" type="application/atom+xml" href="/feed.xml" title="{SITE_NAME} Feed">
</head>
<body class="layout--single">
<nav class="skip-links"><ul><li><a href="#site-nav" class="screen-reader-shortcut">Skip to primary navigation</a></li><li><a href="#main" class="screen-reader-shortcut">Skip to content</a></li></ul></nav>
<div class="masthead"><div class="masthead__inner-wrap"><div class="masthead__menu">
<nav id="site-nav" class="greedy-nav"><a class="site-title" href="/">{SITE_NAME}</a>
<ul class="visible-links"><li class="masthead__menu-item"><a href="/about/">About</a></li><li class="masthead__menu-item"><a href="/recipes/">Recipes</a></li><li class="masthead__menu-item"><a href="/archive/">Archive</a></li></ul>
</nav></div></div></div>
<div class="initial-content">
<div id="main" role="main">
<article class="page" itemscope itemtype="https://schema.org/CreativeWork">
<meta itemprop="headline" content="{_esc(post.title)}">
<div class="page__inner-wrap">
<header><h1 id="page-title" class="page__title" itemprop="headline">{_esc(post.title)}</h1>
<p class="page__meta"><time datetime="{iso}">{post.date:%B %-d, %Y}</time></p></header>
<section class="page__content" itemprop="text">
{art.html}</section>
<footer class="page__meta"><p class="page__taxonomy"><strong>Categories: </strong><a href="/categories/#{post.topic.name}" class="page__taxonomy-item" rel="tag">{post.topic.name}</a></p></footer>
<nav class="pagination">
{pager(art.prev_url, "Previous")}
{pager(art.next_url, "Next")}
</nav>
</div>
</article>
<div class="page__related"><h2 class="page__related-title">You may also enjoy</h2><ul>{related_html}</ul></div>
</div>
</div>
<div id="footer" class="page__footer"><footer>
<div class="page__footer-follow"><ul class="social-icons"><li><strong>Follow:</strong></li><li><a href="/feed.xml">Feed</a></li></ul></div>
<div class="page__footer-copyright">&copy; {post.date.year} {SITE_NAME}. Powered by Jekyll.</div>
</footer></div>
<script src="/assets/js/main.min.js"></script>
</body>
</html>
"""


# --------------------------------------------------------------------------- heavy theme


@dataclass(frozen=True)
class HeavyChrome:
    styles: str
    nav: str
    widgets: str
    footer: str
    scripts_head: str
    scripts_foot: str
    state_items: tuple[str, ...]


def _svg(rng: random.Random, name: str) -> str:
    points = " ".join(f"{rng.randint(0, 24)}.{rng.randint(0, 99)}" for _ in range(40))
    return (
        f'<svg class="svg-icon icon-{name}" aria-hidden="true" role="img" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<path fill="currentColor" d="M{points}z"></path></svg>'
    )


def build_heavy_chrome(site: Site, seed: int) -> HeavyChrome:
    """Site-wide WordPress-like chrome, built once (pages add their own parts)."""
    rng = random.Random(seed * 7919 + 3)
    colors = [f"#{rng.randrange(0x1000000):06x}" for _ in range(40)]
    names = [
        "paragraph",
        "heading",
        "image",
        "gallery",
        "quote",
        "list",
        "button",
        "columns",
        "group",
        "cover",
        "separator",
        "spacer",
        "table",
        "embed",
        "navigation",
        "search",
        "social-links",
        "site-title",
        "post-title",
        "post-date",
        "latest-posts",
        "code",
    ]
    css = [":root{"]
    css += [f"--wp--preset--color--c{i}:{c};" for i, c in enumerate(colors)]
    css += [f"--wp--preset--font-size--s{i}:{0.75 + i * 0.125:.3f}rem;" for i in range(12)]
    css.append("}\n")
    for name in names:
        for variant in ("", "__inner", "-is-style-outline", ":hover"):
            props = ";".join(
                f"{p}:{rng.randint(0, 48)}px"
                for p in rng.sample(
                    (
                        "margin-top",
                        "margin-bottom",
                        "padding-left",
                        "padding-right",
                        "gap",
                        "border-radius",
                        "max-width",
                        "line-height",
                    ),
                    4,
                )
            )
            css.append(
                f".wp-block-{name}{variant}{{{props};color:var(--wp--preset--color--c{rng.randrange(40)})}}\n"
            )
    for i in range(40):
        css.append(
            f".has-c{i}-color{{color:var(--wp--preset--color--c{i}) !important}}"
            f".has-c{i}-background-color{{background-color:var(--wp--preset--color--c{i}) !important}}\n"
        )
    styles = (
        '<style id="global-styles-inline-css">\n' + "".join(css) + "</style>\n"
        '<style id="wp-emoji-styles-inline-css">img.wp-smiley,img.emoji{display:inline !important;'
        "border:none !important;box-shadow:none !important;height:1em !important;width:1em !important;"
        "margin:0 .07em !important;vertical-align:-.1em !important;background:none !important;"
        "padding:0 !important}</style>\n"
    )
    sections = ("Recipes", "Garden", "Preserving", "Soups", "Markets", "Kitchen", "About", "Shop")
    nav = [
        '<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu">'
        '<div class="menu-button-container"><button id="primary-mobile-menu" class="button" '
        'aria-controls="primary-menu-list" aria-expanded="false"><span class="dropdown-icon open">Menu '
        + _svg(rng, "menu")
        + "</span></button></div>"
        '<div class="primary-menu-container"><ul id="primary-menu-list" class="menu-wrapper">'
    ]
    item = 100
    for sec in sections:
        item += 1
        nav.append(
            f'<li id="menu-item-{item}" class="menu-item menu-item-type-taxonomy menu-item-object-category '
            f'menu-item-has-children menu-item-{item}"><a href="/category/{sec.lower()}/">{sec}</a>'
            f'<button class="sub-menu-toggle" aria-expanded="false" onclick="twentytwentyoneExpandSubMenu(this)">'
            f'<span class="icon-plus">{_svg(rng, "plus")}</span><span class="screen-reader-text">Open menu</span></button>'
            '<ul class="sub-menu">'
        )
        for k in range(rng.randint(6, 10)):
            item += 1
            topic = rng.choice(TOPICS)
            label = title_case(f"{rng.choice(topic.adjectives)} {rng.choice(topic.plurals)}")
            nav.append(
                f'<li id="menu-item-{item}" class="menu-item menu-item-type-post_type menu-item-object-page '
                f'menu-item-{item}"><a href="/category/{sec.lower()}/{slugify(label)}-{k}/">{label}</a></li>'
            )
        nav.append("</ul></li>")
    nav.append("</ul></div></nav>\n")
    archives = "".join(
        f'<li><a href="/{y}/{m:02d}/">{dt.date(y, m, 1):%B %Y}</a></li>'
        for y in range(2016, 2014, -1)
        for m in range(12, 0, -1)
    )
    categories = "".join(
        f'<li class="cat-item cat-item-{i}"><a href="/category/{t.name}/">{t.name.title()}</a> ({rng.randint(20, 400)})</li>'
        for i, t in enumerate(TOPICS)
    )
    tags = "".join(
        f'<a href="/tag/{slugify(w)}/" class="tag-cloud-link tag-link-{i} tag-link-position-{i}" '
        f'style="font-size: {rng.uniform(8, 22):.1f}pt;" aria-label="{w} ({rng.randint(1, 90)} items)">{w}</a>\n'
        for i, w in enumerate(sorted({w for t in TOPICS for w in t.plurals}))
    )
    widgets = (
        '<section id="search-2" class="widget widget_search"><form role="search" method="get" '
        'class="search-form" action="/"><label for="search-form-1">Search…</label>'
        '<input type="search" id="search-form-1" class="search-field" value="" name="s">'
        '<input type="submit" class="search-submit" value="Search"></form></section>'
        f'<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><nav aria-label="Archives"><ul>{archives}</ul></nav></section>'
        f'<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><nav aria-label="Categories"><ul>{categories}</ul></nav></section>'
        f'<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{tags}</div></section>'
    )
    social = "".join(
        f'<li class="menu-item"><a href="https://{n}.example.com/thelongtable">{_svg(rng, n)}'
        f'<span class="screen-reader-text">{n.title()}</span></a></li>'
        for n in ("facebook", "instagram", "pinterest", "youtube", "mastodon")
    )
    footer_links = "".join(
        f'<li class="menu-item"><a href="/{slugify(s)}/">{s}</a></li>'
        for s in (
            "About",
            "Contact",
            "Privacy Policy",
            "Cookie Policy",
            "Accessibility",
            "Recipe Index",
            "Newsletter",
            "Work With Me",
            "Press",
            "Shop",
        )
    )
    footer = (
        '<footer id="colophon" class="site-footer"><aside class="widget-area">'
        '<section class="widget widget_text"><h2 class="widget-title">About the blog</h2><div class="textwidget">'
        f"<p>{SITE_NAME} is a small blog about cooking, growing and keeping food at home.</p></div></section>"
        '</aside><nav aria-label="Secondary menu" class="footer-navigation"><ul class="footer-navigation-wrapper">'
        f"{footer_links}</ul></nav>"
        f'<nav aria-label="Social links menu" class="social-navigation"><ul>{social}</ul></nav>'
        f'<div class="site-info"><div class="site-name"><a href="/">{SITE_NAME}</a></div>'
        '<div class="powered-by">Proudly powered by <a href="https://wordpress.org/">WordPress</a>.</div></div></footer>\n'
    )
    emoji = "".join(f"\\u{rng.randrange(0x2600, 0x27BF):04x}" for _ in range(300))
    scripts_head = (
        '<script id="wp-emoji-settings" type="text/javascript">window._wpemojiSettings = '
        '{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/","ext":".png",'
        '"svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/","svgExt":".svg",'
        f'"source":{{"concatemoji":"\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.5"}},"sample":"{emoji}"}};\n'
        "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
        "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,"
        "e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,"
        "e.canvas.height).data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),"
        "new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t)"
        "{return e===r[t]})}}(window,document);</script>\n"
        + "".join(
            f'<link rel="stylesheet" id="{n}-css" href="/wp-content/plugins/{n}/style.min.css?ver=6.5" media="all">\n'
            for n in (
                "wp-block-library",
                "classic-theme",
                "twenty-twenty-one",
                "jetpack",
                "recipe-card",
                "cookie-notice",
            )
        )
        + '<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>\n'
    )
    scripts_foot = (
        '<script>document.body.classList.remove("no-js");</script>\n'
        "<script>if(-1!==navigator.userAgent.indexOf('MSIE')||-1!==navigator.appVersion.indexOf('Trident/'))"
        "{document.body.classList.add('is-IE')}</script>\n"
        '<script id="twenty-twenty-one-ie11-polyfills-js-after">( Element.prototype.matches && Element.prototype.closest '
        "&& window.NodeList && NodeList.prototype.forEach ) || document.write( '<script src=\"/wp-content/themes/"
        "twentytwentyone/assets/js/polyfills.js?ver=2.2'></scr' + 'ipt>' );</script>\n"
        + "".join(
            f'<script src="/wp-content/plugins/{n}/script.min.js?ver=6.5" id="{n}-js"></script>\n'
            for n in (
                "twenty-twenty-one-primary-navigation",
                "twenty-twenty-one-responsive-embeds",
                "jetpack-stats",
                "recipe-card",
                "cookie-notice",
            )
        )
    )
    items = []
    for k in range(800):
        topic = rng.choice(TOPICS)
        items.append(
            json.dumps(
                {
                    "id": 1000 + k,
                    "type": rng.choice(("block", "widget", "ad-slot", "product", "recipe")),
                    "title": title_case(
                        f"{rng.choice(topic.adjectives)} {rng.choice(topic.plurals)}"
                    ),
                    "slug": f"{rng.choice(topic.nouns).replace(' ', '-')}-{k}",
                    "attrs": {
                        "align": rng.choice(("wide", "full", "center", "")),
                        "className": f"is-style-{rng.choice(('default', 'rounded', 'outline'))}",
                        "anchor": "",
                        "lock": {"move": False, "remove": rng.random() < 0.5},
                        "style": {
                            "spacing": {
                                "padding": {
                                    s: f"{rng.randint(0, 4)}rem"
                                    for s in ("top", "right", "bottom", "left")
                                }
                            }
                        },
                    },
                    "tracking": "".join(rng.choice("abcdef0123456789") for _ in range(32)),
                },
                separators=(",", ":"),
            )
        )
    return HeavyChrome(
        styles, "".join(nav), widgets, footer, scripts_head, scripts_foot, tuple(items)
    )


def _comments(w: Writer, rng: random.Random, post: Post) -> str:
    n = rng.choice((0, 0, 1, 2, 3, 4, 6, 9, 12))
    if not n:
        return '<div id="comments" class="comments-area default-max-width"><p class="no-comments">Comments are closed.</p></div>'
    out = [
        f'<div id="comments" class="comments-area default-max-width show-avatars"><h2 class="comments-title">{n} comments on &ldquo;{_esc(post.title)}&rdquo;</h2><ol class="comment-list">'
    ]
    for k in range(n):
        cid = post.index * 100 + k
        name = rng.choice(("Mara", "Tobias", "Ines", "Joel", "Priya", "Colm", "Hedda", "Sam"))
        text, _ = w.paragraph(rng.randint(1, 3))
        out.append(
            f'<li id="comment-{cid}" class="comment even thread-even depth-1"><article id="div-comment-{cid}" class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard"><img alt="" src="/avatars/{cid % 50}.png" '
            f'class="avatar avatar-60 photo" height="60" width="60" loading="lazy" decoding="async">'
            f'<b class="fn">{name}</b> <span class="says">says:</span></div><div class="comment-metadata">'
            f'<a href="{post.url}#comment-{cid}"><time datetime="{post.date.isoformat()}T12:{k:02d}:00+00:00">'
            f"{post.date:%B %-d, %Y} at 12:{k:02d} pm</time></a></div></footer>"
            f'<div class="comment-content"><p>{text}</p></div><div class="reply">'
            f'<a rel="nofollow" class="comment-reply-link" href="#comment-{cid}" aria-label="Reply to {name}">Reply</a></div>'
            "</article></li>"
        )
    out.append("</ol></div>")
    return "".join(out)


def render_heavy(site: Site, post: Post, rng: random.Random, chrome: HeavyChrome) -> str:
    art = write_article(site, post, rng)
    title = page_title(post, rng)
    posts = site.posts
    by_url = {p.url: p for p in posts[max(0, post.index - 3) : post.index + 3]}
    w = Writer(rng, post.topic, 0.3)
    iso = post.date.isoformat()
    desc = (
        f'<meta name="description" content="{_esc(art.description)}">\n'
        f'<meta property="og:description" content="{_esc(art.description)}">\n'
        f'<meta name="twitter:description" content="{_esc(art.description)}">\n'
        if art.description
        else ""
    )
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": f"{post.url}#article",
                "headline": post.title,
                "datePublished": f"{iso}T08:00:00+00:00",
                "wordCount": art.words,
                "articleSection": [post.topic.name],
                "author": {"name": "Rowan Ellery", "@id": f"{site.base_url}/#/schema/person/1"},
            },
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": 1,
                        "name": "Home",
                        "item": site.base_url + "/",
                    },
                    {"@type": "ListItem", "position": 2, "name": post.title},
                ],
            },
            {"@type": "WebSite", "@id": f"{site.base_url}/#website", "name": SITE_NAME},
        ],
    }

    def nav_side(url: str | None, side: str, label: str) -> str:
        if url is None:
            return ""
        target = by_url.get(url)
        name = _esc(target.title) if target else "An older draft"
        return (
            f'<div class="nav-{side}"><a href="{url}" rel="{side[:4]}"><p class="meta-nav">'
            f'{_svg(rng, "arrow")}{label}</p><p class="post-title">{name}</p></a></div>'
        )

    recent = "".join(
        f'<li><a href="{p.url}">{_esc(p.title)}</a><span class="post-date">{p.date:%B %-d, %Y}</span></li>'
        for p in posts[max(0, post.index - 6) : post.index]
    )
    target_size = rng.randint(60_000, 148_000)
    head = f"""<!doctype html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
{desc}<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
<link rel="canonical" href="{post.url}">
<meta property="og:locale" content="en_GB">
<meta property="og:type" content="article">
<meta property="og:title" content="{_esc(post.title)}">
<meta property="og:url" content="{post.url}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="article:published_time" content="{iso}T08:00:00+00:00">
<meta property="og:image" content="{site.base_url}{art.images[0]}">
<meta name="twitter:card" content="summary_large_image">
<meta name="generator" content="WordPress 6.5">
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph, separators=(",", ":"))}</script>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{site.base_url}/feed/">
<link rel="https://api.w.org/" href="{site.base_url}/wp-json/">
<link rel="shortlink" href="{site.base_url}/?p={post.index + 1000}">
{chrome.scripts_head}{chrome.styles}</head>
<body class="post-template-default single single-post postid-{post.index + 1000} single-format-standard wp-embed-responsive is-light-theme no-js singular has-main-navigation">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header has-title-and-tagline has-menu">
<div class="site-branding"><p class="site-title"><a href="{site.base_url}/">{SITE_NAME}</a></p>
<p class="site-description">Cooking, growing and keeping food at home</p></div>
{chrome.nav}</header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{post.index + 1000}" class="post-{post.index + 1000} post type-post status-publish format-standard has-post-thumbnail hentry category-{post.topic.name} entry">
<header class="entry-header alignwide"><h1 class="entry-title">{_esc(post.title)}</h1>
<div class="post-taxonomies"><span class="cat-links">Categorized as <a href="/category/{post.topic.name}/" rel="category tag">{post.topic.name.title()}</a></span></div></header>
<div class="entry-content">
{art.html}</div>
<footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">Published <time class="entry-date published updated" datetime="{iso}T08:00:00+00:00">{post.date:%B %-d, %Y}</time></span><span class="byline">By <a href="/author/rowan/" rel="author">Rowan Ellery</a></span></div></footer>
<div class="author-bio show-avatars"><img alt="" src="/avatars/rowan.png" class="avatar avatar-85 photo" height="85" width="85" loading="lazy"><div class="author-bio-content"><h2 class="author-title">By Rowan Ellery</h2><p class="author-description">Rowan cooks, grows and preserves food in a small terraced house.</p><a class="author-link" href="/author/rowan/" rel="author">View all of Rowan Ellery's posts.</a></div></div>
</article>
{_comments(w, rng, post)}
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{nav_side(art.prev_url, "previous", "Previous post")}{nav_side(art.next_url, "next", "Next post")}</div></nav>
</main></div></div>
<aside class="widget-area">{chrome.widgets}<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><nav aria-label="Recent Posts"><ul>{recent}</ul></nav></section></aside>
{chrome.footer}</div>
{chrome.scripts_foot}"""
    room = target_size - len(head) - 200
    state: list[str] = []
    size = 0
    k = rng.randrange(len(chrome.state_items))
    while size < room:
        item = chrome.state_items[k % len(chrome.state_items)]
        state.append(item)
        size += len(item) + 1
        k += 1
    blob = ",".join(state)
    return (
        f'{head}<script id="wp-page-state">window.__PAGE_STATE__ = {{"post":{post.index + 1000},'
        f'"blocks":[{blob}]}};</script>\n</body>\n</html>\n'
    )


# --------------------------------------------------------------------------- sitemaps


def _urlset(posts: Sequence[Post]) -> str:
    rows = "".join(
        f"<url><loc>{_esc(p.url)}</loc><lastmod>{p.date.isoformat()}</lastmod></url>\n"
        for p in posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n"
    )


def write_sitemaps(site: Site, out: Path) -> None:
    half = (len(site.posts) + 1) // 2
    first, second = site.posts[:half], site.posts[half:]
    (out / "sitemap-posts-1.xml").write_text(_urlset(first), encoding="utf-8")
    with (
        open(out / "sitemap-posts-2.xml.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        gz.write(_urlset(second).encode("utf-8"))
    last1 = first[-1].date.isoformat() if first else "2014-01-01"
    last2 = second[-1].date.isoformat() if second else last1
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{site.base_url}/sitemap-posts-1.xml</loc><lastmod>{last1}</lastmod></sitemap>\n"
        f"<sitemap><loc>{site.base_url}/sitemap-posts-2.xml.gz</loc><lastmod>{last2}</lastmod></sitemap>\n"
        "</sitemapindex>\n",
        encoding="utf-8",
    )
    (out / "robots.txt").write_text(
        "User-agent: *\nDisallow: /wp-admin/\nDisallow: /drafts/\n\n"
        f"Sitemap: {site.base_url}/sitemap.xml\n",
        encoding="utf-8",
    )


def write_home(site: Site, out: Path) -> None:
    latest = "".join(
        f'<li><a href="{p.url}">{_esc(p.title)}</a> <time>{p.date.isoformat()}</time></li>\n'
        for p in reversed(site.posts[-20:])
    )
    (out / "index.html").write_text(
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{SITE_NAME}</title>'
        f'<meta name="description" content="Cooking, growing and keeping food at home."></head>'
        f"<body><main><h1>{SITE_NAME}</h1><ul>\n{latest}</ul></main></body></html>\n",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- entry point


def generate(
    out: Path,
    *,
    posts: int = 1000,
    theme: str = "light",
    base_url: str = "http://127.0.0.1:8000",
    seed: int = 1,
) -> Site:
    """Write the site into `out` (created if needed) and return its plan."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
    if posts < 1:
        raise ValueError("posts must be at least 1")
    site = plan_site(posts, theme, base_url.rstrip("/"), seed)
    out.mkdir(parents=True, exist_ok=True)
    chrome = build_heavy_chrome(site, seed) if theme == "heavy" else None
    made: set[Path] = set()
    for post in site.posts:
        rng = random.Random(seed * 1_000_003 + post.index)
        if chrome is None:
            body = render_light(site, post, rng)
        else:
            body = render_heavy(site, post, rng, chrome)
        path = out / post.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(body, encoding="utf-8")
    write_sitemaps(site, out)
    write_home(site, out)
    manifest = {
        "theme": theme,
        "posts": posts,
        "seed": seed,
        "base_url": site.base_url,
        "sitemap": site.sitemap_url,
        "keyphrase": KEYPHRASE,
        "locations": list(LOCATIONS),
        "pages": [{"url": p.url, "path": p.path, "defects": p.defects} for p in site.posts],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (created if missing)")
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--theme", choices=THEMES, default="light")
    parser.add_argument(
        "--base-url",
        default="http://127.0.0.1:8000",
        help="origin the site will be served at (absolute URLs in pages and sitemaps)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    site = generate(
        args.out, posts=args.posts, theme=args.theme, base_url=args.base_url, seed=args.seed
    )
    took = time.perf_counter() - start
    sizes = [(args.out / p.path).stat().st_size for p in site.posts]
    print(
        f"{len(site.posts)} {args.theme} posts in {args.out} ({took:.1f} s); page size "
        f"{min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB, mean {sum(sizes) / len(sizes) / 1024:.0f} KB; "
        f"sitemap {site.sitemap_url}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
