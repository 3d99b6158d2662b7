"""A real browser opens every kind of page simlib writes, from disk, with the network unreachable.

Kinds: zone briefs (the four zones in Chinese, Jianshi's as ``simlib batch`` writes it; the fullest
one in English), a comparison, a sweep, a sensitivity (Morris) brief and a batch's index page; each
is rendered once for the module, two at a time, and opened in one headless Chromium (Debian's
``chromium``; ``.ci/run`` installs it when missing).
Without Chromium the module is skipped on a developer's machine and fails in CI.

* Every page: no console error, no script error, no request leaving the file, no script element,
  no broken image, no sideways scrolling at desktop width.
* The Chinese is drawn in the font the page embeds (simlib.brief.webfont), on a machine with no
  Chinese font of its own: Chromium's ``CSS.getPlatformFontsForNode`` names, for every run of
  Chinese on the page, the embedded face and nothing else; and single glyphs, screenshotted, differ
  from one another (tofu boxes are all alike), a check seen to fail once the embedded font is
  stripped from the page.
* At a phone's width (390 px): no sideways scrolling of the page, one chart per row, every chart
  drawn at least 600 px wide (its text readable; a wide one scrolls sideways in its own figure box),
  and wide tables scroll inside their own box.
* Printed (``Page.printToPDF``, the page's own ``@page``), in Chinese and in English: A4, nothing
  wider than the paper (Chromium would shrink the whole document), no forced break before the first
  chart, a full first page and no half-empty page before the last; the appendix's columns wide
  enough for a few words a line, and the Chinese no more than 1.4 times as many pages as the English.

Screenshots (desktop and phone of each kind, the glyph strips) and the PDF are kept in
``$SIMLIB_BROWSER_ARTIFACTS`` if set, else in ``browser-artifacts`` under pytest's base temporary
folder; the path is printed at the end of the run.
"""

from __future__ import annotations

import base64
import io
import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from browser import CHINESE_RE, Browser, chromium, cjk_fonts_installed, open_page, pdf_pages
from conftest import ROOT, simlib

if chromium() is None:
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: .ci/run should have installed it", pytrace=False)
    pytest.skip("no Chromium on this machine (apt-get install --no-install-recommends chromium)",
                allow_module_level=True)

PAYLOADS = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "javascript:alert(1)",
            "<svg onload=alert(1)>"]

QINGZHEN = "params/qingzhen_2025.yaml"
RUNS = {  # name → simlib arguments (the longest first: they run two at a time)
    "batch": ["batch", QINGZHEN, "params/jianshi_2021.yaml", "--jobs", "1"],
    "qingzhen_zh": ["brief", QINGZHEN],
    "qingzhen_en": ["brief", QINGZHEN, "--lang", "en"],
    "yongchang_zh": ["brief", "params/yongchang_2024.yaml"],
    "guangyuan_zh": ["brief", "params/guangyuan_2023.yaml"],
    "compare": ["compare", QINGZHEN, "--variant", "6:4", "revenue.sharing.zone_share=0.6",
                "--variant", "no cap", "revenue.sharing.cap=null"],
    "sweep": ["sweep", QINGZHEN, "--vary", "revenue.sharing.zone_share=0.4:0.6:3", "--paths", "200"],
    "compare_en": ["compare", QINGZHEN, "--variant", "6:4", "revenue.sharing.zone_share=0.6", "--lang", "en"],
    "sweep_en": ["sweep", QINGZHEN, "--vary", "revenue.sharing.cap=1:3:3", "--paths", "200",
                 "--target", "revenue.zone_payout_total_p20>=40", "--lang", "en"],
    "sensitivity": ["sensitivity", QINGZHEN, "--method", "morris", "--vary", "revenue.sharing.zone_share=0.4:0.6",
                    "--vary", "revenue.sharing.cap=1:3", "--metric", "revenue.zone_payout_total_mean",
                    "--n", "4", "--paths", "100"],
}
BRIEFS = {  # every kind of page → (the run that writes it, its path under the run's --out)
    "qingzhen_zh": ("qingzhen_zh", "brief.html"),
    "qingzhen_en": ("qingzhen_en", "brief.html"),
    "jianshi_zh": ("batch", "jianshi_2021/brief.html"),  # a zone brief as batch writes it
    "yongchang_zh": ("yongchang_zh", "brief.html"),
    "guangyuan_zh": ("guangyuan_zh", "brief.html"),
    "compare": ("compare", "brief.html"),
    "sweep": ("sweep", "brief.html"),
    "sensitivity": ("sensitivity", "brief.html"),
    "batch_index": ("batch", "index.html"),  # links to the briefs; must embed the font too (simlib.pipeline.batch)
}
NO_IMAGES = {"batch_index"}  # a table of figures and links, no chart
PHONE = (390, 844)
DESKTOP = (1100, 1400)
A4_CONTENT_PX = round((210 - 2 * 15) / 25.4 * 96)  # A4 less brief.css's @page side margins (15 mm), in CSS px
MIN_CHART_PX = 600  # a chart of two or four panels narrower than this has 4-6 px text
PRINTED = ["qingzhen_zh", "qingzhen_en"]


