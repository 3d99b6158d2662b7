"""Tests for :mod:`simlib.models.salary` (with :mod:`simlib.scenario.roster` and the salary section's schema).

Hand-computed tables, closed-form oracles for a bivariate normal (score, θ), a
brute-force finite difference for ``incentive_per_sd``, and invariants over
random valid inputs (hypothesis and seeded numpy Generators).
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy.stats import multivariate_normal, norm

from simlib.models import salary
from simlib.scenario import run
from simlib.models.salary import forced_distribution, largest_remainder
from simlib.scenario import ScenarioError, load
from simlib.models.salary import Salary

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "params" / "qingzhen_2025.yaml"
GOOD_DATA = yaml.safe_load(GOOD.read_text(encoding="utf-8"))

SHARES = np.array([0.2, 0.4, 0.3, 0.1])
COEFS = np.array([1.3, 1.0, 0.8, 0.5])
QUOTAS = [
    {"grade": "优秀", "share": 0.2, "coefficient": 1.3},
    {"grade": "良好", "share": 0.4, "coefficient": 1.0},
    {"grade": "合格", "share": 0.3, "coefficient": 0.8},
    {"grade": "基本合格", "share": 0.1, "coefficient": 0.5},
]
PARK_GRADES = [
    {"grade": "第一", "coefficient": 1.1},
    {"grade": "第二", "coefficient": 1.0},
    {"grade": "第三", "coefficient": 0.9},
]
ONE_POST = [{"track": "management", "level": "部长", "base_pay": 10.0, "share": 1.0}]


def make_params(sizes=(10,), *, units=None, reliability=0.6, scope="zone", quotas=None, sd=0.0,
                department_grades=None, park=None, pool_mode="exact", standard_amount=3.0,
                elimination=None, posts=None, method=None) -> Salary:
    """A strict Salary section built from plain dicts and lists."""
    units = units or ["committee"] * len(sizes)
    appraisal: dict[str, Any] = {"reliability": reliability, "scope": scope, "quotas": quotas or QUOTAS}
    if method is not None:
        appraisal.update(method)
    data: dict[str, Any] = {
        "staff": int(sum(sizes)),
        "departments": [{"name": f"D{i}", "size": int(s), "unit": u} for i, (s, u) in enumerate(zip(sizes, units))],
        "department_effect_sd": sd,
        "posts": posts or ONE_POST,
        "appraisal": appraisal,
        "pay": {"standard_amount": standard_amount, "pool_mode": pool_mode},
    }
    if department_grades is not None:
        data["department_grades"] = department_grades
    if park is not None:
        data["park"] = park
    if elimination is not None:
        data["elimination"] = elimination
    return Salary.model_validate(data)


def brute_force_incentive(result: salary.SalaryResult, params: Salary) -> float:
    """Raise each person's score by one sd of θ, regrade the group with the others fixed, average the pay change."""
    shares = np.array([q.share for q in params.appraisal.quotas])
    coef = np.array([q.coefficient for q in params.appraisal.quotas])
    staff = result.staff
    other = (result.department_coefficient * result.park_coefficient[staff.department_unit])[staff.department]
    h = np.sqrt(1.0 + params.department_effect_sd**2)
    n_groups = result.grade_counts.shape[0]
    changes = []
    for i in range(staff.size):
        raised = result.score.copy()
        raised[i] += h
        grade, _, _ = forced_distribution(raised, result.group, n_groups, shares)
        changes.append((coef[grade[i]] - coef[result.grade[i]]) * other[i] * result.pay_per_coefficient)
    return float(np.mean(changes))


def reference_grades(score, group, shares):
    """Grades by an independent rule: lexsort (group, descending score, roster position), quota seats in turn."""
    n = score.size
    g = np.zeros(n, np.int64) if group is None else np.asarray(group)
    order = np.lexsort((np.arange(n), -score, g))
    grade = np.empty(n, np.int64)
    for k in np.unique(g):
        members = order[g[order] == k]
        counts = largest_remainder(np.array([members.size]), shares)[0]
        grade[members] = np.repeat(np.arange(len(shares)), counts)
    return grade


# -- 1. largest remainder --------------------------------------------------------


@pytest.mark.parametrize("n, shares, expected", [
    pytest.param(7, SHARES, [1, 3, 2, 1], id="n7"),
    pytest.param(6, SHARES, [1, 2, 2, 1], id="n6"),
    pytest.param(10, SHARES, [2, 4, 3, 1], id="n10-exact"),
    pytest.param(1, SHARES, [0, 1, 0, 0], id="n1"),  # .2 .4 .3 .1 → largest remainder .4
    pytest.param(2, SHARES, [0, 1, 1, 0], id="n2"),  # .4 .8 .6 .2 → .8, .6
    pytest.param(3, SHARES, [1, 1, 1, 0], id="n3"),  # .6 1.2 .9 .3 → floors 0 1 0 0; .9, .6
    pytest.param(4, SHARES, [1, 2, 1, 0], id="n4"),  # .8 1.6 1.2 .4 → floors 0 1 1 0; .8, .6
    pytest.param(5, SHARES, [1, 2, 2, 0], id="n5-tie-.5"),  # 1 2 1.5 .5 → tie .5/.5 → better grade
    pytest.param(43, SHARES, [9, 17, 13, 4], id="n43"),  # 8.6 17.2 12.9 4.3 → .9, .6
    pytest.param(2, [0.25] * 4, [1, 1, 0, 0], id="tie-quarters-n2"),
    pytest.param(3, [0.25] * 4, [1, 1, 1, 0], id="tie-quarters-n3"),
    pytest.param(1, [0.5, 0.5], [1, 0], id="tie-halves-n1"),
    pytest.param(4, [0.1, 0.3, 0.3, 0.3], [1, 1, 1, 1], id="tie-later-equal"),  # .4 1.2 1.2 1.2 → .4 wins
])
def test_largest_remainder_hand_table(n, shares, expected):
    counts = largest_remainder(np.array([n]), np.asarray(shares))
    assert counts.tolist() == [expected]


def test_largest_remainder_groups_are_independent_rows():
    counts = largest_remainder(np.array([7, 6, 10, 1]), SHARES)
    assert counts.tolist() == [[1, 3, 2, 1], [1, 2, 2, 1], [2, 4, 3, 1], [0, 1, 0, 0]]


def test_largest_remainder_invariants_random():
    rng = np.random.default_rng(20250101)
    for _ in range(300):
        k = rng.integers(2, 8)
        shares = rng.dirichlet(np.full(k, 0.7))
        if rng.random() < 0.3:  # some shares exactly zero
            shares[rng.integers(k)] = 0.0
            shares /= shares.sum()
        sizes = rng.integers(1, 5000, size=rng.integers(1, 6))
        counts = largest_remainder(sizes, shares)
        assert counts.shape == (sizes.size, k)
        assert (counts >= 0).all()
        assert (counts.sum(axis=1) == sizes).all()
        assert (np.abs(counts - sizes[:, None] * shares[None, :]) < 1).all()
        # seats only ever go to the largest remainders: anyone rounded up has a remainder
        # at least as large as anyone rounded down
        exact = sizes[:, None] * shares[None, :]
        up = counts > np.floor(exact + 1e-9)
        frac = exact - np.floor(exact + 1e-9)
        for row in range(sizes.size):
            if up[row].any() and (~up[row]).any():
                assert frac[row][up[row]].min() >= frac[row][~up[row]].max() - 1e-9


