"""The shape of a scenario: pydantic models that validate the parameter values.

Field names are the dotted keys of the scenario file (``revenue.sharing.cap``).
Money is in 亿元 (100 million yuan) throughout.  Every model forbids unknown
keys and runs in strict mode, so ``"0.5"`` (a string) is not a share and
``true`` is not a year.  Rules that involve two fields raise
:func:`cross_field_error`, which names the field the message is about so the
error line points at a dotted key, not at the section.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

#: Largest number of simulated path-years one run may allocate (paths × years).
MAX_PATH_YEARS = 20_000_000


def cross_field_error(field: str, message: str) -> PydanticCustomError:
    """An error about ``field`` that depends on another field of the same section."""
    return PydanticCustomError("cross_field", message, {"field": field})


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Meta(Section):
    title: str = Field(min_length=1, max_length=300)
    zone: str = Field(min_length=1, max_length=200)
    language: Literal["zh", "en"] = "zh"
    seed: int = Field(ge=0, le=2**63 - 1)
    description: str | None = Field(default=None, max_length=5000)


class Shock(Section):
    """A one-off, permanent change of the tax level in ``year`` (−0.31 = a 31% fall)."""

    year: int
    change: float = Field(gt=-1, le=10)


class Growth(Section):
    """Annual growth of the tax base: E[T_t / T_{t-1}] = 1 + mean; sd of log growth = volatility."""

    mean: float = Field(gt=-1, le=10)
    volatility: float = Field(ge=0, le=3)
    shocks: list[Shock] = Field(default_factory=list)


class Sharing(Section):
    """The rule that splits new tax between the zone and its county (亿元 a year)."""

    zone_share: float = Field(ge=0, le=1)
    cap: float | None = Field(default=None, ge=0, le=1e6)  # before floor, so floor's check can see it
    floor: float = Field(default=0.0, ge=0, le=1e6)
    excess_return: float = Field(default=0.0, ge=0, le=1)
    base_reset_years: int | None = Field(default=None, ge=1, le=100)

    @field_validator("floor")
    @classmethod
    def _floor_within_cap(cls, floor: float, info: ValidationInfo) -> float:
        cap = info.data.get("cap")  # absent when cap itself failed: that problem is reported already
        if cap is not None and floor > cap:
            raise ValueError(f"must not exceed cap ({cap!r}), got {floor!r}")
        return floor


class Revenue(Section):
    """Tax of above-scale industrial firms, simulated from the base year on."""

    base_year: int = Field(ge=1949, le=2200)
    base_tax: float = Field(ge=0, le=1e6)
    start_year: int = Field(ge=1949, le=2300)

    @field_validator("start_year")
    @classmethod
    def _after_base_year(cls, start_year: int, info: ValidationInfo) -> int:
        base_year = info.data.get("base_year")
        if base_year is not None and start_year <= base_year:
            raise ValueError(f"must come after base_year ({base_year}), got {start_year}")
        return start_year

    horizon_years: int = Field(ge=1, le=100)
    paths: int = Field(ge=1, le=1_000_000)
    growth: Growth
    sharing: Sharing

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon_years - 1

    @model_validator(mode="after")
    def _years_in_order(self) -> Revenue:
        years = self.end_year - self.base_year
        if years * np.log1p(self.growth.mean) > np.log(1e9):
            raise cross_field_error(
                "growth.mean", f"compounds to more than 1e9 times the base over {years} years, got {self.growth.mean!r}")
        for i, shock in enumerate(self.growth.shocks):
            if not self.base_year < shock.year <= self.end_year:
                raise cross_field_error(
                    f"growth.shocks[{i}].year",
                    f"must lie in {self.base_year + 1}..{self.end_year} "
                    f"(after base_year, within the horizon), got {shock.year}",
                )
        if self.paths * (self.end_year - self.base_year) > MAX_PATH_YEARS:
            raise cross_field_error(
                "paths",
                f"paths × simulated years must be at most {MAX_PATH_YEARS:,}, "
                f"got {self.paths:,} × {self.end_year - self.base_year}",
            )
        return self


# -- salary incentives ----------------------------------------------------------


def _check_grades(grades: list, key: str, what: str, with_shares: bool) -> None:
    """Grades are listed best first: unique names, coefficients never rising, shares summing to 1.

    ``key`` is the list's dotted key within the section, which the error names.
    """
    names = [g.grade for g in grades]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise cross_field_error(f"{key}[{i}].grade", f"duplicate grade {name!r} in {what}")
    for i in range(1, len(grades)):
        if grades[i].coefficient > grades[i - 1].coefficient:
            raise cross_field_error(
                f"{key}[{i}].coefficient",
                f"grades are listed best first, so coefficients must not rise: {grades[i].grade!r} "
                f"({grades[i].coefficient!r}) is above {grades[i - 1].grade!r} ({grades[i - 1].coefficient!r})",
            )
    if with_shares:
        total = sum(g.share for g in grades)
        if abs(total - 1.0) > 1e-9:
            raise cross_field_error(key, f"{what} shares must sum to 1, got {total:.6g}")


class Grade(Section):
    """An appraisal grade with its quota share and its pay coefficient."""

    grade: str = Field(min_length=1, max_length=50)
    share: float = Field(ge=0, le=1)
    coefficient: float = Field(ge=0, le=100)


class UnitGrade(Section):
    """A grade the zone's own bodies can get, with the park coefficient it pays."""

    grade: str = Field(min_length=1, max_length=50)
    coefficient: float = Field(ge=0, le=100)


