"""The briefs' Chinese font, embedded: a WOFF2 subset of Noto Sans CJK SC as a ``data:`` URI.

A brief must read the same on a machine with no Chinese font (a fresh Linux desktop, many
office machines abroad), so every HTML page simlib writes carries, in an ``@font-face`` rule,
the glyphs of the one font the charts already use (shipped by ``mpl-font``), cut down with
:mod:`fontTools.subset` to the characters the page contains and compressed as WOFF2.

Only characters outside ASCII are subset: Latin letters and digits come from the reader's
own sans-serif, which every machine has (``unicode-range`` tells the browser so).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re

FAMILY = "simlib CJK"  # the name pages use for the embedded subset


def _shown(character: str) -> bool:
    """Drawn with a glyph, and outside ASCII."""
    return ord(character) > 0x7E and character.isprintable() and not character.isspace()


def _font_path() -> str:
    from simlib.brief import charts  # imports matplotlib, so only when a font is needed

    return str(charts.font_path())


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
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.layout_features = []  # horizontal simplified Chinese needs no substitution; they doubled the size
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]  # empty without features; vertical text
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    options.desubroutinize = True  # smaller for a few hundred glyphs: their subroutines are mostly unshared
    font = subset.load_font(_font_path(), options, lazy=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in characters}))
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue()


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
    have = sorted({ord(c) for c in characters} & codepoints())
    data = base64.b64encode(woff2("".join(map(chr, have)))).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; '
            f"font-display: block; unicode-range: {_ranges(have)}; "
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


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
