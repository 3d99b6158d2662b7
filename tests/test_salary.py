"""Tests for :mod:`simlib.models.salary` (with the salary section's schema).

Hand-computed tables (quota seats under every rounding rule, caps and thresholds, a unit's own
top-grade share, the linked rule's pay cut, exempt staff), closed-form oracles for a bivariate
normal (score, θ) — also for a two-part score and an index, whose reliability is derived from
the parts — a brute-force finite difference for ``incentive_per_sd``, brute-force pair counts, and
invariants over random valid inputs (hypothesis and seeded numpy Generators).
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
from simlib.models.salary import Salary, forced_distribution, largest_remainder
from simlib.scenario import ScenarioError, load, run

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
TWO_PART = {"method": "objective_subjective", "objective_weight": 0.6, "objective_reliability": 0.7,
            "subjective_reliability": 0.4, "subjective_shares": [0.2, 0.4, 0.3, 0.1]}


def make_params(sizes=(10,), *, units=None, reliability=0.6, scope="zone", quotas=None, sd=0.0,
                department_grades=None, park=None, pool_mode="exact", standard_amount=3.0,
                elimination=None, posts=None, method=None, rounds=1, exempt_share=None,
                rounding=None, score_scale=None) -> Salary:
    """A strict Salary section built from plain dicts and lists (one round unless asked)."""
    units = units or ["committee"] * len(sizes)
    appraisal: dict[str, Any] = {"scope": scope, "quotas": quotas or QUOTAS}
    if method is None:
        appraisal["reliability"] = reliability
    else:
        appraisal.update(method)
    if rounding is not None:
        appraisal["rounding"] = rounding
    if score_scale is not None:
        appraisal["score_scale"] = score_scale
    data: dict[str, Any] = {
        "staff": int(sum(sizes)),
        "departments": [{"name": f"D{i}", "size": int(s), "unit": u} for i, (s, u) in enumerate(zip(sizes, units))],
        "department_effect_sd": sd,
        "posts": posts or ONE_POST,
        "appraisal": appraisal,
        "pay": {"standard_amount": standard_amount, "pool_mode": pool_mode},
        "rounds": rounds,
    }
    for key, value in (("department_grades", department_grades), ("park", park), ("elimination", elimination),
                       ("exempt_share", exempt_share)):
        if value is not None:
            data[key] = value
    return Salary.model_validate(data)


def metrics(params: Salary, seed: int = 0) -> dict:
    return salary.summarize(salary.simulate(params, np.random.default_rng(seed)), params).model_dump()


def given_scores(params: Salary, theta: np.ndarray, seed: int = 0) -> salary.SalaryResult:
    """One round graded on the given true performance (use reliability 1: the score is θ)."""
    rng = np.random.default_rng(seed)
    staff = salary.synthetic_staff(params, rng)
    return salary.appraise_and_pay(params, staff, np.asarray(theta, float), rng)


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


def reference_rule(points: np.ndarray, quotas: list[dict], rounding: str) -> list[int]:
    """One group graded by the written rule, person by person: best score first, each grade takes
    people while it has seats and they reach its minimum."""
    n = points.size
    order = sorted(range(n), key=lambda i: (-points[i], i))
    seats = []
    for q in quotas[:-1]:
        limit = q.get("share", q.get("max_share"))
        if limit is None:
            seats.append(n)
            continue
        x = n * limit
        seats.append({"half_up": int(np.floor(x + 0.5 + 1e-9)), "up": int(np.ceil(x - 1e-9)),
                      "down": int(np.floor(x + 1e-9))}[rounding])
    grade = [len(quotas) - 1] * n
    k, used = 0, 0
    for i in order:
        while k < len(quotas) - 1 and (used >= seats[k] or points[i] < quotas[k].get("min_score", -np.inf)):
            k, used = k + 1, 0
        grade[i] = k
        used += 1
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
    pytest.param(45, (0.15, 0.35, 0.35, 0.15), [7, 16, 16, 6], id="equal-remainders-45"),
    pytest.param(8, (0.1, 0.7, 0.2), [1, 6, 1], id="float-rounding-8"),  # 0.8/5.6/1.6: floats once gave 1/5/2
])
def test_largest_remainder_hand_table(n, shares, expected):
    counts = largest_remainder(np.array([n]), np.asarray(shares))
    assert counts.tolist() == [expected]


def test_largest_remainder_groups_are_independent_rows():
    counts = largest_remainder(np.array([7, 6, 10, 1]), SHARES)
    assert counts.tolist() == [[1, 3, 2, 1], [1, 2, 2, 1], [2, 4, 3, 1], [0, 1, 0, 0]]
    # one row of shares per group
    per_group = largest_remainder(np.array([7, 7]), np.array([SHARES, [0.3, 0.3, 0.3, 0.1]]))
    assert per_group.tolist() == [[1, 3, 2, 1], [2, 2, 2, 1]]


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
    score = np.array([3.0, 1.0, 5.0, 1.0, -2.0, 4.0, 0.0])
    grade, _, order = forced_distribution(score, None, 1, SHARES)
    assert order.tolist() == [2, 5, 0, 1, 3, 6, 4]
    assert grade.tolist() == [1, 1, 0, 2, 3, 1, 2]
    grade_rev, _, _ = forced_distribution(score[::-1].copy(), None, 1, SHARES)
    assert grade_rev.tolist() == [2, 1, 3, 1, 0, 2, 1]


def test_forced_distribution_all_equal_scores_roster_order():
    grade, _, order = forced_distribution(np.zeros(7), None, 1, SHARES)
    assert order.tolist() == list(range(7))
    assert grade.tolist() == [0, 1, 1, 1, 2, 2, 3]


def test_forced_distribution_two_departments_independent():
    group = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    score = np.array([10.0, -5.0, 9.0, -6.0, 8.0, -7.0, 7.0, -8.0, 6.0, -9.0, 5.0, -10.0, 4.0])
    grade, counts, order = forced_distribution(score, group, 2, SHARES)
    assert counts.tolist() == [[1, 3, 2, 1], [1, 2, 2, 1]]
    assert grade[group == 0].tolist() == [0, 1, 1, 1, 2, 2, 3]
    assert grade[group == 1].tolist() == [0, 1, 1, 2, 2, 3]
    assert order.tolist() == [0, 2, 4, 6, 8, 10, 12, 1, 3, 5, 7, 9, 11]


def test_forced_distribution_ties_and_near_ties_match_reference():
    """Integer scores (many exact ties) and scores 1e-13 apart far from zero (the fast key loses them)."""
    rng = np.random.default_rng(7)
    for trial in range(240):
        n = int(rng.integers(2, 60))
        n_groups = int(rng.integers(1, 5))
        group = rng.integers(0, n_groups, n)
        n_groups = int(group.max()) + 1
        if trial % 4 == 0:
            score = rng.integers(-3, 4, n).astype(float)
        elif trial % 4 == 1:
            score = 1e6 + rng.integers(0, 5, n) * 1e-10 + rng.normal(0, 1e-13, n)
        elif trial % 4 == 2:
            score = rng.integers(0, 4, n) * 1e-11 + rng.normal(0, 1e-14, n)
            score[rng.integers(n)] = -1e6
        else:
            score = rng.normal(0, 1, n)
        use_group = group if trial % 2 else None
        grade, _, _ = forced_distribution(score, use_group, n_groups if use_group is not None else 1, SHARES)
        assert grade.tolist() == reference_grades(score, use_group, SHARES).tolist()


# -- 3. rules as zones write them: caps, thresholds, rounding ----------------------

SEVEN = np.array([95.0, 91.0, 88.0, 70.0, 59.0, 65.0, 40.0])
CAPPED = [{"grade": "A", "max_share": 0.25, "coefficient": 1.3},   # 7 × .25 = 1.75
          {"grade": "B", "max_share": 0.3, "coefficient": 1.1},    # 7 × .3 = 2.1
          {"grade": "C", "min_score": 60, "coefficient": 1.0},     # 95 91 88 70 65 reach 60
          {"grade": "D", "coefficient": 0.6}]


@pytest.mark.parametrize("rounding, seats, grades", [
    # half up: A 2, B 2; C takes the one left of the five ≥ 60 (#5, 65); D #4 (59) and #6 (40)
    ("half_up", [2, 2], [0, 0, 1, 1, 3, 2, 3]),
    # up: A 2, B 3 (#2, #3, #5); nobody ≥ 60 is left for C
    ("up", [2, 3], [0, 0, 1, 1, 3, 1, 3]),
    # down: A 1, B 2 (#1, #2); C #3 and #5
    ("down", [1, 2], [0, 1, 1, 2, 3, 2, 3]),
])
def test_seven_person_department_with_caps_under_each_rounding(rounding, seats, grades):
    params = make_params((7,), quotas=CAPPED, reliability=1.0, rounding=rounding,
                         score_scale={"mean": 0.0, "sd": 1.0})
    r = given_scores(params, SEVEN)
    assert r.points.ravel().tolist() == SEVEN.tolist()  # reliability 1, sd(F) = 1: points = θ
    assert r.seats[0, :2].tolist() == seats
    assert r.grade.ravel().tolist() == grades
    assert grades == reference_rule(SEVEN, CAPPED, rounding)


def test_caps_default_to_half_up_and_exact_shares_to_largest_remainder():
    caps = make_params((7,), quotas=CAPPED, score_scale={"mean": 0.0, "sd": 1.0})
    assert caps.appraisal.rounding_rule == "half_up"
    assert make_params((7,)).appraisal.rounding_rule == "largest_remainder"


@pytest.mark.parametrize("rounding, take", [
    ("largest_remainder", [1, 3, 2, 1]),
    ("half_up", [1, 3, 2, 1]),  # 1.4 2.8 2.1 → 1 3 2, D takes the rest
    ("up", [2, 3, 2, 0]),  # 2 3 3: C gets the two left, D none
    ("down", [1, 2, 2, 2]),  # 1 2 2, D takes the rest
])
def test_exact_shares_under_each_rounding(rounding, take):
    params = make_params((7,), reliability=1.0, rounding=rounding)
    r = given_scores(params, SEVEN)
    assert r.take[0].tolist() == take
    expected = np.empty(7, int)
    expected[np.argsort(-SEVEN, kind="stable")] = np.repeat(np.arange(4), take)
    assert r.grade.ravel().tolist() == expected.tolist()


def test_at_most_cap_leaves_lower_grades_to_thresholds():
    """'At most 20% 优秀', the rest earned against a standard: a weak year leaves 优秀 seats empty."""
    quotas = [{"grade": "优秀", "max_share": 0.2, "min_score": 90, "coefficient": 1.3},
              {"grade": "称职", "min_score": 60, "coefficient": 1.0},
              {"grade": "基本称职", "coefficient": 0.6}]
    params = make_params((10,), quotas=quotas, reliability=1.0, score_scale={"mean": 0.0, "sd": 1.0})
    strong = given_scores(params, [99, 98, 97, 96, 80, 70, 65, 61, 50, 40])
    assert strong.take[0].tolist() == [2, 6, 2]  # four reach 90, the cap keeps two
    weak = given_scores(params, [89, 85, 80, 75, 70, 65, 62, 55, 50, 40])
    assert weak.take[0].tolist() == [0, 7, 3]  # nobody reaches 90: no quota forces one


def test_unit_rated_top_may_grade_more_staff_top():
    """Shouning (004): a 好班子 unit's share of excellent staff is raised to 30%."""
    dg = [{"grade": "好班子", "share": 0.5, "coefficient": 1.0, "top_grade_share": 0.3},
          {"grade": "一般", "share": 0.5, "coefficient": 1.0}]
    theta = np.r_[np.arange(10.0) + 100, np.arange(10.0)]  # D0 has the higher mean score
    exact = make_params((10, 10), reliability=1.0, scope="department", department_grades=dg)
    r = given_scores(exact, theta)
    assert r.department_grade.tolist() == [[0, 1]]
    # exact shares: the extra top seat comes out of the second grade (.3 .3 .3 .1 vs .2 .4 .3 .1)
    assert r.take.tolist() == [[3, 3, 3, 1], [2, 4, 3, 1]]
    caps = [{"grade": "优秀", "max_share": 0.2, "coefficient": 1.3}, {"grade": "称职", "coefficient": 1.0}]
    capped = make_params((10, 10), reliability=1.0, scope="department", department_grades=dg, quotas=caps)
    assert given_scores(capped, theta).take.tolist() == [[3, 7], [2, 8]]


