"""Readability (`R`): can the intended reader get through the article's prose?

What is measured is the article's prose only, sentences: paragraphs, list items
written as sentences (each one a sentence) and quotes; not headings, navigation,
captions, photo credits, code (code written as plain paragraphs included: R310 reports
it), list items that are fragments, tables, bylines, author boxes or alt text.
Figures come from
textstat in the page language (`<html lang>`, overridden by `--lang`; English when
neither is given), computed offline (syllables from the CMU dictionary). A language textstat has no
formulas for is not scored; the readability facts say so (`not_scored`): a note about
the tool, not a finding (R309 readability-language-unsupported, retired). Prose that is
clearly in another language than the one measured in (a French post under a theme's
`lang="en"`) is not scored either: the formulas (R301-R303) do
not apply, the facts say why (and leave out the English-only passive share), and
`html-lang-mismatch` (M614) reports the wrong declaration; the word counts (R304, R305,
R307, R308) still apply. Thresholds start from
Yoast's readability bands (see each rule). textstat, NLTK and the CMU dictionary are
loaded only when a rule of this family runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from postaudit.measure.prose import looks_like_code
from postaudit.measure.textstats import Measurement, measure
from postaudit.measure.textstats import facts as measurement_facts
from postaudit.measure.wordcount import has_wide
from postaudit.model import Category, Hit, Location, Severity
from postaudit.parse.page import Block, Page
from postaudit.rules.base import Options, rule


def _measured(page: Page, options: Options) -> Measurement:
    return measure(page.blocks, options.get("lang"), page.lang)


def _has_words(page: Page, options: Options) -> bool:
    """A formula applies from `min_words` words of prose in a supported language."""
    m = _measured(page, options)
    return m.scored and m.words > 0 and m.words >= int(options.get("min_words", 1))


def _english(page: Page, options: Options) -> bool:
    m = _measured(page, options)
    return m.english and m.scored and len(m.sentences) > 0


def _english_with_words(page: Page, options: Options) -> bool:
    return _english(page, options) and _has_words(page, options)


def _article_location(page: Page, m: Measurement) -> Location:
    if m.prose.blocks:
        first = m.prose.blocks[0].location
        return Location(first.selector, first.line, first.excerpt)
    return page.locate("html")


def _lang_note(m: Measurement) -> str:
    if m.lang_source == "option":
        return f" (measured as {m.lang!r}, from --lang)"
    if m.lang_source == "default":
        return " (measured as English: the page declares no language)"
    return ""


@rule(
    code="R301",
    name="reading-ease",
    category=Category.READABILITY,
    title="The article is fairly easy to read (Flesch Reading Ease 60+)",
    fix="shorten sentences and prefer short, common words; aim for one idea per sentence",
    severity=Severity.INFO,  # a suggestion: an ease band fits general prose, not every audience (was warning)
    weight=2,
    defaults={"min_score": 0, "min_words": 100, "very_difficult": 30},
    applies=lambda page, options: float(options["min_score"]) > 0 and _has_words(page, options),
)
def reading_ease(page: Page, options: Options) -> Iterator[Hit]:
    """The article's Flesch Reading Ease is at least `min_score`, the target you set
    for your readers (60 is "plain English", readable by 13-15-year-olds, Yoast's
    target for a general audience). Off until a target is set (`min_score` 0): an
    ease band fits the audience it was made for, and on the real-page corpus (mostly
    specialist write-ups) 9 of its 12 findings at 60 were judged not to fit the page.
    Under 30 the prose is very difficult for anyone, and R302 says so by default.

    Flesch Reading Ease (0-100, higher is easier) weighs sentence length and
    syllables per word; textstat applies the page language's own constants (German,
    Spanish, French, Italian, Dutch, Russian, Hungarian). Yoast's old Flesch check
    rated 60+ good, 30-60 orange and under 30 red; postaudit splits that into this
    warning and `reading-ease-very-difficult` (R302, under `very_difficult`,
    default 30). The two are bands of one scale: a page under 30 is reported once,
    by R302, not by both (one fact, "the prose is hard", one finding); set
    `very_difficult` to -100 to have R301 report every score under `min_score`.

    Like R302 and R303 it applies from `min_words` words of prose (default 100:
    Flesch normed his formula on 100-word samples; on a few lines it swings
    wildly).

    Grade levels (R303) are judged only against a target the user sets, so a hard
    page is not reported a third time.

    Fails: with min_score = 60, 30-word sentences full of three-syllable terms (FRE 35)
    Passes: short sentences in everyday words (FRE 65); a page under 30 (R302 reports it)
    Options: min_score (0: off; 60 for a general audience), min_words (100), very_difficult (30)
    """
    m = _measured(page, options)
    score = m.figures.get("flesch_reading_ease")
    limit = float(options["min_score"])
    if score is not None and float(options["very_difficult"]) <= score < limit:
        yield Hit(
            f"Flesch Reading Ease is {score:.0f}; aim for {limit:g} or more{_lang_note(m)}",
            _article_location(page, m),
            score=max(0.0, min(1.0, score / limit)),
            key="article",
        )


@rule(
    code="R302",
    name="reading-ease-very-difficult",
    category=Category.READABILITY,
    title="The article is not very difficult to read (Flesch Reading Ease 30+)",
    fix="split long sentences and replace jargon; a score under 30 reads like an academic paper",
    severity=Severity.WARNING,  # a score is never a certain failure (was error)
    weight=2,
    defaults={"min_score": 30, "min_words": 100},
    applies=_has_words,
)
def reading_ease_very_difficult(page: Page, options: Options) -> Iterator[Hit]:
    """The article's Flesch Reading Ease is at least `min_score` (default 30).

    Under 30 is "very difficult", the band of academic papers and legal text
    (Flesch's own scale; Yoast's old check rated it red). See `reading-ease` (R301)
    for the band above; a page is reported by one of the two, not both.

    Fails: an article written in 40-word sentences of technical terms (FRE 20)
    Passes: an article with FRE 45 (R301 reports it instead)
    Options: min_score (30), min_words (100)
    """
    m = _measured(page, options)
    score = m.figures.get("flesch_reading_ease")
    limit = float(options["min_score"])
    if score is not None and score < limit:
        yield Hit(
            f"Flesch Reading Ease is {score:.0f}: very difficult; aim for {limit:g} or more"
            f"{_lang_note(m)}",
            _article_location(page, m),
            key="article",
        )


_GRADE_FORMULAS = {
    "flesch_kincaid": "flesch_kincaid_grade",
    "consensus": "text_standard",
    "gunning_fog": "gunning_fog",
    "smog": "smog_index",
    "coleman_liau": "coleman_liau_index",
}


@rule(
    code="R303",
    name="grade-level",
    category=Category.READABILITY,
    title="The article reads at or below the target school grade",
    fix="aim for shorter sentences and fewer long words until the grade reaches the target",
    severity=Severity.WARNING,
    defaults={"max_grade": 0, "formula": "flesch_kincaid", "min_words": 100},
    applies=lambda page, options: (
        float(options.get("max_grade", 0)) > 0 and _english_with_words(page, options)
    ),
)
def grade_level(page: Page, options: Options) -> Iterator[Hit]:
    """The article's US school grade is at most `max_grade`: judged only when the
    project sets one above 0 (`--rule-option grade-level.max_grade=9`, or in the config).

    By default the rule does not apply: a grade level restates what Flesch Reading
    Ease (R301/R302) already reports ("the prose is hard"), and one problem gets one
    finding. A grade target is the audience's, and only the editor knows it (grade
    8-9 for a general audience, higher for a technical one).

    `formula` picks the grade: "flesch_kincaid" (default; the one word processors
    show), "consensus" (textstat's text_standard, the rounded agreement of several
    formulas), "gunning_fog", "smog" or "coleman_liau". Grade formulas are normed
    on English, so the rule applies to English articles only. Yoast has no grade
    check; grade 9 is the common target for a general audience (plain-language
    guidance asks for grade 8-9).

    Fails: with max_grade 9, an English article at Flesch-Kincaid grade 12
    Passes: with max_grade 9, an English article at grade 8; any article when no max_grade is set
    Options: max_grade (0: not judged), formula ("flesch_kincaid"), min_words (100)
    """
    m = _measured(page, options)
    formula = str(options["formula"])
    key = _GRADE_FORMULAS.get(formula)
    if key is None:
        raise ValueError(
            f"grade-level.formula must be one of {', '.join(_GRADE_FORMULAS)}, not {formula!r}"
        )
    grade = m.figures.get(key)
    limit = float(options["max_grade"])
    if grade is not None and grade > limit:
        name = formula.replace("_", "-")
        yield Hit(
            f"the article reads at grade {grade:.1f} ({name}); aim for grade {limit:g} or below",
            _article_location(page, m),
            score=max(0.0, min(1.0, 1 - (grade - limit) / max(limit, 1.0))),
            key="article",
        )


@rule(
    code="R304",
    name="long-sentences",
    category=Category.READABILITY,
    title="Few sentences are longer than 20 words",
    fix="split the longest sentences; one idea per sentence",
    severity=Severity.INFO,  # a suggestion: long sentences can be right for the audience (was warning)
    defaults={"max_words": 20, "max_share": 25},
    applies=lambda page, options: (
        len(_measured(page, options).sentences) > 0 and _measured(page, options).spaced
    ),
)
def long_sentences(page: Page, options: Options) -> Iterator[Hit]:
    """At most `max_share` percent (default 25) of sentences have more than
    `max_words` words (default 20).

    Yoast's sentence-length check: a sentence over 20 words is long; up to 25% of
    them is fine, more is flagged (Yoast turns red over 30%; postaudit has one
    threshold). List items count as sentences. The finding points at the longest.
    A share that one sentence fewer would bring within `max_share` is not reported:
    on a short text (4 of 15) one sentence moves the share by several points, and
    on the real-page corpus every such finding was judged not worth acting on.

    Fails: a post where 12 of 30 sentences run past 20 words (40%)
    Passes: a post where 5 of 30 do (17%); 4 of 15 (27%, but 3 of 15 is 20%)
    Options: max_words (20), max_share (25)
    """
    m = _measured(page, options)
    limit = int(options["max_words"])
    long = m.long_sentences(limit)
    total = len(m.sentences)
    share = 100 * len(long) / total
    within_one = 100 * (len(long) - 1) / total <= float(options["max_share"])
    if share > float(options["max_share"]) and not within_one:
        longest = max(long, key=lambda s: s.words)
        yield Hit(
            f"{len(long)} of {total} sentences ({share:.0f}%) are over {limit} words; "
            f"keep it under {float(options['max_share']):g}% (the longest has {longest.words} words)",
            m.block_location(longest.block),
            score=1 - len(long) / total,
            key="article",
        )


@rule(
    code="R305",
    name="long-paragraphs",
    category=Category.READABILITY,
    title="Paragraphs are at most 150 words long",
    fix="break the paragraph where the topic shifts, or turn part of it into a list",
    severity=Severity.INFO,  # a suggestion (was warning)
    defaults={"max_words": 150},
    applies=lambda page, options: (
        bool(_measured(page, options).paragraphs()) and _measured(page, options).countable
    ),
)
def long_paragraphs(page: Page, options: Options) -> Iterator[Hit]:
    """No paragraph of the article has more than `max_words` words (default 150).

    Yoast's paragraph-length check (good up to 150 words). Walls of text are
    skimmed or skipped, on phones especially. One finding per long paragraph; each
    carries the share of paragraphs that are fine as its score. Chinese and Japanese
    count two characters a word (300 characters, as Yoast's
    Japanese check).

    Fails: a 210-word paragraph
    Passes: paragraphs of 40-120 words
    Options: max_words (150)
    """
    m = _measured(page, options)
    limit = int(options["max_words"])
    paragraphs = m.paragraphs()
    long = [(n, b) for n, b in paragraphs if n > limit]
    fine = 1 - len(long) / len(paragraphs)
    for n, block in long:
        start = opening(block.text)
        yield Hit(
            f'paragraph "{start} …" has {n} words; keep paragraphs under {limit}',
            block.location,
            score=fine,
            key=start,
        )


#: Block kinds whose sentences are not the author's running prose (R307).
_NOT_RUNNING_PROSE = frozenset({"li", "blockquote"})


@rule(
    code="R307",
    name="repeated-sentence-starts",
    category=Category.READABILITY,
    title="Consecutive sentences start in different ways",
    fix="reword or merge some of the sentences so they do not all open with the same word",
    severity=Severity.INFO,  # a style suggestion: repetition can be deliberate (was warning)
    defaults={"min_run": 3},
    applies=lambda page, options: (
        len(_measured(page, options).sentences) >= 2 and _measured(page, options).spaced
    ),
)
def repeated_sentence_starts(page: Page, options: Options) -> Iterator[Hit]:
    """No `min_run` (default 3) or more consecutive sentences start with the same
    word.

    Yoast's consecutive-sentences check. After an article, a demonstrative or a
    number, the first two words are compared ("The cat …" and "The dog …" differ).
    Runs are counted in the author's running prose, inside a section (a heading
    starts a new one). List items and quotes are left out and break a run: list
    items that start alike are parallel structure, which style guides ask for
    (three bullets starting "Write …"), and a quote is someone else's text. A line
    carrying a web address ("Google Maps API Reference http://…") is a reference, not
    a sentence, and is left out too. On the corpus all 4 runs the rule found were of
    these kinds and judged false.

    Fails: "You can… You might… You should…" in a paragraph
    Passes: "You can… Then try… If that fails, you…" ; three list items starting "Write"
    Options: min_run (3)
    """
    m = _measured(page, options)
    runs = m.repeated_beginnings(int(options["min_run"]), _NOT_RUNNING_PROSE)
    for word, length, first in runs:
        s = m.sentences[first]
        yield Hit(
            f'{length} sentences in a row start with "{word}"',
            m.block_location(s.block),
            key=f"{word}:{_cut(s.text, 6)}",
        )


def code_blocks(page: Page) -> int:
    """The article's code blocks: runs of consecutive visible `<pre>` blocks (a
    highlighter's line-number gutter and its code are one block)."""
    count, previous = 0, False
    for block in page.blocks:
        if block.hidden:
            continue
        is_code = block.kind == "pre"
        if is_code and not previous:
            count += 1
        previous = is_code
    return count


