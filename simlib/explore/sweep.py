"""Parameter grids and sweeps: the models over many points, no notebook per point.

``--vary key=lo:hi:n`` gives n evenly spaced values of a dotted scenario key
(``key=lo:hi`` without n, for sensitivity ranges); ``[i]`` picks an item of a list
(``salary.park.grades[0].coefficient``).  The scenario file is read
once; every point is made from it in memory (:meth:`Scenario.with_values`) and
validated by the same schema before anything runs.  Each point runs the models
the varied keys (and any named metric) belong to, with the scenario's seed, so a
sweep is a set of common-random-number experiments; the metrics kept are every
scalar those models report.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import UnionType
from typing import Any, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel

from simlib import scenario
from simlib.models import Metrics
from simlib.scenario.loader import key_problem

#: The most points a sweep's grid may have (the product of the ``n`` of every ``--vary``), counted
#: before any point is made.
MAX_POINTS = 10_000

_VARY_RE = re.compile(r"^([A-Za-z_][\w.\[\]]*)=([^:]+):([^:]+)(?::([^:]+))?$")


@dataclass(frozen=True)
class Vary:
    key: str
    lo: float
    hi: float
    n: int | None = None

    def values(self) -> list:
        vals = np.linspace(self.lo, self.hi, self.n)
        if float(self.lo).is_integer() and float(self.hi).is_integer() and np.all(vals == np.round(vals)):
            return [int(v) for v in vals]  # integer keys (years, paths) stay whole numbers
        return [float(v) for v in vals]


def parse_vary(text: str, with_n: bool) -> Vary:
    """``key=lo:hi:n`` (or ``key=lo:hi``); raises ValueError with a one-line message."""
    m = _VARY_RE.match(text.strip())
    if not m or (with_n and m.group(4) is None) or (not with_n and m.group(4) is not None):
        form = "key=lo:hi:n" if with_n else "key=lo:hi"
        raise ValueError(f"--vary {text!r}: expected {form}")
    key, lo, hi, n = m.groups()
    if (bad := key_problem(key)) is not None:
        raise ValueError(f"--vary {text!r}: {bad}")
    try:
        lo_f, hi_f = float(lo), float(hi)
    except ValueError:
        raise ValueError(f"--vary {text!r}: lo and hi must be numbers") from None
    if not (np.isfinite(lo_f) and np.isfinite(hi_f)) or lo_f >= hi_f:
        raise ValueError(f"--vary {text!r}: needs finite lo < hi")
    count = None
    if n is not None:
        if not n.isdigit() or int(n) < 2:
            raise ValueError(f"--vary {text!r}: n must be a whole number of at least 2, got {n!r}")
        count = int(n)
    return Vary(key, lo_f, hi_f, count)


def vary_problems(varies: list[Vary]) -> list[str]:
    """What is wrong with a set of ``--vary`` ranges as a whole, one line each: a key given twice, and
    (for a grid) more than :data:`MAX_POINTS` points — counted as the product of the ``n``, never
    allocated, so a 10^30-point grid is refused as fast as a small one."""
    keys = [v.key for v in varies]
    problems = [f"--vary {k}: given twice" for k in sorted({k for k in keys if keys.count(k) > 1})]
    if varies and all(v.n is not None for v in varies):
        size = 1
        for v in varies:
            size *= v.n
        if size > MAX_POINTS:
            problems.append(f"--vary: {size:,} grid points; at most {MAX_POINTS:,}")
    return problems


def metric_names(sections: Iterable[str]) -> list[str]:
    """The scalar metrics (``section.name``, and ``section.name_avg`` for a yearly series) that the models
    of ``sections`` report — the keys :func:`scalars` can give — read from each model's metrics class,
    so a ``--target`` or ``--metric`` is checked before any model runs."""
    from simlib.models import registry

    wanted = set(sections)
    names = []
    for model in registry():
        if model.section not in wanted:
            continue
        for name, field in model.metrics.model_fields.items():
            if name in ("years", "paths", "staff"):
                continue
            if _number(field.annotation):
                names.append(f"{model.section}.{name}")
            elif get_origin(field.annotation) is list and get_args(field.annotation) \
                    and _number(get_args(field.annotation)[0]):
                names.append(f"{model.section}.{name}_avg")
    return names


def takes_whole_numbers(sc: scenario.Scenario, key: str) -> bool:
    """Whether the schema types dotted ``key`` as a whole number (years, paths, months, a department's
    size): then its grid and sample values are rounded to whole numbers.  ``[i]`` takes the type of
    the list's items."""
    model: Any = type(sc.params)
    annotation: Any = None
    for part in re.findall(r"[A-Za-z_]\w*|\[\d+\]", key):
        if part.startswith("["):  # an item of a list: list[X] or list[X] | None gives X
            annotation = next((get_args(a)[0] for a in (annotation, *get_args(annotation))
                               if get_origin(a) is list and get_args(a)), None)
            if annotation is None:
                return False
        else:
            field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
            if field is None:
                return False
            annotation = field.annotation
        model = next((a for a in (annotation, *get_args(annotation))
                      if isinstance(a, type) and issubclass(a, BaseModel)), None)
    kinds = {a for a in (annotation, *get_args(annotation)) if a is not type(None)}
    return kinds == {int} or (int in kinds and bool not in kinds and not any(k is float for k in kinds))