@pytest.mark.parametrize("quotas, key, fragment", [
    pytest.param([{"grade": "A", "max_share": 1.2, "coefficient": 1}, {"grade": "B", "coefficient": 1}],
                 "max_share", "less than or equal to 1", id="cap-above-1"),
    pytest.param([{"grade": "A", "max_share": 0.2, "coefficient": 1.3}, {"grade": "B", "share": 0.5, "coefficient": 1},
                  {"grade": "C", "share": 0.3, "coefficient": 0.8}],
                 "quotas[1].share", "no longer add up to 1", id="exact-mixed-with-caps"),
    pytest.param([{"grade": "A", "min_score": 80, "coefficient": 1.3}, {"grade": "B", "min_score": 85, "coefficient": 1},
                  {"grade": "C", "coefficient": 0.8}], "quotas[1].min_score", "thresholds must fall", id="thresholds-order"),
    pytest.param([{"grade": "A", "max_share": 0.2, "coefficient": 1.3}, {"grade": "B", "max_share": 0.5, "coefficient": 1}],
                 "quotas[1].max_share", "last grade takes everyone left", id="capped-last"),
    pytest.param([{"grade": "A", "max_share": 0.2, "coefficient": 1.3}, {"grade": "B", "coefficient": 1},
                  {"grade": "C", "coefficient": 0.8}], "quotas[1]", "needs share, max_share or min_score",
                 id="open-middle-grade"),
])
def test_rule_validation(quotas, key, fragment):
    with pytest.raises(ValidationError) as info:
        make_params((10,), quotas=quotas, score_scale={"mean": 80.0, "sd": 10.0}
                    if any("min_score" in q for q in quotas) else None)
    err = info.value.errors()[0]
    assert fragment in err["msg"], err["msg"]
    where = err["ctx"]["field"] if err["type"] == "cross_field" else ".".join(map(str, err["loc"]))
    assert where.endswith(key), where


def test_rounding_and_scale_validation():
    with pytest.raises(ValidationError, match="largest_remainder splits exact shares"):
        make_params(quotas=CAPPED, rounding="largest_remainder", score_scale={"mean": 0.0, "sd": 1.0})
    with pytest.raises(ValidationError, match="min_score needs the points scale"):
        make_params(quotas=CAPPED)
    with pytest.raises(ValidationError, match="used only by min_score thresholds"):
        make_params(score_scale={"mean": 0.0, "sd": 1.0})
    with pytest.raises(ValidationError, match="Input should be"):
        make_params(rounding="nearest")
    with pytest.raises(ValidationError, match="used only by method 'objective_subjective'"):
        make_params(method={"method": "single", "reliability": 0.6, "objective_weight": 0.5})
    with pytest.raises(ValidationError, match="required by method 'objective_subjective'"):
        make_params(method={"method": "objective_subjective", "objective_weight": 0.5})
    with pytest.raises(ValidationError, match="less than 1"):
        make_params(exempt_share=1.0)
    with pytest.raises(ValidationError, match="greater than 0"):
        make_params(method={"method": "index", "dimensions": [{"name": "a", "weight": 1.0, "reliability": 0.0}]})
    with pytest.raises(ValidationError, match="rounds × staff must not exceed 10,000,000"):
        make_params((100_000,), rounds=101)


# -- 4. how scores arise: the parts, the index, the derived reliability -------------


