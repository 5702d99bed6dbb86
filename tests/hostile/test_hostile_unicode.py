"""Unicode everywhere: right-to-left and CJK text, emoji, NUL bytes, invalid UTF-8 and
mixed line endings are audited like any page, reported faithfully (JSON keeps the text,
the terminal shows it without the bidi controls that could reorder a line), and
readability is skipped with an info finding for languages textstat cannot score."""

from __future__ import annotations

import json

from hostile.faultserver import FaultServer
from hostile.runs import audit_json, codes, finding, run_cli

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: would show "gpj.exe" as "exe.jpg"

ARABIC = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>مقال عن العلاج النفسي {RLO}gpj.exe</title></head><body><main><article>
<h1>العلاج النفسي للنساء</h1>
<p>هذا مقال قصير عن العلاج النفسي. يتحدث عن الدموع والتقدم في الجلسات. نص عربي بسيط.</p>
<p>שלום, גם עברית כאן: טקסט קצר.</p>
</article></main></body></html>
"""

CHINESE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>心理咨询中的眼泪：为什么有些来访者从不哭泣</title></head><body><main><article>
<h1>心理咨询中的眼泪</h1>
<p>很多人在心理咨询中从来不哭，这并不意味着治疗没有效果。每个人表达情绪的方式都不同。</p>
<p>日本語の文も少しあります。涙は進歩の唯一のしるしではありません。</p>
</article></main></body></html>
"""

EMOJI = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Crying in therapy 😢 and what it means 🧠👩‍⚕️</title></head><body><main><article>
<h1>Tears 😢 are one sign among many</h1>
<p>Some clients cry 😭 in the first session and some never do 🙂 at all.</p>
<img src="/cry.png" alt="A tissue box 🧻 on a side table">
</article></main></body></html>
"""

#: CRLF, CR and LF mixed; the image without alt text is on line 9 in any editor.
ENDINGS = (
    '<!doctype html>\r\n<html lang="en">\r<head>\n<title>Mixed line endings</title>\r\n'
    "</head>\r<body>\n<main><article>\r\n<h1>Mixed</h1>\r"
    '<img src="/no-alt.png">\n<p>Text.</p>\r\n</article></main></body></html>\r\n'
)

NUL = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Nul\x00 bytes</title>'
    b"</head><body><main><article><h1>Nul\x00 bytes</h1><p>A page with\x00 NUL bytes\x00.</p>"
    b"</article></main></body></html>"
)


def test_scripts_emoji_nul_and_line_endings(fault: FaultServer) -> None:
    urls = {
        "ar": fault.page("/ar", ARABIC),
        "zh": fault.page("/zh", CHINESE),
        "emoji": fault.page("/emoji", EMOJI),
        "endings": fault.page("/endings", ENDINGS),
        "nul": fault.page("/nul", NUL),
    }
    run = audit_json(*urls.values(), "--links", "none")
    pages = {name: run.page(url) for name, url in urls.items()}
    for name, page in pages.items():
        assert page["error"] is None and page["score"] is not None, name

    # readability: a fact about the tool instead of a wrong score (R309 is retired)
    for name, lang in (("ar", "ar"), ("zh", "zh-CN")):
        figures = pages[name]["facts"]["readability"]
        assert figures["not_scored"] == (
            f"readability is not scored for language {lang!r}: textstat has no Flesch formula for it"
        )
        assert figures["flesch_reading_ease"] is None and figures["flesch_kincaid_grade"] is None
        assert not {"R301", "R302", "R303"} & set(codes(pages[name]))
    assert pages["emoji"]["facts"]["readability"]["not_scored"] is None

    # text kept exactly in JSON
    assert pages["ar"]["facts"]["title"] == f"مقال عن العلاج النفسي {RLO}gpj.exe"
    assert pages["zh"]["facts"]["title"] == "心理咨询中的眼泪：为什么有些来访者从不哭泣"
    assert pages["emoji"]["facts"]["title"] == "Crying in therapy 😢 and what it means 🧠👩‍⚕️"
    assert RLO not in run.stdout and "\\u202e" in run.stdout  # escaped, not raw
    # mixed line endings: the line an editor shows
    a101 = finding(pages["endings"], "A101")
    assert a101["location"]["line"] == 9  # 6 when only LF was counted
    # NUL bytes: audited, and reported as damage
    assert pages["nul"]["facts"]["title"] == "Nul\ufffd bytes"
    assert pages["nul"]["facts"]["encoding"] == {
        "name": "utf-8",
        "nul_characters": 4,
        "replacement_characters": 0,
    }
    assert run.report["summary"]["failed"] == 0


def test_the_terminal_shows_the_script_without_bidi_overrides(fault: FaultServer) -> None:
    url = fault.page("/ar", ARABIC)
    nul = fault.page("/nul", NUL)
    run = run_cli("audit", url, nul, "--links", "none", "--no-color")
    assert "مقال عن العلاج النفسي gpj.exe" in run.stdout
    assert RLO not in run.stdout and "\x00" not in run.stdout
    assert "Damaged text: 4 NUL characters (decoded as utf-8)" in run.stdout
    for fmt in ("github", "markdown", "junit", "sarif"):
        out = run_cli("audit", url, "--links", "none", "--format", fmt).stdout
        assert RLO not in out, fmt
        if fmt == "sarif":
            json.loads(out)
