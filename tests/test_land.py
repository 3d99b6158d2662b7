"""Tests for :mod:`simlib.models.land` (and its section's schema).

Stock conservation every month on random valid inputs, the funnel's conversion
oracles (per stage h/(h + d) = c and the cumulative shares from signing),
monotonicity in the build programme under common random numbers, hand-computed
deterministic runs (construction lag, loss after ``max_wait_months``, servicing,
one-off changes, a funnel where every stage converts in its first month), the
standard-land screen, schema errors, ``metrics`` and ``smallest_programme``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import ROOT

from simlib.models import land
from simlib.models import land as _land
from simlib.models.land import FACTORY, LAND, STEPS, _rates, simulate, summarize


def metrics(result, params) -> dict:
    return summarize(result, params).model_dump()


def smallest_programme(params, seed: int) -> dict:
    return _land.smallest_programme(params, seed).model_dump()
from simlib.models.land import KM2_TO_MU, Land

BASE: dict[str, Any] = {
    "start_year": 2025,
    "horizon_years": 5,
    "paths": 20,
    "unserviced_mu": 1000.0,
    "available_mu": 500.0,
    "sold_mu": 2000.0,
    "idle_mu": 100.0,
    "servicing_mu_per_year": 200.0,
    "idle_rate": 0.02,
    "revitalise_rate": 0.1,
    "price_wan_per_mu": 30.0,
    "factories": {"policy": "fixed", "build_m2_per_year": 50_000.0, "lag_months": 6, "vacant_m2": 20_000.0,
                  "occupied_m2": 100_000.0, "tenant_exit_rate": 0.05},
    "pipeline": {"arrivals_per_year": 40.0, "sign_rate": 0.5,
                 "cumulative_from_signed": {"registered": 0.9, "started": 0.6, "producing": 0.3},
                 "lags_months": {"signed": 3, "registered": 4, "started": 6, "producing": 12}},
    "projects": {"land_share": 0.4, "land_mu": {"mean": 50.0, "sd_log": 0.6},
                 "factory_m2": {"mean": 5000.0, "sd_log": 0.5},
                 "investment": {"mean": 5.0, "sd_log": 0.7}, "tax_at_capacity": {"mean": 0.2, "sd_log": 0.8}},
    "max_wait_months": 12,
}

# Every stage converts all its entrants in their first month: h = 1, d = 0.
INSTANT = {"stages": {k: {"conversion": 1.0, "lag_months": 1.0} for k in STEPS}}

STOCKS = {  # stock → (inflows, outflows)
    "U": (("change",), ("servicing",)),
    "A": (("servicing", "revitalised", "reclaimed"), ("sold",)),
    "S": (("sold",), ("released_land", "leaving_land", "reclaimed")),
    "I": (("released_land", "leaving_land"), ("revitalised",)),
    "C": (("starts",), ("completed",)),
    "V": (("completed", "released_m2", "leaving_m2"), ("let",)),
    "O": (("let",), ("released_m2", "leaving_m2")),
}


def merge(base: dict, over: dict) -> dict:
    """``base`` with ``over`` laid on top, nested dicts merged; a value of ``None`` under a dict key deletes it."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and v:
            out[k] = merge(out[k], v)
        elif v is None and k in ("cumulative_from_signed", "lags_months", "sign_rate"):
            out.pop(k, None)
        else:
            out[k] = copy.deepcopy(v)
    return out


def raw(**over: Any) -> dict:
    data = merge(BASE, over)
    pipe = data["pipeline"]
    if "stages" in over.get("pipeline", {}):  # a stages funnel replaces the cumulative one
        for k in ("sign_rate", "cumulative_from_signed", "lags_months"):
            pipe.pop(k, None)
    return data


def make(**over: Any) -> Land:
    return Land.model_validate(raw(**over))


def run(params: Land, seed: int = 0, trace: bool = True) -> land.LandResult:
    return simulate(params, np.random.default_rng(seed), trace=trace)


def initial(params: Land) -> dict[str, float]:
    f = params.factories
    return {"U": params.unserviced_mu, "A": params.available_mu, "S": params.sold_mu, "I": params.idle_mu,
            "C": 0.0, "V": f.vacant_m2, "O": f.occupied_m2}


def assert_conserved(params: Land, tr: dict[str, np.ndarray]) -> None:
    """Every stock's monthly change equals its inflows less its outflows, on every path; no stock negative."""
    init = initial(params)
    for stock, (ins, outs) in STOCKS.items():
        x = tr[stock]
        prev = np.vstack([np.full((1, x.shape[1]), init[stock]), x[:-1]])
        flow = sum(tr[k] for k in ins) - sum(tr[k] for k in outs)
        scale = np.maximum.reduce([np.ones_like(x), np.abs(prev), np.abs(x)]
                                  + [np.abs(tr[k]) for k in ins + outs])
        err = np.abs(x - prev - flow) / scale
        assert err.max() <= 1e-6, (stock, float(err.max()), np.unravel_index(err.argmax(), err.shape))
        assert x.min() >= -1e-9, (stock, float(x.min()))
    for k in ("servicing", "sold", "released_land", "idling", "leaving_land", "revitalised", "reclaimed",
              "completed", "starts", "let", "released_m2", "leaving_m2"):
        assert tr[k].min() >= -1e-9, (k, float(tr[k].min()))
    # sold land is exactly what firms hold, occupied space what tenants hold; producing firms hold no more
    for stock, held in (("S", "held_mu"), ("O", "held_m2")):
        np.testing.assert_allclose(tr[stock], tr[held], rtol=1e-9, atol=1e-6 * max(1.0, float(tr[stock].max())))
    assert np.all(tr["producing_mu"] <= tr["S"] * (1 + 1e-9) + 1e-6)


# ---------------------------------------------------------------------------
# 1. Stock conservation on random valid inputs
# ---------------------------------------------------------------------------