def test_index_of_one_dimension_is_the_single_score_bit_for_bit():
    single = make_params((30, 20), scope="department", sd=0.3, reliability=0.55, rounds=5)
    index = make_params((30, 20), scope="department", sd=0.3, rounds=5,
                        method={"method": "index", "dimensions": [{"name": "x", "weight": 2.0, "reliability": 0.55}]})
    a = salary.simulate(single, np.random.default_rng(3))
    b = salary.simulate(index, np.random.default_rng(3))
    assert np.array_equal(a.observation.final, b.observation.final)
    assert np.array_equal(a.grade, b.grade) and np.array_equal(a.performance_pay, b.performance_pay)


def test_index_with_equal_dimensions_fully_correlated_recovers_the_single_score():
    dims = [{"name": n, "weight": 1.0, "reliability": 0.6} for n in "abc"]
    p = make_params(method={"method": "index", "dimensions": dims, "dimension_correlation": 1.0})
    assert salary.score_model(p).reliability == pytest.approx(0.6, rel=1e-12)
    assert salary.score_model(p).final_sd == pytest.approx(salary.score_model(make_params()).final_sd, rel=1e-12)


@pytest.mark.parametrize("dims, corr, sd", [
    ([(1.0, 0.5), (1.0, 0.5)], 0.0, 0.0),  # 1 / (1 + ½·1) = 2/3
    ([(5.0, 0.8), (1.0, 0.3)], 0.0, 0.0),
    ([(1.0, 0.5), (1.0, 0.5), (2.0, 0.7)], 0.4, 0.5),
])
def test_index_reliability_derivation_matches_simulation(dims, corr, sd):
    method = {"method": "index", "dimension_correlation": corr,
              "dimensions": [{"name": f"d{i}", "weight": w, "reliability": r} for i, (w, r) in enumerate(dims)]}
    p = make_params((200,) * 1000, method=method, sd=sd)  # many departments: their effects vary
    model = salary.score_model(p)
    if corr == 0.0 and dims[0] == dims[1] and len(dims) == 2:
        assert model.reliability == pytest.approx(2 / 3, rel=1e-12)
    r = salary.simulate(p, np.random.default_rng(11))
    f, t = r.observation.final.ravel(), r.theta.ravel()
    assert np.corrcoef(f, t)[0, 1] ** 2 == pytest.approx(model.reliability, abs=0.005)
    assert f.std() == pytest.approx(model.final_sd, rel=0.01)


def test_index_weights_change_scores_and_grades():
    dims = lambda wa, wb: {"method": "index", "dimensions": [  # noqa: E731
        {"name": "考绩", "weight": wa, "reliability": 0.8}, {"name": "考人", "weight": wb, "reliability": 0.3}]}
    equal, skewed = make_params((50,), method=dims(1.0, 1.0)), make_params((50,), method=dims(5.0, 1.0))
    assert salary.score_model(skewed).reliability > salary.score_model(equal).reliability
    a = salary.simulate(equal, np.random.default_rng(1))
    b = salary.simulate(skewed, np.random.default_rng(1))
    assert not np.array_equal(a.grade, b.grade)


def test_two_part_reliability_derivation_matches_simulation():
    """r_F from the parts (module docstring) against the realised squared correlation of F with θ."""
    for w, ro, rs in ((0.6, 0.7, 0.4), (0.2, 0.9, 0.3), (1.0, 0.5, 0.5), (0.05, 0.5, 0.8)):
        method = {**TWO_PART, "objective_weight": w, "objective_reliability": ro, "subjective_reliability": rs}
        p = make_params((200_000,), method=method)
        model = salary.score_model(p)
        r = salary.simulate(p, np.random.default_rng(int(w * 10)))
        f, t = r.observation.final.ravel(), r.theta.ravel()
        assert np.corrcoef(f, t)[0, 1] ** 2 == pytest.approx(model.reliability, abs=0.005), (w, ro, rs)
        assert f.std() == pytest.approx(model.final_sd, rel=0.01)
    # hand: w = 1 is the objective score alone
    assert salary.score_model(make_params(method={**TWO_PART, "objective_weight": 1.0})).reliability == \
        pytest.approx(0.7, rel=1e-12)


def test_band_means_are_the_normal_band_means():
    m = salary.band_means(np.array([0.5, 0.5]))
    assert m.tolist() == pytest.approx([np.sqrt(2 / np.pi), -np.sqrt(2 / np.pi)], rel=1e-12)
    m = salary.band_means(SHARES)
    upper = np.clip(np.r_[0, np.cumsum(SHARES)], 0, 1)
    lo, hi = norm.ppf(1 - upper[1:]), norm.ppf(1 - upper[:-1])
    assert m.tolist() == pytest.approx(((norm.pdf(lo) - norm.pdf(hi)) / SHARES).tolist(), rel=1e-9)


def test_more_weight_on_the_more_reliable_part_lowers_misranking():
    base = {**TWO_PART, "objective_reliability": 0.85, "subjective_reliability": 0.25}
    out = {}
    for w in (0.2, 0.5, 0.8):
        p = make_params((40, 40), scope="department", method={**base, "objective_weight": w}, rounds=400)
        out[w] = metrics(p, seed=5)
        assert out[w]["score_reliability"] == pytest.approx(salary.score_model(p).reliability)
    assert out[0.8]["misordered_pairs"] < out[0.5]["misordered_pairs"] < out[0.2]["misordered_pairs"]
    assert out[0.8]["score_reliability"] > out[0.5]["score_reliability"] > out[0.2]["score_reliability"]


def test_subjective_part_is_forced_within_the_scope():
    p = make_params((13, 7), scope="department", method=TWO_PART, rounds=3)
    r = salary.simulate(p, np.random.default_rng(2))
    sub = r.observation.subjective_grade
    for k in range(3):
        for d, n in ((0, 13), (1, 7)):
            members = r.staff.department[r.graded] == d
            counts = np.bincount(sub[k, members], minlength=4)
            assert counts.tolist() == largest_remainder(np.array([n]), SHARES)[0].tolist()


# -- 5. oracles (large staff, zone scope) ---------------------------------------

N_LARGE = 200_000


@pytest.fixture(scope="module")
def large_runs():
    out = {}
    for r in (0.5, 0.7, 0.9):
        params = make_params((N_LARGE,), reliability=r)
        result = salary.simulate(params, np.random.default_rng(int(r * 100)))
        out[r] = (result, salary.summarize(result, params).model_dump())
    return out


@pytest.mark.parametrize("r, expected", [(0.5, 0.2500), (0.7, 0.1845), (0.9, 0.1024)])
def test_misrank_oracle(large_runs, r, expected):
    assert np.arccos(np.sqrt(r)) / np.pi == pytest.approx(expected, abs=5e-5)
    _, m = large_runs[r]
    assert m["misrank_above_median"] == pytest.approx(expected, abs=0.005)
    curve = m["misrank_curve"]
    assert curve["misrank_oracle"][curve["reliability"].index(r)] == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("r", [0.5, 0.7, 0.9])
def test_kendall_tau_oracle(large_runs, r):
    _, m = large_runs[r]
    assert m["kendall_tau"] == pytest.approx(2 / np.pi * np.arcsin(np.sqrt(r)), abs=0.01)


@pytest.mark.parametrize("r", [0.5, 0.7, 0.9])
def test_realised_reliability(large_runs, r):
    result, m = large_runs[r]
    assert np.corrcoef(result.observation.final.ravel(), result.theta.ravel())[0, 1] ** 2 == pytest.approx(r, abs=0.01)
    assert m["noise_sd"]["score"] == pytest.approx(np.sqrt((1 - r) / r), rel=1e-12)


def top_precision_oracle(p: float, r: float) -> float:
    c = norm.ppf(1 - p)
    rho = np.sqrt(r)
    return float(multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([-c, -c]) / p)


