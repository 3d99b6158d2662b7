"""Revenue sharing: "base retained, increment shared" (基数留存、增量分成).

Each year the tax T of above-scale industrial firms is compared with a base B.
The zone's raw share of the increment is ``S = zone_share · (T − B)⁺`` and
the rule pays it

    P = min(max(S, floor), cap) + excess_return · (S − cap)⁺

The county tops the zone up by ``(floor − S)⁺`` and pools ``(1 − excess_return)
· (S − cap)⁺``, so ``P = S + top_up − pooled`` and the county keeps ``T − P``.

The general schedule: ``brackets`` (marginal shares of the increment I, instead of one
``zone_share``), ``base_share`` (S also includes base_share · min(T, B)), ``base_growth`` (the base
grows each year, also after a re-set), ``allow_negative`` (I = T − B, so the zone can remit),
``periods`` (sharing keys in force from a year on), ``start_tax`` (a new firm on a base of 0) and
``tax_basis.retained_share`` (the rule applies to r·T against r·B; the county keeps r·T − P).
Today's rule keeps its own fast path (:func:`split`); the rest goes through :func:`general_split`.

Levers (what policy chooses) live in ``revenue.sharing``; uncertainties (what
the world draws) in ``revenue.growth``.  Money is in 亿元.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simlib.models.base import Fan, Headline, Metrics, Model, Section, cross_field_error, fan


# -- parameters: the scenario's `revenue` section ------------------------------

MAX_PATH_YEARS = 20_000_000
#: How many times its starting level the tax (and the base, and each series) may compound to over the
#: simulated years from its mean growth and every upward shock applied: 1e9, far beyond any real zone
#: (a zone's tax growing 20% a year for 100 years compounds to 8e7 times), and the same factor the
#: growth.mean bound has always used.
MAX_COMPOUNDING = 1e9
#: Standard deviations of a path's growth (``volatility`` and ``mean_sd`` together) at which the
#: largest tax a run can reach is bounded: a draw this far out has a probability below 1e-23 per
#: path and year, so no run of at most MAX_PATH_YEARS path-years comes near it.
SPREAD_SD = 10.0
#: The largest tax (亿元 a year) a path may reach at SPREAD_SD standard deviations: unreachable by any
#: real zone (China's whole tax revenue is about 2e5 亿元 a year) and far enough below float64's
#: 1.8e308 that sums over paths and years, the linked zone's ledger and every figure of
#: results.json stay finite.
MAX_TAX = 1e100


def _power_of_ten(log_value: float) -> str:
    """``e^log_value`` as a short text (``1e+312``) that never overflows."""
    exponent = log_value / np.log(10.0)
    if exponent < 15:
        return f"{np.exp(log_value):.3g}"
    mantissa = 10.0 ** (exponent - np.floor(exponent))
    return f"{mantissa:.2g}e+{int(np.floor(exponent))}"


def _sci(x: float) -> str:
    """A round limit as researchers write it: 1e9, 1e100."""
    return f"{x:.0e}".replace("e+0", "e").replace("e+", "e")


def worst_log_level(start: float, years: int, mean: float, volatility: float, mean_sd: float,
                    rise: float = 0.0, sd: float = SPREAD_SD) -> tuple[float, int]:
    """The log of the largest level (and the year, 1-based, it is reached) of a quantity starting at
    ``start`` that grows ``years`` years at ``mean`` a year with yearly log sd ``volatility`` and a
    per-path mean log growth of sd ``mean_sd`` (:func:`simulate`'s draws), ``sd`` standard deviations
    out, with every upward shock applied (``rise``: the sum of their log1p)."""
    t = np.arange(1, years + 1, dtype=float)
    spread = sd * np.sqrt(volatility**2 * t + mean_sd**2 * t**2) - 0.5 * (volatility**2 + mean_sd**2) * t
    level = np.log(start) + t * np.log1p(mean) + spread + rise
    i = int(np.argmax(level))
    return float(level[i]), i + 1

class Shock(Section):
    """A one-off, permanent change of the tax level in ``year`` (−0.31 = a 31% fall)."""

    year: int
    change: float = Field(gt=-1, le=10)


class Calibration(Section):
    """Where ``mean``, ``volatility`` and ``mean_sd`` were estimated from: a zone's own annual series
    (a CSV or xlsx file beside the scenario file), read when the scenario is loaded."""

    file: str = Field(min_length=1, max_length=500)
    series: str = Field(min_length=1, max_length=100)
    year_column: str = Field(default="year", min_length=1, max_length=100)
    exclude: list[int] = Field(default_factory=list, max_length=100)  # years whose growth was a shock


class Growth(Section):
    """Annual growth of the tax base: E[T_t / T_{t-1}] = 1 + mean; sd of log growth = volatility."""

    mean: float = Field(gt=-1, le=10)
    volatility: float = Field(ge=0, le=3)
    shocks: list[Shock] = Field(default_factory=list)
    #: Parameter uncertainty: each path's mean log growth is drawn around the one ``mean`` implies
    #: with this sd (e.g. the standard error ``simlib calibrate`` prints), so a fan estimated from a
    #: few years carries the estimate's uncertainty too.  0: every path shares ``mean``.
    mean_sd: float = Field(default=0.0, ge=0, le=1)
    calibrate: Calibration | None = None  # the file mean, volatility and mean_sd came from, if any


class Bracket(Section):
    """One bracket of the increment: from ``above`` 亿元 on, the zone gets ``share`` of each further yuan."""

    above: float = Field(ge=0, le=1e6)
    share: float = Field(ge=0, le=1)


def _bracket_problem(brackets: list[Bracket], key: str) -> PydanticCustomError | None:
    """The first problem of a bracket list (``key`` is its dotted name), or None."""
    if not brackets:
        return cross_field_error(key, "must list at least one bracket, the first with above: 0")
    if brackets[0].above != 0:
        return cross_field_error(f"{key}[0].above", f"the first bracket must start at 0, got {brackets[0].above!r}")
    for i in range(1, len(brackets)):
        if brackets[i].above <= brackets[i - 1].above:
            return cross_field_error(
                f"{key}[{i}].above",
                f"brackets must be in increasing order without overlap: must exceed "
                f"{brackets[i - 1].above!r} (bracket {i - 1}), got {brackets[i].above!r}")
    return None


def _one_schedule_problem(zone_share: float | None, brackets: list[Bracket] | None, prefix: str,
                          required: bool) -> PydanticCustomError | None:
    if zone_share is not None and brackets is not None:
        return cross_field_error(f"{prefix}brackets", "give either zone_share or brackets, not both")
    if required and zone_share is None and brackets is None:
        return cross_field_error(f"{prefix}zone_share", "required key is missing: give zone_share or brackets")
    return _bracket_problem(brackets, f"{prefix}brackets") if brackets is not None else None


class Sharing(Section):
    """The rule that splits new tax between the zone and its county (亿元 a year)."""

    zone_share: float | None = Field(default=None, ge=0, le=1)
    cap: float | None = Field(default=None, ge=0, le=1e6)  # before floor, so floor's check can see it
    floor: float = Field(default=0.0, ge=0, le=1e6)
    excess_return: float = Field(default=0.0, ge=0, le=1)
    base_reset_years: int | None = Field(default=None, ge=1, le=100)
    brackets: list[Bracket] | None = None  # instead of zone_share: marginal shares of the increment
    base_share: float = Field(default=0.0, ge=0, le=1)  # zone's share of the base part min(T, B)
    base_growth: float = Field(default=0.0, gt=-1, le=10)  # the base grows at this annual rate
    allow_negative: bool = False  # share (T − B), not (T − B)⁺: a fixed remittance can go negative
    periods: list[Period] = Field(default_factory=list)

    @field_validator("floor")
    @classmethod
    def _floor_within_cap(cls, floor: float, info: ValidationInfo) -> float:
        cap = info.data.get("cap")  # absent when cap itself failed: that problem is reported already
        if cap is not None and floor > cap:
            raise ValueError(f"must not exceed cap ({cap!r}), got {floor!r}")
        return floor

    @property
    def first_share(self) -> float:
        """The zone's share of the first yuan of increment: ``zone_share`` or the first bracket's share."""
        return self.zone_share if self.zone_share is not None else self.brackets[0].share

    @model_validator(mode="after")
    def _one_schedule(self) -> Sharing:
        problem = _one_schedule_problem(self.zone_share, self.brackets, "", required=True)
        if problem is not None:
            raise problem
        for i, period in enumerate(self.periods):
            problem = _one_schedule_problem(period.zone_share, period.brackets, f"periods[{i}].", required=False)
            if problem is not None:
                raise problem
        return self


class Period(Section):
    """Sharing keys in force from ``from_year`` on; keys not given keep their earlier value."""

    from_year: int = Field(ge=1949, le=2300)
    zone_share: float | None = Field(default=None, ge=0, le=1)
    cap: float | None = Field(default=None, ge=0, le=1e6)
    floor: float = Field(default=0.0, ge=0, le=1e6)
    excess_return: float = Field(default=0.0, ge=0, le=1)
    base_reset_years: int | None = Field(default=None, ge=1, le=100)
    brackets: list[Bracket] | None = None
    base_share: float = Field(default=0.0, ge=0, le=1)
    base_growth: float = Field(default=0.0, gt=-1, le=10)
    allow_negative: bool = False


Sharing.model_rebuild()


class TaxBasis(Section):
    """What the split applies to: ``retained_share`` × T, the part of the tax retained at county level."""

    retained_share: float = Field(default=1.0, gt=0, le=1)


@dataclass(frozen=True)
class Rule:
    """The sharing rule in force in one year, every key resolved (brackets: thresholds and shares)."""

    above: tuple[float, ...]
    shares: tuple[float, ...]
    floor: float
    floor_set: bool  # with allow_negative a floor applies only when given
    cap: float | None
    excess_return: float
    base_reset_years: int | None
    base_share: float
    base_growth: float
    allow_negative: bool

    @property
    def is_flat(self) -> bool:
        """Today's rule: one share of (T − B)⁺, no base share, a base that never grows."""
        return (len(self.shares) == 1 and self.base_share == 0.0 and self.base_growth == 0.0
                and not self.allow_negative)


_RULE_KEYS = ("floor", "cap", "excess_return", "base_reset_years", "base_share", "base_growth", "allow_negative")


def _resolve(state: dict, section: Sharing | Period) -> dict:
    state = dict(state)
    given = section.model_fields_set
    if section.zone_share is not None:
        state["above"], state["shares"] = (0.0,), (float(section.zone_share),)
    elif section.brackets is not None:
        state["above"] = tuple(float(b.above) for b in section.brackets)
        state["shares"] = tuple(float(b.share) for b in section.brackets)
    for key in _RULE_KEYS:
        if isinstance(section, Sharing) or key in given:
            state[key] = getattr(section, key)
    if "floor" in given:
        state["floor_set"] = True
    return state


def rules(sharing: Sharing) -> tuple[Rule, list[tuple[int, Rule]]]:
    """The top-level rule and, for each period, its first year and the rule in force from then on."""
    state = _resolve({"floor_set": False}, sharing)
    top = Rule(**state)
    out = []
    for period in sharing.periods:
        state = _resolve(state, period)
        out.append((period.from_year, Rule(**state)))
    return top, out


# -- other series of the zone's economy, and targets on any series (Jianshi's, seed 003) --

#: z of the two-sided 95% interval of a target's probability.
Z95 = 1.959963984540054


class SeriesGrowth(Section):
    mean: float = Field(gt=-1, le=10)
    volatility: float = Field(ge=0, le=3)


class Series(Section):
    """A series of the zone's economy, simulated beside the tax (same paths and years)."""

    name: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z_]\w*$")
    start_value: float = Field(gt=0, le=1e9)  # in the base year, in its own unit
    unit: str | None = Field(default=None, max_length=30)
    growth: SeriesGrowth
    correlation: float = Field(default=0.0, ge=-1, le=1)  # of its yearly shocks with the tax's


