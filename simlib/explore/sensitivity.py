"""Global sensitivity of one model output to a few scenario keys: Sobol' indices and Morris screening.

Each factor is a dotted scenario key varied uniformly over ``[lo, hi]``.  The caller supplies the
model as ``func(x)``: ``x`` has shape ``(d, m)``, one column per sample point, rows in the order of
the factors and values in real units; it returns ``m`` outputs.  This module only samples and
analyses; the estimators are the libraries', not ours.

Sobol' (variance-based) -- :func:`scipy.stats.sobol_indices`.  The first-order index S_i is the
share of the output variance explained by factor i alone; the total index ST_i adds every
interaction involving i, so ``ST_i - S_i`` measures interactions and ``ST_i ~ 0`` means the factor
can be fixed.  scipy draws two scrambled Sobol' matrices A and B of ``n`` points (``n`` a power of
two) and evaluates the model on A, on B and on the d matrices "A with column i from B": ``n*(d+2)``
evaluations, Saltelli (2010) estimators.  Confidence intervals come from the result's
``bootstrap()`` (BCa bootstrap over the ``n`` rows).

Morris (elementary effects) -- :func:`SALib.sample.morris.sample` and
:func:`SALib.analyze.morris.analyze`.  Each of ``r`` trajectories moves one factor at a time by a
step of a ``levels``-level grid on the unit cube; the elementary effect is the output change per
unit of the *normalised* range (so, for the real units, per full range ``hi - lo``).  ``mu_star`` (the
mean absolute effect) ranks factors, ``mu`` keeps the sign, ``sigma`` flags non-linearity or
interactions.  ``r*(d+1)`` evaluations: a cheap screen when Sobol' is too expensive.
``mu_star_ci`` is SALib's bootstrap half-width.

All randomness comes from the ``numpy.random.Generator`` passed in: the same seed gives the same
result.  Results are JSON-ready dicts of plain floats (``None`` where a value is not finite).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import math
import operator
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.stats

__all__ = ["Factor", "sobol", "morris", "ranking", "separability", "compute"]


@dataclass(frozen=True)
class Factor:
    key: str       # dotted scenario key, e.g. "revenue.sharing.zone_share"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ValueError(f"factor key must be a non-empty string, got {self.key!r}")
        lo, hi = float(self.lo), float(self.hi)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"factor {self.key}: need finite lo < hi, got [{self.lo}, {self.hi}]")


# --------------------------------------------------------------------------- Sobol'

# SobolResult.bootstrap() takes no seed: it calls scipy.stats.bootstrap without `rng`, which then
# draws from numpy's legacy global RandomState.  We seed that state from the caller's Generator for
# the duration of the call and restore it afterwards; the lock keeps two sobol() calls in the same
# process from interleaving there.
_GLOBAL_STATE_LOCK = threading.Lock()


@contextmanager
def _seeded_global_numpy(seed: int):
    with _GLOBAL_STATE_LOCK:
        saved = np.random.get_state()
        np.random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(saved)


def sobol(func: Callable[[np.ndarray], np.ndarray], factors: list[Factor], n: int, rng: np.random.Generator,
          confidence: float = 0.95, n_resamples: int = 200) -> dict:
    """First- and total-order Sobol' indices with bootstrap confidence intervals (scipy's estimator).

    ``n`` is the base sample (a power of two); the model is evaluated ``n * (len(factors) + 2)`` times.
    """
    keys = _check_factors(factors)
    n = _check_power_of_two(n)
    _check_bootstrap(confidence, n_resamples)
    _check_rng(rng)
    model = _Counted(func)
    d = len(factors)
    # With one factor and one output scipy squeezes the indices to 0-d arrays and then fails
    # assigning into them (scipy 1.17: "'numpy.float64' object does not support item assignment").
    # For d == 1 the output is given twice (two identical outputs) and the first is kept.
    outputs = 2 if d == 1 else 1
    scipy_func = model if outputs == 1 else (lambda x: np.tile(model(x), (outputs, 1)))
    dists = [scipy.stats.uniform(loc=float(f.lo), scale=float(f.hi) - float(f.lo)) for f in factors]
    # scipy >= 1.15 calls the seed `rng`; 1.11-1.14 call it `random_state` (both accept a Generator).
    seed_kw = "rng" if "rng" in inspect.signature(scipy.stats.sobol_indices).parameters else "random_state"
    result = scipy.stats.sobol_indices(func=scipy_func, n=n, dists=dists, **{seed_kw: rng})
    # Resamples of a constant output divide 0 by 0 (scipy silences this only for the point estimate).
    with _seeded_global_numpy(int(rng.integers(2**31))), np.errstate(divide="ignore", invalid="ignore"):
        boot = result.bootstrap(confidence_level=confidence, n_resamples=n_resamples)
    first_ci, total_ci = boot.first_order.confidence_interval, boot.total_order.confidence_interval
    return {
        "method": "sobol",
        "factors": keys,
        "n": n,
        "evaluations": model.count,
        "first_order": _floats(result.first_order, d, outputs),
        "total_order": _floats(result.total_order, d, outputs),
        "first_order_ci": _intervals(first_ci, d, outputs),
        "total_order_ci": _intervals(total_ci, d, outputs),
    }


# --------------------------------------------------------------------------- Morris

def morris(func: Callable[[np.ndarray], np.ndarray], factors: list[Factor], trajectories: int,
           rng: np.random.Generator, levels: int = 4, confidence: float = 0.95, n_resamples: int = 200) -> dict:
    """Morris elementary-effects screening (SALib's sampler and analysis).

    The model is evaluated ``trajectories * (len(factors) + 1)`` times.  Elementary effects are per
    normalised range, so a linear ``c * x_i`` gives ``mu_star_i = |c| * (hi_i - lo_i)``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    keys = _check_factors(factors)
    r = _check_int("trajectories", trajectories, minimum=2)
    levels = _check_int("levels", levels, minimum=2)
    if levels % 2:
        raise ValueError(f"levels must be even (Morris grids with odd levels are biased), got {levels}")
    _check_bootstrap(confidence, n_resamples)
    _check_rng(rng)
    problem = {"num_vars": len(factors), "names": keys,
               "bounds": [[float(f.lo), float(f.hi)] for f in factors]}
    # One draw from the caller's Generator, split into independent streams for sampling and bootstrap.
    sample_seed, analyze_seed = np.random.SeedSequence(int(rng.integers(2**31))).spawn(2)
    X = morris_sample.sample(problem, r, num_levels=levels, seed=sample_seed)
    model = _Counted(func)
    Y = model(np.ascontiguousarray(X.T))
    si = morris_analyze.analyze(problem, X, Y, num_resamples=n_resamples, conf_level=confidence,
                                num_levels=levels, seed=analyze_seed)
    d = len(factors)
    return {
        "method": "morris",
        "factors": keys,
        "trajectories": r,
        "evaluations": model.count,
        "mu_star": _floats(si["mu_star"], d),
        "mu_star_ci": _floats(si["mu_star_conf"], d),
        "mu": _floats(si["mu"], d),
        "sigma": _floats(si["sigma"], d),
    }


# --------------------------------------------------------------------------- ranking

def ranking(result: dict) -> list[str]:
    """Factor keys, most influential first: by total index (Sobol') or mu_star (Morris).

    Missing (None) scores rank last; ties keep the factor order.
    """
    measure = {"sobol": "total_order", "morris": "mu_star"}.get(result.get("method"))
    if measure is None:
        raise ValueError(f"unknown sensitivity method {result.get('method')!r} (expected 'sobol' or 'morris')")
    scores = result[measure]
    order = sorted(range(len(result["factors"])),
                   key=lambda i: (scores[i] is None, -(scores[i] if scores[i] is not None else 0.0), i))
    return [result["factors"][i] for i in order]


# --------------------------------------------------------------------------- what the intervals support

#: A Sobol' total index whose whole interval lies below this share of the variance is negligible:
#: the factor can be fixed (Saltelli et al. 2008 use 0.01 for "non-influential").  For Morris the
#: threshold is this share of the largest mu_star.
NEGLIGIBLE = 0.01
#: A suggested sample above this many times the current one is no practical advice: the brief says the
#: factors are separable in principle only.
MAX_SUGGESTED_FACTOR = 1024


def separability(result: dict, negligible: float = NEGLIGIBLE) -> dict:
    """Which factors a Sobol' or Morris result can tell apart, and the sample size that would separate
    the rest.

    The score is the total index (Sobol') or mu_star (Morris), with its interval.  Sobol' intervals are
    first checked against what an index must satisfy: a first-order index above its factor's total
    index (beyond the total's interval) or an index below zero (its whole interval negative) means the
    error is at least that excess, more than the interval shows; the factor's interval is widened by it.

    Factors are sorted by score and cut into ``tiers`` (most influential first) only where every factor
    above a cut has its interval wholly above every factor's below it; factors within a tier cannot be
    ranked.  A factor whose interval lies wholly below ``negligible`` (Sobol'; for Morris that share of
    the largest mu_star) is ``negligible``: negligible factors are never asked to be told apart.

    Interval half-widths shrink as 1/sqrt(n).  Two overlapping factors i above j separate once their
    half-widths facing each other, ``(S_i - lo_i) + (hi_j - S_j)``, shrink below the gap ``S_i - S_j``:
    at ``n * ((S_i - lo_i + hi_j - S_j) / (S_i - S_j))**2``.  ``suggested`` is the largest of these over
    the overlapping pairs, rounded up to a power of two for Sobol' (scipy's base sample) and to a whole
    number for Morris (trajectories), and always above the current size; None when no pair needs
    separating or when the only overlapping pairs have equal scores (``ties``: no size separates them).

    Returns ``{"measure", "size", "order", "tiers", "negligible", "problems", "suggested", "ties"}``,
    indices into ``result["factors"]``; each problem is a dict with ``kind`` ``overlap``,
    ``first_exceeds_total``, ``negative``, ``no_interval`` or ``constant``.
    """
    method = result.get("method")
    if method not in ("sobol", "morris"):
        raise ValueError(f"unknown sensitivity method {method!r} (expected 'sobol' or 'morris')")
    d = len(result["factors"])
    size = result.get("n") if method == "sobol" else result.get("trajectories")
    if size is None:  # older results name only the evaluations: n (d + 2) for Sobol', r (d + 1) for Morris
        size = int(result["evaluations"]) // (d + 2 if method == "sobol" else d + 1)

    def arr(values) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def pairs(values) -> np.ndarray:
        return np.array([[np.nan, np.nan] if c is None else [np.nan if v is None else v for v in c]
                         for c in values], dtype=float).reshape(d, 2)

    problems: list[dict] = []
    if method == "sobol":
        measure = "total_order"
        score, first = arr(result["total_order"]), arr(result["first_order"])
        ci, first_ci = pairs(result["total_order_ci"]), pairs(result["first_order_ci"])
        unknown = np.isnan(ci).any(axis=1) | np.isnan(score)
        lo, hi = np.fmin(ci[:, 0], score), np.fmax(ci[:, 1], score)  # a BCa interval may miss its estimate
        exceeds = first - ci[:, 1]  # above the total's interval: impossible, since S_i <= ST_i
        negative_first = first_ci[:, 1] < 0
        negative_total = ci[:, 1] < 0
        widen = np.zeros(d)
        for i in np.flatnonzero(exceeds > 0):
            problems.append({"kind": "first_exceeds_total", "factor": int(i), "first": float(first[i]),
                             "total": float(score[i]), "total_high": float(ci[i, 1]),
                             "excess": float(first[i] - score[i])})
            widen[i] = max(widen[i], first[i] - score[i])
        for which, values, flags in (("first_order", first, negative_first), ("total_order", score, negative_total)):
            for i in np.flatnonzero(flags):
                problems.append({"kind": "negative", "factor": int(i), "index": which, "value": float(values[i]),
                                 "interval": [float(x) for x in (first_ci if which == "first_order" else ci)[i]]})
                widen[i] = max(widen[i], -values[i])
        lo, hi = lo - widen, hi + widen
        threshold = negligible
    else:
        measure = "mu_star"
        score = arr(result["mu_star"])
        half = arr(result["mu_star_ci"])
        unknown = np.isnan(half) | np.isnan(score)
        lo, hi = score - half, score + half
        top = np.nanmax(score) if np.isfinite(score).any() else np.nan
        threshold = negligible * top
    order = sorted(range(d), key=lambda i: (np.isnan(score[i]), -(0.0 if np.isnan(score[i]) else score[i]), i))
    out = {"measure": measure, "size": int(size), "order": order, "negligible": [], "problems": problems,
           "suggested": None, "ties": [], "impractical": False}
    if np.isfinite(score).all() and not np.any(score):  # the output never moved: every index is zero
        problems.append({"kind": "constant"})
        return {**out, "tiers": [order], "negligible": order}
    missing = [i for i in order if unknown[i]]
    if missing:
        problems.append({"kind": "no_interval", "factors": missing})
        return {**out, "tiers": [order]}

    s, l, h = score[order], lo[order], hi[order]
    # cut below position k when every factor down to k lies wholly above every factor after it
    cut = np.minimum.accumulate(l)[:-1] > np.maximum.accumulate(h[::-1])[::-1][1:]
    starts = np.concatenate([[0], np.flatnonzero(cut) + 1, [d]])
    tiers = [order[a:b] for a, b in zip(starts[:-1], starts[1:])]
    small = h < threshold
    # pairs (a above b) whose intervals overlap, not both negligible
    a, b = np.triu_indices(d, k=1)
    overlap = (l[a] <= h[b]) & ~(small[a] & small[b])
    a, b = a[overlap], b[overlap]
    gap = s[a] - s[b]
    facing = (s[a] - l[a]) + (h[b] - s[b])
    for x, y in zip(a, b):
        if y == x + 1:
            problems.append({"kind": "overlap", "factors": [order[x], order[y]]})
    if a.size and not any(p["kind"] == "overlap" for p in problems):  # a tier held together by a wide interval
        problems.append({"kind": "overlap", "factors": [order[a[0]], order[b[0]]]})
    # a gap within rounding of the estimates is a tie: no sample size separates factors of the same role
    tied = gap <= 1e-9 * np.maximum(1.0, np.abs(s[a]))
    out["ties"] = [[order[x], order[y]] for x, y in zip(a[tied], b[tied])]
    if (~tied).any():
        needed = size * float(np.max((facing[~tied] / gap[~tied]) ** 2))
        if needed > MAX_SUGGESTED_FACTOR * size:  # separable in principle only: say so, not 2**80
            out["impractical"] = True
            return {**out, "tiers": tiers, "negligible": [order[k] for k in np.flatnonzero(small)]}
        if method == "sobol":
            suggested = 2 ** math.ceil(math.log2(needed))
            suggested = suggested if suggested > size else 2 * size
        else:
            suggested = max(math.ceil(needed - 1e-9), size + 1)
        out["suggested"] = int(suggested)
    return {**out, "tiers": tiers, "negligible": [order[k] for k in np.flatnonzero(small)]}


# --------------------------------------------------------------------------- a run in one call

def compute(params, vary: list[str], metric: str, method: str = "sobol", n: int = 64, paths: int | None = None,
            overrides=(), language: str | None = None, seed: int | None = None) -> dict:
    """What ``simlib sensitivity`` hands its brief, computed in this process: ``{"spec": ..., "result": ...}``.

    ``params`` is a scenario file, ``vary`` the ``key=lo:hi`` texts, ``n`` the Sobol' base sample (a
    power of two) or the Morris trajectories; the generator is seeded from the scenario's seed (or
    ``seed``).  For a notebook run without the command line; bad input raises ValueError.
    """
    from simlib import scenario
    from simlib.explore import sweep

    if method not in ("sobol", "morris"):
        raise ValueError(f"method must be 'sobol' or 'morris', got {method!r}")
    varies = [sweep.parse_vary(text, with_n=False) for text in vary]
    if problems := sweep.vary_problems(varies):
        raise ValueError("\n".join(problems))
    try:
        loaded = scenario.load(params, list(overrides))
        base = sweep.explore_base(loaded.in_language(language) if language else loaded, paths)
    except scenario.ScenarioError as exc:
        raise ValueError("\n".join(str(p) for p in exc.problems)) from None
    keys = [v.key for v in varies]
    whole = {k for k in keys if sweep.takes_whole_numbers(base, k)}
    corners = [sweep.typed(dict(zip(keys, c)), whole) for c in itertools.product(*((v.lo, v.hi) for v in varies))]
    if problems := sweep.check(base, corners):
        raise ValueError("\n".join(problems))
    moving = [k for k in keys if sweep.depends_on(metric, k)]  # keys that can move the metric
    sections = sweep.sections_needed(base, moving, [metric])
    evaluate = functools.partial(sweep.evaluate, base, sections)
    if metric not in sweep.metric_names(sections):  # before any model runs
        raise ValueError(f"--metric: no metric {metric!r}")
    factors = [Factor(v.key, v.lo, v.hi) for v in varies]

    def model(x: np.ndarray) -> np.ndarray:
        rows = map(evaluate, [sweep.typed({f.key: x[i, j] for i, f in enumerate(factors)}, whole)
                              for j in range(x.shape[1])])
        return np.array([np.nan if r[metric] is None else r[metric] for r in rows])

    rng = np.random.default_rng(base.params.meta.seed if seed is None else seed)
    result = (sobol if method == "sobol" else morris)(model, factors, n, rng)
    spec = {**sweep.described(base), "metric": metric, "method": method, "vary": [vars(v) for v in varies],
            "sections": sections}
    return {"spec": spec, "result": result}


# --------------------------------------------------------------------------- helpers

class _Counted:
    """The caller's model, with its output checked (shape (m,), finite) and its evaluations counted."""

    def __init__(self, func: Callable[[np.ndarray], np.ndarray]):
        self.func = func
        self.count = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.array(x, dtype=float)  # a copy: the model may not alter the design
        m = x.shape[1]
        y = np.asarray(self.func(x), dtype=float)
        if y.shape != (m,):
            raise ValueError(f"the model must return a 1-D array of {m} outputs for x of shape {x.shape}, "
                             f"got shape {y.shape}")
        bad = int(np.count_nonzero(~np.isfinite(y)))
        if bad:
            raise ValueError(f"the model returned {bad} non-finite outputs of {m}; "
                             "sensitivity indices need a finite output at every sample point")
        self.count += m
        return y


def _check_factors(factors: list[Factor]) -> list[str]:
    if not factors:
        raise ValueError("at least one factor is needed")
    if not all(isinstance(f, Factor) for f in factors):
        raise ValueError("factors must be sensitivity.Factor instances")
    keys = [f.key for f in factors]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate factor keys: {', '.join(dupes)}")
    return keys


def _check_int(name: str, value, minimum: int) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        v = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if v < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {v}")
    return v


def _check_power_of_two(n) -> int:
    try:
        if isinstance(n, bool):
            raise TypeError
        v = operator.index(n)
    except TypeError:
        v = None
    if v is None or v < 2 or v & (v - 1):
        raise ValueError(f"n must be a power of two, at least 2 (e.g. 64, 128, 256), got {n!r}")
    return v


def _check_bootstrap(confidence: float, n_resamples: int) -> None:
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    _check_int("n_resamples", n_resamples, minimum=2)


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def _float(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _floats(values, d: int, outputs: int = 1) -> list[float | None]:
    """Plain floats (None where not finite) of the first output's d values."""
    arr = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
    if arr.size != outputs * d:
        raise RuntimeError(f"expected {outputs * d} values, got {arr.size}")  # should not happen
    return [_float(v) for v in arr.reshape(outputs, d)[0]]


def _intervals(ci, d: int, outputs: int = 1) -> list[list[float | None]]:
    return [[lo, hi] for lo, hi in zip(_floats(ci.low, d, outputs), _floats(ci.high, d, outputs))]
