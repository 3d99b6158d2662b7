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

from pydantic import BaseModel, ConfigDict, Field, model_validator
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
    floor: float = Field(default=0.0, ge=0, le=1e6)
    cap: float | None = Field(default=None, ge=0, le=1e6)
    excess_return: float = Field(default=0.0, ge=0, le=1)
    base_reset_years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _floor_within_cap(self) -> Sharing:
        if self.cap is not None and self.floor > self.cap:
            raise cross_field_error(
                "floor", f"must not exceed cap ({self.cap!r}), got {self.floor!r}"
            )
        return self


class Revenue(Section):
    """Tax of above-scale industrial firms, simulated from the base year on."""

    base_year: int = Field(ge=1949, le=2200)
    base_tax: float = Field(ge=0, le=1e6)
    start_year: int = Field(ge=1949, le=2300)
    horizon_years: int = Field(ge=1, le=100)
    paths: int = Field(ge=1, le=1_000_000)
    growth: Growth
    sharing: Sharing

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon_years - 1

    @model_validator(mode="after")
    def _years_in_order(self) -> Revenue:
        if self.start_year <= self.base_year:
            raise cross_field_error(
                "start_year",
                f"must come after base_year ({self.base_year}), got {self.start_year}",
            )
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


class ScenarioParams(Section):
    """A whole scenario file, leaves already stripped of their unit/source/note."""

    meta: Meta
    revenue: Revenue | None = None

    @model_validator(mode="after")
    def _has_a_model(self) -> ScenarioParams:
        if self.revenue is None:
            raise cross_field_error("revenue", "required key is missing (no model section)")
        return self