# -- fixtures: the pages, rendered once; one browser; the folder that keeps what it saw --------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """Every run, two at a time: run name → (the finished process, its --out folder)."""
    root = tmp_path_factory.mktemp("briefs")

    def run(name):
        return name, (simlib(*RUNS[name], "--out", str(root / name)), root / name)

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(run, RUNS))


def page_of(rendered, name) -> Path:
    run, path = BRIEFS[name]
    proc, out = rendered[run]
    assert proc.returncode == 0, f"simlib {' '.join(RUNS[run])} failed:\n{proc.stderr[-3000:]}"
    assert (out / path).is_file(), out / path
    return out / path


@pytest.fixture(scope="module")
def browser():
    with Browser(*DESKTOP) as b:
        yield b


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory, request) -> Path:
    """Where the screenshots and the PDF are kept, after the run too; its path is printed at the end."""
    env = os.environ.get("SIMLIB_BROWSER_ARTIFACTS")
    folder = Path(env).resolve() if env else tmp_path_factory.getbasetemp() / "browser-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text(
        "What tests/test_browser.py saw in headless Chromium: <kind>-desktop.png (1100 px wide), <kind>-phone.png\n"
        "(390 px, mobile), glyphs-<kind>.png (single glyphs of the page in its embedded font; the\n"
        "-without-font strip is the same page with the embedded @font-face stripped: boxes on a machine\n"
        "without a Chinese font), qingzhen_zh.pdf and qingzhen_en.pdf (printed as the page's @page asks: A4).\n",
        encoding="utf-8")

    class Summary:
        def pytest_terminal_summary(self, terminalreporter):
            terminalreporter.write_line(f"browser screenshots and PDF: {folder}")

    if not request.config.pluginmanager.has_plugin("simlib-browser-artifacts"):
        request.config.pluginmanager.register(Summary(), "simlib-browser-artifacts")
    return folder


# -- every page opens cleanly, offline ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(BRIEFS))
def test_page_opens_cleanly_offline(rendered, browser, artifacts, name):
    page = page_of(rendered, name)
    with browser.tab(*DESKTOP) as tab:
        tab.open(page)
        report = tab.report()
        tab.screenshot(artifacts / f"{name}-desktop.png")
        layout = tab.layout()
    assert report.console_errors == []
    assert report.exceptions == []
    assert report.outside_requests == []
    assert report.scripts == 0
    assert report.broken_images == 0
    assert report.images >= (0 if name in NO_IMAGES else 1)
    assert (artifacts / f"{name}-desktop.png").stat().st_size > 10_000
    assert page.stat().st_size < 3_000_000
    assert layout["scrollWidth"] <= layout["viewport"] + 1, f"wider than the window: {layout['wide']}"
    assert layout["wide"] == [], "wider than the window (scrolled in an output's box, not a table's)"