# -- 2. forced distribution ------------------------------------------------------


def test_forced_distribution_seven_people_hand_grades():
    score = np.array([3.0, 1.0, 5.0, -1.0, -2.0, 4.0, 0.0])
    grade, counts, order = forced_distribution(score, None, 1, SHARES)
    # seats 1/3/2/1: #2 (5) → 0; #5 (4), #0 (3), #1 (1) → 1; #6 (0), #3 (−1) → 2; #4 (−2) → 3
    assert counts.tolist() == [[1, 3, 2, 1]]
    assert order.tolist() == [2, 5, 0, 1, 6, 3, 4]
    assert grade.tolist() == [1, 1, 0, 2, 3, 1, 2]


def test_forced_distribution_equal_scores_go_by_roster_position():
    # #1 and #3 tie at 1.0 on the 良好/合格 boundary: #1 (earlier) gets the better grade
    score = np.array([3.0, 1.0, 5.0, 1.0, -2.0, 4.0, 0.0])
    grade, _, order = forced_distribution(score, None, 1, SHARES)
    assert order.tolist() == [2, 5, 0, 1, 3, 6, 4]
    assert grade.tolist() == [1, 1, 0, 2, 3, 1, 2]
    # the same tie with the roster reversed: again the earlier person wins
    rev = score[::-1].copy()
    grade_rev, _, _ = forced_distribution(rev, None, 1, SHARES)
    assert grade_rev.tolist() == [2, 1, 3, 1, 0, 2, 1]  # rev = [0, 4, -2, 1, 5, 1, 3]: #3 beats #5


def test_forced_distribution_all_equal_scores_roster_order():
    grade, _, order = forced_distribution(np.zeros(7), None, 1, SHARES)
    assert order.tolist() == list(range(7))
    assert grade.tolist() == [0, 1, 1, 1, 2, 2, 3]


def test_forced_distribution_two_departments_independent():
    # department 0: 7 people (seats 1/3/2/1), department 1: 6 people (seats 1/2/2/1), interleaved
    group = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    score = np.array([10.0, -5.0, 9.0, -6.0, 8.0, -7.0, 7.0, -8.0, 6.0, -9.0, 5.0, -10.0, 4.0])
    grade, counts, order = forced_distribution(score, group, 2, SHARES)
    assert counts.tolist() == [[1, 3, 2, 1], [1, 2, 2, 1]]
    # department 1 scores all lower than department 0, yet gets its own best grade
    assert grade[group == 0].tolist() == [0, 1, 1, 1, 2, 2, 3]
    assert grade[group == 1].tolist() == [0, 1, 1, 2, 2, 3]
    assert order.tolist() == [0, 2, 4, 6, 8, 10, 12, 1, 3, 5, 7, 9, 11]
    # zone-wide the same scores give department 0 all the good grades
    zone, zone_counts, _ = forced_distribution(score, None, 1, SHARES)
    assert zone_counts.tolist() == [[3, 5, 4, 1]]  # 13: 2.6 5.2 3.9 1.3 → .9, .6
    expected_zone = np.empty(13, int)
    expected_zone[np.argsort(-score)] = [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3]
    assert zone.tolist() == expected_zone.tolist()


def test_forced_distribution_ties_and_near_ties_match_reference():
    """Integer scores (many exact ties) and scores 1e-13 apart far from zero (the fast key loses them)."""
    rng = np.random.default_rng(7)
    for trial in range(240):
        n = int(rng.integers(2, 60))
        n_groups = int(rng.integers(1, 5))
        group = rng.integers(0, n_groups, n)
        group[:n_groups] = np.arange(n_groups) if n >= n_groups else group[:n_groups]
        n_groups = int(group.max()) + 1
        if trial % 4 == 0:
            score = rng.integers(-3, 4, n).astype(float)
        elif trial % 4 == 1:
            score = 1e6 + rng.integers(0, 5, n) * 1e-10 + rng.normal(0, 1e-13, n)
        elif trial % 4 == 2:  # an outlier widens the key's range: scores 1e-11 apart collapse in the fast key
            score = rng.integers(0, 4, n) * 1e-11 + rng.normal(0, 1e-14, n)
            score[rng.integers(n)] = -1e6
        else:
            score = rng.normal(0, 1, n)
        use_group = group if trial % 2 else None
        grade, counts, order = forced_distribution(score, use_group, n_groups if use_group is not None else 1,
                                                   SHARES)
        assert grade.tolist() == reference_grades(score, use_group, SHARES).tolist()


def test_forced_distribution_invariants_random():
    rng = np.random.default_rng(11)
    for _ in range(200):
        n_groups = int(rng.integers(1, 6))
        sizes = rng.integers(1, 40, n_groups)
        group = rng.permutation(np.repeat(np.arange(n_groups), sizes))
        k = int(rng.integers(2, 6))
        shares = rng.dirichlet(np.ones(k))
        score = rng.normal(0, 1, group.size)
        for g_arr, ng in ((group, n_groups), (None, 1)):
            grade, counts, _ = forced_distribution(score, g_arr, ng, shares)
            gg = np.zeros(group.size, int) if g_arr is None else g_arr
            expected = largest_remainder(np.bincount(gg, minlength=ng), shares)
            assert counts.tolist() == expected.tolist()
            for g in range(ng):
                m = gg == g
                assert np.bincount(grade[m], minlength=k).tolist() == expected[g].tolist()
                s, gr = score[m], grade[m]
                # higher score never gets a worse grade
                worse = (s[:, None] > s[None, :]) & (gr[:, None] > gr[None, :])
                assert not worse.any()


# -- 3. coefficients and pay -----------------------------------------------------

HAND_THETA = np.array([0.5, 2.0, -1.0, 1.0, 0.0, -2.0,   # D0 (committee), 6 people: seats 1/2/2/1
                       3.0, -0.5, 1.5, 0.2])             # D1 (company), 4 people: seats 1/2/1/0
HAND_GRADE = [1, 0, 2, 1, 2, 3, 0, 2, 1, 1]
# department means: D0 0.5/6 ≈ 0.083, D1 4.2/4 = 1.05 → D1 好 (1.2), D0 差 (0.9)
# park: committee 第一 (1.1), company 第二 (1.0) → per department D0 0.99, D1 1.2
HAND_COEF = [0.99, 1.287, 0.792, 0.99, 0.792, 0.495, 1.56, 0.96, 1.2, 1.2]


