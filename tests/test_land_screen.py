"""Tests for :mod:`simlib.models.land_screen`, the standard-land screen (标准地).

Pass rates against lognormal oracles (either/or admits 1 − (1 − pA)(1 − pB), "and" pA·pB, a
plot-ratio band cdf(max) − cdf(min)), hand-computed small cases (per-condition counts, industry
overrides, tenant screens, the legacy flat keys), a stricter screen never admitting more
(hypothesis), the labels and keys of a city-style indicator set, and the validation errors as the
scenario loader reports them.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from simlib.models.base import Section
from simlib.models.land_screen import (Bound, Draws, LandScreen, StandardLand, conditions, draw_industry, failures,
                                       needs, passes)
from simlib.scenario.loader import _problem_from_pydantic

CITY = yaml.safe_load("""
land:
  output_wan_per_mu: {min: 500}          # 亩均产出 ≥ 500万元
  plot_ratio: {min: 0.7, max: 1.8}        # 容积率 0.7–1.8
  coverage: {min: 0.3}                    # 建筑密度 ≥ 30%
  investment_yi: {min: 1.0}               # 总投资 ≥ 1亿元
  any_of:                                 # 亩均投资 ≥ 300万元 或 亩均税收 ≥ 30万元
    - investment_wan_per_mu: {min: 300}
      tax_wan_per_mu: {min: 30}
tenants:
  tax_wan: {min: 50}                      # 年税收 ≥ 50万元
  investment_wan_per_m2: {min: 0.3}       # 每平方米投资 ≥ 0.3万元
industries:
  - name: 生物医药
    share: 0.4
    land:
      plot_ratio: {min: 1.0, max: 2.5}
      investment_wan_per_mu: {min: 500}
      tax_wan_per_mu: {min: 50}
  - name: 装备制造
    share: 0.6