def test_top_quota_precision_oracle(large_runs):
    oracle = top_precision_oracle(0.2, 0.7)
    assert round(oracle, 3) == 0.680
    _, m = large_runs[0.7]
    assert m["top_quota_precision"] == pytest.approx(oracle, abs=0.01)
    curve = m["misrank_curve"]
    assert curve["top_grade_not_truly_top"][curve["reliability"].index(0.7)] == pytest.approx(1 - oracle, abs=0.01)


@pytest.mark.parametrize("method", [
    pytest.param({**TWO_PART, "objective_weight": 0.6}, id="two-part"),
    pytest.param({"method": "index", "dimension_correlation": 0.3, "dimensions": [
        {"name": "a", "weight": 2.0, "reliability": 0.6}, {"name": "b", "weight": 1.0, "reliability": 0.4}]},
        id="index"),
])
def test_oracles_hold_for_a_combined_score_at_its_derived_reliability(method):
    params = make_params((N_LARGE,), method=method)
    r_f = salary.score_model(params).reliability
    m = metrics(params, seed=21)
    assert m["misrank_above_median"] == pytest.approx(np.arccos(np.sqrt(r_f)) / np.pi, abs=0.006)
    assert m["kendall_tau"] == pytest.approx(2 / np.pi * np.arcsin(np.sqrt(r_f)), abs=0.012)
    assert m["top_quota_precision"] == pytest.approx(top_precision_oracle(0.2, r_f), abs=0.012)


def test_misordered_pairs_of_a_full_ranking_is_the_oracle():
    """With a grade per person (all distinct) the wrongly ordered pairs are P(discordant) = arccos(ρ)/π."""
    n = 3000
    quotas = [{"grade": f"g{i}", "share": 1 / 20, "coefficient": 2.0 - i * 0.05} for i in range(20)]
    params = make_params((n,), reliability=0.7, quotas=quotas, rounds=20)
    m = metrics(params, seed=4)
    # 20 bands: pairs within a band are tied and left out, so the share sits just under the oracle
    assert m["misordered_pairs"] == pytest.approx(np.arccos(np.sqrt(0.7)) / np.pi, abs=0.02)


# -- 6. rounds, pairs, and the numbers a brief shows --------------------------------


def brute_pairs(theta: np.ndarray, grade: np.ndarray, group: np.ndarray) -> float:
    same = group[:, None] == group[None, :]
    differ = (theta[:, None] != theta[None, :]) & (grade[:, None] != grade[None, :]) & same
    wrong = (theta[:, None] < theta[None, :]) & (grade[:, None] < grade[None, :]) & same  # weaker, better grade
    return wrong.sum() / (differ.sum() / 2) if differ.any() else np.nan


@pytest.mark.parametrize("scope", ["department", "zone"])
def test_misordered_pairs_per_round_match_brute_force(scope):
    params = make_params((9, 6, 5), scope=scope, sd=0.5, rounds=7, method=TWO_PART)
    r = salary.simulate(params, np.random.default_rng(8))
    per = salary.per_round(r, params)
    group = r.group if scope == "department" else np.zeros(r.graded.size, int)
    for k in range(7):
        assert per["misordered_pairs"][k] == pytest.approx(brute_pairs(r.theta[k], r.grade[k], group), abs=1e-12)
        assert per["misordered_pairs_zone"][k] == pytest.approx(
            brute_pairs(r.theta[k], r.grade[k], np.zeros_like(group)), abs=1e-12)
        from scipy import stats
        assert per["kendall_tau"][k] == pytest.approx(stats.kendalltau(r.theta[k], r.observation.final[k]).statistic,
                                                      abs=1e-12)
    m = salary.summarize(r, params)
    assert m.misordered_pairs == pytest.approx(np.nanmean(per["misordered_pairs"]), abs=1e-15)
    assert m.ranges["misordered_pairs"].low <= m.misordered_pairs <= m.ranges["misordered_pairs"].high


def test_department_quotas_with_a_department_effect_misgrade_more_than_zone_quotas():
    """Seen on grades: department quotas hand good grades to the weak in weak departments."""
    zone = make_params((10,) * 8, scope="zone", sd=0.8, reliability=0.8, rounds=300)
    dept = make_params((10,) * 8, scope="department", sd=0.8, reliability=0.8, rounds=300)
    assert metrics(dept, 3)["misordered_pairs_zone"] > metrics(zone, 3)["misordered_pairs_zone"] + 0.03


def test_headline_is_the_chart_point_and_the_mean_over_rounds():
    params = make_params((7, 6, 6), scope="department", sd=0.3, rounds=200, method=TWO_PART)
    m = metrics(params, seed=1)
    curve = m["misrank_curve"]
    assert curve["scenario_misordered"] == m["misordered_pairs"]
    assert curve["scenario_range"] == m["ranges"]["misordered_pairs"]
    assert curve["scenario_reliability"] == m["score_reliability"]
    assert m["rounds"] == 200


def test_rounds_are_independent_draws_of_the_same_roster():
    params = make_params((12, 8), scope="department", sd=0.3, rounds=4)
    r = salary.simulate(params, np.random.default_rng(0))
    assert r.theta.shape == (4, 20) and r.performance_pay.shape == (4, 20)
    assert not np.array_equal(r.theta[0], r.theta[1])
    assert len({tuple(g) for g in r.grade}) > 1


# -- 7. units, pools and the linked rule ---------------------------------------

LINK = {"link_threshold": "第二", "link_company_best": "第二"}


@pytest.mark.parametrize("park, coefs, company", [
    pytest.param({"committee_grade": "第一", "company_grade": "第一", **LINK}, [1.1, 1.1], 0, id="committee-1st-keeps"),
    pytest.param({"committee_grade": "第二", "company_grade": "第一", **LINK}, [1.0, 1.0], 1, id="committee-2nd-caps"),
    pytest.param({"committee_grade": "第三", "company_grade": "第一", **LINK}, [0.9, 1.0], 1, id="committee-3rd-caps"),
    pytest.param({"committee_grade": "第三", "company_grade": "第三", **LINK}, [0.9, 0.9], 2, id="company-3rd-stays"),
    pytest.param({"committee_grade": "第三", "company_grade": "第一"}, [0.9, 1.1], 0, id="no-link-unchanged"),
    pytest.param({"committee_grade": "第二", "company_grade": "第一", "link_threshold": "第三",
                  "link_company_best": "第二"}, [1.0, 1.1], 0, id="above-threshold-unchanged"),
])
def test_park_linked_rule(park, coefs, company):
    got, asked, company_grade = salary.park_coefficients(make_params(park={"grades": PARK_GRADES, **park}))
    assert got.tolist() == coefs
    assert company_grade == company


@pytest.mark.parametrize("pool_mode", ["exact", "standard"])
def test_linked_rule_cuts_company_pay_by_the_coefficient_ratio(pool_mode):
    """Committee rated 第二: the link caps the company at 第二 (1.0 instead of 1.1), so every company
    person's performance pay is 1.0/1.1 of what it would be, and the committee's is unchanged."""
    park = {"grades": PARK_GRADES, "committee_grade": "第二", "company_grade": "第一"}
    kw = dict(units=["committee", "company"], scope="department", sd=0.3, pool_mode=pool_mode, rounds=5)
    linked = make_params((30, 15), park={**park, **LINK}, **kw)
    free = make_params((30, 15), park=park, **kw)
    a = salary.simulate(linked, np.random.default_rng(7))
    b = salary.simulate(free, np.random.default_rng(7))
    assert np.array_equal(a.grade, b.grade)
    company = a.staff.department_unit[a.staff.department] == 1
    np.testing.assert_allclose(a.performance_pay[:, company], b.performance_pay[:, company] * 1.0 / 1.1, rtol=1e-12)
    np.testing.assert_array_equal(a.performance_pay[:, ~company], b.performance_pay[:, ~company])
    row = {u["unit"]: u for u in salary.summarize(a, linked).model_dump()["by_unit"]}["company"]
    assert row["grade"] == "第二" and row["grade_requested"] == "第一" and row["park_coefficient"] == 1.0
    assert row["performance_pay_mean_unlinked"] == pytest.approx(row["performance_pay_mean"] * 1.1, rel=1e-12)
    if pool_mode == "exact":
        assert row["performance_pay_mean"] == pytest.approx(3.0, rel=1e-12)  # 3 万 × 1.0 a head


