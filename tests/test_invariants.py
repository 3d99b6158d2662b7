"""Invariants over 1,600 generated valid scenarios (hypothesis; HYPOTHESIS_PROFILE=explore draws fresh ones).

Revenue: the money adds up every year on every path.  Salary: the pool is
conserved in exact mode and no pay is negative.  Land: every stock changes by
what enters minus what leaves, and none goes negative.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simlib.models import land, revenue, salary
from simlib.models.land import Land
from simlib.models.revenue import Revenue
from simlib.models.salary import Salary

def many(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
unit = st.floats(0.0, 1.0)


@st.composite
def revenue_params(draw) -> Revenue:
    base_year = draw(st.integers(2000, 2030))
    cap = draw(st.one_of(st.none(), st.floats(0.0, 5.0)))
    floor = draw(st.floats(0.0, cap if cap is not None else 5.0))
    horizon = draw(st.integers(1, 12))
    start = base_year + draw(st.integers(1, 3))
    shocks = draw(st.lists(st.builds(dict, year=st.integers(base_year + 1, start + horizon - 1),
                                     change=st.floats(-0.9, 1.0)), max_size=3))
    return Revenue.model_validate({
        "base_year": base_year, "base_tax": draw(st.floats(0.0, 50.0, exclude_min=True)), "start_year": start,
        "horizon_years": horizon, "paths": draw(st.integers(1, 40)),
        "growth": {"mean": draw(st.floats(-0.5, 0.5)), "volatility": draw(st.floats(0.0, 0.8)), "shocks": shocks},
        "sharing": {"zone_share": draw(unit), "floor": floor, "cap": cap, "excess_return": draw(unit),
                    "base_reset_years": draw(st.one_of(st.none(), st.integers(1, 5)))},
    })


@many(800)
@given(revenue_params(), st.integers(0, 2**32 - 1))
def test_revenue_money_adds_up(params, seed):
    r = revenue.simulate(params, np.random.default_rng(seed))
    s, rule = r.split, params.sharing
    assert np.all(np.isfinite(r.tax)) and np.all(r.tax >= 0)
    # the zone's raw share, from the rule itself, then the money: the county keeps the rest of the
    # tax, pays the top-up and takes the pooled excess; the zone gets its share, plus top-up, less pool
    np.testing.assert_allclose(s.raw_share, rule.zone_share * np.maximum(r.tax - r.base, 0.0), atol=1e-9, rtol=1e-12)
    np.testing.assert_allclose(s.payout, s.raw_share + s.top_up - s.pooled, atol=1e-9, rtol=1e-12)
    np.testing.assert_allclose(r.county_net, (r.tax - s.raw_share) - s.top_up + s.pooled, atol=1e-9, rtol=1e-12)
    assert np.all(s.payout >= rule.floor - 1e-12)  # the floor is always paid
    if rule.cap is not None:  # above the cap, only the returned part of the excess
        bound = rule.cap + rule.excess_return * np.maximum(s.raw_share - rule.cap, 0.0)
        assert np.all(s.payout <= np.maximum(bound, rule.floor) + 1e-9)
    assert np.all(s.payout >= -1e-12) and np.all(s.top_up >= 0) and np.all(s.pooled >= 0)
    assert np.all(s.top_up * s.pooled == 0)
    assert np.all((s.marginal >= 0) & (s.marginal <= params.sharing.zone_share + 1e-12))


@st.composite
def salary_params(draw) -> Salary:
    sizes = [draw(st.integers(2, 30))] + draw(st.lists(st.integers(1, 30), max_size=5))
    units = [draw(st.sampled_from(["committee", "company"])) for _ in sizes]
    k = draw(st.integers(2, 5))
    raw = draw(st.lists(st.integers(1, 10), min_size=k, max_size=k))
    shares = [r / sum(raw) for r in raw]
    shares[-1] = 1.0 - sum(shares[:-1])
    coefs = sorted(draw(st.lists(st.floats(0.0, 3.0), min_size=k, max_size=k)), reverse=True)
    if draw(st.booleans()):
        quotas = [{"grade": f"g{i}", "share": s, "coefficient": c} for i, (s, c) in enumerate(zip(shares, coefs))]
        rounding = draw(st.sampled_from(["largest_remainder", "half_up", "up", "down"]))
    else:  # caps on all but the last grade ("at most"), rounded half up, up or down
        quotas = [{"grade": f"g{i}", "max_share": s, "coefficient": c}
                  for i, (s, c) in enumerate(zip(shares[:-1], coefs[:-1]))]
        quotas.append({"grade": f"g{k - 1}", "coefficient": coefs[-1]})
        rounding = draw(st.sampled_from(["half_up", "up", "down"]))
    park = {"grades": [{"grade": "1", "coefficient": 1.1}, {"grade": "2", "coefficient": 1.0},
                       {"grade": "3", "coefficient": 0.9}],
            "committee_grade": draw(st.sampled_from("123")), "company_grade": draw(st.sampled_from("123")),
            "link_threshold": "2", "link_company_best": "2"}
    exempt = draw(st.sampled_from([0.0, 0.1, 0.3]))
    if sum(sizes) - int(sum(sizes) * exempt + 0.5) < 2:
        exempt = 0.0  # the appraisal needs two graded people (a refused input, tested elsewhere)
    return Salary.model_validate({
        "staff": sum(sizes), "rounds": draw(st.integers(1, 3)),
        "departments": [{"name": f"d{i}", "size": s, "unit": u} for i, (s, u) in enumerate(zip(sizes, units))],
        "department_effect_sd": draw(st.floats(0.0, 1.0)),
        "exempt_share": exempt,
        "posts": [{"track": "management", "level": "m", "base_pay": draw(st.floats(0.0, 30.0)), "share": 0.4},
                  {"track": "professional", "level": "p", "base_pay": draw(st.floats(0.0, 30.0)), "share": 0.6}],
        "appraisal": {"reliability": draw(st.floats(0.05, 1.0)), "scope": draw(st.sampled_from(["department", "zone"])),
                      "quotas": quotas, "rounding": rounding},
        "park": park,
        "pay": {"standard_amount": draw(st.floats(0.0, 10.0)), "pool_mode": draw(st.sampled_from(["exact", "standard"]))},
    })


@many(500)
@given(salary_params(), st.integers(0, 2**32 - 1))
def test_salary_pool_conserved_and_pay_never_negative(params, seed):
    check_salary(params, seed)


def test_coefficients_summing_to_a_subnormal_number_still_split_the_pool():
    """Found by hypothesis: a top coefficient of 2.2e-313 made pool / Σc overflow and pay inf and nan."""
    params = Salary.model_validate({
        "staff": 2, "departments": [{"name": "d0", "size": 2}], "rounds": 1,
        "posts": [{"track": "management", "level": "m", "base_pay": 0.0, "share": 0.4},
                  {"track": "professional", "level": "p", "base_pay": 0.0, "share": 0.6}],
        "appraisal": {"reliability": 1.0, "quotas": [{"grade": "g0", "share": 0.5, "coefficient": 2.2250738585e-313},
                                                     {"grade": "g1", "share": 0.5, "coefficient": 0.0}]},
        "pay": {"standard_amount": 1.0, "pool_mode": "exact"},
    })
    r = check_salary(params, 0)
    np.testing.assert_array_equal(np.sort(r.performance_pay[0]), [0.0, 2.0])  # the one graded g0 takes the pool
    assert np.isfinite(salary.incentive_per_sd(r, params)).all()


def check_salary(params: Salary, seed: int) -> salary.SalaryResult:
    """Pay never negative; exempt staff paid base pay only; every grading seat accounted for; each
    department's pool spent exactly (exact mode) or everyone paid standard × park × coefficient."""
    r = salary.simulate(params, np.random.default_rng(seed))
    assert np.all(r.performance_pay >= 0) and np.all(r.total_pay >= 0)
    exempt = r.staff.exempt_mask
    assert np.all(r.performance_pay[:, exempt] == 0)
    assert r.graded.size + exempt.sum() == r.staff.size
    counts = np.bincount(r.grade.ravel(), minlength=len(params.appraisal.quotas))
    np.testing.assert_array_equal(counts, r.take.sum(axis=0))
    assert r.take.sum() == r.graded.size * r.rounds
    dept = r.staff.department[r.graded]
    unit = r.staff.department_unit[dept]
    perf = r.performance_pay[:, r.graded]
    for d in range(r.department_coefficient.shape[1]):
        members = dept == d
        paid = perf[:, members].sum(axis=1)
        park = r.park_coefficient[r.staff.department_unit[d]]
        if params.pay.pool_mode == "exact":
            # each department's pool: standard × its graded staff × its department coefficient × park
            spent = r.coefficient[:, members].sum(axis=1) > 0
            pool = params.pay.standard_amount * members.sum() * r.department_coefficient[:, d] * park
            np.testing.assert_allclose(paid[spent], pool[spent], rtol=1e-9, atol=1e-9)
            assert np.all(paid[~spent] == 0)
        else:
            np.testing.assert_allclose(perf[:, members], params.pay.standard_amount * park
                                       * r.coefficient[:, members], atol=1e-9)
    for u in range(2):  # a unit's pool is the sum of its departments'
        np.testing.assert_allclose(r.pool[:, u], (params.pay.standard_amount * r.park_coefficient[u]
                                   * (r.department_coefficient * np.bincount(dept, minlength=r.department_coefficient.shape[1])
                                      * (r.staff.department_unit == u))).sum(axis=1), rtol=1e-9, atol=1e-9)
    return r