""")


def spec(data: dict) -> StandardLand:
    return StandardLand.model_validate(data)


def draws(n: int, **given) -> Draws:
    """n land projects of 10 mu and 1,000 m², 1亿元 investment and 0.1亿元 tax, unless given."""
    base = dict(is_factory=np.zeros(n, bool), industry=np.zeros(n, np.int64), mu=np.full(n, 10.0),
                m2=np.full(n, 1000.0), investment=np.ones(n), tax=np.full(n, 0.1))
    return Draws(**{**base, **{k: np.asarray(v) for k, v in given.items()}})


# -- lognormal oracles ---------------------------------------------------------

N = 200_000


def within(share: float, p: float, k: float = 4.0) -> bool:
    return abs(share - p) <= k * np.sqrt(p * (1 - p) / N)


def test_either_or_admits_one_minus_both_failing_and_and_admits_the_product():
    rng = np.random.default_rng(20250101)
    mu, s_inv, s_tax = 20.0, 0.7, 0.9
    inv = rng.lognormal(np.log(0.5), s_inv, N)  # 亿元: a median of 250万元 a mu
    tax = rng.lognormal(np.log(0.04), s_tax, N)  # 亿元 a year: a median of 20万元 a mu
    d = draws(N, mu=np.full(N, mu), investment=inv, tax=tax)
    # investment × 1e4 / mu ≥ 300 ⇔ investment ≥ 300 mu / 1e4
    p_a = stats.lognorm.sf(300 * mu / 1e4, s=s_inv, scale=0.5)
    p_b = stats.lognorm.sf(25 * mu / 1e4, s=s_tax, scale=0.04)
    either = spec({"land": {"any_of": [{"investment_wan_per_mu": {"min": 300}, "tax_wan_per_mu": {"min": 25}}]}})
    both = spec({"land": {"investment_wan_per_mu": {"min": 300}, "tax_wan_per_mu": {"min": 25}}})
    keep_either, n_either = passes(either, d)
    keep_both, n_both = passes(both, d)
    assert within(keep_either.mean(), 1 - (1 - p_a) * (1 - p_b))
    assert within(keep_both.mean(), p_a * p_b)
    assert keep_either.mean() > keep_both.mean() + 0.3  # either/or admits far more
    assert n_either.tolist() == [N - keep_either.sum()]  # the group counts once, when both members fail
    assert within(n_both[0] / N, 1 - p_a) and within(n_both[1] / N, 1 - p_b)


def test_a_plot_ratio_band_admits_cdf_max_minus_cdf_min():
    rng = np.random.default_rng(7)
    ratio = rng.lognormal(np.log(1.1), 0.45, N)
    d = draws(N, plot_ratio=ratio)
    oracle = stats.lognorm(s=0.45, scale=1.1)
    band, _ = passes(spec({"land": {"plot_ratio": {"min": 0.7, "max": 1.8}}}), d)
    floor, _ = passes(spec({"min_plot_ratio": 0.7}), d)
    assert within(band.mean(), oracle.cdf(1.8) - oracle.cdf(0.7))
    assert within(floor.mean(), oracle.sf(0.7))
    assert floor.mean() - band.mean() > 0.05  # the upper bound turns away dense projects too


# -- hand-computed small cases ---------------------------------------------------


def test_per_condition_counts_by_hand():
    # mu = 10: investment per mu = investment × 1000, tax per mu = tax × 1000
    d = draws(7, investment=[0.4, 0.1, 0.1, 0.4, 0.1, 0.4, 0.0], tax=[0.01, 0.05, 0.01, 0.05, 0.01, 0.01, 0.0],
              plot_ratio=[1.0, 1.0, 1.0, 2.0, 0.5, 1.8, 9.0], coverage=[0.4, 0.5, 0.4, 0.4, 0.2, 0.3, 0.0],
              is_factory=[False] * 6 + [True])
    s = spec({"land": {"plot_ratio": {"min": 0.7, "max": 1.8}, "coverage": {"min": 0.3},
                       "any_of": [{"investment_wan_per_mu": {"min": 300}, "tax_wan_per_mu": {"min": 30}}]}})
    keep, counts = passes(s, d)
    # 0 passes by investment, 1 by tax, 2 fails both, 3 too dense, 4 fails everything, 5 sits on the
    # bounds (inclusive), 6 is a factory tenant (no land screen applies)
    assert keep.tolist() == [True, True, False, False, False, True, True]
    assert [c.key for c in conditions(s)] == ["land.plot_ratio", "land.coverage", "land.any_of[0]"]
    assert counts.tolist() == [2, 1, 2]
    assert counts.dtype == np.int64 and counts.shape == (len(conditions(s)),)
    keep_too, failed = failures(s, d)  # project by condition
    assert np.array_equal(keep_too, keep) and failed.shape == (7, 3)
    assert failed.astype(int).tolist() == [[0, 0, 0], [0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 1], [0, 0, 0],
                                           [0, 0, 0]]


def test_an_industry_screen_replaces_the_zones_for_its_projects():
    s = spec({"land": {"tax_wan_per_mu": {"min": 30}},
              "industries": [{"name": "装备制造", "share": 0.5},
                             {"name": "生物医药", "share": 0.3, "land": {"investment_wan_per_mu": {"min": 300}}},
                             {"name": "科创", "share": 0.2, "land": {}}]})  # an empty screen lifts the zone's
    d = draws(6, industry=[0, 0, 1, 1, 2, 0], investment=[0.4, 0.1, 0.4, 0.1, 0.1, 0.1],
              tax=[0.01, 0.05, 0.01, 0.05, 0.01, 0.01], is_factory=[False] * 5 + [True])
    keep, counts = passes(s, d)
    assert keep.tolist() == [False, True, True, False, True, True]
    assert [c.key for c in conditions(s)] == ["land.tax_wan_per_mu", "industries[1].land.investment_wan_per_mu"]
    assert counts.tolist() == [1, 1]
    assert conditions(s)[1].label_zh == "生物医药：亩均投资 ≥ 300万元"


def test_a_tenant_screen_touches_factory_projects_only_and_a_land_screen_land_projects_only():
    # m2 = 1000: investment per m² = investment × 10, tax in 万元 = tax × 1e4
    d = draws(5, is_factory=[False, True, True, True, False], investment=[0.0, 0.1, 0.1, 0.02, 0.0],
              tax=[0.001, 0.01, 0.001, 0.01, 0.0])
    tenants = {"tax_wan": {"min": 50}, "investment_wan_per_m2": {"min": 0.5}}
    keep, counts = passes(spec({"tenants": tenants}), d)
    assert keep.tolist() == [True, True, False, False, True]
    assert [c.key for c in conditions(spec({"tenants": tenants}))] == ["tenants.investment_wan_per_m2",
                                                                       "tenants.tax_wan"]
    assert counts.tolist() == [1, 1]
    both = spec({"tenants": tenants, "land": {"investment_wan_per_mu": {"min": 1e6}}})
    keep, counts = passes(both, d)
    assert keep.tolist() == [False, True, False, False, False]
    assert counts.tolist() == [2, 1, 1]


def test_legacy_flat_keys_mean_the_nested_land_screen():
    flat = spec({"min_investment_wan_per_mu": 300.0, "min_tax_wan_per_mu": 30.0, "min_plot_ratio": 1.2})
    nested = spec({"land": {"investment_wan_per_mu": {"min": 300.0}, "tax_wan_per_mu": {"min": 30.0},
                            "plot_ratio": {"min": 1.2}}})
    assert flat.land_screen() == nested.land_screen() == nested.land
    assert [c.key for c in conditions(flat)] == ["min_investment_wan_per_mu", "min_tax_wan_per_mu", "min_plot_ratio"]
    d = draws(6, investment=[0.4, 0.2, 0.4, 0.4, 0.1, 0.1], tax=[0.05, 0.05, 0.01, 0.05, 0.01, 0.01],
              plot_ratio=[1.5, 1.5, 1.5, 1.0, 1.0, 0.1], is_factory=[False] * 5 + [True])
    for s in (flat, nested):
        keep, counts = passes(s, d)
        assert keep.tolist() == [True, False, False, False, False, True]
        assert counts.tolist() == [2, 2, 2]
    # on random draws both equal the screen land.py applied before (every minimum, land projects only)
    rng = np.random.default_rng(3)
    n = 5000
    d = draws(n, is_factory=rng.random(n) < 0.3, mu=rng.lognormal(3, 0.6, n), investment=rng.lognormal(-1, 0.8, n),
              tax=rng.lognormal(-3, 0.9, n), plot_ratio=rng.lognormal(0.1, 0.4, n))
    old = d.is_factory | ((d.investment * 1e4 / d.mu >= 300) & (d.tax * 1e4 / d.mu >= 30) & (d.plot_ratio >= 1.2))
    assert 0.05 < old.mean() < 0.95
    for s in (flat, nested):
        assert np.array_equal(passes(s, d)[0], old)
    assert np.array_equal(passes(flat, d)[1], passes(nested, d)[1])


def test_no_screen_admits_everyone_and_a_missing_draw_is_refused():
    d = draws(3)
    for s in (None, spec({})):
        keep, counts = passes(s, d)
        assert keep.all() and counts.shape == (0,) and conditions(s) == [] and needs(s) == set()
    with pytest.raises(ValueError, match="needs plot_ratio draws"):
        passes(spec({"min_plot_ratio": 1.0}), d)


# -- a city-style indicator set ------------------------------------------------


def test_city_indicator_set_keys_labels_and_needs():
    s = spec(CITY)
    got = [(c.key, c.label_zh) for c in conditions(s)]
    assert got == [("land.output_wan_per_mu", "亩均产出 ≥ 500万元"), ("land.plot_ratio", "容积率 0.7–1.8"),
                   ("land.coverage", "建筑密度 ≥ 30%"), ("land.investment_yi", "总投资 ≥ 1亿元"),
                   ("land.any_of[0]", "亩均投资 ≥ 300万元 或 亩均税收 ≥ 30万元"),
                   ("tenants.investment_wan_per_m2", "标准厂房：每平方米投资 ≥ 0.3万元"),
                   ("tenants.tax_wan", "标准厂房：年税收 ≥ 50万元"),
                   ("industries[0].land.investment_wan_per_mu", "生物医药：亩均投资 ≥ 500万元"),
                   ("industries[0].land.tax_wan_per_mu", "生物医药：亩均税收 ≥ 50万元"),
                   ("industries[0].land.plot_ratio", "生物医药：容积率 1–2.5")]
    assert conditions(s)[4].label_en == "investment per mu ≥ CNY 3,000,000 or tax per mu ≥ CNY 300,000"
    assert conditions(s)[3].label_en == "total investment ≥ CNY 100m"
    assert needs(s) == {"output", "plot_ratio", "coverage"}
    assert needs(spec({"tenants": {"output_wan_per_m2": {"min": 1}}})) == {"output"}
    assert needs(spec({"land": {"investment_yi": {"min": 1}}})) == set()


def test_city_screen_on_random_projects_counts_every_failure():
    s = spec(CITY)
    rng = np.random.default_rng(11)
    n = 20_000
    industry = draw_industry(s, rng, n)
    d = Draws(is_factory=rng.random(n) < 0.4, industry=industry, mu=rng.lognormal(np.log(40), 0.6, n),
              m2=rng.lognormal(np.log(3000), 0.5, n), investment=rng.lognormal(np.log(1.5), 0.8, n),
              tax=rng.lognormal(np.log(0.1), 0.9, n), output=rng.lognormal(np.log(3), 0.8, n),
              plot_ratio=rng.lognormal(np.log(1.2), 0.4, n), coverage=rng.uniform(0.1, 0.7, n))
    keep, counts = passes(s, d)
    assert abs((industry == 0).mean() - 0.4) < 0.02 and set(np.unique(industry)) == {0, 1}
    assert counts.min() > 0 and counts.sum() >= (~keep).sum()
    # project by project: turned away exactly when it fails a condition that applies to it
    for c, cond in zip(counts, conditions(s)):
        ok = np.logical_or.reduce([b.holds(d.value(name)) for name, b in cond.terms])
        mine = d.is_factory == (cond.kind == "tenants")
        mine &= (industry == cond.industry) if cond.industry is not None else \
            ~((industry == 0) & (cond.kind == "land"))  # 生物医药 replaces the zone's land screen only
        assert c == (mine & ~ok).sum()


def test_draw_industry_follows_the_shares_and_leaves_rng_alone_without_industries():
    rng = np.random.default_rng(5)
    before = rng.bit_generator.state
    assert draw_industry(spec({"land": {"tax_wan_per_mu": {"min": 1}}}), rng, 4).tolist() == [0, 0, 0, 0]
    assert draw_industry(None, rng, 2).tolist() == [0, 0] and rng.bit_generator.state == before
    s = spec({"industries": [{"name": n, "share": p} for n, p in (("a", 0.2), ("b", 0.5), ("c", 0.3))]})
    got = draw_industry(s, np.random.default_rng(9), 100_000)
    assert got.dtype == np.int64
    assert np.allclose(np.bincount(got, minlength=3) / 1e5, [0.2, 0.5, 0.3], atol=0.006)
    u = np.random.default_rng(9).random(100_000)  # one uniform a project, in order
    assert np.array_equal(got, (u >= 0.2).astype(int) + (u >= 0.7))


# -- a stricter screen never admits more ---------------------------------------

SLOTS = (("land", "plot_ratio", 3.0), ("land", "coverage", 1.0), ("any_of", "investment_wan_per_mu", 800.0),
         ("any_of", "tax_wan_per_mu", 80.0), ("tenants", "tax_wan", 1500.0), ("industry", "output_wan_per_mu", 2000.0))
side = st.one_of(st.none(), st.floats(0, 1))
bound = st.tuples(side, side).filter(lambda t: t != (None, None) and (None in t or t[0] <= t[1]))


def spec_of(bounds: list[tuple[float | None, float | None]]) -> StandardLand:
    def b(k: int) -> dict:
        lo, hi = bounds[k]
        scale = SLOTS[k][2]
        return {**({"min": lo * scale} if lo is not None else {}), **({"max": hi * scale} if hi is not None else {})}
    return spec({"land": {"plot_ratio": b(0), "coverage": b(1),
                          "any_of": [{"investment_wan_per_mu": b(2), "tax_wan_per_mu": b(3)}]},
                 "tenants": {"tax_wan": b(4)},
                 "industries": [{"name": "a", "share": 0.5, "land": {"output_wan_per_mu": b(5)}},
                                {"name": "b", "share": 0.5}]})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), bounds=st.lists(bound, min_size=6, max_size=6),
       slot=st.integers(0, 5), raise_min=st.booleans(), delta=st.floats(0, 1))
def test_a_stricter_screen_never_admits_more(seed, bounds, slot, raise_min, delta):
    loose = spec_of(bounds)
    lo, hi = bounds[slot]
    if raise_min:  # raise the minimum (or add one), never above the maximum
        lo = min((lo or 0.0) + delta, hi if hi is not None else 1.0)  # raw bounds lie in [0, 1] (coverage stays a share)
    else:  # lower the maximum (or add one), never below the minimum
        hi = max((hi if hi is not None else 1.0) - delta, lo or 0.0)
    strict = spec_of([*bounds[:slot], (lo, hi), *bounds[slot + 1:]])
    rng = np.random.default_rng(seed)
    n = 400
    d = Draws(is_factory=rng.random(n) < 0.3, industry=draw_industry(loose, rng, n), mu=rng.lognormal(3.4, 0.6, n),
              m2=rng.lognormal(8, 0.5, n), investment=rng.lognormal(-0.5, 0.8, n), tax=rng.lognormal(-3, 0.9, n),
              output=rng.lognormal(0.7, 0.8, n), plot_ratio=rng.lognormal(0.1, 0.5, n),
              coverage=rng.uniform(0, 1, n))
    keep_loose, counts_loose = passes(loose, d)
    keep_strict, counts_strict = passes(strict, d)
    assert not (keep_strict & ~keep_loose).any()
    assert (counts_strict >= counts_loose).all()


# -- validation errors, as the scenario loader reports them ----------------------


class _Land(Section):
    standard_land: StandardLand


class _Scenario(Section):
    land: _Land


@pytest.mark.parametrize("data, key, message", [
    ({"land": {"plot_ratio": {"min": 2.0, "max": 1.8}}}, "land.plot_ratio.max",
     "upper bound 1.8 is below lower bound 2.0"),
    ({"industries": [{"name": "a", "share": 0.5}, {"name": "b", "share": 0.4}]}, "industries",
     "industry shares must sum to 1, got 0.9"),
    ({"industries": [{"name": "a", "share": 0.5}, {"name": "a", "share": 0.5}]}, "industries[1].name",
     "industry 'a' is named twice (also industries[0])"),
    ({"land": {"any_of": [{"tax_wan_per_mu": {"min": 30}}]}}, "land.any_of[0]",
     "an either/or group needs at least two conditions"),
    ({"land": {"tax_wan": {"min": 50}}}, "land.tax_wan", "tax_wan is not a land indicator"),
    ({"industries": [{"name": "a", "share": 1.0, "tenants": {"any_of": [
        {"tax_wan": {"min": 1}, "plot_ratio": {"min": 1}}]}}]}, "industries[0].tenants.any_of[0].plot_ratio",
     "plot_ratio is not a tenant indicator"),
    ({"min_plot_ratio": 1.2, "land": {"tax_wan_per_mu": {"min": 30}}}, "land",
     "give the land screen either as land: {...} or with the flat keys (min_plot_ratio), not both"),
    ({"tenants": {"tax_wan": {}}}, "tenants.tax_wan", "a bound needs min, max or both"),
    ({"land": {"coverage": {"min": 30}}}, "land.coverage", "building coverage is a share of the plot"),
])
def test_bad_input_is_refused_at_its_key(data, key, message):
    with pytest.raises(ValidationError) as info:
        StandardLand.model_validate(data)
    assert len(info.value.errors()) == 1
    with pytest.raises(ValidationError) as info:
        _Scenario.model_validate({"land": {"standard_land": data}})
    problem = _problem_from_pydantic(info.value.errors()[0], "zone.yaml", set())
    assert problem.key == f"land.standard_land.{key}"
    assert problem.message.startswith(message)
    assert str(problem).startswith(f"zone.yaml: land.standard_land.{key}: ")


def test_valid_shapes_are_accepted():
    assert spec(CITY).land_screen() == spec(CITY).land
    assert spec({"min_plot_ratio": 1.0}).land_screen() == LandScreen(plot_ratio=Bound(min=1.0))
    assert spec({}).land_screen() is None
    assert spec({"industries": [{"name": n, "share": 0.1} for n in "abcdefghij"]}).industries[9].name == "j"
    StandardLand.model_json_schema()  # the scenario schema can describe it
