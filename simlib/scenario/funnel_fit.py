"""The land model's funnel after signing, fitted to published funnel rates.

``simlib.models.land`` moves a project through the stages after signing month by month: in stage s
it advances with probability h_s or drops out with probability d_s, so the stage converts
c = h/(h + d) of its entrants after a mean 1/(h + d) months (``land.pipeline.stages.<step>``:
``conversion`` and ``lag_months``).  With space to spare, a project signed in month 0 is a Markov
chain on seven states, one step a month:

    signed --h1--> registered --h2--> started --h3--> producing (absorbing)
       |d1            |d2               |d3
    dropped        dropped           dropped        (three absorbing states: where it dropped out)

A project can be registered in month 1 at the earliest, started in month 2, producing in month 3.
Dropped projects are kept apart by the stage they left, so that "reached stage s by month t" (the
share that ever entered s: in s or beyond, or dropped out of s or beyond) is exact, as is "in
stage s at month t".  With p_t = e_signed T^t (T the 7 × 7 monthly transition matrix):

    reached(registered, t) = p_t[registered, started, producing, dropped from registered or started]
    reached(started, t)    = p_t[started, producing, dropped from started]
    reached(producing, t)  = in(producing, t) = p_t[producing]

:func:`fit` finds, for each of the three steps, the conversion in [0, 1] and mean lag in [1, 120]
months (h = c/lag, d = (1 - c)/lag) minimising the weighted squared misses of the observed shares,
with ``scipy.optimize.least_squares`` from several starting points; a step's conversion or lag can be
fixed instead.  It refuses a set of observations that cannot pin the free parameters down (fewer
observations than parameters, or a parameter that no observation responds to).

:func:`read_funnel` reads and checks an observations file; :func:`parse` checks one already read.
Every rate no funnel can produce is a problem of its own.  Both raise :class:`FunnelFitError`, whose
``problems`` are one line each, naming the file and the dotted key.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FunnelData", "FunnelFitError", "Fit", "Observation", "StageFit", "KINDS", "STAGES", "describe_rates",
           "fit", "forward", "parse", "predict", "rates", "read_funnel", "stages_block", "states_at"]

STAGES = ("registered", "started", "producing")  # the steps after signing, in order
KINDS = ("reached", "in_stage")
PARAMS = ("conversion", "lag_months")
LAG_BOUNDS = (1.0, 120.0)  # as land.pipeline.stages.<step>.lag_months
MAX_MONTHS = 600  # fifty years after signing
MAX_OBSERVATIONS = 1000
MISS = 0.05  # a fit missing a share by more than this is no fit

# the chain's states
SIGNED, REGISTERED, STARTED, PRODUCING, OUT_SIGNED, OUT_REGISTERED, OUT_STARTED = range(7)
_REACHED = {0: [REGISTERED, STARTED, PRODUCING, OUT_REGISTERED, OUT_STARTED],
            1: [STARTED, PRODUCING, OUT_STARTED],
            2: [PRODUCING]}


class FunnelFitError(ValueError):
    """Observations that cannot be fitted; each of ``problems`` is one line (``str()`` joins them)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Observation:
    index: int  # its place in the file's observations list
    months: int  # months after signing
    stage: str
    kind: str  # "reached": entered the stage by then; "in_stage": in it at that month
    share: float  # of the projects signed
    weight: float = 1.0

    @property
    def key(self) -> str:
        return f"observations[{self.index}]"

    def describe(self) -> str:
        return (f"{self.stage} by {self.months} months" if self.kind == "reached"
                else f"in {self.stage} at {self.months} months")


@dataclass(frozen=True)
class FunnelData:
    observations: tuple[Observation, ...]
    fixed: dict  # stage → {"conversion": c, "lag_months": L}, the values given
    source: str | None = None

    @property
    def free(self) -> int:
        return 2 * len(STAGES) - sum(len(v) for v in self.fixed.values())