@rule(
    code="R308",
    name="article-too-short",
    category=Category.READABILITY,
    title="The article has at least 300 words",
    fix="cover the topic in more depth: examples, steps, answers to the reader's next question",
    severity=Severity.INFO,  # a suggestion: a short post can be complete (was warning)
    defaults={"min_words": 300, "code_blocks": 3, "min_words_with_code": 150},
    applies=lambda page, options: _measured(page, options).countable and page.redirect_to is None,
)
def article_too_short(page: Page, options: Options) -> Iterator[Hit]:
    """The article's prose has at least `min_words` words (default 300).

    Yoast's text-length check (good from 300 words; cornerstone content 900). Only
    the measured prose counts: no navigation, captions, code or headings. Chinese and
    Japanese count two characters a word; not applied to
    Thai, Lao, Khmer or Burmese, whose words cannot be counted this way, nor to a
    redirect stub (a meta refresh with next to no text).

    A how-to with `code_blocks` (default 3) or more code blocks carries its substance
    in the code: its prose is held to `min_words_with_code` (default 150), enough to
    say what each step does. On the corpus the code-heavy how-tos of 204-238 words
    with 3-35 code blocks were all judged debatable as "too short"; the thin posts of
    16-58 words (no code) were right and still fail.

    Fails: a 180-word post ; a 90-word post with four code blocks
    Passes: a 650-word post ; a 220-word how-to with six code blocks
    Options: min_words (300), code_blocks (3), min_words_with_code (150)
    """
    m = _measured(page, options)
    limit = int(options["min_words"])
    blocks = code_blocks(page)
    code_heavy = blocks >= int(options["code_blocks"])
    if code_heavy:
        limit = min(limit, int(options["min_words_with_code"]))
    n = m.words
    if n < limit:
        extra = f" (with {blocks} code blocks)" if code_heavy else ""
        yield Hit(
            f"the article has {n} words of prose{extra}; aim for at least {limit}",
            _article_location(page, m),
            score=max(0.0, min(1.0, n / limit)),
            key="article",
        )