class Target(Section):
    """P(``series`` in ``year`` ≥ ``value``): ``series: tax`` for the tax itself (亿元)."""

    series: str = Field(min_length=1, max_length=50)
    year: int = Field(ge=1949, le=2300)
    value: float = Field(ge=0, le=1e9)


class TargetResult(Metrics):
    series: str
    year: int
    value: float
    probability: float
    ci_low: float
    ci_high: float


def simulate_series(series: list[Series], tax_shocks: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Each series' levels, years × paths like ``tax_shocks`` (the tax's standardised yearly shocks,
    zero where the tax is deterministic), drawn after the tax's own numbers."""
    out = {}
    for s in series:
        g = s.growth
        own = rng.standard_normal(tax_shocks.shape) if g.volatility > 0 else np.zeros(tax_shocks.shape)
        shock = s.correlation * tax_shocks + np.sqrt(1.0 - s.correlation**2) * own
        log_growth = np.log1p(g.mean) - 0.5 * g.volatility**2 + g.volatility * shock
        out[s.name] = s.start_value * np.exp(np.cumsum(log_growth, axis=0))
    return out


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (Wilson 1927); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def target_results(targets: list[Target], years: np.ndarray, levels: dict[str, np.ndarray]) -> list[TargetResult]:
    """Each target's probability over the paths, with its interval; ``levels`` maps a series name
    (and ``tax``) to its levels, paths × ``years``."""
    out = []
    for t in targets:
        column = levels[t.series][:, int(np.flatnonzero(years == t.year)[0])]
        hits = int((column >= t.value).sum())
        low, high = wilson(hits, column.size)
        out.append(TargetResult(series=t.series, year=t.year, value=t.value, probability=hits / column.size,
                                ci_low=low, ci_high=high))
    return out


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
    start_tax: float | None = Field(default=None, gt=0, le=1e6)  # tax in the year before the first simulated one
    tax_basis: TaxBasis = Field(default_factory=TaxBasis)
    series: list[Series] = Field(default_factory=list, max_length=20)
    targets: list[Target] = Field(default_factory=list, max_length=50)

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon_years - 1

    @model_validator(mode="after")
    def _years_in_order(self) -> Revenue:
        if self.base_tax == 0 and self.start_tax is None:
            raise cross_field_error("base_tax", "is 0 and no start_tax is given, so the tax would stay 0 in every "
                                                "year: give start_tax (a new firm's tax in the year before the "
                                                "first simulated one) or a positive base_tax")
        names = [x.name for x in self.series]
        for i, name in enumerate(names):
            if name == "tax" or name in names[:i]:
                raise cross_field_error(f"series[{i}].name", f"must be unique and not 'tax', got {name!r}")
        for i, target in enumerate(self.targets):
            if target.series != "tax" and target.series not in names:
                raise cross_field_error(f"targets[{i}].series",
                                        f"must be tax or one of the series {names}, got {target.series!r}")
            if not self.base_year < target.year <= self.end_year:
                raise cross_field_error(f"targets[{i}].year", f"must lie in {self.base_year + 1}..{self.end_year} "
                                                              f"(the simulated years), got {target.year}")
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
        self._check_compounding(years)
        if self.paths * (self.end_year - self.base_year) > MAX_PATH_YEARS:
            raise cross_field_error(
                "paths",
                f"paths × simulated years must be at most {MAX_PATH_YEARS:,}, "
                f"got {self.paths:,} × {self.end_year - self.base_year}",
            )
        previous = None
        for i, period in enumerate(self.sharing.periods):
            if not self.start_year <= period.from_year <= self.end_year:
                raise cross_field_error(
                    f"sharing.periods[{i}].from_year",
                    f"must lie in {self.start_year}..{self.end_year} (within the horizon), got {period.from_year}")
            if previous is not None and period.from_year <= previous:
                raise cross_field_error(
                    f"sharing.periods[{i}].from_year",
                    f"periods must be in increasing from_year without overlap: must come after {previous} "
                    f"(periods[{i - 1}]), got {period.from_year}")
            previous = period.from_year
        _, scheduled = rules(self.sharing)
        for i, (_, rule) in enumerate(scheduled):
            if rule.cap is not None and rule.floor > rule.cap:
                key = "floor" if "floor" in self.sharing.periods[i].model_fields_set else "cap"
                raise cross_field_error(
                    f"sharing.periods[{i}].{key}",
                    f"floor ({rule.floor!r}) must not exceed cap ({rule.cap!r}) in this period")
        return self

    def _check_compounding(self, years: int) -> None:
        """Bounds on what the run will compute, shocks included: the tax with its mean growth and every
        upward shock compounds to at most MAX_COMPOUNDING times its start, and every fall shrinks it to
        no less than 1/MAX_COMPOUNDING of its level; a path SPREAD_SD standard
        deviations out reaches at most MAX_TAX 亿元 a year; each series compounds to at most
        MAX_COMPOUNDING times its start_value; and the base, grown by base_growth, to at most
        MAX_COMPOUNDING times the base-year tax."""
        g = self.growth
        limit = np.log(MAX_COMPOUNDING)
        rise = float(sum(np.log1p(max(s.change, 0.0)) for s in g.shocks))
        factor = years * max(float(np.log1p(g.mean)), 0.0) + rise
        if g.shocks and factor > limit:
            raise cross_field_error(
                "growth.shocks", f"with growth.mean and every rise applied the tax compounds to "
                                 f"{_power_of_ten(factor)} times the base over {years} years; must be at most "
                                 f"{_sci(MAX_COMPOUNDING)} (fewer or smaller rises)")
        fall = float(sum(np.log1p(min(s.change, 0.0)) for s in g.shocks))
        if fall < -limit:  # the linked zone divides the tax by the shocks' level to take them out
            raise cross_field_error(
                "growth.shocks", f"with every fall applied the tax shrinks to {np.exp(fall):.3g} of its level; "
                                 f"must be at least 1/{_sci(MAX_COMPOUNDING)} (fewer or smaller falls)")
        start = self.base_tax if self.start_tax is None else self.start_tax
        if start > 0 and (g.volatility > 0 or g.mean_sd > 0):
            level, year = worst_log_level(start, years, g.mean, g.volatility, g.mean_sd, rise)
            if level > np.log(MAX_TAX):
                key = "growth.mean_sd" if g.mean_sd > 0 else "growth.volatility"
                raise cross_field_error(
                    key, f"{SPREAD_SD:g} standard deviations out, a path's tax would reach "
                         f"{_power_of_ten(level)} 亿元 a year in simulated year {year} of {years}; must stay "
                         f"at most {_sci(MAX_TAX)} (a smaller spread or a shorter horizon), got {getattr(g, key.split('.')[1])!r}")
        for i, x in enumerate(self.series):
            if years * np.log1p(x.growth.mean) > limit:
                raise cross_field_error(
                    f"series[{i}].growth.mean", f"compounds to more than {_sci(MAX_COMPOUNDING)} times start_value "
                                                f"over {years} years, got {x.growth.mean!r}")
        grown, worst, key = 0.0, 0.0, None
        sources = [("sharing.base_growth", self.sharing, self.base_year + 1)] + [
            (f"sharing.periods[{i}].base_growth", p, p.from_year) for i, p in enumerate(self.sharing.periods)
            if "base_growth" in p.model_fields_set]
        year_rules = self.year_rules()
        # the base compounds year by year, whichever rule is in force; a re-set starts it again from the
        # tax (bounded above), so only the growth since the latest re-set counts
        for rule, reset in zip(year_rules, _reset_flags(year_rules)):
            grown = float(np.log1p(rule.base_growth)) + (0.0 if reset else grown)
            worst = max(worst, grown)
        if worst > limit:
            key = max(sources, key=lambda s: s[1].base_growth)[0]
            raise cross_field_error(
                key, f"the base would compound to {_power_of_ten(worst)} times the base-year tax over {years} "
                     f"years; must be at most {_sci(MAX_COMPOUNDING)}, got "
                     f"{max(s[1].base_growth for s in sources)!r}")

    def year_rules(self) -> list[Rule]:
        """The rule in force in each simulated year, base_year + 1 .. end_year."""
        top, scheduled = rules(self.sharing)
        out, current, k = [], top, 0
        for year in range(self.base_year + 1, self.end_year + 1):
            while k < len(scheduled) and scheduled[k][0] <= year:
                current = scheduled[k][1]
                k += 1
            out.append(current)
        return out


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


