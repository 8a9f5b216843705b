"""Japanese and Chinese break at BudouX phrase boundaries with kinsoku; CJK in bold takes the CJK bold."""

import pytest

from composer.text import TextStyle, set_text
from composer.text.fonts import FontLibrary
from composer.text.phrases import parser_kind, phrase_boundaries, split_breaks
from composer.text.breaking import break_opportunities
from composer.core.geometry import Box
from sysdeps import require_font

LIB = FontLibrary()
JA = "今日は天気です。東京タワーへ行きましょう。「すごい」ラーメンっぽい（テスト）。"


def test_phrase_breaks_are_a_subset_of_uax14_inside_cjk():
    opps = [b for b in break_opportunities(JA)]
    keep, emergency = split_breaks(JA, opps, "ja")
    assert sorted(keep + emergency) == opps
    cuts = phrase_boundaries(JA, "ja")
    assert set(keep) <= cuts
    assert JA.index("京") not in keep and JA.index("京") in emergency   # 東|京 is not a phrase break
    assert split_breaks("no CJK here, only Latin", [3, 7], None) == ([3, 7], [])


@pytest.mark.parametrize("text,lang,kind", [
    ("今日は", None, "ja"), ("我们今天", "zh", "zh-hans"), ("我們今天", "zh-TW", "zh-hant"),
    ("我們", "zh-Hant", "zh-hant"), ("漢字", None, "zh-hans"), ("한국어", "ko", None), ("abc", "ja", None),
])
def test_parser_choice(text, lang, kind):
    assert parser_kind(text, lang) == kind


def test_japanese_lines_end_at_phrases_and_keep_kinsoku():
    require_font("Noto Sans CJK JP", "fonts-noto-cjk")
    block = set_text(JA, Box(0, 0, 300, 900), TextStyle(size=30.0, lang="ja"), LIB)
    assert block.lines == ["今日は天気です。", "東京タワーへ", "行きましょう。", "「すごい」",
                           "ラーメンっぽい", "（テスト）。"]
    cuts = phrase_boundaries(JA, "ja")
    pos = 0
    for line in block.lines[:-1]:
        pos += len(line)
        assert pos in cuts
    for line in block.lines[1:]:
        assert line[0] not in "、。」）ーっ"


def test_a_phrase_wider_than_the_line_breaks_inside_it():
    require_font("Noto Sans CJK JP", "fonts-noto-cjk")
    block = set_text(JA, Box(0, 0, 200, 900), TextStyle(size=30.0, lang="ja"), LIB)
    assert "".join(block.lines) == JA
    assert "行きましょ" in block.lines and "東京タワーへ" in block.lines   # 7 glyphs do not fit 200 px
    assert max(lb.width for lb in block.line_boxes) <= 200


def test_chinese_keeps_words_together():
    require_font("Noto Sans CJK SC", "fonts-noto-cjk")
    text = "我们今天去北京天安门广场看升旗仪式。"
    block = set_text(text, Box(0, 0, 200, 900), TextStyle(size=30.0, lang="zh"), LIB)
    assert "".join(block.lines) == text
    for word in ("我们", "今天", "北京", "广场", "仪式。"):
        assert any(word in line for line in block.lines), block.lines


def test_cjk_in_a_bold_latin_line_takes_the_cjk_bold():
    require_font("Noto Sans CJK JP", "fonts-noto-cjk")
    block = set_text("**Bold 東京** regular 東京", Box(0, 0, 1200, 200), TextStyle(size=40, lang="ja"), LIB)
    fonts = {g.cluster: g.font for g in block.glyphs}
    text = "Bold 東京 regular 東京"
    bold_cjk, regular_cjk = fonts[text.index("東")], fonts[text.rindex("東")]
    assert "Inter-Bold" in fonts[0]
    assert "CJK-Bold" in bold_cjk and "CJK-Regular" in regular_cjk
    from fontTools.ttLib import TTFont
    path, _, index = bold_cjk.partition("#")
    assert TTFont(path, fontNumber=int(index or 0), lazy=True)["OS/2"].usWeightClass == 700
    heavy = set_text("東京", Box(0, 0, 400, 200), TextStyle(size=40, weight=800, lang="ja"), LIB)
    assert "CJK-Bold" in heavy.glyphs[0].font
