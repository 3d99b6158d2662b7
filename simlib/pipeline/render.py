"""Render an executed notebook into a brief: one self-contained HTML file.

The ``brief`` template (``simlib/pipeline/templates/brief``) is JupyterLab's without
require.js, MathJax, mermaid or widget scripts, so nothing is fetched from
the network; code, prompts, notes to the notebook's user, stderr and the font the notebook displays
for JupyterLab are left out (the page embeds a subset of the characters it shows instead).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).resolve().parent / "templates"


def to_html(executed: Path, title: str, language: str) -> str:
    from nbconvert import HTMLExporter

    from simlib.brief import webfont

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not _left_out(o)]
    nb.metadata["title"] = title  # the template escapes it
    exporter = HTMLExporter(
        template_name="brief",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
        exclude_raw=True,
        language_code=language,
    )
    body, _ = exporter.from_notebook_node(nb)
    return webfont.embed(body, language)


def _left_out(output: dict) -> bool:
    """What a brief does not show: stderr (warnings), and the font a notebook displays for JupyterLab
    (:func:`simlib.brief.webfont.notebook_font`): the page embeds a subset of its own characters."""
    from simlib.brief import webfont

    if output.get("output_type") == "stream":
        return output.get("name") == "stderr"
    metadata = output.get("metadata") or {}
    return all(metadata.get(k) == v for k, v in webfont.NOTEBOOK_FONT.items())