_SPLIT_FIELDS = ("raw_share", "payout", "top_up", "pooled", "marginal", "floor_binds", "cap_binds")


def general_split(tax, base, rule: Rule, out: Split | None = None, flat: np.ndarray | None = None) -> Split:
    """Apply a general rule (brackets, base share, negative increments) element-wise.

    The zone's raw share is  S = Σ_k share_k · (portion of the increment I in bracket k)
    + base_share · min(T, B),  with I = (T − B)⁺, or T − B when ``allow_negative`` (the first
    bracket's share then applies below 0 too).  S is then floored, capped and the excess partly
    returned exactly as in :func:`split`; with ``allow_negative`` the floor applies only when given.
    ``out`` (arrays of the broadcast shape) receives the result; ``flat`` receives first share · I⁺.
    """
    tax = np.asarray(tax, dtype=float)
    base = np.asarray(base, dtype=float)
    shape = np.broadcast_shapes(tax.shape, base.shape)
    if out is None:
        block = np.empty((5, *shape))
        out = Split(*(block[i, ...] for i in range(5)), np.empty(shape, bool), np.empty(shape, bool))
    raw, payout, top_up, pooled, marginal = out.raw_share, out.payout, out.top_up, out.pooled, out.marginal
    inc = np.subtract(tax, base, out=pooled)  # ``pooled`` as scratch until the end
    s0 = rule.shares[0]
    if rule.allow_negative:
        np.greater_equal(inc, -np.inf, out=out.floor_binds)  # scratch: slope s0 everywhere
        np.multiply(inc, s0, out=raw)
        if flat is not None:
            np.maximum(raw, 0.0, out=flat)
    else:
        np.greater_equal(inc, 0.0, out=out.floor_binds)  # scratch: one more yuan at T == B is shared
        np.maximum(inc, 0.0, out=inc)
        np.multiply(inc, s0, out=raw)
        if flat is not None:
            np.copyto(flat, raw)
    # the slope of S in T, kept in ``marginal``: s0 on a gain, plus each bracket step above its threshold
    np.multiply(out.floor_binds, s0, out=marginal)
    for above, share, prev in zip(rule.above[1:], rule.shares[1:], rule.shares[:-1]):
        step = share - prev
        np.greater_equal(inc, above, out=out.cap_binds)
        np.multiply(out.cap_binds, step, out=top_up)  # scratch
        marginal += top_up
        np.subtract(inc, above, out=top_up)
        np.maximum(top_up, 0.0, out=top_up)
        top_up *= step
        raw += top_up
    if rule.base_share:
        np.minimum(tax, base, out=top_up)
        top_up *= rule.base_share
        raw += top_up
        np.less(tax, base, out=out.cap_binds)
        np.multiply(out.cap_binds, rule.base_share, out=top_up)
        marginal += top_up
    floor = rule.floor if (rule.floor_set or not rule.allow_negative) else -np.inf
    if np.isfinite(floor):
        np.subtract(floor, raw, out=top_up)
        np.maximum(top_up, 0.0, out=top_up)
        np.less(raw, floor, out=out.floor_binds)
        np.maximum(raw, floor, out=payout)
        np.greater_equal(raw, floor, out=out.cap_binds)  # scratch
        marginal *= out.cap_binds
    else:
        top_up.fill(0.0)
        out.floor_binds.fill(False)
        np.copyto(payout, raw)
    if rule.cap is None:
        pooled.fill(0.0)
        out.cap_binds.fill(False)
    else:
        cap = float(rule.cap)
        drop = 1.0 - rule.excess_return
        if drop == 1.0:
            np.less(raw, cap, out=out.cap_binds)
            marginal *= out.cap_binds
        elif drop:
            np.greater_equal(raw, cap, out=out.cap_binds)
            np.multiply(out.cap_binds, drop, out=pooled)  # scratch
            pooled *= marginal
            marginal -= pooled
        np.greater(raw, cap, out=out.cap_binds)
        np.subtract(raw, cap, out=pooled)
        np.maximum(pooled, 0.0, out=pooled)
        np.minimum(payout, cap, out=payout)
        if rule.excess_return:
            payout += rule.excess_return * pooled
        if drop != 1.0:
            pooled *= drop
    return out


