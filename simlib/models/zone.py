"""The zone as one system: new projects' tax feeds the sharing rule, and the zone's ledger closes the loop.

A linked run reads the results of the scenario's other models, path by path and year by year
(亿元 throughout):

- **tax**: the revenue model's tax of existing firms plus the land model's new projects' tax
  (projects that entered production in the horizon; the initial producing stock is existing
  firms, already in the revenue tax).  A project entering production in year y pays
  min((k + 1) / ramp_years, 1) of its tax at capacity in year y + k (all of it at once when
  ``ramp_years`` is 0); exits remove the whole of a firm's tax at once.
- **sharing**: the revenue model's rule (:func:`simlib.models.revenue.apply_rule`) on that
  combined tax, so bases, re-sets and brackets see it; the zone's gain from the new projects is
  the payout on the combined tax less the payout on the existing firms' tax alone.
- **the ledger**, each year on every path::

      closing cash = opening cash + income + paid from the financing company's capital − spending
                     + borrowing − repayment + county support
      income   = sharing payout (top-up included) + land-sale proceeds (when kept) + company profit
      spending = factory construction (m² started × cost) + land servicing (mu × cost)
                 + staff pay (the salary model's total pay, when the scenario has one) + other
                 + interest (on the debt at the start of the year)

  When the cash would fall below zero, the ``shortfall`` rule applies: ``borrow`` takes new
  loans up to the borrowing limit on total debt, the county covering the rest; ``county`` has
  the county cover it all.  P(cash short) is the share of paths on which the county had to step
  in that year.  Opening debt is repaid in equal instalments over ``debt.repay_years`` from the
  first year, new loans over ``borrowing.repay_years`` from the year after.

The payback year of the factory programme is the first year from which the zone's cumulative
gain from the factory tenants' tax (the payout on the combined tax less the payout without the
tenants' tax) covers the cumulative cost of the factories it built, to the end of the horizon.
Land proceeds ``injected`` into the financing company (seed 003) are its capital, ring-fenced for
infrastructure: they pay for land servicing and then construction before the zone's cash does.  The Python loop
runs over years; every step is vectorised over paths.  The model reads no file and draws no
random number (all randomness is in the linked models).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from simlib.models import revenue as revenue_model
from simlib.models.base import Fan, Headline, Metrics, Model, Section, cross_field_error, fan

LINKED = ("revenue", "land")  # the sections a linked run reads; salary too when the scenario has it


class Debt(Section):
    """The zone's (or its financing company's) debt at the start: 亿元, a yearly interest rate, and
    the years over which it is repaid in equal instalments."""

    opening: float = Field(ge=0, le=1e5)
    interest_rate: float = Field(ge=0, le=0.5)
    repay_years: int = Field(ge=1, le=50)


class Borrowing(Section):
    """New loans (special bonds, bank loans) when cash runs short: total debt may not exceed
    ``limit`` (亿元); each loan pays ``interest_rate`` a year and is repaid over ``repay_years``."""

    limit: float = Field(ge=0, le=1e5)
    interest_rate: float = Field(ge=0, le=0.5)
    repay_years: int = Field(ge=1, le=50)


class Reverse(Section):
    """The reverse question on the loop: the largest fixed factory programme (m² a year) the zone can
    afford with P(the county must step in, some year) at most ``target``, on ``paths`` paths."""

    target: float = Field(default=0.1, gt=0, lt=1)
    paths: int = Field(default=200, ge=10, le=100_000)


class Zone(Section):
    """The linked run and the zone's ledger (money in 亿元, costs in their units)."""

    ramp_years: int = Field(default=2, ge=0, le=10)  # years a new project takes to reach capacity tax
    opening_cash: float = Field(default=0.0, ge=0, le=1e5)
    company_profit: float = Field(default=0.0, ge=-1e4, le=1e4)  # the operating company's profit, a year
    factory_cost_yuan_per_m2: float = Field(ge=0, le=1e5)
    servicing_cost_wan_per_mu: float = Field(ge=0, le=1e4)
    land_proceeds: Literal["kept", "injected"] = "kept"  # injected: capital of the financing company
    other_spending: float = Field(default=0.0, ge=0, le=1e5)  # a year
    debt: Debt | None = None
    borrowing: Borrowing | None = None
    shortfall: Literal["borrow", "county", "cut_programme"] = "borrow"
    reverse: Reverse | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Zone:
        if self.shortfall == "borrow" and self.borrowing is None:
            raise cross_field_error("borrowing", "the borrow rule needs a borrowing limit (or shortfall: county)")
        opening = self.debt.opening if self.debt is not None else 0.0
        if self.borrowing is not None and self.borrowing.limit < opening:
            raise cross_field_error("borrowing.limit", f"must be at least the opening debt ({opening:g}), got "
                                                       f"{self.borrowing.limit:g}")
        return self


