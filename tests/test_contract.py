"""The model contract and the registry: every model honours it, and a fourth model added through
the registry alone (an installed plugin, defined here) reaches a brief, results.json, a comparison
and a sweep without a line of simlib changing.  Also: scenarios changed in memory."""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from conftest import ROOT, simlib
from simlib.models import Metrics, Model, registry
from simlib.scenario import ScenarioError, load, run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"


# -- the contract ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", registry(), ids=lambda m: m.section)
def test_every_model_honours_the_contract(model: Model):
    assert isinstance(model, Model) and set(model.title) == {"zh", "en"}
    assert list(inspect.signature(model.simulate).parameters)[:3] == ["params", "rng", "inputs"]
    assert list(inspect.signature(model.summarize).parameters) == ["result", "params"]  # no generator
    assert issubclass(model.metrics, Metrics) and model.headlines
    for h in model.headlines:
        assert set(h.label) == {"zh", "en"} and h.kind in ("money", "wan", "percent", "ratio")
        if h.metric is not None:
            assert h.metric in model.metrics.model_fields


@pytest.mark.parametrize("section", ["revenue", "salary", "land"])
def test_summaries_draw_no_random_numbers(section, monkeypatch):
    """Summarising twice gives the same metrics, and never touches numpy's global generator."""
    sc = load(QINGZHEN, ["revenue.paths=500", "land.paths=20", "land.reverse=null"])
    model = next(m for m in registry() if m.section == section)
    params = getattr(sc.params, section)
    result = model.simulate(params, np.random.default_rng(1), sc.inputs.get(section))
    state = np.random.get_state()[1].copy()
    first = model.summarize(result, params)
    assert isinstance(first, model.metrics)
    assert model.summarize(result, params) == first
    assert (np.random.get_state()[1] == state).all()


def test_registry_order_fixes_each_models_random_numbers():
    """A model run alone gives the numbers it gives in a full run (each has its own child generator)."""
    sc = load(QINGZHEN, ["revenue.paths=500", "land.paths=20", "land.reverse=null"])
    full = run(sc)
    for section in sc.sections:
        assert run(sc, sections=[section]).data == {section: full.data[section]}


# -- scenarios changed in memory ------------------------------------------------------------------


@pytest.mark.parametrize("values, sets", [
    ({"revenue.sharing.zone_share": 0.6}, ["revenue.sharing.zone_share=0.6"]),
    ({"revenue.sharing.cap": None, "meta.seed": 9}, ["revenue.sharing.cap=null", "meta.seed=9"]),
    ({"salary.appraisal.scope": "zone", "land.factories.policy": "to_suit", "land.max_wait_months": 12},
     ["salary.appraisal.scope=zone", "land.factories.policy=to_suit", "land.max_wait_months=12"]),
])
def test_with_values_equals_the_file_with_set(values, sets):
    base = load(QINGZHEN, ["revenue.paths=400", "land.paths=20"])
    in_memory = base.with_values(values)
    from_file = load(QINGZHEN, ["revenue.paths=400", "land.paths=20", *sets])
    assert in_memory.params == from_file.params
    assert in_memory.params_sha256() == from_file.params_sha256()
    assert run(in_memory).data == run(from_file).data
    assert in_memory.leaves[next(iter(values))].source.startswith("--set ")


def test_with_values_reads_no_file_and_reports_keys(monkeypatch):
    base = load(QINGZHEN)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: pytest.fail(f"read {self}"))
    assert base.with_values({"revenue.sharing.zone_share": 0.7}).params.revenue.sharing.zone_share == 0.7
    with pytest.raises(ScenarioError) as err:
        base.with_values({"revenue.sharing.zone_share": 1.5, "revenue.sharing.flor": 1.0, "land.idle_rate": "x"})
    lines = str(err.value).splitlines()
    assert any(line.endswith("revenue.sharing.zone_share: must be at most 1.0, got 1.5 (from --set)") for line in lines)
    assert any("revenue.sharing.flor: unknown key (did you mean 'floor'?)" in line for line in lines)
    assert any("land.idle_rate: must be a number" in line for line in lines)
    assert all(line.startswith(str(QINGZHEN)) for line in lines)
    with pytest.raises(ScenarioError, match="revenue.sharing.zone_share: --set revenue.sharing.zone_share.x: not a section"):
        base.with_values({"revenue.sharing.zone_share.x": 1})


