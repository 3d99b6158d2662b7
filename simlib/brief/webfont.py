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

from simlib.brief import charts

FAMILY = "simlib CJK"  # the name pages use for the embedded subset


@functools.cache
def codepoints() -> frozenset[int]:
    """Every code point the brief font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(charts.font_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing(text: str) -> list[str]:
    """The characters of ``text`` (printable, outside ASCII) that the brief font cannot draw, in order of first use."""
    have = codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) > 0x7E and ch.isprintable() and not ch.isspace() and ord(ch) not in have:
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
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    font = subset.load_font(str(charts.font_path()), options, lazy=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in characters}))
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue()


_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.S | re.I)


def page_characters(page: str) -> str:
    """The characters outside ASCII that ``page`` (HTML) shows: its text, attributes included, entities decoded."""
    text = html.unescape(_TAG.sub(" ", page))
    return "".join(sorted({c for c in text if ord(c) > 0x7E and c.isprintable() and not c.isspace()}))


def font_face(characters: str) -> str:
    """An ``@font-face`` rule for :data:`FAMILY` carrying ``characters``'s glyphs as a data URI."""
    data = base64.b64encode(woff2(characters)).decode("ascii")
    ranges = ",".join(f"U+{ord(c):X}" for c in characters if ord(c) in codepoints())
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; '
            f"font-display: block; unicode-range: {ranges}; "
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


def embed(page: str) -> str:
    """``page`` with an ``@font-face`` rule for the characters it uses, in a ``<style>`` at the end of its ``<head>``.

    A page with no character outside ASCII is returned unchanged.  Pages name :data:`FAMILY`
    first in their ``font-family`` lists.
    """
    characters = "".join(c for c in page_characters(page) if ord(c) in codepoints())
    if not characters:
        return page
    style = f"<style>{font_face(characters)}</style>\n"
    head_end = page.find("</head>")
    if head_end < 0:
        raise ValueError("the page has no </head> to put the embedded font in")
    return page[:head_end] + style + page[head_end:]
