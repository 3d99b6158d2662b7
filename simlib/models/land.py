"""Land and standard-factory supply set against a project pipeline: a monthly stock-flow model.

Stocks, each path a row:

- industrial land in mu (亩): unserviced → (servicing) → available → (sale) →
  sold, i.e. held by a firm → idle, i.e. no firm produces on it → (revitalisation,
  盘活) → available; one-off boundary or re-zoning changes add to (or take from)
  the unserviced stock.  Sold land is held by existing firms (``sold_mu`` less the
  initial stocks' land), by projects given land but not yet producing, by producing
  firms and by idle firms; every mu is in exactly one of these stocks;
- standard-factory floor space in m²: under construction → (after
  ``lag_months``) vacant → (letting) → occupied → (tenants leaving) → vacant.

Firms on land fall idle at ``idle_rate`` a year (of the land in production): a share
``idle_exit_share`` of them leave, giving their land up to the idle stock, and the rest
stay, holding their land with no output; either way their tax stops.  Revitalisation
takes ``revitalise_rate`` a year of the land no firm produces on (the vacated idle land
and the idle firms' land, whose firms then leave) back to available.  Tenants leave at
``tenant_exit_rate`` a year, taking their tax with them.  So no mu is sold twice and no
firm produces on land it has lost.

Demand comes from a funnel: negotiated → signed → registered → construction
started → producing.  Arrivals of newly negotiated projects are Poisson; each
month a project in a stage advances with probability h and drops out with
probability d, so a stage converts h/(h + d) of its entrants after a mean
1/(h + d) months.  At signing each project draws whether it needs land or
factory space, how much, its investment and its tax at capacity; land projects
below the standard-land screen (标准地) are turned away.  A registered project
queues for space, oldest first, and is lost after ``max_wait_months``.  The pipeline
can start where the zone is: ``initial`` gives the projects in negotiation, signed,
registered (given space, construction not started), started and producing at the start.

Projects are counted, not listed: a stage holds a count and the sums of its
projects' space and tax, and when k of its n projects move on they carry k/n of
those sums (projects within a stage are exchangeable).  Up to registration the
counts are whole numbers drawn binomially; from the queue on a cohort can be
served in part, so counts become expected values and later stages move in
expectation.  The Python loop runs over months; every step is vectorised over
paths.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from simlib.models import land_screen
from simlib.models.base import Fan, Headline, Metrics, Model, Section, cross_field_error, fan
from simlib.models.land_screen import StandardLand


# -- parameters: the scenario's `land` section ------------------------------

KM2_TO_MU = 1500.0  # 1 km² = 1500 mu (亩)
LAND, FACTORY = 0, 1  # project types: the second axis of every by-type array
#: The smallest mean land need (mu, about 0.67 m²) and floor-space need (m²) of a project: far below
#: any real plot or unit, and large enough that tax per mu (results.json's ``tax_per_mu``) and the
#: zone's fiscal return per m² stay finite for any tax the draws allow.
MIN_MEAN_MU = 1e-3
MIN_MEAN_M2 = 1e-2


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
    """Standard-factory supply.  ``build_m2_per_year`` is the programme, m² a year: ``fixed`` starts
    exactly that (0 is a moratorium); ``to_suit`` and ``target_vacancy`` start what their rule asks
    but at most that a year, ``null`` (the default) meaning no limit and 0 meaning build nothing."""

    policy: Literal["fixed", "to_suit", "target_vacancy"]
    build_m2_per_year: float | None = Field(default=None, ge=0, le=1e9)
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
    """What a newly signed project draws: its type, space, investment, tax and (when a screen needs
    them) output, plot ratio and building coverage, each independently."""

    land_share: float = Field(ge=0, le=1)  # the rest need standard-factory space
    land_mu: Lognormal
    factory_m2: Lognormal
    investment: Lognormal  # 亿元 a project
    tax_at_capacity: Lognormal  # 亿元 a year a project
    output_at_capacity: Lognormal | None = None  # 亿元 a year a project
    plot_ratio: Lognormal | None = None
    coverage: Lognormal | None = None  # building coverage (建筑密度), a share; draws above 1 are cut to 1


class InitialStage(Section):
    """Projects in one stage at the start: how many, and (by default from ``projects``' means) the
    share needing land, the land (mu) and floor space (m²) they hold or will need, and their tax at
    capacity (亿元 a year, all of them together)."""

    count: int = Field(ge=0, le=1_000_000)
    land_share: float | None = Field(default=None, ge=0, le=1)
    mu: float | None = Field(default=None, ge=0, le=1e8)
    m2: float | None = Field(default=None, ge=0, le=1e10)
    tax: float | None = Field(default=None, ge=0, le=1e6)


class Initial(Section):
    """The pipeline at the start.  ``registered`` projects have been given space (land sold to them,
    factory space let) but not started building; their land and space, and those of ``started`` and
    ``producing``, are part of ``sold_mu`` and ``factories.occupied_m2``."""

    negotiated: int = Field(default=0, ge=0, le=1_000_000)
    signed: InitialStage | None = None
    registered: InitialStage | None = None
    started: InitialStage | None = None
    producing: InitialStage | None = None


class Reverse(Section):
    """The reverse question: the smallest programme that keeps the lost share under ``target``."""

    lever: Literal["auto", "build_m2_per_year", "servicing_mu_per_year"] = "auto"  # auto: the binding one
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
    idle_rate: float = Field(default=0.0, ge=0, le=1)  # of the land in production, a year
    idle_exit_share: float = Field(default=1.0, ge=0, le=1)  # of the firms falling idle, those who leave
    revitalise_rate: float = Field(default=0.0, ge=0, le=1)  # of the land no firm produces on, a year
    price_wan_per_mu: float = Field(default=0.0, ge=0, le=1e6)
    changes: list[LandChange] = Field(default_factory=list)
    factories: Factories
    pipeline: Pipeline
    projects: Projects
    standard_land: StandardLand | None = None
    initial: Initial | None = None
    max_wait_months: int = Field(ge=0, le=120)
    reverse: Reverse | None = None

    @property
    def months(self) -> int:
        return 12 * self.horizon_years

    def initial_cohort(self, stage: str) -> Cohorts:
        """The initial stock of one stage (1 path) as count, need and tax by type (land, factory)."""
        spec = getattr(self.initial, stage) if self.initial is not None else None
        if spec is None:
            return Cohorts.empty(1)
        p = self.projects
        share = p.land_share if spec.land_share is None else spec.land_share
        land = int(np.floor(spec.count * share + 0.5))  # whole projects: counts below one never move
        count = np.array([[land, spec.count - land]], dtype=float)
        mu = count[0, LAND] * p.land_mu.mean if spec.mu is None else spec.mu
        m2 = count[0, FACTORY] * p.factory_m2.mean if spec.m2 is None else spec.m2
        tax = spec.count * p.tax_at_capacity.mean if spec.tax is None else spec.tax
        split = count / spec.count if spec.count > 0 else np.zeros((1, 2))
        return Cohorts(count, np.array([[mu, m2]]), tax * split)

    def initial_held(self) -> np.ndarray:
        """Land (mu) and floor space (m²) held at the start by the initial registered, started and
        producing projects, shape (2,)."""
        return sum((self.initial_cohort(k).need[0] for k in HOLDING), np.zeros(2))

    @model_validator(mode="after")
    def _consistent(self) -> Land:
        end = self.start_year + self.horizon_years - 1
        for i, ch in enumerate(self.changes):
            if not self.start_year <= ch.year <= end:
                raise cross_field_error(f"changes[{i}].year", f"must lie in {self.start_year}..{end}, got {ch.year}")
        if self.standard_land is not None:
            draws = {"output": "output_at_capacity", "plot_ratio": "plot_ratio", "coverage": "coverage"}
            for need in sorted(land_screen.needs(self.standard_land)):
                if getattr(self.projects, draws[need]) is None:
                    raise cross_field_error("standard_land", f"the screen uses {need.replace('_', ' ')}: give "
                                                             f"projects.{draws[need]} to draw it from")
        f = self.factories
        if f.policy == "fixed" and f.build_m2_per_year is None:
            raise cross_field_error("factories.build_m2_per_year",
                                    "the fixed policy needs a programme (0 builds nothing more)")
        for key, least, unit in (("land_mu", MIN_MEAN_MU, "mu"), ("factory_m2", MIN_MEAN_M2, "m²")):
            mean = getattr(self.projects, key).mean
            if mean < least:
                raise cross_field_error(f"projects.{key}.mean", f"a project's mean need must be at least {least:g} "
                                                                f"{unit} (tax per {unit} divides by it), got {mean:g}")
        cov = self.projects.coverage
        if cov is not None and cov.mean > 1:
            raise cross_field_error("projects.coverage.mean", f"building coverage is a share of the plot (e.g. 0.45, "
                                                              f"not 45), got {cov.mean:g}")
        for stage in ("signed", "registered", "started", "producing"):
            spec = getattr(self.initial, stage) if self.initial is not None else None
            if spec is None:
                continue
            c = self.initial_cohort(stage).count[0]
            for key, kind, name in (("mu", LAND, "land"), ("m2", FACTORY, "factory")):
                if getattr(spec, key) and c[kind] == 0:
                    raise cross_field_error(f"initial.{stage}.{key}", f"is {getattr(spec, key):g} but the stage has "
                                                                      f"no {name} projects (count × land_share)")
            if spec.tax and spec.count == 0:
                raise cross_field_error(f"initial.{stage}.tax", f"is {spec.tax:g} but the stage has no projects")
        held = self.initial_held()
        if held[LAND] > self.sold_mu * (1 + 1e-9):
            raise cross_field_error("sold_mu", f"the initial registered, started and producing projects hold "
                                               f"{held[LAND]:,.0f} mu: sold land must be at least that, got "
                                               f"{self.sold_mu:,.0f} (the rest is held by firms outside the pipeline)")
        if held[FACTORY] > f.occupied_m2 * (1 + 1e-9):
            raise cross_field_error("factories.occupied_m2", f"the initial registered, started and producing "
                                                             f"projects occupy {held[FACTORY]:,.0f} m²: occupied "
                                                             f"space must be at least that, got {f.occupied_m2:,.0f}")
        if f.policy == "to_suit" and self.max_wait_months < f.lag_months:
            raise cross_field_error("max_wait_months", f"build-to-suit tenants wait for construction: must be at "
                                                       f"least factories.lag_months ({f.lag_months}), got "
                                                       f"{self.max_wait_months}")
        if self.paths * self.months > 5_000_000:
            raise cross_field_error("paths", f"paths × months must be at most 5,000,000, got "
                                             f"{self.paths:,} × {self.months}")
        return self


# -- the model ------------------------------------------------------------


STEPS = ("signed", "registered", "started", "producing")
HOLDING = ("registered", "started", "producing")  # initial stages that hold space


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
    sold_mu: np.ndarray  # held by firms (existing, in the pipeline, producing or idle)
    idle_mu: np.ndarray  # no firm produces on it: vacated, or held by an idle firm
    idle_held_mu: np.ndarray  # the part held by idle firms
    entered: dict  # step name → projects entering the step in each year (paths × years)
    negotiated: np.ndarray
    screened_out: np.ndarray
    lost: np.ndarray  # projects lost for want of space, per year
    lost_by_type: np.ndarray  # paths × 2, horizon totals (land, factory)
    queued_by_type: np.ndarray  # paths × 2, projects that ever queued for space
    served_by_type: np.ndarray  # paths × 2, projects given space
    served: np.ndarray  # projects given space, per year
    wait_months: np.ndarray  # months waited by those served and by the lost (until they gave up), per year
    states: dict  # every project's state at the end, paths: negotiating … exited (see PROJECT_STATES)
    screened_by_condition: np.ndarray  # paths × conditions: projects each screen condition turned away
    producing_tax: np.ndarray  # 亿元 a year at capacity of producing projects, end of year
    producing_land_tax: np.ndarray  # the same, land projects only
    producing_mu: np.ndarray  # land held by producing land projects, mu, end of year
    exited: np.ndarray  # firms that left after falling idle or tenants that left, per year
    built_m2: np.ndarray  # factory floor space started in the year, m²
    serviced_mu: np.ndarray  # land serviced in the year, mu
    tax_entered: np.ndarray  # tax at capacity of the projects entering production in the year, 亿元 a year
    tax_entered_land: np.ndarray  # the same, land projects only
    new_producing_tax: np.ndarray  # end of year: producing tax of projects that entered production in the horizon
    new_producing_land_tax: np.ndarray  # the same, land projects only
    land_sold: np.ndarray  # mu sold in the year
    land_sale_revenue: np.ndarray  # 亿元 in the year
    exhausted_month: np.ndarray  # first month with no land left to sell or service (-1: never)
    trace: dict = field(default_factory=dict)  # monthly stocks and flows (months × paths), when asked
    rng_state: dict | None = None  # the generator's state at the start: replay() records the same funnel
    reverse: ReverseAnswer | None = None  # the reverse question's answer, when the scenario asks it


def simulate(params: Land, rng: np.random.Generator, inputs: None = None, trace: bool = False) -> LandResult:
    """Run the monthly stock-flow model over ``horizon_years`` for ``paths`` paths, then answer the
    reverse question (``land.reverse``) if the scenario asks it, with a seed drawn from ``rng`` so
    that every trial of the solver uses the same random numbers.  ``inputs`` is unused.
    """
    start_state = copy.deepcopy(rng.bit_generator.state)  # so a linked model can replay this very funnel
    result = replace(_months(params, rng, trace), rng_state=start_state)
    if params.reverse is None:
        return result
    return replace(result, reverse=smallest_programme(params, seed=int(rng.integers(2**63))))


def replay(params: Land, result: LandResult, caps: np.ndarray | None = None) -> LandResult:
    """The run that gave ``result`` (from :func:`simulate`), again, with the factory starts of each path
    and year capped at ``caps`` (m² a year, paths × years; None: as before): the funnel is recorded
    from the same random numbers, so only what space changes moves.  The zone model uses it when a
    cash shortfall cuts the building programme."""
    rng = np.random.default_rng()
    rng.bit_generator.state = result.rng_state
    return _months(params, np.random.default_rng(0), funnel=_Funnel.record(params, rng), caps=caps)


def _months(params: Land, rng: np.random.Generator, trace: bool = False,
            funnel: _Funnel | None = None, caps: np.ndarray | None = None) -> LandResult:
    """The monthly stock-flow model, every path at once: one Python loop over months, each month the
    same sequence of steps, every step vectorised over paths.  All the random draws are made by the
    funnel up to registration (``_funnel``), which does not depend on space; ``funnel`` replays one
    recorded from the same parameters and random numbers instead of drawing (``rng`` is then unused)."""
    setup = _Setup.of(params)
    if caps is not None:
        setup = replace(setup, caps=caps)
    st = _State.initial(params)
    registrations = _funnel(st, setup, rng) if funnel is None else funnel.replay(st)
    tr: dict[str, list] = {}
    for m, registering in enumerate(registrations):
        y = m // 12
        completed, starts = _build_factories(st, setup, m, registering)
        servicing, change = _service_land(st, setup, m)
        st.yearly["built"][:, y] += starts
        st.yearly["serviced"][:, y] += servicing
        got, land_sold = _serve_queue(st, setup, m, y, registering)
        released = _advance_after_space(st, setup, got, y)
        moves = _idle_and_revitalise(st, setup, y)
        if trace:
            _record_month(tr, U=st.U, A=st.A, S=st.S, I=st.I, V=st.V, O=st.O, C=st.building.sum(axis=1),
                          servicing=servicing, change=change, sold=land_sold, released_land=released[:, LAND],
                          completed=completed, starts=starts, let=got.need[:, FACTORY],
                          released_m2=released[:, FACTORY], queue=st.q_count.sum(axis=(1, 2)),
                          registering=registering.count.sum(axis=1),
                          producing_mu=st.producing.need[:, LAND], held_mu=st.held()[:, LAND],
                          I_held=st.idle.need[:, LAND] + st.E_idle,
                          held_m2=st.held()[:, FACTORY], **moves)
        if m % 12 == 11:
            _record_year(st, y)
    return st.result(params, trace={k: np.array(v) for k, v in tr.items()})


@dataclass(frozen=True)
class _Setup:
    """What the monthly steps read and never change: the parameters and what follows from them."""

    params: Land
    hazards: dict  # step → (h, d): monthly advance and drop probabilities
    ages: np.ndarray  # months waited so far, one per queue column (0 .. max_wait_months)
    changes: np.ndarray  # one-off change to the unserviced land in each month, mu (months,)
    mean_land_need: float  # mu: less land than this left to sell or service counts as run out
    caps: np.ndarray | None = None  # m² a year, paths × years: a cap on factory starts (a cut programme)

    @classmethod
    def of(cls, params: Land) -> _Setup:
        conv = params.pipeline.conversions()
        changes = np.zeros(params.months)
        for ch in params.changes:
            changes[12 * (ch.year - params.start_year)] += ch.in_mu
        return cls(params, {k: _rates(*conv[k]) for k in STEPS}, np.arange(params.max_wait_months + 1),
                   changes, params.projects.land_mu.mean)


#: Where a project can be at the end: the five stages, the queue, idle, and the ways out.
PROJECT_STATES = ("negotiating", "signed", "queued", "registered", "started", "producing", "idle",
                  "screened_out", "dropped_before_space", "lost", "dropped_after_space", "exited")


@dataclass
class _State:
    """The model's stocks, every path a row (shapes below with P paths), and what it records.

    Land in mu, floor space in m².  The queue for space holds count, need and tax by path, type
    (land, factory) and months waited so far (last column = oldest).  ``yearly`` and ``entered``
    hold P × years outputs; the ``*_by_type`` totals are P × 2.  Sold land ``S`` is held by existing
    firms ``E`` and existing idle firms ``E_idle`` (outside the pipeline: no count, no tax), and by
    the projects in ``served``, ``started``, ``producing`` and ``idle``; occupied space ``O`` by
    existing tenants ``E_m2`` and the factory projects in ``served``, ``started`` and ``producing``.
    """

    U: np.ndarray  # unserviced land (P,)
    A: np.ndarray  # available land
    S: np.ndarray  # sold land, held by a firm
    I: np.ndarray  # idle land no firm holds (vacated)
    E: np.ndarray  # land of existing producing firms outside the pipeline
    E_idle: np.ndarray  # land of existing firms fallen idle that stayed
    E_m2: np.ndarray  # space of existing tenants outside the pipeline
    V: np.ndarray  # vacant floor space
    O: np.ndarray  # occupied floor space
    building: np.ndarray  # P × lag_months: ring buffer of construction starts by month slot
    negotiated: np.ndarray  # projects in negotiation (P,), whole numbers
    signed: Cohorts
    q_count: np.ndarray  # P × 2 × (max_wait_months + 1)
    q_need: np.ndarray
    q_tax: np.ndarray
    served: Cohorts  # given space, construction not yet started
    started: Cohorts
    producing: Cohorts
    idle: Cohorts  # land firms fallen idle that stayed: they hold their land, their tax stopped
    initial_tax: np.ndarray  # P × 2: the part of producing tax that is the initial producing stock's
    gone: dict  # "screened_out", "dropped_before_space", "lost", "dropped_after_space", "exited": P
    yearly: dict  # name → P × years
    entered: dict  # step name → projects entering the step, P × years
    lost_by_type: np.ndarray
    queued_by_type: np.ndarray
    served_by_type: np.ndarray
    screened_by_condition: np.ndarray  # P × conditions
    exhausted: np.ndarray  # first month with no land left to sell or service (-1: not yet), (P,)
    scratch: np.ndarray  # 3 × the queue's shape: working space for serving the queue

    @classmethod
    def initial(cls, params: Land) -> _State:
        P, f, wait_cols = params.paths, params.factories, params.max_wait_months + 1
        conditions = len(land_screen.conditions(params.standard_land))  # for the turned-away counts

        def yearly() -> np.ndarray:
            return np.zeros((P, params.horizon_years))

        def stage(name: str) -> Cohorts:
            c = params.initial_cohort(name)
            return Cohorts(*(np.repeat(x, P, axis=0) for x in (c.count, c.need, c.tax)))

        held = params.initial_held()
        negotiating = params.initial.negotiated if params.initial is not None else 0
        return cls(
            U=np.full(P, params.unserviced_mu), A=np.full(P, params.available_mu), S=np.full(P, params.sold_mu),
            I=np.full(P, params.idle_mu), E=np.full(P, max(params.sold_mu - held[LAND], 0.0)),
            E_idle=np.zeros(P), E_m2=np.full(P, max(f.occupied_m2 - held[FACTORY], 0.0)),
            V=np.full(P, f.vacant_m2), O=np.full(P, f.occupied_m2),
            building=np.zeros((P, f.lag_months)), negotiated=np.full(P, negotiating, np.int64),
            signed=stage("signed"),
            q_count=np.zeros((P, 2, wait_cols)), q_need=np.zeros((P, 2, wait_cols)),
            q_tax=np.zeros((P, 2, wait_cols)),
            served=stage("registered"), started=stage("started"), producing=stage("producing"),
            idle=Cohorts.empty(P), initial_tax=stage("producing").tax, gone={k: np.zeros(P) for k in PROJECT_STATES[7:]},
            yearly={k: yearly() for k in YEARLY}, entered={k: yearly() for k in STEPS},
            lost_by_type=np.zeros((P, 2)), queued_by_type=np.zeros((P, 2)), served_by_type=np.zeros((P, 2)),
            screened_by_condition=np.zeros((P, conditions)),
            exhausted=np.full(P, -1), scratch=np.empty((3, P, 2, wait_cols)),
        )

    @property
    def paths(self) -> int:
        return self.U.size

    def held(self) -> np.ndarray:
        """Land (mu) and space (m²) held by firms, P × 2: what ``S`` and ``O`` must equal."""
        out = self.served.need + self.started.need + self.producing.need + self.idle.need
        out[:, LAND] += self.E + self.E_idle
        out[:, FACTORY] += self.E_m2
        return out

    def states(self) -> dict[str, np.ndarray]:
        """Projects in each of ``PROJECT_STATES`` (P,): together, every project ever negotiated or
        in the initial stocks, each once."""
        return {"negotiating": self.negotiated.astype(float), "signed": self.signed.count.sum(axis=1),
                "queued": self.q_count.sum(axis=(1, 2)), "registered": self.served.count.sum(axis=1),
                "started": self.started.count.sum(axis=1), "producing": self.producing.count.sum(axis=1),
                "idle": self.idle.count.sum(axis=1), **self.gone}

    def result(self, params: Land, trace: dict) -> LandResult:
        out = self.yearly
        return LandResult(
            years=params.start_year + np.arange(params.horizon_years),
            occupied_m2=out["occupied"], vacant_m2=out["vacant"], under_construction_m2=out["building"],
            unserviced_mu=out["U"], available_mu=out["A"], sold_mu=out["S"], idle_mu=out["I"],
            idle_held_mu=out["I_held"],
            entered=self.entered, negotiated=out["negotiated"], screened_out=out["screened"], lost=out["lost"],
            lost_by_type=self.lost_by_type, queued_by_type=self.queued_by_type,
            served_by_type=self.served_by_type, served=out["served"], wait_months=out["wait"],
            states=self.states(), screened_by_condition=self.screened_by_condition,
            producing_tax=out["tax"], producing_land_tax=out["tax_land"], producing_mu=out["mu_producing"],
            exited=out["exited"], built_m2=out["built"], serviced_mu=out["serviced"], tax_entered=out["tax_entered"],
            tax_entered_land=out["tax_entered_land"], new_producing_tax=out["tax_new"],
            new_producing_land_tax=out["tax_new_land"], land_sold=out["sold"], land_sale_revenue=out["revenue"],
            exhausted_month=self.exhausted, trace=trace,
        )


YEARLY = ("occupied", "vacant", "building", "U", "A", "S", "I", "I_held", "negotiated", "screened", "lost", "served",
          "wait", "tax", "tax_land", "mu_producing", "sold", "revenue", "exited", "built", "serviced", "tax_entered",
          "tax_new", "tax_entered_land", "tax_new_land")


# -- the monthly steps, in the order they run ---------------------------------------------------
# Every move acts on who was in a stage at the start of the month; entrants join afterwards, so a
# stage lasts 1/(h + d) months on average, never less than one.

def _funnel(st: _State, setup: _Setup, rng: np.random.Generator) -> Iterator[Cohorts]:
    """The funnel up to registration, month by month (whole projects, binomial moves): yields each
    month's registering projects.  The only random part of the model, and blind to space."""
    for m in range(setup.params.months):
        new = _negotiate_and_sign(st, setup, m // 12, rng)
        yield _register(st, setup, new, m // 12, rng)


@dataclass(frozen=True)
class _Funnel:
    """A recorded funnel: each month's registering projects and what the funnel writes to the state.
    Replaying it gives, bit for bit, the run that draws the same random numbers, whatever the space."""

    registrations: list  # Cohorts, one a month (never changed by the steps that read them)
    yearly: dict  # "negotiated", "screened": P × years
    entered: dict  # "signed", "registered": P × years
    queued_by_type: np.ndarray  # P × 2
    negotiated: np.ndarray  # P: still negotiating at the end
    signed: Cohorts  # still signed at the end
    gone: dict  # "screened_out", "dropped_before_space": P
    screened_by_condition: np.ndarray

    @classmethod
    def record(cls, params: Land, rng: np.random.Generator) -> _Funnel:
        st = _State.initial(params)
        registrations = list(_funnel(st, _Setup.of(params), rng))
        return cls(registrations, {k: st.yearly[k] for k in ("negotiated", "screened")},
                   {k: st.entered[k] for k in ("signed", "registered")}, st.queued_by_type, st.negotiated,
                   st.signed, {k: st.gone[k] for k in ("screened_out", "dropped_before_space")}, st.screened_by_condition)

    def replay(self, st: _State) -> list:
        """Write the funnel's outputs into a fresh state; return the registrations to feed it."""
        for target, source in ((st.yearly, self.yearly), (st.entered, self.entered), (st.gone, self.gone)):
            for k, v in source.items():
                target[k][...] = v
        st.queued_by_type[...] = self.queued_by_type
        st.negotiated[...] = self.negotiated
        st.signed = Cohorts(self.signed.count.copy(), self.signed.need.copy(), self.signed.tax.copy())
        st.screened_by_condition[...] = self.screened_by_condition
        return self.registrations


def _negotiate_and_sign(st: _State, setup: _Setup, y: int, rng: np.random.Generator) -> Cohorts:
    """Poisson arrivals join the negotiation; whole projects sign or drop out binomially.  Returns the
    newly signed projects that pass the standard-land screen (they join ``signed`` in ``_register``)."""
    params = setup.params
    h_neg, d_neg = setup.hazards["signed"]
    arrivals = rng.poisson(params.pipeline.arrivals_per_year / 12.0, st.paths)
    st.yearly["negotiated"][:, y] += arrivals
    adv = rng.binomial(st.negotiated, h_neg)
    drop = rng.binomial(st.negotiated - adv, d_neg / (1.0 - h_neg)) if h_neg < 1 else 0
    st.negotiated += arrivals - adv - drop
    st.gone["dropped_before_space"] += drop
    new, turned_away = _sign(adv, params.projects, params.standard_land, rng)
    screened = adv - new.count.sum(axis=1)
    st.yearly["screened"][:, y] += screened
    st.gone["screened_out"] += screened
    st.screened_by_condition += turned_away
    st.entered["signed"][:, y] += new.count.sum(axis=1)
    return new


def _register(st: _State, setup: _Setup, new: Cohorts, y: int, rng: np.random.Generator) -> Cohorts:
    """Signed projects register or drop out (binomially on the rounded counts), then this month's
    signings join ``signed``.  Returns the registering projects, who queue for space this month."""
    h, d = setup.hazards["registered"]
    n = np.rint(st.signed.count).astype(np.int64)
    adv = rng.binomial(n, h)
    drop = rng.binomial(n - adv, d / (1.0 - h)) if h < 1 else np.zeros_like(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_adv = np.where(n > 0, adv / np.maximum(n, 1), 0.0)
        share_drop = np.where(n > 0, drop / np.maximum(n - adv, 1), 0.0)
    registering = st.signed.take(share_adv)
    st.gone["dropped_before_space"] += st.signed.take(share_drop).count.sum(axis=1)
    st.signed.add(new)
    st.entered["registered"][:, y] += registering.count.sum(axis=1)
    st.queued_by_type += registering.count
    return registering


def _build_factories(st: _State, setup: _Setup, m: int, registering: Cohorts) -> tuple[np.ndarray, np.ndarray]:
    """Construction started ``lag_months`` ago completes into vacant space; this month's starts follow
    the factory policy, never above the programme (``build_m2_per_year`` / 12; ``None``: no limit).
    Returns (completed, starts) in m² (P,)."""
    f = setup.params.factories
    slot = m % f.lag_months
    completed = st.building[:, slot].copy()
    st.V += completed
    if f.policy == "fixed":
        starts = np.full(st.paths, f.build_m2_per_year / 12.0)
    else:
        waiting = st.q_need[:, FACTORY].sum(axis=1) + registering.need[:, FACTORY]
        pipeline_m2 = st.building.sum(axis=1) - completed
        if f.policy == "to_suit":  # what the waiting tenants need beyond the empty and coming space
            gap = waiting - st.V - pipeline_m2
        else:  # and keep target_vacancy of the built and coming space empty
            gap = f.target_vacancy * (st.O + st.V + pipeline_m2) + waiting - st.V - pipeline_m2
        starts = np.maximum(gap, 0.0)
        if f.build_m2_per_year is not None:
            starts = np.minimum(starts, f.build_m2_per_year / 12.0)
    if setup.caps is not None:  # a yearly budget: what is left of the year's cap after this year's starts so far
        starts = np.minimum(starts, np.maximum(setup.caps[:, m // 12] - st.yearly["built"][:, m // 12], 0.0))
    st.building[:, slot] = starts
    return completed, starts


def _service_land(st: _State, setup: _Setup, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Servicing moves unserviced land to available; this month's one-off change (if any) adds to or
    takes from the unserviced land, never more than is there.  Returns (servicing, change) in mu (P,)."""
    servicing = np.minimum(st.U, setup.params.servicing_mu_per_year / 12.0)
    st.U -= servicing
    st.A += servicing
    change = np.maximum(setup.changes[m], -st.U)
    st.U += change
    return servicing, change


def _serve_queue(st: _State, setup: _Setup, m: int, y: int, registering: Cohorts) -> tuple[Cohorts, np.ndarray]:
    """The registering projects join the queue; available land and vacant space go to the queue oldest
    first (a cohort can be served in part); then the oldest unserved are lost and everyone else waits
    a month more.  A project served at age a waited a months; a lost one waited ``max_wait_months``
    (it gave up then).  Returns (the projects given space, mu of land sold (P,))."""
    params = setup.params
    q_count, q_need, q_tax = st.q_count, st.q_need, st.q_tax
    q_count[:, :, 0] += registering.count
    q_need[:, :, 0] += registering.need
    q_tax[:, :, 0] += registering.tax
    supply = np.stack([st.A, st.V], axis=1)
    # into the state's scratch buffers: fresh queue-sized temporaries every month cost page faults
    a, b, c = st.scratch
    # serve the oldest first: what is needed by older cohorts comes off the supply before a cohort's turn
    np.cumsum(q_need[:, :, ::-1], axis=2, out=a)
    older = np.subtract(a[:, :, ::-1], q_need, out=c)
    served_need = np.clip(np.subtract(supply[:, :, None], older, out=b), 0.0, q_need, out=b)
    share = a
    share.fill(1.0)
    np.divide(served_need, q_need, out=share, where=q_need > 0)
    share[share > 1.0 - 1e-9] = 1.0  # rounding must not leave a sliver of a project waiting
    served_need = np.multiply(share, q_need, out=b)
    got = Cohorts(*(np.multiply(x, share, out=c).sum(axis=2) for x in (q_count, q_need, q_tax)))
    waited = (np.multiply(q_count, share, out=c) * setup.ages).sum(axis=2)
    kept = np.subtract(1.0, share, out=c)
    q_count *= kept
    q_need -= served_need
    q_tax *= kept
    supply -= got.need
    np.maximum(supply, 0.0, out=supply)  # a rounded-up sliver never leaves a negative stock
    land_sold = st.A - supply[:, LAND]
    st.A, st.V = supply[:, LAND].copy(), supply[:, FACTORY].copy()
    st.served_by_type += got.count
    # land has run out when, after this month's sales, too little is left to sell or service for one project
    newly_out = (st.exhausted < 0) & (st.A + st.U < setup.mean_land_need)
    st.exhausted[newly_out] = m
    st.S += land_sold
    st.O += got.need[:, FACTORY]
    out = st.yearly
    out["sold"][:, y] += land_sold
    out["revenue"][:, y] += land_sold * params.price_wan_per_mu / 1e4
    out["served"][:, y] += got.count.sum(axis=1)
    gone = q_count[:, :, -1].copy()  # waited max_wait_months and still unserved: lost
    st.lost_by_type += gone
    st.gone["lost"] += gone.sum(axis=1)
    out["lost"][:, y] += gone.sum(axis=1)
    out["wait"][:, y] += waited.sum(axis=1) + gone.sum(axis=1) * params.max_wait_months
    for q in (q_count, q_need, q_tax):  # everyone waits one month more
        np.copyto(a, q)
        q[:, :, 1:] = a[:, :, :-1]
        q[:, :, 0] = 0.0
    return got, land_sold


def _advance_after_space(st: _State, setup: _Setup, got: Cohorts, y: int) -> np.ndarray:
    """After space, moves are in expectation: served → started → producing, both moves before either
    lands; drop-outs give their space back (idle land, vacant floor space).  This month's newly served
    join ``served`` and move from next month on.  Returns the space released, P × 2 (mu, m²)."""
    P = st.paths
    released = np.zeros((P, 2))
    moves = []
    for stage, step in ((st.served, "started"), (st.started, "producing")):
        h, d = setup.hazards[step]
        moving = stage.take(np.full((P, 2), h))
        leaving = stage.take(np.full((P, 2), d / (1.0 - h)) if h < 1 else np.zeros((P, 2)))
        released += leaving.need
        st.gone["dropped_after_space"] += leaving.count.sum(axis=1)
        st.entered[step][:, y] += moving.count.sum(axis=1)
        moves.append(moving)
    st.started.add(moves[0])
    st.producing.add(moves[1])
    st.yearly["tax_entered"][:, y] += moves[1].tax.sum(axis=1)
    st.yearly["tax_entered_land"][:, y] += moves[1].tax[:, LAND]
    st.served.add(got)
    _hand_back(st, released)
    return released


def _hand_back(st: _State, released: np.ndarray) -> None:
    """Space given up by firms: land from sold to idle (vacated), floor space from occupied to vacant."""
    released[:, LAND] = np.minimum(released[:, LAND], st.S)  # float guard: never more than the stock
    released[:, FACTORY] = np.minimum(released[:, FACTORY], st.O)
    st.S -= released[:, LAND]
    st.I += released[:, LAND]
    st.O -= released[:, FACTORY]
    st.V += released[:, FACTORY]


def _idle_and_revitalise(st: _State, setup: _Setup, y: int) -> dict[str, np.ndarray]:
    """Firms fall idle and idle land is revitalised (盘活), at yearly rates spread over the months;
    tenants leave.  Of the land firms falling idle (producing projects and existing firms), a share
    ``idle_exit_share`` leave, vacating their land; the rest stay idle on it.  Revitalisation takes
    the same share of the vacated land and of the idle firms' land (those firms leave) back to
    available.  Leaving tenants vacate their space.  Whoever leaves takes their tax.  Returns the
    month's flows (mu or m², each P): idling, leaving_land, revitalised (vacated land back),
    reclaimed (idle firms' land back), leaving_m2."""
    params = setup.params
    P = st.paths
    idle, exit_share, revive = params.idle_rate / 12.0, params.idle_exit_share, params.revitalise_rate / 12.0
    tenants = params.factories.tenant_exit_rate / 12.0
    # revitalisation acts on the land no firm produced on at the start of the month
    revitalised = st.I * revive
    reclaimed_firms = st.idle.take(np.full((P, 2), revive))
    reclaimed_existing = st.E_idle * revive
    # producing land firms fall idle; producing tenants leave
    going = np.column_stack([np.full(P, idle), np.full(P, tenants)])
    falling = st.producing.take(going)
    st.initial_tax *= 1.0 - going  # the initial stock's firms fall idle and leave like the others
    leaving = Cohorts(falling.count * exit_share, falling.need * exit_share, falling.tax * exit_share)
    for part in ("count", "need", "tax"):  # tenants all leave: nobody stays idle in a let factory
        getattr(leaving, part)[:, FACTORY] = getattr(falling, part)[:, FACTORY]
    staying = Cohorts(falling.count - leaving.count, falling.need - leaving.need, falling.tax - leaving.tax)
    st.idle.add(staying)
    existing_idling = st.E * idle
    existing_leaving_m2 = st.E_m2 * tenants
    st.E -= existing_idling
    st.E_idle += existing_idling * (1.0 - exit_share) - reclaimed_existing
    st.E_m2 -= existing_leaving_m2
    leaving_land = leaving.need[:, LAND] + existing_idling * exit_share
    reclaimed = reclaimed_firms.need[:, LAND] + reclaimed_existing
    leaving_m2 = leaving.need[:, FACTORY] + existing_leaving_m2
    st.S -= leaving_land + reclaimed
    st.I += leaving_land - revitalised
    st.A += revitalised + reclaimed
    st.O -= leaving_m2
    st.V += leaving_m2
    exited = leaving.count.sum(axis=1) + reclaimed_firms.count.sum(axis=1)
    st.gone["exited"] += exited
    st.yearly["exited"][:, y] += exited
    return {"idling": falling.need[:, LAND] + existing_idling, "leaving_land": leaving_land,
            "revitalised": revitalised, "reclaimed": reclaimed, "leaving_m2": leaving_m2}


def _record_month(tr: dict[str, list], **values: np.ndarray) -> None:
    """Append copies of this month's stocks and flows to the trace (each becomes months × paths)."""
    for k, v in values.items():
        tr.setdefault(k, []).append(np.array(v, dtype=float, copy=True))


def _record_year(st: _State, y: int) -> None:
    """End-of-year stocks and the producing projects' tax and land into year ``y``'s column."""
    out = st.yearly
    out["occupied"][:, y], out["vacant"][:, y] = st.O, st.V
    out["building"][:, y] = st.building.sum(axis=1)
    held_idle = st.idle.need[:, LAND] + st.E_idle
    out["U"][:, y], out["A"][:, y], out["S"][:, y] = st.U, st.A, st.S
    out["I"][:, y], out["I_held"][:, y] = st.I + held_idle, held_idle
    out["tax"][:, y] = st.producing.tax.sum(axis=1)
    out["tax_new"][:, y] = np.maximum(out["tax"][:, y] - st.initial_tax.sum(axis=1), 0.0)
    out["tax_new_land"][:, y] = np.maximum(st.producing.tax[:, LAND] - st.initial_tax[:, LAND], 0.0)
    out["tax_land"][:, y] = st.producing.tax[:, LAND]
    out["mu_producing"][:, y] = st.producing.need[:, LAND]


def _sign(count: np.ndarray, proj: Projects, screen: StandardLand | None,
          rng: np.random.Generator) -> tuple[Cohorts, np.ndarray]:
    """Draw the newly signed projects (``count`` per path): type, space, investment, tax and what the
    screen reads; the standard-land screen turns away those that fail it.  Returns the projects kept
    and the turned-away count per screen condition, P × conditions."""
    P = count.size
    total = int(count.sum())
    path = np.repeat(np.arange(P), count)
    is_factory = rng.random(total) >= proj.land_share
    mu = _lognormal(rng, proj.land_mu, total)
    m2 = _lognormal(rng, proj.factory_m2, total)
    invest = _lognormal(rng, proj.investment, total)
    tax = _lognormal(rng, proj.tax_at_capacity, total)
    keep = np.ones(total, bool)
    per_condition = np.zeros((P, 0))
    if screen is not None:
        optional = {k: _lognormal(rng, spec, total) if spec is not None else None
                    for k, spec in (("output", proj.output_at_capacity), ("plot_ratio", proj.plot_ratio),
                                    ("coverage", proj.coverage))}
        if optional["coverage"] is not None:
            np.minimum(optional["coverage"], 1.0, out=optional["coverage"])
        draws = land_screen.Draws(is_factory=is_factory, industry=land_screen.draw_industry(screen, rng, total),
                                  mu=mu, m2=m2, investment=invest, tax=tax, **optional)
        keep, failed = land_screen.failures(screen, draws)
        per_condition = np.stack([np.bincount(path, weights=f, minlength=P) for f in failed.T], axis=1) \
            if failed.shape[1] else np.zeros((P, 0))
    kind = is_factory.astype(np.int64)
    index = (path * 2 + kind)[keep]
    need = np.where(is_factory, m2, mu)[keep]

    def per(weights) -> np.ndarray:
        return np.bincount(index, weights=weights, minlength=2 * P).reshape(P, 2)

    return Cohorts(per(None).astype(float), per(need), per(tax[keep])), per_condition



class Funnel(Metrics):
    """Projects entering each stage over the horizon: expected with unlimited space and time (new
    arrivals and the initial stocks moving on), and simulated."""

    expected: dict[str, float]
    simulated: dict[str, float]


class ReverseAnswer(Metrics):
    """The smallest programme (m² or mu a year) keeping the lost share of the lever's project type
    under ``target``; null when even four times the demand does not.  ``current`` is the scenario's
    own programme (null: no limit) and ``lost_share_current`` the lost share it gives."""

    lever: str
    target: float
    rate: float | None
    paths: int
    lost_share_at_rate: float | None
    current: float | None = None
    lost_share_current: float | None = None


class ScreenCount(Metrics):
    """Projects one condition of the standard-land screen turned away over the horizon (mean over
    paths; a project failing several conditions counts under each)."""

    key: str
    label_zh: str
    label_en: str
    turned_away: float


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
    land_idle_mu: list[float]  # vacated idle land plus idle firms' land (the latter also inside land_sold_mu_total)
    land_idle_held_mu: list[float]  # the part of idle land held by idle firms
    signed: list[float]
    started: list[float]
    producing: list[float]
    exited: list[float]  # firms that left after falling idle, and tenants that left
    lost_for_space: list[float]
    lost_share: float  # of the projects that queued for space: lost
    lost_share_land: float
    lost_share_factory: float
    still_waiting_share: float  # of the projects that queued: still waiting at the end
    unserved_share: float  # lost or still waiting
    still_waiting_at_end: float
    mean_wait_months: list[float | None]  # of those served and lost in the year (the lost until they gave up)
    mean_wait_months_total: float | None
    projects_at_end: dict[str, float]  # every project by its state at the end (PROJECT_STATES)
    tax_per_mu: list[float]  # 万元 a mu a year
    producing_tax: list[float]  # 亿元 a year
    land_sale_revenue: list[float]  # 亿元
    screened_out_total: float
    screened_by_condition: list[ScreenCount]
    p_land_exhausted: float | None  # null when no project needs land
    land_exhausted_year_median: int | None
    funnel: Funnel
    fan: dict[str, Fan]  # occupancy_rate, vacant_m2, land_left_mu
    reverse: ReverseAnswer | None = None


def summarize(result: LandResult, params: Land) -> LandMetrics:
    """Per-year means over paths, horizon figures, the funnel, land exhaustion and the reverse answer."""

    def mean(a: np.ndarray) -> list[float]:
        return a.mean(axis=0).tolist()

    built = result.occupied_m2 + result.vacant_m2
    ended = result.served + result.lost  # waits that ended in the year: served, or gave up
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = np.where(built > 0, result.occupied_m2 / np.where(built > 0, built, 1.0), np.nan)
        wait = result.wait_months.sum(axis=0) / ended.sum(axis=0)
        # 万元 a mu a year: land projects in production, their tax over the land they hold
        tax_per_mu = np.divide(result.producing_land_tax * 1e4, result.producing_mu,
                               out=np.zeros_like(result.producing_mu), where=result.producing_mu > 0)
    queued = result.queued_by_type
    waiting = queued - result.lost_by_type - result.served_by_type
    exhausted = result.exhausted_month >= 0
    conv = params.pipeline.conversions()
    # expected counts with unlimited space and time: arrivals × conversions (× the screen's pass rate)
    signed_total = result.entered["signed"].sum()
    offered = signed_total + result.screened_out.sum()
    passing = signed_total / offered if offered > 0 else 1.0
    expected = {"negotiated": params.pipeline.arrivals_per_year * params.horizon_years}
    init = params.initial
    running = expected["negotiated"] + (init.negotiated if init is not None else 0)
    before = {"registered": "signed", "started": "registered", "producing": "started"}  # the initial stock a step draws
    for step in STEPS:
        if step in before:  # the projects already in the stage before it at the start move on too
            running += params.initial_cohort(before[step]).count.sum()
        running *= conv[step][0] * (passing if step == "signed" else 1.0)
        expected[step] = running
    simulated = {"negotiated": float(result.negotiated.sum(axis=1).mean()),
                 **{k: float(v.sum(axis=1).mean()) for k, v in result.entered.items()}}
    screen = params.standard_land
    counts = result.screened_by_condition.mean(axis=0)
    by_condition = [ScreenCount(key=c.key, label_zh=c.label_zh, label_en=c.label_en, turned_away=float(n))
                    for c, n in zip(land_screen.conditions(screen), counts)]
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
        "land_idle_held_mu": mean(result.idle_held_mu),
        "signed": mean(result.entered["signed"]),
        "started": mean(result.entered["started"]),
        "producing": mean(result.entered["producing"]),
        "exited": mean(result.exited),
        "lost_for_space": mean(result.lost),
        "lost_share": _share(result.lost_by_type, queued),
        "lost_share_land": _share(result.lost_by_type[:, LAND], queued[:, LAND]),
        "lost_share_factory": _share(result.lost_by_type[:, FACTORY], queued[:, FACTORY]),
        "still_waiting_share": _share(waiting, queued),
        "unserved_share": _share(result.lost_by_type + waiting, queued),
        "still_waiting_at_end": float(waiting.sum(axis=1).mean()),
        "mean_wait_months": [None if np.isnan(x) else float(x) for x in wait],
        "mean_wait_months_total": float(result.wait_months.sum() / ended.sum()) if ended.sum() > 0 else None,
        "projects_at_end": {k: float(v.mean()) for k, v in result.states.items()},
        "tax_per_mu": mean(tax_per_mu),
        "producing_tax": mean(result.producing_tax),
        "land_sale_revenue": mean(result.land_sale_revenue),
        "screened_out_total": float(result.screened_out.sum(axis=1).mean()),
        "screened_by_condition": by_condition,
        "p_land_exhausted": float(exhausted.mean()) if _needs_land(params) else None,
        "land_exhausted_year_median": _median_year(result.exhausted_month, params) if _needs_land(params) else None,
        "funnel": {"expected": expected, "simulated": simulated},
        "fan": {"occupancy_rate": fan(np.nan_to_num(occupancy, nan=0.0)), "vacant_m2": fan(result.vacant_m2),
                "land_left_mu": fan(result.available_mu + result.unserviced_mu)},
        "reverse": result.reverse,
    })


def _needs_land(params: Land) -> bool:
    """Whether any project needs land: new ones, or the initial signed ones still to be given it."""
    return params.projects.land_share > 0 or params.initial_cohort("signed").count[0, LAND] > 0


def _median_year(exhausted_month: np.ndarray, params: Land) -> int | None:
    """The median over all paths of the year land runs out (a path that never does counts as after
    the horizon), or None when that median lies beyond the horizon."""
    months = np.where(exhausted_month >= 0, exhausted_month, np.iinfo(np.int64).max)
    median = np.sort(months)[(months.size - 1) // 2]  # the lower median: a month that happened
    return int(params.start_year + median // 12) if median < params.months else None


def _share(part: np.ndarray, whole: np.ndarray) -> float:
    """Σ part ÷ Σ whole (0 when the whole is 0), never below 0: a difference of sums that should be
    0 (still waiting = queued − lost − served) can come out as −1e-19."""
    return max(float(part.sum() / whole.sum()), 0.0) if whole.sum() > 0 else 0.0


def smallest_programme(params: Land, seed: int) -> ReverseAnswer:
    """The smallest build (or servicing) rate keeping the lost share under the target, by bisection.

    Every evaluation reuses the same seed (common random numbers), so the lost
    share is a deterministic, non-increasing step function of the rate.  The
    first bracket is [0, 1.5 × the space the projects queue for a year] (or up
    to 4 × the demand bound when that is not enough; null when even that loses
    too much).  It is halved, keeping a rate that loses too much at its low end
    and one that meets the target at its high end, until its width is 2% of its
    high end; the answer is that high end: a rate shown to meet the target, at
    most 2% above the smallest that does (finer than the Monte Carlo noise of
    the lost share at a few hundred paths).  On a step function a bisection is
    what any bracketing root finder does, and it needs no library.  The random
    part of the model, the funnel up to registration, is drawn once and
    replayed for every rate, and a rate already tried is not run again.

    Lever ``auto`` solves for the one that binds: in a run of the scenario as it is (same seed and
    paths), land servicing when land projects lose the larger share, else the factory programme
    (always the factory programme when no project needs land).
    """
    rev = params.reverse
    own = params.model_copy(update={"paths": min(params.paths, rev.paths), "reverse": None})
    funnel = _Funnel.record(own, np.random.default_rng(seed))
    # the funnel (all the random draws) does not depend on the lever: draw it once, replay it for every rate
    as_is = _months(own, np.random.default_rng(seed), funnel=funnel)
    lost_as_is = [_share(as_is.lost_by_type[:, k], as_is.queued_by_type[:, k]) for k in (LAND, FACTORY)]
    lever = rev.lever
    if lever == "auto":
        land_binds = _needs_land(params) and lost_as_is[LAND] >= lost_as_is[FACTORY]
        lever = "servicing_mu_per_year" if land_binds else "build_m2_per_year"
    factory = lever == "build_m2_per_year"
    kind = FACTORY if factory else LAND
    current = params.factories.build_m2_per_year if factory else params.servicing_mu_per_year
    base = own
    if factory:
        base = base.model_copy(update={"factories": base.factories.model_copy(update={"policy": "fixed"})})
    known: dict[float, float] = {}  # the answer's own lost share is a rate already tried

    def lost_share(rate: float) -> float:
        if rate in known:
            return known[rate]
        if factory:
            p = base.model_copy(update={"factories": base.factories.model_copy(
                update={"build_m2_per_year": max(rate, 1e-9)})})
        else:
            p = base.model_copy(update={"servicing_mu_per_year": rate})
        result = _months(p, np.random.default_rng(seed), funnel=funnel)
        known[rate] = _share(result.lost_by_type[:, kind], result.queued_by_type[:, kind])
        return known[rate]

    proj, pipe = params.projects, params.pipeline
    share = (1 - proj.land_share) if factory else proj.land_share
    need = proj.factory_m2.mean if factory else proj.land_mu.mean
    ceiling = max(pipe.arrivals_per_year * share * need * 4.0, 1.0)  # 4 × an upper bound on demand
    queued = sum(float(c.need[:, kind].sum()) for c in funnel.registrations) / (base.paths * base.horizon_years)
    lo, hi = 0.0, min(max(1.5 * queued, 1.0), ceiling)
    if lost_share(lo) <= rev.target:
        rate = 0.0
    elif lost_share(hi) > rev.target and lost_share(ceiling) > rev.target:
        rate = None
    else:
        if lost_share(hi) > rev.target:
            lo, hi = hi, ceiling
        while hi - lo > max(0.02 * hi, 1e-6):  # lost_share(lo) > target >= lost_share(hi) throughout
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if lost_share(mid) > rev.target else (lo, mid)
        rate = hi
    return ReverseAnswer(lever=lever, target=rev.target, rate=rate, paths=base.paths,
                         lost_share_at_rate=lost_share(rate) if rate is not None else None,
                         current=current, lost_share_current=lost_as_is[kind])


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
                 lambda m: m.p_land_exhausted, "percent", "p_land_exhausted", omit_when_none=True),
    ),
)
