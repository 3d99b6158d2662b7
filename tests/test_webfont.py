"""The embedded CJK font (simlib.brief.webfont): what goes into the subset, and where the rule goes.

The subset is read back with fontTools and its cmap compared with the page's characters, so a
subset that drops a character (or carries more than the page needs) fails here, not only in a
reader's browser.  tests/test_browser.py checks what Chromium draws with it.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT
from simlib.brief import webfont

EMOJI, EXT_B = "😀", "\U00020000"  # 😀 and 𠀀 (CJK Extension B): neither is in Noto Sans CJK SC

PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>开发区</title>
<style>body { font-family: "simlib CJK", sans-serif; } /* 样式里的字 */</style>
</head><body>
<h1>税收分成 &amp; 县级统筹</h1>
<p>边际留成率 &#x9F98; &#20013; &eacute; — 1.0亿元</p>
<img src="data:image/png;base64,AAAA" alt="扇形图">
<!-- 注释里的字 -->
<script>var x = "脚本里的字";</script>
<p>{extra}</p>
</body></html>"""


def embedded_rule(page: str) -> str:
    rules = re.findall(r'<style id="simlib-webfont">(.*?)</style>', page, re.S)
    assert len(rules) == 1, f"{len(rules)} embedded rules"
    return rules[0]


def subset_of(page: str) -> TTFont:
    data = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", embedded_rule(page)).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def unicode_range(rule: str) -> set[int]:
    points: set[int] = set()
    for part in re.search(r"unicode-range:\s*([^;]+);", rule).group(1).split(","):
        lo, _, hi = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return points


def test_the_subset_holds_exactly_the_characters_the_page_shows():
    page = webfont.embed(PAGE.replace("{extra}", f"{EMOJI}{EXT_B}"))
    shown = set("开发区税收分成县级统筹边际留成率龘中é—亿元扇形图")  # title, text, entities, the alt text
    font = subset_of(page)
    assert font.flavor == "woff2"
    cmap = set(font.getBestCmap())
    assert cmap == {ord(c) for c in shown}
    assert unicode_range(embedded_rule(page)) == cmap
    # not in the font, so neither in the subset nor in the range: the browser goes on down the list
    assert ord(EMOJI) not in cmap and ord(EXT_B) not in cmap
    # nothing from a comment, a script or a style sheet, and no ASCII
    for c in "注释脚本样式里的字":
        if c not in shown:
            assert ord(c) not in cmap, c
    assert not any(p < 0x7F for p in cmap)


def test_page_characters_reads_text_attributes_and_entities():
    page = ('<p title="标题" data-x=乙 alt=\'丙\'>&#x4E2D;&#25991;&eacute;&nbsp;a</p>'
            "<!-- 丁 --><script>戊</script><STYLE>己</STYLE><template>庚</template>")
    assert webfont.page_characters(page) == "".join(sorted("标题乙丙中文é"))


def test_a_page_without_characters_outside_ascii_is_unchanged():
    page = "<html><head><title>t</title></head><body><p>Zone 1: 10.0 &amp; more</p></body></html>"
    assert webfont.embed(page) == page


def test_a_page_with_only_characters_the_font_lacks_is_unchanged():
    page = f"<html><head></head><body><p>{EMOJI} {EXT_B}</p></body></html>"
    assert webfont.embed(page) == page


def test_missing_finds_what_the_font_cannot_draw_in_order_of_first_use():
    assert webfont.missing(f"开发区 {EXT_B} é {EMOJI} {EXT_B} abc") == [EXT_B, EMOJI]
    assert webfont.missing("开发区所得 1.0亿元 — “第二” ① ™ €") == []


def test_the_rule_goes_once_at_the_end_of_the_head():
    page = webfont.embed(PAGE.replace("{extra}", ""))
    head, body = page.split("</head>")
    assert head.rstrip().endswith("</style>") and 'id="simlib-webfont"' in head
    assert 'id="simlib-webfont"' not in body
    embedded_rule(page)  # exactly one
    assert webfont.embed(page) == page  # embedding again replaces it with the same rule
    bigger = webfont.embed(page.replace("</body>", "<p>新字</p></body>"))
    assert {ord("新"), ord("字")} <= set(subset_of(bigger).getBestCmap())  # and one rule, not two