def hand_params(pool_mode: str) -> Salary:
    return make_params(
        (6, 4), units=["committee", "company"], reliability=1.0, scope="department", pool_mode=pool_mode,
        department_grades=[{"grade": "好", "share": 0.5, "coefficient": 1.2},
                           {"grade": "差", "share": 0.5, "coefficient": 0.9}],
        park={"grades": PARK_GRADES, "committee_grade": "第一", "company_grade": "第二"},
    )


def hand_result(pool_mode: str):
    params = hand_params(pool_mode)
    rng = np.random.default_rng(0)
    staff = salary.synthetic_staff(params, rng)
    return params, salary.appraise_and_pay(params, staff, HAND_THETA.copy(), rng)


def test_hand_scenario_standard_mode():
    params, r = hand_result("standard")
    assert r.score.tolist() == HAND_THETA.tolist()  # reliability 1: no noise
    assert r.grade.tolist() == HAND_GRADE
    assert r.grade_counts.tolist() == [[1, 2, 2, 1], [1, 2, 1, 0]]
    assert r.department_grade.tolist() == [1, 0]
    assert r.department_coefficient.tolist() == [0.9, 1.2]
    assert r.park_coefficient.tolist() == [1.1, 1.0]
    np.testing.assert_allclose(r.coefficient, HAND_COEF, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.performance_pay, 3.0 * np.array(HAND_COEF), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.performance_pay[:6], [2.97, 3.861, 2.376, 2.97, 2.376, 1.485], atol=1e-12)
    np.testing.assert_allclose(r.total_pay, 10.0 + 3.0 * np.array(HAND_COEF), atol=1e-12)
    assert r.pool == 30.0
    assert r.pay_per_coefficient == 3.0
    assert r.performance_pay.sum() == pytest.approx(30.798, abs=1e-9)
    m = salary.summarize(r, params).model_dump()
    assert m["pool_allocated_share"] == pytest.approx(30.798 / 30, abs=1e-12)
    assert m["performance_pay_total"] == pytest.approx(30.798, abs=1e-9)
    assert m["company_grade"] == "第二"


def test_hand_scenario_exact_mode_spends_pool():
    params, r = hand_result("exact")
    assert r.grade.tolist() == HAND_GRADE
    per = 30.0 / 10.266
    assert r.pay_per_coefficient == pytest.approx(per, rel=1e-12)
    np.testing.assert_allclose(r.performance_pay, per * np.array(HAND_COEF), rtol=1e-12)
    assert abs(r.performance_pay.sum() - 30.0) < 1e-9
    m = salary.summarize(r, params).model_dump()
    assert m["pool_allocated_share"] == pytest.approx(1.0, abs=1e-12)


def test_coefficient_is_park_times_department_times_individual_random():
    params = make_params((9, 14, 7, 11), units=["committee", "company", "company", "committee"], sd=0.4,
                         scope="department", reliability=0.5,
                         department_grades=[{"grade": "A", "share": 0.25, "coefficient": 1.15},
                                            {"grade": "B", "share": 0.5, "coefficient": 1.0},
                                            {"grade": "C", "share": 0.25, "coefficient": 0.85}],
                         park={"grades": PARK_GRADES, "committee_grade": "第二", "company_grade": "第一"})
    for seed in range(10):
        r = salary.simulate(params, np.random.default_rng(seed))
        unit = r.staff.department_unit[r.staff.department]
        expected = COEFS[r.grade] * r.department_coefficient[r.staff.department] * np.array([1.0, 1.1])[unit]
        np.testing.assert_allclose(r.coefficient, expected, rtol=1e-15)
        # department grades: 4 departments, seats 1/2/1, best mean score gets A
        means = np.bincount(r.staff.department, weights=r.score) / np.bincount(r.staff.department)
        assert r.department_grade.tolist() == reference_grades(means, None, np.array([.25, .5, .25])).tolist()
        assert abs(r.performance_pay.sum() - 3.0 * 41) < 1e-9


@pytest.mark.parametrize("n", [10, 50, 1230])
def test_standard_mode_pool_identity_when_quotas_fill_exactly(n):
    params = make_params((n,), pool_mode="standard", reliability=0.7)
    r = salary.simulate(params, np.random.default_rng(n))
    assert np.bincount(r.grade).tolist() == (SHARES * n).round().astype(int).tolist()
    expected = 3.0 * n * float(SHARES @ COEFS)  # Σ share·coef = 0.95
    assert r.performance_pay.sum() == pytest.approx(expected, abs=1e-9)
    m = salary.summarize(r, params).model_dump()
    assert m["pool_allocated_share"] == pytest.approx(0.95, abs=1e-12)


# -- 4. the linked rule ----------------------------------------------------------

LINK = {"link_threshold": "第二", "link_company_best": "第二"}


@pytest.mark.parametrize("park, coefs, company", [
    pytest.param({"committee_grade": "第一", "company_grade": "第一", **LINK}, [1.1, 1.1], 0, id="committee-1st-keeps"),
    pytest.param({"committee_grade": "第二", "company_grade": "第一", **LINK}, [1.0, 1.0], 1, id="committee-2nd-caps"),
    pytest.param({"committee_grade": "第三", "company_grade": "第一", **LINK}, [0.9, 1.0], 1, id="committee-3rd-caps"),
    pytest.param({"committee_grade": "第三", "company_grade": "第三", **LINK}, [0.9, 0.9], 2, id="company-3rd-stays"),
    pytest.param({"committee_grade": "第二", "company_grade": "第二", **LINK}, [1.0, 1.0], 1, id="company-2nd-stays"),
    pytest.param({"committee_grade": "第三", "company_grade": "第一"}, [0.9, 1.1], 0, id="no-link-unchanged"),
    pytest.param({"committee_grade": "第二", "company_grade": "第一", "link_threshold": "第三",
                  "link_company_best": "第二"}, [1.0, 1.1], 0, id="above-threshold-unchanged"),
    pytest.param({"committee_grade": "第三", "company_grade": "第一", "link_threshold": "第三",
                  "link_company_best": "第三"}, [0.9, 0.9], 2, id="cap-at-third"),
])
def test_park_linked_rule(park, coefs, company):
    params = make_params(park={"grades": PARK_GRADES, **park})
    got, company_grade = salary.park_coefficients(params)
    assert got.tolist() == coefs
    assert company_grade == company


def test_park_without_company_grade_or_park():
    params = make_params(park={"grades": PARK_GRADES, "committee_grade": "第三"})
    got, company_grade = salary.park_coefficients(params)
    assert got.tolist() == [0.9, 0.9] and company_grade is None
    got, company_grade = salary.park_coefficients(make_params())
    assert got.tolist() == [1.0, 1.0] and company_grade is None


def test_qingzhen_company_is_capped_at_second():
    sc = load(GOOD)
    got, company_grade = salary.park_coefficients(sc.params.salary)
    assert got.tolist() == [1.0, 1.0] and company_grade == 1


# -- 5. oracles (large staff, zone scope) ---------------------------------------

N_LARGE = 200_000


