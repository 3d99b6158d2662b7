"""The sweep and sensitivity notebooks run top to bottom as they are (JupyterLab's Run All: no papermill,
no parameters injected, notebooks/ as the working folder) and reopen a results.json the command line
published, without running a model.  Executed with nbclient; the notebooks on disk are not changed."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from conftest import ROOT, simlib

NOTEBOOKS = ROOT / "notebooks"
QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
DOTTED = re.compile(r"\b(?:meta|revenue|salary|land|zone)\.[A-Za-z_]")


def _kernel_manager():
    """The kernel every brief runs in (ipykernel of this Python), whatever python3 kernel Jupyter's
    search path holds."""
    from jupyter_client import AsyncKernelManager

    from simlib.pipeline.execute import kernel_spec

    spec = kernel_spec()

    class Manager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            return spec or AsyncKernelManager.kernel_spec.fget(self)

    return Manager


def execute(name: str, **values) -> nbformat.NotebookNode:
    """Run notebook ``name`` in notebooks/; ``values`` (if any) are set in a cell after the parameters
    cell, as papermill would; the notebook file itself is left as it is."""
    path = NOTEBOOKS / name
    before = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs committed"
    if values:
        at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
        nb.cells.insert(at + 1, new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items())))
    NotebookClient(nb, timeout=180, kernel_name="python3", kernel_manager_class=_kernel_manager(),
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert path.read_bytes() == before
    return nb


def shown(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """(the HTML the notebook displayed, what it wrote to stderr)."""
    html, errors = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                errors.append(out["text"])
            html.append(out.get("data", {}).get("text/html", ""))
    return "".join(html), "".join(errors)


def words(html: str) -> str:
    html = re.sub(r"<code>.*?</code>", " ", re.sub(r'src="data:[^"]*"', "", html), flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_sweep_notebook_runs_as_it_is():
    html, errors = shown(execute("sweep_brief.ipynb"))
    assert not errors, errors
    assert "<h1>参数扫描：" in html and "<h2>参数与指标的程序名称</h2>" in html
    assert html.count('src="data:image/png;base64,') == 1
    text = words(html)
    assert "变动参数：封顶从 1.00亿元/年 到 3.00亿元/年（5 个取值）" in text and "共 25 个网格点" in text
    assert "目标：开发区所得合计第 20 百分位数不低于 12.00亿元" in text
    assert "斜线阴影为目标成立区域" in text and "目标在 25 个网格点中的" in text
    assert not DOTTED.search(text), DOTTED.search(text)
    assert "<code>revenue.sharing.cap</code>" in html


def test_the_sensitivity_notebook_runs_as_it_is():
    html, errors = shown(execute("sensitivity_brief.ipynb"))
    assert not errors, errors
    assert "<h1>敏感性分析：" in html and "<h2>参数与指标的程序名称</h2>" in html
    text = words(html)
    assert "指标：开发区所得合计均值（亿元）" in text
    # n = 64 cannot tell the zone's share from the growth volatility; the brief says so, and what n would
    assert "注意：区间太宽，不足以给出完整排序" in text and "≈" in text
    assert "基础样本量 n 需从 64 增加到约 512" in text
    assert not DOTTED.search(text), DOTTED.search(text)


def test_the_notebooks_redraw_a_published_results_json_without_running_a_model(tmp_path):
    sweep_out, sens_out = tmp_path / "sweep", tmp_path / "sens"
    proc = simlib("sweep", str(QINGZHEN), "--vary", "revenue.sharing.cap=1:2:3", "--paths", "100",
                  "--target", "revenue.zone_payout_total_p20>=13", "--lang", "en", "--out", str(sweep_out))
    assert proc.returncode == 0, proc.stderr
    proc = simlib("sensitivity", str(QINGZHEN), "--vary", "revenue.sharing.cap=1:3", "--vary",
                  "revenue.growth.volatility=0.05:0.3", "--metric", "revenue.pooled_total_mean", "--method",
                  "morris", "--n", "6", "--paths", "100", "--lang", "en", "--out", str(sens_out))
    assert proc.returncode == 0, proc.stderr
    # a scenario that does not exist: had the notebook run a model, it would fail
    nowhere = {"scenario": str(tmp_path / "no-such-scenario.yaml"), "language": "en"}

    html, errors = shown(execute("sweep_brief.ipynb", results_from=str(sweep_out / "results.json"), **nowhere))
    assert not errors, errors
    published = (sweep_out / "brief.html").read_text(encoding="utf-8")
    assert "<h1>Parameter sweep: " in html and "No grid point brings zone payout" in html
    rows = json.loads((sweep_out / "results.json").read_text(encoding="utf-8"))["rows"]
    best = max(r["revenue.zone_payout_total_p20"] for r in rows)
    assert f"the highest reached is CNY {best * 100:,.0f}m" in html
    table = re.search(r"<table.*?</table>", html, re.S).group()
    assert table == re.search(r"<table.*?</table>", published, re.S).group()  # the same table as published

    html, errors = shown(execute("sensitivity_brief.ipynb", results_from=str(sens_out / "results.json"), **nowhere))
    assert not errors, errors
    assert "<h1>Sensitivity analysis: " in html
    assert "Morris elementary effects computed with SALib (6 trajectories" in html
    assert not DOTTED.search(words(html))


def test_reopening_the_wrong_kind_of_results_says_so(tmp_path):
    from simlib.brief import explore_report

    path = tmp_path / "published.json"  # any name: a results.json here would be checked against the schema
    path.write_text(json.dumps({"sweep": {}, "rows": []}), encoding="utf-8")
    assert explore_report.published(path, "sweep") == ({}, [])
    with pytest.raises(ValueError, match="not the results.json of a simlib sensitivity run"):
        explore_report.published(path, "sensitivity")