def test_upper_case_head_and_a_page_without_head():
    page = webfont.embed("<HTML><HEAD><TITLE>x</TITLE></HEAD><BODY>中文</BODY></HTML>")
    assert page.index('<style id="simlib-webfont">') < page.index("</HEAD>")
    with pytest.raises(ValueError, match="</head>"):
        webfont.embed("<p>中文</p>")


def test_the_rule_names_the_family_the_stylesheets_use():
    rule = embedded_rule(webfont.embed(PAGE.replace("{extra}", "")))
    assert f'font-family: "{webfont.FAMILY}"' in rule
    assert "font-weight" not in rule  # one regular face: the browser makes bold from it (not so if it claimed 100-900)
    assert 'format("woff2")' in rule


def test_the_subset_is_small_and_plain():
    chinese = "".join(chr(c) for c in sorted(webfont.codepoints()) if 0x4E00 <= c <= 0x9FFF)[:600]
    data = webfont.woff2(chinese)
    font = TTFont(io.BytesIO(data))
    assert len(font.getBestCmap()) == 600
    assert "GSUB" not in font and "GPOS" not in font  # no layout features (and no vertical metrics)
    assert "vmtx" not in font
    assert len(data) < 600 * 250  # about 150 bytes a character (a brief of 600 characters: ~120 KB as base64)


