"""The salary lever catalogue: every key of the README's salary table moves a metric the documented way.

Each entry names a key, a base section, the change, the metric read from ``SalaryMetrics`` and the
direction (+1 up, −1 down).  Both runs draw from the same seed (common random numbers), over
enough rounds that the direction is the model's, not the noise's.  Keys that are not levers (the
roster, the rounds) are listed with the reason the README gives.  A README row no entry covers,
or an entry the README does not list, fails the walk.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from simlib.models import salary
from simlib.models.salary import Salary

README = Path(__file__).resolve().parents[1] / "README.md"

QUOTAS = [{"grade": "优秀", "share": 0.2, "coefficient": 1.3}, {"grade": "良好", "share": 0.4, "coefficient": 1.0},
          {"grade": "合格", "share": 0.3, "coefficient": 0.8}, {"grade": "基本合格", "share": 0.1, "coefficient": 0.5}]
CAPS = [{"grade": "优秀", "max_share": 0.2, "coefficient": 1.3},
        {"grade": "称职", "min_score": 75.0, "coefficient": 1.0},
        {"grade": "基本称职", "coefficient": 0.6}]
PARK = {"grades": [{"grade": "第一", "coefficient": 1.1}, {"grade": "第二", "coefficient": 1.0},
                   {"grade": "第三", "coefficient": 0.9}],
        "committee_grade": "第二", "company_grade": "第一"}
TWO_PART = {"method": "objective_subjective", "objective_weight": 0.5, "objective_reliability": 0.8,
            "subjective_reliability": 0.3, "subjective_shares": [0.2, 0.4, 0.3, 0.1]}
INDEX = {"method": "index", "dimension_correlation": 0.2, "dimensions": [
    {"name": "考绩", "weight": 1.0, "reliability": 0.7}, {"name": "考人", "weight": 1.0, "reliability": 0.3}]}


def base(**appraisal: Any) -> dict:
    """Two committee departments and one company department, department quotas, a park."""
    return {
        "staff": 60, "rounds": 300, "department_effect_sd": 0.3,
        "departments": [{"name": "a", "size": 20}, {"name": "b", "size": 20},
                        {"name": "c", "size": 20, "unit": "company"}],
        "posts": [{"track": "management", "level": "m", "base_pay": 12.0, "share": 0.5},
                  {"track": "professional", "level": "p", "base_pay": 9.0, "share": 0.5}],
        "appraisal": {"scope": "department", "quotas": QUOTAS, **(appraisal or {"reliability": 0.6})},
        "park": PARK,
        "pay": {"standard_amount": 3.0, "pool_mode": "standard"},
    }


def caps() -> dict:
    d = base(reliability=0.6)
    d["appraisal"].update(quotas=CAPS, score_scale={"mean": 80.0, "sd": 8.0})
    return d


def setter(path: str, value: Any) -> Callable[[dict], None]:
    """Set a dotted path (list indices as numbers) inside the section dict."""
    def apply(d: dict) -> None:
        *parents, last = path.split(".")
        for p in parents:
            d = d[int(p)] if isinstance(d, list) else d[p]
        if isinstance(d, list):
            d[int(last)] = value
        else:
            d[last] = value
    return apply


def grade_share(k: int) -> str:
    return f"by_grade[{k}].share"


def unit_pay(unit: str) -> str:
    return f"by_unit[{unit}].performance_pay_mean"


def metric(name: str) -> str:
    return name


def read(m: dict, name: str) -> float:
    """A metric by the name the README's lever table uses: ``pool``, ``by_grade[0].share``,
    ``by_unit[company].performance_pay_mean``."""
    found = re.fullmatch(r"(\w+)(?:\[(\w+)\]\.(\w+))?", name)
    table, index, field = found.groups()
    if index is None:
        return m[table]
    rows = m[table]
    row = rows[int(index)] if index.isdigit() else {r["unit"]: r for r in rows}[index]
    return row[field]


def departments(sizes: list[int]) -> list[dict]:
    return [{"name": f"d{i}", "size": s} for i, s in enumerate(sizes)]


#: key → (base section, change, metric, direction, what the README says it does)
LEVERS: dict[str, tuple[Callable[[], dict], Callable[[dict], None], str, int]] = {
    "salary.staff": (base, lambda d: d.update(staff=90, departments=[{"name": "a", "size": 30},
                                                                      {"name": "b", "size": 30},
                                                                      {"name": "c", "size": 30, "unit": "company"}]),
                     metric("pool"), +1),
    "salary.departments": (lambda: {**base(), "park": None, "departments": departments([60]), "department_effect_sd": 0.8},
                           lambda d: d.update(departments=departments([10] * 6)), metric("misordered_pairs_zone"), +1),
    "salary.department_effect_sd": (base, setter("department_effect_sd", 1.0), metric("misordered_pairs_zone"), +1),
    "salary.department_grades": (base, setter("department_grades", [
        {"grade": "好", "share": 0.34, "coefficient": 1.3}, {"grade": "差", "share": 0.66, "coefficient": 0.7}]),
        metric("gini"), +1),
    "salary.department_grades.top_grade_share": (
        lambda: {**base(), "department_grades": [{"grade": "好", "share": 0.34, "coefficient": 1.0},
                                                 {"grade": "差", "share": 0.66, "coefficient": 1.0}]},
        setter("department_grades.0.top_grade_share", 0.3), grade_share(0), +1),
    "salary.posts": (base, setter("posts.0.base_pay", 30.0), metric("gini"), +1),
    "salary.exempt_share": (base, setter("exempt_share", 0.2), metric("pool"), -1),
    "salary.appraisal.method": (base, setter("appraisal", {"scope": "department", "quotas": QUOTAS, **TWO_PART}),
                                metric("score_reliability"), +1),
    "salary.appraisal.reliability": (base, setter("appraisal.reliability", 0.9), metric("misordered_pairs"), -1),
    "salary.appraisal.objective_weight": (lambda: base(**TWO_PART), setter("appraisal.objective_weight", 0.9),
                                          metric("misordered_pairs"), -1),
    "salary.appraisal.objective_reliability": (lambda: base(**TWO_PART), setter("appraisal.objective_reliability", 0.95),
                                               metric("misordered_pairs"), -1),
    "salary.appraisal.subjective_reliability": (lambda: base(**TWO_PART),
                                                setter("appraisal.subjective_reliability", 0.8),
                                                metric("misordered_pairs"), -1),
    "salary.appraisal.subjective_shares": (lambda: base(**TWO_PART), setter("appraisal.subjective_shares", [0.5, 0.5]),
                                           metric("score_reliability"), -1),
    "salary.appraisal.dimensions": (lambda: base(**INDEX), setter("appraisal.dimensions.0.weight", 5.0),
                                    metric("misordered_pairs"), -1),
    "salary.appraisal.dimensions.reliability": (lambda: base(**INDEX), setter("appraisal.dimensions.1.reliability", 0.7),
                                                metric("misordered_pairs"), -1),
    "salary.appraisal.dimension_correlation": (lambda: base(**INDEX), setter("appraisal.dimension_correlation", 0.9),
                                               metric("misordered_pairs"), +1),
    "salary.appraisal.scope": (lambda: {**base(), "department_effect_sd": 0.8},
                               setter("appraisal.scope", "zone"), metric("misordered_pairs_zone"), -1),
    "salary.appraisal.quotas.share": (base, lambda d: d["appraisal"].update(quotas=[
        {**QUOTAS[0], "share": 0.3}, {**QUOTAS[1], "share": 0.3}, QUOTAS[2], QUOTAS[3]]),
        metric("performance_pay_total"), +1),
    "salary.appraisal.quotas.coefficient": (base, setter("appraisal.quotas.0.coefficient", 2.0),
                                            metric("incentive_per_sd"), +1),
    "salary.appraisal.quotas.max_share": (caps, setter("appraisal.quotas.0.max_share", 0.3), grade_share(0), +1),
    "salary.appraisal.quotas.min_score": (caps, setter("appraisal.quotas.1.min_score", 82.0), grade_share(2), +1),
    "salary.appraisal.rounding": (lambda: {**caps(), "departments": departments([7] * 6), "staff": 42, "park": None},
                                  setter("appraisal.rounding", "up"), grade_share(0), +1),
    "salary.appraisal.score_scale": (caps, setter("appraisal.score_scale", {"mean": 85.0, "sd": 8.0}),
                                     grade_share(2), -1),
    "salary.park.grades": (base, setter("park.grades.0.coefficient", 1.3), metric("pool"), +1),
    "salary.park.committee_grade": (base, setter("park.committee_grade", "第一"), metric("pool"), +1),
    "salary.park.company_grade": (base, setter("park.company_grade", "第三"), metric("pool"), -1),
    "salary.park.link_threshold": (base, lambda d: d["park"].update(link_threshold="第二", link_company_best="第二"),
                                   unit_pay("company"), -1),
    "salary.park.link_company_best": (
        lambda: {**base(), "park": {**PARK, "link_threshold": "第二", "link_company_best": "第二"}},
        setter("park.link_company_best", "第三"), unit_pay("company"), -1),
    "salary.pay.standard_amount": (base, setter("pay.standard_amount", 5.0), metric("incentive_per_sd"), +1),
    "salary.pay.pool_mode": (lambda: {**base(), "park": None}, setter("pay.pool_mode", "exact"),
                             metric("performance_pay_total"), +1),  # standard pays Σ share·coef = 0.95 of the pool
    "salary.elimination.years": (lambda: {**base(), "elimination": {"years": 2, "consecutive": 2}},
                                 setter("elimination.years", 5), metric("flagged_bottom"), +1),
    "salary.elimination.consecutive": (lambda: {**base(), "elimination": {"years": 5, "consecutive": 1}},
                                       setter("elimination.consecutive", 3), metric("flagged_bottom"), -1),
}

#: keys that are not levers, with the README's reason
NOT_LEVERS = {
    "salary.roster": "data, not a policy: the staff themselves",
    "salary.rounds": "how many simulated appraisal rounds: the precision of every mean, not its expectation",
}


def run_section(data: dict) -> dict:
    data = {k: v for k, v in data.items() if v is not None}
    params = Salary.model_validate(data)
    return salary.summarize(salary.simulate(params, np.random.default_rng(2026)), params).model_dump()


@pytest.mark.parametrize("key", sorted(LEVERS))
def test_lever_moves_its_metric_the_documented_way(key):
    make, change, name, direction = LEVERS[key]
    before = make()
    after = copy.deepcopy(before)
    change(after)
    a, b = read(run_section(before), name), read(run_section(after), name)
    assert a is not None and b is not None, key
    assert np.sign(b - a) == direction, f"{key}: {a!r} → {b!r}, expected {'up' if direction > 0 else 'down'}"


def readme_salary_keys() -> list[str]:
    """The keys of the README's salary table (`salary.*` in the first cell of its rows)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("The `salary` section"):text.index("How the model works, briefly: true performance")]
    return sorted(set(re.findall(r"^\| `(salary\.[a-z_.]+)`", table, flags=re.M)))