class Department(Section):
    name: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=1, le=5_000_000)
    unit: Literal["committee", "company"] = "committee"


class Post(Section):
    """A post on one of the two promotion tracks, its base pay (万元 a year) and its share of staff."""

    track: Literal["management", "professional"]
    level: str = Field(min_length=1, max_length=50)
    base_pay: float = Field(ge=0, le=10_000)
    share: float = Field(ge=0, le=1)


class Dimension(Section):
    name: str = Field(min_length=1, max_length=50)
    weight: float = Field(gt=0, le=100)


class Appraisal(Section):
    """How observed scores arise and how the forced distribution grades them."""

    reliability: float = Field(gt=0, le=1)
    scope: Literal["department", "zone"] = "department"
    method: Literal["objective_subjective", "index"] = "objective_subjective"
    objective_weight: float = Field(default=0.5, ge=0, le=1)
    subjective_noise_ratio: float = Field(default=2.0, gt=0, le=100)
    dimensions: list[Dimension] = Field(default_factory=list)
    quotas: list[Grade] = Field(min_length=2, max_length=20)

    @model_validator(mode="after")
    def _quotas_and_method(self) -> Appraisal:
        _check_grades(self.quotas, "quotas", "quota", with_shares=True)
        if self.method == "index" and not self.dimensions:
            raise cross_field_error("dimensions", "the index method needs at least one dimension")
        return self


class Park(Section):
    """Ratings of the management committee and the operating company, and the link between them."""

    grades: list[UnitGrade] = Field(min_length=1, max_length=20)
    committee_grade: str
    company_grade: str | None = None
    link_threshold: str | None = None
    link_company_best: str | None = None

    @model_validator(mode="after")
    def _known_grades(self) -> Park:
        _check_grades(self.grades, "grades", "park grade", with_shares=False)
        names = [g.grade for g in self.grades]
        for key in ("committee_grade", "company_grade", "link_threshold", "link_company_best"):
            value = getattr(self, key)
            if value is not None and value not in names:
                raise cross_field_error(key, f"must be one of the grades {names}, got {value!r}")
        if (self.link_threshold is None) != (self.link_company_best is None):
            raise cross_field_error("link_company_best", "link_threshold and link_company_best go together")
        return self

    def rank(self, grade: str) -> int:
        return [g.grade for g in self.grades].index(grade)


class Pay(Section):
    standard_amount: float = Field(ge=0, le=10_000)  # 万元 of performance pay at coefficient 1
    pool_mode: Literal["exact", "standard"] = "exact"


class Elimination(Section):
    """Bottom elimination (末位淘汰): flag whoever gets the bottom grade k years running."""

    years: int = Field(ge=1, le=30)
    consecutive: int = Field(ge=1, le=30)

    @model_validator(mode="after")
    def _within_years(self) -> Elimination:
        if self.consecutive > self.years:
            raise cross_field_error("consecutive", f"must not exceed years ({self.years}), got {self.consecutive}")
        return self


class Salary(Section):
    """Post-based pay with a forced-distribution appraisal and coefficient-linked performance pay."""

    staff: int | None = Field(default=None, ge=2, le=5_000_000)
    roster: str | None = Field(default=None, min_length=1, max_length=500)
    departments: list[Department] = Field(default_factory=list)
    department_effect_sd: float = Field(default=0.0, ge=0, le=10)
    department_grades: list[Grade] | None = None
    posts: list[Post] = Field(default_factory=list)
    appraisal: Appraisal
    park: Park | None = None
    pay: Pay
    elimination: Elimination | None = None

    @model_validator(mode="after")
    def _staff_adds_up(self) -> Salary:
        if self.department_grades is not None:
            _check_grades(self.department_grades, "department_grades", "department grade", with_shares=True)
        if self.roster is not None:
            return self
        if self.staff is None:
            raise cross_field_error("staff", "required key is missing (or give a roster CSV)")
        if not self.departments:
            raise cross_field_error("departments", "required key is missing (or give a roster CSV)")
        if not self.posts:
            raise cross_field_error("posts", "required key is missing (or give a roster CSV)")
        for i, d in enumerate(self.departments):
            if d.size > self.staff:
                raise cross_field_error(f"departments[{i}].size",
                                        f"must not exceed staff ({self.staff}), got {d.size}")
        total = sum(d.size for d in self.departments)
        if total != self.staff:
            raise cross_field_error("departments", f"sizes must add up to staff ({self.staff}), got {total}")
        names = [d.name for d in self.departments]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise cross_field_error(f"departments[{i}].name", f"duplicate department {name!r}")
        shares = sum(p.share for p in self.posts)
        if abs(shares - 1.0) > 1e-9:
            raise cross_field_error("posts", f"post shares must sum to 1, got {shares:.6g}")
        return self


# -- land and standard factories -----------------------------------------------------

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


class ScenarioParams(Section):
    """A whole scenario file, leaves already stripped of their unit/source/note."""

    meta: Meta
    revenue: Revenue | None = None
    salary: Salary | None = None
    land: Land | None = None

    @model_validator(mode="after")
    def _has_a_model(self) -> ScenarioParams:
        if self.revenue is None and self.salary is None and self.land is None:
            raise cross_field_error("revenue", "required key is missing: a scenario needs a model section "
                                               "(revenue, salary or land)")
        return self