@dataclass(frozen=True)
class StageFit:
    stage: str
    conversion: float
    lag_months: float
    fixed: tuple[str, ...] = ()  # which of conversion, lag_months were fixed, not fitted

    @property
    def h(self) -> float:
        return rates(self.conversion, self.lag_months)[0]

    @property
    def d(self) -> float:
        return rates(self.conversion, self.lag_months)[1]


@dataclass(frozen=True)
class Fit:
    stages: dict  # stage → StageFit
    observations: tuple[Observation, ...]
    fitted: tuple[float, ...]  # the model's share for each observation
    free: int  # parameters fitted
    rival: dict | None = None  # another funnel fitting about as well, with other values, if one was found

    @property
    def residuals(self) -> tuple[float, ...]:
        """Observed less fitted share, for each observation."""
        return tuple(o.share - f for o, f in zip(self.observations, self.fitted))

    @property
    def worst(self) -> tuple[Observation, float] | None:
        if not self.observations:
            return None
        i = int(np.argmax(np.abs(self.residuals)))
        return self.observations[i], self.residuals[i]


# -- the forward model ------------------------------------------------------------------------------

def rates(conversion: float, lag: float) -> tuple[float, float]:
    """Monthly advance and drop probabilities h, d with h/(h + d) = conversion and 1/(h + d) = lag."""
    return conversion / lag, (1.0 - conversion) / lag


def transition(h, d) -> np.ndarray:
    """The 7 × 7 monthly transition matrix (rows: from) for advance probabilities h and drop
    probabilities d of the three steps."""
    T = np.zeros((7, 7))
    for k, (frm, to, out) in enumerate(((SIGNED, REGISTERED, OUT_SIGNED), (REGISTERED, STARTED, OUT_REGISTERED),
                                        (STARTED, PRODUCING, OUT_STARTED))):
        T[frm, to], T[frm, out], T[frm, frm] = h[k], d[k], 1.0 - h[k] - d[k]
    for s in (PRODUCING, OUT_SIGNED, OUT_REGISTERED, OUT_STARTED):
        T[s, s] = 1.0
    return T


def forward(h, d, months: int) -> tuple[np.ndarray, np.ndarray]:
    """(reached, in_stage), each 3 × (months + 1): the shares of projects signed in month 0 that have
    reached each step (registered, started, producing) by month t, and that are in it at month t,
    t = 0 … months.  ``h`` and ``d`` hold each step's monthly advance and drop probabilities
    (h + d ≤ 1)."""
    h, d = np.asarray(h, dtype=float), np.asarray(d, dtype=float)
    if h.shape != (3,) or d.shape != (3,):
        raise ValueError("h and d need one value for each of the three steps")
    if np.any(h < 0) or np.any(d < 0) or np.any(h + d > 1 + 1e-12):
        raise ValueError("each step needs h >= 0, d >= 0 and h + d <= 1")
    T = transition(h, d)
    p = np.zeros((months + 1, 7))
    p[0, SIGNED] = 1.0
    for t in range(1, months + 1):  # p_t = e_signed T^t
        p[t] = p[t - 1] @ T
    reached = np.stack([p[:, _REACHED[k]].sum(axis=1) for k in range(3)])
    in_stage = p[:, [REGISTERED, STARTED, PRODUCING]].T.copy()
    return reached, in_stage


def states_at(h, d, months) -> dict[int, np.ndarray]:
    """p_t = e_signed T^t, the distribution over the seven states, at each of ``months`` (matrix
    powers, one step from each month to the next: a few products of 7 × 7 matrices, however long)."""
    T = transition(np.asarray(h, dtype=float), np.asarray(d, dtype=float))
    p = np.zeros(7)
    p[SIGNED] = 1.0
    out, now = {}, 0
    for m in sorted(set(months)):
        p = p @ np.linalg.matrix_power(T, m - now)
        out[m], now = p, m
    return out


def predict(stages: dict, observations) -> np.ndarray:
    """The model's share for each observation, from each stage's (conversion, lag)."""
    if not observations:
        return np.zeros(0)
    h, d = zip(*(rates(*stages[s]) for s in STAGES))
    p = states_at(h, d, [o.months for o in observations])
    return np.array([p[o.months][_REACHED[STAGES.index(o.stage)]].sum() if o.kind == "reached"
                     else p[o.months][REGISTERED + STAGES.index(o.stage)] for o in observations])


