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

import inspect
import math
import operator
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.stats

__all__ = ["Factor", "sobol", "morris", "ranking"]


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
