"""Land and standard-factory supply set against a project pipeline: a monthly stock-flow model.

Stocks, each path a row:

- industrial land in mu (亩): unserviced → (servicing) → available → (sale) →
  sold → (idling) → idle → (revitalisation, 盘活) → available; one-off boundary
  or re-zoning changes add to (or take from) the unserviced stock;
- standard-factory floor space in m²: under construction → (after
  ``lag_months``) vacant → (letting) → occupied → (tenants leaving) → vacant.

Demand comes from a funnel: negotiated → signed → registered → construction
started → producing.  Arrivals of newly negotiated projects are Poisson; each
month a project in a stage advances with probability h and drops out with
probability d, so a stage converts h/(h + d) of its entrants after a mean
1/(h + d) months.  At signing each project draws whether it needs land or
factory space, how much, its investment and its tax at capacity; land projects
below the standard-land screen (标准地) are turned away.  A registered project
queues for space, oldest first, and is lost after ``max_wait_months``.

Projects are counted, not listed: a stage holds a count and the sums of its
projects' space and tax, and when k of its n projects move on they carry k/n of
those sums (projects within a stage are exchangeable).  Up to registration the
counts are whole numbers drawn binomially; from the queue on a cohort can be
served in part, so counts become expected values and later stages move in
expectation.  The Python loop runs over months; every step is vectorised over
paths.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from simlib.models.base import Headline, Metrics, Model, Section, cross_field_error


# -- parameters: the scenario's `land` section ------------------------------

KM2_TO_MU = 1500.0  # 1 km² = 1500 mu (亩)


class LandChange(Section):
    """A one-off boundary or re-zoning change to the unserviced industrial land, in ``year``."""

    year: int = Field(ge=1949, le=2300)
    mu: float | None = Field(default=None, ge=-1e7, le=1e7)
    km2: float | None = Field(default=None, ge=-1e4, le=1e4)
    note: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _one_unit(self) -> LandChange:
        if (self.mu is None) == (self.km2 is None):
            raise cross_field_error("mu", "give the change either in mu or in km2, not both or neither")
        return self

    @property
    def in_mu(self) -> float:
        return self.mu if self.mu is not None else self.km2 * KM2_TO_MU


class Lognormal(Section):
    """A positive quantity drawn lognormally with this mean and sd of its log."""

    mean: float = Field(gt=0, le=1e9)
    sd_log: float = Field(default=0.5, ge=0, le=3)


class Factories(Section):
    policy: Literal["fixed", "to_suit", "target_vacancy"]
    build_m2_per_year: float = Field(default=0.0, ge=0, le=1e9)
    lag_months: int = Field(ge=1, le=60)
    target_vacancy: float = Field(default=0.15, ge=0, lt=1)
    vacant_m2: float = Field(default=0.0, ge=0, le=1e10)
    occupied_m2: float = Field(default=0.0, ge=0, le=1e10)
    tenant_exit_rate: float = Field(default=0.0, ge=0, le=1)  # share of occupied space vacated a year


class Stages(Section):
    """Per-stage conversion (the share that ever advances) and mean time in the stage, in months."""

    conversion: float = Field(ge=0, le=1)
    lag_months: float = Field(ge=1, le=120)


class Pipeline(Section):
    """Newly negotiated projects a year and the funnel negotiated → signed → registered → started → producing.

    Give ``stages`` (one entry per step, each with conversion and mean lag) or
    ``cumulative_from_signed`` (the shares of signed projects that register,
    start construction and produce, as seed 003 quotes them) plus ``lags_months``.
    """

    arrivals_per_year: float = Field(gt=0, le=1e5)
    sign_rate: float | None = Field(default=None, ge=0, le=1)
    stages: dict[Literal["signed", "registered", "started", "producing"], Stages] | None = None
    cumulative_from_signed: dict[Literal["registered", "started", "producing"], float] | None = None
    lags_months: dict[Literal["signed", "registered", "started", "producing"], float] | None = None

    @model_validator(mode="after")
    def _one_funnel(self) -> Pipeline:
        steps = ("signed", "registered", "started", "producing")
        if self.stages is not None:
            missing = [k for k in steps if k not in self.stages]
            if missing:
                raise cross_field_error("stages", f"missing stage(s) {', '.join(missing)}")
            return self
        for key in ("sign_rate", "cumulative_from_signed", "lags_months"):
            if getattr(self, key) is None:
                raise cross_field_error(key, "required key is missing (or give stages instead: "
                                             "{signed, registered, started, producing: {conversion, lag_months}})")
        rates = [self.cumulative_from_signed.get(k) for k in steps[1:]]
        for k, r in zip(steps[1:], rates):
            if r is None:
                raise cross_field_error("cumulative_from_signed", f"missing {k}")
            if not 0 <= r <= 1:
                raise cross_field_error(f"cumulative_from_signed.{k}", f"must be within [0, 1], got {r!r}")
        for i in range(1, len(rates)):
            if rates[i] > rates[i - 1]:
                raise cross_field_error(f"cumulative_from_signed.{steps[i + 1]}",
                                        f"cumulative rates cannot rise along the funnel: {rates[i]!r} "
                                        f"after {rates[i - 1]!r}")
        for k in steps:
            lag = self.lags_months.get(k)
            if lag is None or not 1 <= lag <= 120:
                raise cross_field_error(f"lags_months.{k}", f"must be 1 to 120 months, got {lag!r}")
        return self

    def conversions(self) -> dict[str, tuple[float, float]]:
        """(conversion, mean lag in months) for each step of the funnel."""
        if self.stages is not None:
            return {k: (v.conversion, v.lag_months) for k, v in self.stages.items()}
        c = self.cumulative_from_signed
        step = {"signed": self.sign_rate, "registered": c["registered"],
                "started": c["started"] / c["registered"] if c["registered"] > 0 else 0.0,
                "producing": c["producing"] / c["started"] if c["started"] > 0 else 0.0}
        return {k: (step[k], self.lags_months[k]) for k in ("signed", "registered", "started", "producing")}


class Projects(Section):
    land_share: float = Field(ge=0, le=1)  # the rest need standard-factory space
    land_mu: Lognormal
    factory_m2: Lognormal
    investment: Lognormal  # 亿元 a project
    tax_at_capacity: Lognormal  # 亿元 a year a project
    plot_ratio: Lognormal | None = None


class StandardLand(Section):
    """The standard-land screen (标准地): land projects below any of these are turned away at signing."""

    min_investment_wan_per_mu: float | None = Field(default=None, ge=0, le=1e7)
    min_plot_ratio: float | None = Field(default=None, ge=0, le=20)
    min_tax_wan_per_mu: float | None = Field(default=None, ge=0, le=1e6)


class Reverse(Section):
    """The reverse question: the smallest programme that keeps the lost share under ``target``."""

    lever: Literal["build_m2_per_year", "servicing_mu_per_year"] = "build_m2_per_year"
    target: float = Field(default=0.1, gt=0, lt=1)
    paths: int = Field(default=200, ge=10, le=100_000)


class Land(Section):
    start_year: int = Field(ge=1949, le=2300)
    horizon_years: int = Field(ge=1, le=50)
    paths: int = Field(ge=1, le=100_000)
    unserviced_mu: float = Field(ge=0, le=1e8)
    available_mu: float = Field(ge=0, le=1e8)
    sold_mu: float = Field(default=0.0, ge=0, le=1e8)
    idle_mu: float = Field(default=0.0, ge=0, le=1e8)
    servicing_mu_per_year: float = Field(ge=0, le=1e7)
    idle_rate: float = Field(default=0.0, ge=0, le=1)
    revitalise_rate: float = Field(default=0.0, ge=0, le=1)
    price_wan_per_mu: float = Field(default=0.0, ge=0, le=1e6)
    changes: list[LandChange] = Field(default_factory=list)
    factories: Factories
    pipeline: Pipeline
    projects: Projects
    standard_land: StandardLand | None = None
    max_wait_months: int = Field(ge=0, le=120)
    reverse: Reverse | None = None

    @property
    def months(self) -> int:
        return 12 * self.horizon_years

    @model_validator(mode="after")
    def _consistent(self) -> Land:
        end = self.start_year + self.horizon_years - 1
        for i, ch in enumerate(self.changes):
            if not self.start_year <= ch.year <= end:
                raise cross_field_error(f"changes[{i}].year", f"must lie in {self.start_year}..{end}, got {ch.year}")
        screen = self.standard_land
        if screen is not None and screen.min_plot_ratio is not None and self.projects.plot_ratio is None:
            raise cross_field_error("standard_land.min_plot_ratio",
                                    "a plot-ratio screen needs projects.plot_ratio to draw from")
        f = self.factories
        if f.policy == "fixed" and f.build_m2_per_year <= 0:
            raise cross_field_error("factories.build_m2_per_year", "the fixed policy needs a programme above 0")
        if f.policy == "to_suit" and self.max_wait_months < f.lag_months:
            raise cross_field_error("max_wait_months", f"build-to-suit tenants wait for construction: must be at "
                                                       f"least factories.lag_months ({f.lag_months}), got "
                                                       f"{self.max_wait_months}")
        if self.paths * self.months > 5_000_000:
            raise cross_field_error("paths", f"paths × months must be at most 5,000,000, got "
                                             f"{self.paths:,} × {self.months}")
        return self


# -- the model ------------------------------------------------------------

from dataclasses import dataclass, field, replace

import numpy as np


LAND, FACTORY = 0, 1
STEPS = ("signed", "registered", "started", "producing")


def _rates(conversion: float, lag: float) -> tuple[float, float]:
    """Monthly advance and drop probabilities h, d with h/(h + d) = conversion and 1/(h + d) = lag."""
    return conversion / lag, (1.0 - conversion) / lag


def _lognormal(rng: np.random.Generator, spec, size) -> np.ndarray:
    """Draws with the spec's mean (not median) and sd of log."""
    return rng.lognormal(np.log(spec.mean) - 0.5 * spec.sd_log**2, spec.sd_log, size)