# -- the Chinese is drawn in the embedded font -------------------------------------------------------------

def embedded_font(page: Path) -> tuple[str, int]:
    """The family name inside the font the page embeds (Chromium reports that one), and the <style>'s size."""
    html = page.read_text(encoding="utf-8")
    style = re.search(r'<style id="simlib-webfont">.*?</style>', html, re.S)
    assert style, f"{page.name} embeds no font (simlib.brief.webfont.embed was not called on it)"
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", style.group(0)).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    return font["name"].getDebugName(1), len(style.group(0).encode())


@pytest.mark.parametrize("name", list(BRIEFS))
def test_chinese_is_drawn_in_the_embedded_font(rendered, browser, name):
    """Every run of Chinese the page shows is drawn by the embedded face, and by nothing else
    (a system font would mean boxes on this machine, or a different look on a reader's)."""
    page = page_of(rendered, name)
    family, size = embedded_font(page)
    assert size <= 400_000, f"the embedded font adds {size} bytes"
    with browser.tab(*DESKTOP) as tab:
        tab.open(page)
        runs = tab.chinese_fonts()
    assert sum(len(text) for text, _ in runs) >= 10, "hardly any Chinese on the page: the check proves nothing"
    wrong = [(text, [(f["familyName"], f["isCustomFont"]) for f in fonts]) for text, fonts in runs
             if not fonts or any(not f["isCustomFont"] or f["familyName"] != family for f in fonts)]
    assert not wrong, (f"{len(wrong)} of {len(runs)} runs of Chinese not (only) in the embedded {family!r}, "
                       f"e.g. {wrong[:5]}")


def glyph_strip(browser, page: Path) -> tuple[str, list[Image.Image]]:
    """Up to six distinct Chinese characters of the page's heading (or of its text, if the heading has
    fewer than four), each screenshotted alone in the heading's font."""
    with browser.tab(*DESKTOP) as tab:
        tab.open(page)
        heading, text = tab.evaluate(
            "[(document.querySelector('h1') || document.body).innerText, document.body.innerText]")
        chars = "".join(dict.fromkeys(CHINESE_RE.findall(heading)))
        if len(chars) < 4:
            chars = "".join(dict.fromkeys(c for c in CHINESE_RE.findall(text) if "\u4e00" <= c <= "\u9fff"))
        chars = chars[:6]
        assert len(chars) >= 4, "too few Chinese characters on the page to compare"
        shots = tab.glyph_shots(chars)
    return chars, [Image.open(io.BytesIO(png)).convert("L") for png in shots]


def alike(a: Image.Image, b: Image.Image) -> bool:
    """The same picture, but for anti-aliasing: under 0.5% of the pixels differ by more than a quarter."""
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    return diff.histogram()[255] < 0.005 * a.width * a.height


def inked(image: Image.Image) -> bool:
    return image.getextrema()[0] < 100


def save_strip(images: list[Image.Image], path: Path) -> None:
    strip = Image.new("L", (sum(i.width for i in images), max(i.height for i in images)), 255)
    x = 0
    for image in images:
        strip.paste(image, (x, 0))
        x += image.width
    strip.save(path)


@pytest.mark.parametrize("name", list(BRIEFS))
def test_glyphs_are_glyphs_not_boxes(rendered, browser, artifacts, name):
    chars, images = glyph_strip(browser, page_of(rendered, name))
    save_strip(images, artifacts / f"glyphs-{name}.png")
    assert all(inked(i) for i in images), f"blank glyphs for {chars}"
    same = [(chars[i], chars[j]) for i in range(len(images)) for j in range(i + 1, len(images))
            if alike(images[i], images[j])]
    assert not same, f"these characters look alike (tofu?): {same}"


