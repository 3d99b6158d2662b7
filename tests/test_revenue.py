"""Tests of the revenue-sharing rule, the tax simulation and the metrics built on them.

Money is in 亿元.  Expected numbers in the tables are worked out by hand from the
rule  P = min(max(S, floor), cap) + excess_return · (S − cap)⁺,  S = zone_share · (T − B)⁺.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from simlib.models.revenue import simulate, split, summarize


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