def _reset_flags(rules_: list[Rule]) -> list[bool]:
    """Whether the base of simulated year j (1-based) is re-set to the tax of year j − 1."""
    return [r.base_reset_years is not None and j > 1 and (j - 1) % r.base_reset_years == 0
            for j, r in enumerate(rules_, start=1)]


def _bases(tax: np.ndarray, base0: float, rules_: list[Rule], resets: list[bool], first: int = 0,
           previous: np.ndarray | float | None = None) -> np.ndarray:
    """Bases (years × paths) of simulated years ``first`` .. end (0-based), from the tax (years × paths).

    B_j = (T_{j−1} if re-set in year j else B_{j−1}) · (1 + base_growth_j), B_0 = ``base0``; ``previous``
    is the base of year ``first − 1`` (``base0`` when ``first`` is 0).  Without a re-set from ``first``
    on, one column (years × 1) that broadcasts over paths.
    """
    b = base0 if previous is None else previous
    if not any(resets[first:]) and np.ndim(b) == 0:
        growth = np.array([1.0 + r.base_growth for r in rules_[first:]])
        return (b * np.cumprod(growth))[:, None]
    out = np.empty((len(rules_) - first, tax.shape[1]))
    for j in range(first, len(rules_)):
        r = rules_[j]
        b = tax[j - 1] if resets[j] else b
        if r.base_growth:
            np.multiply(b, 1.0 + r.base_growth, out=out[j - first])
        else:
            out[j - first] = b
        b = out[j - first]
    return out


