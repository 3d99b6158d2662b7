"""Tests of the revenue-sharing rule, the tax simulation and the metrics built on them.

Money is in 亿元.  Expected numbers in the tables are worked out by hand from the
rule  P = min(max(S, floor), cap) + excess_return · (S − cap)⁺,  S = zone_share · (T − B)⁺,
and (section 7) from its generalisation: brackets, base share, a growing base, periods, negative
increments, the tax basis and the dynamic marginal retention.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from simlib.models.revenue import Engine, simulate, split, summarize
from simlib.scenario import ScenarioError, load


def metrics(result) -> dict:
    return summarize(result).model_dump()
from simlib.models.revenue import Revenue


def make_revenue(*, base_year=2023, base_tax=100.0, start_year=2024, horizon_years=3,
                 paths=1, mean=0.1, volatility=0.0, shocks=(), zone_share=0.5,
                 floor=0.0, cap=None, excess_return=0.0, base_reset_years=None) -> Revenue:
    return Revenue.model_validate({
        "base_year": base_year,
        "base_tax": base_tax,
        "start_year": start_year,
        "horizon_years": horizon_years,
        "paths": paths,
        "growth": {"mean": mean, "volatility": volatility,
                   "shocks": [{"year": y, "change": c} for y, c in shocks]},
        "sharing": {"zone_share": zone_share, "floor": floor, "cap": cap,
                    "excess_return": excess_return, "base_reset_years": base_reset_years},
    })


# ---------------------------------------------------------------------------
# 1. split(): hand-computed cases
# ---------------------------------------------------------------------------

# Columns: tax, base, rule, then expected raw_share, payout, top_up, pooled, marginal,
# floor_binds, cap_binds.
STANDARD = dict(zone_share=0.5, floor=0.5, cap=1.5)
SPLIT_CASES = [
    pytest.param(4.6, 4.0, STANDARD, 0.3, 0.5, 0.2, 0.0, 0.0, True, False,
                 id="below-floor"),
    pytest.param(6.0, 4.0, STANDARD, 1.0, 1.0, 0.0, 0.0, 0.5, False, False,
                 id="between-floor-and-cap"),
    pytest.param(8.0, 4.0, STANDARD, 2.0, 1.5, 0.0, 0.5, 0.0, False, True,
                 id="above-cap"),
    pytest.param(5.0, 4.0, dict(zone_share=0.5, floor=1.0, cap=1.0),
                 0.5, 1.0, 0.5, 0.0, 0.0, True, False, id="floor-equals-cap-below"),
    pytest.param(7.0, 4.0, dict(zone_share=0.5, floor=1.0, cap=1.0),
                 1.5, 1.0, 0.0, 0.5, 0.0, False, True, id="floor-equals-cap-above"),
    pytest.param(8.0, 4.0, dict(STANDARD, excess_return=0.3),
                 2.0, 1.65, 0.0, 0.35, 0.15, False, True, id="above-cap-excess-return-0.3"),
    pytest.param(6.0, 4.0, dict(STANDARD, excess_return=0.3),
                 1.0, 1.0, 0.0, 0.0, 0.5, False, False, id="between-excess-return-0.3"),
    pytest.param(3.0, 4.0, STANDARD, 0.0, 0.5, 0.5, 0.0, 0.0, True, False,
                 id="tax-below-base"),
    # at T == B the next yuan is already shared: the right-hand slope is zone_share
    pytest.param(4.0, 4.0, dict(zone_share=0.5), 0.0, 0.0, 0.0, 0.0, 0.5, False, False,
                 id="tax-equals-base-no-floor"),
    pytest.param(10.0, 4.0, dict(zone_share=0.5, floor=0.5), 3.0, 3.0, 0.0, 0.0, 0.5,
                 False, False, id="no-cap"),
    pytest.param(15.0, 10.0, dict(zone_share=0.3, floor=1.0, cap=2.0),
                 1.5, 1.5, 0.0, 0.0, 0.3, False, False, id="share-0.3-between"),
    pytest.param(20.0, 10.0, dict(zone_share=0.3, floor=1.0, cap=2.0, excess_return=1.0),
                 3.0, 3.0, 0.0, 0.0, 0.3, False, True, id="excess-return-1-gives-all-back"),
]


@pytest.mark.parametrize(
    "tax, base, rule, raw, payout, top_up, pooled, marginal, floor_binds, cap_binds",
    SPLIT_CASES,
)
def test_split_hand_computed(tax, base, rule, raw, payout, top_up, pooled, marginal,
                             floor_binds, cap_binds):
    sp = split(tax, base, **rule)
    assert float(sp.raw_share) == pytest.approx(raw, abs=1e-12)
    assert float(sp.payout) == pytest.approx(payout, abs=1e-12)
    assert float(sp.top_up) == pytest.approx(top_up, abs=1e-12)
    assert float(sp.pooled) == pytest.approx(pooled, abs=1e-12)
    assert float(sp.marginal) == pytest.approx(marginal, abs=1e-12)
    assert bool(sp.floor_binds) is floor_binds
    assert bool(sp.cap_binds) is cap_binds


def test_split_floor_equals_cap_pays_a_constant_with_zero_marginal():
    tax = np.linspace(0.0, 20.0, 401)
    sp = split(tax, 4.0, zone_share=0.5, floor=1.0, cap=1.0)
    np.testing.assert_allclose(sp.payout, 1.0)
    off_kink = tax != 6.0  # S == floor == cap exactly at T = 6
    assert np.all(sp.marginal[off_kink] == 0.0)


def test_split_broadcasts_over_arrays():
    sp = split([3.0, 4.6, 6.0, 8.0], 4.0, **STANDARD)
    np.testing.assert_allclose(sp.payout, [0.5, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(sp.top_up, [0.5, 0.2, 0.0, 0.0])
    np.testing.assert_allclose(sp.pooled, [0.0, 0.0, 0.0, 0.5])
    np.testing.assert_allclose(sp.marginal, [0.0, 0.0, 0.5, 0.0])


# ---------------------------------------------------------------------------
# 2. simulate() with zero volatility: one deterministic path
# ---------------------------------------------------------------------------

def test_deterministic_path_compounds_the_mean():
    params = make_revenue(paths=500, horizon_years=3)
    res = simulate(params, np.random.default_rng(0))
    assert res.tax.shape == (1, 3)
    assert res.years.tolist() == [2024, 2025, 2026]
    np.testing.assert_allclose(res.tax[0], [110.0, 121.0, 133.1], rtol=1e-12)
    np.testing.assert_allclose(res.base[0], [100.0, 100.0, 100.0], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [5.0, 10.5, 16.55], rtol=1e-12)
    np.testing.assert_allclose(res.county_net[0], [105.0, 110.5, 116.55], rtol=1e-12)


def test_deterministic_shock_is_permanent():
    params = make_revenue(horizon_years=4, shocks=[(2025, -0.2)])
    res = simulate(params, np.random.default_rng(0))
    # 2024: 110; 2025: 121 × 0.8 = 96.8; then +10% a year on the lower level.
    np.testing.assert_allclose(res.tax[0], [110.0, 96.8, 106.48, 117.128], rtol=1e-12)
    # 2025 falls below the base of 100: increment 0, payout 0 (no floor).
    np.testing.assert_allclose(res.split.raw_share[0], [5.0, 0.0, 3.24, 8.564], rtol=1e-12)
    np.testing.assert_allclose(res.split.marginal[0], [0.5, 0.0, 0.5, 0.5])


def test_deterministic_two_shocks_compose():
    params = make_revenue(horizon_years=3, mean=0.0, shocks=[(2024, 0.5), (2026, -0.5)])
    res = simulate(params, np.random.default_rng(0))
    np.testing.assert_allclose(res.tax[0], [150.0, 150.0, 75.0], rtol=1e-12)


@pytest.mark.parametrize("n, expected_base", [
    # tax doubles from 1 in 2023: 2, 4, 8, 16, 32, 64, 128 in 2024..2030
    pytest.param(3, [1, 1, 1, 8, 8, 8, 64], id="reset-every-3-years"),
    pytest.param(2, [1, 1, 4, 4, 16, 16, 64], id="reset-every-2-years"),
    pytest.param(1, [1, 2, 4, 8, 16, 32, 64], id="reset-every-year"),
])
def test_deterministic_base_reset_year_by_year(n, expected_base):
    params = make_revenue(base_tax=1.0, mean=1.0, horizon_years=7, base_reset_years=n)
    res = simulate(params, np.random.default_rng(0))
    assert res.years.tolist() == list(range(2024, 2031))
    np.testing.assert_allclose(res.tax[0], [2, 4, 8, 16, 32, 64, 128], rtol=1e-12)
    np.testing.assert_allclose(res.base[0], expected_base, rtol=1e-12)


def test_deterministic_base_reset_payouts():
    params = make_revenue(base_tax=1.0, mean=1.0, horizon_years=7, base_reset_years=3,
                          zone_share=0.5, floor=1.0, cap=10.0)
    res = simulate(params, np.random.default_rng(0))
    # increments 1, 3, 7, 8, 24, 56, 64 → raw share 0.5, 1.5, 3.5, 4, 12, 28, 32
    np.testing.assert_allclose(res.split.raw_share[0], [0.5, 1.5, 3.5, 4, 12, 28, 32],
                               rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [1, 1.5, 3.5, 4, 10, 10, 10], rtol=1e-12)
    np.testing.assert_allclose(res.split.top_up[0], [0.5, 0, 0, 0, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(res.split.pooled[0], [0, 0, 0, 0, 2, 18, 22], atol=1e-12)


def test_start_year_after_base_year_plus_one():
    params = make_revenue(base_year=2020, start_year=2023, horizon_years=2)
    res = simulate(params, np.random.default_rng(0))
    assert res.years.tolist() == [2023, 2024]
    # Growth compounds from 2020: 100 × 1.1³, 100 × 1.1⁴.
    np.testing.assert_allclose(res.tax[0], [133.1, 146.41], rtol=1e-12)
    np.testing.assert_allclose(res.base[0], [100.0, 100.0], rtol=1e-12)


def test_start_year_later_with_base_reset_and_early_shock():
    params = make_revenue(base_year=2020, start_year=2023, horizon_years=3,
                          base_reset_years=2, shocks=[(2021, 0.5)])
    res = simulate(params, np.random.default_rng(0))
    assert res.years.tolist() == [2023, 2024, 2025]
    # 2021: 165, 2022: 181.5, 2023: 199.65, 2024: 219.615, 2025: 241.5765
    np.testing.assert_allclose(res.tax[0], [199.65, 219.615, 241.5765], rtol=1e-12)
    # 2023 and 2024 use the 2022 tax, 2025 uses the 2024 tax.
    np.testing.assert_allclose(res.base[0], [181.5, 181.5, 219.615], rtol=1e-12)


# ---------------------------------------------------------------------------
# 3. Conservation of money on random inputs
# ---------------------------------------------------------------------------

def assert_money_conserved(tax, sp, *, floor, cap, excess_return):
    scale = 1e-9 * (1.0 + np.abs(tax))
    assert np.all(np.abs(sp.payout - (sp.raw_share + sp.top_up - sp.pooled)) <= scale)
    assert np.all(sp.payout >= 0.0)
    assert np.all(sp.top_up >= 0.0)
    assert np.all(sp.pooled >= 0.0)
    assert np.all(sp.top_up * sp.pooled == 0.0)
    assert np.all(sp.payout >= floor - scale)
    if cap is not None and excess_return == 0.0:
        assert np.all(sp.payout <= cap + scale)
    if cap is not None:
        assert np.all(sp.payout <= np.maximum(sp.raw_share, cap) + scale)


def random_rule(rng: np.random.Generator) -> dict:
    floor = float(rng.choice([0.0, rng.uniform(0, 5)]))
    cap = None if rng.random() < 0.25 else floor + float(rng.choice([0.0, rng.uniform(0, 10)]))
    return dict(zone_share=float(rng.uniform(0, 1)), floor=floor, cap=cap,
                excess_return=float(rng.choice([0.0, 1.0, rng.uniform(0, 1)])))


def test_split_conserves_money_on_random_arrays():
    rng = np.random.default_rng(20240607)
    for _ in range(200):
        rule = random_rule(rng)
        tax = rng.lognormal(np.log(20), 0.8, size=500)
        base = rng.lognormal(np.log(20), 0.5, size=500)
        sp = split(tax, base, **rule)
        assert_money_conserved(tax, sp, floor=rule["floor"], cap=rule["cap"],
                               excess_return=rule["excess_return"])


@settings(max_examples=300, deadline=None)
@given(
    tax=st.floats(0, 1e6), base=st.floats(0, 1e6), zone_share=st.floats(0, 1),
    floor=st.floats(0, 1e4), cap_extra=st.one_of(st.none(), st.floats(0, 1e4)),
    excess_return=st.floats(0, 1),
)
def test_split_conserves_money_hypothesis(tax, base, zone_share, floor, cap_extra,
                                          excess_return):
    cap = None if cap_extra is None else floor + cap_extra
    sp = split(tax, base, zone_share=zone_share, floor=floor, cap=cap,
               excess_return=excess_return)
    assert_money_conserved(np.asarray(tax), sp, floor=floor, cap=cap,
                           excess_return=excess_return)
    assert 0.0 <= float(sp.marginal) <= zone_share
    assert not (bool(sp.floor_binds) and bool(sp.cap_binds))


@pytest.mark.parametrize("seed", range(5))
def test_simulate_conserves_money(seed):
    rng = np.random.default_rng(seed)
    rule = random_rule(rng)
    params = make_revenue(base_tax=float(rng.uniform(1, 100)), paths=2000, horizon_years=8,
                          mean=float(rng.uniform(-0.1, 0.2)),
                          volatility=float(rng.uniform(0.05, 0.6)),
                          base_reset_years=int(rng.choice([0, 1, 3])) or None, **rule)
    res = simulate(params, rng)
    sp = res.split
    assert res.tax.shape == (2000, 8)
    np.testing.assert_allclose(res.county_net + sp.payout, res.tax, rtol=1e-12)
    assert_money_conserved(res.tax, sp, floor=rule["floor"], cap=rule["cap"],
                           excess_return=rule["excess_return"])


# ---------------------------------------------------------------------------
# 4. Monte Carlo against lognormal closed forms
# ---------------------------------------------------------------------------

def closed_forms(m, sigma, B, s, F, C, gamma) -> dict:
    """Expectations of the rule for a lognormal T with mean m and log-sd sigma."""
    def d1(K):
        return (math.log(m / K) + sigma**2 / 2) / sigma

    def d2(K):
        return d1(K) - sigma

    def call(K):
        return m * norm.cdf(d1(K)) - K * norm.cdf(d2(K))

    def put(K):
        return call(K) - (m - K)

    K1, K2 = B + F / s, B + C / s
    return {
        "payout": F + s * (call(K1) - (1 - gamma) * call(K2)),
        "top_up": s * (put(K1) - put(B)),
        "pooled": (1 - gamma) * s * call(K2),
        "p_floor": norm.cdf(-d2(K1)),
        "p_cap": norm.cdf(d2(K2)),
        "marginal": s * (norm.cdf(d2(K1)) - (1 - gamma) * norm.cdf(d2(K2))),
    }


def test_closed_forms_reproduce_check_values():
    cf = closed_forms(m=6.0, sigma=0.35, B=4.0, s=0.5, F=0.5, C=1.5, gamma=0.0)
    assert cf["payout"] == pytest.approx(0.93799, abs=1e-5)
    assert cf["top_up"] == pytest.approx(0.13023, abs=1e-5)
    assert cf["pooled"] == pytest.approx(0.24404, abs=1e-5)
    assert cf["p_floor"] == pytest.approx(0.3647, abs=1e-4)
    assert cf["p_cap"] == pytest.approx(0.2691, abs=1e-4)
    assert cf["marginal"] == pytest.approx(0.1831, abs=1e-4)


MC_PATHS = 200_000


@pytest.mark.parametrize("gamma", [0.0, 0.4, 1.0])
def test_monte_carlo_matches_closed_forms(gamma):
    # One simulated year from base tax B = 4 with mean growth 50%: E[T] = 6.
    params = make_revenue(base_year=2023, start_year=2024, horizon_years=1, base_tax=4.0,
                          mean=0.5, volatility=0.35, paths=MC_PATHS, zone_share=0.5,
                          floor=0.5, cap=1.5, excess_return=gamma)
    res = simulate(params, np.random.default_rng(12345))
    cf = closed_forms(m=6.0, sigma=0.35, B=4.0, s=0.5, F=0.5, C=1.5, gamma=gamma)
    sp = res.split
    per_path = {
        "tax": res.tax[:, 0],
        "payout": sp.payout[:, 0],
        "top_up": sp.top_up[:, 0],
        "pooled": sp.pooled[:, 0],
        "p_floor": sp.floor_binds[:, 0].astype(float),
        "p_cap": sp.cap_binds[:, 0].astype(float),
        "marginal": sp.marginal[:, 0],
    }
    expected = dict(cf, tax=6.0)
    assert res.tax.shape == (MC_PATHS, 1)
    for name, x in per_path.items():
        se = x.std(ddof=1) / math.sqrt(x.size)
        if name == "pooled" and gamma == 1.0:
            assert np.all(x == 0.0)
            continue
        assert abs(x.mean() - expected[name]) <= 3 * se, (
            f"{name}: simulated {x.mean():.5f} vs closed form {expected[name]:.5f} "
            f"(3 SE = {3 * se:.5f})")


def test_monte_carlo_log_growth_has_requested_sd():
    params = make_revenue(base_tax=4.0, mean=0.5, volatility=0.35, paths=MC_PATHS,
                          horizon_years=1)
    res = simulate(params, np.random.default_rng(7))
    log_growth = np.log(res.tax[:, 0] / 4.0)
    assert log_growth.std(ddof=1) == pytest.approx(0.35, rel=0.01)


# ---------------------------------------------------------------------------
# 5. Reproducibility
# ---------------------------------------------------------------------------

def random_params() -> Revenue:
    return make_revenue(paths=1000, horizon_years=5, volatility=0.3, floor=2.0, cap=8.0,
                        excess_return=0.2, base_reset_years=2)


def test_same_seed_gives_identical_arrays():
    a = simulate(random_params(), np.random.default_rng(99))
    b = simulate(random_params(), np.random.default_rng(99))
    np.testing.assert_array_equal(a.years, b.years)
    np.testing.assert_array_equal(a.tax, b.tax)
    np.testing.assert_array_equal(a.base, b.base)
    for field in ("raw_share", "payout", "top_up", "pooled", "marginal",
                  "floor_binds", "cap_binds"):
        np.testing.assert_array_equal(getattr(a.split, field), getattr(b.split, field))


def test_different_seed_gives_different_arrays():
    a = simulate(random_params(), np.random.default_rng(99))
    b = simulate(random_params(), np.random.default_rng(100))
    assert not np.array_equal(a.tax, b.tax)
    assert not np.array_equal(a.split.payout, b.split.payout)


# ---------------------------------------------------------------------------
# 6. metrics()
# ---------------------------------------------------------------------------

PER_YEAR_KEYS = ("tax_mean", "zone_payout_mean", "county_topup_mean", "pooled_mean",
                 "p_floor_binds", "p_cap_binds", "marginal_retention_mean")


@pytest.mark.parametrize("volatility", [0.0, 0.3])
def test_metrics_keys_lengths_and_totals(volatility):
    params = make_revenue(paths=3000, horizon_years=6, volatility=volatility, floor=3.0,
                          cap=12.0, excess_return=0.25, base_reset_years=3)
    res = simulate(params, np.random.default_rng(3))
    m = metrics(res)
    for key in ("years", *PER_YEAR_KEYS, "zone_payout_total_mean",
                "county_topup_total_mean", "pooled_total_mean"):
        assert key in m, key
    assert m["years"] == list(range(2024, 2030))
    for key in PER_YEAR_KEYS:
        assert len(m[key]) == params.horizon_years, key
    assert m["zone_payout_total_mean"] == pytest.approx(sum(m["zone_payout_mean"]), rel=1e-12)
    assert m["county_topup_total_mean"] == pytest.approx(sum(m["county_topup_mean"]),
                                                          rel=1e-12, abs=1e-12)
    assert m["pooled_total_mean"] == pytest.approx(sum(m["pooled_mean"]), rel=1e-12, abs=1e-12)
    for key in ("p_floor_binds", "p_cap_binds"):
        assert all(0.0 <= p <= 1.0 for p in m[key])


def test_metrics_deterministic_values():
    res = simulate(make_revenue(horizon_years=3, floor=6.0, cap=15.0),
                   np.random.default_rng(0))
    m = metrics(res)
    # raw shares 5, 10.5, 16.55 → floor binds in 2024, cap in 2026.
    assert m["paths"] == 1
    assert m["zone_payout_mean"] == pytest.approx([6.0, 10.5, 15.0])
    assert m["county_topup_mean"] == pytest.approx([1.0, 0.0, 0.0])
    assert m["pooled_mean"] == pytest.approx([0.0, 0.0, 1.55])
    assert m["p_floor_binds"] == [1.0, 0.0, 0.0]
    assert m["p_cap_binds"] == [0.0, 0.0, 1.0]
    assert m["marginal_retention_mean"] == [0.0, 0.5, 0.0]
    assert m["zone_payout_total_mean"] == pytest.approx(31.5)


def test_metrics_floor_equals_cap_has_zero_marginal_retention():
    params = make_revenue(paths=5000, horizon_years=5, volatility=0.4, floor=5.0, cap=5.0)
    m = metrics(simulate(params, np.random.default_rng(11)))
    assert m["marginal_retention_mean"] == [0.0] * 5
    assert m["zone_payout_mean"] == pytest.approx([5.0] * 5)


def test_split_marginal_is_the_element_by_element_rule_bit_for_bit() -> None:
    # split computes the marginal in fewer passes when floor <= cap and 0 <= 1 - excess_return <= 1;
    # it must equal ((m - c·[S >= cap]) · [T >= B]) · zone_share element by element, signs of zero included
    rng = np.random.default_rng(7)
    for _ in range(200):
        zone_share = float(rng.choice([0.0, 1.0, rng.random()]))
        floor = float(rng.choice([0.0, 1.0, rng.uniform(0, 3)]))
        cap = [None, floor, floor + float(rng.uniform(0, 3)), float(rng.uniform(0, 3))][rng.integers(4)]
        excess_return = float(rng.choice([0.0, 1.0, rng.random(), -0.5, 1.5]))
        tax = rng.normal(4.0, 3.0, 50)
        tax[::5] = 4.0
        tax[1] = np.nan
        sp = split(tax, 4.0, zone_share=zone_share, floor=floor, cap=cap, excess_return=excess_return)
        raw = np.maximum(tax - 4.0, 0.0) * zone_share
        m = (raw >= floor).astype(float)
        if cap is not None:
            m = np.where(raw >= cap, m - (1.0 - excess_return), m)
        expected = (m * (tax - 4.0 >= 0.0)) * zone_share
        assert sp.marginal.tobytes() == expected.tobytes()


# ---------------------------------------------------------------------------
# 7. The general sharing schedule: brackets, base share, a growing base, periods,
#    negative increments, the tax basis, and the dynamic marginal retention
# ---------------------------------------------------------------------------

SCENARIO = Path(__file__).resolve().parents[1] / "params" / "qingzhen_2025.yaml"


def general(*, sharing: dict, base_tax=10.0, mean=0.2, volatility=0.0, horizon_years=3,
            paths=1, shocks=(), base_year=2023, start_year=2024, **top) -> Revenue:
    return Revenue.model_validate({
        "base_year": base_year, "base_tax": base_tax, "start_year": start_year,
        "horizon_years": horizon_years, "paths": paths,
        "growth": {"mean": mean, "volatility": volatility,
                   "shocks": [{"year": y, "change": c} for y, c in shocks]},
        "sharing": sharing, **top,
    })


def run_det(params: Revenue):
    res = simulate(params, np.random.default_rng(0))
    return res, summarize(res)


def test_zone_share_is_one_bracket_bit_for_bit():
    a = general(sharing={"zone_share": 0.4, "floor": 1.0, "cap": 2.0}, volatility=0.3, paths=500,
                horizon_years=6)
    b = general(sharing={"brackets": [{"above": 0, "share": 0.4}], "floor": 1.0, "cap": 2.0},
                volatility=0.3, paths=500, horizon_years=6)
    ma = summarize(simulate(a, np.random.default_rng(3))).model_dump()
    mb = summarize(simulate(b, np.random.default_rng(3))).model_dump()
    assert ma == mb


def test_brackets_hand_computed():
    # T = 12, 14.4, 17.28 on a base of 10: increments 2, 4.4, 7.28; 30% of the first 1, 60% above
    res, m = run_det(general(sharing={"brackets": [{"above": 0, "share": 0.3}, {"above": 1, "share": 0.6}]}))
    np.testing.assert_allclose(res.split.payout[0], [0.9, 2.34, 4.068], rtol=1e-12)
    np.testing.assert_allclose(res.split.marginal[0], [0.6, 0.6, 0.6], rtol=1e-12)
    assert m.flat_split_payout_total_mean == pytest.approx(0.3 * (2 + 4.4 + 7.28), rel=1e-12)
    assert m.county_net_total_mean == pytest.approx(12 + 14.4 + 17.28 - (0.9 + 2.34 + 4.068), rel=1e-12)


def test_brackets_three_with_a_cap():
    # increments 2, 4.4, 7.28: 10% to 1, 50% to 3, 20% above; cap 1.5 with half the excess returned
    res, _ = run_det(general(sharing={"brackets": [{"above": 0, "share": 0.1}, {"above": 1, "share": 0.5},
                                                   {"above": 3, "share": 0.2}],
                                      "cap": 1.5, "excess_return": 0.5}))
    raw = [0.1 + 0.5, 0.1 + 1.0 + 0.2 * 1.4, 0.1 + 1.0 + 0.2 * 4.28]
    np.testing.assert_allclose(res.split.raw_share[0], raw, rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [0.6, 1.38, 1.5 + 0.5 * (1.956 - 1.5)], rtol=1e-12)
    np.testing.assert_allclose(res.split.pooled[0], [0, 0, 0.5 * (1.956 - 1.5)], atol=1e-12)
    np.testing.assert_allclose(res.split.marginal[0], [0.5, 0.2, 0.1], rtol=1e-12)


def test_base_share_hand_computed():
    # T = 12, 7.2 (a 50% fall), 8.64 on a base of 10: the zone also gets 10% of min(T, B)
    res, m = run_det(general(sharing={"zone_share": 0.5, "base_share": 0.1}, shocks=[(2025, -0.5)]))
    np.testing.assert_allclose(res.tax[0], [12, 7.2, 8.64], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [2.0, 0.72, 0.864], rtol=1e-12)
    np.testing.assert_allclose(res.split.marginal[0], [0.5, 0.1, 0.1], rtol=1e-12)
    assert m.flat_split_payout_total_mean == pytest.approx(1.0, rel=1e-12)  # no base share in the flat split


def test_growing_base_hand_computed():
    # T = 11, 12.1, 13.31; B = 10 · 1.05^t
    res, m = run_det(general(sharing={"zone_share": 0.5, "base_growth": 0.05}, mean=0.1))
    np.testing.assert_allclose(res.base[0], [10.5, 11.025, 11.57625], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [0.25, 0.5375, 0.866875], rtol=1e-12)
    # the base never absorbs tax: the dynamic marginals are the static ones
    assert m.marginal_retention_dynamic_oneoff == m.marginal_retention_overall == 0.5
    assert m.marginal_retention_dynamic_lasting == 0.5


def test_rebasing_plus_growth_hand_computed():
    # T doubles from 1: 2, 4, 8, 16, 32.  Re-set every 2 years (in years 3 and 5 to the year before),
    # the base grows 50% a year from its level: 1.5, 2.25, 4·1.5, 6·1.5, 16·1.5
    res, _ = run_det(general(base_tax=1.0, mean=1.0, horizon_years=5,
                             sharing={"zone_share": 0.5, "base_reset_years": 2, "base_growth": 0.5}))
    np.testing.assert_allclose(res.base[0], [1.5, 2.25, 6, 9, 24], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [0.25, 0.875, 1, 3.5, 4], rtol=1e-12)


def test_period_schedule_investment_promotion_rebate():
    # A new firm (base 0) paying 2亿 a year; the county retains 40% of it.  The zone gets 100% of the
    # retained tax in years 1–2 and 50% in years 3–5.
    res, m = run_det(general(base_tax=0.0, start_tax=2.0, mean=0.0, horizon_years=5,
                             tax_basis={"retained_share": 0.4},
                             sharing={"zone_share": 1.0, "periods": [{"from_year": 2026, "zone_share": 0.5}]}))
    np.testing.assert_allclose(res.tax[0], [2, 2, 2, 2, 2], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [0.8, 0.8, 0.4, 0.4, 0.4], rtol=1e-12)
    np.testing.assert_allclose(res.county_net[0], [0, 0, 0.4, 0.4, 0.4], atol=1e-12)
    assert m.county_net_total_mean == pytest.approx(1.2, rel=1e-12)
    assert m.zone_payout_total_mean == pytest.approx(2.8, rel=1e-12)
    assert m.flat_split_payout_total_mean == pytest.approx(2.8, rel=1e-12)  # each year's first share


def test_periods_override_key_by_key():
    # years 2024–25: 50% with a floor of 1; from 2026 brackets (floor kept); from 2027 no floor, a cap
    sharing = {"zone_share": 0.5, "floor": 1.0,
               "periods": [{"from_year": 2026, "brackets": [{"above": 0, "share": 0.2}, {"above": 2, "share": 1.0}]},
                           {"from_year": 2027, "floor": 0.0, "cap": 0.5}]}
    res, _ = run_det(general(sharing=sharing, mean=0.0, shocks=[(2024, 0.3)], horizon_years=4))
    # T = 13 each year, increment 3: 1.5, 1.5, 0.2·2 + 1 = 1.4, capped at 0.5
    np.testing.assert_allclose(res.split.payout[0], [1.5, 1.5, 1.4, 0.5], rtol=1e-12)
    np.testing.assert_allclose(res.split.pooled[0], [0, 0, 0, 0.9], atol=1e-12)


def test_start_tax_default_is_base_tax():
    a = general(sharing={"zone_share": 0.5}, volatility=0.2, paths=50)
    b = general(sharing={"zone_share": 0.5}, volatility=0.2, paths=50, start_tax=10.0)
    assert summarize(simulate(a, np.random.default_rng(1))) == summarize(simulate(b, np.random.default_rng(1)))


def test_allow_negative_fixed_remittance():
    # The zone keeps all of T − B: it remits a fixed 10 to the county, also when tax falls to 7
    params = general(base_tax=10.0, mean=0.0, shocks=[(2025, -0.3)],
                     sharing={"zone_share": 1.0, "allow_negative": True})
    res, m = run_det(params)
    np.testing.assert_allclose(res.split.payout[0], [0, -3, -3], atol=1e-12)
    np.testing.assert_allclose(res.county_net[0], [10, 10, 10], rtol=1e-12)
    np.testing.assert_allclose(res.split.top_up[0], [0, 0, 0])
    np.testing.assert_allclose(res.split.marginal[0], [1, 1, 1])
    assert m.county_net_total_mean == pytest.approx(30, rel=1e-12)
    assert m.p_floor_binds == [0.0, 0.0, 0.0]
    # a floor, when given, still applies: the county tops up to 0
    res, _ = run_det(general(base_tax=10.0, mean=0.0, shocks=[(2025, -0.3)],
                             sharing={"zone_share": 1.0, "allow_negative": True, "floor": 0.0}))
    np.testing.assert_allclose(res.split.payout[0], [0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(res.split.top_up[0], [0, 3, 3], atol=1e-12)


def test_tax_basis_retained_share():
    # The county retains half: the rule applies to 6, 7.2, 8.64 against half the base, 5
    res, m = run_det(general(sharing={"zone_share": 0.5}, tax_basis={"retained_share": 0.5}))
    np.testing.assert_allclose(res.tax[0], [12, 14.4, 17.28], rtol=1e-12)
    np.testing.assert_allclose(res.base[0], [5, 5, 5], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [0.5, 1.1, 1.82], rtol=1e-12)
    np.testing.assert_allclose(res.county_net[0], [5.5, 6.1, 6.82], rtol=1e-12)  # the rest is passed up
    assert m.county_net_total_mean == pytest.approx(18.42, rel=1e-12)


def test_dynamic_marginal_retention_by_hand():
    # T = 11, 12.1, 13.31 from 10; re-set every 2 years: B = 10, 10, 12.1; 50% share.
    # One-off yuan: year 1 → 0.5; year 2 → 0.5 now, −0.5 in year 3 (the base absorbs it) → 0;
    # year 3 → 0.5: mean 1/3.  Lasting yuan: from year 1, 0.5 + 0.5 + 0 over 3 yuan = 1/3; from year 2,
    # 0.5 + 0 over 2 = 1/4; from year 3, 1/2: mean 13/36.
    res, m = run_det(general(mean=0.1, sharing={"zone_share": 0.5, "base_reset_years": 2}))
    np.testing.assert_allclose(res.base[0], [10, 10, 12.1], rtol=1e-12)
    assert m.marginal_retention_overall == 0.5
    assert m.marginal_retention_dynamic_oneoff == pytest.approx(1 / 3, abs=1e-6)
    assert m.marginal_retention_dynamic_lasting == pytest.approx(13 / 36, abs=1e-6)


def test_dynamic_marginal_retention_equals_static_when_the_base_never_changes():
    params = general(sharing={"brackets": [{"above": 0, "share": 0.3}, {"above": 1, "share": 0.6}],
                              "floor": 0.5, "cap": 4.0, "base_growth": 0.03, "base_share": 0.05},
                     volatility=0.3, paths=2000, horizon_years=6, mean=0.05)
    res = simulate(params, np.random.default_rng(8))
    m = summarize(res)
    assert res.engine is None
    assert m.marginal_retention_dynamic_oneoff == m.marginal_retention_overall
    # the finite difference on the same paths gives the static figures too
    engine = Engine(res.tax.T.copy(), params.base_tax, params.year_rules(), 0)
    oneoff, lasting = engine.dynamic_retention()
    assert oneoff == pytest.approx(m.marginal_retention_overall, abs=1e-4)
    assert lasting == pytest.approx(m.marginal_retention_dynamic_lasting, abs=1e-4)


def test_dynamic_retention_on_random_paths_is_below_static_with_yearly_rebasing():
    params = general(sharing={"zone_share": 0.5, "base_reset_years": 1}, volatility=0.2, paths=3000,
                     horizon_years=5, mean=0.05)
    m = summarize(simulate(params, np.random.default_rng(2)))
    # re-based every year: a one-off yuan raises next year's base and is taken back there (except in the
    # last year), so the one-off figure is about static / horizon
    assert m.marginal_retention_dynamic_oneoff < m.marginal_retention_overall
    assert 0.0 <= m.marginal_retention_dynamic_oneoff <= 0.5


# -- closed forms for brackets and a base share ---------------------------------

def call_price(m, sigma, K):
    d1 = (math.log(m / K) + sigma**2 / 2) / sigma
    return m * norm.cdf(d1) - K * norm.cdf(d1 - sigma)


def d2_of(m, sigma, K):
    return (math.log(m / K) - sigma**2 / 2) / sigma


def general_closed_forms() -> dict:
    m, sigma, B = 6.0, 0.35, 4.0
    es = 0.3 * (call_price(m, sigma, B) - call_price(m, sigma, B + 1)) + 0.6 * call_price(m, sigma, B + 1)
    # with 10% of min(T, B): S = 0.1·T + 0.2·(T − 4)⁺ + 0.3·(T − 5)⁺, slope 0.6 above 5, where
    # S = 0.8 at T = 5 + 1/6 and S = 1.5 at T = 5 + 4/3
    k1, k2 = 5 + 1 / 6, 5 + 4 / 3
    es_base = 0.1 * m + 0.2 * call_price(m, sigma, 4.0) + 0.3 * call_price(m, sigma, 5.0)
    return {
        "raw": es,
        "payout": 0.8 + 0.6 * (call_price(m, sigma, k1) - call_price(m, sigma, k2)),
        "top_up": 0.8 - es_base + 0.6 * call_price(m, sigma, k1),
        "marginal": 0.6 * (norm.cdf(d2_of(m, sigma, k1)) - norm.cdf(d2_of(m, sigma, k2))),
    }


def test_general_closed_forms_reproduce_check_values():
    cf = general_closed_forms()
    assert cf["raw"] == pytest.approx(1.04031, abs=1e-5)
    assert cf["payout"] == pytest.approx(1.13664, abs=1e-5)
    assert cf["top_up"] == pytest.approx(0.12676, abs=1e-5)
    assert cf["marginal"] == pytest.approx(0.13720, abs=1e-5)


def test_general_monte_carlo_matches_closed_forms():
    cf = general_closed_forms()
    brackets = [{"above": 0, "share": 0.3}, {"above": 1, "share": 0.6}]
    common = dict(base_tax=4.0, mean=0.5, volatility=0.35, paths=MC_PATHS, horizon_years=1)
    res = simulate(general(sharing={"brackets": brackets}, **common), np.random.default_rng(21))
    x = res.split.raw_share[:, 0]
    assert abs(x.mean() - cf["raw"]) <= 3 * x.std(ddof=1) / math.sqrt(x.size)
    res = simulate(general(sharing={"brackets": brackets, "base_share": 0.1, "floor": 0.8, "cap": 1.5}, **common),
                   np.random.default_rng(22))
    for name, x in (("payout", res.split.payout[:, 0]), ("top_up", res.split.top_up[:, 0]),
                    ("marginal", res.split.marginal[:, 0])):
        se = x.std(ddof=1) / math.sqrt(x.size)
        assert abs(x.mean() - cf[name]) <= 3 * se, (name, x.mean(), cf[name], se)


# -- bad inputs: one line each, naming the dotted key ----------------------------

def one_problem(overrides: list[str]):
    with pytest.raises(ScenarioError) as info:
        load(SCENARIO, overrides)
    problems = info.value.problems
    assert len(problems) == 1, problems
    assert "\n" not in str(problems[0])
    return problems[0]


BRACKETS_OK = "revenue.sharing.brackets=[{above: 0, share: 0.3}, {above: 1, share: 0.6}]"
NO_SHARE = "revenue.sharing.zone_share=null"


@pytest.mark.parametrize("overrides, key, fragment", [
    pytest.param([BRACKETS_OK], "revenue.sharing.brackets", "not both", id="both"),
    pytest.param([NO_SHARE], "revenue.sharing.zone_share", "give zone_share or brackets", id="neither"),
    pytest.param([NO_SHARE, "revenue.sharing.brackets=[{above: 0.5, share: 0.3}]"],
                 "revenue.sharing.brackets[0].above", "must start at 0", id="not-from-0"),
    pytest.param([NO_SHARE, "revenue.sharing.brackets=[{above: 0, share: 0.3}, {above: 2, share: 0.5}, "
                            "{above: 1, share: 0.6}]"],
                 "revenue.sharing.brackets[2].above", "increasing order", id="out-of-order"),
    pytest.param([NO_SHARE, "revenue.sharing.brackets=[{above: 0, share: 0.3}, {above: 0, share: 0.6}]"],
                 "revenue.sharing.brackets[1].above", "without overlap", id="overlapping"),
    pytest.param([NO_SHARE, "revenue.sharing.brackets=[{above: 0, share: 1.3}]"],
                 "revenue.sharing.brackets[0].share", "1", id="share-above-1"),
    pytest.param(["revenue.sharing.base_share=-0.1"], "revenue.sharing.base_share", "0", id="base-share"),
    pytest.param(["revenue.sharing.base_growth=-1"], "revenue.sharing.base_growth", "-1", id="base-growth"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2027, zone_share: 0.3}, {from_year: 2026, zone_share: 0.4}]"],
                 "revenue.sharing.periods[1].from_year", "increasing", id="periods-out-of-order"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2027, zone_share: 0.3}, {from_year: 2027, zone_share: 0.4}]"],
                 "revenue.sharing.periods[1].from_year", "overlap", id="periods-overlap"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2099, zone_share: 0.3}]"],
                 "revenue.sharing.periods[0].from_year", "within the horizon", id="period-outside"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2027, zone_share: 0.3, brackets: [{above: 0, share: 0.1}]}]"],
                 "revenue.sharing.periods[0].brackets", "not both", id="period-both"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2027, floor: 2.0}]"],
                 "revenue.sharing.periods[0].floor", "must not exceed cap", id="period-floor-above-cap"),
    pytest.param(["revenue.sharing.periods=[{from_year: 2027, share: 0.3}]"],
                 "revenue.sharing.periods[0].share", "unknown key", id="period-unknown-key"),
    pytest.param(["revenue.tax_basis={retained_share: 0}"], "revenue.tax_basis.retained_share", "0",
                 id="retained-share-0"),
])
def test_bad_general_schedule_inputs(overrides, key, fragment):
    problem = one_problem(overrides)
    assert problem.key == key, problem
    assert fragment in problem.message, problem


def test_good_general_schedule_inputs_load():
    sc = load(SCENARIO, [NO_SHARE, BRACKETS_OK, "revenue.sharing.base_share=0.1", "revenue.sharing.base_growth=0.02",
                         "revenue.sharing.periods=[{from_year: 2027, zone_share: 0.4, cap: null}]",
                         "revenue.base_tax=0", "revenue.start_tax=3.0", "revenue.tax_basis={retained_share: 0.5}",
                         "revenue.sharing.allow_negative=true"])
    rev = sc.params.revenue
    assert rev.sharing.brackets[1].share == 0.6
    assert rev.sharing.periods[0].cap is None
    assert rev.year_rules()[-1].cap is None and rev.year_rules()[0].cap == 1.0


def test_a_period_can_start_re_basing():
    # T = 12, 14.4, 17.28, 20.736; from 2026 the base is re-set every year to the year before
    res, m = run_det(general(horizon_years=4, sharing={"zone_share": 0.5,
                                                       "periods": [{"from_year": 2026, "base_reset_years": 1}]}))
    np.testing.assert_allclose(res.base[0], [10, 10, 14.4, 17.28], rtol=1e-12)
    np.testing.assert_allclose(res.split.payout[0], [1, 2.2, 1.44, 1.728], rtol=1e-12)
    # one-off yuan: 2024 → 0.5; 2025 → 0.5 − 0.5 (2026's base); 2026 → 0; 2027 → 0.5: mean 0.25
    assert m.marginal_retention_dynamic_oneoff == pytest.approx(0.25, abs=1e-6)


def test_a_zero_base_needs_a_start_tax():
    """base_tax 0 with no start_tax would keep the tax at 0 for ever: one line says why; with a
    start_tax it is a new firm whose whole tax is increment."""
    from simlib.scenario import ScenarioError, load

    path = Path(__file__).resolve().parents[1] / "params" / "qingzhen_2025.yaml"
    with pytest.raises(ScenarioError, match=r"revenue.base_tax: is 0 and no start_tax is given"):
        load(path, ["revenue.base_tax=0"])
    assert load(path, ["revenue.base_tax=0", "revenue.start_tax=1.0"]).params.revenue.start_tax == 1.0


# -- other series and targets (issue 12, item 2) --------------------------------------------------


def _targets_revenue(**changes) -> Revenue:
    data = {"base_year": 2020, "base_tax": 0.5, "start_year": 2021, "horizon_years": 3, "paths": 40_000,
            "growth": {"mean": 0.12, "volatility": 0.2}, "sharing": {"zone_share": 0.5},
            "series": [{"name": "value_added", "start_value": 15.0, "growth": {"mean": 0.15, "volatility": 0.1},
                        "correlation": 0.6}],
            "targets": [{"series": "tax", "year": 2023, "value": 0.62},
                        {"series": "value_added", "year": 2023, "value": 22.87}]}
    data.update(changes)
    return Revenue.model_validate(data)


def test_target_probabilities_match_the_lognormal_closed_form():
    """P(X_Y ≥ v) = 1 − Φ((ln v − ln X₀ − k·drift) / (σ√k)) after k years of lognormal growth."""
    from scipy.stats import norm

    p = _targets_revenue()
    m = summarize(simulate(p, np.random.default_rng(11)), p)
    for target, (x0, mean, sd) in zip(m.targets, [(0.5, 0.12, 0.2), (15.0, 0.15, 0.1)]):
        k = 3
        drift = math.log1p(mean) - 0.5 * sd**2
        exact = 1 - norm.cdf((math.log(target.value) - math.log(x0) - k * drift) / (sd * math.sqrt(k)))
        se = math.sqrt(exact * (1 - exact) / p.paths)
        assert abs(target.probability - exact) < 3 * se
        assert target.ci_low < target.probability < target.ci_high


def test_series_share_the_tax_shocks_by_their_correlation():
    """A series with the tax's growth and correlation 1 is the tax scaled; with correlation 0 the
    log growths are uncorrelated, and the sample correlation is near the stated one otherwise."""
    same = _targets_revenue(series=[{"name": "twin", "start_value": 1.0, "growth": {"mean": 0.12, "volatility": 0.2},
                                     "correlation": 1.0}], targets=[{"series": "twin", "year": 2022, "value": 1.0}])
    r = simulate(same, np.random.default_rng(3))
    np.testing.assert_allclose(r.levels["twin"], r.levels["tax"] / 0.5, rtol=1e-12)
    for rho in (0.0, 0.6, -0.5):
        p = _targets_revenue(series=[{"name": "x", "start_value": 1.0, "growth": {"mean": 0.1, "volatility": 0.3},
                                      "correlation": rho}], targets=[])
        r = simulate(p, np.random.default_rng(4))
        g_tax = np.diff(np.log(r.levels["tax"]), axis=1)[:, 0]
        g_x = np.diff(np.log(r.levels["x"]), axis=1)[:, 0]
        assert abs(np.corrcoef(g_tax, g_x)[0, 1] - rho) < 0.03


def test_deterministic_series_and_targets_by_hand():
    """No volatility: 0.5 · 1.12³ = 0.702464 ≥ 0.62 surely; 15 · 1.15³ = 22.813 < 22.87 never."""
    p = _targets_revenue(growth={"mean": 0.12, "volatility": 0.0},
                         series=[{"name": "value_added", "start_value": 15.0, "growth": {"mean": 0.15, "volatility": 0.0}}])
    r = simulate(p, np.random.default_rng(0))
    assert r.levels["tax"][0, -1] == pytest.approx(0.5 * 1.12**3, rel=1e-12)
    assert r.levels["value_added"][0, -1] == pytest.approx(15 * 1.15**3, rel=1e-12)
    m = summarize(r, p)
    assert [(t.series, t.probability) for t in m.targets] == [("tax", 1.0), ("value_added", 0.0)]


def test_wilson_interval_by_hand():
    from simlib.models.revenue import wilson

    low, high = wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert wilson(0, 10)[0] == pytest.approx(0.0, abs=1e-12) and wilson(10, 10)[1] == pytest.approx(1.0)


def test_series_leave_the_tax_numbers_alone():
    """Series are drawn after the tax's own numbers: the tax and the rule's payouts are unchanged."""
    with_series = _targets_revenue()
    without = _targets_revenue(series=[], targets=[])
    a, b = simulate(with_series, np.random.default_rng(9)), simulate(without, np.random.default_rng(9))
    np.testing.assert_array_equal(a.tax, b.tax)
    np.testing.assert_array_equal(a.split.payout, b.split.payout)


@pytest.mark.parametrize("sets, message", [
    (["revenue.targets=[{series: output, year: 2027, value: 1}]"], "revenue.targets[0].series: must be tax or one of"),
    (["revenue.targets=[{series: tax, year: 2099, value: 1}]"], "revenue.targets[0].year: must lie in"),
    (["revenue.series=[{name: x, start_value: 1, growth: {mean: 0.1, volatility: 0.1}, correlation: 1.5}]"],
     "revenue.series[0].correlation: must be at most 1"),
    (["revenue.series=[{name: tax, start_value: 1, growth: {mean: 0.1, volatility: 0.1}}]"],
     "revenue.series[0].name: must be unique and not 'tax'"),
])
def test_bad_series_and_targets_are_one_line(sets, message):
    from simlib.scenario import ScenarioError, load

    path = Path(__file__).resolve().parents[1] / "params" / "qingzhen_2025.yaml"
    with pytest.raises(ScenarioError) as err:
        load(path, sets)
    assert any(message in line for line in str(err.value).splitlines()), str(err.value)


def test_parameter_uncertainty_gives_each_path_its_own_mean_growth():
    """growth.mean_sd: with no yearly volatility every path grows at its own constant rate, whose log
    has sd mean_sd across paths; E[T_t / T_{t-1}] over paths stays 1 + mean."""
    p = Revenue.model_validate({"base_year": 2020, "base_tax": 1.0, "start_year": 2021, "horizon_years": 4,
                                "paths": 50_000, "growth": {"mean": 0.08, "volatility": 0.0, "mean_sd": 0.05},
                                "sharing": {"zone_share": 0.5}})
    r = simulate(p, np.random.default_rng(2))
    growth = np.log(r.tax[:, 1:] / r.tax[:, :-1])
    np.testing.assert_allclose(growth, np.repeat(growth[:, :1], growth.shape[1], axis=1), rtol=0, atol=1e-12)
    assert abs(growth[:, 0].std() - 0.05) < 0.001
    ratio = (r.tax[:, 0] / 1.0).mean()
    assert abs(ratio - 1.08) < 3 * (r.tax[:, 0].std() / np.sqrt(p.paths))
    same = p.model_copy(update={"growth": p.growth.model_copy(update={"mean_sd": 0.0})})
    assert simulate(same, np.random.default_rng(2)).tax.shape[0] == 1  # without it: one deterministic path


def test_a_bare_target_is_data_not_a_described_leaf(tmp_path):
    """{series, year, value} has a 'value' key but is a target, not a {value, unit, source} leaf (a
    misspelt leaf field in a file is still reported as one: tests/bad_inputs case 09)."""
    from simlib.scenario import load

    path = Path(__file__).resolve().parents[1] / "params" / "qingzhen_2025.yaml"
    sc = load(path, ["revenue.targets=[{series: tax, year: 2027, value: 9.5}]"])
    assert [(t.series, t.year, t.value) for t in sc.params.revenue.targets] == [("tax", 2027, 9.5)]