def random_params(rng: np.random.Generator, policy: str, negative_change: bool = False) -> Land:
    """A random valid parameter set (zeros and edge values drawn on purpose)."""

    def amount(hi: float) -> float:
        return 0.0 if rng.random() < 0.2 else float(rng.uniform(0, hi))

    def rate() -> float:
        return float(rng.choice([0.0, 1.0, rng.uniform(0, 1)], p=[0.2, 0.1, 0.7]))

    horizon = int(rng.integers(1, 7))
    start = 2025
    lag = int(rng.integers(1, 13))
    max_wait = int(rng.integers(lag if policy == "to_suit" else 0, 25))
    stages = {k: {"conversion": rate(), "lag_months": float(rng.choice([1.0, rng.uniform(1, 12)]))} for k in STEPS}
    changes = []
    for _ in range(int(rng.integers(0, 4))):
        year = int(rng.integers(start, start + horizon))
        if rng.random() < 0.5:
            changes.append({"year": year, "mu": float(rng.uniform(-3000, 3000))})
        else:
            changes.append({"year": year, "km2": float(rng.uniform(-2, 2))})
    if negative_change:
        changes.append({"year": int(rng.integers(start, start + horizon)), "mu": -float(rng.uniform(100, 5000))})
    build = amount(200_000) if policy == "fixed" or rng.random() < 0.6 else None
    initial = None
    if rng.random() < 0.5:
        initial = {"negotiated": int(rng.integers(0, 30)),
                   **{k: {"count": int(rng.integers(0, 20))} for k in ("signed", "registered", "started", "producing")
                      if rng.random() < 0.7}}
    data = {
        "start_year": start, "horizon_years": horizon, "paths": int(rng.integers(1, 16)),
        "unserviced_mu": amount(3000), "available_mu": amount(1000), "sold_mu": amount(3000),
        "idle_mu": amount(500), "servicing_mu_per_year": amount(2000),
        "idle_rate": rate(), "revitalise_rate": rate(), "price_wan_per_mu": amount(100),
        "idle_exit_share": rate(), "changes": changes,
        "factories": {"policy": policy, "build_m2_per_year": build, "lag_months": lag,
                      "target_vacancy": float(rng.uniform(0, 0.5)), "vacant_m2": amount(100_000),
                      "occupied_m2": amount(300_000), "tenant_exit_rate": rate()},
        "pipeline": {"arrivals_per_year": float(rng.uniform(0.5, 150)), "stages": stages},
        "projects": {"land_share": rate(), "land_mu": {"mean": float(rng.uniform(1, 200)), "sd_log": float(rng.uniform(0, 1.5))},
                     "factory_m2": {"mean": float(rng.uniform(100, 20_000)), "sd_log": float(rng.uniform(0, 1.5))},
                     "investment": {"mean": float(rng.uniform(0.1, 20)), "sd_log": float(rng.uniform(0, 1))},
                     "tax_at_capacity": {"mean": float(rng.uniform(0.01, 1)), "sd_log": float(rng.uniform(0, 1))},
                     "plot_ratio": {"mean": 1.5, "sd_log": 0.3}},
        "standard_land": ({"min_investment_wan_per_mu": float(rng.uniform(0, 3000)), "min_plot_ratio": 1.2}
                          if rng.random() < 0.5 else None),
        "max_wait_months": max_wait,
    }
    if initial is not None:  # sold land and occupied space must cover what the initial stocks hold
        data["initial"] = initial
        held = Land.model_validate({**data, "sold_mu": 1e8, "factories": {**data["factories"], "occupied_m2": 1e10}}
                                   ).initial_held()
        data["sold_mu"] += held[0]
        data["factories"]["occupied_m2"] += held[1]
    return Land.model_validate(data)


@pytest.mark.parametrize("policy", ["fixed", "to_suit", "target_vacancy"])
@pytest.mark.parametrize("seed", range(8))
def test_stocks_conserved_random_inputs(policy: str, seed: int) -> None:
    rng = np.random.default_rng([seed, ["fixed", "to_suit", "target_vacancy"].index(policy)])
    params = random_params(rng, policy, negative_change=seed % 2 == 1)
    result = simulate(params, rng, trace=True)
    assert_conserved(params, result.trace)
    # year-end stocks in the result are the December values of the trace
    dec = slice(11, None, 12)
    for name, key in (("unserviced_mu", "U"), ("available_mu", "A"), ("sold_mu", "S"), ("idle_held_mu", "I_held"),
                      ("vacant_m2", "V"), ("occupied_m2", "O"), ("under_construction_m2", "C")):
        np.testing.assert_allclose(getattr(result, name), result.trace[key][dec].T, rtol=1e-12, atol=1e-9)
    # idle land: vacated, or held by idle firms
    np.testing.assert_allclose(result.idle_mu, (result.trace["I"] + result.trace["I_held"])[dec].T, rtol=1e-12,
                               atol=1e-9)
    np.testing.assert_allclose(result.land_sold, result.trace["sold"].reshape(-1, 12, params.paths).sum(1).T,
                               rtol=1e-9, atol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), policy=st.sampled_from(["fixed", "to_suit", "target_vacancy"]),
       negative=st.booleans())
def test_stocks_conserved_hypothesis(seed: int, policy: str, negative: bool) -> None:
    rng = np.random.default_rng(seed)
    params = random_params(rng, policy, negative_change=negative)
    assert_conserved(params, simulate(params, rng, trace=True).trace)


@pytest.mark.parametrize("policy", ["fixed", "to_suit", "target_vacancy"])
def test_stocks_conserved_with_scarcity_and_negative_change(policy: str) -> None:
    """Queues, losses, drop-outs handing space back, a removal larger than the unserviced stock."""
    params = make(horizon_years=6, available_mu=50.0, unserviced_mu=300.0, servicing_mu_per_year=120.0,
                  changes=[{"year": 2026, "mu": -10_000.0}, {"year": 2028, "km2": 0.5},
                           {"year": 2029, "mu": -200.0}],
                  factories={"policy": policy, "build_m2_per_year": 20_000.0 if policy != "to_suit" else None,
                             "lag_months": 4, "vacant_m2": 0.0},
                  pipeline={"arrivals_per_year": 120.0}, max_wait_months=6)
    result = run(params, seed=3)
    tr = result.trace
    assert_conserved(params, tr)
    # the removal in 2026 empties the unserviced stock and no more
    assert tr["change"][12].max() < 0
    np.testing.assert_allclose(tr["U"][12], 0.0, atol=1e-9)
    assert result.lost.sum() > 0 and tr["released_land"].sum() > 0 and tr["released_m2"].sum() > 0


# ---------------------------------------------------------------------------
# 2. Funnel oracles
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("c, lag", [(0.7, 4.0), (1.0, 1.0), (0.0, 1.0), (0.25, 10.0), (1.0, 3.0), (0.5, 1.0)])
def test_rates_oracle(c: float, lag: float) -> None:
    h, d = _rates(c, lag)
    assert h == pytest.approx(c / lag, abs=1e-15)
    assert d == pytest.approx((1 - c) / lag, abs=1e-15)
    assert h / (h + d) == pytest.approx(c)
    assert 1 / (h + d) == pytest.approx(lag)
    assert 0 <= h <= 1 and 0 <= d <= 1 and h + d <= 1 + 1e-15


def test_rates_hand_values() -> None:
    assert _rates(0.7, 4.0) == pytest.approx((0.175, 0.075))
    assert _rates(1.0, 1.0) == (1.0, 0.0)