# -- fitting ----------------------------------------------------------------------------------------

_SENSITIVITY = 1e-3  # a parameter (conversion, or log lag) that moves no share by this much per unit is not pinned


def fit(data: FunnelData) -> Fit:
    """Each step's conversion and mean lag, fitted to the observations by weighted least squares
    (the fixed ones as given).  Raises :class:`FunnelFitError` when the observations cannot
    determine them (one line, naming what is missing)."""
    from scipy.optimize import least_squares

    obs = data.observations
    slots = [(s, p) for s in STAGES for p in PARAMS if p not in data.fixed.get(s, {})]
    n_free = len(slots)
    if len(obs) < n_free:
        raise FunnelFitError(_too_few(len(obs), n_free, data))
    shares = np.array([o.share for o in obs])
    root_w = np.sqrt(np.array([o.weight for o in obs]))

    def stages_of(x) -> dict:
        values = {s: dict(data.fixed.get(s, {})) for s in STAGES}
        for (s, p), v in zip(slots, x):
            values[s][p] = float(v)
        return {s: (values[s]["conversion"], values[s]["lag_months"]) for s in STAGES}

    def residuals(x) -> np.ndarray:
        return root_w * (predict(stages_of(x), obs) - shares)

    if n_free == 0:
        best = np.zeros(0)
    else:
        lo = np.array([0.0 if p == "conversion" else LAG_BOUNDS[0] for _, p in slots])
        hi = np.array([1.0 if p == "conversion" else LAG_BOUNDS[1] for _, p in slots])
        solutions = []
        for x0 in _starts(slots, obs):
            x0 = np.clip(x0, lo + 1e-6, hi - 1e-6)
            sol = least_squares(residuals, x0, bounds=(lo, hi), method="trf", jac="3-point", x_scale="jac",
                                xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=2000)
            solutions.append((float(sol.cost), sol.x))
        solutions.sort(key=lambda cx: cx[0])
        best = solutions[0][1]
        _check_pinned(slots, stages_of, best, obs)
    stages = stages_of(best)
    result = {s: StageFit(s, stages[s][0], stages[s][1], tuple(p for p in PARAMS if p in data.fixed.get(s, {})))
              for s in STAGES}
    rival = None
    if n_free:
        rival = _rival(solutions, slots, stages_of)
    return Fit(result, obs, tuple(float(v) for v in predict(stages, obs)), n_free, rival)


def _too_few(n_obs: int, n_free: int, data: FunnelData) -> str:
    fixed = sum(len(v) for v in data.fixed.values())
    less = f", less {fixed} fixed" if fixed else ""
    return (f"observations: {n_obs} observed rate{'s' if n_obs != 1 else ''} cannot determine {n_free} free "
            f"parameters (a conversion and a mean lag for each of registered, started and producing{less}): "
            "fix some lags under fixed: (e.g. fixed: {registered: {lag_months: 2}}) or add the rates at a "
            "second date")


def _starts(slots, obs) -> list[np.ndarray]:
    """Starting points: conversions read off the data (the latest reached shares, step over step)
    and 0.8, each with every lag 1.5, 4, 12 and 36 months."""
    latest = {}
    for o in sorted(obs, key=lambda o: o.months):
        if o.kind == "reached":
            latest[o.stage] = o.share
    guess, before = {}, 1.0
    for s in STAGES:
        if s in latest and before > 0:
            guess[s] = min(max(latest[s] / before, 0.05), 0.99)
            before = latest[s]
        else:
            guess[s] = 0.8
    starts = []
    for conv in (guess, dict.fromkeys(STAGES, 0.8)):
        for lag in (1.5, 4.0, 12.0, 36.0):
            starts.append(np.array([conv[s] if p == "conversion" else lag for s, p in slots]))
    return starts


