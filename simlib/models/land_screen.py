"""The standard-land screen (标准地): a zone's indicator set, and which newly signed projects pass it.

A screen is a set of conditions on a project's indicators.  Each condition is a
:class:`Bound` (a minimum, a maximum or both, all inclusive); every plain condition
must hold, and of each either/or group (``any_of``) at least one member.  Land
projects meet the land screen, standard-factory tenants the tenant screen, and an
industry's own screen replaces the zone's for that industry's projects.  All
projects are checked at once (numpy); Python loops run over conditions only.

Indicators (the YAML keys) and their units:

land projects:
investment_wan_per_mu    investment intensity (亩均投资), 万元 a mu
tax_wan_per_mu           tax at capacity per mu (亩均税收), 万元 a mu a year
output_wan_per_mu        output per mu (亩均产出, 亩均产值), 万元 a mu a year
plot_ratio               plot ratio (容积率): floor space over plot area
coverage                 building coverage (建筑密度): footprint over plot area, 0–1
investment_yi            total investment (总投资), 亿元
standard-factory tenants:
investment_wan_per_m2    investment per m² of floor space, 万元 a m²
tax_wan                  tax at capacity, 万元 a year
output_wan_per_m2        output per m² of floor space, 万元 a m² a year
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from simlib.models.base import Section, cross_field_error

Indicator = Literal["investment_wan_per_mu", "tax_wan_per_mu", "output_wan_per_mu", "plot_ratio", "coverage",
                    "investment_yi", "investment_wan_per_m2", "tax_wan", "output_wan_per_m2"]
LAND_INDICATORS = ("investment_wan_per_mu", "tax_wan_per_mu", "output_wan_per_mu", "plot_ratio", "coverage",
                   "investment_yi")
TENANT_INDICATORS = ("investment_wan_per_m2", "tax_wan", "output_wan_per_m2")
#: Indicator → (Chinese name, English name, unit kind: "wan" 万元, "yi" 亿元, "share" 0–1, "" a plain
#: number; and its arithmetic: the draw, a scale and the draw it is per, value = draw × scale / per).
_NAMES = {
    "investment_wan_per_mu": ("亩均投资", "investment per mu", "wan", "investment", 1e4, "mu"),
    "tax_wan_per_mu": ("亩均税收", "tax per mu", "wan", "tax", 1e4, "mu"),
    "output_wan_per_mu": ("亩均产出", "output per mu", "wan", "output", 1e4, "mu"),
    "plot_ratio": ("容积率", "plot ratio", "", "plot_ratio", 1.0, None),
    "coverage": ("建筑密度", "building coverage", "share", "coverage", 1.0, None),
    "investment_yi": ("总投资", "total investment", "yi", "investment", 1.0, None),
    "investment_wan_per_m2": ("每平方米投资", "investment per m²", "wan", "investment", 1e4, "m2"),
    "tax_wan": ("年税收", "annual tax", "wan", "tax", 1e4, None),
    "output_wan_per_m2": ("每平方米产出", "output per m²", "wan", "output", 1e4, "m2"),
}
#: The optional project draw each indicator needs, if any (the ``projects`` draw land.py makes for it).
DRAW_NEEDED = {k: v[3] for k, v in _NAMES.items() if v[3] in ("output", "plot_ratio", "coverage")}
#: The legacy flat keys of ``standard_land`` and the land indicator each sets a minimum of.
LEGACY_KEYS = {"min_investment_wan_per_mu": "investment_wan_per_mu", "min_tax_wan_per_mu": "tax_wan_per_mu",
               "min_plot_ratio": "plot_ratio"}


# -- parameters ----------------------------------------------------------------


class Bound(Section):
    """Inclusive bounds on one indicator, in the indicator's unit: ``min`` ≤ value ≤ ``max``.

    Give ``min``, ``max`` or both; ``max`` below ``min`` is refused at ``max``."""

    min: float | None = Field(default=None, ge=0, le=1e9)
    max: float | None = Field(default=None, ge=0, le=1e9)

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.min is None and self.max is None:
            raise ValueError("a bound needs min, max or both")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise cross_field_error("max", f"upper bound {self.max!r} is below lower bound {self.min!r}")
        return self

    def holds(self, x: np.ndarray) -> np.ndarray:
        """Whether each value of ``x`` lies within the bounds (NaN never does); same shape as ``x``."""
        ok = np.ones(np.shape(x), bool)
        if self.min is not None:
            ok &= x >= self.min
        if self.max is not None:
            ok &= x <= self.max
        return ok


class Screen(Section):
    """One screen: an optional :class:`Bound` per indicator (all must hold) and either/or groups
    (``any_of``: in each group at least one condition must hold; a group has two or more).
    An empty screen admits everyone (an industry can use one to lift the zone's screen)."""

    ALLOWED: ClassVar[tuple[str, ...]] = LAND_INDICATORS + TENANT_INDICATORS
    KIND: ClassVar[str] = "any"

    investment_wan_per_mu: Bound | None = None
    tax_wan_per_mu: Bound | None = None
    output_wan_per_mu: Bound | None = None
    plot_ratio: Bound | None = None
    coverage: Bound | None = None
    investment_yi: Bound | None = None
    investment_wan_per_m2: Bound | None = None
    tax_wan: Bound | None = None
    output_wan_per_m2: Bound | None = None
    any_of: list[dict[Indicator, Bound]] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _valid(self) -> Screen:
        for i, group in enumerate(self.any_of):
            if len(group) < 2:
                raise cross_field_error(f"any_of[{i}]", "an either/or group needs at least two conditions")
        for key, terms in self.terms():
            for name, bound in terms:
                where = key if len(terms) == 1 else f"{key}.{name}"
                if name not in self.ALLOWED:
                    raise cross_field_error(where, f"{name} is not a {self.KIND} indicator; a {self.KIND} screen "
                                                   f"takes {', '.join(self.ALLOWED)}")
                if name == "coverage" and max(bound.min or 0.0, bound.max or 0.0) > 1:
                    raise cross_field_error(where, "building coverage is a share of the plot: bounds must lie "
                                                   "within 0 to 1")
        return self

    def terms(self) -> list[tuple[str, tuple[tuple[str, Bound], ...]]]:
        """The screen's conditions as (key within the screen, ((indicator, bound), ...)): the plain
        conditions in field order (one term each), then the either/or groups (``any_of[i]``)."""
        plain = [(name, ((name, getattr(self, name)),)) for name in _NAMES if getattr(self, name) is not None]
        return plain + [(f"any_of[{i}]", tuple(group.items())) for i, group in enumerate(self.any_of)]


class LandScreen(Screen):
    """A screen for land projects: land indicators only."""

    ALLOWED: ClassVar[tuple[str, ...]] = LAND_INDICATORS
    KIND: ClassVar[str] = "land"


class TenantScreen(Screen):
    """A screen for standard-factory tenants: tenant indicators only."""

    ALLOWED: ClassVar[tuple[str, ...]] = TENANT_INDICATORS
    KIND: ClassVar[str] = "tenant"


class Industry(Section):
    """An industry of the zone's intake: its share of newly signed projects and, optionally, its own
    land and tenant screens, each replacing the zone's for this industry's projects."""

    name: str = Field(min_length=1, max_length=100)
    share: float = Field(gt=0, le=1)
    land: LandScreen | None = None
    tenants: TenantScreen | None = None


class StandardLand(Section):
    """The standard-land screen (标准地): newly signed projects failing it are turned away at signing.

    ``land`` screens land projects, ``tenants`` standard-factory tenants, ``industries`` splits the
    intake by shares (summing to 1) and may replace either screen per industry.  The legacy flat
    keys ``min_investment_wan_per_mu``, ``min_plot_ratio`` and ``min_tax_wan_per_mu`` mean the same
    minimums in ``land`` (use one form or the other)."""

    min_investment_wan_per_mu: float | None = Field(default=None, ge=0, le=1e7)
    min_plot_ratio: float | None = Field(default=None, ge=0, le=20)
    min_tax_wan_per_mu: float | None = Field(default=None, ge=0, le=1e6)
    land: LandScreen | None = None
    tenants: TenantScreen | None = None
    industries: list[Industry] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> StandardLand:
        flat = [k for k in LEGACY_KEYS if getattr(self, k) is not None]
        if flat and self.land is not None:
            raise cross_field_error("land", f"give the land screen either as land: {{...}} or with the flat keys "
                                            f"({', '.join(flat)}), not both")
        if self.industries is not None:
            total = sum(ind.share for ind in self.industries)
            if abs(total - 1.0) > 1e-9:
                raise cross_field_error("industries", f"industry shares must sum to 1, got {total:.12g}")
            seen: dict[str, int] = {}
            for j, ind in enumerate(self.industries):
                if ind.name in seen:
                    raise cross_field_error(f"industries[{j}].name", f"industry {ind.name!r} is named twice "
                                                                     f"(also industries[{seen[ind.name]}])")
                seen[ind.name] = j
        return self

    def land_screen(self) -> LandScreen | None:
        """The zone's land screen: ``land``, or the one the legacy flat keys spell, or None."""
        if self.land is not None:
            return self.land
        flat = {name: Bound(min=getattr(self, k)) for k, name in LEGACY_KEYS.items() if getattr(self, k) is not None}
        return LandScreen(**flat) if flat else None


# -- the draws and the screen applied ----------------------------------------


@dataclass(frozen=True)
class Draws:
    """The newly signed projects, one entry each (every array has the same length n).

    ``is_factory`` (bool: a standard-factory tenant, else a land project), ``industry`` (int index
    into ``industries``; all 0 without them), ``mu`` land need (亩), ``m2`` floor space (m²),
    ``investment`` (亿元), ``tax`` at capacity (亿元 a year), and the optional ``output`` (亿元 a
    year), ``plot_ratio`` and ``coverage`` (share 0–1), None when not drawn."""

    is_factory: np.ndarray
    industry: np.ndarray
    mu: np.ndarray
    m2: np.ndarray
    investment: np.ndarray
    tax: np.ndarray
    output: np.ndarray | None = None
    plot_ratio: np.ndarray | None = None
    coverage: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = np.shape(self.is_factory)
        for name, a in vars(self).items():
            if a is not None and np.shape(a) != n:
                raise ValueError(f"Draws.{name} has shape {np.shape(a)}, is_factory {n}")

    def value(self, indicator: str) -> np.ndarray:
        """The indicator's value for every project, (n,), in the indicator's unit (see the module)."""
        *_, source, scale, per = _NAMES[indicator]
        x = getattr(self, source)
        if x is None:
            raise ValueError(f"the screen's {indicator} needs {source} draws, and there are none")
        x = np.asarray(x, float) * scale if scale != 1.0 else np.asarray(x, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return x / getattr(self, per) if per is not None else x


@dataclass(frozen=True)
class Condition:
    """One condition of a screen: a plain bound (one term) or a whole either/or group (several).

    ``key`` is its dotted place in ``standard_land`` (``land.plot_ratio``, ``land.any_of[0]``,
    ``industries[1].tenants.tax_wan``, or a legacy flat key); ``kind`` is ``land`` or ``tenants``;
    ``industry`` the index of the industry whose screen it belongs to (None: the zone's)."""

    key: str
    label_zh: str
    label_en: str
    kind: Literal["land", "tenants"]
    industry: int | None
    terms: tuple[tuple[str, Bound], ...]


def _num(v: float) -> str:
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _amount(v: float, unit: str, lang: str) -> str:
    if unit == "share":
        return f"{_num(v * 100)}%"
    if lang == "zh":
        return _num(v) + {"wan": "万元", "yi": "亿元", "": ""}[unit]
    return {"wan": f"CNY {_num(v * 1e4)}", "yi": f"CNY {_num(v * 100)}m", "": _num(v)}[unit]


def _term_label(name: str, b: Bound, lang: str) -> str:
    zh, en, unit = _NAMES[name][:3]
    label = zh if lang == "zh" else en
    if b.min is not None and b.max is not None:
        return f"{label} {_amount(b.min, unit, lang)}–{_amount(b.max, unit, lang)}"
    if b.min is not None:
        return f"{label} ≥ {_amount(b.min, unit, lang)}"
    return f"{label} ≤ {_amount(b.max, unit, lang)}"


def _scope(spec: StandardLand, kind: str, industry: int | None, lang: str) -> str:
    tenants = kind == "tenants"
    if industry is None:
        return ("标准厂房：" if lang == "zh" else "factory tenants: ") if tenants else ""
    name = spec.industries[industry].name
    if lang == "zh":
        return f"{name}·标准厂房：" if tenants else f"{name}："
    return f"{name} factory tenants: " if tenants else f"{name}: "


def conditions(spec: StandardLand | None) -> list[Condition]:
    """Every condition of every stated screen, in the order of :func:`passes`'s counts: the zone's
    land screen, the zone's tenant screen, then each industry's land and tenant screens; within a
    screen the plain conditions in field order, then the either/or groups.  None → []."""
    if spec is None:
        return []
    screens: list[tuple[str, str, Screen, int | None]] = []
    for kind, screen in (("land", spec.land_screen()), ("tenants", spec.tenants)):
        if screen is not None:
            screens.append((kind, kind, screen, None))
    for i, ind in enumerate(spec.industries or ()):
        screens += [(f"industries[{i}].{kind}", kind, getattr(ind, kind), i) for kind in ("land", "tenants")
                    if getattr(ind, kind) is not None]
    legacy = {name: k for k, name in LEGACY_KEYS.items()} if spec.land is None else {}
    out = []
    for prefix, kind, screen, industry in screens:
        for sub, terms in screen.terms():
            key = legacy[sub] if prefix == "land" and sub in legacy else f"{prefix}.{sub}"
            zh, en = (_scope(spec, kind, industry, lang) + (" 或 " if lang == "zh" else " or ").join(
                _term_label(name, b, lang) for name, b in terms) for lang in ("zh", "en"))
            out.append(Condition(key, zh, en, kind, industry, terms))
    return out


def needs(spec: StandardLand | None) -> set[str]:
    """The optional project draws the stated screens use, among {"output", "plot_ratio", "coverage"}
    (every stated screen counts, even a zone screen that every industry replaces)."""
    return {DRAW_NEEDED[name] for c in conditions(spec) for name, _ in c.terms if name in DRAW_NEEDED}


def draw_industry(spec: StandardLand | None, rng: np.random.Generator, n: int) -> np.ndarray:
    """Each of ``n`` projects' industry (int64 index into ``spec.industries``), drawn from the shares
    with one uniform each from ``rng``; without industries all zeros and ``rng`` is left untouched."""
    if spec is None or not spec.industries:
        return np.zeros(n, np.int64)
    edges = np.cumsum([ind.share for ind in spec.industries])
    edges /= edges[-1]
    return np.minimum(np.searchsorted(edges, rng.random(n), side="right"), len(edges) - 1).astype(np.int64)


def failures(spec: StandardLand | None, d: Draws) -> tuple[np.ndarray, np.ndarray]:
    """Which projects pass the screen, and which conditions each one fails.

    Returns ``keep`` (bool, (n,)) and ``failed`` (bool, (n, len(conditions(spec))), columns in the
    order of :func:`conditions`): True where the condition applies to the project and it fails it,
    a plain condition or a whole either/or group (all members failing).  Land screens apply to land
    projects, tenant screens to factory projects; an industry's screen replaces the zone's for its
    projects.  Raises ValueError when a condition needs a draw ``d`` lacks (``output``,
    ``plot_ratio``, ``coverage``) or an industry index is out of range."""
    conds = conditions(spec)
    n = np.shape(d.is_factory)[0]
    failed = np.zeros((len(conds), n), bool)  # returned transposed: a column per condition
    is_factory = np.asarray(d.is_factory, bool)
    industry = np.asarray(d.industry, np.int64)
    inds = (spec.industries if spec is not None else None) or []
    if n and inds and (industry.min() < 0 or industry.max() >= len(inds)):
        raise ValueError(f"industry indices must lie in 0..{len(inds) - 1}")
    values: dict[str, np.ndarray] = {}
    for c, cond in enumerate(conds):
        applies = is_factory if cond.kind == "tenants" else ~is_factory
        if cond.industry is not None:
            applies = applies & (industry == cond.industry)
        elif inds:  # the zone's screen: only for industries without their own
            applies = applies & ~np.array([getattr(i, cond.kind) is not None for i in inds])[industry]
        ok = np.zeros(n, bool)
        for name, bound in cond.terms:
            if name not in values:
                values[name] = d.value(name)
            ok |= bound.holds(values[name])
        failed[c] = applies & ~ok
    return ~failed.any(axis=0), failed.T


def passes(spec: StandardLand | None, d: Draws) -> tuple[np.ndarray, np.ndarray]:
    """The keep mask (bool, (n,)) and the turned-away count per condition (int64,
    (len(conditions(spec)),)): a project counts under every condition it fails (see
    :func:`failures`), so the counts can sum to more than the projects turned away."""
    keep, failed = failures(spec, d)
    return keep, failed.sum(axis=0).astype(np.int64)
