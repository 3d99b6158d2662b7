"""simlib sweep: grids validated before running, one row per point, the same numbers however it is spread."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from conftest import ROOT, simlib, simlib_here
from simlib.brief import explore_report, labels
from simlib.explore import sweep
from simlib.scenario import load, run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
#: A dotted scenario key or metric name, as a reader should never have to read one.
DOTTED = re.compile(r"\b(?:meta|revenue|salary|land|zone)\.[A-Za-z_]")


def visible_text(page: str) -> str:
    """What a reader reads as words: the body without code, markup or images."""
    page = re.sub(r"<head>.*?</head>|<style.*?</style>|<code>.*?</code>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", page)))


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
    text = visible_text(page)
    assert not DOTTED.search(text), DOTTED.search(text)  # dotted keys only as code, in the list of names
    assert "目标：开发区所得合计第 20 百分位数不低于 12.00亿元" in text and "封顶（亿元/年）" in text
    assert ("斜线阴影为目标成立区域" in text) == any(doc["target_holds"])
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
    proc = simlib_here("sweep", str(QINGZHEN), "--paths", "100", *extra, "--out", str(out))
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
        assert "<script" not in page.lower()
        # floor = cap = 1亿: the zone's payout is 10亿 whatever the factors, and the brief ranks nothing
        runs = 8 * 5 if method == "sobol" else 4 * 4
        assert f"Zone payout over the horizon, mean is the same in all {runs} runs" in page and " &gt; " not in page
        # the appraisal's reliability is not said to barely move the payout: it cannot, by construction
        assert ("By construction, zone payout over the horizon, mean does not depend on "
                "objective part's reliability") in html.unescape(page) and "barely" not in page
        assert not DOTTED.search(visible_text(page)), DOTTED.search(visible_text(page))
        assert "<code>revenue.zone_payout_total_mean</code>" in page  # the reproducible name, once, as code


@pytest.mark.parametrize("extra, message", [
    (["--metric", "revenue.nothing"], "--metric: no metric 'revenue.nothing'"),
    (["--metric", "revenue.zone_payout_total_mean", "--n", "6"], "power of two"),
    (["--metric", "revenue.zone_payout_total_mean", "--vary", "revenue.sharing.zone_share=0.5:1.5"],
     "must be at most 1.0, got 1.5"),
], ids=["unknown-metric", "n-not-power-of-two", "range-leaves-domain"])
def test_bad_sensitivity_exits_2_and_writes_nothing(tmp_path, extra, message):
    out = tmp_path / "s"
    proc = simlib_here("sensitivity", str(QINGZHEN), "--vary", "revenue.growth.volatility=0.05:0.3",
                       "--paths", "100", *extra, "--out", str(out))
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


# -- what the brief says: targets, names, units ------------------------------------------------------

ROWS = [{"k": 1.0, "m": 3.0}, {"k": 2.0, "m": None}, {"k": 3.0, "m": 7.5}, {"k": 4.0, "m": 7.5}, {"k": 5.0, "m": 6.0}]


@pytest.mark.parametrize("op, value, holds, miss", [
    (">=", 7.0, [False, False, True, True, False], None),
    (">=", 10.0, [False] * 5, {"row": 2, "value": 7.5, "gap": 2.5}),  # the first of the equal best
    ("<=", 1.0, [False] * 5, {"row": 0, "value": 3.0, "gap": 2.0}),
    ("<=", 3.0, [True, False, False, False, False], None),
])
def test_target_holds_and_the_nearest_miss(op, value, holds, miss):
    target = {"metric": "m", "op": op, "value": value, "text": f"m{op}{value}"}
    assert sweep.target_holds(ROWS, target).tolist() == holds  # a missing value never meets a target
    assert sweep.nearest_miss(ROWS, target) == miss
    assert sweep.nearest_miss([{"k": 1.0, "m": None}], target) is None


def test_parse_target():
    assert sweep.parse_target("revenue.x_p20 >= 12") == {"metric": "revenue.x_p20", "op": ">=", "value": 12.0,
                                                         "text": "revenue.x_p20 >= 12"}
    for bad in ("revenue.x > 12", "revenue.x>=twelve", "revenue.x>=nan"):
        with pytest.raises(ValueError, match="--target"):
            sweep.parse_target(bad)


def _spec(target):
    return {"title": "t", "points": 3, "shown": ["revenue.zone_payout_total_p20", "revenue.pooled_mean_avg"],
            "vary": [{"key": "revenue.sharing.cap", "lo": 1.0, "hi": 2.0, "n": 3},
                     {"key": "revenue.sharing.zone_share", "lo": 0.4, "hi": 0.6, "n": 1}],
            "target": target, "table": "sweep.csv", "overrides": []}


MISS_ROWS = [{"revenue.sharing.cap": c, "revenue.sharing.zone_share": z, "revenue.zone_payout_total_p20": p,
              "revenue.pooled_mean_avg": 1.0} for c, z, p in ((1.0, 0.5, 10.0), (1.5, 0.5, 11.25), (2.0, 0.5, 11.0))]


def test_an_unreachable_target_says_the_best_value_where_and_how_far():
    target = {"metric": "revenue.zone_payout_total_p20", "op": ">=", "value": 12.0, "text": "…"}
    zh = explore_report.sweep_target(MISS_ROWS, _spec(target), "zh")
    assert zh == ("没有一个网格点使开发区所得合计第 20 百分位数达到目标 12.00亿元：最高只到 11.25亿元"
                  "（封顶为 1.50亿元/年、开发区分成比例为 0.5），还差 0.75亿元（目标的 6.2%）。")
    en = explore_report.sweep_target(MISS_ROWS, _spec(target), "en")
    assert en == ("No grid point brings zone payout over the horizon, 20th percentile up to the target of CNY 1,200m: "
                  "the highest reached is CNY 1,125m (cap at CNY 150m a year, zone's share of the increment at 0.5), "
                  "CNY 75m (6.2% of the target) short.")
    low = {**target, "op": "<=", "value": 9.0}
    assert "最低只到 10.00亿元（封顶为 1.00亿元/年" in explore_report.sweep_target(MISS_ROWS, _spec(low), "zh")
    met = {**target, "value": 11.0}
    assert explore_report.sweep_target(MISS_ROWS, _spec(met), "en") == labels.t("sweep.summary", "en", held=2, total=3)


@pytest.fixture
def captured(monkeypatch):
    """The figures the brief draws, instead of their PNGs."""
    figures = []
    monkeypatch.setattr(explore_report, "figure_uri", lambda fig: figures.append(fig) or "data:image/png;base64,")
    return figures


def _texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.legends[0].get_texts()] if fig.legends else []
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [t for t in out if t]


@pytest.mark.parametrize("lang, region, closest", [("zh", "目标成立区域", "最接近目标的网格点"),
                                                   ("en", "where the target holds", "grid point closest to the target")])
def test_the_target_region_is_hatched_and_named_in_a_legend(captured, lang, region, closest):
    target = {"metric": "revenue.zone_payout_total_p20", "op": ">=", "value": 11.1, "text": "…"}
    one = {**_spec(target), "vary": _spec(target)["vary"][:1]}
    explore_report.sweep_charts(MISS_ROWS, one, lang)
    grid = [{**r, "revenue.sharing.zone_share": z} for z in (0.4, 0.6) for r in MISS_ROWS]
    two = {**_spec(target), "vary": [{**_spec(target)["vary"][0]}, {**_spec(target)["vary"][1], "n": 2}]}
    explore_report.sweep_charts(grid, two, lang)
    explore_report.sweep_charts(MISS_ROWS, {**one, "target": {**target, "value": 13.0}}, lang)
    lines, heat, missed = captured
    for fig in (lines, heat):
        assert region in _texts(fig)
        hatched = [p for ax in fig.axes for p in ax.patches + ax.collections if p.get_hatch()]
        assert hatched  # the region itself, not a bare line
        assert not any(DOTTED.search(t) for t in _texts(fig)), _texts(fig)
    assert explore_report.label("revenue.sharing.cap", lang) in _texts(lines)  # the axis has a name and a unit
    assert region not in _texts(missed) and closest in _texts(missed)


def _numeric_keys(model, prefix=""):
    """Every number a scenario file can set (list items as [0]), from the schema."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    def model_in(annotation):
        return next((a for a in (annotation, *get_args(annotation))
                     if get_origin(a) is None and isinstance(a, type) and issubclass(a, BaseModel)), None)

    for name, field in model.model_fields.items():
        kinds = [a for a in (field.annotation, *get_args(field.annotation)) if a is not type(None)]
        items = next((get_args(a)[0] for a in kinds if get_origin(a) is list and get_args(a)), None)
        if items is not None:
            if get_origin(items) is dict:  # any_of: [{indicator: {min, max}}]
                yield from (f"{prefix}{name}[0].tax_wan_per_mu.{b}" for b in ("min", "max"))
            elif (item := model_in(items)) is not None:
                yield from _numeric_keys(item, f"{prefix}{name}[0].")
            elif items in (int, float):
                yield f"{prefix}{name}[0]"
        elif any(get_origin(a) is dict for a in kinds):  # the funnel's stages, lags and shares by step
            if name in ("stages", "lags_months", "cumulative_from_signed"):
                yield from (f"{prefix}{name}.{step}" + (".conversion" if name == "stages" else "")
                            for step in ("registered", "started", "producing"))
        elif (sub := model_in(field.annotation)) is not None:
            yield from _numeric_keys(sub, f"{prefix}{name}.")
        elif any(a in (int, float) for a in kinds) and bool not in kinds:
            yield f"{prefix}{name}"


