"""End to end: `simlib brief` from a scenario file to a published brief and results.json."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml

from conftest import ROOT, simlib
from simlib.scenario import run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
PAYLOADS = {
    "title": "<script>alert(1)</script>",
    "zone": "<img src=x onerror=alert(1)>",
    "source": "</script><script>alert(1)</script>",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_brief(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "qingzhen"
    proc = simlib("brief", str(QINGZHEN), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out / 'brief.html'}" in proc.stdout
    assert "unknown parameter" not in proc.stderr.lower()  # papermill understood the parameters cell
    return out


def test_brief_publishes_exactly_the_brief_and_results(good_brief):
    assert sorted(p.name for p in good_brief.iterdir()) == ["brief.html", "results.json"]


def test_brief_is_self_contained_and_shows_no_code(good_brief):
    page = (good_brief / "brief.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I), "loads from the network"
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I), "CSS loads from the network"
    assert 'class="jp-InputArea' not in page  # code cells are hidden
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    assert not re.search(r"(In|Out)\s*\[\d*\]", body)  # and so are prompts
    assert '<html lang="zh">' in page
    assert "run_scenario" not in page
    assert page.count('src="data:image/png;base64,') >= 1  # the fan chart, embedded
    assert len(page.encode()) < 3_000_000


def test_brief_reads_as_a_brief(good_brief):
    page = (good_brief / "brief.html").read_text(encoding="utf-8")
    for heading in ("关键数字", "主要发现", "新增税收分成", "假设与方法", "附录：参数与来源", "可复现信息"):
        assert heading in page
    # floor = cap in the literal reading of seed 000: the brief says plainly that nothing is kept at the margin
    assert "多收一元税，开发区留成为零" in page
    assert "岗位绩效薪酬" in page and "等次错排比例与考核信度" in page  # the salary section and its chart
    assert "土地与标准厂房供给" in page and "按固定计划最少需要年均新建标准厂房面积" in page  # land, with the reverse answer
    # 000's linked rule, applied: the company's grade and its staff's pay both fall
    assert "联动规则：管委会被评为“第二”，运营公司由“第一”降为“第二”，公司员工人均绩效薪酬由 3.30万元 降至 3.00万元（系数 1.0/1.1）。" in page
    assert "<td>运营公司</td><td>20</td><td>第一 → 第二</td><td>1.0</td><td>3.00</td>" in page  # the unit table
    assert "200 轮模拟考核的平均" in page and "90% 的模拟轮次在" in page  # figures are means over rounds, with ranges
    assert "为预算" not in page  # the pool is spent exactly by construction: nothing said about the budget
    # sources, in the appendix, in Chinese, the citation linked to the document it cites
    assert re.search(r'<td><a href="#doc-000">000</a>：“以2023年为基期”', page)
    assert re.search(r'<tr id="doc-000"><td>000</td><td><code>000_3ea26f838279f11a.txt</code></td>', page)
    assert re.search(r"其余参数取默认值：情景说明", page)  # meta.description is left at its default
    assert re.search(r'<td>情景标题<br/?><code class="key">meta.title</code></td>', page)  # in the file, not a default
    assert "要点" in page and "县级财政支付分成（含补足 2.62亿元）后净得 88.41亿元" in page  # the bottom line


def test_results_json_matches_a_direct_run(good_brief):
    doc = json.loads((good_brief / "results.json").read_text(encoding="utf-8"))
    assert doc["scenario"] == "qingzhen_2025"
    prov = doc["provenance"]
    for key in ("params_sha256", "simlib_version", "git_commit", "seed", "created", "python", "numpy"):
        assert key in prov
    direct = run(QINGZHEN)
    assert prov["params_sha256"] == direct.scenario.params_sha256()
    assert prov["seed"] == 20250101
    assert doc["params"] == direct.scenario.resolved()
    rev = doc["metrics"]["revenue"]
    for key in ("years", "tax_mean", "zone_payout_mean", "county_topup_mean", "pooled_mean",
                "p_floor_binds", "p_cap_binds", "marginal_retention_mean"):
        assert len(rev[key]) == 10, key
    for key in ("zone_payout_total_mean", "county_topup_total_mean", "pooled_total_mean"):
        assert isinstance(rev[key], float)
    # the kernel ran the same model with the same seed: identical numbers, not merely close ones
    assert rev == json.loads(json.dumps(direct.data["revenue"]))
    assert rev["years"] == list(range(2024, 2034))
    sal = doc["metrics"]["salary"]
    assert sal == json.loads(json.dumps(direct.data["salary"]))
    assert sal["staff"] == sal["graded_staff"] == 63 and sal["exempt_staff"] == 0 and sal["rounds"] == 200
    assert sal["pool_allocated_share"] == pytest.approx(1.0)
    assert sal["company_grade"] == "第二"
    committee, company = sal["by_unit"]
    assert (committee["unit"], committee["staff"], company["unit"], company["staff"]) == ("committee", 43, "company", 20)
    assert (company["grade_requested"], company["grade"]) == ("第一", "第二")
    assert company["performance_pay_mean"] == pytest.approx(3.0)  # each unit's pool: 3.0 × its staff × 1.0
    assert company["performance_pay_mean_unlinked"] == pytest.approx(3.3)
    assert sal["misrank_curve"]["scenario_misordered"] == sal["misordered_pairs"]
    ld = doc["metrics"]["land"]
    assert ld == json.loads(json.dumps(direct.data["land"]))
    assert ld["years"] == list(range(2026, 2036))
    for key in ("occupancy_rate", "vacant_m2", "land_available_mu", "signed", "producing", "lost_for_space",
                "mean_wait_months", "tax_per_mu", "land_sale_revenue"):
        assert len(ld[key]) == 10, key
    assert 0 <= ld["lost_share"] <= 1 and 0 <= ld["p_land_exhausted"] <= 1
    assert ld["reverse"]["target"] == 0.1 and ld["reverse"]["lost_share_at_rate"] <= 0.1
    for key in ("gini", "p90_p10", "misordered_pairs", "misordered_pairs_zone", "misrank_above_median",
                "top_quota_precision", "kendall_tau", "incentive_per_sd", "score_reliability"):
        assert isinstance(sal[key], float), key
    assert rev["zone_payout_mean"] == [1.0] * 10  # floor = cap = 1亿
    assert rev["marginal_retention_mean"] == [0.0] * 10
    np.testing.assert_allclose(np.add(rev["p_floor_binds"], rev["p_cap_binds"]), 1.0)


def test_scenario_strings_are_shown_as_text_never_markup(tmp_path):
    data = yaml.safe_load(QINGZHEN.read_text(encoding="utf-8"))
    data["meta"]["title"] = PAYLOADS["title"]
    data["meta"]["zone"] = PAYLOADS["zone"]
    data["revenue"]["base_tax"]["source"] = PAYLOADS["source"]
    data["revenue"]["sharing"]["floor"]["unit"] = "<a href=\"javascript:alert(1)\">x</a>"
    scenario = tmp_path / "xss.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    proc = simlib("brief", str(scenario), "--out", str(out), "--set", "revenue.sharing.cap=null",
                  "--set", "meta.language=en")
    assert proc.returncode == 0, proc.stderr
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="javascript' not in page
    assert re.search(r'&lt;a href=(&quot;|&#34;|")javascript:alert\(1\)(&quot;|&#34;|")&gt;x&lt;/a&gt;', page)
    # the overrides took effect: no cap, English labels, and the brief says so
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["params"]["revenue"]["sharing"]["cap"] is None
    assert doc["provenance"]["overrides"] == ["revenue.sharing.cap=null", "meta.language=en"]
    assert max(doc["metrics"]["revenue"]["p_cap_binds"]) == 0.0
    assert "Key numbers" in page and "Of one more yuan of tax the zone keeps" in page


def _failing_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("scenario_path = None\noverrides = []\nresults_path = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise RuntimeError('the model blew up')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "failing.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_failing_notebook_publishes_nothing_and_keeps_the_old_brief(good_brief, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good_brief, out)
    before = snapshot(out)
    proc = simlib("brief", str(QINGZHEN), "--out", str(out), "--notebook", str(_failing_notebook(tmp_path)))
    assert proc.returncode == 1
    assert "RuntimeError: the model blew up" in proc.stderr
    assert "cell" in proc.stderr and "no brief was published" in proc.stderr
    after = snapshot(out)
    assert after.pop("failed.ipynb")  # the executed notebook is kept for diagnosis
    assert after == before  # brief.html and results.json untouched, nothing half-written left behind
    failed = nbformat.read(out / "failed.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed.cells for o in c.get("outputs", []))
    # the next good run publishes and clears the stale failure
    proc = simlib("brief", str(QINGZHEN), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["brief.html", "results.json"]


def test_bad_input_exits_2_starts_no_kernel_and_changes_nothing(good_brief, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good_brief, out)
    before = snapshot(out)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text(QINGZHEN.read_text(encoding="utf-8").replace("value: 0.5\n", "value: 1.5\n", 1), encoding="utf-8")
    proc = simlib("brief", str(bad), "--out", str(out), env={"JUPYTER_RUNTIME_DIR": str(runtime)})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"{bad}: revenue.sharing.zone_share: must be at most 1.0, got 1.5"]
    assert snapshot(out) == before
    assert list(runtime.iterdir()) == []  # no kernel connection file: no kernel started
    # (how fast: make bench row (i), never a timed test)
    fresh = tmp_path / "never"
    assert simlib("brief", str(bad), "--out", str(fresh)).returncode == 2
    assert not fresh.exists()


def test_notebook_is_committed_clean_and_runs_with_its_defaults(tmp_path):
    import papermill

    path = ROOT / "notebooks" / "zone_brief.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    # as in JupyterLab: the kernel starts in notebooks/ and the defaults point at the Qingzhen scenario
    executed = papermill.execute_notebook(str(path), str(tmp_path / "out.ipynb"), cwd=str(path.parent),
                                          progress_bar=False)
    html = "".join(o.get("data", {}).get("text/html", "") for c in executed.cells for o in c.get("outputs", []))
    assert "新增税收分成" in html
    assert not any(o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", []))


def test_compare_variants_in_one_brief(tmp_path):
    out = tmp_path / "cmp"
    proc = simlib("compare", str(QINGZHEN), "--variant", "6:4", "revenue.sharing.zone_share=0.6",
                  "--variant", PAYLOADS["title"], "revenue.sharing.cap=null", "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the variant name is shown as text
    assert "What differs" in page and "Key metrics side by side" in page and "Overlaid charts" in page
    assert re.search(r'<td>[^<]+<br/?><code class="key">revenue.sharing.zone_share</code></td>'
                     r"<td><code>0.5</code></td><td><code>0.6</code></td><td><code>0.5</code></td>", page)
    assert "revenue.sharing.floor</code>" not in page  # only what differs is listed
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["comparison"] == ["qingzhen_2025", "6:4", PAYLOADS["title"]]
    base, six_four, no_cap = (doc["scenarios"][n]["metrics"]["revenue"] for n in doc["comparison"])
    assert base == json.loads(json.dumps(run(QINGZHEN).data["revenue"]))  # same seed, same numbers
    assert six_four["zone_raw_share_mean"][-1] > base["zone_raw_share_mean"][-1]
    assert no_cap["pooled_total_mean"] == 0.0 < base["pooled_total_mean"]


@pytest.mark.parametrize("args, message", [
    ([str(QINGZHEN)], "compare needs at least two scenarios"),
    ([str(QINGZHEN), "--variant", "a", "revenue.sharing.cap=2", "--variant", "a", "revenue.sharing.cap=3"],
     "two scenarios are called 'a'"),
    ([str(QINGZHEN), "--variant", "a", "revenue.sharing.zone_shar=0.6"],
     "revenue.sharing.zone_shar: unknown key (did you mean 'zone_share'?) (from --variant) [scenario 'a']"),
    ([str(QINGZHEN), "--variant", "a", "revenue.sharing.zone_share=1.6"], "must be at most 1.0, got 1.6"),
    ([str(QINGZHEN), str(QINGZHEN)], "two scenarios are called 'qingzhen_2025'"),
    ([str(QINGZHEN), "--variant", "a", "revenue.sharing.cap=2", "--lang", "fr"], "invalid choice: 'fr'"),
], ids=["one-scenario", "same-variant-name", "unknown-variant-key", "variant-out-of-range", "same-file-twice",
        "unknown-language"])
def test_bad_comparisons_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "cmp"
    proc = simlib("compare", *args, "--out", str(out))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not out.exists()


def test_list_shows_every_ready_scenario():
    proc = simlib("list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["scenario", "zone", "models"]
    for name, models in [("qingzhen_2025", "revenue, salary, land"), ("jianshi_2021", "salary, land"),
                         ("yongchang_2024", "salary"), ("guangyuan_2023", "land")]:
        assert any(line.startswith(name) and models in line for line in lines), name


def test_every_free_text_field_is_escaped_and_shown(tmp_path):
    """A numbered attack in every text a scenario author writes: each leaf's source, unit and note,
    department, post and grade names, the title, zone and description.  The brief shows every one
    of them, as text, and contains no markup of theirs."""
    data = yaml.safe_load(QINGZHEN.read_text(encoding="utf-8"))
    placed: dict[int, str] = {}

    def attack(where: str) -> str:
        placed[len(placed) + 1] = where
        return f"<img src=x onerror=alert({len(placed)})>"

    def walk(node, key: str) -> None:
        if isinstance(node, dict) and "value" in node:  # a described leaf
            node.update(source=attack(f"{key}.source"), note=attack(f"{key}.note"))
            if "unit" in node:
                node["unit"] = attack(f"{key}.unit")
            node = node["value"]
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else k)
        elif isinstance(node, list) and not key.startswith("salary.park"):  # park grades are referred to by name
            for i, item in enumerate(node):
                for k in ("name", "level", "grade"):
                    if isinstance(item, dict) and k in item:
                        item[k] = attack(f"{key}[{i}].{k}")

    walk(data, "")
    for k in ("title", "zone", "description"):
        data["meta"][k] = attack(f"meta.{k}")
    scenario = tmp_path / "attacks.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    proc = simlib("brief", str(scenario), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")
    assert len(placed) > 150
    assert "<script" not in page.lower() and "<img src=x" not in page
    unseen = [where for n, where in placed.items() if f"&lt;img src=x onerror=alert({n})&gt;" not in page]
    assert unseen == []