@pytest.fixture(scope="module")
def large_runs():
    out = {}
    for r in (0.5, 0.7, 0.9):
        params = make_params((N_LARGE,), reliability=r)
        rng = np.random.default_rng(int(r * 100))
        result = salary.simulate(params, rng)
        out[r] = (result, salary.summarize(result, params).model_dump())
    return out


@pytest.mark.parametrize("r, expected", [(0.5, 0.2500), (0.7, 0.1845), (0.9, 0.1024)])
def test_misrank_oracle(large_runs, r, expected):
    assert np.arccos(np.sqrt(r)) / np.pi == pytest.approx(expected, abs=5e-5)
    _, m = large_runs[r]
    assert m["misrank_above_median"] == pytest.approx(expected, abs=0.005)
    curve = m["misrank_curve"]
    i = curve["reliability"].index(r) if r in curve["reliability"] else None
    if i is not None:
        assert curve["misrank_oracle"][i] == pytest.approx(expected, abs=5e-5)
        assert curve["misrank_simulated"][i] == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("r", [0.5, 0.7, 0.9])
def test_kendall_tau_oracle(large_runs, r):
    _, m = large_runs[r]
    assert m["kendall_tau"] == pytest.approx(2 / np.pi * np.arcsin(np.sqrt(r)), abs=0.01)


@pytest.mark.parametrize("r", [0.5, 0.7, 0.9])
def test_realised_reliability(large_runs, r):
    result, m = large_runs[r]
    assert np.corrcoef(result.score, result.theta)[0, 1] ** 2 == pytest.approx(r, abs=0.01)
    assert m["noise_sd"]["score"] == pytest.approx(np.sqrt((1 - r) / r), rel=1e-12)


def test_top_quota_precision_oracle(large_runs):
    p, r = 0.2, 0.7
    c = norm.ppf(1 - p)
    rho = np.sqrt(r)
    oracle = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([-c, -c]) / p
    assert round(float(oracle), 3) == 0.680
    _, m = large_runs[r]
    assert m["top_quota_precision"] == pytest.approx(oracle, abs=0.01)
    assert m["misrank_curve"]["top_grade_not_truly_top"][m["misrank_curve"]["reliability"].index(0.7)] \
        == pytest.approx(1 - oracle, abs=0.01)


def test_realised_reliability_with_department_effect():
    params = make_params((100,) * 2000, reliability=0.7, sd=0.5)
    result = salary.simulate(params, np.random.default_rng(5))
    assert result.theta.var() == pytest.approx(1.25, abs=0.03)
    assert np.corrcoef(result.score, result.theta)[0, 1] ** 2 == pytest.approx(0.7, abs=0.01)
    assert result.noise_sd["score"] == pytest.approx(np.sqrt(1.25 * 0.3 / 0.7), rel=1e-12)


# -- 6. incentive per sd ---------------------------------------------------------