def check_links(scenario: Any) -> list[tuple[str, str]]:
    """(dotted key, message) for each way the scenario's sections cannot be linked path by path
    and year by year; empty when the zone section is absent or everything lines up."""
    zone = scenario.zone
    if zone is None:
        return []
    missing = [s for s in LINKED if getattr(scenario, s) is None]
    if missing:
        return [("zone", f"links the revenue and land models: the scenario has no {' and no '.join(missing)} "
                         "section")]
    rev, land = scenario.revenue, scenario.land
    out = []
    rev_paths = rev.paths if rev.growth.volatility > 0 or rev.growth.mean_sd > 0 else 1
    if rev_paths not in (1, land.paths) and land.paths != 1:
        out.append(("land.paths", f"must equal revenue.paths ({rev.paths:,}) to link them path by path, got "
                                  f"{land.paths:,}"))
    if land.start_year != rev.start_year:  # earlier, new projects' tax would be in the base and go uncosted
        out.append(("land.start_year", f"must equal revenue.start_year ({rev.start_year}) to link them year by "
                                       f"year, got {land.start_year}"))
    land_end = land.start_year + land.horizon_years - 1
    if land_end < rev.end_year:
        out.append(("land.horizon_years", f"must reach revenue's last year ({rev.end_year}) to link them, but ends "
                                          f"in {land_end}"))
    if zone.shortfall == "cut_programme" and land.paths < rev_paths:
        out.append(("zone.shortfall", f"cut_programme cuts each path's own programme: land.paths must equal "
                                      f"revenue.paths ({rev.paths:,}), got {land.paths:,}"))
    for key, section in (("debt", zone.debt), ("borrowing", zone.borrowing)):
        if section is not None and section.repay_years > rev.horizon_years:
            out.append((f"zone.{key}.repay_years", f"must be at most the horizon ({rev.horizon_years} years), got "
                                                   f"{section.repay_years}"))
    return out


@dataclass(frozen=True)
class ZoneResult:
    """Paths × years arrays of the linked run and the ledger (亿元)."""

    years: np.ndarray
    tax_existing: np.ndarray
    tax_new: np.ndarray  # the new projects' tax, ramped
    payout: np.ndarray  # on the combined tax (top-up included, pooled excess out)
    payout_existing: np.ndarray  # on the existing firms' tax alone
    payout_without_tenants: np.ndarray  # on the combined tax less the factory tenants' (the programme's gain)
    top_up: np.ndarray
    pooled: np.ndarray
    county_net: np.ndarray  # the combined tax (its retained share, with tax_basis) less the payout
    land_proceeds: np.ndarray  # to the zone's cash (0 when injected)
    capital_injected: np.ndarray  # land proceeds injected into the financing company
    company_profit: np.ndarray
    factory_cost: np.ndarray
    servicing_cost: np.ndarray
    staff_pay: np.ndarray
    other_spending: np.ndarray
    interest: np.ndarray
    repayment: np.ndarray
    borrowing: np.ndarray
    county_support: np.ndarray
    cash: np.ndarray  # closing
    debt: np.ndarray  # closing
    opening_cash: float
    built_m2: np.ndarray
    programme_cut: np.ndarray | None = None  # 亿元 of construction the cash could not pay (cut_programme)
    programme_cut_m2: np.ndarray | None = None  # m² not started because of it, against the land section's run
    reverse: ZoneReverse | None = None
    without_shocks: ZoneResult | None = None  # the same paths with the revenue model's shocks taken out

    company_paid: np.ndarray | None = None  # construction and servicing paid from the financing company's capital
    company_capital: np.ndarray | None = None  # closing: injected proceeds not yet spent on infrastructure

    @property
    def income(self) -> np.ndarray:
        return self.payout + self.land_proceeds + self.company_profit

    @property
    def spending(self) -> np.ndarray:
        return self.factory_cost + self.servicing_cost + self.staff_pay + self.other_spending + self.interest


