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


class ScenarioParams(Section):
    """A whole scenario file, leaves already stripped of their unit/source/note."""

    meta: Meta
    revenue: Revenue | None = None
    salary: Salary | None = None

    @model_validator(mode="after")
    def _has_a_model(self) -> ScenarioParams:
        if self.revenue is None and self.salary is None:
            raise cross_field_error("revenue", "required key is missing: a scenario needs a model section "
                                               "(revenue or salary)")
        return self