def _jacobian(slots, stages_of, x, obs) -> np.ndarray:
    """d share / d parameter, unweighted; a lag's column per unit change of its logarithm."""
    cols = []
    for j, (_, p) in enumerate(slots):
        step = 1e-6 if p == "conversion" else 1e-6 * x[j]
        up, down = x.copy(), x.copy()
        up[j] += step
        down[j] -= step
        if p == "conversion":
            up[j], down[j] = min(up[j], 1.0), max(down[j], 0.0)
        else:
            up[j], down[j] = min(up[j], LAG_BOUNDS[1]), max(down[j], LAG_BOUNDS[0])
        col = (predict(stages_of(up), obs) - predict(stages_of(down), obs)) / (up[j] - down[j])
        cols.append(col * (x[j] if p == "lag_months" else 1.0))
    return np.array(cols).T


def _check_pinned(slots, stages_of, x, obs) -> None:
    """Refuse a fit some of whose parameters (or combinations of them) no observation responds to:
    then many values fit equally well and the ones found are arbitrary."""
    J = _jacobian(slots, stages_of, x, obs)
    _, s, vt = np.linalg.svd(J, full_matrices=True)
    s = np.concatenate([s, np.zeros(len(slots) - s.size)])
    null = vt[s < _SENSITIVITY]
    if not null.size:
        return
    loose = sorted({j for v in null for j in np.flatnonzero(np.abs(v) >= 0.5 * np.abs(v).max())})
    names = _listing([f"{slots[j][0]}.{slots[j][1]}" for j in loose])
    stages = _listing(list(dict.fromkeys(slots[j][0] for j in loose)))
    stage, p = slots[loose[0]]
    example = f"{{{stage}: {{{p}: {2 if p == 'lag_months' else 0.9}}}}}"
    raise FunnelFitError(f"observations: these rates cannot pin down {names} (other values fit them just as "
                         f"well): fix {'it' if len(loose) == 1 else 'them'} under fixed: (e.g. fixed: {example}) "
                         f"or add rates of {stages} at another date")


def _rival(solutions, slots, stages_of) -> dict | None:
    """Another solution about as good as the best but with materially different values, if any."""
    best_cost, best = solutions[0]
    for cost, x in solutions[1:]:
        if cost > best_cost + max(1e-10, 1e-3 * best_cost):
            break
        for (s, p), a, b in zip(slots, best, x):
            if (p == "conversion" and abs(a - b) > 0.01) or (p == "lag_months" and abs(a - b) > 0.05 * a):
                return stages_of(x)
    return None


# -- reading and checking -----------------------------------------------------------------------------

_TOP_KEYS = ("observations", "fixed", "source", "note")
_ITEM_KEYS = ("months", "stage", "share", "kind", "weight", "source", "note")
_MIN_MONTHS = {s: k + 1 for k, s in enumerate(STAGES)}  # each step takes at least a month


def read_funnel(path: str | Path) -> FunnelData:
    """Read and check an observations file (YAML, read as scenario files are; see :func:`parse`).
    Raises :class:`FunnelFitError`, each problem one line naming the file."""
    from simlib.scenario.files import MAX_FUNNEL_BYTES
    from simlib.scenario.loader import read_document
    from simlib.scenario.problems import ScenarioError

    path = Path(path)
    try:  # a regular file of at most 1 MiB (a FIFO or a device is refused, never read)
        doc = read_document(path, str(path), "an observations file", "an observations file needs three",
                            limit=MAX_FUNNEL_BYTES)
    except ScenarioError as exc:
        raise FunnelFitError([str(p) for p in exc.problems]) from None
    return parse(doc, str(path))