def test_without_the_embedded_font_the_same_check_sees_boxes(rendered, browser, artifacts, tmp_path):
    """The check above can fail: with the @font-face stripped, this machine has no font for Chinese
    and every character is the same box."""
    if installed := cjk_fonts_installed():
        pytest.skip(f"this machine has fonts for Chinese ({installed[:3]}): no boxes to see")
    html = page_of(rendered, "qingzhen_zh").read_text(encoding="utf-8")
    stripped, n = re.subn(r'<style id="simlib-webfont">.*?</style>', "", html, flags=re.S)
    assert n == 1
    page = tmp_path / "stripped.html"
    page.write_text(stripped, encoding="utf-8")
    chars, images = glyph_strip(browser, page)
    save_strip(images, artifacts / "glyphs-qingzhen_zh-without-font.png")
    assert all(inked(i) for i in images)  # something is drawn: a box
    assert all(alike(images[0], i) for i in images[1:]), f"{chars} drawn distinctly without the embedded font"


# -- at a phone's width ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(BRIEFS))
def test_phone_width(rendered, browser, artifacts, name):
    page = page_of(rendered, name)
    with browser.tab(*PHONE, mobile=True) as tab:
        tab.open(page)
        tab.screenshot(artifacts / f"{name}-phone.png")
        layout = tab.layout()
    vw = layout["viewport"]
    assert vw <= PHONE[0], (f"laid out {vw} px wide on a {PHONE[0]} px phone: "
                            "no <meta name=viewport content=width=device-width>?")
    assert layout["scrollWidth"] <= vw + 1, f"the page scrolls sideways; too wide: {layout['wide']}"
    assert layout["wide"] == [], "wider than the screen (scrolled in an output's box, not a table's)"
    charts = [i for i in layout["images"] if i["tag"] != "figure" and i["width"] > 1 and i["height"] > 1]
    for c in charts:  # a chart wider than the screen scrolls sideways in its figure, which fits the screen
        box = c["scroller"] if c["scroller"] and c["scroller"]["tag"] == "figure" else c
        assert box["left"] >= -1 and box["right"] <= vw + 1, f"a chart wider than the screen: {c}"
    small = [round(c["width"]) for c in charts if c["width"] < MIN_CHART_PX]
    assert not small, f"charts drawn {small} px wide on a phone: their text is too small to read"
    beside = [(a, b) for k, a in enumerate(charts) for b in charts[k + 1:]
              if min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1]
    assert not beside, f"charts side by side: {beside[:2]}"
    for t in layout["tables"]:
        box = t["scroller"] or t
        assert box["left"] >= -1 and box["right"] <= vw + 1, f"a table's box runs off the screen: {t['text']!r}"
        if t["scrollWidth"] > t["clientWidth"] + 1 or t["right"] > vw + 1:  # wider than the screen
            assert t["scroller"] is not None and t["scroller"]["onlyTable"], \
                f"a wide table that does not scroll in a box of its own: {t['text']!r} {t['scroller']}"
    if name == "qingzhen_zh":  # its yearly tables are wider than a phone: the sideways scrolling is exercised
        assert any(t["scrollWidth"] > t["clientWidth"] + 1 for t in layout["tables"])


# -- printed -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(rendered, browser, artifacts) -> dict:
    """The Qingzhen brief in each language printed to PDF, and its print layout measured at the width of
    A4's text area: name → (the PDF's pages, Tab.print_breaks)."""
    out = {}
    for name in PRINTED:
        page = page_of(rendered, name)
        with browser.tab(*DESKTOP) as tab:
            tab.open(page)
            pdf = tab.pdf(artifacts / f"{name}.pdf")
        with browser.tab(A4_CONTENT_PX, 1000) as tab:  # the print layout at the width of A4's text area
            tab.open(page)
            measured = tab.print_breaks()
        out[name] = (pdf_pages(pdf), measured)
    return out