def opening(text: str, words: int = 8) -> str:
    """The first `words` words of `text` (the first `2 * words` characters of text
    written without spaces), to name a paragraph in a message."""
    parts = text.split()
    start = " ".join(parts[:words])
    if has_wide(start) and len(start) > 2 * words:
        return start[: 2 * words]
    return start


def _cut(text: str, words: int = 10) -> str:
    ws = text.split()
    return " ".join(ws[:words]) + (" …" if len(ws) > words else "")


#: Block kinds a paragraph of code can be written as.
_PARAGRAPH_KINDS = frozenset({"p", "div"})


def code_paragraphs(page: Page) -> list[list[Block]]:
    """Runs of consecutive article paragraphs that are code written as plain text
    (`looks_like_code`), not marked up as code."""
    runs: list[list[Block]] = []
    current: list[Block] = []
    for block in page.blocks:
        if block.hidden or block.kind not in _PARAGRAPH_KINDS:
            if current and block.kind != "heading" and not block.hidden:
                runs.append(current)
                current = []
            continue
        if not block.code_only and looks_like_code(block.text):
            current.append(block)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@rule(
    code="R310",
    name="code-in-paragraph",
    category=Category.READABILITY,
    title="Code is marked up as code",
    fix="put the code in <pre><code> (a fenced block in Markdown) instead of plain paragraphs",
    severity=Severity.WARNING,
    applies=lambda page, options: any(b.kind in _PARAGRAPH_KINDS for b in page.blocks),
)
def code_in_paragraph(page: Page, options: Options) -> Iterator[Hit]:
    """Source code or a shell command written as plain paragraphs (`<p>` or loose
    text) instead of `<pre>`/`<code>`. A reader cannot copy it: the CMS curls its
    quotes and the browser collapses its indentation; screen readers read it as
    prose, and it is measured as prose that is no sentence. A paragraph counts as code
    when it has a code-shaped start (`console.log(`, `const x`, `});`) or code tokens
    (`);`, `=>`, `==`, `&&`) and is not a sentence of plain words; a sentence that
    mentions `foo()`, and text marked up as inline `<code>`, pass. One finding per
    run of consecutive code paragraphs, at its first line; scored as the share of
    paragraphs that are prose.

    Fails: <p>const app = express();</p><p>app.listen(3000);</p>
    Passes: <pre><code>const app = express();</code></pre> ; <p>Call <code>app.listen()</code> to start the server.</p>
    """
    runs = code_paragraphs(page)
    if not runs:
        return
    paragraphs = sum(1 for b in page.blocks if b.kind in _PARAGRAPH_KINDS and not b.hidden)
    coded = sum(len(run) for run in runs)
    score = max(0.0, 1 - coded / max(paragraphs, 1))
    for run in runs:
        first = run[0]
        shown = _cut(first.text, 6)
        lines = f"{len(run)} paragraphs of code" if len(run) > 1 else "a line of code"
        yield Hit(
            f'{lines} ("{shown}") written as plain text; mark it up as <pre><code>',
            first.location,
            score=score,
            key=shown,
        )


RULES = (
    reading_ease,
    reading_ease_very_difficult,
    grade_level,
    long_sentences,
    long_paragraphs,
    repeated_sentence_starts,
    article_too_short,
    code_in_paragraph,
)


def facts(page: Page, context: Options) -> dict[str, Any]:
    """The readability facts: figures, what was measured, sentence-level signals."""
    return {"readability": measurement_facts(measure(page.blocks, context.get("lang"), page.lang))}
