"""Text for a terminal: what the ``simlib`` command prints cannot move the cursor, clear the screen
or forge a line.

A title, a file name or a path may hold control characters (an escape sequence, a newline, a
carriage return, a right-to-left override).  :func:`shown` writes each of them as a Python escape
(``\\x1b``, ``\\n``, ``\\u202e``), so every line the command prints is one line, as written.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidirectional
#: overrides and isolates, zero-width characters, the byte-order mark).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def shown(text: object) -> str:
    """``str(text)`` with every control or text-reordering character escaped (``\\n``, ``\\x1b``, ``\\u202e``);
    other text, Chinese included, unchanged.  Surrogates (undecodable bytes of a file name) are shown as
    ``\\udcXX`` rather than failing to print."""
    text = str(text)

    def escape(m: re.Match) -> str:
        ch = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
            f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")

    text = _UNSAFE.sub(escape, text)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = "".join(f"\\u{ord(ch):04x}" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text