def typed(point: dict, whole: set[str]) -> dict:
    """A point's values as the schema takes them: whole numbers for ``whole`` keys, floats otherwise."""
    return {k: int(round(v)) if k in whole else float(v) for k, v in point.items()}


def explore_base(sc: scenario.Scenario, paths: int | None) -> scenario.Scenario:
    """The scenario every point starts from: ``--paths`` applied to each model that draws paths, and
    the land model's reverse question left out (a root search per point would dwarf the sweep).  Its
    ``overrides`` are the user's (``--set``, then ``--paths``): leaving the reverse question out is the
    sweep's own doing, not listed as one."""
    values: dict = {}
    if paths is not None:
        values |= {f"{m}.paths": paths for m in sc.sections if "paths" in type(getattr(sc.params, m)).model_fields}
    base = sc.with_values(values, origin="--paths")  # the user's --paths: recorded with the overrides
    land = getattr(sc.params, "land", None)
    if land is not None and land.reverse is not None:  # ours, not the user's: not listed as an override
        base = replace(base.with_values({"land.reverse": None}, origin="--paths"), overrides=base.overrides)
    return base


def described(base: scenario.Scenario) -> dict:
    """What a sweep's or sensitivity analysis's spec says of its scenario: the title (and its English
    from ``meta.glossary``, or None), the scenario's name, the user's overrides (``--set`` and
    ``--paths``, not what :func:`explore_base` sets itself) and the parameters' hash."""
    meta = base.params.meta
    return {"title": meta.title, "title_en": meta.glossary.get(meta.title), "scenario": base.name,
            "overrides": list(base.overrides), "params_sha256": base.params_sha256()}


def depends_on(metric: str, key: str) -> bool:
    """Whether ``metric`` (``section.name``) can move when scenario key ``key`` does.  Each model draws
    from its own generator, so a metric moves only with the keys of its own model, of the models its
    model uses (a linking model reads their results), and of ``meta`` (the seed moves every model).
    A section no registered model has is not ruled out."""
    from simlib.models import registry

    models = {m.section: m for m in registry()}
    section, key_section = metric.split(".")[0], re.split(r"[.\[]", key)[0]
    if key_section in (section, "meta") or section not in models or key_section not in models:
        return True
    used, todo = set(), [section]
    while todo:
        for s in models[todo.pop()].uses:
            if s not in used and s in models:
                used.add(s)
                todo.append(s)
    return key_section in used