UNLIMITED = dict(unserviced_mu=0.0, available_mu=1e8, servicing_mu_per_year=1e7, sold_mu=0.0, idle_mu=0.0,
                 idle_rate=0.0, revitalise_rate=0.0,
                 factories={"policy": "fixed", "build_m2_per_year": 1.0, "lag_months": 1, "vacant_m2": 1e10,
                            "occupied_m2": 0.0, "tenant_exit_rate": 0.0})


def test_cumulative_funnel_converges_to_configured_rates() -> None:
    params = make(**UNLIMITED, horizon_years=40, paths=40, max_wait_months=0,
                  pipeline={"arrivals_per_year": 100.0, "sign_rate": 0.8,
                            "lags_months": {"signed": 2, "registered": 2, "started": 2, "producing": 2}})
    result = run(params, seed=11, trace=False)
    assert result.lost.sum() == 0
    signed = result.entered["signed"].sum()
    assert signed > 50_000
    for step, rate in (("registered", 0.9), ("started", 0.6), ("producing", 0.3)):
        share = result.entered[step].sum() / signed
        assert share == pytest.approx(rate, rel=0.03), (step, share)
    assert result.entered["signed"].sum() / result.negotiated.sum() == pytest.approx(0.8, rel=0.02)
    # metrics' expected funnel says the same
    funnel = metrics(result, params)["funnel"]
    for step in STEPS:
        assert funnel["simulated"][step] == pytest.approx(funnel["expected"][step], rel=0.04), step


@pytest.mark.parametrize("c, lag", [(0.7, 4.0), (0.3, 2.0), (0.5, 1.0)])
def test_stage_conversion_simulated(c: float, lag: float) -> None:
    stages = {k: {"conversion": 1.0, "lag_months": 1.0} for k in STEPS}
    stages["signed"] = {"conversion": c, "lag_months": lag}
    stages["registered"] = {"conversion": c, "lag_months": lag}
    params = make(**UNLIMITED, horizon_years=40, paths=25, max_wait_months=0,
                  pipeline={"arrivals_per_year": 100.0, "stages": stages})
    result = run(params, seed=5, trace=False)
    negotiated = result.negotiated.sum()
    signed = result.entered["signed"].sum()
    assert signed / negotiated == pytest.approx(c, rel=0.02)
    assert result.entered["registered"].sum() / signed == pytest.approx(c, rel=0.02)
    # after registration every stage converts after one month: all registered start, a month later
    assert result.entered["started"].sum() == pytest.approx(result.entered["registered"].sum(), rel=0.005)
    assert result.entered["started"].sum() <= result.entered["registered"].sum()


def test_stage_mean_duration_is_lag_for_every_stage() -> None:
    """Little's law: with conversion 1 and a steady flow of lam projects a month, a stage with mean time L
    holds about lam * L projects at the end; every stage with the same lag should hold the same number."""
    lag = 4.0
    stages = {k: {"conversion": 1.0, "lag_months": lag} for k in STEPS}
    stages["signed"] = {"conversion": 1.0, "lag_months": 1.0}
    params = make(**UNLIMITED, horizon_years=5, paths=400, max_wait_months=0,
                  pipeline={"arrivals_per_year": 120.0, "stages": stages})
    result = run(params, seed=1, trace=False)
    e = {k: result.entered[k].sum(axis=1).mean() for k in STEPS}
    per_month = 10.0
    held = {"registered": (e["signed"] - e["registered"]) / per_month,  # signed, waiting to register
            "started": (e["registered"] - e["started"]) / per_month,  # given space, waiting to start
            "producing": (e["started"] - e["producing"]) / per_month}  # building, waiting to produce
    assert held["producing"] == pytest.approx(lag, rel=0.05)  # the reference stage
    for step in ("registered", "started"):
        assert held[step] == pytest.approx(lag, rel=0.05), held


# ---------------------------------------------------------------------------
# 3. Monotonicity in the build programme (common random numbers)
# ---------------------------------------------------------------------------

def test_more_building_never_loses_more_nor_lowers_vacancy() -> None:
    rates = [2_000.0, 10_000.0, 30_000.0, 60_000.0, 100_000.0, 200_000.0, 500_000.0]
    ms = []
    for r in rates:
        p = make(horizon_years=8, paths=30, pipeline={"arrivals_per_year": 60.0}, max_wait_months=6,
                 factories={"policy": "fixed", "build_m2_per_year": r, "lag_months": 6, "vacant_m2": 0.0,
                            "occupied_m2": 50_000.0, "tenant_exit_rate": 0.05})
        ms.append(metrics(run(p, seed=21, trace=False), p))
    lost = [m["lost_share_factory"] for m in ms]
    assert lost[0] > 0.1 and lost[-1] < lost[0]
    for a, b in zip(ms, ms[1:]):
        assert b["lost_share_factory"] <= a["lost_share_factory"] + 1e-12, lost
        assert all(vb >= va - 1e-6 for va, vb in zip(a["vacant_m2"], b["vacant_m2"])), (a["vacant_m2"], b["vacant_m2"])


@pytest.mark.parametrize("seed", range(8))
def test_monotone_in_build_rate_random_inputs(seed: int) -> None:
    rng = np.random.default_rng([seed, 77])
    params = random_params(rng, "fixed")
    rates = np.sort(rng.uniform(1, 300_000, 4))
    ms = []
    for r in rates:
        p = Land.model_validate(merge(params.model_dump(), {"factories": {"build_m2_per_year": float(r)}}))
        ms.append(metrics(run(p, seed=seed, trace=False), p))
    for a, b in zip(ms, ms[1:]):
        assert b["lost_share_factory"] <= a["lost_share_factory"] + 1e-12
        for va, vb in zip(a["vacant_m2"], b["vacant_m2"]):
            assert vb >= va - 1e-6 * max(1.0, abs(va))


def test_build_rate_does_not_change_the_demand_draws() -> None:
    """Common random numbers: the funnel up to registration is the same whatever the build programme."""
    results = []
    for r in (1_000.0, 1e6):
        p = make(factories={"build_m2_per_year": r})
        results.append(run(p, seed=4, trace=False))
    a, b = results
    np.testing.assert_array_equal(a.negotiated, b.negotiated)
    np.testing.assert_array_equal(a.entered["signed"], b.entered["signed"])
    np.testing.assert_array_equal(a.entered["registered"], b.entered["registered"])
    np.testing.assert_array_equal(a.queued_by_type, b.queued_by_type)


# ---------------------------------------------------------------------------
# 4. Hand-computed deterministic runs
# ---------------------------------------------------------------------------