@pytest.mark.parametrize("name", PRINTED)
def test_printed_on_a4_with_a_full_first_page(printed, name):
    pages, measured = printed[name]
    assert len(pages) >= 2
    for p in pages:  # A4: 595.28 × 841.89 pt
        assert abs(p.width - 595.28) < 1 and abs(p.height - 841.89) < 1, (p.width, p.height)
    assert measured["scrollWidth"] <= measured["viewport"] + 1, \
        f"laid out wider than the paper, so printed shrunk to fit: {measured['wide']}"
    assert measured["forced"] == [], f"page breaks forced before the first chart: {measured['forced']}"
    # the text area, as the PDF shows it: from the highest first line to the lowest last line of any page
    top = min(min([*p.text_y, *(t for t, _ in p.images)]) for p in pages if p.text_y or p.images)
    bottom = max(p.lowest() for p in pages)
    fill = [(p.lowest() - top) / (bottom - top) for p in pages]
    assert fill[0] >= 0.75, f"the first page is {fill[0]:.0%} full"
    assert min(fill[:-1]) >= 0.4, f"a page before the last is {min(fill[:-1]):.0%} full: {[f'{f:.0%}' for f in fill]}"
    ideal = measured["contentHeight"] / ((bottom - top) * 96 / 72)  # pages of content, were nothing kept whole
    assert len(pages) <= math.ceil(ideal * 1.2) + 1, f"{len(pages)} pages for {ideal:.1f} pages of content"


def test_chinese_appendix_is_not_squeezed_on_paper(printed):
    """Chinese wraps anywhere and a value in code nowhere: without fixed columns the appendix's unit and
    source columns shrink to a few characters a line, and the Chinese PDF runs to twice the English."""
    narrow = [(c["header"], round(c["ems"], 1)) for c in printed["qingzhen_zh"][1]["columns"]
              if c["cls"] == "params" and c["ems"] < 4.5]
    assert not narrow, f"parameter columns a few characters wide on paper (header, ems): {narrow}"
    zh, en = len(printed["qingzhen_zh"][0]), len(printed["qingzhen_en"][0])
    assert zh <= 1.4 * en, f"the Chinese brief prints on {zh} pages, the English on {en}"


# -- attacks show as text ----------------------------------------------------------------------------------