@dataclass
class Cohorts:
    """Projects in one stage, by path and type (land, factory): count, space needed, tax at capacity."""

    count: np.ndarray
    need: np.ndarray
    tax: np.ndarray

    @classmethod
    def empty(cls, paths: int) -> Cohorts:
        return cls(np.zeros((paths, 2)), np.zeros((paths, 2)), np.zeros((paths, 2)))

    def take(self, share: np.ndarray) -> Cohorts:
        """Move out ``share`` (per path and type) of every sum."""
        moved = Cohorts(self.count * share, self.need * share, self.tax * share)
        self.count -= moved.count
        self.need -= moved.need
        self.tax -= moved.tax
        return moved

    def add(self, other: Cohorts) -> None:
        self.count += other.count
        self.need += other.need
        self.tax += other.tax


@dataclass(frozen=True)
class LandResult:
    """Yearly series per path (paths × years) and the horizon's totals per path."""

    years: np.ndarray
    occupied_m2: np.ndarray  # end of year
    vacant_m2: np.ndarray
    under_construction_m2: np.ndarray
    unserviced_mu: np.ndarray
    available_mu: np.ndarray
    sold_mu: np.ndarray
    idle_mu: np.ndarray
    entered: dict  # step name → projects entering the step in each year (paths × years)
    negotiated: np.ndarray
    screened_out: np.ndarray
    lost: np.ndarray  # projects lost for want of space, per year
    lost_by_type: np.ndarray  # paths × 2, horizon totals (land, factory)
    queued_by_type: np.ndarray  # paths × 2, projects that ever queued for space
    served_by_type: np.ndarray  # paths × 2, projects given space
    served: np.ndarray  # projects given space, per year
    wait_months: np.ndarray  # sum of months waited by those served, per year
    producing_tax: np.ndarray  # 亿元 a year at capacity of producing projects, end of year
    producing_land_tax: np.ndarray  # the same, land projects only
    producing_mu: np.ndarray  # land held by producing land projects, mu, end of year
    land_sold: np.ndarray  # mu sold in the year
    land_sale_revenue: np.ndarray  # 亿元 in the year
    exhausted_month: np.ndarray  # first month with no land left to sell or service (-1: never)
    trace: dict = field(default_factory=dict)  # monthly stocks and flows (months × paths), when asked
    reverse: ReverseAnswer | None = None  # the reverse question's answer, when the scenario asks it