def test_exact_pools_are_spent_per_unit():
    park = {"grades": PARK_GRADES, "committee_grade": "第三", "company_grade": "第一"}
    params = make_params((20, 10), units=["committee", "company"], park=park, rounds=6, scope="department", sd=0.4)
    r = salary.simulate(params, np.random.default_rng(2))
    unit = r.staff.department_unit[r.staff.department]
    np.testing.assert_allclose(r.performance_pay[:, unit == 0].sum(axis=1), 3.0 * 20 * 0.9, rtol=1e-12)
    np.testing.assert_allclose(r.performance_pay[:, unit == 1].sum(axis=1), 3.0 * 10 * 1.1, rtol=1e-12)
    np.testing.assert_allclose(r.pool, [[54.0, 33.0]] * 6)


def test_hand_department_park_and_individual_coefficients_standard_mode():
    theta = np.array([0.5, 2.0, -1.0, 1.0, 0.0, -2.0,   # D0 (committee), 6 people: seats 1/2/2/1
                      3.0, -0.5, 1.5, 0.2])             # D1 (company), 4 people: seats 1/2/1/0
    params = make_params((6, 4), units=["committee", "company"], reliability=1.0, scope="department",
                         pool_mode="standard",
                         department_grades=[{"grade": "好", "share": 0.5, "coefficient": 1.2},
                                            {"grade": "差", "share": 0.5, "coefficient": 0.9}],
                         park={"grades": PARK_GRADES, "committee_grade": "第一", "company_grade": "第二"})
    r = given_scores(params, theta)
    assert r.grade.ravel().tolist() == [1, 0, 2, 1, 2, 3, 0, 2, 1, 1]
    assert r.department_grade.tolist() == [[1, 0]]  # D1's mean 1.05 beats D0's 0.083
    # pay = 3 × park (D0 1.1, D1 1.0) × department (D0 0.9, D1 1.2) × individual
    expected = 3.0 * np.array([0.99, 1.287, 0.792, 0.99, 0.792, 0.495, 1.56, 0.96, 1.2, 1.2])
    np.testing.assert_allclose(r.performance_pay.ravel(), expected, atol=1e-12)
    m = salary.summarize(r, params).model_dump()
    assert m["performance_pay_total"] == pytest.approx(30.798, abs=1e-9)
    # pools: standard × people × department × park coefficient, D0 6 × 0.9 × 1.1, D1 4 × 1.2 × 1.0
    assert m["pool"] == pytest.approx(3.0 * (6 * 0.9 * 1.1 + 4 * 1.2 * 1.0), abs=1e-12)
    # exact mode spends each department's pool in proportion to individual coefficients
    exact = given_scores(params.model_copy(update={"pay": salary.Pay(standard_amount=3.0, pool_mode="exact")}), theta)
    np.testing.assert_allclose(exact.performance_pay[0, :6].sum(), 3.0 * 6 * 0.9 * 1.1, rtol=1e-12)
    np.testing.assert_allclose(exact.performance_pay[0, 6:].sum(), 3.0 * 4 * 1.2 * 1.0, rtol=1e-12)
    np.testing.assert_allclose(exact.performance_pay[0, :6],
                               3.0 * 6 * 0.99 * COEFS[[1, 0, 2, 1, 2, 3]] / COEFS[[1, 0, 2, 1, 2, 3]].sum(), rtol=1e-12)


def test_qingzhen_puts_staff_in_the_company_and_the_link_lowers_their_pay():
    sc = load(GOOD)
    got, asked, company_grade = salary.park_coefficients(sc.params.salary)
    assert got.tolist() == [1.0, 1.0] and asked.tolist() == [1.0, 1.1] and company_grade == 1
    m = run(sc).data["salary"]
    company = {u["unit"]: u for u in m["by_unit"]}["company"]
    assert company["staff"] > 0
    assert company["performance_pay_mean"] < company["performance_pay_mean_unlinked"]


# -- 8. exempt staff ------------------------------------------------------------


def test_exempt_staff_are_outside_the_grading_and_the_pool():
    # 20 staff, 10% exempt → 2 people; the pool of 3 万 × 18 graded is spent on the 18
    params = make_params((20,), exempt_share=0.1, rounds=3, posts=[
        {"track": "management", "level": "a", "base_pay": 20.0, "share": 0.5},
        {"track": "professional", "level": "b", "base_pay": 10.0, "share": 0.5}])
    r = salary.simulate(params, np.random.default_rng(1))
    exempt = r.staff.exempt
    assert exempt.sum() == 2 and r.graded.size == 18 and not exempt[r.graded].any()
    assert (r.performance_pay[:, exempt] == 0).all()
    np.testing.assert_array_equal(r.total_pay[:, exempt], np.broadcast_to(r.staff.base_pay[exempt], (3, 2)))
    np.testing.assert_allclose(r.performance_pay.sum(axis=1), 3.0 * 18, rtol=1e-12)
    assert r.take.sum(axis=1).tolist() == [18, 18, 18]
    m = salary.summarize(r, params).model_dump()
    assert (m["staff"], m["graded_staff"], m["exempt_staff"]) == (20, 18, 2)
    assert m["exempt"]["hidden"] is True  # two people: hidden


def test_exempt_share_rounds_half_up():
    params = make_params((25,), exempt_share=0.1)  # 2.5 → 3
    assert salary.synthetic_staff(params, np.random.default_rng(0)).exempt.sum() == 3


# -- 9. incentive per sd ---------------------------------------------------------


def brute_force_incentive(result: salary.SalaryResult, params: Salary) -> np.ndarray:
    """Per round: raise each person's scores by one sd of θ (the others' scores fixed), regrade their
    group with the rule, and average the pay change at the unit's pay per coefficient."""
    model, obs, rule = result.model, result.observation, result.rule
    h = np.sqrt(model.variance)
    R, m = result.grade.shape
    coef = np.array([q.coefficient for q in params.appraisal.quotas])
    dept = result.staff.department[result.graded]
    unit = result.staff.department_unit[dept]
    out = np.zeros(R)
    for k in range(R):
        gid = result.gid[k]
        changes = []
        for i in range(m):
            members = np.flatnonzero(gid == gid[i])
            final = obs.final[k].copy()
            if model.method == "objective_subjective":
                sub = obs.subjective[k].copy()
                sub[i] += h
                sub_grade, _ = salary.assign(sub[members], None, obs.subjective_take[gid[i]][None, :])
                new_sub = sub_grade[list(members).index(i)]
                sd_o = np.sqrt(model.variance + model.noise_sd["objective"] ** 2)
                w = model.objective_weight
                final[i] = w * (obs.objective[k, i] + h / sd_o) + (1 - w) * model.band_means[new_sub]
            else:
                final[i] += h
            f = final[members]
            points = salary.points_of(f, model, params.appraisal)
            seats = result.seats[gid[i]][None, :]
            grade, _, _, _ = salary.grade_groups(f, points, None, 1, rule, seats)
            new = grade[list(members).index(i)]
            delta = (coef[new] - coef[result.grade[k, i]]) * result.department_coefficient[k, dept[i]]
            if params.pay.pool_mode == "standard":
                changes.append(delta * result.park_coefficient[unit[i]] * params.pay.standard_amount)
            else:  # the department's pool: standard × its graded staff × department × park coefficient
                mates = dept == dept[i]
                pool = (params.pay.standard_amount * mates.sum() * result.department_coefficient[k, dept[i]]
                        * result.park_coefficient[unit[i]])
                changes.append(delta * pool / result.coefficient[k, mates].sum())
        out[k] = np.mean(changes)
    return out