def ramped(entered: np.ndarray, stock_new: np.ndarray, ramp_years: int) -> np.ndarray:
    """The new projects' tax actually paid (paths × years): the end-of-year producing tax at capacity
    ``stock_new`` less what this and recent years' entrants (``entered``, tax at capacity) have yet
    to ramp up to; every project pays min((k + 1) / ramp_years, 1) of its capacity in its k-th year."""
    if ramp_years == 0:
        return stock_new
    short = np.zeros_like(stock_new)
    for k in range(min(ramp_years, entered.shape[1])):  # a loop over at most ramp_years lags
        missing = 1.0 - min((k + 1) / ramp_years, 1.0)
        short[:, k:] += entered[:, :entered.shape[1] - k] * missing
    return np.maximum(stock_new - short, 0.0)


def simulate(params: Zone, rng: np.random.Generator, inputs: dict) -> ZoneResult:
    """The linked run and the ledger.  ``inputs`` maps ``revenue``, ``land`` and (optionally)
    ``salary`` to (section params, model result); ``rng`` is only used for the reverse question's
    seed.  Raises KeyError when a linked section is missing (the scenario check refuses that first).

    Under ``shortfall: cut_programme`` the year's factory starts are cut to what the cash allows:
    the land model is replayed on its own random numbers with those caps (fewer factories, so
    fewer tenants served and less new tax later), and the ledger run again, until no further cut
    is needed; what remains short is borrowed (with ``borrowing``) or covered by the county.
    """
    rev_params, _ = inputs["revenue"]
    land_params, land = inputs["land"]
    reverse = None
    if params.reverse is not None:
        reverse = largest_programme(params, inputs, seed=int(rng.integers(2**63)))
    result = _solve(params, inputs, land)
    shocks = rev_params.growth.shocks
    if shocks:  # the same paths without the scenario's tax shocks: what the shocks do to the zone
        rev = inputs["revenue"][1]
        sim_years = np.arange(rev_params.base_year + 1, rev_params.end_year + 1)
        level = np.ones(sim_years.size)
        for shock in shocks:
            level[sim_years >= shock.year] *= 1.0 + shock.change
        calm_rev = revenue_model.apply_rule(rev_params, sim_years, rev.sim_tax / level[:, None])
        result = replace(result, without_shocks=_solve(params, {**inputs, "revenue": (rev_params, calm_rev)}, land))
    return replace(result, reverse=reverse)


