"""The briefs' Chinese font, embedded: a WOFF2 subset of Noto Sans CJK SC as a ``data:`` URI.

A brief must read the same on a machine with no Chinese font (a fresh Linux desktop, many
office machines abroad), so every HTML page simlib writes carries, in an ``@font-face`` rule,
the glyphs of the one font the charts already use (shipped by ``mpl-font``), cut down with
:mod:`fontTools.subset` to the characters the page contains and compressed as WOFF2.

Only characters outside ASCII are subset: Latin letters and digits come from the reader's
own sans-serif, which every machine has (``unicode-range`` tells the browser so).

A notebook run in JupyterLab shows the same HTML without a page around it: it displays
:func:`notebook_font` first, a subset of every character it may show (:func:`notebook_texts`),
which a rendered brief leaves out, since it embeds its own.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib.util
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

FAMILY = "simlib CJK"  # the name pages use for the embedded subset


def _shown(character: str) -> bool:
    """Drawn with a glyph, and outside ASCII."""
    return ord(character) > 0x7E and character.isprintable() and not character.isspace()


def font_path() -> Path:
    """Noto Sans CJK SC as the ``mpl-font`` package ships it (the charts draw with it too).

    Found without importing ``mpl_font``: its ``__init__`` imports matplotlib's state-machine
    interface (over a second), and the font file is all that is needed of it.  (This is
    ``importlib.resources.files("mpl_font") / "fonts" / "noto" / "NotoSansCJKsc-Regular.otf"``
    without running the package.)  Raises ModuleNotFoundError when mpl-font is not installed.
    """
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the mpl-font package (the briefs' CJK font) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "noto" / "NotoSansCJKsc-Regular.otf"


def _font_path() -> str:
    return str(font_path())


@functools.cache
def codepoints() -> frozenset[int]:
    """Every code point the brief font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(_font_path(), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing(text: str) -> list[str]:
    """The characters of ``text`` (printable, outside ASCII) that the brief font cannot draw, in order of first use."""
    have = codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        if _shown(ch) and ord(ch) not in have:
            seen.setdefault(ch)
    return list(seen)


def woff2(characters: str) -> bytes:
    """A WOFF2 font with the brief font's glyphs for ``characters`` only (no hinting, no layout features).

    About 150 bytes a character: a Chinese brief of 430 distinct characters adds about 64 KB (85 KB as base64).
    """
    return _subset(characters, "woff2")[0]


def _subset(characters: str, flavor: str) -> tuple[bytes, list[int]]:
    """The brief font cut down to those of ``characters`` it has, as ``flavor`` (woff2: the smallest;
    woff: about 10% bigger, written ten times faster), and their code points, sorted.  The font's
    character map is read once, for both (:func:`codepoints` reads it again)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = flavor
    options.hinting = False
    options.layout_features = []  # horizontal simplified Chinese needs no substitution; they doubled the size
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]  # empty without features; vertical text
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    options.desubroutinize = True  # smaller for a few hundred glyphs: their subroutines are mostly unshared
    font = subset.load_font(_font_path(), options, lazy=True)
    try:
        have = sorted({ord(c) for c in characters} & font.getBestCmap().keys())  # none the font lacks: no warning
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=have)
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue(), have


_SKIP = re.compile(r"<!--.*?-->|<(script|style|template)\b.*?</\1\s*>", re.S | re.I)  # never drawn
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(r"""[\s/][^\s"'<>/=]+\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_HEAD_END = re.compile(r"</head\s*>", re.I)
_STYLE_ID = "simlib-webfont"  # the id of the <style> embed writes
_EMBEDDED = re.compile(rf'<style id="{_STYLE_ID}">.*?</style>\n?', re.S)


def page_characters(page: str) -> str:
    """The characters outside ASCII that ``page`` (HTML) can show, sorted: its text and its attributes'
    values (an ``alt`` text is drawn in the page's font when its image is not), entities decoded;
    not what is in comments, ``<script>``, ``<style>`` or ``<template>``."""
    page = _SKIP.sub(" ", page)
    values = [html.unescape(next(v for v in m.groups() if v is not None))
              for tag in _TAG.findall(page) for m in _ATTRIBUTE.finditer(tag)]
    text = html.unescape(_TAG.sub(" ", page))
    return "".join(sorted({c for part in (text, *values) for c in part if _shown(c)}))


def _ranges(points: list[int]) -> str:
    """``unicode-range`` for sorted ``points``: runs of consecutive code points as ``U+4E00-4E03``."""
    runs: list[list[int]] = []
    for p in points:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def font_face(characters: str) -> str:
    """An ``@font-face`` rule for :data:`FAMILY` carrying ``characters``'s glyphs as a data URI; its
    ``unicode-range`` is the characters the font has, so the browser asks it for nothing else."""
    return _face(*_subset(characters, "woff2"), "woff2")


def _face(data: bytes, points: list[int], flavor: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; '
            f"font-display: block; unicode-range: {_ranges(points)}; "
            f'src: url(data:font/{flavor};base64,{encoded}) format("{flavor}"); }}')


#: Blocks whose characters an English page takes from the embedded font: CJK punctuation, ideographs,
#: full-width forms.  Quotation marks, dashes and arrows of English text stay in the reader's Latin font.
CJK_BLOCKS = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31BF), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def _cjk(character: str) -> bool:
    return any(lo <= ord(character) <= hi for lo, hi in CJK_BLOCKS)


def embed(page: str, language: str = "zh") -> str:
    """``page`` with an ``@font-face`` rule for the characters it uses, in a ``<style>`` at the end of its ``<head>``.

    A Chinese page (``language`` zh) takes every character outside ASCII from the font, so “”、— look
    as Chinese text sets them; an English page only the characters of :data:`CJK_BLOCKS`.

    A page with no character outside ASCII that the font has is returned as it is (less any rule
    embedded earlier).  Embedding again replaces the earlier rule, so a page carries one.  Pages
    name :data:`FAMILY` first in their ``font-family`` lists (the brief's stylesheet also points
    JupyterLab's font variables at it): the rule alone changes nothing a page shows.
    """
    page = _EMBEDDED.sub("", page)
    characters = page_characters(page)
    if language != "zh":
        characters = "".join(c for c in characters if _cjk(c))
    if characters:  # the font is opened only for a page that has such characters
        have = codepoints()
        characters = "".join(c for c in characters if ord(c) in have)
    if not characters:
        return page
    head_end = _HEAD_END.search(page)
    if head_end is None:
        raise ValueError("the page has no </head> to put the embedded font in")
    style = f'<style id="{_STYLE_ID}">{font_face(characters)}</style>\n'
    return page[:head_end.start()] + style + page[head_end.start():]


# -- the font of a notebook's outputs ----------------------------------------------------------------

#: The display metadata of :func:`notebook_font`'s output; :func:`simlib.pipeline.render.to_html` leaves
#: such outputs out (a brief embeds a subset of its own characters, :func:`embed`).
NOTEBOOK_FONT = {"simlib": "notebook-font"}

#: Where notebooks show HTML outputs: JupyterLab 4, Notebook 7 and nbconvert's ``lab`` template (an
#: output's renderer carries both classes; a Markdown cell's has no ``jp-OutputArea-output``), and the
#: classic notebook and nbconvert's ``classic`` template.
OUTPUT_SELECTORS = (".jp-OutputArea-output.jp-RenderedHTMLCommon", ".output_html.rendered_html")

#: What follows :data:`FAMILY` where JupyterLab's variables are not set (the classic notebook's families).
_TEXT_FALLBACK = '"Helvetica Neue", Helvetica, Arial, sans-serif'
_CODE_FALLBACK = 'Menlo, Monaco, Consolas, "Courier New", monospace'


def _outputs(below: str = "") -> str:
    return ", ".join(f"{s} {below}".rstrip() for s in OUTPUT_SELECTORS)


class NotebookFont:
    """What :func:`notebook_font` returns: an HTML output (``data``) whose display metadata is
    :data:`NOTEBOOK_FONT`, so ``display(notebook_font(…))`` marks it without being told."""

    def __init__(self, data: str, characters: str):
        self.data = data
        self.characters = characters  # those its @font-face rule carries

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.data, "text/plain": ""}, dict(NOTEBOOK_FONT)

    def _repr_html_(self) -> str:
        return self.data