@pytest.mark.parametrize("scope", ["department", "zone"])
@pytest.mark.parametrize("seed, method, quotas", [
    (1, None, None), (2, TWO_PART, None), (3, {"method": "index", "dimensions": [
        {"name": "a", "weight": 2.0, "reliability": 0.6}, {"name": "b", "weight": 1.0, "reliability": 0.5}]}, None),
    (4, None, CAPPED), (5, TWO_PART, CAPPED),
])
def test_incentive_matches_brute_force(scope, seed, method, quotas):
    params = make_params((17, 13), units=["committee", "company"], sd=0.4, scope=scope, reliability=0.6,
                         method=method, quotas=quotas, rounds=3, pool_mode="standard" if seed % 2 else "exact",
                         score_scale={"mean": 0.3, "sd": 1.0} if quotas else None,
                         department_grades=[{"grade": "好", "share": 0.5, "coefficient": 1.1},
                                            {"grade": "差", "share": 0.5, "coefficient": 0.95}],
                         park={"grades": PARK_GRADES, "committee_grade": "第二", "company_grade": "第一"})
    r = salary.simulate(params, np.random.default_rng(seed))
    fast = salary.incentive_per_sd(r, params)
    assert (fast > 0).all()
    np.testing.assert_allclose(fast, brute_force_incentive(r, params), atol=1e-9)


def test_incentive_zero_when_coefficients_equal():
    quotas = [{**q, "coefficient": 1.0} for q in QUOTAS]
    params = make_params((30, 30), quotas=quotas, scope="department", pool_mode="standard", sd=0.3, rounds=3)
    r = salary.simulate(params, np.random.default_rng(3))
    assert (salary.incentive_per_sd(r, params) == 0.0).all()


def test_incentive_exact_ties_follow_roster_order():
    # reliability 1: score = θ = 0..9, h = 1, so person i raised ties person i+1 (later in the roster)
    # and ranks above them.  Persons 0, 3 and 7 cross a grade boundary (+0.3, +0.2, +0.3) × 3 / 10 = 0.24.
    params = make_params((10,), reliability=1.0, pool_mode="standard")
    r = given_scores(params, np.arange(10.0))
    assert brute_force_incentive(r, params) == pytest.approx([0.24], abs=1e-12)
    assert salary.incentive_per_sd(r, params) == pytest.approx([0.24], abs=1e-9)


# -- 10. bottom elimination -------------------------------------------------------


@pytest.mark.parametrize("scope", ["department", "zone"])
@pytest.mark.parametrize("consecutive, years", [(2, 3), (1, 3), (3, 3)])
def test_bottom_elimination_without_noise_flags_the_true_bottom(scope, consecutive, years):
    params = make_params((23, 17), reliability=1.0, scope=scope, sd=0.5, rounds=2,
                         elimination={"years": years, "consecutive": consecutive})
    r = salary.simulate(params, np.random.default_rng(4))
    group = r.group
    for k in range(2):
        expected = np.zeros(40, bool)
        for g in np.unique(group):
            members = np.flatnonzero(group == g)
            seats = r.take[k * r.n_groups + g, -1]
            expected[members[np.argsort(r.theta[k, members])[:seats]]] = True
        assert r.flagged[k].tolist() == expected.tolist()
    m = salary.summarize(r, params).model_dump()
    assert m["flagged_bottom"] == 4  # department: 23 → 5/9/7/2, 17 → 3/7/5/2; zone: 40 → 8/16/12/4
    if scope == "zone":
        assert m["flagged_truly_bottom_share"] == 1.0


@pytest.mark.parametrize("consecutive, years", [(2, 4), (3, 5), (1, 3)])
def test_bottom_elimination_with_noise_matches_a_replay(consecutive, years):
    """Replay the years with the same random stream: a streak is broken by any non-bottom year."""
    params = make_params((15, 25), reliability=0.4, scope="department",
                         elimination={"years": years, "consecutive": consecutive})
    n = 40
    group = np.repeat([0, 1], [15, 25])
    theta = np.random.default_rng(1).standard_normal((1, n))
    noise_sd = np.sqrt(0.6 / 0.4)
    first = reference_grades(theta[0] + noise_sd * np.random.default_rng(2).standard_normal(n), group, SHARES)
    model, rule = salary.score_model(params), salary.Rule.of(params.appraisal)
    seats = largest_remainder(np.array([15, 25]), SHARES)
    flagged = salary.bottom_elimination(params, model, rule, theta, first[None, :], group[None, :], 2, seats,
                                        np.random.default_rng(3))
    replay = np.random.default_rng(3)
    streak = np.zeros(n, int)
    expected = np.zeros(n, bool)
    grades = [first]
    for year in range(years):
        if year:
            grades.append(reference_grades(theta[0] + noise_sd * replay.standard_normal(n), group, SHARES))
        for i in range(n):
            streak[i] = streak[i] + 1 if grades[year][i] == 3 else 0
            expected[i] |= streak[i] >= consecutive
    assert flagged[0].tolist() == expected.tolist()
    assert expected.any() and not expected.all()


def test_consecutive_above_years_is_rejected():
    with pytest.raises(ValidationError) as info:
        make_params(elimination={"years": 2, "consecutive": 3})
    errs = info.value.errors()
    assert len(errs) == 1 and errs[0]["type"] == "cross_field" and errs[0]["ctx"]["field"] == "consecutive"
    assert "must not exceed years (2), got 3" in errs[0]["msg"]


def test_flagged_bottom_none_without_elimination():
    m = metrics(make_params((20,)))
    assert m["flagged_bottom"] is None and m["flagged_truly_bottom_share"] is None


# -- 11. invariants on random valid inputs ------------------------------------------


@st.composite
def share_list(draw, k):
    w = draw(st.lists(st.integers(0, 5), min_size=k, max_size=k).filter(lambda x: sum(x) > 0))
    return [x / sum(w) for x in w]


@st.composite
def random_params(draw):
    n_dept = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 14), min_size=n_dept, max_size=n_dept).filter(lambda s: sum(s) >= 4))
    units = draw(st.lists(st.sampled_from(["committee", "company"]), min_size=n_dept, max_size=n_dept))
    k = draw(st.integers(2, 5))
    coefs = sorted(draw(st.lists(st.floats(0.05, 3.0), min_size=k, max_size=k)), reverse=True)
    style = draw(st.sampled_from(["exact", "caps"]))
    scale = None
    if style == "exact":
        quotas = [{"grade": f"g{i}", "share": s, "coefficient": c}
                  for i, (s, c) in enumerate(zip(draw(share_list(k)), coefs))]
        rounding = draw(st.sampled_from(["largest_remainder", "half_up", "up", "down"]))
    else:
        mins = sorted(draw(st.lists(st.floats(-2, 2), min_size=k - 1, max_size=k - 1, unique=True)), reverse=True)
        quotas = []
        for i in range(k - 1):
            q: dict[str, Any] = {"grade": f"g{i}", "coefficient": coefs[i]}
            if draw(st.booleans()):
                q["max_share"] = draw(st.floats(0.0, 1.0))
            if "max_share" not in q or draw(st.booleans()):
                q["min_score"] = mins[i]
            quotas.append(q)
        quotas.append({"grade": f"g{k - 1}", "coefficient": coefs[-1]})
        rounding = draw(st.sampled_from(["half_up", "up", "down"]))
        if any("min_score" in q for q in quotas):
            scale = {"mean": 0.0, "sd": 1.0}
    kw: dict[str, Any] = {
        "units": units, "quotas": quotas, "rounding": rounding, "score_scale": scale,
        "reliability": draw(st.floats(0.05, 1.0)),
        "scope": draw(st.sampled_from(["department", "zone"])),
        "sd": draw(st.sampled_from([0.0, 0.3, 1.0])),
        "pool_mode": draw(st.sampled_from(["exact", "standard"])),
        "standard_amount": draw(st.sampled_from([0.0, 1.0, 3.0])),
        "rounds": draw(st.integers(1, 4)),
        "exempt_share": draw(st.sampled_from([None, 0.0, 0.2])),
    }
    if draw(st.booleans()):
        kd = draw(st.integers(2, 3))
        kw["department_grades"] = [{"grade": f"d{i}", "share": s, "coefficient": 1.2 - 0.2 * i}
                                   for i, s in enumerate(draw(share_list(kd)))]
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
    kw["method"] = draw(st.sampled_from([None, TWO_PART, {"method": "index", "dimension_correlation": 0.2, "dimensions": [
        {"name": "a", "weight": 2.0, "reliability": 0.5}, {"name": "b", "weight": 1.0, "reliability": 0.7}]}]))
    kw["posts"] = [{"track": "management", "level": "a", "base_pay": 12.0, "share": 0.5},
                   {"track": "professional", "level": "b", "base_pay": 9.0, "share": 0.5}]
    try:
        params = make_params(tuple(sizes), **kw)
    except ValidationError:
        from hypothesis import reject
        reject()
    return params, draw(st.integers(0, 2**32))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(random_params())