def test_every_key_and_metric_has_a_name_and_a_unit_in_both_languages():
    from simlib.models import registry
    from simlib.scenario.schema import ScenarioParams

    metrics = list(sweep.evaluate(sweep.explore_base(load(ROOT / "params" / "qingzhen_2025_linked.yaml"), 20),
                                  None, {}))
    keys = list(_numeric_keys(ScenarioParams))
    assert len(keys) > 150 and len(metrics) > 80
    assert {m.section for m in registry()} <= {k.split(".")[0] for k in metrics} | {"zone"}
    for key in keys + metrics:
        kind = explore_report.unit(key)
        assert kind is None or f"explore.unit.{kind}" in labels.LABELS, (key, kind)
        for lang in ("zh", "en"):
            text = explore_report.label(key, lang)
            assert text and not DOTTED.search(text) and key not in text, (key, text)
    for metric in metrics:  # a metric of a built-in model has its own words, not a fallback
        assert explore_report._metric_entry(metric) is not None, metric
        assert metric.removesuffix("_avg") in explore_report.METRIC_UNITS or metric in explore_report.METRIC_UNITS \
            or explore_report.unit(metric) is None, metric
    zh = [explore_report.label(k, "zh") for k in keys + metrics]
    assert not [t for t in zh if re.search(r"[A-Za-z]{3,}", t.replace("Kendall", ""))]  # Chinese in Chinese
    assert explore_report.label("revenue.sharing.zone_share", "en") == "Zone's share of the increment (0–1)"
    assert explore_report.label("land.standard_land.industries[1].land.any_of[0].tax_wan_per_mu.min", "zh") == \
        "分行业用地项目亩均税收下限（择一）（第 2 个行业，第 1 组择一条件）（万元/亩·年）"
    assert explore_report.label("salary.appraisal.quotas[1].share", "en") == "Grade share (grade 2) (0–1)"
    assert explore_report.label("revenue.zone_payout_total_p20", "zh") == "开发区所得合计第 20 百分位数（亿元）"
    assert explore_report.label("land.tax_per_mu_avg", "en") == "Tax per mu, average year (CNY 10k per mu a year)"


