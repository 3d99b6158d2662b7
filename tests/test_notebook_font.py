"""The font a notebook displays for JupyterLab (simlib.brief.webfont.notebook_font), end to end.

Run All in JupyterLab on a machine with no Chinese font must not show boxes: each brief notebook,
run as it is (its defaults, notebooks/ as the working folder, nbclient as JupyterLab's kernel
would run it), displays first one output marked as the notebook font whose ``@font-face`` covers
every character its other HTML outputs show.  ``simlib brief`` leaves that output out: the page embeds
a subset of its own characters, so the brief does not grow.
"""

from __future__ import annotations

import base64
import io
import re

import nbformat
import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, simlib
from test_explore_notebooks import execute
from test_webfont import unicode_range

from simlib.brief import webfont

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"  # a lighter Chinese brief
FONT_LINE = "webfont.notebook_font("


def notebook_font_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    """(the output's place among the notebook's outputs, the output) for each notebook-font output."""
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return [(i, o) for i, o in enumerate(outputs) if o.get("metadata") == webfont.NOTEBOOK_FONT]


@pytest.mark.parametrize("name", ["zone_brief.ipynb", "compare_brief.ipynb", "sweep_brief.ipynb",
                                  "sensitivity_brief.ipynb"])
def test_each_notebook_displays_a_font_for_every_character_it_shows(name):
    nb = execute(name)
    fonts = notebook_font_outputs(nb)
    assert len(fonts) == 1, f"{len(fonts)} notebook-font outputs"
    place, font = fonts[0]
    assert place == 0  # first, before any heading
    style = font["data"]["text/html"]
    assert style.startswith('<style id="simlib-notebook-font">') and style.endswith("</style>")
    faces = re.findall(r"@font-face \{[^}]*\}", style)
    assert len(faces) == 1 and f'font-family: "{webfont.FAMILY}"' in faces[0]
    points = unicode_range(faces[0])
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", faces[0]).group(1)
    assert set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()) == points  # the range is what it holds
    # the rule that makes JupyterLab's (and the classic notebook's) HTML outputs use it, and only those
    assert re.search(r'\.jp-OutputArea-output\.jp-RenderedHTMLCommon, \.output_html\.rendered_html '
                     r'\{ font-family: "simlib CJK", var\(--jp-content-font-family, ', style)
    assert not re.search(r"(^|[\s,}])(body|html|:root|\.jp-Notebook|\.jp-RenderedHTMLCommon)\s*[{,]", style)

    others = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
              if "text/html" in o.get("data", {}) and o is not font]
    shown = set(webfont.page_characters("".join(others)))  # text and attributes (alt texts), not style or script
    chinese = {c for c in shown if webfont._cjk(c)}
    assert len(chinese) > 50  # the brief, in Chinese
    uncovered = sorted(c for c in shown if ord(c) in webfont.codepoints() and ord(c) not in points)
    assert not uncovered, "".join(uncovered)  # a Chinese notebook takes every character outside ASCII from it
    print(f"\n{name}: notebook font {len(style) / 1024:.0f} KB, {len(points)} characters; "
          f"the outputs show {len(shown)}")


def test_a_rendered_brief_leaves_the_notebook_font_out_and_does_not_grow(tmp_path):
    """The brief as ``simlib brief`` publishes it, against the same brief from the notebook without the
    font's line (as it was before the notebook displayed one)."""
    nb = nbformat.read(ROOT / "notebooks" / "zone_brief.ipynb", as_version=4)
    removed = 0
    for cell in nb.cells:
        lines = cell.source.splitlines()
        kept = [line for line in lines if FONT_LINE not in line and not line.startswith("# The briefs' Chinese font")
                and line != "if notebook_font:"]
        removed += sum(FONT_LINE in line for line in lines)
        cell.source = "\n".join(kept)
    assert removed == 1  # the notebook displays it once
    without = tmp_path / "without_font.ipynb"
    nbformat.write(nb, without)

    pages = {}
    for name, extra in (("before", ["--notebook", str(without)]), ("after", [])):
        proc = simlib("brief", str(YONGCHANG), "--out", str(tmp_path / name), *extra)
        assert proc.returncode == 0, proc.stderr
        pages[name] = (tmp_path / name / "brief.html").read_text(encoding="utf-8")
    page = pages["after"]
    assert page.count('<style id="simlib-webfont">') == 1
    assert "simlib-notebook-font" not in page and "data:font/woff;" not in page
    size = {name: len(p.encode("utf-8")) for name, p in pages.items()}
    assert abs(size["after"] - size["before"]) <= 2048, size  # the same page (its time stamp aside)
    # the embedded subset is the page's own characters, not the notebook's
    rule = re.search(r'<style id="simlib-webfont">(.*?)</style>', page, re.S).group(1)
    own = webfont.page_characters(re.sub(r'<style id="simlib-webfont">.*?</style>', "", page, flags=re.S))
    assert unicode_range(rule) == {ord(c) for c in own} & webfont.codepoints()
    print(f"\nbrief: {size['before'] / 1024:.1f} KB without the notebook font's line, "
          f"{size['after'] / 1024:.1f} KB with it")


def test_the_pipeline_tells_a_notebook_that_declares_it_not_to_build_the_notebook_font(tmp_path, monkeypatch):
    """A brief embeds its own subset: the notebooks' larger JupyterLab font is not even built in a run
    (``notebook_font=False``), and a notebook that does not declare the parameter is not given it
    (papermill would warn of an unknown parameter)."""
    from simlib.pipeline import brief, execute

    for name in ("zone_brief", "compare_brief", "sweep_brief", "sensitivity_brief"):
        assert "notebook_font" in execute.declared_parameters(ROOT / "notebooks" / f"{name}.ipynb"), name
    given = []

    def fake(notebook, output, parameters, cwd):
        given.append(parameters)
        return execute.Failure(None, "stopped by the test")

    monkeypatch.setattr(execute, "execute", fake)
    brief.publish_brief("q", ROOT / "notebooks" / "zone_brief.ipynb", {"scenario_path": "x"}, tmp_path / "a", "t", "zh")
    assert given[-1]["notebook_font"] is False
    plain = tmp_path / "plain.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    nbformat.write(nb, plain)
    brief.publish_brief("p", plain, {"x": 2}, tmp_path / "b", "t", "zh")
    assert "notebook_font" not in given[-1]