STOCKS = {"U": (("change",), ("servicing",)), "A": (("servicing", "revitalised", "reclaimed"), ("sold",)),
          "S": (("sold",), ("released_land", "leaving_land", "reclaimed")),
          "I": (("released_land", "leaving_land"), ("revitalised",)),
          "C": (("starts",), ("completed",)), "V": (("completed", "released_m2", "leaving_m2"), ("let",)),
          "O": (("let",), ("released_m2", "leaving_m2"))}


@st.composite
def land_params(draw) -> Land:
    policy = draw(st.sampled_from(["fixed", "to_suit", "target_vacancy"]))
    lag = draw(st.integers(1, 6))
    start = 2025
    horizon = draw(st.integers(1, 3))
    lognormal = lambda lo, hi: {"mean": draw(st.floats(lo, hi)), "sd_log": draw(st.floats(0.0, 1.0))}  # noqa: E731
    return Land.model_validate({
        "start_year": start, "horizon_years": horizon, "paths": draw(st.integers(1, 8)),
        "unserviced_mu": draw(st.floats(0, 2000)), "available_mu": draw(st.floats(0, 500)),
        "sold_mu": draw(st.floats(0, 2000)), "idle_mu": draw(st.floats(0, 300)),
        "servicing_mu_per_year": draw(st.floats(0, 600)), "idle_rate": draw(unit), "revitalise_rate": draw(unit),
        "idle_exit_share": draw(unit),
        "changes": draw(st.lists(st.builds(dict, year=st.integers(start, start + horizon - 1),
                                           mu=st.floats(-1000, 1000)), max_size=2)),
        "factories": {"policy": policy, "build_m2_per_year": draw(st.none() | st.floats(0, 1e5)) if policy != "fixed"
                      else draw(st.floats(0, 1e5)), "lag_months": lag,
                      "target_vacancy": draw(st.floats(0, 0.5)), "vacant_m2": draw(st.floats(0, 1e5)),
                      "occupied_m2": draw(st.floats(0, 1e5)), "tenant_exit_rate": draw(unit)},
        "pipeline": {"arrivals_per_year": draw(st.floats(1, 200)), "sign_rate": draw(unit),
                     "cumulative_from_signed": {"registered": 0.9, "started": 0.6, "producing": 0.3},
                     "lags_months": {k: draw(st.floats(1, 6)) for k in ("signed", "registered", "started", "producing")}},
        "projects": {"land_share": draw(unit), "land_mu": lognormal(1, 100), "factory_m2": lognormal(100, 30000),
                     "investment": lognormal(0.1, 5), "tax_at_capacity": lognormal(0.01, 0.5)},
        "max_wait_months": draw(st.integers(lag if policy == "to_suit" else 0, 12)),
    })