def _solve(params: Zone, inputs: dict, land) -> ZoneResult:
    """The linked run and the ledger on ``land``; under ``cut_programme``, replayed with the factory
    starts capped at what the cash paid for until no further cut is needed."""
    land_params, _ = inputs["land"]
    rev_params, _ = inputs["revenue"]
    result = _linked(params, inputs, land)
    if params.shortfall != "cut_programme" or params.factory_cost_yuan_per_m2 == 0:
        return result
    from simlib.models import land as land_model

    offset = rev_params.start_year - land_params.start_year
    caps = np.full(land.built_m2.shape, np.inf)

    def needs_cut(r: ZoneResult) -> np.ndarray:  # a cut that is more than rounding
        return r.programme_cut > 1e-9 * np.maximum(r.factory_cost + r.programme_cut, 1.0)

    passes = 0
    while needs_cut(result).any():
        if passes > result.years.size:  # each pass settles at least the earliest year cut
            raise RuntimeError("cut_programme did not settle; please report this scenario")
        passes += 1
        allowed = result.factory_cost * 1e8 / params.factory_cost_yuan_per_m2  # what the cash paid for
        cut = needs_cut(result)
        window = caps[:, offset:offset + result.years.size]
        window[cut] = np.minimum(window, np.broadcast_to(allowed, window.shape))[cut]
        result = _linked(params, inputs, land_model.replay(land_params, land, caps))
    cut_m2 = np.broadcast_to(land.built_m2[:, offset:offset + result.years.size], result.built_m2.shape) \
        - result.built_m2  # net: building caught up in a later year counts against it
    return replace(result, programme_cut_m2=cut_m2)


def _linked(params: Zone, inputs: dict, land) -> ZoneResult:
    """The linked tax, the sharing rule and the ledger on one land result."""
    rev_params, rev = inputs["revenue"]
    land_params, _ = inputs["land"]
    years = rev.years
    n_years = years.size
    offset = rev_params.start_year - land_params.start_year  # land column of the first revenue year
    cols = slice(offset, offset + n_years)
    new = ramped(land.tax_entered, land.new_producing_tax, params.ramp_years)[:, cols]
    new_land = ramped(land.tax_entered_land, land.new_producing_land_tax, params.ramp_years)[:, cols]
    # the revenue model's tax over every simulated year (year-major), the new tax added from start_year on
    sim_years = np.arange(rev_params.base_year + 1, rev_params.end_year + 1)
    existing = rev.sim_tax
    paths = max(existing.shape[1], new.shape[0])
    combined = np.broadcast_to(existing, (sim_years.size, paths)).copy()
    combined[sim_years.size - n_years:] += new.T
    linked = revenue_model.apply_rule(rev_params, sim_years, combined)
    payout_existing = np.broadcast_to(rev.split.payout, (paths, n_years))
    land_only = np.broadcast_to(existing, (sim_years.size, paths)).copy()
    land_only[sim_years.size - n_years:] += np.broadcast_to(new_land, (paths, n_years)).T
    without_tenants = revenue_model.apply_rule(rev_params, sim_years, land_only).split.payout

    def per_year(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a[:, cols], (paths, n_years)).astype(float)

    proceeds = per_year(land.land_sale_revenue)
    factory = per_year(land.built_m2) * params.factory_cost_yuan_per_m2 / 1e8
    servicing = per_year(land.serviced_mu) * params.servicing_cost_wan_per_mu / 1e4
    staff = np.zeros((paths, n_years))
    if "salary" in inputs:
        _, sal = inputs["salary"]
        staff += float(sal.total_pay.sum(axis=1).mean()) / 1e4  # 万元 a year → 亿元, the mean over rounds
    kept = params.land_proceeds == "kept"
    ledger = _ledger(params, paths, n_years, linked.split.payout + (proceeds if kept else 0.0) + params.company_profit,
                     staff + params.other_spending, factory, servicing, np.zeros_like(proceeds) if kept else proceeds)
    return ZoneResult(
        years=years, tax_existing=np.broadcast_to(rev.tax, (paths, n_years)), tax_new=new, payout=linked.split.payout,
        payout_existing=payout_existing, payout_without_tenants=np.broadcast_to(without_tenants, (paths, n_years)),
        top_up=linked.split.top_up, pooled=linked.split.pooled, county_net=linked.county_net,
        land_proceeds=proceeds if kept else np.zeros_like(proceeds),
        capital_injected=np.zeros_like(proceeds) if kept else proceeds,
        company_profit=np.full((paths, n_years), params.company_profit), factory_cost=factory - ledger.pop("cut"),
        programme_cut=ledger["programme_cut"], servicing_cost=servicing, staff_pay=staff,
        other_spending=np.full((paths, n_years), params.other_spending), opening_cash=params.opening_cash,
        built_m2=per_year(land.built_m2), **{k: v for k, v in ledger.items() if k != "programme_cut"})


