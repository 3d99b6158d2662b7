"""Parameter grids and sweeps: the models over many points, no notebook per point.

``--vary key=lo:hi:n`` gives n evenly spaced values of a dotted scenario key
(``key=lo:hi`` without n, for sensitivity ranges).  Every point is validated
like a scenario file before anything runs.  Each point runs every model of the
scenario with its own seed (the scenario's), so a sweep is a set of common-
random-number experiments; the metrics kept are every scalar the models report.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simlib import scenario

_VARY_RE = re.compile(r"^([A-Za-z_][\w.]*)=([^:]+):([^:]+)(?::([^:]+))?$")


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


def point_overrides(point: dict) -> list[str]:
    return [f"{k}={v!r}" for k, v in point.items()]


def paths_override(sc: scenario.Scenario, paths: int | None) -> list[str]:
    """``--paths N`` applies to every model that draws paths."""
    if paths is None:
        return []
    return [f"{m}.paths={paths}" for m in ("revenue", "land") if getattr(sc.params, m) is not None]


def check(path: Path, overrides: list[str], points: Iterable[dict], label: str = "--vary") -> list[str]:
    """Every point validated as a scenario; one line per distinct problem."""
    problems: list[str] = []
    for point in points:
        try:
            scenario.load(path, overrides + point_overrides(point))
        except scenario.ScenarioError as exc:
            for p in exc.problems:
                line = f"{p} [{label} point {point}]"
                if str(p) not in "\n".join(problems):
                    problems.append(line)
    return problems


def scalars(metrics: dict) -> dict[str, float | None]:
    """Every scalar metric as ``model.name`` (per-year lists enter as their mean over years)."""
    out: dict[str, float | None] = {}
    for model, m in metrics.items():
        for name, value in m.items():
            if isinstance(value, bool) or name in ("years", "paths", "staff"):
                continue
            if isinstance(value, (int, float)) or value is None:
                out[f"{model}.{name}"] = None if value is None else float(value)
            elif isinstance(value, list) and value and all(isinstance(v, (int, float)) or v is None for v in value):
                present = [v for v in value if v is not None]
                out[f"{model}.{name}_avg"] = float(np.mean(present)) if present else None
    return out


def evaluate(job: tuple[str, list[str], dict]) -> dict:
    """One grid point: the varied values and every scalar metric (pure apart from reading the scenario)."""
    from simlib.run import run

    path, overrides, point = job
    r = run(path, overrides + point_overrides(point), solve_reverse=False)
    return {**point, **scalars(r.metrics)}


def grid(varies: list[Vary]) -> list[dict]:
    return [dict(zip([v.key for v in varies], combo)) for combo in itertools.product(*(v.values() for v in varies))]


def run_sweep(path: Path, overrides: list[str], varies: list[Vary],
              map_fn: Callable = map) -> list[dict]:
    """Rows in grid order; ``map_fn`` may spread the points over processes or a Dask cluster."""
    jobs = [(str(path), overrides, point) for point in grid(varies)]
    return list(map_fn(evaluate, jobs))
