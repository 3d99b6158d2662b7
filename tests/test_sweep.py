"""simlib sweep: grids validated before running, one row per point, the same numbers however it is spread."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import ROOT, simlib
from simlib.explore import sweep
from simlib.scenario import load, run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"


@pytest.mark.parametrize("text, with_n, expected", [
    ("revenue.sharing.zone_share=0.4:0.6:3", True, sweep.Vary("revenue.sharing.zone_share", 0.4, 0.6, 3)),
    ("revenue.sharing.cap=1:3", False, sweep.Vary("revenue.sharing.cap", 1.0, 3.0, None)),
])
def test_parse_vary(text, with_n, expected):
    assert sweep.parse_vary(text, with_n) == expected


@pytest.mark.parametrize("text, message", [
    ("revenue.sharing.zone_share=0.4:0.6:1", "n must be a whole number of at least 2"),
    ("revenue.sharing.zone_share=0.6:0.4:3", "needs finite lo < hi"),
    ("revenue.sharing.zone_share=a:b:3", "lo and hi must be numbers"),
    ("revenue.sharing.zone_share", "expected key=lo:hi:n"),
])
def test_parse_vary_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        sweep.parse_vary(text, with_n=True)


def test_grid_values_and_integer_keys():
    g = sweep.grid([sweep.Vary("a", 0.0, 1.0, 3), sweep.Vary("b", 10.0, 30.0, 3)])
    assert len(g) == 9 and g[0] == {"a": 0.0, "b": 10} and g[-1] == {"a": 1.0, "b": 30}
    assert isinstance(g[0]["b"], int) and isinstance(g[0]["a"], float)


def test_scalar_metrics_match_a_direct_run():
    """A point made in memory gives the numbers of the file loaded with the same values as --set."""
    base = sweep.explore_base(load(QINGZHEN, ["revenue.paths=300"]), paths=None)
    base = base.with_values({"land.paths": 100})
    row = sweep.evaluate(base, None, {"revenue.sharing.cap": 2.0})
    direct = run(QINGZHEN, ["revenue.paths=300", "land.paths=100", "revenue.sharing.cap=2.0", "land.reverse=null"])
    assert row["revenue.sharing.cap"] == 2.0
    assert row["revenue.zone_payout_total_mean"] == direct.data["revenue"]["zone_payout_total_mean"]
    assert row["land.lost_share"] == direct.data["land"]["lost_share"]
    assert row["salary.gini"] == direct.data["salary"]["gini"]


def test_a_revenue_sweep_runs_only_the_revenue_model():
    base = load(QINGZHEN)
    assert sweep.sections_needed(base, ["revenue.sharing.cap"]) == ["revenue"]
    assert sweep.sections_needed(base, ["revenue.sharing.cap"], ["land.lost_share"]) == ["revenue", "land"]
    assert sweep.sections_needed(base, ["meta.seed"]) == ["revenue", "salary", "land"]
    row = sweep.evaluate(base.with_values({"revenue.paths": 200}), ["revenue"], {"revenue.sharing.cap": 2.0})
    assert {k.split(".")[0] for k in row} == {"revenue"}


def test_sweep_end_to_end_one_key_with_a_target(tmp_path):
    out = tmp_path / "sw"
    args = ["sweep", str(QINGZHEN), "--vary", "revenue.sharing.cap=1:3:5", "--paths", "300",
            "--target", "revenue.zone_payout_total_p20>=12", "--out", str(out)]
    proc = simlib(*args)
    assert proc.returncode == 0, proc.stderr
    table = out / "sweep.parquet" if (out / "sweep.parquet").exists() else out / "sweep.csv"
    frame = pd.read_parquet(table) if table.suffix == ".parquet" else pd.read_csv(table)
    assert list(frame["revenue.sharing.cap"]) == [1.0, 1.5, 2.0, 2.5, 3.0]
    payout = list(frame["revenue.zone_payout_total_mean"])
    assert payout == sorted(payout) and payout[0] == pytest.approx(10.0)  # a higher cap never pays less
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["target_holds"] == [v >= 12 for v in frame["revenue.zone_payout_total_p20"]]
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "参数扫描" in page
    # the same rows spread over two worker processes
    proc = simlib(*args[:-1], str(tmp_path / "sw2"), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    again = json.loads((tmp_path / "sw2" / "results.json").read_text(encoding="utf-8"))
    assert again["rows"] == doc["rows"]


@pytest.mark.parametrize("extra, message", [
    (["--vary", "revenue.sharing.zone_shar=0.4:0.6:3"], "unknown key (did you mean 'zone_share'?)"),
    (["--vary", "revenue.sharing.zone_share=0.5:1.2:3"], "must be at most 1.0, got 1.2"),
    (["--vary", "revenue.sharing.zone_share=0.4:0.6:1"], "n must be a whole number of at least 2"),
    (["--vary", "revenue.sharing.cap=1:2:3", "--target", "revenue.nothing>=1"], "--target: no metric"),
    (["--vary", "revenue.sharing.cap=1:2:3", "--target", "payout is big"], "expected METRIC>=VALUE"),
    (["--vary", "revenue.sharing.cap=1:2:3", "--dask", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
], ids=["unknown-key", "leaves-domain", "n-below-2", "unknown-target", "malformed-target", "unreachable-dask"])
def test_bad_sweeps_exit_2_and_write_nothing(tmp_path, extra, message):
    out = tmp_path / "sw"
    proc = simlib("sweep", str(QINGZHEN), "--paths", "100", *extra, "--out", str(out))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not out.exists()


def test_sensitivity_sobol_and_morris_briefs(tmp_path):
    for method, n in (("sobol", "8"), ("morris", "4")):
        out = tmp_path / method
        proc = simlib("sensitivity", str(QINGZHEN), "--vary", "revenue.sharing.zone_share=0.3:0.8",
                      "--vary", "revenue.growth.volatility=0.05:0.3", "--vary", "salary.appraisal.objective_reliability=0.3:0.9",
                      "--metric", "revenue.zone_payout_total_mean", "--method", method, "--n", n,
                      "--paths", "200", "--out", str(out), "--lang", "en")
        assert proc.returncode == 0, proc.stderr
        doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
        result = doc["result"]
        assert result["method"] == method
        assert result["factors"] == ["revenue.sharing.zone_share", "revenue.growth.volatility",
                                     "salary.appraisal.objective_reliability"]
        score = result["total_order"] if method == "sobol" else result["mu_star"]
        assert score[2] == pytest.approx(0.0, abs=1e-9)  # appraisal reliability cannot move the zone's revenue
        page = (out / "brief.html").read_text(encoding="utf-8")
        assert "what drives revenue.zone_payout_total_mean most" in page and "<script" not in page.lower()


@pytest.mark.parametrize("extra, message", [
    (["--metric", "revenue.nothing"], "--metric: no metric 'revenue.nothing'"),
    (["--metric", "revenue.zone_payout_total_mean", "--n", "6"], "power of two"),
    (["--metric", "revenue.zone_payout_total_mean", "--vary", "revenue.sharing.zone_share=0.5:1.5"],
     "must be at most 1.0, got 1.5"),
], ids=["unknown-metric", "n-not-power-of-two", "range-leaves-domain"])
def test_bad_sensitivity_exits_2_and_writes_nothing(tmp_path, extra, message):
    out = tmp_path / "s"
    proc = simlib("sensitivity", str(QINGZHEN), "--vary", "revenue.growth.volatility=0.05:0.3", "--paths", "100",
                  *extra, "--out", str(out))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not out.exists()


def test_sweep_on_a_local_dask_cluster_gives_the_same_rows(tmp_path):
    distributed = pytest.importorskip("distributed")
    args = ["sweep", str(QINGZHEN), "--vary", "revenue.sharing.zone_share=0.4:0.6:3", "--paths", "100"]
    assert simlib(*args, "--out", str(tmp_path / "local")).returncode == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        proc = simlib(*args, "--out", str(tmp_path / "dask"), "--dask", cluster.scheduler_address)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads((tmp_path / d / "results.json").read_text(encoding="utf-8"))["rows"] for d in ("local", "dask")]
    assert rows[0] == rows[1]


def test_a_whole_number_key_sweeps(tmp_path):
    """Years, months and paths are typed whole numbers: the grid, its corners and the rows keep them whole."""
    out = tmp_path / "whole"
    proc = simlib("sweep", str(QINGZHEN), "--vary", "revenue.sharing.base_reset_years=1:3:3", "--vary",
                  "revenue.horizon_years=4:6:2", "--paths", "200", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))["rows"]
    assert [(r["revenue.sharing.base_reset_years"], r["revenue.horizon_years"]) for r in rows] == [
        (1, 4), (1, 6), (2, 4), (2, 6), (3, 4), (3, 6)]
    assert all(isinstance(r["revenue.horizon_years"], int) for r in rows)
    assert len({r["revenue.base_mean_avg"] for r in rows}) == 6  # every point computed its own numbers
