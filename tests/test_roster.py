"""Tests for :mod:`simlib.scenario.roster`'s ``pay_scheme`` column and exempt staff (issue 13).

Exempt staff (annual salary, agreement pay, probation) are outside the grading and the
performance-pay pool and are paid their base pay; an unknown column is an error naming it.
Scenarios are written to ``tmp_path`` from scratch (meta and a salary section only), so these
tests do not depend on the shipped parameter files.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from simlib.models import salary
from simlib.scenario import ScenarioError, load
from simlib.scenario import roster as roster_csv
from simlib.scenario.run import run

EXPECTED = "expected id, department, track, level, base_pay and optionally unit, pay_scheme"
HEADER = "id,department,track,level,base_pay,unit,pay_scheme\n"
ROWS = [
    "p01,综合办公室,management,部长,18,committee,",  # line 2
    "p02,综合办公室,professional,专员,12,committee,annual_salary",  # line 3
    "p03,综合办公室,professional,助理专员,9,committee,graded",  # line 4
    "p04,综合办公室,management,主管,12,committee,",  # line 5
    "p05,招商服务部,management,部长,18,company,agreement",  # line 6
    "p06,招商服务部,professional,专员,12,company,",  # line 7
    "p07,招商服务部,professional,专员,12.5,company,",  # line 8
    "p08,招商服务部,management,主管,12,company,probation",  # line 9
    "p09,招商服务部,professional,助理专员,9,company,",  # line 10
    "p10,财政金融部,professional,高级专员,15,committee,",  # line 11
    "p11,财政金融部,management,主管,12,committee,",  # line 12
    "p12,财政金融部,professional,专员,11,committee,",  # line 13
]
EXEMPT = [1, 4, 7]  # p02, p05, p08
QUOTAS = [
    {"grade": "优秀", "share": 0.2, "coefficient": 1.3},
    {"grade": "良好", "share": 0.4, "coefficient": 1.0},
    {"grade": "合格", "share": 0.3, "coefficient": 0.8},
    {"grade": "基本合格", "share": 0.1, "coefficient": 0.5},
]
SCENARIO: dict[str, Any] = {
    "meta": {"title": "roster with exempt staff", "zone": "test zone", "language": "en",
             "seed": {"value": 20250101, "source": "assumption — any fixed integer"}},
    "salary": {
        "roster": "roster.csv",
        "rounds": 50,
        "appraisal": {"method": "single", "reliability": 0.6, "scope": "zone", "quotas": QUOTAS},
        "pay": {"standard_amount": 3.0, "pool_mode": "exact"},
    },
}
PARK = {
    "grades": [{"grade": "第一", "coefficient": 1.1}, {"grade": "第二", "coefficient": 1.0},
               {"grade": "第三", "coefficient": 0.9}],
    "committee_grade": "第二",
    "company_grade": "第一",
}


def csv_text(rows: list[str], header: str = HEADER) -> str:
    return header + "\n".join(rows) + "\n"


def write(tmp_path: Path, roster: str | None, **salary_keys: Any) -> Path:
    """A scenario in ``tmp_path`` reading ``roster.csv`` (written unless None), with salary keys replaced."""
    data = copy.deepcopy(SCENARIO)
    data["salary"].update(salary_keys)
    data["salary"] = {k: v for k, v in data["salary"].items() if v is not None}
    if roster is not None:
        (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def problems_of(path: Path, overrides: tuple[str, ...] = ()) -> list:
    with pytest.raises(ScenarioError) as info:
        load(path, overrides)
    return info.value.problems


def roster_messages(tmp_path: Path, text: str) -> list[str]:
    """The problems loading a scenario with this roster gives: each names the roster file, no key."""
    problems = problems_of(write(tmp_path, text))
    assert all(p.file == str(tmp_path / "roster.csv") and p.key == "" for p in problems), problems
    return [p.message for p in problems]


# -- the column ------------------------------------------------------------------


def test_exempt_people_are_parsed(tmp_path):
    staff = load(write(tmp_path, csv_text(ROWS))).roster
    assert staff.size == 12
    assert staff.exempt.dtype == bool
    assert np.flatnonzero(staff.exempt).tolist() == EXEMPT
    assert np.flatnonzero(staff.exempt_mask).tolist() == EXEMPT


def test_every_exempt_scheme_is_exempt_and_graded_is_not(tmp_path):
    rows = [f"p{i},D,management,部长,10,committee,{scheme}" for i, scheme in enumerate(salary.PAY_SCHEMES)]
    rows += ["px,D,management,部长,10,committee,graded", "py,D,management,部长,10,committee,  "]
    staff, problems = roster_csv.read(write(tmp_path, csv_text(rows)).parent / "roster.csv")
    assert problems == []
    assert staff.exempt.tolist() == [False, True, True, True, False, False]


def test_pay_scheme_defaults_to_graded(tmp_path):
    # no pay_scheme column at all
    rows = [",".join(r.split(",")[:6]) for r in ROWS]
    staff = load(write(tmp_path, csv_text(rows, "id,department,track,level,base_pay,unit\n"))).roster
    assert staff.exempt is None and not staff.exempt_mask.any()
    # the column present but empty or graded throughout: nobody is exempt, so exempt is None
    rows = [r.split(",") for r in ROWS]
    rows = [",".join(r[:6] + ["graded" if i % 2 else ""]) for i, r in enumerate(rows)]
    staff = load(write(tmp_path, csv_text(rows))).roster
    assert staff.exempt is None


def test_unknown_pay_scheme_names_line_and_value(tmp_path):
    rows = list(ROWS)
    rows[2] = "p03,综合办公室,professional,助理专员,9,committee,bonus"  # line 4
    assert roster_messages(tmp_path, csv_text(rows)) == [
        "line 4: pay_scheme: must be one of graded, annual_salary, agreement, probation, got 'bonus'"]


def test_pay_scheme_is_case_sensitive(tmp_path):
    rows = list(ROWS)
    rows[0] = "p01,综合办公室,management,部长,18,committee,Graded"  # line 2
    assert roster_messages(tmp_path, csv_text(rows)) == [
        "line 2: pay_scheme: must be one of graded, annual_salary, agreement, probation, got 'Graded'"]


def test_unknown_column_with_a_suggestion(tmp_path):
    text = csv_text(ROWS, HEADER.replace("pay_scheme", "pay_schem"))
    assert roster_messages(tmp_path, text) == [
        f"line 1: unknown column 'pay_schem' (did you mean 'pay_scheme'?); {EXPECTED}"]


def test_unknown_column_without_a_suggestion(tmp_path):
    rows = [r + ",x" for r in ROWS]
    assert roster_messages(tmp_path, csv_text(rows, HEADER.strip() + ",remark\n")) == [
        f"line 1: unknown column 'remark'; {EXPECTED}"]


def test_a_misspelt_required_column_is_unknown_and_missing(tmp_path):
    text = csv_text(ROWS, HEADER.replace("level", "levle"))
    assert roster_messages(tmp_path, text) == [
        f"line 1: unknown column 'levle' (did you mean 'level'?); {EXPECTED}",
        f"line 1: missing column(s) level; {EXPECTED}",
    ]


def test_unnamed_and_repeated_columns(tmp_path):
    rows = [r + "," for r in ROWS]
    assert roster_messages(tmp_path, csv_text(rows, HEADER.strip() + ",\n")) == [
        f"line 1: column 8 has no name; {EXPECTED}"]
    rows = [r + ",committee" for r in ROWS]
    assert roster_messages(tmp_path, csv_text(rows, HEADER.strip() + ",unit\n")) == [
        "line 1: column 'unit' appears more than once"]


def test_a_row_longer_than_the_header(tmp_path):
    rows = list(ROWS)
    rows[3] += ",annual_salary"  # line 5: a value past the last column
    assert roster_messages(tmp_path, csv_text(rows)) == ["line 5: 8 fields, but the header names 7 columns"]


def test_everyone_exempt(tmp_path):
    rows = [r.rsplit(",", 1)[0] + ",agreement" for r in ROWS[:3]]
    assert roster_messages(tmp_path, csv_text(rows)) == [
        "roster needs at least 2 graded people (pay_scheme graded or empty), got 0 of 3: everyone is exempt"]


def test_one_graded_person(tmp_path):
    rows = [r.rsplit(",", 1)[0] + ",probation" for r in ROWS[:3]]
    rows[1] = ROWS[1].rsplit(",", 1)[0] + ","
    assert roster_messages(tmp_path, csv_text(rows)) == [
        "roster needs at least 2 graded people (pay_scheme graded or empty), got 1 of 3: the other 2 are exempt"]


def test_exempt_share_beside_a_roster_is_refused(tmp_path):
    problems = problems_of(write(tmp_path, csv_text(ROWS), exempt_share=0.1))
    assert [(p.key, p.message) for p in problems] == [
        ("salary.exempt_share", "a roster says who is exempt in its pay_scheme column; "
                                "exempt_share is for the synthetic staff")]


# -- rounds × graded staff ----------------------------------------------------------


def big_roster(graded: int, exempt: int = 0) -> str:
    rows = [f"g{i},D{i % 3},professional,专员,10,committee," for i in range(graded)]
    rows += [f"x{i},D0,management,部长,20,committee,annual_salary" for i in range(exempt)]
    return csv_text(rows)


def test_rounds_times_graded_roster_staff_is_limited(tmp_path):
    problems = problems_of(write(tmp_path, big_roster(101), rounds=100_000))
    assert [(p.file, p.key, p.message) for p in problems] == [
        (str(tmp_path / "scenario.yaml"), "salary.rounds",
         "rounds × staff must not exceed 10,000,000, got 100,000 × 101")]


def test_rounds_limit_counts_graded_staff_only(tmp_path):
    # 100 graded × 100,000 rounds is exactly the limit; the exempt people are not drawn
    assert load(write(tmp_path, big_roster(100, exempt=5), rounds=100_000)).roster.size == 105
    problems = problems_of(write(tmp_path, big_roster(101, exempt=5), rounds=100_000))
    assert [(p.key, p.message) for p in problems] == [
        ("salary.rounds", "rounds × staff must not exceed 10,000,000, got 100,000 × 101 graded "
                          "(the roster's 106 less 5 exempt)")]


def test_rounds_limit_holds_for_set_and_with_values(tmp_path):
    path = write(tmp_path, big_roster(101))
    problems = problems_of(path, ("salary.rounds=100000",))
    assert [(p.key, p.message) for p in problems] == [
        ("salary.rounds", "rounds × staff must not exceed 10,000,000, got 100,000 × 101")]
    with pytest.raises(ScenarioError) as info:
        load(path).with_values({"salary.rounds": 100_000})
    assert [p.key for p in info.value.problems] == ["salary.rounds"]


def test_staff_mismatch_and_rounds_are_both_reported(tmp_path):
    problems = problems_of(write(tmp_path, big_roster(101), rounds=100_000, staff=7))
    assert [p.key for p in problems] == ["salary.staff", "salary.rounds"]


# -- exempt staff in the model ---------------------------------------------------------


def test_a_scenario_with_exempt_staff_runs(tmp_path):
    out = run(write(tmp_path, csv_text(ROWS)))
    res, metrics = out.results["salary"], out.metrics["salary"]
    staff = res.staff
    assert np.flatnonzero(staff.exempt).tolist() == EXEMPT
    assert metrics.staff == 12 and metrics.exempt_staff == 3 and metrics.graded_staff == 9
    assert out.data["salary"]["exempt_staff"] == 3
    # excluded from the grading
    assert res.graded.tolist() == [i for i in range(12) if i not in EXEMPT]
    assert res.grade.shape == (50, 9) and res.theta.shape == (50, 9)
    # no performance pay: total pay is base pay
    assert np.all(res.performance_pay[:, EXEMPT] == 0.0)
    np.testing.assert_array_equal(res.total_pay[:, EXEMPT], np.broadcast_to(staff.base_pay[EXEMPT], (50, 3)))
    np.testing.assert_allclose(res.total_pay - res.performance_pay, np.broadcast_to(staff.base_pay, (50, 12)),
                               rtol=1e-15)
    assert (res.performance_pay[:, res.graded] > 0).all()
    # the zone-wide forced distribution seats 9 people, not 12: 1.8/3.6/2.7/0.9 by the largest
    # remainder is 1/3/2/0 and the three seats left go to .9, .8 and .7: 2/3/3/1
    assert res.take.tolist() == [[2, 3, 3, 1]] * 50
    assert np.bincount(res.grade.ravel(), minlength=4).tolist() == [100, 150, 150, 50]


def test_simulate_pays_exempt_staff_their_base_pay(tmp_path):
    sc = load(write(tmp_path, csv_text(ROWS)))
    res = salary.simulate(sc.params.salary, np.random.default_rng(3), sc.roster)
    assert np.all(res.performance_pay[:, EXEMPT] == 0.0)
    np.testing.assert_array_equal(res.total_pay[:, EXEMPT], np.broadcast_to(sc.roster.base_pay[EXEMPT], (50, 3)))
    assert set(res.graded.tolist()).isdisjoint(EXEMPT)
    assert salary.summarize(res, sc.params.salary).exempt_staff == 3


@pytest.mark.parametrize("scope", ["zone", "department"])
def test_exact_pool_is_spent_on_graded_staff_only_without_park(tmp_path, scope):
    params_path = write(tmp_path, csv_text(ROWS),
                        appraisal={"method": "single", "reliability": 0.6, "scope": scope, "quotas": QUOTAS})
    sc = load(params_path)
    res = salary.simulate(sc.params.salary, np.random.default_rng(11), sc.roster)
    graded = 12 - len(EXEMPT)
    # no park: the coefficient is 1, so the pool is standard amount × graded staff, spent to the yuan
    np.testing.assert_allclose(res.performance_pay.sum(axis=1), 3.0 * graded * 1.0, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.pool.sum(axis=1), 3.0 * graded)


def test_exact_pool_per_unit_with_park(tmp_path):
    sc = load(write(tmp_path, csv_text(ROWS), park=PARK))
    res = salary.simulate(sc.params.salary, np.random.default_rng(5), sc.roster)
    unit = sc.roster.department_unit[sc.roster.department]
    graded = ~sc.roster.exempt_mask
    committee, company = int((graded & (unit == 0)).sum()), int((graded & (unit == 1)).sum())
    assert (committee, company) == (6, 3)
    # committee 第二 (1.0), company 第一 (1.1): each unit's pool is standard × its graded staff × its coefficient
    np.testing.assert_allclose(res.performance_pay[:, graded & (unit == 0)].sum(axis=1), 3.0 * committee * 1.0,
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.performance_pay[:, graded & (unit == 1)].sum(axis=1), 3.0 * company * 1.1,
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.performance_pay.sum(axis=1), 3.0 * (committee * 1.0 + company * 1.1),
                               rtol=0, atol=1e-9)
    assert np.all(res.performance_pay[:, EXEMPT] == 0.0)


def test_standard_mode_pays_exempt_staff_nothing(tmp_path):
    sc = load(write(tmp_path, csv_text(ROWS), pay={"standard_amount": 3.0, "pool_mode": "standard"}))
    res = salary.simulate(sc.params.salary, np.random.default_rng(2), sc.roster)
    assert np.all(res.performance_pay[:, EXEMPT] == 0.0)
    coef = np.array([q["coefficient"] for q in QUOTAS])[res.grade]
    np.testing.assert_allclose(res.performance_pay[:, res.graded], 3.0 * coef)


def test_a_department_of_exempt_people_only(tmp_path):
    rows = list(ROWS[:9]) + [r.rsplit(",", 1)[0] + ",annual_salary" for r in ROWS[9:]]  # 财政金融部 all exempt
    sc = load(write(tmp_path, csv_text(rows),
                    appraisal={"method": "single", "reliability": 0.6, "scope": "department", "quotas": QUOTAS}))
    res = salary.simulate(sc.params.salary, np.random.default_rng(4), sc.roster)
    assert res.graded.size == 6
    assert np.all(res.performance_pay[:, 9:] == 0.0)
    np.testing.assert_allclose(res.performance_pay.sum(axis=1), 3.0 * 6, rtol=0, atol=1e-9)


# -- invariants over random rosters -------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(2, 40), scope=st.sampled_from(["zone", "department"]),
       pool_mode=st.sampled_from(["exact", "standard"]), company=st.sampled_from(["第一", "第二", "第三"]))
def test_exempt_staff_pool_invariants(data, n, scope, pool_mode, company):
    """Random rosters with exempt people: exempt pay is base pay, pay is never negative, and in exact mode each
    unit's pool (standard amount × its graded staff × its park coefficient) is spent to the yuan."""
    graded_idx = data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n))
    exempt = np.array([i not in graded_idx for i in range(n)])
    n_dept = data.draw(st.integers(1, 4))
    department = np.array(data.draw(st.lists(st.integers(0, n_dept - 1), min_size=n, max_size=n)))
    dept_unit = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n_dept, max_size=n_dept)))
    staff = salary.Staff(department=department, department_names=tuple(f"D{i}" for i in range(n_dept)),
                         department_unit=dept_unit, post=np.zeros(n, np.int64), post_names=("management/部长",),
                         post_track=np.array([0]), base_pay=np.linspace(5, 20, n),
                         exempt=exempt if exempt.any() else None)
    params = salary.Salary.model_validate({
        "roster": "roster.csv", "rounds": 7,
        "appraisal": {"method": "single", "reliability": 0.6, "scope": scope, "quotas": QUOTAS},
        "park": {**PARK, "company_grade": company},
        "pay": {"standard_amount": 3.0, "pool_mode": pool_mode},
    })
    res = salary.simulate(params, np.random.default_rng(n), staff)
    assert res.graded.tolist() == sorted(graded_idx)
    assert np.all(res.performance_pay[:, exempt] == 0.0)
    assert np.all(res.performance_pay >= 0.0)
    assert np.all(res.total_pay[:, exempt] == staff.base_pay[exempt])
    unit = dept_unit[department]
    if pool_mode == "exact":
        park = np.array([1.0, {"第一": 1.1, "第二": 1.0, "第三": 0.9}[company]])
        for u in range(2):
            members = ~exempt & (unit == u)
            np.testing.assert_allclose(res.performance_pay[:, members].sum(axis=1), 3.0 * members.sum() * park[u],
                                       rtol=1e-12, atol=1e-9)