class ZoneReverse(Metrics):
    """The largest fixed factory programme (m² a year) with P(the county must step in, some year) at
    most ``target``: null when even building nothing is short that often; ``rate`` is the top of the
    range tried (4 × the space the projects could need) when that is affordable (``at_most_tried``)."""

    target: float
    rate: float | None
    paths: int
    p_cash_short_at_rate: float | None
    at_most_tried: bool
    current: float | None  # the scenario's own programme (null: no limit)


class _Trials:
    """The reverse question's runs: the land model at a trial programme (fixed policy) on one recorded
    funnel, and the ledger on the revenue model's first ``paths`` paths."""

    def __init__(self, params: Zone, inputs: dict, seed: int) -> None:
        from simlib.models import land as land_model

        self.land_model, self.inputs, self.seed = land_model, inputs, seed
        rev_params, rev = inputs["revenue"]
        land_params, _ = inputs["land"]
        self.paths = min(max(rev.sim_tax.shape[1], land_params.paths), params.reverse.paths)
        self.fixed = land_params.factories.model_copy(update={"policy": "fixed", "build_m2_per_year": 0.0})
        self.base = land_params.model_copy(update={"paths": self.paths, "reverse": None, "factories": self.fixed})
        self.funnel = land_model._Funnel.record(self.base, np.random.default_rng(seed))
        sim_years = np.arange(rev_params.base_year + 1, rev_params.end_year + 1)
        self.revenue = (rev_params, revenue_model.apply_rule(rev_params, sim_years, rev.sim_tax[:, :self.paths]))
        self.plain = params.model_copy(update={"reverse": None})

    def p_cash_short(self, rate: float) -> float:
        """P(the county must step in, some year) with a fixed programme of ``rate`` m² a year."""
        lp = self.base.model_copy(update={"factories": self.fixed.model_copy(update={"build_m2_per_year": rate})})
        lr = self.land_model._months(lp, np.random.default_rng(self.seed), funnel=self.funnel)
        # the funnel was recorded from this generator: a cut programme can replay it
        lr = replace(lr, rng_state=np.random.default_rng(self.seed).bit_generator.state)
        r = simulate(self.plain, np.random.default_rng(0), {**self.inputs, "revenue": self.revenue, "land": (lp, lr)})
        return float((r.county_support > 1e-12).any(axis=1).mean())


def largest_programme(params: Zone, inputs: dict, seed: int) -> ZoneReverse:
    """Bisect the fixed factory programme for the largest one with P(cash short, some year) ≤ target.

    Every trial reruns the land model (fixed policy at the trial rate) on the same recorded funnel
    (common random numbers, a seed of its own) and the ledger on the revenue model's first
    ``paths`` paths.  It assumes P(cash short) does not fall as the programme grows (true while the
    zone's gain from the new tax within the horizon is below what the factories cost); the answer's
    own probability is reported.  The bracket is [0, 4 × the floor space the arriving projects could
    need a year], halved until its width is 2% of its top.
    """
    land_params, _ = inputs["land"]
    target = params.reverse.target
    trial = _Trials(params, inputs, seed)
    P = trial.paths
    known: dict[float, float] = {}

    def p_short(rate: float) -> float:
        if rate not in known:
            known[rate] = trial.p_cash_short(rate)
        return known[rate]

    proj, pipe = land_params.projects, land_params.pipeline
    top = max(pipe.arrivals_per_year * (1 - proj.land_share) * proj.factory_m2.mean * 4.0, 1.0)
    current = land_params.factories.build_m2_per_year
    if p_short(0.0) > target:
        return ZoneReverse(target=target, rate=None, paths=P, p_cash_short_at_rate=None, at_most_tried=False,
                           current=current)
    if p_short(top) <= target:
        return ZoneReverse(target=target, rate=top, paths=P, p_cash_short_at_rate=p_short(top), at_most_tried=True,
                           current=current)
    lo, hi = 0.0, top  # p_short(lo) ≤ target < p_short(hi) throughout
    while hi - lo > 0.02 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if p_short(mid) <= target else (lo, mid)
    return ZoneReverse(target=target, rate=lo, paths=P, p_cash_short_at_rate=p_short(lo), at_most_tried=False,
                       current=current)