def sections_needed(sc: scenario.Scenario, keys: Iterable[str], metrics: Iterable[str] = ()) -> list[str]:
    """The model sections a grid over ``keys`` can change, plus those the named ``metrics`` come from:
    the others' numbers are the same at every point (each model has its own random numbers), so they
    are not run.  A key outside every section (``meta.seed``) moves them all."""
    present = sc.sections
    wanted = {k.split(".")[0] for k in list(keys) + list(metrics)}
    if wanted - set(present):
        return present
    return [s for s in present if s in wanted]


def check(base: scenario.Scenario, points: Iterable[dict], label: str = "--vary") -> list[str]:
    """Every point validated as a scenario (in memory); one line per distinct problem."""
    problems: list[str] = []
    for point in points:
        try:
            base.with_values(point, origin=label)
        except scenario.ScenarioError as exc:
            for p in exc.problems:
                if str(p) not in "\n".join(problems):
                    problems.append(f"{p} [{label} point {point}]")
    return problems


def _number(annotation: Any) -> bool:
    """Whether a metrics field holds one number (or null)."""
    union = get_origin(annotation) in (Union, UnionType)
    kinds = {a for a in get_args(annotation) if a is not type(None)} if union else {annotation}
    return bool(kinds) and kinds <= {int, float}


def scalars(metrics: Mapping[str, Metrics]) -> dict[str, float | None]:
    """Every scalar metric as ``section.name``, and every per-year series of numbers as its mean over
    the years, ``section.name_avg``; tables, fans and nested answers are left out."""
    out: dict[str, float | None] = {}
    for section, m in metrics.items():
        for name, field in type(m).model_fields.items():
            if name in ("years", "paths", "staff"):
                continue
            value = getattr(m, name)
            if _number(field.annotation):
                out[f"{section}.{name}"] = None if value is None else float(value)
            elif get_origin(field.annotation) is list and _number(get_args(field.annotation)[0]) and value:
                present = [v for v in value if v is not None]
                out[f"{section}.{name}_avg"] = float(np.mean(present)) if present else None
    return out


def evaluate(base: scenario.Scenario, sections: list[str] | None, point: dict) -> dict:
    """One point: the varied values and every scalar metric of the ``sections`` run there.

    The point is made from ``base`` in memory (no file is read), so this is a pure function of its
    arguments and can run in any process or on a Dask worker.
    """
    r = scenario.run(base.with_values(point, origin="--vary"), sections=sections)
    # a metric named as a key (salary.rounds is both) keeps the point's value, whole numbers whole
    return {**point, **{k: v for k, v in scalars(r.metrics).items() if k not in point}}


def grid(varies: list[Vary], whole: set[str] = frozenset()) -> list[dict]:
    """Every combination of the varied values, first key slowest; ``whole`` keys rounded."""
    points = [dict(zip([v.key for v in varies], combo)) for combo in itertools.product(*(v.values() for v in varies))]
    return [typed(p, whole) for p in points] if whole else points


def run_sweep(base: scenario.Scenario, points: list[dict], sections: list[str] | None = None,
              map_fn: Callable = map) -> list[dict]:
    """One row per point, in order; ``map_fn(f, points)`` may spread them over processes or Dask."""
    return list(map_fn(functools.partial(evaluate, base, sections), points))


# --------------------------------------------------------------------------- targets

_TARGET_RE = re.compile(r"^\s*([\w.]+)\s*(>=|<=)\s*(\S+)\s*$")


def parse_target(text: str) -> dict:
    """``METRIC>=VALUE`` or ``METRIC<=VALUE`` as ``{metric, op, value, text}``; ValueError otherwise."""
    m = _TARGET_RE.match(text)
    try:
        value = float(m.group(3))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        raise ValueError(f"--target {text!r}: expected METRIC>=VALUE or METRIC<=VALUE") from None
    if not np.isfinite(value):
        raise ValueError(f"--target {text!r}: the value must be a finite number")
    return {"metric": m.group(1), "op": m.group(2), "value": value, "text": text}


