"""Land model accounting (issue 14): firms and land conserved, build policies, initial stocks,
figures that add up (Little's law, lost share with those still waiting), the reverse lever that
binds, and the catalogue of comparative statics, each a test run on common random numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_land import make, merge, metrics, raw, run

from simlib.models import land
from simlib.models.land import FACTORY, LAND, PROJECT_STATES, Land


def states_add_up(params: Land, result: land.LandResult) -> None:
    """Every project ever negotiated or in the initial stocks is in exactly one state at the end."""
    total = sum(result.states[k] for k in PROJECT_STATES)
    initial = params.initial
    start = 0.0 if initial is None else initial.negotiated + sum(
        getattr(initial, k).count for k in ("signed", "registered", "started", "producing")
        if getattr(initial, k) is not None)
    np.testing.assert_allclose(total, result.negotiated.sum(axis=1) + start, rtol=1e-9, atol=1e-6)
    assert min(v.min() for v in result.states.values()) >= -1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), policy=st.sampled_from(["fixed", "to_suit", "target_vacancy"]))
def test_every_project_in_exactly_one_state_and_firms_hold_the_sold_land(seed: int, policy: str) -> None:
    from test_land import assert_conserved, random_params

    rng = np.random.default_rng(seed)
    params = random_params(rng, policy)
    result = land.simulate(params, rng, trace=True)
    assert_conserved(params, result.trace)  # includes S = land firms hold, producing land ≤ S
    states_add_up(params, result)


# -- idle firms -------------------------------------------------------------------------------

def test_idle_firms_that_stay_hold_their_land_and_lose_their_output() -> None:
    """Hand-computed: existing firms on 1,200 mu fall idle at 1% a month; half leave (their land
    vacated), half stay idle on theirs; revitalisation takes 2% a month of both back."""
    params = make(horizon_years=2, paths=2, unserviced_mu=0.0, available_mu=0.0, servicing_mu_per_year=0.0,
                  sold_mu=1200.0, idle_mu=300.0, idle_rate=0.12, idle_exit_share=0.5, revitalise_rate=0.24,
                  projects={"land_share": 0.0})
    tr = run(params).trace
    E, D, I, A = 1200.0, 0.0, 300.0, 0.0
    for m in range(24):
        E, D, I, A = E * 0.99, D * 0.98 + E * 0.005, I * 0.98 + E * 0.005, A + 0.02 * (I + D)
        assert tr["S"][m, 0] == pytest.approx(E + D, rel=1e-12)
        assert tr["I"][m, 0] == pytest.approx(I, rel=1e-12)
        assert tr["A"][m, 0] == pytest.approx(A, rel=1e-12)


def test_producing_firms_falling_idle_take_their_tax_and_never_keep_producing_on_resold_land() -> None:
    """The audit's case: producing land must never exceed sold land, and idle land resold carries no
    second producer: every mu a producing firm holds is sold land."""
    params = make(horizon_years=8, paths=30, idle_rate=0.3, revitalise_rate=0.8, available_mu=3000.0,
                  initial={"producing": {"count": 40}}, sold_mu=5000.0, projects={"land_share": 1.0})
    result = run(params, seed=5)
    tr = result.trace
    assert np.all(tr["producing_mu"] <= tr["S"] + 1e-6)
    assert tr["reclaimed"].sum() + tr["revitalised"].sum() > 0
    m = metrics(result, params)
    assert sum(m["exited"]) > 0 and m["projects_at_end"]["exited"] > 0


def tax_and_lost(over: dict, seed: int = 11) -> tuple[float, float]:
    p = make(**over)
    m = metrics(run(p, seed=seed, trace=False), p)
    return m["producing_tax"][-1], m["lost_share"]


IDLE_BASE = dict(horizon_years=6, paths=60, sold_mu=1500.0, available_mu=300.0, unserviced_mu=400.0,
                 servicing_mu_per_year=150.0, revitalise_rate=0.0, max_wait_months=6,
                 initial={"producing": {"count": 20}}, pipeline={"arrivals_per_year": 60.0})


@pytest.mark.parametrize("exit_share", [0.0, 0.5, 1.0])
def test_a_higher_idle_rate_lowers_tax_and_never_loses_fewer(exit_share: float) -> None:
    """Without revitalisation idle land never comes back, so raising the idle rate lowers tax and
    leaves the lost share where it was (the funnel and the supply are the same)."""
    rates = [0.0, 0.02, 0.1, 0.3]
    runs = [tax_and_lost({**IDLE_BASE, "idle_rate": r, "idle_exit_share": exit_share}) for r in rates]
    for (tax_a, lost_a), (tax_b, lost_b) in zip(runs, runs[1:]):
        assert tax_b < tax_a
        assert lost_b >= lost_a - 1e-12


def test_with_revitalisation_higher_idle_rate_still_lowers_tax_and_recycles_only_idle_land() -> None:
    """With revitalisation the extra idle land can be sold again; tax still falls, and the extra land
    sold is no more than the extra land revitalised (no mu is sold twice)."""
    out = []
    for r in (0.02, 0.10):
        p = make(**{**IDLE_BASE, "idle_rate": r, "revitalise_rate": 0.3})
        res = run(p, seed=11)
        out.append((metrics(res, p)["producing_tax"][-1], res.trace["sold"].sum(),
                    (res.trace["revitalised"] + res.trace["reclaimed"]).sum()))
    (tax_lo, sold_lo, back_lo), (tax_hi, sold_hi, back_hi) = out
    assert tax_hi < tax_lo
    assert sold_hi - sold_lo <= back_hi - back_lo + 1e-6


# -- build policies ---------------------------------------------------------------------------

FACTORY_ONLY = dict(horizon_years=3, paths=20, projects={"land_share": 0.0}, max_wait_months=12,
                    pipeline={"arrivals_per_year": 60.0})


def factory_run(policy: str, programme: float | None, **over) -> land.LandResult:
    p = make(**FACTORY_ONLY, factories={"policy": policy, "build_m2_per_year": programme, "lag_months": 6,
                                        "vacant_m2": 0.0, "occupied_m2": 50_000.0, **over})
    return run(p, seed=2)


@pytest.mark.parametrize("policy", ["fixed", "to_suit", "target_vacancy"])
def test_a_programme_of_zero_builds_nothing(policy: str) -> None:
    tr = factory_run(policy, 0.0).trace
    assert tr["starts"].max() == 0.0 and tr["C"].max() == 0.0


@pytest.mark.parametrize("policy", ["to_suit", "target_vacancy"])
def test_the_programme_caps_what_a_rule_starts_and_null_means_no_limit(policy: str) -> None:
    free = factory_run(policy, None).trace["starts"]
    assert free.max() > 12_000.0 / 12  # the rule asks for more than the cap below
    capped = factory_run(policy, 12_000.0).trace["starts"]
    assert capped.max() <= 12_000.0 / 12 + 1e-9
    doubled = factory_run(policy, 24_000.0).trace["starts"]
    assert doubled.sum() > capped.sum()  # the programme now moves build-to-suit


def test_fixed_programme_of_zero_is_valid_and_a_missing_one_is_not() -> None:
    make(factories={"policy": "fixed", "build_m2_per_year": 0.0})
    with pytest.raises(Exception, match="the fixed policy needs a programme"):
        make(factories={"policy": "fixed", "build_m2_per_year": None})


# -- initial stocks ---------------------------------------------------------------------------

def test_initial_stocks_start_the_pipeline_full() -> None:
    """200 projects started at the start and producing at h = 0.9/12 a month: the first year's
    completions are 200 · 0.9 · (1 − (1 − 1/12)^12) ≈ 116 in expectation (moves are expected values)."""
    stages = {"signed": {"conversion": 0.5, "lag_months": 3}, "registered": {"conversion": 0.9, "lag_months": 2},
              "started": {"conversion": 0.8, "lag_months": 4}, "producing": {"conversion": 0.9, "lag_months": 12}}
    over = dict(horizon_years=2, paths=5, sold_mu=1e5, factories={"occupied_m2": 1e7},
                pipeline={"arrivals_per_year": 1.0, "stages": stages},
                initial={"started": {"count": 200}})
    empty = metrics(run(make(**{**over, "initial": None})), make(**{**over, "initial": None}))
    full = metrics(run(make(**over)), make(**over))
    expected = 200 * 0.9 * (1 - (1 - 1 / 12) ** 12)
    assert full["producing"][0] - empty["producing"][0] == pytest.approx(expected, rel=1e-6)
    assert full["producing_tax"][0] > empty["producing_tax"][0]


def test_initial_stocks_hold_land_within_sold_land() -> None:
    with pytest.raises(Exception, match="sold land must be at least that"):
        make(sold_mu=100.0, initial={"producing": {"count": 10, "mu": 500.0}})
    with pytest.raises(Exception, match="occupied space must be at least that"):
        make(initial={"started": {"count": 10, "m2": 1e9}})
    with pytest.raises(Exception, match="greater than or equal to 0"):
        make(initial={"started": {"count": -1}})
    with pytest.raises(Exception, match="the stage has no land projects"):
        make(projects={"land_share": 0.0}, sold_mu=5000.0, initial={"producing": {"count": 5, "mu": 3000.0}})
    with pytest.raises(Exception, match="the stage has no projects"):
        make(initial={"producing": {"count": 0, "tax": 5.0}})
    with pytest.raises(Exception, match="not 45"):
        make(projects={"coverage": {"mean": 45.0}})


def test_initial_stocks_are_whole_projects_that_all_move_on() -> None:
    """Found in review: 4 signed projects with land_share 0.1 made 0.4 land projects that rounding kept
    signed forever.  The split is in whole projects."""
    stages = {k: {"conversion": 1.0, "lag_months": 1.0} for k in ("signed", "registered", "started", "producing")}
    p = make(horizon_years=2, projects={"land_share": 0.1}, pipeline={"arrivals_per_year": 1.0, "stages": stages},
             initial={"signed": {"count": 4}})
    c = p.initial_cohort("signed").count[0]
    assert c.tolist() == [0.0, 4.0]
    r = run(p)
    assert np.all(r.entered["registered"][:, 0] >= 4)  # all four register in the first year (conversion 1)


def test_guangyuan_first_year_starts_and_completions_are_of_the_seeds_order() -> None:
    """Seed 004: 363 projects started and 400 completed in one year, against 183 signed."""
    from simlib.scenario.loader import load
    from conftest import ROOT

    scenario = load(ROOT / "params" / "guangyuan_2023.yaml")
    p = scenario.params.land
    m = metrics(land.simulate(p, np.random.default_rng(0)), p)
    assert 363 * 0.75 <= m["started"][0] <= 363 * 1.25, m["started"][0]
    assert 400 * 0.75 <= m["producing"][0] <= 400 * 1.25, m["producing"][0]


# -- figures that add up ----------------------------------------------------------------------

def test_littles_law_on_the_queue_with_the_lost_counted_at_their_give_up_time() -> None:
    """Σ over months of the queue carried to the next month = Σ of the months each project waited
    (served: months before service; lost: max_wait_months; still waiting: months so far), exactly;
    and over a long horizon L = λW within Monte Carlo error."""
    p = make(horizon_years=20, paths=40, max_wait_months=5, available_mu=0.0, servicing_mu_per_year=250.0,
             unserviced_mu=1e7, sold_mu=0.0, idle_mu=0.0, projects={"land_share": 1.0},
             pipeline={"arrivals_per_year": 60.0})
    r = run(p, seed=8)
    tr = r.trace
    assert r.lost.sum() > 0 and r.served.sum() > 0
    # exact sample-path identity: those still waiting at the end have waited (their age + 1) months
    carried = tr["queue"].sum(axis=0)
    q_end = r.queued_by_type - r.lost_by_type - r.served_by_type
    assert np.all(carried >= r.wait_months.sum(axis=1) - 1e-6)
    assert np.all(carried - r.wait_months.sum(axis=1) <= q_end.sum(axis=1) * (p.max_wait_months + 1) + 1e-6)
    # Little's law: L = λ W
    L = tr["queue"].mean()
    lam = tr["registering"].mean()
    W = r.wait_months.sum() / (r.served.sum() + r.lost.sum())
    assert L == pytest.approx(lam * W, rel=0.02)


def test_lost_share_counts_those_still_waiting_separately_and_in_total() -> None:
    p = make(horizon_years=2, paths=20, max_wait_months=30, available_mu=0.0, servicing_mu_per_year=100.0,
             unserviced_mu=1e6, sold_mu=0.0, projects={"land_share": 1.0})
    r = run(p, seed=1)
    m = metrics(r, p)
    queued = r.queued_by_type.sum()
    waiting = queued - r.lost_by_type.sum() - r.served_by_type.sum()
    assert m["still_waiting_share"] == pytest.approx(waiting / queued) and m["still_waiting_share"] > 0.1
    assert m["lost_share"] == pytest.approx(r.lost_by_type.sum() / queued)
    assert m["unserved_share"] == pytest.approx(m["lost_share"] + m["still_waiting_share"])


def test_the_mean_wait_includes_the_lost_at_their_give_up_time() -> None:
    """Nothing is ever served: every lost project waited max_wait_months."""
    p = make(horizon_years=3, paths=4, max_wait_months=4, available_mu=0.0, servicing_mu_per_year=0.0,
             unserviced_mu=0.0, sold_mu=0.0, idle_mu=0.0, projects={"land_share": 1.0})
    r = run(p, seed=1)
    m = metrics(r, p)
    assert r.lost.sum() > 0 and r.served.sum() == 0
    assert m["mean_wait_months_total"] == pytest.approx(4.0)


def test_no_land_projects_no_land_exhausted_figure() -> None:
    from simlib.brief.headlines import headlines

    p = make(projects={"land_share": 0.0}, available_mu=0.0, unserviced_mu=0.0)
    m = land.summarize(run(p, trace=False), p)
    assert m.p_land_exhausted is None and m.land_exhausted_year_median is None
    assert all(h.metric != "p_land_exhausted" for _, h, _ in headlines({"land": m}))
    q = make(projects={"land_share": 0.5})
    assert land.summarize(run(q, trace=False), q).p_land_exhausted is not None


# -- the reverse question solves for the lever that binds ------------------------------------

REVERSE = dict(horizon_years=5, paths=30, max_wait_months=6, pipeline={"arrivals_per_year": 40.0},
               factories={"policy": "fixed", "build_m2_per_year": 500_000.0, "lag_months": 6,
                          "vacant_m2": 1e6, "occupied_m2": 0.0, "tenant_exit_rate": 0.0})


def test_auto_lever_is_land_servicing_when_land_runs_out() -> None:
    p = make(**REVERSE, available_mu=0.0, unserviced_mu=1e6, servicing_mu_per_year=100.0, sold_mu=0.0,
             revitalise_rate=0.0, reverse={"target": 0.1, "paths": 12})
    out = land.smallest_programme(p, seed=4)
    assert out.lever == "servicing_mu_per_year"
    assert out.current == 100.0 and out.lost_share_current > 0.1
    assert out.rate is not None and out.rate > 100.0


def test_auto_lever_is_the_factory_programme_when_space_is_short() -> None:
    over = merge(REVERSE, {"factories": {"vacant_m2": 0.0, "build_m2_per_year": 10_000.0}})
    p = make(**over, available_mu=1e6, reverse={"target": 0.1, "paths": 12})
    out = land.smallest_programme(p, seed=4)
    assert out.lever == "build_m2_per_year" and out.current == 10_000.0
    assert out.rate is not None and out.rate > 10_000.0


# -- the comparative-statics catalogue: each lever, the metric it moves, the direction --------

STATICS_BASE = dict(horizon_years=6, paths=40, available_mu=200.0, unserviced_mu=3000.0, servicing_mu_per_year=300.0,
                    sold_mu=2000.0, idle_rate=0.05, revitalise_rate=0.1, max_wait_months=6,
                    pipeline={"arrivals_per_year": 60.0},
                    factories={"policy": "fixed", "build_m2_per_year": 30_000.0, "lag_months": 6, "vacant_m2": 0.0,
                               "occupied_m2": 100_000.0, "tenant_exit_rate": 0.05},
                    projects={"plot_ratio": {"mean": 1.5, "sd_log": 0.3}},
                    standard_land={"min_investment_wan_per_mu": 500.0})


def statics(over: dict, seed: int) -> dict:
    p = Land.model_validate(merge(raw(**STATICS_BASE), over))
    return metrics(run(p, seed=seed, trace=False), p)


def exhausted_month(m: dict) -> float:
    """The median year land runs out, after the horizon (10,000) when it does not."""
    return m["land_exhausted_year_median"] or 10_000


SCARCE = {"unserviced_mu": 1500.0, "pipeline": {"arrivals_per_year": 90.0}}

CATALOGUE = [  # (lever, low, high, metric read from the metrics, the direction it must never take)
    ("factories.build_m2_per_year", {"factories": {"build_m2_per_year": 10_000.0}},
     {"factories": {"build_m2_per_year": 80_000.0}}, lambda m: m["lost_share_factory"], "never up"),
    ("idle_rate (no revitalisation)", {"idle_rate": 0.02, "revitalise_rate": 0.0},
     {"idle_rate": 0.2, "revitalise_rate": 0.0}, lambda m: m["lost_share"], "never down"),
    ("idle_rate", {"idle_rate": 0.02}, {"idle_rate": 0.2}, lambda m: m["producing_tax"][-1], "never up"),
    ("standard_land.min_investment_wan_per_mu", {"standard_land": {"min_investment_wan_per_mu": 200.0}},
     {"standard_land": {"min_investment_wan_per_mu": 800.0}}, lambda m: sum(m["signed"]), "never up"),
    ("servicing_mu_per_year", {"servicing_mu_per_year": 100.0}, {"servicing_mu_per_year": 600.0},
     lambda m: m["lost_share_land"], "never up"),
    # servicing sells land sooner: where the land does run out, more of it brings that forward, never back
    ("servicing_mu_per_year (scarce land)", SCARCE | {"servicing_mu_per_year": 100.0},
     SCARCE | {"servicing_mu_per_year": 600.0}, exhausted_month, "never up"),
    ("unserviced_mu (scarce land)", SCARCE, SCARCE | {"unserviced_mu": 3000.0}, exhausted_month, "never down"),
    ("max_wait_months", {"max_wait_months": 3}, {"max_wait_months": 12}, lambda m: m["lost_share"], "never up"),
]


@pytest.mark.parametrize("lever, low, high, read, direction", CATALOGUE, ids=[c[0] for c in CATALOGUE])
@pytest.mark.parametrize("seed", range(3))
def test_comparative_statics_catalogue(lever, low, high, read, direction, seed) -> None:
    a, b = read(statics(low, seed)), read(statics(high, seed))
    if direction == "never up":
        assert b <= a + 1e-12, (lever, a, b)
    else:
        assert b >= a - 1e-12, (lever, a, b)


@pytest.mark.parametrize("lever, low, high, read, direction", [c for c in CATALOGUE if "no revitalisation" not in c[0]],
                         ids=[c[0] for c in CATALOGUE if "no revitalisation" not in c[0]])
def test_every_catalogue_lever_moves_its_metric(lever, low, high, read, direction) -> None:
    """Not a vacuous catalogue: over three seeds each lever moves its metric at least once (the idle
    rate without revitalisation is the one meant to leave the lost share where it is)."""
    assert any(read(statics(low, s)) != read(statics(high, s)) for s in range(3)), lever