def test_the_explore_base_lists_only_the_users_overrides():
    """The land model's reverse question is left out of every point, but that is the sweep's doing, not
    an override of the user's: the spec lists the --set and --paths values only."""
    loaded = load(QINGZHEN, ["revenue.sharing.cap=2"])
    assert loaded.params.land.reverse is not None
    base = sweep.explore_base(loaded, paths=None)
    assert base.params.land.reverse is None and base.overrides == ("revenue.sharing.cap=2",)
    base = sweep.explore_base(loaded, paths=100)
    assert base.params.land.reverse is None and base.params.revenue.paths == 100
    assert base.overrides == ("revenue.sharing.cap=2", "revenue.paths=100", "land.paths=100")
    spec = {**sweep.described(base), "vary": [{"key": "revenue.sharing.zone_share", "lo": 0.4, "hi": 0.6, "n": 3}],
            "shown": ["revenue.zone_payout_total_mean"], "target": None, "table": None}
    assert spec["overrides"] == list(base.overrides) and spec["params_sha256"] == base.params_sha256()
    names = html.unescape(explore_report.sweep_names(spec, "en").data)
    assert "revenue.sharing.cap=2" in names and "reverse" not in names


@pytest.mark.parametrize("kind", ["sweep", "sensitivity"])
def test_an_english_brief_gives_the_english_title(kind):
    base = sweep.explore_base(load(QINGZHEN), None)
    meta = base.params.meta
    spec = {**sweep.described(base), "vary": [{"key": "revenue.sharing.cap", "lo": 1.0, "hi": 3.0, "n": 3}],
            "points": 3, "target": None, "metric": "revenue.zone_payout_total_mean"}
    assert spec["title"] == meta.title and spec["title_en"] == meta.glossary[meta.title]
    header = explore_report.sweep_header if kind == "sweep" else explore_report.sensitivity_header
    assert f'<p class="title-en">{spec["title_en"]}</p>' in html.unescape(header(spec, "en").data)
    assert "title-en" not in header(spec, "zh").data
    assert "title-en" not in header({**spec, "title_en": None}, "en").data  # a spec written before it had one
    assert "title-en" not in header({k: v for k, v in spec.items() if k != "title_en"}, "en").data