def parse(doc: Any, label: str) -> FunnelData:
    """Check a read observations document (``{observations: [...], fixed: {...}}``) and return it.
    Every problem is collected, one line each: ``LABEL: dotted.key: what is wrong``."""
    problems: list[str] = []

    def problem(key: str, message: str) -> None:
        problems.append(f"{label}: {key}: {message}" if key else f"{label}: {message}")

    if not isinstance(doc, dict):
        raise FunnelFitError(f"{label}: must be a mapping with observations: (a list of "
                             f"{{months, stage, share}}) and optionally fixed:, got {_kind(doc)}")
    for k in doc:
        if k not in _TOP_KEYS:
            problem(str(k), "unknown key" + _did_you_mean(str(k), _TOP_KEYS))
    for k in ("source", "note"):
        if doc.get(k) is not None and not isinstance(doc[k], str):
            problem(k, f"must be text, got {_kind(doc[k])}")
    items = doc.get("observations")
    observations: list[Observation] = []
    if "observations" not in doc:
        problem("observations", "required key is missing (a list of {months, stage, share} items)")
    elif not isinstance(items, list):
        problem("observations", f"must be a list of {{months, stage, share}} items, got {_kind(items)}")
    elif not items:
        problem("observations", "the list is empty: give at least one {months, stage, share}")
    elif len(items) > MAX_OBSERVATIONS:
        problem("observations", f"{len(items):,} items; at most {MAX_OBSERVATIONS:,}")
    else:
        for i, item in enumerate(items):
            o = _observation(i, item, problem)
            if o is not None:
                observations.append(o)
        _impossible(observations, problem)
    fixed = _fixed(doc.get("fixed"), problem) if "fixed" in doc else {}
    if problems:
        raise FunnelFitError(problems)
    data = FunnelData(tuple(observations), fixed, doc.get("source"))
    if len(observations) < data.free:
        problem("", _too_few(len(observations), data.free, data))
        raise FunnelFitError(problems)
    return data


def _observation(i: int, item: Any, problem) -> Observation | None:
    key = f"observations[{i}]"
    if not isinstance(item, dict):
        problem(key, f"must be a mapping {{months, stage, share}}, got {_kind(item)}")
        return None
    ok = True
    misspelt = set()
    for k in item:
        if k not in _ITEM_KEYS:
            problem(f"{key}.{k}", "unknown key" + _did_you_mean(str(k), _ITEM_KEYS))
            misspelt.update(difflib.get_close_matches(str(k), _ITEM_KEYS, n=1, cutoff=0.6))
            ok = False
    for k in ("months", "stage", "share"):
        if k not in item:
            if k not in misspelt:  # "shares: 0.5" is one problem, not two
                problem(f"{key}.{k}", "required key is missing")
            ok = False
    for k in ("source", "note"):
        if item.get(k) is not None and not isinstance(item[k], str):
            problem(f"{key}.{k}", f"must be text, got {_kind(item[k])}")
            ok = False
    months = item.get("months")
    if "months" in item:
        m = _number(months)
        if m is None:
            problem(f"{key}.months", f"must be a whole number of months after signing, got {_kind(months)}"
                                     f"{_text(months)}")
            ok = False
        elif not math.isfinite(m) or m != int(m):
            problem(f"{key}.months", f"must be a whole number of months after signing, got {months!r}")
            ok = False
        elif m <= 0:
            problem(f"{key}.months", f"must be at least 1 month after signing, got {months!r}")
            ok = False
        elif m > MAX_MONTHS:
            problem(f"{key}.months", f"must be at most {MAX_MONTHS} months ({MAX_MONTHS // 12} years) after "
                                     f"signing, got {months!r}")
            ok = False
        else:
            months = int(m)
    stage = item.get("stage")
    if "stage" in item and stage not in STAGES:
        if stage == "signed":
            problem(f"{key}.stage", "signed is where the funnel starts (every project, at month 0): give "
                                    "registered, started or producing")
        else:
            hint = _did_you_mean(stage, STAGES, listing=False) if isinstance(stage, str) else f" ({_kind(stage)})"
            problem(f"{key}.stage", f"unknown stage {stage!r}{hint}; the stages after signing are "
                                    f"{', '.join(STAGES)}")
        ok = False
    kind = item.get("kind", "reached")
    if kind not in KINDS:
        hint = _did_you_mean(kind, KINDS, listing=False) if isinstance(kind, str) else f" ({_kind(kind)})"
        problem(f"{key}.kind", f"unknown kind {kind!r}{hint}; reached (had entered the stage by then, the "
                               "default) or in_stage (was in it then)")
        ok = False
    share = item.get("share")
    if "share" in item:
        s = _number(share)
        if s is None:
            problem(f"{key}.share", f"must be a number within [0, 1], got {_kind(share)}{_text(share)}")
            ok = False
        elif not math.isfinite(s):
            problem(f"{key}.share", f"must be a finite number within [0, 1], got {share!r}")
            ok = False
        elif not 0 <= s <= 1:
            hint = f" (a share, not a percentage: {s / 100:g} for {s:g}%)" if 2 <= s <= 100 else ""
            problem(f"{key}.share", f"must be within [0, 1], got {share!r}{hint}")
            ok = False
        else:
            share = s
    weight = item.get("weight", 1.0)
    w = _number(weight)
    if w is None or not math.isfinite(w) or w <= 0:
        problem(f"{key}.weight", f"must be a positive number (default 1), got {weight!r}")
        ok = False
    if not ok:
        return None
    return Observation(i, months, stage, kind, share, w)


