"""Revenue sharing: "base retained, increment shared" (基数留存、增量分成).

Each year the tax T of above-scale industrial firms is compared with a base B.
The zone's raw share of the increment is ``S = zone_share · (T − B)⁺`` and
the rule pays it

    P = min(max(S, floor), cap) + excess_return · (S − cap)⁺

The county tops the zone up by ``(floor − S)⁺`` and pools ``(1 − excess_return)
· (S − cap)⁺``, so ``P = S + top_up − pooled`` and the county keeps ``T − P``.

Levers (what policy chooses) live in ``revenue.sharing``; uncertainties (what
the world draws) in ``revenue.growth``.  Money is in 亿元.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from simlib.models.base import Fan, Headline, Metrics, Model, Section, cross_field_error, fan


# -- parameters: the scenario's `revenue` section ------------------------------

MAX_PATH_YEARS = 20_000_000

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


# -- the model ------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """What the rule does with one array of tax against one array of bases."""

    raw_share: np.ndarray
    payout: np.ndarray
    top_up: np.ndarray
    pooled: np.ndarray
    marginal: np.ndarray  # ∂payout/∂tax, holding the base fixed
    floor_binds: np.ndarray  # raw share below the floor: the county tops up
    cap_binds: np.ndarray  # raw share above the cap: the county pools


def split(tax, base, *, zone_share: float, floor: float = 0.0, cap: float | None = None,
          excess_return: float = 0.0) -> Split:
    """Apply the sharing rule element-wise to ``tax`` and ``base`` (any broadcastable shapes)."""
    tax = np.asarray(tax, dtype=float)
    base = np.asarray(base, dtype=float)
    cap_ = np.inf if cap is None else float(cap)
    # in place where possible: at 100,000 paths × 20 years every pass over an array costs a millisecond
    shape = np.broadcast_shapes(tax.shape, base.shape)
    # the five float outputs as rows of one block: one fresh allocation to fault in, not five
    block = np.empty((5, *shape))
    raw, top_up, payout, marginal, above = (block[i, ...] for i in range(5))  # 0-d inputs give 0-d arrays
    np.subtract(tax, base, out=raw)
    gain = raw >= 0.0  # one more yuan at T == B is already shared
    np.maximum(raw, 0.0, out=raw)
    raw *= zone_share
    floor_binds = raw < floor
    np.subtract(floor, raw, out=top_up)
    np.maximum(top_up, 0.0, out=top_up)
    np.maximum(raw, floor, out=payout)
    # Slope of the payout in S: 0 below the floor, 1 between floor and cap, excess_return
    # above (floor <= cap), times zone_share, and 0 where T < B.  At a kink it is the slope for
    # one more yuan, i.e. from the right.  Element by element it is ((m - c·[S >= cap]) · [T >= B])
    # · zone_share with m = [S >= floor] and c = 1 - excess_return.
    drop = 1.0 - excess_return
    if floor <= cap_ and drop <= 1.0 and np.isfinite(drop):
        # then m = 0 implies S < cap, and m - c·[S >= cap] >= 0, so gating m and [S >= cap] by
        # [T >= B] before the arithmetic gives the same numbers, bit for bit, in fewer passes
        counted = np.greater_equal(raw, floor, out=np.empty(raw.shape, bool))  # an array even for 0-d inputs
        counted &= gain
        if cap is not None and drop == 1.0:  # nothing of the increment above the cap is returned: m - c = 0
            counted &= raw < cap_
        np.copyto(marginal, counted)
        if cap is not None and drop != 1.0:
            at_cap = np.greater_equal(raw, cap_, out=counted)
            at_cap &= gain
            np.copyto(above, at_cap)  # as scratch: ``above`` itself is computed below
            above *= drop
            marginal -= above
        marginal *= zone_share
    else:  # the general case, element by element as above
        np.copyto(marginal, raw >= floor)
        if cap is not None:
            np.subtract(marginal, drop, out=marginal, where=raw >= cap_)
        marginal *= gain
        marginal *= zone_share
    if cap is None:
        above.fill(0.0)
        cap_binds = np.zeros(raw.shape, dtype=bool)
    else:
        np.subtract(raw, cap_, out=above)
        np.maximum(above, 0.0, out=above)
        cap_binds = raw > cap_
        np.minimum(payout, cap_, out=payout)
        if excess_return:
            payout += excess_return * above
        if drop != 1.0:  # x · 1.0 == x exactly
            above *= drop  # what the county pools
    return Split(raw, payout, top_up, above, marginal, floor_binds, cap_binds)


@dataclass(frozen=True)
class RevenueResult:
    """Simulated paths (rows) × reported years (columns), in 亿元."""

    years: np.ndarray
    tax: np.ndarray
    base: np.ndarray
    split: Split

    @property
    def county_net(self) -> np.ndarray:
        """What the county keeps of the tax after paying the zone."""
        return self.tax - self.split.payout


def simulate(params: Revenue, rng: np.random.Generator, inputs: None = None) -> RevenueResult:
    """Draw tax paths from the base year on and apply the sharing rule to each year.

    Log growth is normal with sd ``growth.volatility`` and a drift chosen so that
    E[T_t / T_{t-1}] = 1 + ``growth.mean``; shocks multiply the level by
    ``1 + change`` in their year and stay.  With zero volatility there is one
    deterministic path.  The base is the base-year tax, re-set every
    ``base_reset_years`` years to the tax of the latest year.  ``inputs`` is unused (the model
    reads no file).
    """
    g = params.growth
    s = params.sharing
    sim_years = np.arange(params.base_year + 1, params.end_year + 1)
    n_paths = params.paths if g.volatility > 0 else 1
    drift = np.log1p(g.mean) - 0.5 * g.volatility**2
    # Arrays are laid out year-major (years × paths) so the loop over years touches
    # contiguous rows; results are handed out as paths × years views.
    if g.volatility > 0:
        log_level = rng.normal(drift, g.volatility, size=(sim_years.size, n_paths))
    else:
        log_level = np.full((sim_years.size, 1), drift)
    for shock in g.shocks:
        log_level[shock.year - params.base_year - 1] += np.log1p(shock.change)
    for t in range(1, sim_years.size):  # cumulative log growth, one vectorised row per year
        log_level[t] += log_level[t - 1]
    tax = np.exp(log_level, out=log_level)
    tax *= params.base_tax

    if s.base_reset_years is None:
        base = np.broadcast_to(np.float64(params.base_tax), tax.shape)
    else:
        n = s.base_reset_years
        with_base_year = np.concatenate([np.full((1, n_paths), params.base_tax), tax], axis=0)
        base = with_base_year[n * ((sim_years - params.base_year - 1) // n)]

    shown = slice(params.start_year - params.base_year - 1, None)
    tax, base = tax[shown].T, base[shown].T
    return RevenueResult(
        years=sim_years[shown],
        tax=tax,
        base=base,
        split=split(tax, base, zone_share=s.zone_share, floor=s.floor, cap=s.cap,
                    excess_return=s.excess_return),
    )


class RevenueMetrics(Metrics):
    """What the rule does, per year (lists over ``years``: means or probabilities over paths) and
    over the horizon (totals per path, then their mean or quantile); money in 亿元."""

    years: list[int]
    paths: int
    tax_mean: list[float]
    base_mean: list[float]
    zone_raw_share_mean: list[float]
    zone_payout_mean: list[float]
    county_topup_mean: list[float]
    pooled_mean: list[float]
    county_net_mean: list[float]
    p_floor_binds: list[float]
    p_cap_binds: list[float]
    marginal_retention_mean: list[float]
    zone_payout_total_mean: float
    zone_payout_total_p05: float
    zone_payout_total_p20: float  # received in 80% of paths
    zone_payout_total_p95: float
    county_topup_total_mean: float
    pooled_total_mean: float
    tax_total_mean: float
    marginal_retention_overall: float
    fan: dict[str, Fan]  # "tax", "zone_payout"


def summarize(result: RevenueResult, params: Revenue | None = None) -> RevenueMetrics:
    """Per-year means and probabilities, horizon totals, and quantile fans."""
    sp = result.split

    def mean(a: np.ndarray) -> list[float]:
        return a.mean(axis=0).tolist()

    payout_total = sp.payout.sum(axis=1)
    return RevenueMetrics(
        years=result.years.tolist(),
        paths=int(result.tax.shape[0]),
        tax_mean=mean(result.tax),
        base_mean=mean(result.base),
        zone_raw_share_mean=mean(sp.raw_share),
        zone_payout_mean=mean(sp.payout),
        county_topup_mean=mean(sp.top_up),
        pooled_mean=mean(sp.pooled),
        county_net_mean=mean(result.county_net),
        p_floor_binds=mean(sp.floor_binds),
        p_cap_binds=mean(sp.cap_binds),
        marginal_retention_mean=mean(sp.marginal),
        zone_payout_total_mean=float(payout_total.mean()),
        zone_payout_total_p05=float(np.quantile(payout_total, 0.05)),
        zone_payout_total_p20=float(np.quantile(payout_total, 0.20)),
        zone_payout_total_p95=float(np.quantile(payout_total, 0.95)),
        county_topup_total_mean=float(sp.top_up.sum(axis=1).mean()),
        pooled_total_mean=float(sp.pooled.sum(axis=1).mean()),
        tax_total_mean=float(result.tax.sum(axis=1).mean()),
        marginal_retention_overall=float(sp.marginal.mean()),
        fan={"tax": fan(result.tax), "zone_payout": fan(sp.payout)},
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


MODEL = Model(
    section="revenue",
    title={"zh": "新增税收分成", "en": "Revenue sharing"},
    params=Revenue,
    metrics=RevenueMetrics,
    simulate=simulate,
    summarize=summarize,
    headlines=(
        Headline({"zh": "开发区所得合计（{y0}–{y1}，均值）", "en": "Zone payout, {y0}–{y1} (mean)"},
                 lambda m: m.zone_payout_total_mean, "money", "zone_payout_total_mean"),
        Headline({"zh": "边际留成率（平均）", "en": "Marginal retention (average)"},
                 lambda m: m.marginal_retention_overall, "ratio", "marginal_retention_overall"),
        Headline({"zh": "封顶生效（路径-年份占比）", "en": "Cap binds (share of path-years)"},
                 lambda m: _mean(m.p_cap_binds), "percent"),
        Headline({"zh": "保底生效（路径-年份占比）", "en": "Floor binds (share of path-years)"},
                 lambda m: _mean(m.p_floor_binds), "percent"),
        Headline({"zh": "县级统筹合计（均值）", "en": "Pooled by the county (mean total)"},
                 lambda m: m.pooled_total_mean, "money"),
    ),
)