@many(300)
@given(land_params(), st.integers(0, 2**32 - 1))
def test_land_stocks_are_conserved_and_never_negative(params, seed):
    r = land.simulate(params, np.random.default_rng(seed), trace=True)
    t = r.trace
    f = params.factories
    initial = {"U": params.unserviced_mu, "A": params.available_mu, "S": params.sold_mu, "I": params.idle_mu,
               "C": 0.0, "V": f.vacant_m2, "O": f.occupied_m2}
    for stock, (inflows, outflows) in STOCKS.items():
        levels = t[stock]
        previous = np.vstack([np.full((1, levels.shape[1]), initial[stock]), levels[:-1]])
        change = sum(t[k] for k in inflows) - sum(t[k] for k in outflows)
        scale = max(1.0, float(np.abs(levels).max()), float(np.abs(previous).max()))
        np.testing.assert_allclose(levels - previous, change, atol=1e-7 * scale, err_msg=stock)
        assert levels.min() >= -1e-9 * scale, stock
    # firms hold exactly the sold land and the occupied space; producing firms hold no more than is sold
    for stock, held in (("S", "held_mu"), ("O", "held_m2")):
        scale = max(1.0, float(np.abs(t[stock]).max()))
        np.testing.assert_allclose(t[stock], t[held], atol=1e-7 * scale, err_msg=stock)
    assert np.all(t["producing_mu"] <= t["S"] + 1e-7 * max(1.0, float(t["S"].max())))
    # every project is in exactly one state
    total = sum(r.states[k] for k in land.PROJECT_STATES)
    np.testing.assert_allclose(total, r.negotiated.sum(axis=1), rtol=1e-9, atol=1e-6)
