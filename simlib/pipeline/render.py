"""Render an executed notebook into a brief: one self-contained HTML file.

The ``brief`` template (``simlib/pipeline/templates/brief``) is JupyterLab's without
require.js, MathJax, mermaid or widget scripts, so nothing is fetched from
the network; code, prompts, notes to the notebook's user and stderr are left out.
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
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
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