def _impossible(obs: list[Observation], problem) -> None:
    """Rates no funnel can produce, whatever its rates and lags: one problem per offending observation."""
    seen: dict[tuple, Observation] = {}
    for o in obs:
        first = seen.setdefault((o.months, o.stage, o.kind), o)
        if first is not o:
            problem(o.key, f"the same rate as {first.key} ({o.describe()}): give each once")
    for o in obs:
        k = _MIN_MONTHS[o.stage]
        if o.months < k and o.share > 0:
            state = "have reached" if o.kind == "reached" else "be in"
            problem(f"{o.key}.share", f"{o.stage} at {o.months} month{'s' if o.months != 1 else ''} must be 0, got "
                                      f"{o.share:g}: each step takes at least a month, so no project can {state} "
                                      f"{o.stage} before month {k} after signing")
    reached = [o for o in obs if o.kind == "reached"]
    for o in reached:  # a share that has reached a stage can only grow
        earlier = [e for e in reached if e.stage == o.stage and e.months < o.months and e.share > o.share]
        if earlier:
            e = max(earlier, key=lambda e: e.share)
            problem(f"{o.key}.share", f"the share that has reached {o.stage} cannot fall over time: {e.share:g} by "
                                      f"{e.months} months ({e.key}), {o.share:g} by {o.months} months")
    for o in reached:  # a project reaches the stages in order
        k = STAGES.index(o.stage)
        bounds = [e for e in reached if STAGES.index(e.stage) < k and e.months >= o.months and e.share < o.share]
        if bounds:
            e = min(bounds, key=lambda e: (e.months != o.months, e.share, e.months))  # the same date first
            if e.months == o.months:
                what = (f"no funnel can have more projects {o.stage} ({o.share:g}) than {e.stage} ({e.share:g}) "
                        f"at {o.months} months (see {e.key})")
            else:
                what = (f"no funnel can have more projects {o.stage} by {o.months} months ({o.share:g}) than "
                        f"{e.stage} by {e.months} months ({e.share:g}, {e.key})")
            problem(f"{o.key}.share", what)
    for o in (o for o in obs if o.kind == "in_stage"):  # in a stage means it has reached it, and the ones before
        k = STAGES.index(o.stage)
        bounds = [e for e in reached if STAGES.index(e.stage) <= k and e.months >= o.months and e.share < o.share]
        if bounds:
            e = min(bounds, key=lambda e: (e.share, e.months))
            problem(f"{o.key}.share", f"no funnel can have more projects in {o.stage} at {o.months} months "
                                      f"({o.share:g}) than have reached {e.stage} by {e.months} months "
                                      f"({e.share:g}, {e.key})")
    dates: dict[int, list[Observation]] = {}
    for o in obs:
        if o.kind == "in_stage":
            dates.setdefault(o.months, []).append(o)
    for months, group in sorted(dates.items()):  # in_stage shares at one date are of disjoint groups
        total = sum(o.share for o in group)
        if len(group) > 1 and total > 1 + 1e-9:
            group.sort(key=lambda o: STAGES.index(o.stage))
            parts = _listing([f"{o.stage} ({o.share:g})" for o in group])
            problem(f"{group[-1].key}.share", f"the shares in {parts} at {months} months add up to {total:g}: "
                                              "no project is in two stages at once, so at most 1")