def readme_lever_rows() -> dict[str, tuple[str, int]]:
    """The README's lever table: key → (metric, direction), direction ↑ = +1, ↓ = −1."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("Salary levers, each a test"):]
    table = table[table.index("\n| lever") + 1:]
    table = table[:table.index("\n\n")]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        key, metric_name, arrow = cells[0].strip("`"), cells[2].strip("`"), cells[3]
        rows[key] = (metric_name, {"↑": 1, "↓": -1}[arrow])
    return rows


def test_the_readme_lever_table_is_the_catalogue():
    """The README documents each lever's metric and direction; the tests above check exactly those."""
    assert readme_lever_rows() == {k: (v[2], v[3]) for k, v in LEVERS.items()}


def test_every_readme_salary_key_is_in_the_catalogue():
    keys = readme_salary_keys()
    assert len(keys) >= 15, keys
    covered = set(LEVERS) | set(NOT_LEVERS)
    missing = [k for k in keys if not any(c == k or c.startswith(k + ".") for c in covered)]
    assert not missing, f"README salary keys with no catalogue entry: {missing}"
    unlisted = [c for c in covered if not any(c == k or c.startswith(k + ".") for k in keys)]
    assert not unlisted, f"catalogue entries the README's salary table does not list: {unlisted}"
    text = README.read_text(encoding="utf-8")
    for key in NOT_LEVERS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{key}`"))
        assert "not a lever" in row, row


def test_every_section_field_is_in_the_catalogue():
    """Walk the pydantic section too, so a new key cannot skip both the README and the catalogue."""
    from simlib.models import salary_params as sp

    def fields(model, prefix):
        return [f"{prefix}.{name}" for name in model.model_fields]

    keys = fields(sp.Salary, "salary") + fields(sp.Appraisal, "salary.appraisal") + fields(sp.Park, "salary.park") \
        + fields(sp.Pay, "salary.pay") + fields(sp.Elimination, "salary.elimination") \
        + fields(sp.Grade, "salary.appraisal.quotas") + fields(sp.DepartmentGrade, "salary.department_grades")
    covered = set(LEVERS) | set(NOT_LEVERS)
    structural = {"salary.appraisal", "salary.park", "salary.pay", "salary.elimination", "salary.appraisal.quotas",
                  "salary.appraisal.quotas.grade", "salary.department_grades.grade",
                  "salary.department_grades.share", "salary.department_grades.coefficient"}
    missing = [k for k in keys if k not in structural and not any(c == k or c.startswith(k + ".") for c in covered)]
    assert not missing, missing