@pytest.mark.parametrize("scope", ["department", "zone"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incentive_matches_brute_force(scope, seed):
    params = make_params((37, 23), units=["committee", "company"], sd=0.4, scope=scope, reliability=0.6,
                         pool_mode="standard",
                         department_grades=[{"grade": "好", "share": 0.5, "coefficient": 1.1},
                                            {"grade": "差", "share": 0.5, "coefficient": 0.95}],
                         park={"grades": PARK_GRADES, "committee_grade": "第二", "company_grade": "第一"})
    r = salary.simulate(params, np.random.default_rng(seed))
    fast = salary.incentive_per_sd(r, params)
    assert fast > 0
    assert fast == pytest.approx(brute_force_incentive(r, params), abs=1e-9)


def test_incentive_zero_when_coefficients_equal():
    quotas = [{"grade": g["grade"], "share": g["share"], "coefficient": 1.0} for g in QUOTAS]
    params = make_params((30, 30), quotas=quotas, scope="department", pool_mode="standard", sd=0.3)
    r = salary.simulate(params, np.random.default_rng(3))
    assert salary.incentive_per_sd(r, params) == 0.0


def test_incentive_rises_with_reliability():
    vals = {}
    for rel in (0.3, 0.9):
        params = make_params((20_000,), reliability=rel, pool_mode="standard")
        r = salary.simulate(params, np.random.default_rng(9))
        vals[rel] = salary.incentive_per_sd(r, params)
    assert vals[0.9] > vals[0.3] > 0


def test_incentive_exact_ties_follow_roster_order():
    # reliability 1, no department effect: score = θ = 0..9, h = 1, so person i raised ties person i+1
    # (a later roster position) and, by the tie rule, ranks above them.  Brute force: persons 0, 3 and 7
    # cross a grade boundary (+0.3, +0.2, +0.3) × 3 万元 / 10 people = 0.24.
    params = make_params((10,), reliability=1.0, pool_mode="standard")
    rng = np.random.default_rng(0)
    r = salary.appraise_and_pay(params, salary.synthetic_staff(params, rng), np.arange(10.0), rng)
    assert brute_force_incentive(r, params) == pytest.approx(0.24, abs=1e-12)
    assert salary.incentive_per_sd(r, params) == pytest.approx(0.24, abs=1e-9)


# -- 7. bottom elimination -------------------------------------------------------


@pytest.mark.parametrize("scope", ["department", "zone"])
@pytest.mark.parametrize("consecutive, years", [(2, 3), (1, 3), (3, 3)])
def test_bottom_elimination_without_noise_flags_the_true_bottom(scope, consecutive, years):
    params = make_params((23, 17), reliability=1.0, scope=scope, sd=0.5,
                         elimination={"years": years, "consecutive": consecutive})
    rng = np.random.default_rng(4)
    r = salary.simulate(params, rng)
    group = r.staff.department if scope == "department" else np.zeros(40, int)
    expected = np.zeros(40, bool)
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        seats = r.grade_counts[g, -1]
        expected[members[np.argsort(r.theta[members])[:seats]]] = True
    seats_total = 4  # department: 23 → 5/9/7/2, 17 → 3/7/5/2; zone: 40 → 8/16/12/4
    assert r.grade_counts[:, -1].sum() == seats_total
    assert r.flagged.tolist() == expected.tolist()
    m = salary.summarize(r, params).model_dump()
    assert m["flagged_bottom"] == seats_total
    if scope == "zone":
        assert m["flagged_truly_bottom_share"] == 1.0


def test_bottom_elimination_with_noise_is_within_bounds():
    params = make_params((40, 40), reliability=0.5, scope="department",
                         elimination={"years": 5, "consecutive": 2})
    r = salary.simulate(params, np.random.default_rng(8))
    seats = int(r.grade_counts[:, -1].sum())
    assert 0 <= r.flagged.sum() <= 4 * seats  # at most `seats` new flags a year from year 2 on


@pytest.mark.parametrize("consecutive, years", [(2, 4), (3, 5), (1, 3)])
def test_bottom_elimination_with_noise_matches_a_replay(consecutive, years):
    """Replay the years with the same random stream: a streak is broken by any non-bottom year."""
    params = make_params((15, 25), reliability=0.4, scope="department",
                         elimination={"years": years, "consecutive": consecutive})
    n = 40
    group = np.repeat([0, 1], [15, 25])
    theta = np.random.default_rng(1).standard_normal(n)
    noise_sd = np.sqrt(0.6 / 0.4)
    first = reference_grades(theta + np.random.default_rng(2).normal(0, noise_sd, n), group, SHARES)
    flagged = salary.bottom_elimination(params, theta, first, group, 2, SHARES, noise_sd, np.random.default_rng(3))
    replay = np.random.default_rng(3)
    streak = np.zeros(n, int)
    expected = np.zeros(n, bool)
    grades = [first] + [None] * (years - 1)
    for year in range(years):
        if year:
            grades[year] = reference_grades(theta + replay.normal(0, noise_sd, n), group, SHARES)
        for i in range(n):
            streak[i] = streak[i] + 1 if grades[year][i] == 3 else 0
            expected[i] |= streak[i] >= consecutive
    assert flagged.tolist() == expected.tolist()
    assert expected.any() and not expected.all()


def test_consecutive_above_years_is_rejected():
    with pytest.raises(ValidationError) as info:
        make_params(elimination={"years": 2, "consecutive": 3})
    errs = info.value.errors()
    assert len(errs) == 1 and errs[0]["type"] == "cross_field" and errs[0]["ctx"]["field"] == "consecutive"
    assert "must not exceed years (2), got 3" in errs[0]["msg"]


def test_flagged_bottom_none_without_elimination():
    params = make_params((20,))
    rng = np.random.default_rng(2)
    r = salary.simulate(params, rng)
    assert r.flagged is None
    m = salary.summarize(r, params).model_dump()
    assert m["flagged_bottom"] is None
    assert m["flagged_truly_bottom_share"] is None


# -- 8. invariants on random valid inputs ------------------------------------------


@st.composite
def share_list(draw, k):
    w = draw(st.lists(st.integers(0, 5), min_size=k, max_size=k).filter(lambda x: sum(x) > 0))
    return [x / sum(w) for x in w]


@st.composite
def random_params(draw):
    n_dept = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 14), min_size=n_dept, max_size=n_dept).filter(lambda s: sum(s) >= 2))
    units = draw(st.lists(st.sampled_from(["committee", "company"]), min_size=n_dept, max_size=n_dept))
    k = draw(st.integers(2, 5))
    shares = draw(share_list(k))
    coefs = sorted(draw(st.lists(st.floats(0.05, 3.0), min_size=k, max_size=k)), reverse=True)
    quotas = [{"grade": f"g{i}", "share": s, "coefficient": c} for i, (s, c) in enumerate(zip(shares, coefs))]
    kw: dict[str, Any] = {
        "units": units, "quotas": quotas,
        "reliability": draw(st.floats(0.05, 1.0)),
        "scope": draw(st.sampled_from(["department", "zone"])),
        "sd": draw(st.sampled_from([0.0, 0.3, 1.0])),
        "pool_mode": draw(st.sampled_from(["exact", "standard"])),
        "standard_amount": draw(st.sampled_from([0.0, 1.0, 3.0])),
    }
    if draw(st.booleans()):
        kd = draw(st.integers(2, 3))
        dshares = draw(share_list(kd))
        kw["department_grades"] = [{"grade": f"d{i}", "share": s, "coefficient": 1.2 - 0.2 * i}
                                   for i, s in enumerate(dshares)]
    if draw(st.booleans()):
        names = [g["grade"] for g in PARK_GRADES]
        park = {"grades": PARK_GRADES, "committee_grade": draw(st.sampled_from(names))}
        if draw(st.booleans()):
            park["company_grade"] = draw(st.sampled_from(names))
        if draw(st.booleans()):
            park["link_threshold"] = draw(st.sampled_from(names))
            park["link_company_best"] = draw(st.sampled_from(names))
        kw["park"] = park
    if draw(st.booleans()):
        years = draw(st.integers(1, 4))
        kw["elimination"] = {"years": years, "consecutive": draw(st.integers(1, years))}
    if draw(st.booleans()):
        kw["method"] = {"method": "index", "dimensions": [{"name": "a", "weight": 2.0}, {"name": "b", "weight": 1.0}]}
    kw["posts"] = [{"track": "management", "level": "a", "base_pay": 12.0, "share": 0.5},
                   {"track": "professional", "level": "b", "base_pay": 9.0, "share": 0.5}]
    return make_params(tuple(sizes), **kw), draw(st.integers(0, 2**32))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_params())
def test_invariants_random_valid_inputs(case):
    params, seed = case
    r = salary.simulate(params, np.random.default_rng(seed))
    n = r.staff.size
    assert n == params.staff
    assert (r.performance_pay >= 0).all()
    assert (r.total_pay >= 0).all()
    assert (r.total_pay >= r.staff.base_pay).all()
    shares = np.array([q.share for q in params.appraisal.quotas])
    if params.pay.pool_mode == "exact" and r.coefficient.sum() > 0:
        assert abs(r.performance_pay.sum() - params.pay.standard_amount * n) < 1e-9
    if params.pay.pool_mode == "standard":
        np.testing.assert_allclose(r.performance_pay, params.pay.standard_amount * r.coefficient, rtol=1e-12)
    # grade counts per group match the quotas
    group = r.staff.department if params.appraisal.scope == "department" else np.zeros(n, int)
    n_groups = int(group.max()) + 1
    expected = largest_remainder(np.bincount(group, minlength=n_groups), shares)
    assert r.grade_counts.tolist() == expected.tolist()
    for g in range(n_groups):
        assert np.bincount(r.grade[group == g], minlength=len(shares)).tolist() == expected[g].tolist()
    assert r.grade.tolist() == reference_grades(r.score, None if params.appraisal.scope == "zone" else group,
                                                shares).tolist()
    # incentive = brute force finite difference (pay per coefficient held fixed)
    assert salary.incentive_per_sd(r, params) == pytest.approx(brute_force_incentive(r, params), abs=1e-9)
    # reproducibility
    again = salary.simulate(params, np.random.default_rng(seed))
    for name in ("theta", "score", "grade", "coefficient", "performance_pay"):
        assert np.array_equal(getattr(r, name), getattr(again, name)), name
    assert np.array_equal(r.staff.post, again.staff.post)
    if r.flagged is not None:
        assert np.array_equal(r.flagged, again.flagged)
    other = salary.simulate(params, np.random.default_rng(seed + 1))
    assert not np.array_equal(r.theta, other.theta)


def test_metrics_reproducible_for_the_same_seed():
    params = make_params((7, 6, 6, 6, 6, 6, 6), scope="department", sd=0.3,
                         elimination={"years": 3, "consecutive": 2})
    def once(seed):
        rng = np.random.default_rng(seed)
        return salary.summarize(salary.simulate(params, rng), params).model_dump()
    assert once(42) == once(42)
    assert once(42) != once(43)