def _fixed(spec: Any, problem) -> dict:
    out: dict[str, dict[str, float]] = {}
    if spec is None:
        return out
    if not isinstance(spec, dict):
        problem("fixed", f"must be a mapping of stages, e.g. {{registered: {{lag_months: 2}}}}, got {_kind(spec)}")
        return out
    for stage, values in spec.items():
        key = f"fixed.{stage}"
        if stage not in STAGES:
            hint = _did_you_mean(str(stage), STAGES, listing=False)
            problem(key, f"unknown stage{hint}; the stages after signing are {', '.join(STAGES)}")
            continue
        if not isinstance(values, dict) or not values:
            problem(key, f"must be a mapping with conversion and/or lag_months, got {_kind(values)}")
            continue
        for p, v in values.items():
            if p not in PARAMS:
                problem(f"{key}.{p}", "unknown key" + _did_you_mean(str(p), PARAMS))
                continue
            x = _number(v)
            lo, hi = (0.0, 1.0) if p == "conversion" else LAG_BOUNDS
            if x is None or not math.isfinite(x):
                problem(f"{key}.{p}", f"must be a number, got {_kind(v)}{_text(v)}")
            elif not lo <= x <= hi:
                what = "within [0, 1]" if p == "conversion" else f"{lo:g} to {hi:g} months"
                problem(f"{key}.{p}", f"must be {what}, got {v!r}")
            else:
                out.setdefault(stage, {})[p] = x
    return out


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", type(None): "null",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return f" {str(value).lower()}"
    return f" {value!r}" if isinstance(value, str) else ""


def _did_you_mean(name: str, choices, listing: bool = True) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f"; expected one of: {', '.join(choices)}" if listing else ""


# -- the scenario block -------------------------------------------------------------------------------

def describe_rates(observations) -> str:
    """The observed rates in a few words: ``by 8 months registered 0.95, started 0.86; by 20 months ...``."""
    groups: dict[tuple, list[str]] = {}
    for o in sorted(observations, key=lambda o: (o.months, o.kind != "reached", STAGES.index(o.stage))):
        groups.setdefault((o.months, o.kind), []).append(f"{'in ' if o.kind == 'in_stage' else ''}{o.stage} "
                                                         f"{o.share:g}")
    return "; ".join(f"{'by' if kind == 'reached' else 'at'} {m} months {', '.join(parts)}"
                     for (m, kind), parts in groups.items())


def stages_block(result: Fit, source: str) -> dict:
    """The registered, started and producing entries of ``land.pipeline.stages``, with self-describing
    leaves ``{value, unit, source, note}`` (paste under ``stages:`` beside its ``signed`` entry)."""
    worst = result.worst
    fitted = (f"fitted to {len(result.observations)} observed shares of signed projects "
              f"({describe_rates(result.observations)})")
    miss = f"; the fit misses the observed shares by at most {abs(worst[1]):.3f}" if worst else ""
    block = {}
    for s in STAGES:
        st = result.stages[s]
        note = f"monthly advance h = {st.h:.4f}, drop-out d = {st.d:.4f}{miss}"
        block[s] = {}
        for p, value, unit in (("conversion", round(st.conversion, 4), "share of the stage's entrants that advance"),
                               ("lag_months", round(max(st.lag_months, LAG_BOUNDS[0]), 2), "months")):
            how = f"fixed there (fixed.{s}.{p}), not fitted" if p in st.fixed else fitted
            block[s][p] = {"value": float(value), "unit": unit, "source": f"simlib calibrate-funnel {source}: {how}",
                           "note": note}
    return block