def notebook_font(texts: Iterable[str], language: str = "zh") -> NotebookFont:
    """The font a notebook displays once, before its brief, so that JupyterLab shows the brief's Chinese
    on a machine with no Chinese font: a ``<style>`` with an ``@font-face`` rule for :data:`FAMILY`
    holding the glyphs of the characters of ``texts`` (every text the notebook may show:
    :func:`notebook_texts`), and rules naming it first for the text and the code of HTML outputs
    (:data:`OUTPUT_SELECTORS`), before the front end's own families.  Its ``unicode-range`` is the
    characters it holds, so the browser takes nothing else from it.

    As in :func:`embed`, a Chinese notebook (``language`` zh) takes every character outside ASCII from
    the font, an English one only those of :data:`CJK_BLOCKS`.  The font is WOFF, not WOFF2: a
    little bigger, but written in a tenth of the time, in a notebook that ``simlib brief`` runs only
    to leave this output out (:func:`simlib.pipeline.render.to_html`).
    """
    characters = {c for text in texts for c in text if _shown(c)}
    if language != "zh":
        characters = {c for c in characters if _cjk(c)}
    data, points = _subset("".join(sorted(characters)), "woff") if characters else (b"", [])
    if not points:
        return NotebookFont("", "")
    code = ", ".join(_outputs(tag) for tag in ("pre", "code", "kbd", "samp"))
    style = (f'<style id="simlib-notebook-font">{_face(data, points, "woff")}\n'
             f'{_outputs()} {{ font-family: "{FAMILY}", var(--jp-content-font-family, {_TEXT_FALLBACK}); }}\n'
             f'{code} {{ font-family: "{FAMILY}", var(--jp-code-font-family, {_CODE_FALLBACK}); }}</style>')
    return NotebookFont(style, "".join(map(chr, points)))