def test_invariants_random_valid_inputs(case):
    params, seed = case
    r = salary.simulate(params, np.random.default_rng(seed))
    R, n = r.performance_pay.shape
    assert n == params.staff and R == params.rounds
    assert (r.performance_pay >= 0).all() and (r.total_pay >= r.staff.base_pay).all()
    exempt = r.staff.exempt_mask
    assert (r.performance_pay[:, exempt] == 0).all()
    unit = r.staff.department_unit[r.staff.department[r.graded]]
    perf = r.performance_pay[:, r.graded]
    for u in range(2):
        members = unit == u
        total_coef = r.coefficient[:, members].sum(axis=1)
        if params.pay.pool_mode == "exact":
            expected = np.where(total_coef > 0, r.pool[:, u], 0.0)
            np.testing.assert_allclose(perf[:, members].sum(axis=1), expected, rtol=1e-9, atol=1e-9)
        else:
            np.testing.assert_allclose(perf[:, members], params.pay.standard_amount * r.park_coefficient[u]
                                       * r.coefficient[:, members], rtol=1e-12)
    # the rule: within each group a higher score never gets a worse grade, seats and minimums respected
    gid = r.gid.ravel()
    final, grade = r.observation.final.ravel(), r.grade.ravel()
    points = None if r.points is None else r.points.ravel()
    counts = np.zeros_like(r.take)
    np.add.at(counts, (gid, grade.astype(int)), 1)
    assert counts.tolist() == r.take.tolist()
    assert (r.take[:, :-1] <= r.seats[:, :-1]).all()
    mins = r.rule.min_points
    for g in np.unique(gid):
        members = gid == g
        f, gr = final[members], grade[members]
        assert not ((f[:, None] > f[None, :]) & (gr[:, None] > gr[None, :])).any()
        if points is not None:
            assert (points[members] >= mins[gr] - 1e-12).all()
    if params.appraisal.scope == "zone" and not params.department_grades and r.rounds == 1 and points is not None:
        qs = [q.model_dump(exclude_none=True) for q in params.appraisal.quotas]
        assert grade.tolist() == reference_rule(points, qs, r.rule.rounding)
    np.testing.assert_allclose(salary.incentive_per_sd(r, params), brute_force_incentive(r, params), atol=1e-9)
    again = salary.simulate(params, np.random.default_rng(seed))
    for name in ("theta", "grade", "coefficient", "performance_pay"):
        assert np.array_equal(getattr(r, name), getattr(again, name)), name
    m = salary.summarize(r, params).model_dump()
    json.dumps(m, allow_nan=False)


def test_metrics_reproducible_for_the_same_seed():
    params = make_params((7, 6, 6, 6, 6, 6, 6), scope="department", sd=0.3, rounds=20,
                         elimination={"years": 3, "consecutive": 2})
    assert metrics(params, 42) == metrics(params, 42)
    assert metrics(params, 42) != metrics(params, 43)


def test_metrics_json_safe_when_top_grade_is_empty():
    quotas = [{"grade": "A", "share": 0.04, "coefficient": 1.3}, {"grade": "B", "share": 0.46, "coefficient": 1.0},
              {"grade": "C", "share": 0.4, "coefficient": 0.8}, {"grade": "D", "share": 0.1, "coefficient": 0.5}]
    params = make_params((10,), quotas=quotas, rounds=3)
    r = salary.simulate(params, np.random.default_rng(3))
    assert (r.grade == 0).sum() == 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        m = salary.summarize(r, params).model_dump()
    assert m["top_quota_precision"] is None
    json.dumps(m, allow_nan=False)


def test_metrics_hand_computed_small_case():
    """Scores given (reliability 1 passes them through), true performance swapped in afterwards."""
    import dataclasses
    params = make_params((10,), pool_mode="standard", reliability=1.0)
    score = np.array([0.0, 0.0, 0.0, 10.0, -5.0, 0.5, 0.1, 0.2, 0.3, 9.0])
    r = given_scores(params, score)
    assert r.grade.ravel().tolist() == [2, 2, 2, 0, 3, 1, 1, 1, 1, 0]
    theta = np.arange(10.0)[None, :]  # truly above median: 5..9; truly top two: 8, 9
    r = dataclasses.replace(r, theta=theta)
    m = salary.summarize(r, params).model_dump()
    # median score 0.15; of persons 5..9 (scores 0.5 0.1 0.2 0.3 9) one (#6, 0.1) is below it
    assert m["misrank_above_median"] == pytest.approx(1 / 5, abs=1e-12)
    assert m["top_quota_precision"] == pytest.approx(0.5, abs=1e-12)  # #3 and #9 top-graded; only #9 truly
    assert m["misordered_pairs"] == pytest.approx(brute_pairs(theta[0], r.grade[0], np.zeros(10)), abs=1e-12)
    assert m["pool"] == 30.0
    pay = 10.0 + 3.0 * COEFS[r.grade[0]]
    assert m["performance_pay_total"] == pytest.approx(3.0 * COEFS[r.grade[0]].sum(), abs=1e-12)
    p10, p90 = np.percentile(pay, [10, 90])
    assert m["p90_p10"] == pytest.approx(p90 / p10, rel=1e-12)
    srt = np.sort(pay)
    assert m["gini"] == pytest.approx(np.abs(srt[:, None] - srt[None, :]).sum() / (2 * 10 * srt.sum()), rel=1e-12)


def test_group_tables_hide_cells_under_five_distinct_people():
    posts = [{"track": "management", "level": "部长", "base_pay": 18.0, "share": 0.5},
             {"track": "management", "level": "主管", "base_pay": 12.0, "share": 0.25},
             {"track": "professional", "level": "专员", "base_pay": 10.0, "share": 0.25}]
    params = make_params((12,), posts=posts, pool_mode="standard", rounds=1)
    r = salary.simulate(params, np.random.default_rng(6))
    assert np.bincount(r.staff.post).tolist() == [6, 3, 3]
    assert np.bincount(r.grade.ravel()).tolist() == [2, 5, 4, 1]
    m = salary.summarize(r, params).model_dump()
    rows = m["by_grade"]
    assert [row["total_pay"]["hidden"] for row in rows] == [True, False, True, True]
    assert rows[1]["total_pay"]["count"] == 5 and rows[1]["share"] == pytest.approx(5 / 12)
    assert rows[1]["total_pay"]["mean"] == pytest.approx(r.total_pay[r.grade == 1].mean(), abs=1e-12)
    table = {row["post"]: row for row in m["by_post"]}
    assert table["management/主管"]["total_pay"]["hidden"] and not table["management/*"]["total_pay"]["hidden"]
    assert table["management/*"]["total_pay"]["count"] == 9


