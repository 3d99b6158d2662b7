"""The brief kernel is simlib's own Python, and warnings say something (issue items 8 and 9).

- A ``python3`` kernel spec on the user's Jupyter search path pointing at another interpreter is
  not used: briefs run in ``sys.executable``; an import error in the kernel names its interpreter.
- A warning raised while a notebook runs reaches the command line as ``Category: message``, one line,
  not as the line of code that raised it.
- Scenario text the brief font cannot draw is reported, one line per character and key, before any
  kernel starts; the exit status is unchanged.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import ROOT, simlib
from simlib.pipeline import execute
from simlib.scenario.problems import font_warnings

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"
BOX = "is not in the brief font and will show as a box"


def notebook(folder: Path, *sources: str, name: str = "tiny.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def foreign_python3(tmp_path, monkeypatch) -> dict[str, str]:
    """A Jupyter search path whose ``python3`` kernel is another interpreter (the system's, without
    simlib or ipykernel), as a user's ``~/.local/share/jupyter`` or ``JUPYTER_PATH`` may hold."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    other = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else str(tmp_path / "no-such-python")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [other, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (somewhere else)", "language": "python"}), encoding="utf-8")
    env = {"JUPYTER_PATH": str(tmp_path / "jupyter"), "JUPYTER_DATA_DIR": str(tmp_path / "jupyter")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


# -- item 9: the kernel is the project's own --------------------------------------------------------------


def test_a_foreign_python3_kernel_on_the_jupyter_path_is_not_used(foreign_python3, tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] != sys.executable  # the trap is set
    out = tmp_path / "out"
    proc = simlib("brief", str(QINGZHEN), "--out", str(out), env=foreign_python3)
    assert proc.returncode == 0, proc.stderr
    assert (out / "brief.html").is_file() and (out / "results.json").is_file()
    assert "warning" not in proc.stderr  # the kernel could be arranged: nothing to say about it


def test_the_kernel_runs_this_interpreter(foreign_python3, tmp_path):
    nb = notebook(tmp_path, "import sys, simlib\nprint(sys.executable)")
    failure = execute.execute(nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert failure is None, failure
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs
    assert [o.text.strip() for o in out if o.get("name") == "stdout"] == [sys.executable]


def test_an_import_error_in_the_kernel_names_its_interpreter(tmp_path):
    nb = notebook(tmp_path, "raise ModuleNotFoundError(\"No module named 'simlib'\", name='simlib')")
    failure = execute.execute(nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert str(failure) == f"cell 1: ModuleNotFoundError: No module named 'simlib' (the kernel ran {sys.executable})"


def test_the_kernel_spec_is_ipykernels_for_this_python():
    spec = execute.kernel_spec()
    assert spec.argv[0] == sys.executable and spec.argv[1:3] == ["-m", "ipykernel_launcher"]
    assert execute.kernel_note() is None


def test_a_simlib_found_only_from_the_start_up_folder_is_put_on_the_kernels_path(monkeypatch, tmp_path):
    """``python -m simlib.cli`` in a checkout that is not installed: sys.path[0] is the checkout, and
    the kernel, started in a staging folder, would not find simlib there without PYTHONPATH."""
    import simlib

    home = str(Path(simlib.__file__).resolve().parent.parent)
    rest = [p for p in sys.path[1:] if Path(p or ".").resolve() != Path(home)]
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setattr(sys, "path", [home, *rest])
    assert execute.kernel_spec().env == {"PYTHONPATH": os.pathsep.join([home, "/elsewhere"])}
    monkeypatch.setattr(sys, "path", [str(tmp_path), *rest])  # installed: the kernel finds it as this process did
    assert execute.kernel_spec().env == {}


# -- item 8: warnings that say something -----------------------------------------------------------------


def test_warnings_are_their_category_and_message_once_each():
    texts = [
        "UserWarning: Glyph 128512 (\\N{GRINNING FACE}) missing from font(s) Noto Sans CJK SC.\n"
        "UserWarning: Glyph 128512 (\\N{GRINNING FACE}) missing from font(s) Noto Sans CJK SC.\n",
        # Python's own format, in case a kernel shows warnings its way: the code line is not the message
        "/tmp/ipykernel_1/2.py:3: FutureWarning: the old way\n  warnings.warn('the old way', FutureWarning)\n",
        "/tmp/ipykernel_1/3.py:5: UserWarning: Glyph 20013 missing\n  fig.savefig(buf)\n",
        "findfont: Font family 'x' not found.\nstill looking\n",  # not a warning: its last line, as before
        "Warning: plain\n",
        "UserWarning: Glyph 128512 (\\N{GRINNING FACE}) missing from font(s) Noto Sans CJK SC.\n",
        "",
    ]
    assert execute.warnings_in(texts) == [
        "UserWarning: Glyph 128512 (\\N{GRINNING FACE}) missing from font(s) Noto Sans CJK SC.",
        "FutureWarning: the old way",
        "UserWarning: Glyph 20013 missing",
        "still looking",
        "Warning: plain",
    ]


def test_a_notebooks_warnings_are_one_line_messages(tmp_path):
    nb = notebook(
        tmp_path,
        "print('warnings' in dir(), file=__import__('sys').stderr)",
        "import warnings\nwarnings.warn('which character\\nthe font lacks, in which label')",
        "import io\nfrom matplotlib.figure import Figure\nfrom simlib.brief import charts\n"
        "with charts.style():\n    fig = Figure()\n    fig.text(0.5, 0.5, 'smile \\U0001F600')\n"
        "    fig.savefig(io.BytesIO(), format='png')",
    )
    assert execute.execute(nb, tmp_path / "out.ipynb", {}, cwd=tmp_path) is None
    assert execute.warnings_in(execute.stderr_text(tmp_path / "out.ipynb")) == [
        "False",  # the start-up line leaves no name behind
        "UserWarning: which character the font lacks, in which label",
        "UserWarning: Glyph 128512 (\\N{GRINNING FACE}) missing from font(s) Noto Sans CJK SC.",
    ]


def test_the_command_line_says_the_warning_not_the_code(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "zone_brief.ipynb", as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells.insert(code[2], nbformat.v4.new_code_cell(
        "import warnings\nwarnings.warn('label X: character 😀 is not in the font')\n"
        "import io\nfrom matplotlib.figure import Figure\nfrom simlib.brief import charts\n"
        "with charts.style():\n    fig = Figure()\n    fig.text(0.5, 0.5, 'Ą')\n"
        "    fig.savefig(io.BytesIO(), format='png', bbox_inches='tight')"))
    path = tmp_path / "warns.ipynb"
    nbformat.write(nb, path)
    proc = simlib("brief", str(YONGCHANG), "--out", str(tmp_path / "out"), "--notebook", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "notebook wrote to stderr" in line]
    assert lines == [
        "simlib: yongchang_2024: notebook wrote to stderr: UserWarning: label X: character 😀 is not in the font",
        "simlib: yongchang_2024: notebook wrote to stderr: UserWarning: Glyph 260 "
        "(\\N{LATIN CAPITAL LETTER A WITH OGONEK}) missing from font(s) Noto Sans CJK SC.",
    ], proc.stderr


# -- item 8: scenario text the font lacks, before any kernel ---------------------------------------------


@pytest.fixture
def emoji_scenario(tmp_path) -> Path:
    data = yaml.safe_load(QINGZHEN.read_text(encoding="utf-8"))
    data["meta"]["title"] = "清镇 😀 情景 😀"
    data["salary"]["departments"]["value"][1]["name"] = "经济发展部🏭"
    data["revenue"]["base_tax"]["source"] = "assumption — 🙂"
    path = tmp_path / "emoji.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    register = yaml.safe_load((QINGZHEN.parent / data["meta"]["documents"]).read_text(encoding="utf-8"))
    register["001"]["title"]["en"] += " 📄"
    (tmp_path / data["meta"]["documents"]).parent.mkdir(parents=True)
    (tmp_path / data["meta"]["documents"]).write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    return path


def expected(path: Path) -> list[str]:
    register = path.parent / "sources" / "documents.yaml"
    return [f"{path}: meta.title: character '😀' (U+1F600) {BOX}",
            f"{path}: salary.departments[1].name: character '🏭' (U+1F3ED) {BOX}",
            f"{path}: revenue.base_tax.source: character '🙂' (U+1F642) {BOX}",
            f"{register}: 001.title.en: character '📄' (U+1F4C4) {BOX}"]


def test_check_warns_of_each_character_the_font_lacks_and_still_passes(emoji_scenario):
    proc = simlib("check", str(emoji_scenario), str(YONGCHANG))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == expected(emoji_scenario)
    assert proc.stdout.count(": OK (") == 2


def test_the_shipped_scenarios_draw_with_the_brief_font():
    proc = simlib("check", *map(str, sorted((ROOT / "params").glob("*.yaml"))))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_the_font_check_comes_before_any_kernel(emoji_scenario, tmp_path):
    taken = tmp_path / "a-file"
    taken.write_text("", encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    proc = simlib("brief", str(emoji_scenario), "--out", str(taken), env={"JUPYTER_RUNTIME_DIR": str(runtime)})  # refused: no kernel starts
    assert list(runtime.iterdir()) == []  # no kernel connection file: the warnings came first, and alone
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [*expected(emoji_scenario), f"simlib: {taken}: exists and is not a folder"]
    proc = simlib("compare", str(emoji_scenario), "--variant", "六四🎯", "revenue.sharing.zone_share=0.6",
                  "--out", str(taken))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        *expected(emoji_scenario),
        f"simlib compare: --variant '六四🎯': character '🎯' (U+1F3AF) {BOX}",
        f"simlib: {taken}: exists and is not a folder"]


def test_font_warnings_name_the_file_key_and_character(emoji_scenario):
    from simlib import scenario

    sc = scenario.load(emoji_scenario, ["meta.description=Ąnother ‘way’"])
    assert [str(p) for p in font_warnings(sc)] == [
        *expected(emoji_scenario)[:1], f"{emoji_scenario}: meta.description: character 'Ą' (U+0104) {BOX}",
        *expected(emoji_scenario)[1:]]
    assert font_warnings(scenario.load(QINGZHEN)) == []


def test_a_rosters_departments_and_levels_are_checked_too(tmp_path):
    from simlib import scenario
    from test_roster import ROWS, csv_text, write

    rows = [r.replace("招商服务部", "招商🚀部").replace(",专员,", ",专员🧪,") for r in ROWS]
    problems = font_warnings(scenario.load(write(tmp_path, csv_text(rows))))
    roster = tmp_path / "roster.csv"
    assert [str(p) for p in problems] == [f"{roster}: department: character '🚀' (U+1F680) {BOX}",
                                          f"{roster}: level: character '🧪' (U+1F9EA) {BOX}"]