@functools.cache
def _code_texts() -> tuple[str, ...]:
    """The characters outside ASCII in simlib's own source and HTML templates (every label and parameter
    name, and the words and signs its code and templates write; comments too: a superset is enough),
    and the models' titles and headlines (a plugin's too)."""
    from pathlib import Path

    import simlib
    from simlib.models import registry

    texts = []
    for path in sorted(p for p in Path(simlib.__file__).resolve().parent.rglob("*") if p.suffix in (".py", ".j2")):
        try:
            texts.append("".join(sorted({c for c in path.read_text(encoding="utf-8") if _shown(c)})))
        except (OSError, ValueError):
            continue
    for model in registry():
        texts.extend(model.title.values())
        texts.extend(text for h in model.headlines for text in h.label.values())
    return tuple(texts)


def _data_texts(value: Any, out: list[str]) -> None:
    """The strings of plain data (mappings' keys and values, sequences' items), appended to ``out``."""
    if isinstance(value, str):
        if not value.isascii():
            out.append(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _data_texts(key, out)
            _data_texts(item, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _data_texts(item, out)


def _scenario_texts(scenario: Any, out: list[str]) -> None:
    """What a brief may show of ``scenario``: its file's path, its resolved values' strings, every
    leaf's unit, source and note in both languages, its register's titles, places and files, its
    overrides, and its roster's department and post names."""
    out.append(str(scenario.path))
    _data_texts(scenario.resolved(), out)
    for leaf in scenario.leaves.values():
        out.extend(t for t in (leaf.unit, leaf.source, leaf.note, *leaf.zh.values()) if t)
    for document in scenario.documents.values():
        out.extend((*document.title.values(), *document.place.values(), document.file))
    out.extend(scenario.overrides)
    if scenario.roster is not None:
        out.extend((*scenario.roster.department_names, *scenario.roster.post_names))


def notebook_texts(*sources: Any) -> list[str]:
    """Every text a notebook may show about ``sources``, for :func:`notebook_font` (a superset of its
    characters is enough): simlib's own words and signs in both languages (:func:`_code_texts`), and of each
    source: of a scenario (:class:`simlib.scenario.Scenario`) what :func:`_scenario_texts` lists; of a
    run (:class:`simlib.scenario.ScenarioRun`) that of its scenario and its metrics' strings; of plain
    data (an explore notebook's spec and results, a comparison's parameters) and paths, their strings."""
    from simlib.scenario import Scenario, ScenarioRun

    out = list(_code_texts())
    for source in sources:
        if isinstance(source, Scenario):
            _scenario_texts(source, out)
        elif isinstance(source, ScenarioRun):
            _scenario_texts(source.scenario, out)
            _data_texts(source.data, out)
        elif isinstance(source, PurePath):
            out.append(str(source))
        else:
            _data_texts(source, out)
    return out