@pytest.mark.parametrize("method", [
    pytest.param({"method": "objective_subjective", "objective_weight": 0.6, "subjective_noise_ratio": 2.0},
                 id="objective-subjective"),
    pytest.param({"method": "index", "dimensions": [{"name": "a", "weight": 3.0}, {"name": "b", "weight": 1.0}]},
                 id="index"),
])
def test_noise_sds_combine_to_the_score_noise(method):
    params = make_params(reliability=0.6, method=method)
    sds = salary.noise_sds(params, 1.0)
    total = np.sqrt(0.4 / 0.6)
    assert sds["score"] == pytest.approx(total, rel=1e-12)
    if method["method"] == "index":
        # score = Σ w·(θ + e_d)/Σ w: sd of the average noise = per_dim·√Σw²/Σw
        per = sds["dimension:a"]
        assert sds["dimension:b"] == per
        assert per * np.sqrt(10.0) / 4.0 == pytest.approx(total, rel=1e-12)
    else:
        o, s = sds["objective"], sds["subjective"]
        assert s == pytest.approx(2 * o, rel=1e-12)
        assert np.hypot(0.6 * o, 0.4 * s) == pytest.approx(total, rel=1e-12)


def test_metrics_json_safe_when_top_grade_is_empty():
    # 10 people, top quota 4%: 0.4 0.6+4 4 1 → the spare seat goes to grade 1, nobody gets the top grade
    quotas = [{"grade": "A", "share": 0.04, "coefficient": 1.3}, {"grade": "B", "share": 0.46, "coefficient": 1.0},
              {"grade": "C", "share": 0.4, "coefficient": 0.8}, {"grade": "D", "share": 0.1, "coefficient": 0.5}]
    params = make_params((10,), quotas=quotas)
    rng = np.random.default_rng(3)
    r = salary.simulate(params, rng)
    assert (r.grade == 0).sum() == 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        m = salary.summarize(r, params).model_dump()
    assert m["top_quota_precision"] is None
    json.dumps(m, allow_nan=False)  # as results.write_json does


def test_metrics_hand_computed_small_case():
    """Scores given (reliability 1 passes them through), true performance swapped in afterwards."""
    import dataclasses
    params = make_params((10,), pool_mode="standard")
    rng = np.random.default_rng(0)
    score = np.array([0.0, 0.0, 0.0, 10.0, -5.0, 0.5, 0.1, 0.2, 0.3, 9.0])
    r = salary.appraise_and_pay(params.model_copy(update={"appraisal": params.appraisal.model_copy(
        update={"reliability": 1.0})}), salary.synthetic_staff(params, rng), score, rng)
    assert r.score.tolist() == score.tolist()
    assert r.grade.tolist() == [2, 2, 2, 0, 3, 1, 1, 1, 1, 0]  # order 3, 9, 5, 8, 7, 6, 0, 1, 2, 4
    theta = np.arange(10.0)  # truly above median: 5..9; truly top 20 %: 8, 9
    r = dataclasses.replace(r, theta=theta)
    m = salary.summarize(r, params).model_dump()
    # median score 0.15; of persons 5..9 (scores 0.5 0.1 0.2 0.3 9) one (#6, 0.1) is below it
    assert m["misrank_above_median"] == pytest.approx(1 / 5, abs=1e-12)
    # the top grade went to #3 and #9; only #9 is truly in the top 20 %
    assert m["top_quota_precision"] == pytest.approx(0.5, abs=1e-12)
    assert m["staff"] == 10
    assert m["pool"] == 30.0
    pay = 10.0 + 3.0 * COEFS[r.grade]
    assert m["performance_pay_total"] == pytest.approx(3.0 * COEFS[r.grade].sum(), abs=1e-12)
    p10, p90 = np.percentile(pay, [10, 90])
    assert m["p90_p10"] == pytest.approx(p90 / p10, rel=1e-12)
    srt = np.sort(pay)
    gini = np.abs(srt[:, None] - srt[None, :]).sum() / (2 * 10 * srt.sum())
    assert m["gini"] == pytest.approx(gini, rel=1e-12)


# -- 9. group tables hide small cells --------------------------------------------


def test_group_tables_hide_cells_under_five():
    posts = [{"track": "management", "level": "部长", "base_pay": 18.0, "share": 0.5},
             {"track": "management", "level": "主管", "base_pay": 12.0, "share": 0.25},
             {"track": "professional", "level": "专员", "base_pay": 10.0, "share": 0.25}]
    params = make_params((12,), posts=posts, pool_mode="standard")
    rng = np.random.default_rng(6)
    r = salary.simulate(params, rng)
    # posts 6/3/3; grades 12 → 2.4 4.8 3.6 1.2 → 2/5/4/1
    assert np.bincount(r.staff.post).tolist() == [6, 3, 3]
    assert np.bincount(r.grade).tolist() == [2, 5, 4, 1]
    m = salary.summarize(r, params).model_dump()

    def check(summary, mask):
        size = int(mask.sum())
        if size < 5:
            assert summary == {"count": None, "p10": None, "p50": None, "p90": None, "mean": None, "hidden": True}
        else:
            assert summary["hidden"] is False and summary["count"] == size
            assert summary["mean"] == pytest.approx(r.total_pay[mask].mean(), abs=1e-12)
            assert summary["p50"] == pytest.approx(np.median(r.total_pay[mask]), abs=1e-12)
        return size

    rows = m["by_grade"]
    assert [row["grade"] for row in rows] == ["优秀", "良好", "合格", "基本合格"]
    for k, row in enumerate(rows):
        size = int((r.grade == k).sum())
        tp, pp = row["total_pay"], row["performance_pay"]
        assert tp["hidden"] is (size < 5) and pp["hidden"] is (size < 5)
        if size < 5:
            assert tp["count"] is None and pp["count"] is None and tp["mean"] is None and pp["p50"] is None
        else:
            assert tp["count"] == pp["count"] == size == 5
            assert tp["mean"] == pytest.approx(r.total_pay[r.grade == k].mean(), abs=1e-12)
            assert pp["p50"] == pytest.approx(np.median(r.performance_pay[r.grade == k]), abs=1e-12)
    table = {row["post"]: row for row in m["by_post"]}
    assert list(table) == ["management/部长", "management/主管", "professional/专员", "management/*",
                           "professional/*"]
    masks = {"management/部长": r.staff.post == 0, "management/主管": r.staff.post == 1,
             "professional/专员": r.staff.post == 2, "management/*": r.staff.post <= 1,
             "professional/*": r.staff.post == 2}
    sizes = {name: check(table[name]["total_pay"], masks[name]) for name in table}
    assert sizes == {"management/部长": 6, "management/主管": 3, "professional/专员": 3, "management/*": 9,
                     "professional/*": 3}
    assert table["management/主管"]["total_pay"]["hidden"] and not table["management/*"]["total_pay"]["hidden"]


# -- 10. validation messages through the scenario loader -------------------------


def node(data: dict, dotted: str) -> Any:
    """The value at a dotted key of the parsed scenario, looking through {value: ...} leaves."""
    for part in dotted.split("."):
        data = data[part]
        if isinstance(data, dict) and "value" in data:
            data = data["value"]
    return data


