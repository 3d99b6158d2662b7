"""Validation covers what the run will compute (issue 17, part 5): whatever ``simlib check`` accepts
runs to the end with every number of results.json finite.

A property test draws parameters across and just inside every validated bound (huge and tiny
floats, hundreds of shocks, long horizons, extreme rates) and asserts that the scenario is either
refused (a ScenarioError, or pydantic's ValidationError from the whole schema as ``check`` runs it)
or runs with results that serialise with ``allow_nan=False``; hand-written tests pin each new
bound just inside and just outside, with its message.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import ROOT
from simlib.models import revenue
from simlib.scenario.loader import load
from simlib.scenario.problems import ScenarioError
from simlib.scenario.run import run
from simlib.scenario.schema import ScenarioParams

LINKED = ROOT / "params" / "qingzhen_2025_linked.yaml"
REVENUE = ROOT / "params" / "qingzhen_2025.yaml"
SMALL = {"revenue.paths": 4, "land.paths": 4, "salary.rounds": 2, "land.reverse": None}


@pytest.fixture(scope="module")
def linked():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(LINKED).with_values({**SMALL, "zone.reverse": None})


@pytest.fixture(scope="module")
def revenue_only():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(REVENUE).with_values({"salary": None, "land": None, "revenue.paths": 4})


def _set(tree: dict, key: str, value) -> None:
    *path, last = key.split(".")
    for part in path:
        tree = tree[part]
    tree[last] = value


def validated(base, values: dict):
    """The scenario with ``values`` (dotted keys) validated by the whole schema, as ``simlib check``
    validates a file (cross-section links included); None when it is refused."""
    tree = copy.deepcopy(base.params.model_dump())
    for key, value in values.items():
        _set(tree, key, value)
    try:
        params = ScenarioParams.model_validate(tree)
    except (ValidationError, ScenarioError):
        return None
    return dataclasses.replace(base, params=params)


def assert_runs_finite(scenario) -> None:
    r = run(scenario)
    json.dumps({"params": scenario.resolved(), "metrics": r.document_metrics()}, allow_nan=False)


def problem(base, values: dict) -> str:
    """The one-line problems ``with_values`` reports for ``values`` ('' when accepted)."""
    try:
        base.with_values(values)
    except ScenarioError as exc:
        return str(exc)
    return ""


# -- the property: refused, or a run whose results are all finite ----------------------------------

def wide(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats across [lo, hi]: the ends, values just inside them, tiny ones and anything between."""
    edges = [lo, hi, np.nextafter(hi, lo), np.nextafter(lo, hi)]
    tiny = [x for x in (5e-324, 1e-310, 1e-300, 1e-12) if lo <= x <= hi]
    return st.one_of(st.sampled_from(edges + tiny), st.floats(lo, hi, allow_nan=False, allow_infinity=False))