def _payouts(tax: np.ndarray, base: np.ndarray, rules_: list[Rule], flat: np.ndarray | None = None) -> Split:
    """The general rule applied year by year (tax, base: years × paths, year-major), runs of one rule at once."""
    shape = np.broadcast_shapes(tax.shape, base.shape)
    block = np.empty((5, *shape))
    flags = np.empty((2, *shape), bool)
    out = Split(*(block[i] for i in range(5)), flags[0], flags[1])
    j = 0
    while j < len(rules_):
        k = j
        while k < len(rules_) and rules_[k] is rules_[j]:
            k += 1
        general_split(tax[j:k], base[j:k], rules_[j], Split(*(getattr(out, f)[j:k] for f in _SPLIT_FIELDS)),
                      None if flat is None else flat[j:k])
        j = k
    return out


@dataclass(frozen=True)
class Engine:
    """What the dynamic marginal retention needs: every simulated year (year-major), its rule and the base."""

    tax: np.ndarray  # the tax the rule applies to (retained basis), years × paths
    base0: float
    rules: list[Rule]
    shown: int  # index of the first reported year

    @property
    def resets(self) -> list[bool]:
        return _reset_flags(self.rules)

    def ratchets(self) -> bool:
        """Whether a reported year's tax enters a later base."""
        return any(self.resets[self.shown + 1:])

    def total_payout(self, tax: np.ndarray, first: int, previous) -> np.ndarray:
        """Payout per path summed over years ``first`` .. end, bases recomputed from ``first`` on."""
        rules_ = self.rules
        base = _bases(tax, self.base0, rules_, self.resets, first, previous)
        return _payouts(tax[first:], base, rules_[first:]).payout.sum(axis=0)

    def dynamic_retention(self) -> tuple[float, float]:
        """(one-off, lasting) marginal retention by finite difference on the same paths."""
        tax = self.tax
        n_years = tax.shape[0]
        h = 1e-6 * max(1.0, float(np.abs(tax).mean()))
        base = _bases(tax, self.base0, self.rules, self.resets)
        payout = _payouts(tax, base, self.rules).payout
        oneoff, lasting = [], []
        for t in range(self.shown, n_years):
            previous = base[t - 1] if t > 0 else None
            ref = payout[t:].sum(axis=0)  # the same numbers total_payout(tax, t, previous) adds up
            bumped = tax.copy()
            bumped[t] += h
            oneoff.append((self.total_payout(bumped, t, previous) - ref).mean() / h)
            bumped[t + 1:] += h
            lasting.append((self.total_payout(bumped, t, previous) - ref).mean() / (h * (n_years - t)))
        return float(np.mean(oneoff)), float(np.mean(lasting))


