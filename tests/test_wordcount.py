"""One word count everywhere: Chinese and Japanese count two characters a word."""

from __future__ import annotations

from postaudit.measure.prose import word_count
from postaudit.measure.style import block_signals, block_word_count
from postaudit.measure.textstats import measure
from postaudit.parse.build import parse_page
from postaudit.rules import get

ZH = "两次咨询之间最有用的一件事，就是单纯地留意。"  # 20 Han characters, 2 marks
JA = "気づいたことをメモしてください。"  # 15 kana and Han characters


def test_spaced_text_counts_as_before() -> None:
    assert word_count("Wake-up calls don't help — at all.") == 6
    assert word_count("") == 0


def test_han_and_kana_count_two_characters_a_word() -> None:
    assert word_count(ZH) == 10
    assert word_count(JA) == 8  # 15 characters, rounded up
    assert word_count("我用 Python 3 写了一个脚本") == 2 + 4  # Latin words + 8 characters
    assert word_count("안녕하세요 여러분 반갑습니다") == 3  # Korean is written with spaces


def test_every_counter_agrees() -> None:
    text = f"{ZH}{JA} Then two English sentences follow. They count as usual."
    n = word_count(text)
    assert block_word_count(text, block_signals(text, False)) == n
    html = f'<html lang="zh"><body><article><h1>标题</h1><p>{text}</p></article></body></html>'
    page = parse_page(html, "https://example.com/p")
    assert page.word_count == n
    assert measure(page.blocks, None, page.lang).paragraphs()[0][0] == n


def _article(lang: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<html lang="{lang}"><body><article><h1>标题</h1>{body}</article></body></html>'


def test_length_rules_now_apply_to_chinese_and_japanese() -> None:
    short = parse_page(_article("zh-CN", ZH), "https://example.com/zh")
    (hit,) = get("R308")(short)
    assert hit.message == "the article has 10 words of prose; aim for at least 300"
    long = parse_page(_article("ja", JA * 40), "https://example.com/ja")
    assert get("R308")(long) == []
    (para,) = get("R305")(long)
    assert para.message.startswith('paragraph "気づいたことをメモしてください。 …" has 300 words')
    thai = parse_page(_article("th", "สวัสดีครับ"), "https://example.com/th")
    assert not get("R308").applies(thai, get("R308").defaults)