def test_construction_lag_fixed_programme() -> None:
    params = make(horizon_years=2, paths=3, projects={"land_share": 1.0},
                  factories={"policy": "fixed", "build_m2_per_year": 12_000.0, "lag_months": 3,
                             "vacant_m2": 500.0, "occupied_m2": 0.0, "tenant_exit_rate": 0.0})
    tr = run(params, seed=1).trace
    months = 24
    expected_completed = np.array([0.0] * 3 + [1000.0] * (months - 3))
    np.testing.assert_allclose(tr["completed"], np.repeat(expected_completed[:, None], 3, axis=1), atol=1e-9)
    np.testing.assert_allclose(tr["starts"], 1000.0)
    np.testing.assert_allclose(tr["V"][:, 0], 500.0 + np.cumsum(expected_completed), atol=1e-9)
    np.testing.assert_allclose(tr["C"][:, 0], [1000.0, 2000.0] + [3000.0] * (months - 2), atol=1e-9)
    np.testing.assert_allclose(tr["O"], 0.0)
    np.testing.assert_allclose(tr["let"], 0.0)


@pytest.mark.parametrize("max_wait, shift", [(0, 0), (12, 1), (24, 2)])
def test_every_land_project_lost_after_max_wait_without_space(max_wait: int, shift: int) -> None:
    params = make(horizon_years=6, paths=10, unserviced_mu=0.0, available_mu=0.0, servicing_mu_per_year=0.0,
                  sold_mu=0.0, idle_mu=0.0, max_wait_months=max_wait, projects={"land_share": 1.0},
                  pipeline={"arrivals_per_year": 30.0})
    result = run(params, seed=2)
    registered = result.entered["registered"]
    assert registered.sum() > 100
    # registered in month m, lost in month m + max_wait: with max_wait = 12 k, exactly k years later
    np.testing.assert_allclose(result.lost[:, :shift], 0.0)
    np.testing.assert_allclose(result.lost[:, shift:], registered[:, :registered.shape[1] - shift], rtol=1e-9)
    np.testing.assert_allclose(result.lost_by_type[:, FACTORY], 0.0)
    assert np.all(result.lost_by_type <= result.queued_by_type + 1e-9)
    still_waiting = registered[:, registered.shape[1] - shift:].sum(axis=1)
    np.testing.assert_allclose(result.lost_by_type[:, LAND], result.queued_by_type[:, LAND] - still_waiting,
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.served, 0.0)
    np.testing.assert_allclose(result.land_sold, 0.0)
    assert result.entered["started"].sum() == 0


def test_instant_funnel_hand_computed() -> None:
    """h = 1 everywhere (conversion 1, lag 1) and fixed sizes: a project negotiated in month m signs in m + 1,
    registers and gets land in m + 2, starts in m + 3 and produces in m + 4 — one month in every stage."""
    params = make(horizon_years=3, paths=6, unserviced_mu=0.0, available_mu=1e6, servicing_mu_per_year=0.0,
                  sold_mu=0.0, idle_mu=0.0, idle_rate=0.0, revitalise_rate=0.0, price_wan_per_mu=20.0,
                  projects={"land_share": 1.0, "land_mu": {"mean": 50.0, "sd_log": 0.0}},
                  pipeline={"arrivals_per_year": 40.0, **INSTANT}, max_wait_months=3)
    result = run(params, seed=9)
    served = result.trace["sold"] / 50.0  # months × paths: projects given land each month
    np.testing.assert_allclose(served, np.rint(served), atol=1e-9)
    np.testing.assert_allclose(served[:2], 0.0)  # nobody can have registered before month 2

    def by_year(monthly: np.ndarray, shift: int) -> np.ndarray:
        moved = np.vstack([np.zeros((shift, monthly.shape[1])), monthly[:monthly.shape[0] - shift]])
        return moved.reshape(3, 12, -1).sum(axis=1).T

    np.testing.assert_allclose(result.entered["registered"], by_year(served, 0), atol=1e-9)
    np.testing.assert_allclose(result.entered["started"], by_year(served, 1), atol=1e-9)
    np.testing.assert_allclose(result.entered["producing"], by_year(served, 2), atol=1e-9)
    assert result.entered["signed"].sum() >= result.entered["registered"].sum()
    assert result.negotiated.sum() >= result.entered["signed"].sum()
    np.testing.assert_allclose(result.land_sold, 50.0 * by_year(served, 0), rtol=1e-12)
    np.testing.assert_allclose(result.land_sale_revenue, result.land_sold * 20.0 / 1e4, rtol=1e-12)
    np.testing.assert_allclose(result.served, by_year(served, 0))
    np.testing.assert_allclose(result.wait_months, 0.0)
    np.testing.assert_allclose(result.lost, 0.0)
    np.testing.assert_allclose(result.screened_out, 0.0)


def test_instant_funnel_queue_waits_for_servicing() -> None:
    """Land comes only from servicing, 50 mu a month; projects of exactly 50 mu; nobody lost.  First come,
    first served and unused land kept: cumulative land sold = min(cumulative serviced, cumulative demand).
    The monthly demand is read off a run with the same seed and plenty of land (common random numbers)."""
    common = dict(horizon_years=2, paths=5, unserviced_mu=1e5, servicing_mu_per_year=600.0, sold_mu=0.0,
                  idle_mu=0.0, idle_rate=0.0, revitalise_rate=0.0, max_wait_months=120,
                  projects={"land_share": 1.0, "land_mu": {"mean": 50.0, "sd_log": 0.0}},
                  pipeline={"arrivals_per_year": 15.0, **INSTANT})
    demand = run(make(**common, available_mu=1e6), seed=13).trace["sold"]
    result = run(make(**common, available_mu=0.0), seed=13)
    tr = result.trace
    np.testing.assert_allclose(tr["servicing"], 50.0)
    supply = 50.0 * np.arange(1, 25)[:, None]
    np.testing.assert_allclose(np.cumsum(tr["sold"], axis=0), np.minimum(supply, np.cumsum(demand, axis=0)),
                               atol=1e-6)
    np.testing.assert_allclose(result.served.sum(axis=1), tr["sold"].sum(axis=0) / 50.0, rtol=1e-9)
    assert result.wait_months.sum() > 0  # demand runs ahead of servicing at times
    np.testing.assert_allclose(result.lost, 0.0)