def test_in_language_is_not_an_override():
    sc = load(QINGZHEN).in_language("en")
    assert sc.params.meta.language == "en" and sc.overrides == ()


# -- a fourth model, through the registry alone ---------------------------------------------------

TOY = '''
"""A toy model for the registry test: a level drawn with noise, a year at a time."""
import numpy as np
from pydantic import Field

from simlib.models import Headline, Metrics, Model, Section


class Toy(Section):
    level: float = Field(ge=0, le=100)
    paths: int = Field(ge=1, le=10_000)
    start_year: int = 2025
    years: int = Field(default=3, ge=1, le=10)


class ToyMetrics(Metrics):
    years: list[int]
    level_mean: list[float]
    total_mean: float


def simulate(params, rng, inputs=None):
    return rng.normal(params.level, 1.0, size=(params.paths, params.years))


def summarize(result, params):
    return ToyMetrics(years=list(range(params.start_year, params.start_year + params.years)),
                      level_mean=result.mean(axis=0).tolist(), total_mean=float(result.sum(axis=1).mean()))


MODEL = Model(section="toy", title={"zh": "玩具模型", "en": "Toy model"}, params=Toy, metrics=ToyMetrics,
              simulate=simulate, summarize=summarize,
              headlines=(Headline({"zh": "玩具合计（{y0}–{y1}）", "en": "Toy total, {y0}–{y1}"},
                                  lambda m: m.total_mean, "money", "total_mean"),))
'''

TOY_SCENARIO = '''
meta: {title: Toy zone, zone: Toyland, seed: 5, language: en}
revenue:
  base_year: 2024
  base_tax: 5.0
  start_year: 2025
  horizon_years: 3
  paths: 200
  growth: {mean: 0.05, volatility: 0.1}
  sharing: {zone_share: 0.5}
toy: {level: 2.0, paths: 100}
'''


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """An installed plugin (a module and its dist-info with a ``simlib.models`` entry point) on
    PYTHONPATH, and a scenario that uses it."""
    where = tmp_path_factory.mktemp("plugin")
    (where / "toy_model.py").write_text(textwrap.dedent(TOY), encoding="utf-8")
    info = where / "toy_model-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-model\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[simlib.models]\ntoy = toy_model:MODEL\n", encoding="utf-8")
    scenario = where / "toy.yaml"
    scenario.write_text(TOY_SCENARIO, encoding="utf-8")
    return where, scenario, {"PYTHONPATH": str(where)}


def test_a_plugin_model_is_checked_like_a_built_in(toy):
    where, scenario, env = toy
    ok = simlib("check", str(scenario), env=env)
    assert ok.returncode == 0, ok.stderr
    assert "revenue, toy" in ok.stdout
    bad = simlib("check", str(scenario), "--set", "toy.level=-1", "--set", "toy.levl=1", env=env)
    assert bad.returncode == 2
    assert f"{scenario}: toy.level: must be at least 0.0, got -1 (from --set)" in bad.stderr
    assert "toy.levl: unknown key (did you mean 'level'?)" in bad.stderr
    without = simlib("check", str(scenario))  # without the plugin installed the section is unknown
    assert without.returncode == 2 and "toy: unknown key" in without.stderr