@st.composite
def linked_values(draw) -> dict:
    horizon = draw(st.integers(1, 10))  # the land model's 2026-2035 covers it
    shocks = draw(st.one_of(
        st.lists(st.builds(dict, year=st.integers(2026, 2025 + horizon), change=wide(-0.99, 10.0)), max_size=5),
        st.builds(lambda n, c: [{"year": 2026 + i % horizon, "change": c} for i in range(n)],
                  st.integers(1, 300), wide(-0.99, 10.0))))
    cap = draw(st.one_of(st.none(), wide(0.0, 1e6)))
    return {
        "revenue.base_year": draw(st.one_of(st.integers(2015, 2025), st.integers(1949, 2025))),
        "revenue.horizon_years": horizon,
        "revenue.base_tax": draw(wide(0.0, 1e6)),
        "revenue.start_tax": draw(st.one_of(st.none(), wide(1e-300, 1e6))),
        "revenue.growth.mean": draw(st.one_of(st.floats(-0.5, 0.5), wide(-0.99, 10.0))),
        "revenue.growth.volatility": draw(wide(0.0, 3.0)),
        "revenue.growth.mean_sd": draw(wide(0.0, 1.0)),
        "revenue.growth.shocks": shocks,
        "revenue.sharing.zone_share": draw(wide(0.0, 1.0)),
        "revenue.sharing.cap": cap,
        "revenue.sharing.floor": draw(wide(0.0, cap if cap is not None else 1e6)),
        "revenue.sharing.excess_return": draw(wide(0.0, 1.0)),
        "revenue.sharing.base_growth": draw(wide(-0.99, 10.0)),
        "revenue.sharing.base_reset_years": draw(st.one_of(st.none(), st.integers(1, 100))),
        "land.projects.land_mu.mean": draw(st.one_of(wide(1e-3, 1e9), wide(1e-300, 1e9))),
        "land.projects.land_mu.sd_log": draw(wide(0.0, 3.0)),
        "land.projects.factory_m2.mean": draw(st.one_of(wide(1e-2, 1e9), wide(1e-300, 1e9))),
        "land.projects.tax_at_capacity.mean": draw(wide(1e-300, 1e9)),
        "land.projects.tax_at_capacity.sd_log": draw(wide(0.0, 3.0)),
        "land.pipeline.arrivals_per_year": draw(wide(1e-300, 300.0)),
        "land.price_wan_per_mu": draw(wide(0.0, 1e6)),
        "land.factories.build_m2_per_year": draw(wide(0.0, 1e9)),
        "land.idle_rate": draw(wide(0.0, 1.0)),
        "zone.company_profit": draw(wide(-1e4, 1e4)),
        "zone.opening_cash": draw(wide(0.0, 1e5)),
        "zone.factory_cost_yuan_per_m2": draw(wide(0.0, 1e5)),
        "zone.shortfall": draw(st.sampled_from(["borrow", "county", "cut_programme"])),
        "zone.debt": {"opening": draw(wide(0.0, 1e5)), "interest_rate": draw(wide(0.0, 0.5)), "repay_years": 1},
        "zone.borrowing": {"limit": 1e5, "interest_rate": draw(wide(0.0, 0.5)), "repay_years": 1},
        "salary.pay.standard_amount": draw(wide(0.0, 1e4)),
        "salary.posts": [{"track": "management", "level": "a", "base_pay": draw(wide(0.0, 1e4)), "share": 0.5},
                         {"track": "professional", "level": "b", "base_pay": draw(wide(0.0, 1e4)), "share": 0.5}],
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(values=linked_values(), seed=st.integers(0, 2**32 - 1))
def test_whatever_the_linked_check_accepts_runs_finite(linked, values, seed):
    scenario = validated(linked, {**values, "meta.seed": seed})
    if scenario is not None:
        assert_runs_finite(scenario)


@st.composite
def long_revenue_values(draw) -> dict:
    base_year = draw(st.integers(1949, 2200))
    start = draw(st.integers(base_year + 1, min(base_year + 100, 2300)))
    horizon = draw(st.integers(1, 100))
    years = list(range(base_year + 1, start + horizon))
    return {
        "revenue.base_year": base_year, "revenue.start_year": start, "revenue.horizon_years": horizon,
        "revenue.base_tax": draw(wide(1e-300, 1e6)),
        "revenue.growth.mean": draw(st.one_of(st.floats(-0.5, 0.5), wide(-0.99, 10.0))),
        "revenue.growth.volatility": draw(wide(0.0, 3.0)),
        "revenue.growth.mean_sd": draw(wide(0.0, 1.0)),
        "revenue.growth.shocks": draw(st.lists(st.builds(dict, year=st.sampled_from(years), change=wide(-0.99, 10.0)),
                                               max_size=30)),
        "revenue.sharing.base_growth": draw(wide(-0.99, 10.0)),
        "revenue.sharing.allow_negative": draw(st.booleans()),
        "revenue.sharing.base_reset_years": draw(st.one_of(st.none(), st.integers(1, 100))),
        "revenue.series": [{"name": "output", "start_value": draw(wide(1e-300, 1e9)),
                            "growth": {"mean": draw(wide(-0.99, 10.0)), "volatility": draw(wide(0.0, 3.0))},
                            "correlation": draw(wide(-1.0, 1.0))}],
        "revenue.targets": [{"series": "output", "year": start + horizon - 1, "value": draw(wide(0.0, 1e9))}],
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(values=long_revenue_values(), seed=st.integers(0, 2**32 - 1))
def test_whatever_the_revenue_check_accepts_runs_finite(revenue_only, values, seed):
    scenario = validated(revenue_only, {**values, "meta.seed": seed})
    if scenario is not None:
        assert_runs_finite(scenario)


# -- each new bound: just inside passes, just outside fails with its message ------------------------

def test_300_large_shocks_are_refused_naming_the_shocks(revenue_only):
    shocks = [{"year": 2024 + i % 10, "change": 10.0} for i in range(300)]
    message = problem(revenue_only, {"revenue.growth.shocks": shocks})
    assert "revenue.growth.shocks: with growth.mean and every rise applied the tax compounds to" in message
    assert "must be at most 1e9" in message and "Traceback" not in message


def test_shocks_just_inside_the_compounding_bound_run_finite(revenue_only):
    # growth 10% a year over 10 years is 2.59 times; shocks of +9 (×10) eight times bring it to 2.59e8
    sc = revenue_only.with_values({"revenue.growth.shocks": [{"year": 2024 + i, "change": 9.0} for i in range(8)]})
    assert_runs_finite(sc)
    nine = [{"year": 2024 + i, "change": 9.0} for i in range(9)]  # 2.59e9: just outside
    assert "revenue.growth.shocks: with growth.mean and every rise applied" in problem(
        revenue_only, {"revenue.growth.shocks": nine})


def test_falls_have_their_own_bound(linked):
    # 300 falls of 99% shrank the tax to 0, and the zone's run without shocks divided 0 by 0 (NaN)
    falls = [{"year": 2026, "change": -0.99} for _ in range(300)]
    assert "revenue.growth.shocks: with every fall applied the tax shrinks to" in problem(
        linked, {"revenue.growth.shocks": falls})
    # 29 halvings are 1.9e-9 of the level: just inside; 30 (9.3e-10) just outside
    inside = [{"year": 2026 + i % 10, "change": -0.5} for i in range(29)]
    assert_runs_finite(linked.with_values({"revenue.growth.shocks": inside}))
    assert "must be at least 1/1e9" in problem(linked, {"revenue.growth.shocks": inside + inside[:1]})


def test_mean_sd_over_a_long_horizon_is_refused(revenue_only):
    long = {"revenue.base_year": 1949, "revenue.start_year": 2200, "revenue.horizon_years": 100}
    message = problem(revenue_only, {**long, "revenue.growth.mean": 0.0, "revenue.growth.mean_sd": 1.0})
    assert "revenue.growth.mean_sd: 10 standard deviations out, a path's tax would reach" in message
    assert "must stay at most 1e100" in message
    # just inside: the largest mean_sd that passes over these 350 years runs finite
    level = lambda s: revenue.worst_log_level(5.6, 350, 0.0, 0.15, s)[0]  # noqa: E731
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if level(mid) <= np.log(revenue.MAX_TAX) else (lo, mid)
    assert_runs_finite(revenue_only.with_values({**long, "revenue.growth.mean": 0.0, "revenue.growth.mean_sd": lo}))
    assert "revenue.growth.mean_sd" in problem(revenue_only, {**long, "revenue.growth.mean": 0.0,
                                                              "revenue.growth.mean_sd": hi * 1.01})


def test_base_growth_compounding_is_refused(revenue_only):
    long = {"revenue.base_year": 1949, "revenue.start_year": 2200, "revenue.horizon_years": 100,
            "revenue.growth.mean": 0.0}
    message = problem(revenue_only, {**long, "revenue.sharing.base_growth": 10.0})
    assert "revenue.sharing.base_growth: the base would compound to" in message and "must be at most 1e9" in message
    # inside: 5% a year for 350 years is 2.6e7 times
    assert_runs_finite(revenue_only.with_values({**long, "revenue.sharing.base_growth": 0.05}))
    # a re-set every year starts the base again from the tax: the same growth is then fine
    assert_runs_finite(revenue_only.with_values({**long, "revenue.sharing.base_growth": 10.0,
                                                 "revenue.sharing.base_reset_years": 1}))


def test_a_period_base_growth_is_named(revenue_only):
    long = {"revenue.base_year": 1949, "revenue.start_year": 2200, "revenue.horizon_years": 100,
            "revenue.growth.mean": 0.0}
    message = problem(revenue_only, {**long, "revenue.sharing.periods": [{"from_year": 2210, "base_growth": 10.0}]})
    assert "revenue.sharing.periods[0].base_growth: the base would compound to" in message


def test_series_growth_compounding_is_refused(revenue_only):
    series = {"name": "output", "start_value": 100.0, "growth": {"mean": 10.0, "volatility": 0.1}}
    message = problem(revenue_only, {"revenue.series": [series]})
    assert "revenue.series[0].growth.mean: compounds to more than 1e9 times start_value over 10 years" in message
    inside = {**series, "growth": {"mean": 7.0, "volatility": 0.1}}  # 8^10 = 1.07e9: just outside; 7 → 6^10 = 6e7
    assert_runs_finite(revenue_only.with_values({"revenue.series": [{**inside, "growth": {"mean": 5.0,
                                                                                          "volatility": 0.1}}]}))
    assert "revenue.series[0].growth.mean" in problem(revenue_only, {"revenue.series": [inside | {
        "growth": {"mean": 7.01, "volatility": 0.1}}]})


@pytest.mark.parametrize("key, least", [("land_mu", 1e-3), ("factory_m2", 1e-2)])
def test_a_project_needs_some_space(linked, key, least):
    message = problem(linked, {f"land.projects.{key}.mean": least * 0.999})
    assert f"land.projects.{key}.mean: a project's mean need must be at least {least:g}" in message
    assert_runs_finite(linked.with_values({f"land.projects.{key}.mean": least,
                                           "land.projects.tax_at_capacity.mean": 1e9}))


def test_tiny_land_with_huge_tax_was_an_overflow(linked):
    assert "land.projects.land_mu.mean" in problem(linked, {"land.projects.land_mu.mean": 1e-300,
                                                            "land.projects.tax_at_capacity.mean": 1e9})


def test_a_tiny_positive_income_gives_no_infinite_debt_ratio(linked):
    sc = linked.with_values({"revenue.sharing.zone_share": 0.0, "revenue.sharing.floor": 0.0,
                             "revenue.sharing.cap": None, "land.price_wan_per_mu": 0.0,
                             "zone.company_profit": 1e-310, "zone.borrowing.limit": 1e5,
                             "zone.debt": {"opening": 1e5, "interest_rate": 0.0, "repay_years": 10}})
    r = run(sc)
    ratios = r.document_metrics()["zone"]["debt_to_income"]
    assert all(x is None or np.isfinite(x) for x in ratios)
    assert_runs_finite(sc)


def test_a_change_in_memory_is_checked_against_the_other_sections_too():
    """``Scenario.with_values`` (sweeps, --vary, --variant) revalidates only the sections it touches,
    and then the links between sections, as loading the whole file does: a revenue horizon the land
    horizon does not reach is refused, not left to fail in the zone model with a broadcast error."""
    from simlib import scenario

    linked = scenario.load(ROOT / "params" / "qingzhen_2025_linked.yaml")
    with pytest.raises(scenario.ScenarioError) as info:
        linked.with_values({"revenue.horizon_years": 30}, origin="--vary")
    from_file = pytest.raises(scenario.ScenarioError, scenario.load, ROOT / "params" / "qingzhen_2025_linked.yaml",
                              ["revenue.horizon_years=30"])
    assert [str(p) for p in info.value.problems] == [str(p) for p in from_file.value.problems]
    assert "land.horizon_years: must reach revenue's last year" in str(info.value)
    assert linked.with_values({"revenue.horizon_years": 10}).params.revenue.horizon_years == 10