def test_to_suit_hand_computed() -> None:
    """Build-to-suit with nothing vacant: each factory project's space is started the month it registers and
    let to it exactly lag_months later; nobody is lost when max_wait_months = lag_months."""
    params = make(horizon_years=3, paths=5, projects={"land_share": 0.0}, pipeline={"arrivals_per_year": 30.0,
                                                                                     **INSTANT},
                  factories={"policy": "to_suit", "build_m2_per_year": None, "lag_months": 4, "vacant_m2": 0.0,
                             "occupied_m2": 0.0, "tenant_exit_rate": 0.0}, max_wait_months=4)
    result = run(params, seed=17)
    tr = result.trace
    assert tr["starts"].sum() > 0
    np.testing.assert_allclose(tr["let"][:4], 0.0)
    np.testing.assert_allclose(tr["let"][4:], tr["starts"][:-4], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(tr["V"], 0.0, atol=1e-6)
    np.testing.assert_allclose(result.lost, 0.0)
    np.testing.assert_allclose(result.wait_months, 4.0 * result.served, rtol=1e-12)
    assert result.served.sum() > 0


@pytest.mark.parametrize("seed", range(10))
def test_to_suit_never_loses_factory_projects(seed: int) -> None:
    rng = np.random.default_rng([seed, 5])
    params = random_params(rng, "to_suit")
    params = params.model_copy(update={"factories": params.factories.model_copy(update={"build_m2_per_year": None})})
    result = simulate(params, rng)
    assert result.lost_by_type[:, FACTORY].sum() <= 1e-9 * max(1.0, result.queued_by_type[:, FACTORY].sum())


@pytest.mark.parametrize("cap, expected", [
    (None, lambda n: 20_000.0 * 0.2 ** n),  # unlimited: the gap closes geometrically
    (6_000.0, lambda n: np.full(n.shape, 500.0)),  # capped at 500 m² a month
    (0.0, lambda n: np.zeros(n.shape)),  # a programme of 0 builds nothing
])
def test_target_vacancy_hand_computed(cap: float, expected) -> None:
    """No factory demand, 100,000 m² occupied, target vacancy 0.2: the space vacant or being built, X,
    moves to 0.2 (O + X); starts_n = 0.2 O - 0.8 X_n = 20,000 · 0.2^n."""
    params = make(horizon_years=3, paths=2, projects={"land_share": 1.0},
                  factories={"policy": "target_vacancy", "build_m2_per_year": cap, "lag_months": 2,
                             "target_vacancy": 0.2, "vacant_m2": 0.0, "occupied_m2": 100_000.0,
                             "tenant_exit_rate": 0.0})
    tr = run(params).trace
    n = np.arange(36)
    np.testing.assert_allclose(tr["starts"][:, 0], expected(n), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(tr["completed"][2:, 0], tr["starts"][:-2, 0], rtol=1e-12)
    if cap is None:
        occupancy = tr["O"][-1] / (tr["O"][-1] + tr["V"][-1])
        np.testing.assert_allclose(occupancy, 0.8, rtol=1e-9)


def test_idling_and_revitalisation_hand_computed() -> None:
    """No land demand: existing firms' land idles at idle_rate / 12 a month and they leave (the default
    idle_exit_share 1), vacated land returns at revitalise_rate / 12."""
    params = make(horizon_years=2, paths=2, unserviced_mu=0.0, available_mu=0.0, servicing_mu_per_year=0.0,
                  sold_mu=1200.0, idle_mu=300.0, idle_rate=0.12, revitalise_rate=0.24,
                  projects={"land_share": 0.0})
    tr = run(params).trace
    S, I, A = 1200.0, 300.0, 0.0
    for m in range(24):
        S, I, A = S * 0.99, I * 0.98 + S * 0.01, A + I * 0.02
        assert tr["S"][m, 0] == pytest.approx(S, rel=1e-12)
        assert tr["I"][m, 0] == pytest.approx(I, rel=1e-12)
        assert tr["A"][m, 0] == pytest.approx(A, rel=1e-12)


@pytest.mark.parametrize("u0, per_year, expected", [
    (100.0, 600.0, [50.0, 50.0] + [0.0] * 10),
    (120.0, 600.0, [50.0, 50.0, 20.0] + [0.0] * 9),
    (0.0, 600.0, [0.0] * 12),
    (1e6, 1200.0, [100.0] * 12),
])
def test_servicing_moves_min_of_stock_and_rate(u0: float, per_year: float, expected: list[float]) -> None:
    params = make(horizon_years=1, paths=2, unserviced_mu=u0, servicing_mu_per_year=per_year, available_mu=10.0,
                  sold_mu=0.0, idle_mu=0.0, revitalise_rate=0.0, projects={"land_share": 0.0})
    tr = run(params).trace
    np.testing.assert_allclose(tr["servicing"][:, 0], expected, atol=1e-9)
    np.testing.assert_allclose(tr["U"][:, 0], u0 - np.cumsum(expected), atol=1e-9)
    np.testing.assert_allclose(tr["A"][:, 0], 10.0 + np.cumsum(expected), atol=1e-9)


def test_one_off_changes_in_mu_and_km2() -> None:
    params = make(horizon_years=4, paths=2, unserviced_mu=0.0, servicing_mu_per_year=0.0, available_mu=0.0,
                  projects={"land_share": 0.0},
                  changes=[{"year": 2026, "mu": 300.0}, {"year": 2027, "km2": 0.2},
                           {"year": 2028, "mu": -100.0}, {"year": 2028, "km2": -1.0}])
    tr = run(params).trace
    expected = np.zeros(48)
    expected[12] = 300.0
    expected[24] = 0.2 * KM2_TO_MU
    expected[36] = -600.0  # -100 - 1500 asked, but only 600 mu are there to take
    assert KM2_TO_MU == 1500.0
    np.testing.assert_allclose(tr["change"][:, 0], expected, atol=1e-9)
    np.testing.assert_allclose(tr["U"][:, 0], np.cumsum(expected), atol=1e-9)


def test_change_then_servicing_order() -> None:
    """A change lands after the month's servicing: the added land is serviced from the next month on."""
    params = make(horizon_years=2, paths=1, unserviced_mu=0.0, servicing_mu_per_year=600.0, available_mu=0.0,
                  revitalise_rate=0.0, projects={"land_share": 0.0}, changes=[{"year": 2026, "mu": 120.0}])
    tr = run(params).trace
    expected = np.zeros(24)
    expected[13:16] = [50.0, 50.0, 20.0]
    np.testing.assert_allclose(tr["servicing"][:, 0], expected, atol=1e-9)


# ---------------------------------------------------------------------------
# 5. Standard-land screen
# ---------------------------------------------------------------------------

def test_screen_turns_away_every_land_project() -> None:
    params = make(horizon_years=4, projects={"land_share": 0.5},
                  standard_land={"min_investment_wan_per_mu": 1e7})
    result = run(params, seed=6)
    np.testing.assert_array_equal(result.queued_by_type[:, LAND], 0.0)
    assert result.queued_by_type[:, FACTORY].sum() > 0
    assert result.entered["signed"].sum() > 0
    assert result.screened_out.sum() > 0
    np.testing.assert_allclose(result.trace["sold"], 0.0)


def test_screen_all_land_share_screens_every_signing() -> None:
    """Every negotiated project signs in its first month (h = 1), and every one is a land project below the
    tax screen: all of them are screened out, none signs."""
    params = make(horizon_years=4, projects={"land_share": 1.0}, standard_land={"min_tax_wan_per_mu": 1e6},
                  pipeline=INSTANT)
    result = run(params, seed=6)
    assert result.entered["signed"].sum() == 0
    assert result.negotiated.sum() > 0
    # each month's arrivals try to sign the next month: all but the last month's are screened out
    assert 0 <= result.negotiated.sum() - result.screened_out.sum() <= 3 * result.negotiated.shape[0] * 20
    assert result.screened_out.sum() >= 0.95 * result.negotiated.sum()
    np.testing.assert_array_equal(result.queued_by_type, 0.0)


@pytest.mark.parametrize("screen", [None, {}, {"min_investment_wan_per_mu": 0.0}])
def test_no_screen_nothing_screened(screen) -> None:
    result = run(make(horizon_years=4, standard_land=screen), seed=6)
    np.testing.assert_array_equal(result.screened_out, 0.0)
    assert result.entered["signed"].sum() > 0


@pytest.mark.parametrize("threshold, kept", [(999.0, True), (1001.0, False)])
def test_screen_threshold_hand_computed(threshold: float, kept: bool) -> None:
    """Investment 5 亿 on 50 mu is 1000 万元 a mu (sd_log 0: every project exactly the mean)."""
    params = make(horizon_years=3, projects={"land_share": 1.0, "land_mu": {"mean": 50.0, "sd_log": 0.0},
                                             "investment": {"mean": 5.0, "sd_log": 0.0}},
                  standard_land={"min_investment_wan_per_mu": threshold})
    result = run(params, seed=8)
    total = result.entered["signed"].sum() + result.screened_out.sum()
    assert total > 0
    assert result.entered["signed"].sum() == (total if kept else 0)


def test_plot_ratio_screen() -> None:
    params = make(horizon_years=3, projects={"land_share": 1.0, "plot_ratio": {"mean": 1.0, "sd_log": 0.0}},
                  standard_land={"min_plot_ratio": 1.5})
    result = run(params, seed=8)
    assert result.entered["signed"].sum() == 0 and result.screened_out.sum() > 0


# ---------------------------------------------------------------------------
# 6. Schema errors
# ---------------------------------------------------------------------------

def test_base_is_valid() -> None:
    make()
    make(pipeline=INSTANT)


@pytest.mark.parametrize("over", [
    pytest.param({"available_mu": -1.0}, id="negative-available"),
    pytest.param({"unserviced_mu": -5.0}, id="negative-unserviced"),
    pytest.param({"factories": {"vacant_m2": -1.0}}, id="negative-vacant"),
    pytest.param({"projects": {"land_mu": {"mean": -50.0}}}, id="negative-project-area"),
    pytest.param({"projects": {"land_mu": {"mean": 0.0}}}, id="zero-project-area"),
    pytest.param({"changes": [{"year": 2026, "mu": 1.0, "km2": 1.0}]}, id="change-both-units"),
    pytest.param({"changes": [{"year": 2026}]}, id="change-no-unit"),
    pytest.param({"changes": [{"year": 2035, "mu": 1.0}]}, id="change-after-horizon"),
    pytest.param({"changes": [{"year": 2024, "mu": 1.0}]}, id="change-before-start"),
    pytest.param({"pipeline": {"stages": {**INSTANT["stages"], "signed": {"conversion": 1.5, "lag_months": 2}}}},
                 id="stage-conversion-above-1"),
    pytest.param({"pipeline": {"stages": {**INSTANT["stages"], "started": {"conversion": -0.1, "lag_months": 2}}}},
                 id="stage-conversion-below-0"),
    pytest.param({"pipeline": {"cumulative_from_signed": {"registered": 1.2, "started": 0.6, "producing": 0.3}}},
                 id="cumulative-above-1"),
    pytest.param({"pipeline": {"cumulative_from_signed": {"registered": 0.9, "started": 0.6, "producing": -0.1}}},
                 id="cumulative-below-0"),
    pytest.param({"pipeline": {"sign_rate": 1.1}}, id="sign-rate-above-1"),
    pytest.param({"pipeline": {"cumulative_from_signed": {"registered": 0.5, "started": 0.6, "producing": 0.3}}},
                 id="cumulative-rising-started"),
    pytest.param({"pipeline": {"cumulative_from_signed": {"registered": 0.9, "started": 0.6, "producing": 0.7}}},
                 id="cumulative-rising-producing"),
    pytest.param({"pipeline": {"lags_months": {"signed": 0, "registered": 4, "started": 6, "producing": 12}}},
                 id="lag-0-months"),
    pytest.param({"pipeline": {"lags_months": {"signed": 3, "registered": 4, "started": 6, "producing": 0.5}}},
                 id="lag-half-month"),
    pytest.param({"pipeline": {"stages": {**INSTANT["stages"], "registered": {"conversion": 0.5, "lag_months": 0}}}},
                 id="stage-lag-0"),
    pytest.param({"pipeline": {"stages": {"signed": {"conversion": 0.5, "lag_months": 2}}}}, id="stage-missing"),
    pytest.param({"factories": {"lag_months": 0}}, id="factory-lag-0"),
    pytest.param({"horizon_years": 0}, id="horizon-0"),
    pytest.param({"paths": 0}, id="paths-0"),
    pytest.param({"factories": {"policy": "build_everything"}}, id="unknown-policy"),
    pytest.param({"factories": {"policy": "fixed", "build_m2_per_year": None}}, id="fixed-without-programme"),
    pytest.param({"factories": {"policy": "to_suit", "lag_months": 9}, "max_wait_months": 6},
                 id="to-suit-wait-below-lag"),
    pytest.param({"idle_rate": 1.5}, id="idle-rate-above-1"),
    pytest.param({"max_wait_months": -1}, id="negative-wait"),
    pytest.param({"pipeline": {"arrivals_per_year": 0.0}}, id="zero-arrivals"),
    pytest.param({"available_mu": "500"}, id="string-number"),
    pytest.param({"horizon_years": 50, "paths": 10_000}, id="too-many-path-months"),
    pytest.param({"unknown_key": 1}, id="unknown-key"),
])
def test_schema_rejects(over: dict) -> None:
    with pytest.raises(ValidationError):
        Land.model_validate(raw(**over))


@pytest.mark.parametrize("key, step", [("sign_rate", None), ("cumulative_from_signed", "started"),
                                       ("lags_months", "producing"), ("cumulative_from_signed", None),
                                       ("lags_months", None)])
def test_incomplete_cumulative_funnel_rejected(key: str, step: str | None) -> None:
    data = raw()
    if step is None:
        del data["pipeline"][key]
    else:
        del data["pipeline"][key][step]
    with pytest.raises(ValidationError):
        Land.model_validate(data)


def test_to_suit_wait_equal_to_lag_accepted() -> None:
    make(factories={"policy": "to_suit", "lag_months": 9, "build_m2_per_year": 0.0}, max_wait_months=9)


def test_cumulative_conversions() -> None:
    conv = make().pipeline.conversions()
    assert conv["signed"] == (0.5, 3)
    assert conv["registered"][0] == pytest.approx(0.9)
    assert conv["started"][0] == pytest.approx(0.6 / 0.9)
    assert conv["producing"][0] == pytest.approx(0.5)
    assert np.prod([conv[k][0] for k in STEPS[1:]]) == pytest.approx(0.3)


# ---------------------------------------------------------------------------
# 7. metrics()
# ---------------------------------------------------------------------------

KEYS = {"years", "occupancy_rate", "vacant_m2", "land_available_mu", "signed", "producing", "lost_for_space",
        "lost_share", "mean_wait_months", "tax_per_mu", "land_sale_revenue", "p_land_exhausted",
        "land_exhausted_year_median"}


@pytest.mark.parametrize("over", [
    {},
    {"factories": {"vacant_m2": 0.0, "occupied_m2": 0.0, "build_m2_per_year": 1.0, "lag_months": 60},
     "horizon_years": 2, "projects": {"land_share": 1.0}},  # no factory space built: occupancy undefined
    {"available_mu": 0.0, "unserviced_mu": 0.0, "servicing_mu_per_year": 0.0, "sold_mu": 0.0,
     "projects": {"land_share": 1.0}, "horizon_years": 1, "paths": 1},  # nobody served
    {"pipeline": {"arrivals_per_year": 0.01}, "horizon_years": 1, "paths": 1},  # (almost surely) no projects
])
def test_metrics_keys_and_json(over: dict) -> None:
    params = make(**over)
    result = run(params, seed=3, trace=False)
    m = metrics(result, params)
    assert KEYS <= set(m)
    text = json.dumps(m, allow_nan=False)
    assert json.loads(text) == m
    years = params.horizon_years
    assert m["years"] == list(range(params.start_year, params.start_year + years))
    for k in ("occupancy_rate", "vacant_m2", "land_available_mu", "signed", "producing", "lost_for_space",
              "mean_wait_months", "tax_per_mu", "land_sale_revenue"):
        assert len(m[k]) == years, k
    np.testing.assert_allclose(m["vacant_m2"], result.vacant_m2.mean(axis=0))
    np.testing.assert_allclose(m["signed"], result.entered["signed"].mean(axis=0))
    assert 0 <= m["lost_share"] <= 1 and 0 <= m["p_land_exhausted"] <= 1


def test_p_land_exhausted_scarce_and_plentiful() -> None:
    scarce = make(horizon_years=5, available_mu=1000.0, unserviced_mu=0.0, servicing_mu_per_year=0.0,
                  revitalise_rate=0.0, projects={"land_share": 1.0}, pipeline={"arrivals_per_year": 200.0})
    m = metrics(run(scarce, seed=1, trace=False), scarce)
    assert m["p_land_exhausted"] == 1.0
    assert m["land_exhausted_year_median"] in m["years"]
    plenty = make(horizon_years=5, available_mu=1e7, projects={"land_share": 1.0},
                  pipeline={"arrivals_per_year": 200.0})
    m = metrics(run(plenty, seed=1, trace=False), plenty)
    assert m["p_land_exhausted"] == 0.0
    assert m["land_exhausted_year_median"] is None


def test_exhausted_month_hand_computed() -> None:
    """No land at all from the start: exhausted in month 0 on every path, so in the start year."""
    params = make(available_mu=10.0, unserviced_mu=0.0, servicing_mu_per_year=0.0, revitalise_rate=0.0)
    result = run(params, trace=False)
    np.testing.assert_array_equal(result.exhausted_month, 0)
    assert metrics(result, params)["land_exhausted_year_median"] == params.start_year


def test_exhausted_year_median_over_all_paths_consistent_with_p() -> None:
    """The median is reported only when at least half the paths run out, i.e. when the median over all paths
    (never = after the horizon) falls inside the horizon; it should then be that median."""
    params = make(horizon_years=6, paths=9)
    result = dataclasses.replace(run(params, trace=False),
                                 exhausted_month=np.array([0, 12, 24, 36, 48, 60, -1, -1, -1]))
    m = metrics(result, params)
    assert m["p_land_exhausted"] == pytest.approx(6 / 9)
    assert m["land_exhausted_year_median"] is not None


def test_exhausted_year_median_is_median_over_paths() -> None:
    params = make(horizon_years=6, paths=9)
    result = dataclasses.replace(run(params, trace=False),
                                 exhausted_month=np.array([0, 12, 24, 36, 48, 60, -1, -1, -1]))
    assert metrics(result, params)["land_exhausted_year_median"] == 2029


# ---------------------------------------------------------------------------
# 8. smallest_programme
# ---------------------------------------------------------------------------

def _lost_share(params: Land, seed: int, lever: str, rate: float) -> float:
    rev = params.reverse
    base = params.model_copy(update={"paths": min(params.paths, rev.paths), "reverse": None})
    if lever == "build_m2_per_year":
        p = Land.model_validate(merge(base.model_dump(), {"factories": {"policy": "fixed",
                                                                        "build_m2_per_year": max(rate, 1e-9)}}))
        return metrics(simulate(p, np.random.default_rng(seed)), p)["lost_share_factory"]
    p = Land.model_validate(merge(base.model_dump(), {"servicing_mu_per_year": rate}))
    return metrics(simulate(p, np.random.default_rng(seed)), p)["lost_share_land"]


REVERSE_BASE = dict(horizon_years=6, paths=40, max_wait_months=6, pipeline={"arrivals_per_year": 40.0},
                    factories={"policy": "target_vacancy", "build_m2_per_year": None, "lag_months": 6,
                               "vacant_m2": 0.0, "occupied_m2": 0.0, "tenant_exit_rate": 0.0})


def test_smallest_programme_build() -> None:
    params = make(**REVERSE_BASE, reverse={"lever": "build_m2_per_year", "target": 0.1, "paths": 12})
    out = smallest_programme(params, seed=7)
    assert out["lever"] == "build_m2_per_year" and out["target"] == 0.1 and out["paths"] == 12
    rate = out["rate"]
    assert rate is not None and rate > 0
    at_rate = _lost_share(params, 7, "build_m2_per_year", rate)
    assert at_rate <= 0.1
    assert out["lost_share_at_rate"] == pytest.approx(at_rate)
    assert _lost_share(params, 7, "build_m2_per_year", 0.97 * rate) > 0.1  # within 2%: just below the answer misses the target


def test_smallest_programme_servicing() -> None:
    params = make(**REVERSE_BASE, available_mu=0.0, unserviced_mu=1e6, sold_mu=0.0, idle_mu=0.0,
                  revitalise_rate=0.0, projects={"land_share": 0.6},
                  reverse={"lever": "servicing_mu_per_year", "target": 0.05, "paths": 12})
    out = smallest_programme(params, seed=3)
    rate = out["rate"]
    assert rate is not None and rate > 0
    assert _lost_share(params, 3, "servicing_mu_per_year", rate) <= 0.05
    assert _lost_share(params, 3, "servicing_mu_per_year", 0.8 * rate) > 0.05


def test_smallest_programme_target_easily_met() -> None:
    params = make(**merge(REVERSE_BASE, {"factories": {"vacant_m2": 1e9}}),
                  reverse={"lever": "build_m2_per_year", "target": 0.1, "paths": 10})
    out = smallest_programme(params, seed=7)
    assert out["rate"] == 0.0
    assert out["lost_share_at_rate"] <= 0.1


# ---------------------------------------------------------------------------
# 9. Reproducibility
# ---------------------------------------------------------------------------

def _arrays(result: land.LandResult) -> dict[str, np.ndarray]:
    out = {k: v for k, v in vars(result).items() if isinstance(v, np.ndarray)}
    out.update({f"entered.{k}": v for k, v in result.entered.items()})
    out.update({f"trace.{k}": v for k, v in result.trace.items()})
    return out


@pytest.mark.parametrize("policy", ["fixed", "to_suit", "target_vacancy"])
def test_same_seed_same_arrays_different_seed_different(policy: str) -> None:
    params = make(factories={"policy": policy, "lag_months": 6}, max_wait_months=12)
    a, b, c = (_arrays(run(params, seed=s)) for s in (42, 42, 43))
    assert a.keys() == b.keys() == c.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    assert not np.array_equal(a["negotiated"], c["negotiated"])
    assert not np.array_equal(a["trace.sold"], c["trace.sold"])


def test_plot_ratio_screen_needs_plot_ratio_draws() -> None:
    with pytest.raises(ValidationError, match="the screen uses plot ratio: give projects.plot_ratio"):
        make(standard_land={"min_plot_ratio": 1.0})


LAND_BAD_SETS = [
    ("land.available_mu=-5", "land.available_mu", "must be at least 0.0, got -5"),
    ("land.horizon_years=0", "land.horizon_years", "must be at least 1, got 0"),
    ("land.factories.policy=magic", "land.factories.policy", "must be one of 'fixed', 'to_suit' or 'target_vacancy'"),
    ("land.factories.lag_months=0", "land.factories.lag_months", "must be at least 1"),
    ("land.pipeline.cumulative_from_signed={registered: 0.5, started: 0.6, producing: 0.3}",
     "land.pipeline.cumulative_from_signed.started", "cumulative rates cannot rise along the funnel"),
    ("land.pipeline.sign_rate=1.5", "land.pipeline.sign_rate", "must be at most 1"),
    ("land.pipeline.sign_rate=null", "land.pipeline.sign_rate", "required key is missing"),
]


@pytest.mark.parametrize("override, key, fragment", LAND_BAD_SETS, ids=[c[1] for c in LAND_BAD_SETS])
def test_bad_land_values_are_one_line_each_naming_the_key(override, key, fragment) -> None:
    from simlib.scenario import ScenarioError, load

    with pytest.raises(ScenarioError) as err:
        load(ROOT / "params" / "jianshi_2021.yaml", [override])
    assert [(p.key, fragment in p.message, "(from --set)" in p.message) for p in err.value.problems] == [
        (key, True, True)]


def test_projects_still_waiting_at_the_horizon_are_not_counted_as_served() -> None:
    """No land at all and a wait longer than the horizon: nobody is served or lost; the lost share of
    projects whose wait ended is 0 of 0, and the waiting ones are reported."""
    params = make(horizon_years=2, paths=20, unserviced_mu=0.0, available_mu=0.0, servicing_mu_per_year=0.0,
                  idle_mu=0.0, revitalise_rate=0.0, projects={"land_share": 1.0}, max_wait_months=30)
    result = run(params, seed=3)
    m = metrics(result, params)
    assert result.served.sum() == 0 and result.lost.sum() == 0
    assert m["still_waiting_at_end"] == pytest.approx(result.queued_by_type.sum(axis=1).mean())
    assert m["still_waiting_at_end"] > 0 and m["mean_wait_months_total"] is None


def test_land_runs_out_when_sales_empty_it_even_if_idle_land_comes_back_later() -> None:
    """All land sold as it appears, revitalised land arriving after the sales each month: land has run out."""
    params = make(horizon_years=2, paths=10, unserviced_mu=0.0, available_mu=100.0, servicing_mu_per_year=0.0,
                  idle_mu=5000.0, revitalise_rate=0.5, projects={"land_share": 1.0, "land_mu": {"mean": 50.0}},
                  pipeline={"arrivals_per_year": 600.0, **INSTANT}, max_wait_months=1)
    m = metrics(run(params, seed=4), params)
    assert m["p_land_exhausted"] == 1.0


def test_to_suit_builds_nothing_while_vacant_space_covers_demand() -> None:
    params = make(horizon_years=1, paths=5, projects={"land_share": 0.0}, pipeline={"arrivals_per_year": 10.0,
                                                                                    **INSTANT},
                  factories={"policy": "to_suit", "lag_months": 4, "vacant_m2": 1e9, "occupied_m2": 0.0},
                  max_wait_months=4)
    result = run(params, seed=2)
    assert result.served.sum() > 0
    np.testing.assert_allclose(result.trace["starts"], 0.0)


@pytest.mark.parametrize("update", [
    {"factories": {"policy": "fixed", "build_m2_per_year": 5_000.0, "lag_months": 6, "vacant_m2": 0.0}},
    {"servicing_mu_per_year": 20.0, "available_mu": 0.0},
])
def test_a_replayed_funnel_gives_the_run_that_draws_it_bit_for_bit(update) -> None:
    # smallest_programme records the funnel (all the random draws) once and replays it for every rate
    params = make(**update, horizon_years=6, paths=30)
    recorded = land._Funnel.record(make(horizon_years=6, paths=30), np.random.default_rng(4))
    direct = land._months(params, np.random.default_rng(4))
    replayed = land._months(params, np.random.default_rng(99), funnel=recorded)
    for name in land.LandResult.__dataclass_fields__:
        a, b = getattr(direct, name), getattr(replayed, name)
        if isinstance(a, dict):
            assert a.keys() == b.keys(), name
            for k in a:
                np.testing.assert_array_equal(a[k], b[k], err_msg=f"{name}.{k}")
        elif a is not None:
            np.testing.assert_array_equal(a, b, err_msg=name)