def _poisoned(tmp_path):
    """The Qingzhen scenario with an attack in every free-text field a brief shows."""
    data = yaml.safe_load((ROOT / "params" / "qingzhen_2025.yaml").read_text(encoding="utf-8"))
    if data["meta"].get("documents"):  # the register the sources cite, where the scenario's copy can find it
        data["meta"]["documents"] = str(ROOT / "params" / data["meta"]["documents"])
    p = iter(PAYLOADS * 10)
    data["meta"]["title"] = next(p)
    data["meta"]["zone"] = next(p)
    data["meta"]["description"] = next(p)
    data["revenue"]["base_tax"]["source"] = next(p)
    data["revenue"]["base_tax"]["unit"] = next(p)
    data["salary"]["departments"]["value"][0]["name"] = next(p)
    data["salary"]["posts"]["value"][0]["level"] = next(p)
    data["salary"]["appraisal"]["quotas"]["value"][0]["grade"] = next(p)
    data["salary"]["park"]["grades"]["value"][0]["grade"] = next(p)
    for key in ("committee_grade", "company_grade", "link_threshold", "link_company_best"):
        if data["salary"]["park"][key]["value"] == "第一":
            data["salary"]["park"][key]["value"] = data["salary"]["park"]["grades"]["value"][0]["grade"]
    path = tmp_path / "poisoned.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_attacks_in_every_text_field_show_as_text(browser, tmp_path):
    path = _poisoned(tmp_path)
    outputs = []
    proc = simlib("brief", str(path), "--out", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    outputs.append(tmp_path / "b" / "brief.html")
    proc = simlib("compare", str(path), "--variant", PAYLOADS[1], "revenue.sharing.cap=null",
                  "--out", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    outputs.append(tmp_path / "c" / "brief.html")
    shown = {"b": PAYLOADS, "c": PAYLOADS[:2]}  # the comparison shows titles and variant names
    for page in outputs:
        report = open_page(page, tmp_path / f"{page.parent.name}.png", browser=browser)
        assert report.scripts == 0 and report.exceptions == [] and report.console_errors == []
        assert report.broken_images == 0 and report.outside_requests == []
        for payload in shown[page.parent.name]:
            assert payload in report.text  # shown literally, as text


# -- one language a page ---------------------------------------------------------------------------------

LANGUAGE_PAGES = {  # page → (its language, the run, the file under the run's --out, the scenarios it shows)
    **{name: ("en" if name.endswith("_en") else "zh", run, path, [QINGZHEN]) for name, (run, path) in BRIEFS.items()},
    "compare_en": ("en", "compare_en", "brief.html", [QINGZHEN]),
    "sweep_en": ("en", "sweep_en", "brief.html", [QINGZHEN]),
}
LANGUAGE_PAGES["jianshi_zh"] = ("zh", "batch", "jianshi_2021/brief.html", ["params/jianshi_2021.yaml"])
LANGUAGE_PAGES["yongchang_zh"] = ("zh", "yongchang_zh", "brief.html", ["params/yongchang_2024.yaml"])
LANGUAGE_PAGES["guangyuan_zh"] = ("zh", "guangyuan_zh", "brief.html", ["params/guangyuan_2023.yaml"])
LANGUAGE_PAGES["batch_index"] = ("zh", "batch", "index.html", [QINGZHEN, "params/jianshi_2021.yaml"])
#: Words a Chinese page may show outside code: proper names (of methods, libraries, the tool), mathematics.
ZH_ALLOWED = {"Kendall", "arccos", "min", "max", "simlib", "Sobol", "Morris", "SALib", "scipy", "LPR", "km"}


def _shown_text(page: Path) -> str:
    """What a reader reads as prose: no markup, code, styles or scripts."""
    text = re.sub(r"<(style|script|code|title)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S | re.I)
    return __import__("html").unescape(re.sub(r"<[^>]+>", " ", text))


def _names(run: str, scenarios: list[str]) -> list[str]:
    """The text a page shows as names: every string of its scenarios (titles, places, grades, glossary)
    and their file names, and the variant names its command gave."""
    from simlib.scenario import load

    out = []
    for path in scenarios:
        sc = load(ROOT / path)
        out += [sc.name, sc.path.name]
        stack = [sc.resolved()]
        while stack:
            x = stack.pop()
            if isinstance(x, str):
                out.append(x)
            elif isinstance(x, dict):
                stack += [*x.keys(), *x.values()]
            elif isinstance(x, list):
                stack += x
    args = RUNS[run]
    out += [args[i + 1] for i, a in enumerate(args) if a == "--variant"]
    return sorted(set(out), key=len, reverse=True)


@pytest.mark.parametrize("name", list(LANGUAGE_PAGES))
def test_every_page_reads_in_its_own_language(rendered, name):
    """A Chinese page has no English word outside code, names and proper names; an English page no
    Chinese outside the scenario's own names and quotations of its documents."""
    lang, run, path, scenarios = LANGUAGE_PAGES[name]
    proc, out = rendered[run]
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = _shown_text(out / path)
    for known in _names(run, scenarios):
        text = text.replace(known, " ")
    if lang == "zh":
        text = re.sub(r"--[a-z]+", " ", text)  # option names (--vary, --target) are the command's words
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ZH_ALLOWED
        assert not words, f"English words on the Chinese page {name}: {sorted(words)}"
    else:
        text = re.sub(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|《[^》]*》", " ", text)
        chinese = set(re.findall(CHINESE_RE, text))
        assert not chinese, f"Chinese on the English page {name} that its scenario does not name: {sorted(chinese)}"