@dataclass(frozen=True)
class RevenueResult:
    """Simulated paths (rows) × reported years (columns), in 亿元."""

    years: np.ndarray
    tax: np.ndarray
    base: np.ndarray
    split: Split
    retained: np.ndarray | None = None  # retained_share × tax when the rule applies to part of the tax
    flat_payout: np.ndarray | None = None  # first bracket's share of (T − B)⁺ (None: the raw share)
    engine: Engine | None = None
    levels: dict | None = None  # "tax" and each series: paths × every simulated year (for targets)
    level_years: np.ndarray | None = None  # the simulated years, base year + 1 on
    sim_tax: np.ndarray | None = None  # the tax the rule was given: every simulated year × paths (year-major)

    @property
    def county_net(self) -> np.ndarray:
        """What the county keeps of the (retained) tax after paying the zone."""
        return (self.tax if self.retained is None else self.retained) - self.split.payout


def simulate(params: Revenue, rng: np.random.Generator, inputs: None = None) -> RevenueResult:
    """Draw tax paths from the base year on and apply the sharing rule to each year.

    Log growth is normal with sd ``growth.volatility`` and a drift chosen so that
    E[T_t / T_{t-1}] = 1 + ``growth.mean``; shocks multiply the level by
    ``1 + change`` in their year and stay.  With zero volatility there is one
    deterministic path (unless ``growth.mean_sd`` gives each path its own mean log growth, drawn after the
    yearly shocks).  Tax grows from ``start_tax`` (default ``base_tax``).  The base is the
    base-year tax, re-set every ``base_reset_years`` years to the tax of the latest year and grown by
    ``base_growth`` a year: B_j = (T_{j−1} if re-set in year j else B_{j−1}) · (1 + base_growth).
    With ``tax_basis.retained_share`` r < 1 the rule applies to r·T against r·B.  ``inputs`` is unused
    (the model reads no file).
    """
    g = params.growth
    s = params.sharing
    sim_years = np.arange(params.base_year + 1, params.end_year + 1)
    n_paths = params.paths if g.volatility > 0 or g.mean_sd > 0 else 1
    drift = np.log1p(g.mean) - 0.5 * g.volatility**2
    random_series = any(x.growth.volatility > 0 for x in params.series)
    # Arrays are laid out year-major (years × paths) so the loop over years touches
    # contiguous rows; results are handed out as paths × years views.
    if g.volatility > 0:
        log_level = rng.normal(drift, g.volatility, size=(sim_years.size, n_paths))
    else:
        log_level = np.full((sim_years.size, n_paths), drift)
    if params.series:  # the tax's standardised yearly shocks, which correlated series share
        tax_shocks = ((log_level - drift) / g.volatility if g.volatility > 0
                      else np.zeros((sim_years.size, params.paths if random_series else n_paths)))
    if g.mean_sd > 0:  # each path's own mean log growth (parameter uncertainty), drawn after the shocks,
        # centred so that E[T_t / T_{t-1}] over paths stays 1 + mean
        log_level += rng.normal(-0.5 * g.mean_sd**2, g.mean_sd, n_paths)
    for shock in g.shocks:
        log_level[shock.year - params.base_year - 1] += np.log1p(shock.change)
    for t in range(1, sim_years.size):  # cumulative log growth, one vectorised row per year
        log_level[t] += log_level[t - 1]
    tax = np.exp(log_level, out=log_level)
    tax *= params.base_tax if params.start_tax is None else params.start_tax
    levels = None
    if params.series or params.targets:  # drawn after the tax's numbers: scenarios without series keep theirs
        other = simulate_series(params.series, tax_shocks, rng) if params.series else {}
        paths = max([tax.shape[1], *(v.shape[1] for v in other.values())])
        levels = {"tax": np.broadcast_to(tax, (sim_years.size, paths)).T.copy(), **{k: v.T for k, v in other.items()}}
    return apply_rule(params, sim_years, tax, levels)


