"""The brief's HTML: Jinja2 templates in ``simlib/brief/templates``, escaping everything by default.

Python code computes what a brief says (numbers formatted, sentences filled in,
charts drawn) and passes it to :func:`render` as plain values; the templates lay
out the markup.  Autoescaping is on for every template, so any text from a
scenario file, a variant name or the command line is shown as text, never read
as markup; no template marks such a value ``|safe``.  Chart images arrive as
``data:image/png;base64,…`` strings, which contain nothing that needs escaping.

Line breaks after block tags and the indentation before them are dropped
(``trim_blocks``, ``lstrip_blocks``); a table row is written on one line, so
each row comes out as ``<tr><td>…</td><td>…</td></tr>``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The one Environment of the brief templates (made on first use)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, **context: object) -> str:
    """The template ``name`` (a path under ``templates/``) rendered with ``context``."""
    return environment().get_template(name).render(**context)
