"""simlib.explore.sensitivity: Sobol' indices (scipy) and Morris screening (SALib) against known answers."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest
import scipy.stats

from simlib.explore import sensitivity
from simlib.explore.sensitivity import Factor

# --------------------------------------------------------------------------- Ishigami

A, B = 7.0, 0.1
PI = math.pi
ISHIGAMI = [Factor(f"x{i}", -PI, PI) for i in (1, 2, 3)]


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[0]) + A * np.sin(x[1]) ** 2 + B * x[2] ** 4 * np.sin(x[0])


def ishigami_indices(a: float = A, b: float = B) -> tuple[np.ndarray, np.ndarray]:
    """Closed form for x_i ~ U(-pi, pi).

    E[sin x] = 0, E[sin^2 x] = 1/2, Var(sin^2 x) = 1/8, E[x^4] = pi^4/5, E[x^8] = pi^8/9.
    V1 = Var(sin x1 (1 + b E[x3^4])) = (1 + b pi^4/5)^2 / 2,  V2 = a^2 Var(sin^2 x2) = a^2/8,  V3 = 0,
    V13 = b^2 Var(x3^4) E[sin^2 x1] = b^2 (pi^8/9 - pi^8/25) / 2 = b^2 pi^8 (1/18 - 1/50),
    V = V1 + V2 + V13 = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
    """
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = a**2 / 8 + b * PI**4 / 5 + b**2 * PI**8 / 18 + 0.5
    assert math.isclose(v, v1 + v2 + v13, rel_tol=1e-12)  # the decomposition adds up
    first = np.array([v1, v2, 0.0]) / v
    total = np.array([v1 + v13, v2, v13]) / v
    return first, total


S1_TRUE, ST_TRUE = ishigami_indices()


def test_closed_form_matches_the_published_ishigami_indices():
    np.testing.assert_allclose(S1_TRUE, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(ST_TRUE, [0.5576, 0.4424, 0.2437], atol=5e-5)


@pytest.fixture(scope="module")
def ishigami_sobol() -> dict:
    return sensitivity.sobol(ishigami, ISHIGAMI, 2**12, np.random.default_rng(20240611))


def test_sobol_recovers_ishigami_indices(ishigami_sobol):
    r = ishigami_sobol
    assert r["method"] == "sobol" and r["factors"] == ["x1", "x2", "x3"] and r["n"] == 2**12
    assert r["evaluations"] == 2**12 * (3 + 2)
    np.testing.assert_allclose(r["first_order"], S1_TRUE, atol=0.03)
    np.testing.assert_allclose(r["total_order"], ST_TRUE, atol=0.03)


def test_sobol_confidence_intervals_bracket_estimates_and_truth(ishigami_sobol):
    # A 95% interval misses now and then: with this seed S1(x3) = -0.025 and its interval
    # [-0.052, -0.0002] just misses 0.  So: every interval is ordered around its estimate, every
    # error is smaller than its interval's width, and at most one of the six misses the truth.
    r = ishigami_sobol
    covered = 0
    for kind, truth in (("first_order", S1_TRUE), ("total_order", ST_TRUE)):
        for est, (lo, hi), true in zip(r[kind], r[kind + "_ci"], truth):
            assert lo < hi, (kind, lo, hi)
            assert lo <= est <= hi, (kind, lo, est, hi)
            assert hi - lo < 0.1, (kind, lo, hi)  # a 95% interval at n = 4096 is narrow
            assert abs(est - true) < hi - lo, (kind, est, true, lo, hi)
            covered += lo <= true <= hi
    assert covered >= 5


def test_sobol_wider_confidence_gives_wider_intervals():
    narrow = sensitivity.sobol(ishigami, ISHIGAMI, 2**8, np.random.default_rng(3), confidence=0.5)
    wide = sensitivity.sobol(ishigami, ISHIGAMI, 2**8, np.random.default_rng(3), confidence=0.99)
    assert narrow["total_order"] == wide["total_order"]  # same design, same estimate
    for (nlo, nhi), (wlo, whi) in zip(narrow["total_order_ci"], wide["total_order_ci"]):
        assert whi - wlo > nhi - nlo


def test_sobol_gives_func_the_design_in_real_units_one_column_per_point():
    factors = [Factor("a", 0.0, 1.0), Factor("b", 10.0, 20.0), Factor("c", -5.0, -4.0)]
    seen = []

    def model(x):
        seen.append(x.copy())
        return x[0] + x[1] / 10 + 3 * x[2]

    r = sensitivity.sobol(model, factors, 64, np.random.default_rng(1))
    x = np.concatenate(seen, axis=1)
    assert all(s.ndim == 2 and s.shape[0] == 3 for s in seen)
    assert x.shape[1] == r["evaluations"] == 64 * 5
    for row, f in zip(x, factors):
        assert f.lo <= row.min() and row.max() <= f.hi
        assert row.max() - row.min() > 0.9 * (f.hi - f.lo)  # the whole range is explored
    # additive model, variances 1/12, 1/12, 9/12: every index (first = total) is known
    np.testing.assert_allclose(r["first_order"], [1 / 11, 1 / 11, 9 / 11], atol=0.1)
    np.testing.assert_allclose(r["total_order"], [1 / 11, 1 / 11, 9 / 11], atol=0.1)


def test_sobol_single_factor():
    r = sensitivity.sobol(lambda x: x[0] ** 3, [Factor("only", 0.0, 2.0)], 256, np.random.default_rng(5))
    assert len(r["first_order"]) == len(r["total_order"]) == len(r["total_order_ci"]) == 1
    assert r["first_order"][0] == pytest.approx(1.0, abs=0.1)
    assert r["total_order"][0] == pytest.approx(1.0, abs=0.1)


@pytest.mark.filterwarnings("ignore::scipy.stats.DegenerateDataWarning")
def test_sobol_constant_output_has_zero_indices_and_no_intervals():
    r = sensitivity.sobol(lambda x: np.full(x.shape[1], 4.0), ISHIGAMI, 64, np.random.default_rng(0))
    assert r["first_order"] == [0.0, 0.0, 0.0] and r["total_order"] == [0.0, 0.0, 0.0]
    assert r["first_order_ci"] == [[None, None]] * 3
    json.dumps(r, allow_nan=False)


@pytest.mark.parametrize("n", [0, 1, 3, 100, 1000, 4095, -64, 64.0, "64", True, None])
def test_sobol_rejects_n_not_a_power_of_two(n):
    with pytest.raises(ValueError, match="power of two") as exc:
        sensitivity.sobol(ishigami, ISHIGAMI, n, np.random.default_rng(0))
    assert "\n" not in str(exc.value)


# --------------------------------------------------------------------------- Morris

LINEAR = [Factor("x1", 0.0, 1.0), Factor("x2", 0.0, 2.0), Factor("x3", -1.0, 1.0)]


def linear(x: np.ndarray) -> np.ndarray:
    return 3.0 * x[0] - 1.0 * x[1] + 0.0 * x[2]


def test_morris_linear_elementary_effects_are_exact():
    # Elementary effects are per normalised range: c_i * (hi_i - lo_i), the same at every point.
    r = sensitivity.morris(linear, LINEAR, 12, np.random.default_rng(7))
    assert r["method"] == "morris" and r["factors"] == ["x1", "x2", "x3"] and r["trajectories"] == 12
    assert r["evaluations"] == 12 * (3 + 1)
    np.testing.assert_allclose(r["mu_star"], [3.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r["mu"], [3.0, -2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r["sigma"], [0.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r["mu_star_ci"], [0.0, 0.0, 0.0], atol=1e-9)


def test_morris_ishigami_x2_effect_is_fixed_by_the_grid():
    # With 4 levels x2 takes -pi, -pi/3, pi/3, pi and steps by 4pi/3 (2/3 of the range): sin^2 goes
    # 0 <-> 3/4 on every step, so every elementary effect of x2 is +-a*(3/4)/(2/3).
    seen = []

    def model(x):
        seen.append(x.copy())
        return ishigami(x)

    r = sensitivity.morris(model, ISHIGAMI, 30, np.random.default_rng(11))
    grid = np.array([-PI, -PI / 3, PI / 3, PI])
    x = np.concatenate(seen, axis=1)
    assert x.shape == (3, 30 * 4)
    assert np.abs(x[..., None] - grid).min(axis=-1).max() < 1e-12  # every value is a grid level
    assert r["mu_star"][1] == pytest.approx(A * 0.75 / (2 / 3), abs=1e-9)
    assert r["sigma"][0] > 0 and r["sigma"][2] > 0  # x1, x3 interact
    assert all(ci >= 0 for ci in r["mu_star_ci"])


def test_morris_validates_its_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="trajectories"):
        sensitivity.morris(linear, LINEAR, 1, rng)
    with pytest.raises(ValueError, match="levels"):
        sensitivity.morris(linear, LINEAR, 10, rng, levels=5)
    with pytest.raises(ValueError, match="confidence"):
        sensitivity.morris(linear, LINEAR, 10, rng, confidence=1.5)


# --------------------------------------------------------------------------- ranking

def test_ranking_sobol_by_total_index(ishigami_sobol):
    assert sensitivity.ranking(ishigami_sobol) == ["x1", "x2", "x3"]


def test_ranking_morris_by_mu_star_follows_the_coefficients_not_the_order():
    factors = [Factor("small", 0.0, 1.0), Factor("none", 0.0, 1.0), Factor("big", 0.0, 1.0)]
    r = sensitivity.morris(lambda x: 0.5 * x[0] + 4.0 * x[2], factors, 8, np.random.default_rng(2))
    assert sensitivity.ranking(r) == ["big", "small", "none"]


def test_ranking_puts_missing_scores_last_and_rejects_unknown_methods():
    r = {"method": "sobol", "factors": ["a", "b", "c"], "total_order": [None, 0.1, 0.7]}
    assert sensitivity.ranking(r) == ["c", "b", "a"]
    with pytest.raises(ValueError, match="method"):
        sensitivity.ranking({"method": "fast", "factors": ["a"]})


# --------------------------------------------------------------------------- reproducibility, JSON

@pytest.mark.parametrize("method, size", [("sobol", 2**8), ("morris", 20)])
def test_same_seed_same_result_other_seed_other_result(method, size):
    run = getattr(sensitivity, method)
    first = run(ishigami, ISHIGAMI, size, np.random.default_rng(42))
    again = run(ishigami, ISHIGAMI, size, np.random.default_rng(42))
    other = run(ishigami, ISHIGAMI, size, np.random.default_rng(43))
    assert first == again
    assert other != first
    key = "total_order_ci" if method == "sobol" else "mu_star_ci"
    assert other[key] != first[key]


def test_sobol_randomness_only_through_the_generator():
    # SobolResult.bootstrap() takes no seed and would draw from numpy's global state:
    # the result must not depend on that state, and that state must be left as it was.
    np.random.seed(1)
    first = sensitivity.sobol(ishigami, ISHIGAMI, 2**8, np.random.default_rng(9))
    np.random.seed(2)
    state = np.random.get_state()
    second = sensitivity.sobol(ishigami, ISHIGAMI, 2**8, np.random.default_rng(9))
    after = np.random.get_state()
    assert first == second
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float) and (type(value) is not float or math.isfinite(value))


def test_results_are_plain_json(ishigami_sobol):
    m = sensitivity.morris(ishigami, ISHIGAMI, 10, np.random.default_rng(0))
    for r in (ishigami_sobol, m):
        assert _plain(r), r
        assert json.loads(json.dumps(r, allow_nan=False)) == r
    assert set(ishigami_sobol) == {"method", "factors", "n", "evaluations", "first_order", "total_order",
                                   "first_order_ci", "total_order_ci"}
    assert set(m) == {"method", "factors", "trajectories", "evaluations", "mu_star", "mu_star_ci", "mu", "sigma"}


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("method, size", [("sobol", 64), ("morris", 4)])
def test_model_output_must_be_finite_and_one_per_point(method, size):
    run = getattr(sensitivity, method)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="non-finite"):
        run(lambda x: np.where(x[0] > 0, np.nan, 1.0), ISHIGAMI, size, rng)
    with pytest.raises(ValueError, match="1-D array"):
        run(lambda x: x, ISHIGAMI, size, rng)


def test_factors_are_validated():
    with pytest.raises(ValueError, match="lo < hi"):
        Factor("a", 1.0, 1.0)
    with pytest.raises(ValueError, match="lo < hi"):
        Factor("a", 0.0, math.inf)
    with pytest.raises(ValueError, match="duplicate"):
        sensitivity.sobol(ishigami, [Factor("a", 0, 1), Factor("a", 0, 2)], 64, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least one"):
        sensitivity.morris(ishigami, [], 4, np.random.default_rng(0))


def test_sobol_uses_scipy(monkeypatch):
    calls = []
    real = scipy.stats.sobol_indices

    @functools.wraps(real)  # keeps the signature, so sobol() still passes `rng`
    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(scipy.stats, "sobol_indices", spy)
    sensitivity.sobol(ishigami, ISHIGAMI, 64, np.random.default_rng(0))
    assert len(calls) == 1 and calls[0]["n"] == 64 and isinstance(calls[0]["rng"], np.random.Generator)
    assert [d.support() for d in calls[0]["dists"]] == [(-PI, PI)] * 3


# --------------------------------------------------------------------------- what the intervals support

def sobol_result(total, total_ci, first=None, first_ci=None, n=64) -> dict:
    """A Sobol' result built by hand: total indices with their intervals, first-order ones (default:
    half the total, inside an interval of the same width)."""
    first = [t / 2 for t in total] if first is None else first
    if first_ci is None:
        first_ci = [[f - (h - lo) / 2, f + (h - lo) / 2] for f, (lo, h) in zip(first, total_ci)]
    return {"method": "sobol", "factors": [f"x{i}" for i in range(len(total))], "n": n,
            "evaluations": n * (len(total) + 2), "first_order": first, "total_order": total,
            "first_order_ci": first_ci, "total_order_ci": total_ci}


def around(values, half):
    return [[v - half, v + half] for v in values]


def test_separated_intervals_rank_every_factor_and_ask_for_nothing():
    v = sensitivity.separability(sobol_result([0.05, 0.6, 0.3], around([0.05, 0.6, 0.3], 0.04)))
    assert v["order"] == [1, 2, 0] and v["tiers"] == [[1], [2], [0]]
    assert v["problems"] == [] and v["suggested"] is None and v["ties"] == []


@pytest.mark.parametrize("n, suggested", [(64, 256), (128, 512), (8, 32)])
def test_overlapping_intervals_are_not_ranked_and_the_sample_that_separates_them_is_named(n, suggested):
    # x0 = 0.50 ± 0.05 and x1 = 0.44 ± 0.05 overlap; x2 = 0.10 is apart.  The facing half-widths add to
    # 0.10 against a gap of 0.06: n grows by (0.10 / 0.06)^2 = 2.78, to the next power of two.
    r = sobol_result([0.44, 0.10, 0.50], around([0.44, 0.10, 0.50], 0.05), n=n)
    v = sensitivity.separability(r)
    assert v["tiers"] == [[2, 0], [1]]
    assert {"kind": "overlap", "factors": [2, 0]} in v["problems"]
    assert math.isclose(n * (0.10 / 0.06) ** 2, {64: 177.78, 128: 355.56, 8: 22.22}[n], rel_tol=1e-3)
    assert v["suggested"] == suggested


def test_touching_intervals_ask_for_more_than_the_current_sample():
    v = sensitivity.separability(sobol_result([0.5, 0.4], around([0.5, 0.4], 0.05), n=64))
    assert v["tiers"] == [[0, 1]] and v["suggested"] == 128


def test_a_first_order_index_above_the_total_widens_the_interval_and_can_break_a_ranking():
    total, total_ci = [0.3, 0.1], [[0.25, 0.35], [0.08, 0.12]]
    consistent = sensitivity.separability(sobol_result(total, total_ci, first=[0.2, 0.05],
                                                       first_ci=[[0.15, 0.25], [0.03, 0.07]], n=128))
    assert consistent["tiers"] == [[0], [1]] and consistent["problems"] == []
    # S_0 = 0.5 > ST_0's upper end 0.35: the error is at least 0.5 - 0.3 = 0.2, so x0's interval becomes
    # [0.05, 0.55], which overlaps x1's [0.08, 0.12]; facing widths (0.3 - 0.05) + (0.12 - 0.1) = 0.27
    # against a gap of 0.2: n grows by 1.35^2 = 1.82, 128 -> 233 -> 256.
    v = sensitivity.separability(sobol_result(total, total_ci, first=[0.5, 0.05],
                                              first_ci=[[0.45, 0.55], [0.03, 0.07]], n=128))
    kinds = [p["kind"] for p in v["problems"]]
    assert kinds == ["first_exceeds_total", "overlap"]
    assert v["problems"][0]["factor"] == 0 and math.isclose(v["problems"][0]["excess"], 0.2)
    assert v["tiers"] == [[0, 1]] and v["suggested"] == 256


def test_a_negative_index_beyond_its_interval_is_flagged_but_a_noisy_zero_is_not():
    total, total_ci = [0.6, 0.25], [[0.55, 0.65], [0.2, 0.3]]
    noisy_zero = sensitivity.separability(sobol_result(total, total_ci, first=[0.5, -0.02],
                                                       first_ci=[[0.45, 0.55], [-0.05, 0.01]]))
    assert noisy_zero["problems"] == []
    v = sensitivity.separability(sobol_result(total, total_ci, first=[0.5, -0.2],
                                              first_ci=[[0.45, 0.55], [-0.3, -0.1]]))
    assert v["problems"] == [{"kind": "negative", "factor": 1, "index": "first_order", "value": -0.2,
                              "interval": [-0.3, -0.1]}]
    # widened by 0.2, x1 reaches 0.5, still below x0's 0.55: the ranking holds and no n is asked for
    assert v["tiers"] == [[0], [1]] and v["suggested"] is None


def test_negligible_factors_are_not_asked_to_be_told_apart():
    v = sensitivity.separability(sobol_result([0.004, 0.7, 0.002], [[0.0, 0.008], [0.6, 0.8], [0.0, 0.006]]))
    assert v["tiers"] == [[1], [0, 2]] and sorted(v["negligible"]) == [0, 2]
    assert v["problems"] == [] and v["suggested"] is None


def test_equal_estimates_cannot_be_separated_by_any_sample():
    v = sensitivity.separability(sobol_result([0.4, 0.4, 0.1], around([0.4, 0.4, 0.1], 0.05)))
    assert v["tiers"] == [[0, 1], [2]] and v["ties"] == [[0, 1]] and v["suggested"] is None


def test_a_constant_output_and_a_missing_interval_rank_nothing():
    constant = sensitivity.separability(sobol_result([0.0, 0.0], [None, None], first=[0.0, 0.0],
                                                     first_ci=[None, None]))
    assert [p["kind"] for p in constant["problems"]] == ["constant"] and constant["tiers"] == [[0, 1]]
    missing = sensitivity.separability(sobol_result([0.5, 0.1], [[0.4, 0.6], None], first_ci=[[0.2, 0.3], None]))
    assert [p["kind"] for p in missing["problems"]] == ["no_interval"] and missing["tiers"] == [[0, 1]]


def test_morris_overlap_asks_for_trajectories_in_proportion_to_the_squared_ratio():
    # mu* 10 ± 1.5 and 9 ± 1.5 overlap: (3 / 1)^2 = 9 times the trajectories, 10 -> 90
    r = {"method": "morris", "factors": ["a", "b", "c"], "trajectories": 10, "evaluations": 40,
         "mu_star": [9.0, 1.0, 10.0], "mu_star_ci": [1.5, 0.2, 1.5], "mu": [9.0, 1.0, 10.0], "sigma": [1, 1, 1]}
    v = sensitivity.separability(r)
    assert v["measure"] == "mu_star" and v["tiers"] == [[2, 0], [1]] and v["suggested"] == 90
    small = {**r, "mu_star": [10.0, 0.05, 0.04], "mu_star_ci": [1.0, 0.03, 0.03]}  # below 1% of the largest
    v = sensitivity.separability(small)
    assert v["tiers"] == [[0], [1, 2]] and v["negligible"] == [1, 2] and v["suggested"] is None


def test_the_suggested_sample_does_separate_what_the_small_one_could_not():
    """y = x1 + 0.9 x2 + 0.1 x3 on the unit cube: ST = c_i^2 / sum c^2 = 0.549, 0.445, 0.005 exactly.
    A small n cannot tell x1 from x2; rerun at the n the analysis names, the intervals part."""
    factors = [Factor(f"x{i}", 0.0, 1.0) for i in (1, 2, 3)]
    c = np.array([1.0, 0.9, 0.1])
    truth = c**2 / (c**2).sum()

    def model(x):
        return c @ x

    small = sensitivity.sobol(model, factors, 32, np.random.default_rng(5))
    v = sensitivity.separability(small)
    assert v["tiers"][0] == [0, 1] and v["suggested"] is not None and v["suggested"] > 32
    big = sensitivity.sobol(model, factors, v["suggested"], np.random.default_rng(5))
    w = sensitivity.separability(big)
    assert w["tiers"][:2] == [[0], [1]] and w["suggested"] is None
    lo, hi = np.array(big["total_order_ci"]).T
    assert np.all((lo[:2] <= truth[:2]) & (truth[:2] <= hi[:2]))


def test_the_brief_ranks_only_what_it_can_and_names_the_sample_that_would_do():
    from simlib.brief import explore_report

    spec = {"metric": "revenue.pooled_total_mean", "vary": []}
    r = {**sobol_result([0.44, 0.10, 0.50], around([0.44, 0.10, 0.50], 0.05)),
         "factors": ["revenue.sharing.cap", "revenue.growth.volatility", "revenue.sharing.zone_share"]}
    said, warnings = explore_report.sensitivity_verdict(r, spec, "en")
    assert said[0] == ("Ranked by total index, what drives pooled by the county over the horizon, mean can be ordered "
                       "only in part: Zone's share of the increment (0.500) ≈ Cap (0.440) > Growth volatility (0.100). "
                       "Factors joined by “≈” cannot be told apart at this sample size.")
    assert warnings[0].startswith("The total index intervals of Zone's share of the increment (0.500, [0.450, 0.550]) "
                                  "and Cap (0.440, [0.390, 0.490]) overlap")
    assert "from 64 to about 256 (1,280 model runs)" in warnings[-1]
    said, warnings = explore_report.sensitivity_verdict(r, spec, "zh")
    assert "开发区分成比例（0.500） ≈ 封顶（0.440） > 增长波动率（0.100）" in said[0]
    assert "基础样本量 n 需从 64 增加到约 256（共 1,280 次模型运行）" in warnings[-1]
    clear = {**r, "total_order": [0.3, 0.05, 0.6], "total_order_ci": around([0.3, 0.05, 0.6], 0.04),
             "first_order": [0.15, 0.02, 0.5], "first_order_ci": around([0.15, 0.02, 0.5], 0.04)}
    said, warnings = explore_report.sensitivity_verdict(clear, spec, "en")
    assert warnings == [] and "≈" not in said[0]
    assert "Zone's share of the increment (0.600) > Cap (0.300) > Growth volatility (0.050)" in said[0]


def test_a_near_tie_is_a_tie_and_a_huge_sample_is_not_advised():
    """Two totals 1e-12 apart are a tie (no n separates factors of the same role), not a call for 2**80
    runs; a gap that needs over MAX_SUGGESTED_FACTOR times the sample is called impractical."""
    tie = sensitivity.separability(sobol_result([0.4, 0.4 - 1e-12], around([0.4, 0.4], 0.05)))
    assert tie["ties"] == [[0, 1]] and tie["suggested"] is None
    far = sensitivity.separability(sobol_result([0.4, 0.399], around([0.4, 0.399], 0.05)))
    # half-widths 0.05 + 0.05 against a gap of 0.001: (0.1 / 0.001)² = 10⁴ times the sample
    assert far["ties"] == [] and far["suggested"] is None and far["impractical"]
    near = sensitivity.separability(sobol_result([0.5, 0.4], around([0.5, 0.4], 0.06)))
    # (0.12 / 0.1)² × 64 = 92.2 → the next power of two, 128
    assert near["suggested"] == 128 and not near["impractical"]


def morris_result(mu_star, half, factors) -> dict:
    """A Morris result built by hand: mu_star with its half-widths, mu = mu_star, sigma a tenth of it."""
    return {"method": "morris", "factors": factors, "trajectories": 8, "evaluations": 8 * (len(factors) + 1),
            "mu_star": mu_star, "mu_star_ci": half, "mu": mu_star, "sigma": [m / 10 for m in mu_star]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_factor_of_a_model_the_metric_does_not_use_is_not_ranked_but_said_to_be_apart(lang):
    """The zone's payout comes from the revenue model, which does not use the land model: a land key's
    zero is by construction, which the brief says, not that the factor "barely moves" the payout."""
    from simlib import models
    from simlib.brief import explore_report, labels
    from simlib.explore import sweep

    assert not sweep.depends_on("revenue.zone_payout_total_mean", "land.idle_rate")
    assert sweep.depends_on("revenue.zone_payout_total_mean", "meta.seed")
    assert sweep.depends_on("zone.cash_mean_avg", "land.idle_rate")  # the zone's ledger uses the land model
    assert not sweep.depends_on("land.lost_share", "zone.company_profit")
    spec = {"metric": "revenue.zone_payout_total_mean", "vary": []}
    factors = ["revenue.sharing.zone_share", "revenue.growth.volatility", "land.idle_rate"]
    r = morris_result([2.0, 0.5, 0.0], [0.1, 0.1, 0.0], factors)
    said, warnings = explore_report.sensitivity_verdict(r, spec, lang)
    name = explore_report.name
    metric = explore_report.inline(name(spec["metric"], lang), lang)
    ranked = labels.t("sens.ranking", lang, measure=labels.t("sens.by_mu_star", lang), metric=metric,
                      order=" > ".join(("{}（{}）" if lang == "zh" else "{} ({})").format(
                          name(f, lang), explore_report.show(v, spec["metric"], lang))
                          for f, v in zip(factors[:2], (2.0, 0.5))))
    def model(section):
        return labels.t("sens.model", lang, model=explore_report.inline(models.get(section).title[lang], lang))

    apart = labels.t("sens.by_construction", lang, names=explore_report.inline(name("land.idle_rate", lang), lang),
                     metric=metric, model=model("revenue"), others=model("land"))
    assert said == [ranked, apart] and warnings == []
    if lang == "en":
        assert apart.startswith("By construction, zone payout over the horizon, mean does not depend on rate of firms")
        assert "the revenue sharing model, which does not use the land and standard factories model" in apart
    # only factors apart: nothing to rank, the one sentence
    alone = morris_result([0.0], [0.0], ["land.idle_rate"])
    said, warnings = explore_report.sensitivity_verdict(alone, spec, lang)
    assert said == [apart] and warnings == []