def metric_values(rows: list[dict], metric: str) -> np.ndarray:
    """One metric over the rows as floats, NaN where a row has no value."""
    return np.array([np.nan if r.get(metric) is None else r[metric] for r in rows], dtype=float)


def target_holds(rows: list[dict], target: dict | None) -> np.ndarray | None:
    """Whether the target holds at each row (a metric without a value never meets it); None without one."""
    if not target:
        return None
    values = metric_values(rows, target["metric"])
    with np.errstate(invalid="ignore"):
        held = values >= target["value"] if target["op"] == ">=" else values <= target["value"]
    return held & ~np.isnan(values)


def nearest_miss(rows: list[dict], target: dict) -> dict | None:
    """Where a target that no row meets comes closest: the row (first of equals), its value and the gap
    to the target in the metric's unit (positive); None when some row meets it or no row has a value."""
    held = target_holds(rows, target)
    values = metric_values(rows, target["metric"])
    if held is None or held.any() or np.isnan(values).all():
        return None
    best = int(np.nanargmax(values) if target["op"] == ">=" else np.nanargmin(values))
    return {"row": best, "value": float(values[best]), "gap": float(abs(target["value"] - values[best]))}


# --------------------------------------------------------------------------- a sweep in one call

def key_metrics() -> list[str]:
    """The registered models' headline figures that are sweep metrics, most important first."""
    from simlib.models import registry

    return [f"{m.section}.{h.metric}" for m in registry() for h in m.headlines if h.metric]


def shown_metrics(rows: list[dict], keys: list[str], target: dict | None, limit: int = 4) -> list[str]:
    """The metrics a sweep brief draws: the target's, then the headline figures the grid moves, then the
    other metrics it moves (at most ``limit``); the first metrics when the grid moves none."""
    metric_keys = [k for k in rows[0] if k not in set(keys)]
    moving = [k for k in metric_keys if len({r.get(k) for r in rows}) > 1]
    shown = ([target["metric"]] if target else []) + [k for k in key_metrics() if k in moving] + moving
    return list(dict.fromkeys(shown))[:limit] or metric_keys[:limit]


def compute(params, vary: list[str], target: str | None = None, paths: int | None = None,
            overrides: Iterable[str] = (), language: str | None = None) -> dict:
    """What ``simlib sweep`` hands its brief, computed in this process: ``{"spec": ..., "rows": ...}``.

    ``params`` is a scenario file, ``vary`` the ``key=lo:hi:n`` texts, ``target`` a ``METRIC>=VALUE``
    text.  For a notebook run without the command line; a bad input raises ValueError, one problem
    a line, before any model runs.
    """
    problems: list[str] = []
    varies = []
    for text in vary:
        try:
            varies.append(parse_vary(text, with_n=True))
        except ValueError as exc:
            problems.append(str(exc))
    problems += vary_problems(varies)
    goal = None
    if target:
        try:
            goal = parse_target(target)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("\n".join(problems))
    try:
        loaded = scenario.load(params, list(overrides))
        base = explore_base(loaded.in_language(language) if language else loaded, paths)
    except scenario.ScenarioError as exc:
        raise ValueError("\n".join(str(p) for p in exc.problems)) from None
    keys = [v.key for v in varies]
    whole = {k for k in keys if takes_whole_numbers(base, k)}
    corners = [typed(dict(zip(keys, c)), whole) for c in itertools.product(*((v.lo, v.hi) for v in varies))]
    if problems := check(base, corners):
        raise ValueError("\n".join(problems))
    sections = sections_needed(base, keys, [goal["metric"]] if goal else [])
    if goal is not None and goal["metric"] not in metric_names(sections):
        raise ValueError(f"--target: no metric {goal['metric']!r}")
    rows = run_sweep(base, grid(varies, whole), sections)
    spec = {**described(base), "vary": [vars(v) for v in varies], "points": len(rows), "target": goal,
            "shown": shown_metrics(rows, keys, goal), "table": None, "sections": sections}
    return {"spec": spec, "rows": rows}