def write_scenario(tmp_path: Path, mutate) -> Path:
    data = copy.deepcopy(GOOD_DATA)
    mutate(data)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def set_leaf(dotted: str, value: Any):
    def mutate(data):
        *parents, last = dotted.split(".")
        parent = node(data, ".".join(parents))
        if isinstance(parent.get(last), dict) and "value" in parent[last]:
            parent[last]["value"] = value
        else:
            parent[last] = value
    return mutate


def edit(dotted: str, fn):
    return lambda data: fn(node(data, dotted))


def problems_of(path: Path):
    with pytest.raises(ScenarioError) as info:
        load(path)
    return info.value.problems


VALIDATION_CASES = [
    pytest.param(edit("salary.appraisal.quotas", lambda q: q[0].update(share=0.3)),
                 "salary.appraisal.quotas", "quota shares must sum to 1, got 1.1", id="quotas-sum"),
    pytest.param(edit("salary.appraisal.quotas", lambda q: q[1].update(coefficient=-0.5)),
                 "salary.appraisal.quotas[1].coefficient", "must be at least 0", id="negative-coefficient"),
    pytest.param(edit("salary.appraisal.quotas", lambda q: q[2].update(coefficient=1.2)),
                 "salary.appraisal.quotas[2].coefficient", "coefficients must not rise", id="rising-coefficient"),
    pytest.param(edit("salary.departments", lambda d: d[0].update(size=50)),
                 "salary.departments[0].size", "must not exceed staff (43), got 50", id="department-too-big"),
    pytest.param(edit("salary.departments", lambda d: d[0].update(size=8)),
                 "salary.departments", "sizes must add up to staff (43), got 44", id="sizes-dont-add-up"),
    pytest.param(set_leaf("salary.appraisal.reliability", 0.0),
                 "salary.appraisal.reliability", "must be greater than 0", id="reliability-0"),
    pytest.param(set_leaf("salary.appraisal.reliability", 1.5),
                 "salary.appraisal.reliability", "must be at most 1", id="reliability-1.5"),
    pytest.param(set_leaf("salary.park.committee_grade", "第九"),
                 "salary.park.committee_grade", "must be one of the grades", id="unknown-park-grade"),
    pytest.param(set_leaf("salary.appraisal.scope", "county"),
                 "salary.appraisal.scope", "must be one of 'department' or 'zone', got 'county'",
                 id="unknown-scope"),
    pytest.param(set_leaf("salary.elimination", {"years": 2, "consecutive": 3}),
                 "salary.elimination.consecutive", "must not exceed years (2), got 3", id="consecutive-over-years"),
    pytest.param(edit("salary.departments", lambda d: d[1].update(name="综合办公室")),
                 "salary.departments[1].name", "duplicate department", id="duplicate-department"),
]


@pytest.mark.parametrize("mutate, key, fragment", VALIDATION_CASES)
def test_validation_messages(tmp_path, mutate, key, fragment):
    path = write_scenario(tmp_path, mutate)
    problems = problems_of(path)
    assert [(p.key, fragment in p.message) for p in problems] == [(key, True)], [str(p) for p in problems]
    assert problems[0].file == str(path)


def test_good_scenario_salary_loads_and_runs_reproducibly():
    a, b = run(GOOD).data["salary"], run(GOOD).data["salary"]
    assert a["staff"] == 43
    assert a["pool_allocated_share"] == pytest.approx(1.0, abs=1e-12)
    assert a == b
    json.dumps(a, allow_nan=False)


# -- 11. roster CSV --------------------------------------------------------------

ROSTER_HEADER = "id,department,track,level,base_pay,unit\n"
GOOD_ROWS = [
    "p01,综合办公室,management,部长,18,committee",
    "p02,综合办公室,professional,专员,12,committee",
    "p03,综合办公室,professional,助理专员,9,committee",
    "p04,综合办公室,management,主管,12,committee",
    "p05,招商服务部,management,部长,18,company",
    "p06,招商服务部,professional,专员,12,company",
    "p07,招商服务部,professional,专员,12.5,company",
    "p08,招商服务部,management,主管,12,company",
    "p09,招商服务部,professional,助理专员,9,company",
    "p10,财政金融部,professional,高级专员,15,",
    "p11,财政金融部,management,主管,12,committee",
    "p12,财政金融部,professional,专员,11,committee",
]


def roster_scenario(tmp_path: Path, csv_text: str | None, keep_staff: int | None = None) -> Path:
    def mutate(data):
        sal = data["salary"]
        for key in ("staff", "departments", "posts"):
            del sal[key]
        sal["roster"] = "roster.csv"
        if keep_staff is not None:
            sal["staff"] = keep_staff
    if csv_text is not None:
        (tmp_path / "roster.csv").write_text(csv_text, encoding="utf-8")
    return write_scenario(tmp_path, mutate)


def roster_problems(tmp_path, csv_text):
    path = roster_scenario(tmp_path, csv_text)
    problems = problems_of(path)
    for p in problems:
        assert p.file == str(tmp_path / "roster.csv") and p.key == ""
    return [p.message for p in problems]


def test_good_roster_loads(tmp_path):
    sc = load(roster_scenario(tmp_path, ROSTER_HEADER + "\n".join(GOOD_ROWS) + "\n"))
    staff = sc.roster
    assert staff.size == 12
    assert staff.department_names == ("综合办公室", "招商服务部", "财政金融部")
    assert staff.department.tolist() == [0] * 4 + [1] * 5 + [2] * 3
    assert staff.department_unit.tolist() == [0, 1, 0]  # an empty unit means committee
    assert staff.post_names == ("management/部长", "professional/专员", "professional/助理专员", "management/主管",
                                "professional/高级专员")
    assert staff.post_track.tolist() == [0, 1, 1, 0, 1]
    assert staff.post.tolist() == [0, 1, 2, 3, 0, 1, 1, 3, 2, 4, 3, 1]
    assert staff.base_pay.tolist() == [18, 12, 9, 12, 18, 12, 12.5, 12, 9, 15, 12, 11]
    out = run(sc)
    assert out.data["salary"]["staff"] == 12
    res = out.results["salary"]
    assert res.staff is staff
    np.testing.assert_array_equal(res.total_pay - res.performance_pay, staff.base_pay)
    assert abs(res.performance_pay.sum() - 3.0 * 12) < 1e-9  # the Qingzhen file spends the pool exactly
    # department scope over the roster's departments: seats per department of 4/5/3
    assert res.grade_counts.tolist() == largest_remainder(np.array([4, 5, 3]), SHARES).tolist()


def test_the_parameter_hash_changes_with_the_roster_rows(tmp_path):
    """A batch resumes by the parameter hash, so a roster edited in place must change it."""
    path = roster_scenario(tmp_path, ROSTER_HEADER + "\n".join(GOOD_ROWS) + "\n")
    before = load(path)
    (tmp_path / "roster.csv").write_text(ROSTER_HEADER + "\n".join(GOOD_ROWS).replace(",12.5,", ",13.5,") + "\n",
                                         encoding="utf-8")
    after = load(path)
    assert after.resolved() == before.resolved()  # the file's name and the scenario's values are the same
    assert after.roster_sha256 != before.roster_sha256
    assert after.params_sha256() != before.params_sha256()
    assert load(path).params_sha256() == after.params_sha256()