def _ledger(params: Zone, paths: int, n_years: int, income: np.ndarray, outlays: np.ndarray,
            factory: np.ndarray, servicing: np.ndarray, injected: np.ndarray) -> dict[str, np.ndarray]:
    """Cash and debt year by year: interest on the debt at the start of the year, scheduled
    repayments, then the shortfall rule.  ``income``, ``outlays`` (before interest and factories)
    and ``factory`` (construction) are paths × years.  Returns interest, repayment, borrowing,
    county_support, cash, debt and, under ``cut_programme``, ``cut`` (the construction spending
    the cash could not pay, 亿元; the caller replays the land model without it) as
    ``programme_cut`` too (paths × years).  Land proceeds ``injected`` into the financing company
    are its capital, ring-fenced for infrastructure: they pay for servicing, then construction,
    before the zone's cash does (``company_paid``; ``company_capital`` what is left)."""
    out = {k: np.zeros((paths, n_years)) for k in ("interest", "repayment", "borrowing", "county_support", "cash",
                                                   "debt", "cut", "programme_cut", "company_paid", "company_capital")}
    outlays = outlays + factory + servicing
    capital = np.zeros(paths)
    cutting = params.shortfall == "cut_programme"
    debt0 = params.debt
    # outstanding by rate: the opening debt at its rate, new loans at the borrowing rate; and the
    # principal due in each year (rows) on each path
    old = np.full(paths, debt0.opening if debt0 is not None else 0.0)
    new = np.zeros(paths)
    old_schedule = np.zeros((n_years + 51, paths))
    new_schedule = np.zeros_like(old_schedule)
    if debt0 is not None:
        old_schedule[:debt0.repay_years] = debt0.opening / debt0.repay_years
    cash = np.full(paths, params.opening_cash)
    for y in range(n_years):
        interest = old * (debt0.interest_rate if debt0 is not None else 0.0) + new * (
            params.borrowing.interest_rate if params.borrowing is not None else 0.0)
        repay_old = np.minimum(old_schedule[y], old)
        repay_new = np.minimum(new_schedule[y], new)
        old -= repay_old
        new -= repay_new
        capital += injected[:, y]
        paid_servicing = np.minimum(capital, servicing[:, y])
        paid_factory = np.minimum(capital - paid_servicing, factory[:, y])
        capital -= paid_servicing + paid_factory
        out["company_paid"][:, y] = paid_servicing + paid_factory
        cash = cash + income[:, y] + paid_servicing + paid_factory - outlays[:, y] - interest - repay_old - repay_new
        short = np.maximum(-cash, 0.0)
        if cutting:  # first build less: the construction the cash cannot pay is not started
            cut = np.minimum(short, factory[:, y] - paid_factory)
            cash = cash + cut
            short = short - cut
            out["cut"][:, y] = out["programme_cut"][:, y] = cut
        borrowed = np.zeros(paths)
        if params.borrowing is not None and params.shortfall != "county":
            room = np.maximum(params.borrowing.limit - old - new, 0.0)
            borrowed = np.minimum(short, room)
            new += borrowed
            b = params.borrowing
            new_schedule[y + 1:y + 1 + b.repay_years] += borrowed / b.repay_years
        support = short - borrowed
        cash = cash + borrowed + support
        out["interest"][:, y], out["repayment"][:, y] = interest, repay_old + repay_new
        out["borrowing"][:, y], out["county_support"][:, y] = borrowed, support
        out["cash"][:, y], out["debt"][:, y] = cash, old + new
        out["company_capital"][:, y] = capital
    return out