def apply_rule(params: Revenue, sim_years: np.ndarray, tax: np.ndarray, levels: dict | None = None) -> RevenueResult:
    """The sharing rule applied to ``tax`` (亿元, every simulated year × paths, year-major: the base
    year + 1 on), reporting the years from ``start_year`` on.  :func:`simulate` draws the tax and
    calls this; the zone model calls it again on the tax with the new projects' tax added, so the
    rule (bases, re-sets, brackets) sees the combined tax.  Reads no random numbers."""
    s = params.sharing
    n_paths = tax.shape[1]
    sim_tax = tax
    shown = slice(params.start_year - params.base_year - 1, None)
    rules_ = params.year_rules()
    retained_share = params.tax_basis.retained_share
    resets = _reset_flags(rules_)

    if all(r is rules_[0] for r in rules_) and rules_[0].is_flat and retained_share == 1.0:
        # today's rule: one share, floor, cap and return, a base re-set every N years (the fast path)
        if s.base_reset_years is None:
            base = np.broadcast_to(np.float64(params.base_tax), tax.shape)
        else:
            n = s.base_reset_years
            with_base_year = np.concatenate([np.full((1, n_paths), params.base_tax), tax], axis=0)
            base = with_base_year[n * ((sim_years - params.base_year - 1) // n)]
        r = rules_[0]
        engine = Engine(tax, params.base_tax, rules_, shown.start) if any(resets) else None
        tax, base = tax[shown].T, base[shown].T
        return RevenueResult(
            years=sim_years[shown],
            tax=tax,
            base=base,
            split=split(tax, base, zone_share=r.shares[0], floor=s.floor, cap=s.cap,
                        excess_return=s.excess_return),
            engine=engine,
            levels=levels,
            level_years=sim_years,
            sim_tax=sim_tax,
        )

    applied = tax if retained_share == 1.0 else tax * retained_share
    base0 = params.base_tax * retained_share
    base = _bases(applied, base0, rules_, resets)
    first = shown.start
    flat = np.empty(tax[shown].shape)
    sp = _payouts(applied[shown], base[shown], rules_[first:], flat)
    sp = Split(*(getattr(sp, f).T for f in _SPLIT_FIELDS))
    return RevenueResult(
        years=sim_years[shown],
        tax=tax[shown].T,
        base=np.broadcast_to(base[shown], tax[shown].shape).T,
        split=sp,
        retained=None if retained_share == 1.0 else applied[shown].T,
        flat_payout=flat.T,
        engine=Engine(applied, base0, rules_, first) if any(resets) else None,
        levels=levels,
        level_years=sim_years,
        sim_tax=sim_tax,
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
    county_net_total_mean: float  # what the county keeps over the horizon after top-ups and payouts
    flat_split_payout_total_mean: float  # a plain split of the increment at the first bracket's share
    marginal_retention_dynamic_oneoff: float  # one extra yuan in one year, once later bases absorb it
    marginal_retention_dynamic_lasting: float  # one extra yuan a year from a year on, per yuan per year
    fan: dict[str, Fan]  # "tax", "zone_payout"
    targets: list[TargetResult] = []  # P(series in year >= value), in the order the scenario lists them


def summarize(result: RevenueResult, params: Revenue | None = None) -> RevenueMetrics:
    """Per-year means and probabilities, horizon totals, and quantile fans."""
    sp = result.split

    def mean(a: np.ndarray) -> list[float]:
        return a.mean(axis=0).tolist()

    payout_total = sp.payout.sum(axis=1)
    static = float(sp.marginal.mean())
    marginal_mean = mean(sp.marginal)
    engine = result.engine
    if engine is not None and engine.ratchets():
        oneoff, lasting = engine.dynamic_retention()
    else:  # no reported year's tax enters a later base: the static marginals, averaged the same way
        oneoff, lasting = static, _lasting_static(marginal_mean)
    flat = sp.raw_share if result.flat_payout is None else result.flat_payout
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
        marginal_retention_mean=marginal_mean,
        zone_payout_total_mean=float(payout_total.mean()),
        zone_payout_total_p05=float(np.quantile(payout_total, 0.05)),
        zone_payout_total_p20=float(np.quantile(payout_total, 0.20)),
        zone_payout_total_p95=float(np.quantile(payout_total, 0.95)),
        county_topup_total_mean=float(sp.top_up.sum(axis=1).mean()),
        pooled_total_mean=float(sp.pooled.sum(axis=1).mean()),
        tax_total_mean=float(result.tax.sum(axis=1).mean()),
        marginal_retention_overall=static,
        county_net_total_mean=float(result.county_net.sum(axis=1).mean()),
        flat_split_payout_total_mean=float(flat.sum(axis=1).mean()),
        marginal_retention_dynamic_oneoff=oneoff,
        marginal_retention_dynamic_lasting=lasting,
        fan={"tax": fan(result.tax), "zone_payout": fan(sp.payout)},
        targets=(target_results(params.targets, result.level_years, result.levels)
                 if params is not None and params.targets else []),
    )


def _lasting_static(marginal_mean: list[float]) -> float:
    """Mean over years t of the mean static marginal over years t .. end (from the per-year means)."""
    n = len(marginal_mean)
    return sum(sum(marginal_mean[t:]) / (n - t) for t in range(n)) / n


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