def simulate(params: Land, rng: np.random.Generator, inputs: None = None, trace: bool = False) -> LandResult:
    """Run the monthly stock-flow model over ``horizon_years`` for ``paths`` paths, then answer the
    reverse question (``land.reverse``) if the scenario asks it, with a seed drawn from ``rng`` so
    that every trial of the solver uses the same random numbers.  ``inputs`` is unused.
    """
    result = _months(params, rng, trace)
    if params.reverse is None:
        return result
    return replace(result, reverse=smallest_programme(params, seed=int(rng.integers(2**63))))


def _months(params: Land, rng: np.random.Generator, trace: bool = False) -> LandResult:
    """The monthly stock-flow model, every path at once."""
    P, months, years = params.paths, params.months, params.horizon_years
    f, pipe, proj = params.factories, params.pipeline, params.projects
    conv = pipe.conversions()
    hazards = {k: _rates(*conv[k]) for k in STEPS}
    h_neg, d_neg = hazards["signed"]  # negotiated → signed
    wait_cols = params.max_wait_months + 1

    # stocks
    U = np.full(P, params.unserviced_mu)
    A = np.full(P, params.available_mu)
    S = np.full(P, params.sold_mu)
    I = np.full(P, params.idle_mu)
    V = np.full(P, f.vacant_m2)
    O = np.full(P, f.occupied_m2)
    building = np.zeros((P, f.lag_months))  # ring buffer of construction starts by month slot
    negotiated = np.zeros(P, np.int64)
    signed = Cohorts.empty(P)
    # the queue for space: count, need and tax by path, type and months waited so far (last = oldest)
    q_count, q_need, q_tax = (np.zeros((P, 2, wait_cols)) for _ in range(3))
    ages = np.arange(wait_cols)
    served = Cohorts.empty(P)
    started = Cohorts.empty(P)
    producing = Cohorts.empty(P)

    changes = np.zeros(months)
    for ch in params.changes:
        changes[12 * (ch.year - params.start_year)] += ch.in_mu
    mean_land_need = proj.land_mu.mean

    def yearly() -> np.ndarray:
        return np.zeros((P, years))

    out = {k: yearly() for k in ("occupied", "vacant", "building", "U", "A", "S", "I", "negotiated",
                                 "screened", "lost", "served", "wait", "tax", "tax_land", "mu_producing", "sold",
                                 "revenue")}
    entered = {k: yearly() for k in STEPS}
    lost_by_type = np.zeros((P, 2))
    queued_by_type = np.zeros((P, 2))
    served_by_type = np.zeros((P, 2))
    exhausted = np.full(P, -1)
    tr: dict[str, list] = {}

    def record(**values: np.ndarray) -> None:
        for k, v in values.items():
            tr.setdefault(k, []).append(np.array(v, dtype=float, copy=True))

    for m in range(months):  # the only Python loop: over months, everything inside is over paths
        y = m // 12
        # -- the funnel up to registration: whole projects, binomial moves --
        # every move this month acts on who was in a stage at the start of the month; entrants
        # join afterwards, so a stage lasts 1/(h + d) months on average, never less than one
        arrivals = rng.poisson(pipe.arrivals_per_year / 12.0, P)
        out["negotiated"][:, y] += arrivals
        adv = rng.binomial(negotiated, h_neg)
        drop = rng.binomial(negotiated - adv, d_neg / (1.0 - h_neg)) if h_neg < 1 else 0
        negotiated += arrivals - adv - drop
        new = _sign(adv, proj, params.standard_land, rng)
        out["screened"][:, y] += adv - new.count.sum(axis=1)
        entered["signed"][:, y] += new.count.sum(axis=1)

        h, d = hazards["registered"]
        n = np.rint(signed.count).astype(np.int64)
        adv = rng.binomial(n, h)
        drop = rng.binomial(n - adv, d / (1.0 - h)) if h < 1 else np.zeros_like(n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share_adv = np.where(n > 0, adv / np.maximum(n, 1), 0.0)
            share_drop = np.where(n > 0, drop / np.maximum(n - adv, 1), 0.0)
        registering = signed.take(share_adv)
        signed.take(share_drop)
        signed.add(new)
        entered["registered"][:, y] += registering.count.sum(axis=1)
        queued_by_type += registering.count

        # -- factories: completions, then this month's starts --
        slot = m % f.lag_months
        completed = building[:, slot].copy()
        V += completed
        if f.policy == "fixed":
            starts = np.full(P, f.build_m2_per_year / 12.0)
        elif f.policy == "to_suit":  # build what the waiting tenants need beyond the empty and coming space
            waiting = q_need[:, FACTORY].sum(axis=1) + registering.need[:, FACTORY]
            pipeline_m2 = building.sum(axis=1) - completed
            starts = np.maximum(waiting - V - pipeline_m2, 0.0)
        else:
            waiting = q_need[:, FACTORY].sum(axis=1) + registering.need[:, FACTORY]
            pipeline_m2 = building.sum(axis=1) - completed
            gap = f.target_vacancy * (O + V + pipeline_m2) + waiting - V - pipeline_m2
            starts = np.maximum(gap, 0.0)
            if f.build_m2_per_year > 0:
                starts = np.minimum(starts, f.build_m2_per_year / 12.0)
        building[:, slot] = starts

        # -- land: servicing and one-off changes --
        servicing = np.minimum(U, params.servicing_mu_per_year / 12.0)
        U -= servicing
        A += servicing
        change = np.maximum(changes[m], -U)  # a removal cannot take more than is there
        U += change

        # -- the queue: oldest first, then age by a month; the oldest unserved are lost --
        q_count[:, :, 0] += registering.count
        q_need[:, :, 0] += registering.need
        q_tax[:, :, 0] += registering.tax
        supply = np.stack([A, V], axis=1)
        # serve the oldest first: what is needed by older cohorts comes off the supply before a cohort's turn
        older = np.cumsum(q_need[:, :, ::-1], axis=2)[:, :, ::-1] - q_need
        served_need = np.clip(supply[:, :, None] - older, 0.0, q_need)
        share = np.divide(served_need, q_need, out=np.ones_like(q_need), where=q_need > 0)
        share[share > 1.0 - 1e-9] = 1.0  # rounding must not leave a sliver of a project waiting
        served_need = share * q_need
        got = Cohorts(*((x * share).sum(axis=2) for x in (q_count, q_need, q_tax)))
        waited = ((q_count * share) * ages).sum(axis=2)
        q_count *= 1.0 - share
        q_need -= served_need
        q_tax *= 1.0 - share
        supply -= got.need
        np.maximum(supply, 0.0, out=supply)  # a rounded-up sliver never leaves a negative stock
        land_sold = A - supply[:, LAND]
        A, V = supply[:, LAND].copy(), supply[:, FACTORY].copy()
        served_by_type += got.count
        # land has run out when, after this month's sales, too little is left to sell or service for one project
        newly_out = (exhausted < 0) & (A + U < mean_land_need)
        exhausted[newly_out] = m
        S += land_sold
        O += got.need[:, FACTORY]
        out["sold"][:, y] += land_sold
        out["revenue"][:, y] += land_sold * params.price_wan_per_mu / 1e4
        out["served"][:, y] += got.count.sum(axis=1)
        out["wait"][:, y] += waited.sum(axis=1)
        gone = q_count[:, :, -1].copy()  # waited max_wait_months and still unserved: lost
        lost_by_type += gone
        out["lost"][:, y] += gone.sum(axis=1)
        for q in (q_count, q_need, q_tax):  # everyone waits one month more
            q[:, :, 1:] = q[:, :, :-1].copy()
            q[:, :, 0] = 0.0

        # -- after space: expected moves; drop-outs give their space back --
        released = np.zeros((P, 2))
        moves = []
        for stage, step in ((served, "started"), (started, "producing")):  # both moves before either lands
            h, d = hazards[step]
            moving = stage.take(np.full((P, 2), h))
            leaving = stage.take(np.full((P, 2), d / (1.0 - h)) if h < 1 else np.zeros((P, 2)))
            released += leaving.need
            entered[step][:, y] += moving.count.sum(axis=1)
            moves.append(moving)
        started.add(moves[0])
        producing.add(moves[1])
        served.add(got)  # this month's newcomers move from next month on
        # space handed back; never more than the stock holds (idling and tenants leaving also draw on it)
        released[:, LAND] = np.minimum(released[:, LAND], S)
        released[:, FACTORY] = np.minimum(released[:, FACTORY], O)
        S -= released[:, LAND]
        I += released[:, LAND]
        O -= released[:, FACTORY]
        V += released[:, FACTORY]

        # -- idling, revitalisation, tenants leaving --
        idling = S * (params.idle_rate / 12.0)
        revitalised = I * (params.revitalise_rate / 12.0)
        leaving_m2 = O * (f.tenant_exit_rate / 12.0)
        S -= idling
        I += idling - revitalised
        A += revitalised
        O -= leaving_m2
        V += leaving_m2

        if trace:
            record(U=U, A=A, S=S, I=I, V=V, O=O, C=building.sum(axis=1), servicing=servicing, change=change,
                   sold=land_sold, released_land=released[:, LAND], idling=idling, revitalised=revitalised,
                   completed=completed, starts=starts, let=got.need[:, FACTORY],
                   released_m2=released[:, FACTORY], leaving_m2=leaving_m2)
        if m % 12 == 11:
            out["occupied"][:, y], out["vacant"][:, y] = O, V
            out["building"][:, y] = building.sum(axis=1)
            out["U"][:, y], out["A"][:, y], out["S"][:, y], out["I"][:, y] = U, A, S, I
            out["tax"][:, y] = producing.tax.sum(axis=1)
            out["tax_land"][:, y] = producing.tax[:, LAND]
            out["mu_producing"][:, y] = producing.need[:, LAND]

    return LandResult(
        years=params.start_year + np.arange(years),
        occupied_m2=out["occupied"], vacant_m2=out["vacant"], under_construction_m2=out["building"],
        unserviced_mu=out["U"], available_mu=out["A"], sold_mu=out["S"], idle_mu=out["I"],
        entered=entered, negotiated=out["negotiated"], screened_out=out["screened"], lost=out["lost"],
        lost_by_type=lost_by_type, queued_by_type=queued_by_type, served_by_type=served_by_type,
        served=out["served"], wait_months=out["wait"], producing_tax=out["tax"],
        producing_land_tax=out["tax_land"], producing_mu=out["mu_producing"], land_sold=out["sold"],
        land_sale_revenue=out["revenue"], exhausted_month=exhausted,
        trace={k: np.array(v) for k, v in tr.items()},
    )


def _sign(count: np.ndarray, proj, screen, rng: np.random.Generator) -> Cohorts:
    """Draw the newly signed projects' needs; land projects below the standard-land screen are turned away."""
    P = count.size
    total = int(count.sum())
    path = np.repeat(np.arange(P), count)
    is_factory = rng.random(total) >= proj.land_share
    mu = _lognormal(rng, proj.land_mu, total)
    m2 = _lognormal(rng, proj.factory_m2, total)
    invest = _lognormal(rng, proj.investment, total)
    tax = _lognormal(rng, proj.tax_at_capacity, total)
    ratio = _lognormal(rng, proj.plot_ratio, total) if proj.plot_ratio is not None else None
    keep = np.ones(total, bool)
    if screen is not None:
        land = ~is_factory
        if screen.min_investment_wan_per_mu is not None:
            keep &= ~land | (invest * 1e4 / mu >= screen.min_investment_wan_per_mu)
        if screen.min_tax_wan_per_mu is not None:
            keep &= ~land | (tax * 1e4 / mu >= screen.min_tax_wan_per_mu)
        if screen.min_plot_ratio is not None and ratio is not None:
            keep &= ~land | (ratio >= screen.min_plot_ratio)
    kind = is_factory.astype(np.int64)
    index = (path * 2 + kind)[keep]
    need = np.where(is_factory, m2, mu)[keep]

    def per(weights) -> np.ndarray:
        return np.bincount(index, weights=weights, minlength=2 * P).reshape(P, 2)

    return Cohorts(per(None).astype(float), per(need), per(tax[keep]))


class Fan(Metrics):
    """Quantiles over paths, one value per year."""

    p05: list[float]
    p25: list[float]
    p50: list[float]
    p75: list[float]
    p95: list[float]


class Funnel(Metrics):
    """Projects entering each stage over the horizon: expected with unlimited space, and simulated."""

    expected: dict[str, float]
    simulated: dict[str, float]


class ReverseAnswer(Metrics):
    """The smallest programme (m² or mu a year) keeping the lost share under ``target``; null when
    even four times the demand does not."""

    lever: str
    target: float
    rate: float | None
    paths: int
    lost_share_at_rate: float | None


class LandMetrics(Metrics):
    """Yearly means over paths (lists over ``years``; null where undefined) and horizon figures."""

    years: list[int]
    paths: int
    occupancy_rate: list[float | None]
    vacant_m2: list[float]
    occupied_m2: list[float]
    under_construction_m2: list[float]
    land_available_mu: list[float]
    land_unserviced_mu: list[float]
    land_sold_mu_total: list[float]
    land_idle_mu: list[float]
    signed: list[float]
    producing: list[float]
    lost_for_space: list[float]
    lost_share: float
    lost_share_land: float
    lost_share_factory: float
    still_waiting_at_end: float
    mean_wait_months: list[float | None]
    mean_wait_months_total: float | None
    tax_per_mu: list[float]  # 万元 a mu a year
    producing_tax: list[float]  # 亿元 a year
    land_sale_revenue: list[float]  # 亿元
    screened_out_total: float
    p_land_exhausted: float
    land_exhausted_year_median: int | None
    funnel: Funnel
    fan: dict[str, Fan]  # occupancy_rate, vacant_m2, land_left_mu
    reverse: ReverseAnswer | None = None


def summarize(result: LandResult, params: Land) -> LandMetrics:
    """Per-year means over paths, horizon figures, the funnel, land exhaustion and the reverse answer."""

    def mean(a: np.ndarray) -> list[float]:
        return a.mean(axis=0).tolist()

    built = result.occupied_m2 + result.vacant_m2
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = np.where(built > 0, result.occupied_m2 / np.where(built > 0, built, 1.0), np.nan)
        wait = result.wait_months.sum(axis=0) / result.served.sum(axis=0)
        # 万元 a mu a year: land projects in production, their tax over the land they hold
        tax_per_mu = np.divide(result.producing_land_tax * 1e4, result.producing_mu,
                               out=np.zeros_like(result.producing_mu), where=result.producing_mu > 0)
    # of the projects whose wait ended (served or lost); those still queuing at the horizon are neither
    decided = result.lost_by_type + result.served_by_type
    served = result.served.sum()
    exhausted = result.exhausted_month >= 0
    conv = params.pipeline.conversions()
    # expected counts with unlimited space and time: arrivals × conversions (× the screen's pass rate)
    signed_total = result.entered["signed"].sum()
    offered = signed_total + result.screened_out.sum()
    passing = signed_total / offered if offered > 0 else 1.0
    expected = {"negotiated": params.pipeline.arrivals_per_year * params.horizon_years}
    running = expected["negotiated"]
    for step in STEPS:
        running *= conv[step][0] * (passing if step == "signed" else 1.0)
        expected[step] = running
    simulated = {"negotiated": float(result.negotiated.sum(axis=1).mean()),
                 **{k: float(v.sum(axis=1).mean()) for k, v in result.entered.items()}}
    return LandMetrics(**{
        "years": result.years.tolist(),
        "paths": int(result.occupied_m2.shape[0]),
        "occupancy_rate": [None if np.isnan(x) else float(x) for x in np.nanmean(occupancy, axis=0)]
        if np.isfinite(occupancy).any() else [None] * len(result.years),
        "vacant_m2": mean(result.vacant_m2),
        "occupied_m2": mean(result.occupied_m2),
        "under_construction_m2": mean(result.under_construction_m2),
        "land_available_mu": mean(result.available_mu),
        "land_unserviced_mu": mean(result.unserviced_mu),
        "land_sold_mu_total": mean(result.sold_mu),
        "land_idle_mu": mean(result.idle_mu),
        "signed": mean(result.entered["signed"]),
        "producing": mean(result.entered["producing"]),
        "lost_for_space": mean(result.lost),
        "lost_share": _share(result.lost_by_type, decided),
        "lost_share_land": _share(result.lost_by_type[:, LAND], decided[:, LAND]),
        "lost_share_factory": _share(result.lost_by_type[:, FACTORY], decided[:, FACTORY]),
        "still_waiting_at_end": float((result.queued_by_type - decided).sum(axis=1).mean()),
        "mean_wait_months": [None if np.isnan(x) else float(x) for x in wait],
        "mean_wait_months_total": float(result.wait_months.sum() / served) if served > 0 else None,
        "tax_per_mu": mean(tax_per_mu),
        "producing_tax": mean(result.producing_tax),
        "land_sale_revenue": mean(result.land_sale_revenue),
        "screened_out_total": float(result.screened_out.sum(axis=1).mean()),
        "p_land_exhausted": float(exhausted.mean()),
        "land_exhausted_year_median": _median_year(result.exhausted_month, params),
        "funnel": {"expected": expected, "simulated": simulated},
        "fan": {"occupancy_rate": _fan(np.nan_to_num(occupancy, nan=0.0)), "vacant_m2": _fan(result.vacant_m2),
                "land_left_mu": _fan(result.available_mu + result.unserviced_mu)},
        "reverse": result.reverse,
    })


def _fan(a: np.ndarray) -> dict[str, list[float]]:
    q = np.quantile(a, (0.05, 0.25, 0.5, 0.75, 0.95), axis=0)
    return {f"p{p:02d}": row.tolist() for p, row in zip((5, 25, 50, 75, 95), q)}


def _median_year(exhausted_month: np.ndarray, params: Land) -> int | None:
    """The median over all paths of the year land runs out (a path that never does counts as after
    the horizon), or None when that median lies beyond the horizon."""
    months = np.where(exhausted_month >= 0, exhausted_month, np.iinfo(np.int64).max)
    median = np.sort(months)[(months.size - 1) // 2]  # the lower median: a month that happened
    return int(params.start_year + median // 12) if median < params.months else None


def _share(part: np.ndarray, whole: np.ndarray) -> float:
    return float(part.sum() / whole.sum()) if whole.sum() > 0 else 0.0


def smallest_programme(params: Land, seed: int) -> ReverseAnswer:
    """The smallest build (or servicing) rate keeping the lost share under the target, by root finding.

    Every evaluation reuses the same seed (common random numbers), so the lost
    share is a deterministic, non-increasing function of the rate and
    ``scipy.optimize.brentq`` can bracket it.
    """
    from scipy.optimize import brentq

    rev = params.reverse
    factory = rev.lever == "build_m2_per_year"
    kind = FACTORY if factory else LAND
    base = params.model_copy(update={"paths": min(params.paths, rev.paths), "reverse": None})
    if factory:
        base = base.model_copy(update={"factories": base.factories.model_copy(update={"policy": "fixed"})})

    def lost_share(rate: float) -> float:
        if factory:
            p = base.model_copy(update={"factories": base.factories.model_copy(
                update={"build_m2_per_year": max(rate, 1e-9)})})
        else:
            p = base.model_copy(update={"servicing_mu_per_year": rate})
        result = _months(p, np.random.default_rng(seed))
        decided = result.lost_by_type[:, kind] + result.served_by_type[:, kind]
        return _share(result.lost_by_type[:, kind], decided)

    proj, pipe = params.projects, params.pipeline
    share = (1 - proj.land_share) if factory else proj.land_share
    need = proj.factory_m2.mean if factory else proj.land_mu.mean
    demand = pipe.arrivals_per_year * share * need  # an upper bound on space needed a year
    lo, hi = 0.0, max(demand * 4.0, 1.0)
    f_lo, f_hi = lost_share(lo) - rev.target, lost_share(hi) - rev.target
    if f_lo <= 0:
        rate = 0.0
    elif f_hi > 0:
        rate = None
    else:
        xtol = max(hi * 0.01, 1e-6)  # 1% of the bracket (4% of the demand): below the Monte Carlo noise
        rate = float(brentq(lambda r: lost_share(r) - rev.target, lo, hi, xtol=xtol))
        if lost_share(rate) > rev.target:  # the lost share is a step function: land on the right side
            rate += xtol
    return ReverseAnswer(lever=rev.lever, target=rev.target, rate=rate, paths=base.paths,
                         lost_share_at_rate=lost_share(rate) if rate is not None else None)


def _last(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return present[-1] if present else None


MODEL = Model(
    section="land",
    title={"zh": "土地与标准厂房", "en": "Land and standard factories"},
    params=Land,
    metrics=LandMetrics,
    simulate=simulate,
    summarize=summarize,
    headlines=(
        Headline({"zh": "因无空间流失的项目占比", "en": "Projects lost for want of space"},
                 lambda m: m.lost_share, "percent", "lost_share"),
        Headline({"zh": "期末厂房出租率", "en": "Factory occupancy at the end"},
                 lambda m: _last(m.occupancy_rate), "percent"),
        Headline({"zh": "期内用地耗尽概率", "en": "P(land runs out in the horizon)"},
                 lambda m: m.p_land_exhausted, "percent", "p_land_exhausted"),
    ),
)