@pytest.mark.writes_invalid_results  # its results name the plugin's metrics: checked here against the plugin's schema
def test_a_plugin_model_reaches_brief_results_compare_and_sweep(toy, tmp_path):
    where, scenario, env = toy
    brief = simlib("brief", str(scenario), "--out", str(tmp_path / "brief"), env=env)
    assert brief.returncode == 0, brief.stderr
    page = (tmp_path / "brief" / "brief.html").read_text(encoding="utf-8")
    assert "Toy model" in page and "Toy total, 2025–2027" in page and "level_mean" in page
    doc = json.loads((tmp_path / "brief" / "results.json").read_text(encoding="utf-8"))
    assert set(doc["metrics"]) == {"revenue", "toy"}
    assert doc["metrics"]["toy"]["total_mean"] == pytest.approx(6.0, abs=0.5)
    schema = simlib("schema", "results", env=env)
    jsonschema.validate(doc, json.loads(schema.stdout))  # the schema with the plugin names its metrics
    with pytest.raises(jsonschema.ValidationError):
        broken = {**doc, "metrics": {**doc["metrics"], "toy": {**doc["metrics"]["toy"], "total_mean": "x"}}}
        jsonschema.validate(broken, json.loads(schema.stdout))

    compare = simlib("compare", str(scenario), "--variant", "high", "toy.level=5", "--out", str(tmp_path / "cmp"),
                     env=env)
    assert compare.returncode == 0, compare.stderr
    page = (tmp_path / "cmp" / "brief.html").read_text(encoding="utf-8")
    assert "Toy total, 2025–2027" in page
    doc = json.loads((tmp_path / "cmp" / "results.json").read_text(encoding="utf-8"))
    assert doc["scenarios"]["high"]["metrics"]["toy"]["total_mean"] == pytest.approx(15.0, abs=0.5)

    sweep = simlib("sweep", str(scenario), "--vary", "toy.level=0:4:3", "--out", str(tmp_path / "sweep"), env=env)
    assert sweep.returncode == 0, sweep.stderr
    doc = json.loads((tmp_path / "sweep" / "results.json").read_text(encoding="utf-8"))
    assert [round(r["toy.total_mean"]) for r in doc["rows"]] == [0, 6, 12]
    assert not any(k.startswith("revenue.") for k in doc["rows"][0])  # a toy sweep runs the toy alone


def test_lang_is_no_parameter_override(tmp_path):
    """``--lang`` chooses the brief's language; it is not shown or recorded as a ``--set``."""
    out = tmp_path / "en"
    proc = simlib("brief", str(ROOT / "params" / "yongchang_2024.yaml"), "--lang", "en", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    page = (out / "brief.html").read_text(encoding="utf-8")
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert 'lang="en"' in page and "meta.language=" not in page  # no override line, no '--set' source
    assert doc["provenance"]["overrides"] == [] and doc["params"]["meta"]["language"] == "en"


def test_a_broken_plugin_is_one_line_and_exit_2(tmp_path):
    """An entry point that cannot be imported, or names something that is not a Model, stops every
    command with one line each (never a traceback) and is left out of the registry."""
    (tmp_path / "bad_model.py").write_text("MODEL = 42\n", encoding="utf-8")
    info = tmp_path / "bad_model-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-model\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[simlib.models]\nbad = bad_model:MODEL\nmissing = no_such_module:MODEL\n",
                                           encoding="utf-8")
    proc = simlib("check", str(QINGZHEN), env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "simlib: entry point simlib.models: bad = bad_model:MODEL: is not a simlib.models.Model (got int)",
        "simlib: entry point simlib.models: missing = no_such_module:MODEL: cannot be loaded "
        "(ModuleNotFoundError: No module named 'no_such_module')",
    ]


def test_the_published_results_schema_is_the_generated_one():
    """schemas/results.schema.json is what `simlib schema results` prints for the built-in models, so
    it cannot go stale: regenerate it with `simlib schema results > schemas/results.schema.json`."""
    from simlib.brief.documents import json_schema

    published = json.loads((ROOT / "schemas" / "results.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(json_schema(), ensure_ascii=False))


def test_sweep_columns_are_the_numbers_of_the_metrics():
    """Scalars and per-year averages become sweep columns; tables, fans, text and nested answers do not."""
    from simlib.explore import sweep

    row = sweep.evaluate(load(QINGZHEN, ["revenue.paths=300", "land.paths=20"]), None, {})
    assert "land.reverse" not in row and "salary.company_grade" not in row and "revenue.fan" not in row
    assert "revenue.zone_payout_total_mean" in row and "land.occupancy_rate_avg" in row
    assert all(v is None or isinstance(v, float) for v in row.values())