def test_no_pyplot_and_no_matplotlib_state():
    """Embedding opens the font file with fontTools only: pyplot is not imported, matplotlib's rcParams
    and font manager are as they were (a fresh interpreter, since other tests import pyplot)."""
    code = f"""
import json, sys
import matplotlib, matplotlib.font_manager as fm
before = (dict(dict.items(matplotlib.rcParams)), len(fm.fontManager.ttflist))  # raw: rcParams["backend"] imports pyplot
from simlib.brief import webfont
page = webfont.embed({json.dumps(PAGE.replace("{extra}", ''))})
after = (dict(dict.items(matplotlib.rcParams)), len(fm.fontManager.ttflist))
print(json.dumps({{"pyplot": "matplotlib.pyplot" in sys.modules, "same": before == after,
                   "embedded": 'id="simlib-webfont"' in page}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == {"pyplot": False, "same": True, "embedded": True}


def test_an_english_page_takes_only_chinese_from_the_font():
    """English text keeps its own quotation marks, dashes and accents; Chinese names come from the font."""
    page = webfont.embed(PAGE.replace("{extra}", "graded “优秀” — café"), "en")
    cmap = set(subset_of(page).getBestCmap())
    assert ord("优") in cmap and ord("秀") in cmap and ord("税") in cmap
    assert not {ord(c) for c in "“”—é"} & cmap
    assert not {ord(c) for c in "“”—é"} & unicode_range(embedded_rule(page))
    zh = set(subset_of(webfont.embed(PAGE.replace("{extra}", "“优秀”"))).getBestCmap())
    assert ord("“") in zh  # a Chinese page sets its quotation marks as Chinese text does


# -- the font a notebook displays for JupyterLab ---------------------------------------------------------


def notebook_rule(font: webfont.NotebookFont) -> str:
    faces = re.findall(r"@font-face \{[^}]*\}", font.data)
    assert len(faces) == 1, f"{len(faces)} @font-face rules"
    return faces[0]


def notebook_subset(font: webfont.NotebookFont) -> TTFont:
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", notebook_rule(font)).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_the_notebook_font_holds_the_characters_of_its_texts_and_marks_itself():
    from IPython.core.formatters import DisplayFormatter

    font = webfont.notebook_font(["开发区 — “税收”", f"{EMOJI} abc é", EXT_B, "区"])
    shown = set("开发区—“”税收é")
    cmap = set(notebook_subset(font).getBestCmap())
    assert cmap == {ord(c) for c in shown} == unicode_range(notebook_rule(font))  # not the emoji, not ASCII
    assert font.characters == "".join(sorted(shown))
    assert font.data.startswith('<style id="simlib-notebook-font">') and font.data.endswith("</style>")
    assert f'font-family: "{webfont.FAMILY}"' in notebook_rule(font) and 'format("woff")' in font.data
    # display() marks the output, so a rendered brief can leave it out; nothing shows as text
    data, metadata = DisplayFormatter().format(font)
    assert metadata == webfont.NOTEBOOK_FONT == {"simlib": "notebook-font"}
    assert data == {"text/html": font.data, "text/plain": ""}


def test_the_notebook_font_applies_to_html_outputs_only():
    style = webfont.notebook_font(["开发区"]).data
    rules = dict(re.findall(r"\n([^{}\n]+) \{ (font-family: [^}]*)\}", style))
    text = '.jp-OutputArea-output.jp-RenderedHTMLCommon, .output_html.rendered_html'
    assert rules[text].startswith('font-family: "simlib CJK", var(--jp-content-font-family, ')
    code = [r for r in rules if r != text]
    assert len(code) == 1 and rules[code[0]].startswith('font-family: "simlib CJK", var(--jp-code-font-family, ')
    for selector in code[0].split(", "):
        assert selector.startswith(webfont.OUTPUT_SELECTORS) and selector.split()[-1] in ("pre", "code", "kbd", "samp")


def test_an_english_notebook_takes_only_chinese_from_the_font_and_none_shows_nothing():
    font = webfont.notebook_font(["graded “优秀” — café"], "en")
    assert font.characters == "优秀"
    assert set(notebook_subset(font).getBestCmap()) == {ord("优"), ord("秀")}
    for empty in (webfont.notebook_font(["café — “x”"], "en"), webfont.notebook_font(["abc", EMOJI, EXT_B])):
        assert empty.data == "" and empty.characters == ""


def test_notebook_texts_cover_the_labels_the_names_and_the_scenario():
    from simlib.brief import labels, param_names
    from simlib.scenario import load

    def characters(texts) -> set[str]:
        return {c for t in texts for c in t if webfont._shown(c)}

    scenario = load(ROOT / "params" / "qingzhen_2025.yaml")
    have = characters(webfont.notebook_texts(scenario))
    assert characters(v for entry in labels.LABELS.values() for v in entry.values()) <= have
    assert characters(v for entry in param_names.NAMES.values() for v in entry.values()) <= have
    templates = characters(p.read_text(encoding="utf-8")
                           for p in (ROOT / "simlib" / "brief" / "templates").rglob("*.j2"))
    assert "⚠" in templates and templates <= have  # signs a template writes (a warning's)
    leaves = [t for leaf in scenario.leaves.values()
              for t in (leaf.unit, leaf.source, leaf.note, *leaf.zh.values()) if t]
    assert any(leaf.zh for leaf in scenario.leaves.values()) and characters(leaves) <= have
    documents = [t for d in scenario.documents.values() for t in (*d.title.values(), *d.place.values())]
    assert documents and characters(documents) <= have
    assert characters([json.dumps(scenario.resolved(), ensure_ascii=False)]) <= have
    # plain data: an explore notebook's spec
    assert "龘" in characters(webfont.notebook_texts({"title": "龘", "vary": [{"key": "a", "lo": 1}]}))


def test_a_rendered_brief_leaves_the_notebook_font_out(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from simlib.pipeline import render

    font = webfont.notebook_font(["开发区税收分成龘"])
    nb = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("display_data", data={"text/html": font.data, "text/plain": ""}, metadata=webfont.NOTEBOOK_FONT),
        new_output("display_data", data={"text/html": "<h1>税收分成</h1>"}),
        new_output("stream", name="stdout", text="kept\n"),
        new_output("stream", name="stderr", text="UserWarning: dropped\n"),
    ])])
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    page = render.to_html(path, title="t", language="zh")
    assert "simlib-notebook-font" not in page and "data:font/woff;" not in page
    assert "<h1>税收分成</h1>" in page and "kept" in page and "dropped" not in page
    assert set(subset_of(page).getBestCmap()) == {ord(c) for c in "税收分成"}  # the page's own: not 开发区龘