def test_roster_without_unit_column_and_matching_staff(tmp_path):
    rows = [",".join(r.split(",")[:5]) for r in GOOD_ROWS]
    sc = load(roster_scenario(tmp_path, "id,department,track,level,base_pay,extra\n"
                              + "\n".join(r + ",x" for r in rows) + "\n", keep_staff=12))
    assert sc.roster.size == 12 and sc.roster.department_unit.tolist() == [0, 0, 0]


def test_roster_staff_mismatch(tmp_path):
    path = roster_scenario(tmp_path, ROSTER_HEADER + "\n".join(GOOD_ROWS) + "\n", keep_staff=43)
    problems = problems_of(path)
    assert [(p.key, p.message) for p in problems] == [("salary.staff", "must match the roster's 12 rows, got 43")]


def test_roster_missing_column(tmp_path):
    text = "id,department,track,level\n" + "\n".join(",".join(r.split(",")[:4]) for r in GOOD_ROWS) + "\n"
    messages = roster_problems(tmp_path, text)
    assert len(messages) == 1
    assert messages[0].startswith("line 1: missing column(s) base_pay")


def test_roster_bad_values_name_their_lines(tmp_path):
    rows = list(GOOD_ROWS)
    rows[2] = "p03,综合办公室,professional,助理专员,九,committee"  # line 4
    rows[4] = "p05,招商服务部,manager,部长,18,company"  # line 6
    messages = roster_problems(tmp_path, ROSTER_HEADER + "\n".join(rows) + "\n")
    assert len(messages) == 2
    assert messages[0].startswith("line 4: base_pay") and "'九'" in messages[0]
    assert messages[1].startswith("line 6: track") and "'manager'" in messages[1]


def test_roster_negative_pay_and_bad_unit(tmp_path):
    rows = list(GOOD_ROWS)
    rows[0] = "p01,综合办公室,management,部长,-1,committee"  # line 2
    rows[1] = "p02,综合办公室,professional,专员,12,county"  # line 3
    messages = roster_problems(tmp_path, ROSTER_HEADER + "\n".join(rows) + "\n")
    assert [m.split(":")[0:2] for m in messages] == [["line 2", " base_pay"], ["line 3", " unit"]]


def test_roster_duplicate_id(tmp_path):
    rows = list(GOOD_ROWS)
    rows[6] = rows[6].replace("p07", "p02")  # line 8 repeats line 3's id
    messages = roster_problems(tmp_path, ROSTER_HEADER + "\n".join(rows) + "\n")
    assert messages == ["line 8: id: duplicate 'p02' (first at line 3)"]


def test_roster_missing_file(tmp_path):
    messages = roster_problems(tmp_path, None)
    assert messages == ["roster file not found"]


def test_roster_without_rows(tmp_path):
    assert roster_problems(tmp_path, ROSTER_HEADER) == ["roster needs at least 2 people, got 0"]


def test_roster_line_numbers_after_a_blank_line(tmp_path):
    rows = list(GOOD_ROWS)
    rows[2] = "p03,综合办公室,professional,助理专员,九,committee"
    text = ROSTER_HEADER + rows[0] + "\n\n" + "\n".join(rows[1:]) + "\n"  # p03 is now on line 5
    assert text.splitlines()[4].startswith("p03")
    messages = roster_problems(tmp_path, text)
    assert len(messages) == 1 and messages[0].startswith("line 5: base_pay"), messages


@pytest.mark.parametrize("n, shares, expected", [
    (45, (0.15, 0.35, 0.35, 0.15), [7, 16, 16, 6]),  # 6.75/15.75/15.75/6.75: the tie goes to the better grade
    (8, (0.1, 0.7, 0.2), [1, 6, 1]),  # 0.8/5.6/1.6: floating point once gave 1/5/2
], ids=["equal-remainders-45", "float-rounding-8"])
def test_largest_remainder_is_exact(n, shares, expected):
    assert salary.largest_remainder(np.array([n]), np.array(shares))[0].tolist() == expected



@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4), st.floats(-3, 3)), min_size=0, max_size=80),
       st.booleans())
def test_kendall_tau_b_is_scipys_to_the_bit(rows, continuous):
    """Our O(n log² n) τ-b (no scipy.stats import in a brief) equals scipy.stats.kendalltau exactly,
    ties in x, in y and in both included, and nan where scipy gives nan."""
    from scipy import stats

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[2] if continuous else r[1] for r in rows], dtype=float)
    ours = salary.kendall_tau_b(x, y)
    if len(rows) < 2:
        assert np.isnan(ours)
        return
    theirs = stats.kendalltau(x, y).statistic
    assert ours == theirs or (np.isnan(ours) and np.isnan(theirs))


def test_kendall_tau_b_hand_cases():
    assert salary.kendall_tau_b(np.arange(5.0), np.arange(5.0)) == pytest.approx(1.0, abs=1e-15)
    assert salary.kendall_tau_b(np.arange(5.0), -np.arange(5.0)) == pytest.approx(-1.0, abs=1e-15)
    # x = 1,2,3,4 and y = 1,3,2,4: 5 concordant, 1 discordant of 6 pairs → τ = 4/6
    assert salary.kendall_tau_b(np.array([1.0, 2, 3, 4]), np.array([1.0, 3, 2, 4])) == pytest.approx(4 / 6, abs=1e-15)
    # x tied in one pair: τ-b = (4 − 1) / √5 / √6 with x = 1,1,2,3 and y = 1,2,4,3
    assert salary.kendall_tau_b(np.array([1.0, 1, 2, 3]), np.array([1.0, 2, 4, 3])) == pytest.approx(
        3 / np.sqrt(5) / np.sqrt(6), abs=1e-15)
    assert np.isnan(salary.kendall_tau_b(np.ones(4), np.arange(4.0)))


def test_with_values_checks_staff_against_the_roster_like_set(tmp_path):
    """Changing salary keys in memory re-checks staff against the roster, as a --set does."""
    from simlib.scenario import ScenarioError

    path = roster_scenario(tmp_path, ROSTER_HEADER + "\n".join(GOOD_ROWS) + "\n")
    sc = load(path)
    with pytest.raises(ScenarioError, match=r"salary.staff: must match the roster's \d+ rows, got 5"):
        load(path, ["salary.staff=5"])
    with pytest.raises(ScenarioError, match=r"salary.staff: must match the roster's \d+ rows, got 5"):
        sc.with_values({"salary.staff": 5})
    assert sc.with_values({"salary.staff": sc.roster.size}).roster is sc.roster
    assert sc.with_values({"salary.appraisal.reliability": np.float64(0.8)}).params.salary.appraisal.reliability == 0.8