class ShockEffect(Metrics):
    """What the revenue model's tax shocks do to the zone: the ledger on the same paths with the
    shocks taken out (the tax divided by the shocks' levels), beside the scenario's (means, 亿元)."""

    debt_mean_without: list[float]
    debt_end: float
    debt_end_without: float
    p_cash_short_ever: float
    p_cash_short_ever_without: float
    county_support_total: float
    county_support_total_without: float
    borrowing_total: float
    borrowing_total_without: float
    payout_total: float
    payout_total_without: float


def shock_effect(r: ZoneResult) -> ShockEffect | None:
    """The shocks' effect on debt, shortage, borrowing and payout; None when the scenario has none."""
    calm = r.without_shocks
    if calm is None:
        return None

    def ever(x: ZoneResult) -> float:
        return float((x.county_support > 1e-12).any(axis=1).mean())

    def total(a: np.ndarray) -> float:
        return float(a.sum(axis=1).mean())

    return ShockEffect(debt_mean_without=calm.debt.mean(axis=0).tolist(), debt_end=float(r.debt[:, -1].mean()),
                       debt_end_without=float(calm.debt[:, -1].mean()), p_cash_short_ever=ever(r),
                       p_cash_short_ever_without=ever(calm), county_support_total=total(r.county_support),
                       county_support_total_without=total(calm.county_support), borrowing_total=total(r.borrowing),
                       borrowing_total_without=total(calm.borrowing), payout_total=total(r.payout),
                       payout_total_without=total(calm.payout))


class ZoneMetrics(Metrics):
    """Yearly means over paths (lists over ``years``), probabilities, fans and horizon figures (亿元)."""

    years: list[int]
    paths: int
    cash_mean: list[float]
    debt_mean: list[float]
    p_cash_short: list[float]  # P(the county has to step in that year)
    county_support_mean: list[float]
    borrowing_mean: list[float]
    income_mean: list[float]
    spending_mean: list[float]
    payout_mean: list[float]  # sharing payout on the combined tax
    new_tax_mean: list[float]  # the new projects' tax (ramped)
    new_tax_gain_mean: list[float]  # the zone's payout gain from the new projects' tax
    land_proceeds_mean: list[float]
    capital_injected_mean: list[float]
    company_paid_mean: list[float]  # infrastructure paid from the financing company's capital
    company_capital_mean: list[float]  # its capital left at the end of the year
    factory_cost_mean: list[float]
    servicing_cost_mean: list[float]
    staff_pay_mean: list[float]
    interest_mean: list[float]
    repayment_mean: list[float]
    county_net_mean: list[float]  # combined tax less the payout (top-ups paid out)
    top_up_mean: list[float]  # the county's top-up to the floor, inside the payout
    pooled_mean: list[float]  # the excess over the cap the county pools
    debt_to_income: list[float | None]  # mean debt ÷ mean income
    payback_year_median: int | None  # of the factory programme; null when not by the horizon on half the paths
    p_payback_within_horizon: float | None  # null when nothing is built
    fiscal_return_yuan_per_m2: float | None  # Σ payout gain ÷ Σ m² built, 元 a m² over the horizon
    p_cash_short_ever: float
    programme_cut_m2_mean: list[float]  # m² of factories not started for want of cash (cut_programme; else 0)
    fan: dict[str, Fan]  # cash, debt
    reverse: ZoneReverse | None = None
    shock_effect: ShockEffect | None = None  # when the revenue model has tax shocks


def _ratio(num: float, den: float) -> float | None:
    """``num / den`` when ``den`` is positive and the quotient finite, else None (undefined).  The
    denominators are run outcomes (mean income, m² built) that inputs cannot bound away from 0: a
    positive income of 1e-310 亿元 would otherwise make the ratio overflow."""
    if not den > 0:
        return None
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        q = float(np.float64(num) / np.float64(den))
    return q if np.isfinite(q) else None