# -- 12. validation messages through the scenario loader -------------------------


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
    pytest.param(edit("salary.appraisal.quotas", lambda q: q[0].update(max_share=0.2)),
                 "salary.appraisal.quotas[0].max_share", "with an exact share every grade is filled by rank",
                 id="share-and-cap"),
    pytest.param(set_leaf("salary.appraisal.objective_reliability", 0.0),
                 "salary.appraisal.objective_reliability", "must be greater than 0", id="reliability-0"),
    pytest.param(set_leaf("salary.appraisal.subjective_reliability", 1.5),
                 "salary.appraisal.subjective_reliability", "must be at most 1", id="reliability-1.5"),
    pytest.param(set_leaf("salary.appraisal.reliability", 0.6),
                 "salary.appraisal.reliability", "used only by method 'single'", id="key-of-another-method"),
    pytest.param(set_leaf("salary.appraisal.rounding", "nearest"),
                 "salary.appraisal.rounding", "must be one of", id="unknown-rounding"),
    pytest.param(set_leaf("salary.exempt_share", 1.0),
                 "salary.exempt_share", "less than 1", id="exempt-share-1"),
    pytest.param(set_leaf("salary.park.committee_grade", "第九"),
                 "salary.park.committee_grade", "must be one of the grades", id="unknown-park-grade"),
    pytest.param(set_leaf("salary.appraisal.scope", "county"),
                 "salary.appraisal.scope", "must be one of 'department' or 'zone', got 'county'", id="unknown-scope"),
    pytest.param(set_leaf("salary.elimination", {"years": 2, "consecutive": 3}),
                 "salary.elimination.consecutive", "must not exceed years (2), got 3", id="consecutive-over-years"),
]


@pytest.mark.parametrize("mutate, key, fragment", VALIDATION_CASES)
def test_validation_messages(tmp_path, mutate, key, fragment):
    path = write_scenario(tmp_path, mutate)
    problems = problems_of(path)
    assert [(p.key, fragment in p.message) for p in problems] == [(key, True)], [str(p) for p in problems]
    assert problems[0].file == str(path)


def test_good_scenario_salary_loads_and_runs_reproducibly():
    a, b = run(GOOD).data["salary"], run(GOOD).data["salary"]
    assert a["staff"] == load(GOOD).params.salary.staff
    assert a["pool_allocated_share"] == pytest.approx(1.0, abs=1e-12)
    assert a == b
    json.dumps(a, allow_nan=False)


# -- 13. roster CSV --------------------------------------------------------------

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
    np.testing.assert_allclose(res.total_pay - res.performance_pay, np.broadcast_to(staff.base_pay, (200, 12)), rtol=1e-14)
    # the Qingzhen file spends each unit's pool exactly (the company capped at 第二: 1.0 like the committee)
    np.testing.assert_allclose(res.performance_pay.sum(axis=1), 3.0 * 12, rtol=1e-12)
    # department scope over the roster's departments: seats per department of 4/5/3, every round
    assert res.take[:3].tolist() == largest_remainder(np.array([4, 5, 3]), SHARES).tolist()


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
    sc = load(roster_scenario(tmp_path, "id,department,track,level,base_pay\n" + "\n".join(rows) + "\n",
                              keep_staff=12))
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
    assert sc.with_values({"salary.appraisal.objective_reliability": np.float64(0.8)}).params.salary.appraisal.objective_reliability == 0.8


def test_a_department_with_nobody_graded_is_not_rated():
    """Two graded departments share the two department grades; the all-exempt one takes no seat."""
    params = make_params((3, 3, 3), scope="department", reliability=1.0,
                         department_grades=[{"grade": "好", "share": 0.5, "coefficient": 1.2},
                                            {"grade": "差", "share": 0.5, "coefficient": 0.8}])
    rng = np.random.default_rng(0)
    staff = salary.synthetic_staff(params, rng)
    staff = salary.Staff(**{**staff.__dict__, "exempt": np.repeat([False, True, False], 3)})
    r = salary.appraise_and_pay(params, staff, np.array([[3.0, 2.0, 1.0, 0.0, 0.0, 0.0]]), rng)
    assert r.department_grade[0, [0, 2]].tolist() == [0, 1]  # D0's mean 2 beats D2's 0
    assert r.department_coefficient[0, [0, 2]].tolist() == [1.2, 0.8]
    assert (r.performance_pay[0, 3:6] == 0).all()


def test_method_keys_missing_are_named_together():
    with pytest.raises(ValidationError) as info:
        make_params(method={"method": "objective_subjective", "objective_weight": 0.5})
    msg = info.value.errors()[0]["msg"]
    assert msg == ("required by method 'objective_subjective' (also missing: subjective_reliability, "
                   "subjective_shares)")
    assert info.value.errors()[0]["ctx"]["field"] == "objective_reliability"


@pytest.mark.parametrize("key", ["posts", "departments"])
def test_a_roster_with_posts_or_departments_beside_it_is_refused(tmp_path, key):
    """They would be ignored (the roster gives them): a silent misreading, so an error."""
    def mutate(data):
        sal = data["salary"]
        for k in ("staff", "departments", "posts"):
            if k != key:
                del sal[k]
        sal["roster"] = "roster.csv"
    (tmp_path / "roster.csv").write_text(ROSTER_HEADER + "\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    problems = problems_of(write_scenario(tmp_path, mutate))
    assert [(p.key, p.message) for p in problems] == [
        (f"salary.{key}", f"the roster gives the staff's {key}; remove {key} (or the roster)")]



def test_a_units_only_department_is_paid_by_its_rating_in_exact_mode():
    """Department pools: the company's one department rated 好 (1.5) gets 1.5 × the pay it gets rated 差."""
    dg = [{"grade": "好", "share": 0.5, "coefficient": 1.5}, {"grade": "差", "share": 0.5, "coefficient": 0.8}]
    params = make_params((10, 10), units=["committee", "company"], scope="department", reliability=1.0,
                         department_grades=dg)
    company_first = given_scores(params, np.r_[np.zeros(10), np.ones(10)])
    company_last = given_scores(params, np.r_[np.ones(10), np.zeros(10)])
    assert company_first.department_grade.tolist() == [[1, 0]] and company_last.department_grade.tolist() == [[0, 1]]
    np.testing.assert_allclose(company_first.performance_pay[0, 10:].sum(), 3.0 * 10 * 1.5, rtol=1e-12)
    np.testing.assert_allclose(company_last.performance_pay[0, 10:].sum(), 3.0 * 10 * 0.8, rtol=1e-12)


def test_many_rounds_count_pairs_on_everyone_in_the_first_rounds():
    """rounds × people above 200,000: pairs in the first ⌊200,000 / people⌋ rounds, never on a handful."""
    params = make_params((5, 5, 5, 5), scope="department", rounds=20_000)  # 400,000 person-rounds: past the 200,000
    r = salary.simulate(params, np.random.default_rng(0))
    assert r.pair_sample is None and r.pair_rounds == 10_000
    m = salary.summarize(r, params).model_dump()
    assert m["misordered_pairs"] is not None
    lo, hi = m["ranges"]["misordered_pairs"]["low"], m["ranges"]["misordered_pairs"]["high"]
    assert 0 < lo < m["misordered_pairs"] < hi < 0.6


def test_the_link_is_reported_when_the_company_is_graded_like_the_committee():
    """No company_grade: the company is graded like the committee, and the link still caps it."""
    park = {"grades": PARK_GRADES, "committee_grade": "第二", "link_threshold": "第二", "link_company_best": "第三"}
    got, asked, company = salary.park_coefficients(make_params(park=park))
    assert got.tolist() == [1.0, 0.9] and asked.tolist() == [1.0, 1.0] and company == 2
    params = make_params((10, 10), units=["committee", "company"], park=park)
    m = metrics(params)
    row = {u["unit"]: u for u in m["by_unit"]}["company"]
    assert m["company_grade"] == "第三" and row["grade"] == "第三" and row["grade_requested"] == "第二"


def test_a_zero_objective_weight_is_refused():
    with pytest.raises(ValidationError, match="use method: single"):
        make_params(method={**TWO_PART, "objective_weight": 0.0})