def summarize(result: ZoneResult, params: Zone) -> ZoneMetrics:
    """Means, probabilities and fans of the ledger; the factory programme's payback."""
    r = result

    def mean(a: np.ndarray) -> list[float]:
        return np.asarray(a, float).mean(axis=0).tolist()

    gain = r.payout - r.payout_existing
    cost = np.cumsum(r.factory_cost, axis=1)
    # the programme pays back from the first year after which the zone's cumulative gain from the
    # factory tenants' tax stays at or above the factories' cumulative cost to the end of the horizon
    ok = (np.cumsum(r.payout - r.payout_without_tenants, axis=1) >= cost) & (cost > 0)
    covered = np.flip(np.logical_and.accumulate(np.flip(ok, axis=1), axis=1), axis=1)
    built = r.factory_cost.sum(axis=1) > 0
    first = np.where(covered.any(axis=1), covered.argmax(axis=1), np.iinfo(np.int64).max)
    if built.any():
        order = np.sort(first[built])
        median = order[(order.size - 1) // 2]
        payback = int(r.years[median]) if median < r.years.size else None
        p_payback = float(covered[built].any(axis=1).mean())
    else:
        payback, p_payback = None, None
    m2 = r.built_m2.sum()
    income, debt = np.asarray(r.income).mean(axis=0), r.debt.mean(axis=0)
    short = r.county_support > 1e-12
    return ZoneMetrics(
        years=r.years.tolist(), paths=int(r.cash.shape[0]),
        cash_mean=mean(r.cash), debt_mean=mean(r.debt), p_cash_short=mean(short),
        county_support_mean=mean(r.county_support), borrowing_mean=mean(r.borrowing),
        income_mean=mean(r.income), spending_mean=mean(r.spending), payout_mean=mean(r.payout),
        new_tax_mean=mean(r.tax_new), new_tax_gain_mean=mean(gain), land_proceeds_mean=mean(r.land_proceeds),
        capital_injected_mean=mean(r.capital_injected), company_paid_mean=mean(r.company_paid),
        company_capital_mean=mean(r.company_capital), factory_cost_mean=mean(r.factory_cost),
        servicing_cost_mean=mean(r.servicing_cost), staff_pay_mean=mean(r.staff_pay),
        interest_mean=mean(r.interest), repayment_mean=mean(r.repayment), county_net_mean=mean(r.county_net),
        top_up_mean=mean(r.top_up), pooled_mean=mean(r.pooled),
        debt_to_income=[_ratio(d, i) for d, i in zip(debt, income)],
        payback_year_median=payback, p_payback_within_horizon=p_payback,
        fiscal_return_yuan_per_m2=_ratio((r.payout - r.payout_without_tenants).sum() * 1e8, m2),
        p_cash_short_ever=float(short.any(axis=1).mean()),
        programme_cut_m2_mean=mean(r.programme_cut_m2 if r.programme_cut_m2 is not None else np.zeros_like(r.cash)),
        fan={"cash": fan(r.cash), "debt": fan(r.debt)},
        reverse=r.reverse,
        shock_effect=shock_effect(r),
    )


MODEL = Model(
    section="zone",
    title={"zh": "园区财政闭环", "en": "Zone finances"},
    params=Zone,
    metrics=ZoneMetrics,
    simulate=simulate,
    summarize=summarize,
    headlines=(
        Headline({"zh": "期内需县级兜底的概率", "en": "P(the county must step in, some year)"},
                 lambda m: m.p_cash_short_ever, "percent", "p_cash_short_ever"),
        Headline({"zh": "期末园区债务（均值）", "en": "Zone debt at the end (mean)"},
                 lambda m: m.debt_mean[-1], "money"),
        Headline({"zh": "厂房计划期内回本概率", "en": "P(factory programme pays back in the horizon)"},
                 lambda m: m.p_payback_within_horizon, "percent", "p_payback_within_horizon", omit_when_none=True),
    ),
    uses=LINKED + ("salary",),
    check_links=check_links,
)
