"""Salary incentives: post-based pay, an appraisal that grades staff, coefficient-linked performance pay.

True performance θ ~ N(0, 1) plus, optionally, a department effect u ~ N(0, sd²); V = 1 + sd² is
its zone-wide variance.  A score of reliability r (its squared correlation with θ) is θ + e with
Var(e) = V(1 − r)/r.  Three ways to observe (``appraisal.method``):

``single``
    one score of ``reliability``.
``objective_subjective`` (seed 000: "客观指标突出量化操作，主观指标强制分布等次")
    an objective score O (``objective_reliability``), standardised, and a subjective score S
    (``subjective_reliability``) ranked within the scope under the forced distribution
    ``subjective_shares``; a subjective grade counts as the mean standard-normal score of its
    quota band, m_j.  Final F = w·O/sd(O) + (1 − w)·m(S), w = ``objective_weight``.
``index`` (seed 004: Shouning's N-dimension index)
    dimension scores X_d = θ + e_d, each with its own reliability, errors correlated by c
    (``dimension_correlation``, a halo); F = Σ w̃_d X_d with the weights normalised to sum 1.

Reliability of the final score (:func:`score_model`, derived from the parts; tests check it):
single r; index V / (V + Σ_d Σ_e w̃_d w̃_e c_de s_d s_e), s_d the dimension's noise sd; two-part,
with κ = Σ_j p_j m_j² (the variance the banding keeps), sd_O, sd_S the parts' sds,
Cov(F, θ) = w V/sd_O + (1 − w) κ V/sd_S, Var F = w² + (1 − w)² κ + 2w(1 − w) κ V/(sd_O sd_S),
r_F = Cov(F, θ)² / (V Var F) (zone scope, no department effect: E[θ | S] is linear in S).

Grades (:func:`grade_groups`), listed best first, are filled group by group (each department, or
the zone) from the best score down: a grade takes at most its seats (an exact share or a cap,
rounded by ``rounding``) of those left who reach its minimum score; the last grade takes everyone
left.  Exact shares are rounded by the largest remainder by default (⌊n·share⌋ each, seats left to
the largest fractional parts, ties to the better grade), caps half up.  Equal scores are ordered by
roster position.  Thresholds are on ``score_scale``: points = mean + sd · F / sd(F).

Pay (万元 a year) = base pay + performance pay.  Each unit (the management committee, the
operating company) has its own pool, standard amount × its graded staff × its park coefficient, so
the park rating and the linked rule (000: a committee rated 第二 or lower caps the company at 第二)
move a unit's money: capping the company from 第一 (1.1) to 第二 (1.0) cuts every company
person's performance pay by 1.0/1.1.  One zone-wide pool, re-normalised, would cancel a uniform
park coefficient; Jianshi (003) writes pay as park × department × individual coefficient, which
pools keep: in ``exact`` mode each department's pool is standard amount × its graded staff × its
department coefficient × its unit's park coefficient, spent to the yuan in proportion to the
individual coefficients (so a department's rating moves its money even when it is a unit's only
department); ``standard`` pays standard amount × the three coefficients.  Exempt staff (annual
salary, agreement pay, probation: 003 "年薪制、协议工资") are outside the grading and the pools
and are paid their base pay.

Every figure is over ``rounds`` appraisal rounds drawn at once (rounds × staff arrays): each
round draws the department effects, true performance and score noise afresh for the same roster.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from simlib.models.base import Headline, Metrics, Model
from simlib.models.salary_params import (  # noqa: F401  (re-exported: the section's classes)
    MAX_ROUND_STAFF, ROUNDING, Appraisal, Department, DepartmentGrade, Dimension, Elimination, Grade, Park,
    Pay, Post, Salary, ScoreScale, UnitGrade,
)

TRACKS = ("management", "professional")
UNITS = ("committee", "company")
PAY_SCHEMES = ("graded", "annual_salary", "agreement", "probation")  # all but "graded" are exempt
MIN_CELL = 5  # group tables hide cells with fewer distinct people than this
PAIR_SAMPLE = 200_000  # rounds × people on which pairwise measures are counted, at most


@dataclass(frozen=True)
class Staff:
    """The roster as arrays: one entry per person, codes into the name tuples."""

    department: np.ndarray  # int, into department_names
    department_names: tuple[str, ...]
    department_unit: np.ndarray  # per department: 0 committee, 1 company
    post: np.ndarray  # int, into post_names
    post_names: tuple[str, ...]  # "track/level"
    post_track: np.ndarray  # per post: 0 management, 1 professional
    base_pay: np.ndarray  # 万元 a year
    exempt: np.ndarray | None = None  # bool per person: outside the grading and the pool (None: nobody)

    @property
    def size(self) -> int:
        return self.department.size

    @property
    def exempt_mask(self) -> np.ndarray:
        return self.exempt if self.exempt is not None else np.zeros(self.size, bool)


# -- how scores arise ------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreModel:
    """The noise of each part and what it implies for the final score (see the module docstring)."""

    method: str
    variance: float  # V, zone-wide variance of true performance
    noise_sd: dict  # by part: "score" (single), "objective"/"subjective", "dimension:<name>"
    final_sd: float  # sd of the final score F
    reliability: float  # squared correlation of F with θ
    weights: np.ndarray | None = None  # index: normalised weights
    dimension_sd: np.ndarray | None = None
    correlation: float = 0.0
    band_means: np.ndarray | None = None  # objective_subjective: points of each subjective grade
    subjective_shares: np.ndarray | None = None
    objective_weight: float = 1.0


def band_means(shares: np.ndarray) -> np.ndarray:
    """Mean of a standard normal within each quota band, best band (upper tail) first; 0 for an empty band."""
    nd = NormalDist()
    upper = np.concatenate([[0.0], np.cumsum(shares)])
    upper[-1] = 1.0
    def z(p: float) -> float:  # the standard-normal point with upper-tail probability p
        return np.inf if p <= 0 else -np.inf if p >= 1 else nd.inv_cdf(1.0 - p)
    phi = np.array([0.0 if not np.isfinite(z(p)) else nd.pdf(z(p)) for p in upper])
    width = np.diff(upper)
    return np.divide(phi[1:] - phi[:-1], width, out=np.zeros_like(width), where=width > 0)


def score_model(params: Salary, reliability: float | None = None) -> ScoreModel:
    """The noise sds of the parts and the final score's sd and reliability; ``reliability`` asks for a
    single score of that reliability instead (the misranking curve)."""
    a = params.appraisal
    v = 1.0 + params.department_effect_sd**2
    sd = lambda r: float(np.sqrt(v * (1.0 - r) / r))  # noqa: E731
    if reliability is not None or a.method == "single":
        r = reliability if reliability is not None else a.reliability
        return ScoreModel("single", v, {"score": sd(r)}, float(np.sqrt(v / r)), float(r))
    if a.method == "index":
        w = np.array([d.weight for d in a.dimensions])
        w = w / w.sum()
        s = np.array([sd(d.reliability) for d in a.dimensions])
        c = a.dimension_correlation or 0.0
        cov = c * np.outer(s, s)
        np.fill_diagonal(cov, s**2)
        var = v + float(w @ cov @ w)
        return ScoreModel("index", v, {f"dimension:{d.name}": float(x) for d, x in zip(a.dimensions, s)},
                          float(np.sqrt(var)), v / var, weights=w, dimension_sd=s, correlation=c)
    w = a.objective_weight
    so, ss = sd(a.objective_reliability), sd(a.subjective_reliability)
    sd_o, sd_s = np.sqrt(v + so**2), np.sqrt(v + ss**2)
    shares = np.array(a.subjective_shares)
    m = band_means(shares)
    kappa = float(shares @ m**2)
    cov = w * v / sd_o + (1 - w) * kappa * v / sd_s
    var = w**2 + (1 - w) ** 2 * kappa + 2 * w * (1 - w) * kappa * v / (sd_o * sd_s)
    return ScoreModel("objective_subjective", v, {"objective": so, "subjective": ss}, float(np.sqrt(var)),
                      float(cov**2 / (v * var)), band_means=m, subjective_shares=shares, objective_weight=w)


@dataclass(frozen=True)
class Observation:
    """Observed scores of one appraisal, rounds × graded staff."""

    final: np.ndarray  # F
    objective: np.ndarray | None = None  # objective_subjective: O / sd(O)
    subjective: np.ndarray | None = None  # objective_subjective: S
    subjective_grade: np.ndarray | None = None
    subjective_take: np.ndarray | None = None  # seats of each subjective grade per group


def observe(model: ScoreModel, theta: np.ndarray, gid: np.ndarray, n_gid: int,
            rng: np.random.Generator) -> Observation:
    """Draw the appraisal noise for ``theta`` (rounds × staff) and form the final score.

    ``gid`` (same shape) is each person's grading group (round × scope group); the subjective part is
    forced into grades within it.
    """
    if model.method == "single":
        return Observation(theta + model.noise_sd["score"] * rng.standard_normal(theta.shape))
    if model.method == "index":
        z = rng.standard_normal(theta.shape + (model.weights.size,))
        if model.correlation > 0:
            common = rng.standard_normal(theta.shape + (1,))
            z = np.sqrt(model.correlation) * common + np.sqrt(1.0 - model.correlation) * z
        return Observation(theta + (z * model.dimension_sd) @ model.weights)
    sd_o = np.sqrt(model.variance + model.noise_sd["objective"] ** 2)
    objective = (theta + model.noise_sd["objective"] * rng.standard_normal(theta.shape)) / sd_o
    subjective = theta + model.noise_sd["subjective"] * rng.standard_normal(theta.shape)
    sizes = np.bincount(gid.ravel(), minlength=n_gid)
    take = largest_remainder(sizes, model.subjective_shares)
    sub_grade, _ = assign(subjective.ravel(), gid.ravel(), take)
    sub_grade = sub_grade.reshape(theta.shape)
    w = model.objective_weight
    final = w * objective + (1.0 - w) * model.band_means[sub_grade]
    return Observation(final, objective, subjective, sub_grade, take)


# -- seats and grades ----------------------------------------------------------------


_SCALE = 10**9  # shares in billionths, so seat arithmetic is exact


def _billionths(shares: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(shares, dtype=float) * _SCALE).astype(np.int64)


def largest_remainder(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Seats per (group, grade): ⌊n·share⌋, then one more to the largest remainders (ties: better grade).

    ``shares`` is one row for every group or one row per group; each row sums to 1.
    """
    parts = np.atleast_2d(_billionths(shares)).copy()
    top = np.argmax(parts, axis=1)
    parts[np.arange(parts.shape[0]), top] += _SCALE - parts.sum(axis=1)
    exact = np.asarray(sizes, dtype=np.int64)[:, None] * parts
    counts = exact // _SCALE
    left = np.asarray(sizes, dtype=np.int64) - counts.sum(axis=1)
    frac = exact % _SCALE
    order = np.argsort(-frac, axis=1, kind="stable")  # stable: equal remainders favour the better grade
    bonus = np.arange(parts.shape[1])[None, :] < left[:, None]
    np.put_along_axis(counts, order, np.take_along_axis(counts, order, axis=1) + bonus, axis=1)
    return counts


def round_seats(sizes: np.ndarray, shares: np.ndarray, rounding: str) -> np.ndarray:
    """Seats n·share per (group, grade) rounded ``half_up``, ``up`` or ``down`` (exact arithmetic)."""
    exact = np.asarray(sizes, dtype=np.int64)[:, None] * np.atleast_2d(_billionths(shares))
    add = {"half_up": _SCALE // 2, "up": _SCALE - 1, "down": 0}[rounding]
    return (exact + add) // _SCALE


@dataclass(frozen=True)
class Rule:
    """A grading rule as arrays: seat limits per grade (NaN: none), minimum points (−inf: none)."""

    limits: np.ndarray  # (K,) or (groups, K): exact share or cap; NaN where a grade has neither
    min_points: np.ndarray  # (K,)
    exact: bool
    rounding: str

    @classmethod
    def of(cls, appraisal: Appraisal) -> Rule:
        limits = np.array([g.share if g.share is not None else g.max_share if g.max_share is not None
                           else np.nan for g in appraisal.quotas], dtype=float)
        limits[-1] = np.nan  # the last grade takes everyone left
        if appraisal.exact:
            limits[-1] = appraisal.quotas[-1].share
        mins = np.array([g.min_score if g.min_score is not None else -np.inf for g in appraisal.quotas])
        return cls(limits, mins, appraisal.exact, appraisal.rounding_rule)

    @property
    def grades(self) -> int:
        return self.min_points.size

    def seats(self, sizes: np.ndarray) -> np.ndarray:
        """Seats per (group, grade); a grade without a limit gets the whole group."""
        limits = np.broadcast_to(self.limits, (sizes.size, self.grades))
        if self.exact and self.rounding == "largest_remainder":
            return largest_remainder(sizes, limits)
        seats = round_seats(sizes, np.nan_to_num(limits, nan=1.0), self.rounding)
        return np.where(np.isnan(limits), np.asarray(sizes, np.int64)[:, None], seats)


def cascade(seats: np.ndarray, eligible: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """People given each grade per group, best grade first: grade k takes at most its seats of those
    left who reach its minimum (``eligible[:, k]`` counts the group's people who do; they are the
    group's best scores); the last grade takes everyone left."""
    take = np.zeros_like(seats)
    start = np.zeros(seats.shape[0], np.int64)
    for k in range(seats.shape[1] - 1):  # a loop over grades, vectorised over groups
        take[:, k] = np.minimum(seats[:, k], np.maximum(eligible[:, k] - start, 0))
        start += take[:, k]
    take[:, -1] = sizes - start
    return take


def rank_within_groups(score: np.ndarray, group: np.ndarray | None) -> np.ndarray:
    """People listed group by group, best score first; equal scores in roster order.

    The fast path is one ``argsort`` of a composite key (group, then descending score) whose float
    resolution is far below any real score difference; if the key has ties (equal scores, or scores
    closer than that resolution) the exact rule is applied with two stable sorts instead.
    """
    lo, hi = float(score.min()), float(score.max())
    key = hi - score
    if group is not None:
        key += group * (hi - lo + 1.0)
    order = np.argsort(key)
    listed = key[order]
    if np.any(listed[1:] == listed[:-1]):
        order = np.argsort(-score, kind="stable")
        if group is not None:
            order = order[np.argsort(group[order], kind="stable")]
    return order


def assign(score: np.ndarray, group: np.ndarray | None, take: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grades (0 = best) from the people each grade takes per group, by rank within group; and the order."""
    order = rank_within_groups(score, group)
    grade = np.empty(score.size, np.int8)
    grade[order] = np.repeat(np.tile(np.arange(take.shape[1], dtype=np.int8), take.shape[0]), take.ravel())
    return grade, order


def eligible_counts(points: np.ndarray | None, group: np.ndarray, sizes: np.ndarray, rule: Rule) -> np.ndarray:
    """Per (group, grade): how many reach the grade's minimum points (the whole group when it has none)."""
    out = np.repeat(np.asarray(sizes, np.int64)[:, None], rule.grades, axis=1)
    for k in np.flatnonzero(np.isfinite(rule.min_points)):  # a loop over grades with a threshold
        out[:, k] = np.bincount(group, weights=points >= rule.min_points[k], minlength=sizes.size)
    return out


def grade_groups(score: np.ndarray, points: np.ndarray | None, group: np.ndarray | None, n_groups: int,
                 rule: Rule, seats: np.ndarray | None = None):
    """Grade each person within their group (0 = best): returns (grade, take, order, seats).

    ``take[g, k]`` is how many of group g got grade k; ``order`` lists people group by group, best
    score first; ``seats`` may be given per group (a unit's own top-grade share).
    """
    g = group if group is not None else np.zeros(score.size, np.int64)
    sizes = np.bincount(g, minlength=n_groups)
    seats = rule.seats(sizes) if seats is None else seats
    take = cascade(seats, eligible_counts(points, g, sizes, rule), sizes)
    grade, order = assign(score, group, take)
    return grade, take, order, seats


def forced_distribution(score: np.ndarray, group: np.ndarray | None, n_groups: int, shares: np.ndarray):
    """Exact quotas by the largest remainder: (grade, counts, order) — :func:`grade_groups` for a
    forced distribution."""
    rule = Rule(np.asarray(shares, float), np.full(len(shares), -np.inf), True, "largest_remainder")
    grade, take, order, _ = grade_groups(score, None, group, n_groups, rule)
    return grade, take, order


# -- the roster, the year, the pay ----------------------------------------------------


def synthetic_staff(params: Salary, rng: np.random.Generator) -> Staff:
    """Departments of the stated sizes; posts in the stated shares (largest remainder), shuffled; the
    exempt share (rounded half up) picked at random."""
    sizes = np.array([d.size for d in params.departments])
    n = int(sizes.sum())
    shares = np.array([p.share for p in params.posts])
    counts = largest_remainder(np.array([n]), shares)[0]
    post = rng.permutation(np.repeat(np.arange(len(params.posts)), counts))
    exempt = None
    if params.exempt_share:
        k = int(round_seats(np.array([n]), np.array([params.exempt_share]), "half_up")[0, 0])
        exempt = np.zeros(n, bool)
        exempt[rng.choice(n, size=k, replace=False)] = True
    return Staff(
        department=np.repeat(np.arange(len(sizes)), sizes),
        department_names=tuple(d.name for d in params.departments),
        department_unit=np.array([UNITS.index(d.unit) for d in params.departments]),
        post=post,
        post_names=tuple(f"{p.track}/{p.level}" for p in params.posts),
        post_track=np.array([TRACKS.index(p.track) for p in params.posts]),
        base_pay=np.array([p.base_pay for p in params.posts])[post],
        exempt=exempt,
    )


@dataclass(frozen=True)
class SalaryResult:
    """``rounds`` appraisal rounds of one roster.  Arrays over graded staff are rounds × m (the m
    people inside the grading, ``graded`` indexes them in the roster); pay is rounds × all staff."""

    staff: Staff
    graded: np.ndarray  # roster index of each graded person
    model: ScoreModel
    rule: Rule
    theta: np.ndarray  # (R, m) true performance
    observation: Observation
    points: np.ndarray | None  # (R, m) final score in points (thresholds only)
    grade: np.ndarray  # (R, m) grade index, 0 = best
    group: np.ndarray  # (m,) scope group of each graded person (all 0 zone-wide)
    n_groups: int
    seats: np.ndarray  # (R·G, K) seats per round × group
    take: np.ndarray  # (R·G, K) people given each grade
    order: np.ndarray  # (R·m,) round by round, group by group, best score first
    department_grade: np.ndarray  # (R, D), 0 = best (all 0 when departments are not rated)
    department_coefficient: np.ndarray  # (R, D)
    park_coefficient: np.ndarray  # (2,) per unit (committee, company), after the linked rule
    park_requested: np.ndarray  # (2,) before the linked rule
    company_grade: int | None  # after the linked rule
    coefficient: np.ndarray  # (R, m) department × individual (the park coefficient sizes the unit's pool)
    performance_pay: np.ndarray  # (R, n) 万元; 0 for exempt staff
    pool: np.ndarray  # (R, 2) per unit: the sum of its departments' pools, 万元
    flagged: np.ndarray | None  # (R, m) bottom elimination: flagged at least once
    pair_sample: np.ndarray | None = None  # graded people on whom pairs are counted (None: all)

    @property
    def pair_rounds(self) -> int:
        """Rounds pairs are counted in: the first ⌊200,000 / people⌋ (at least one), everyone in them."""
        people = self.graded.size if self.pair_sample is None else self.pair_sample.size
        return max(1, min(self.rounds, PAIR_SAMPLE // max(people, 1)))
    misrank_curve: MisrankCurve | None = None

    @property
    def rounds(self) -> int:
        return self.theta.shape[0]

    @property
    def total_pay(self) -> np.ndarray:
        return self.staff.base_pay + self.performance_pay

    @property
    def gid(self) -> np.ndarray:
        """(R, m) grading group over rounds: round × groups + scope group."""
        return np.arange(self.rounds)[:, None] * self.n_groups + self.group[None, :]


def _rows(x: np.ndarray) -> np.ndarray:
    return x if x.ndim == 2 else x[None, :]


def simulate(params: Salary, rng: np.random.Generator, inputs: Staff | None = None) -> SalaryResult:
    """``params.rounds`` appraisal rounds (plus the elimination years) for a synthetic roster, or for
    the roster ``inputs`` (:class:`Staff`, read from the scenario's roster CSV).

    Each round draws department effects, true performance and score noise.  Besides the appraisal it
    draws what the summary reports: the misranking curve's scores at a grid of reliabilities, and
    (above 200,000 people) the people pairwise measures are counted on; pairs are counted in the first
    ⌊200,000 / people⌋ rounds (at least one), everyone in them.
    """
    staff = inputs if inputs is not None else synthetic_staff(params, rng)
    graded = np.flatnonzero(~staff.exempt_mask)
    R, n_dept = params.rounds, len(staff.department_names)
    sd = params.department_effect_sd
    effect = sd * rng.standard_normal((R, n_dept)) if sd > 0 else np.zeros((R, n_dept))
    theta = rng.standard_normal((R, graded.size)) + effect[:, staff.department[graded]]
    result = appraise_and_pay(params, staff, theta, rng)
    m = graded.size
    sample = None
    if m > PAIR_SAMPLE:  # more people than pairs are counted on: a sample of them, the same every round
        sample = np.sort(rng.choice(m, size=PAIR_SAMPLE, replace=False))
    result = replace(result, pair_sample=sample)
    grid = np.unique(np.round(np.r_[np.linspace(0.3, 0.95, 8), result.model.reliability], 4))
    return replace(result, misrank_curve=misrank_curve(params, result, rng, grid))


def points_of(final: np.ndarray, model: ScoreModel, appraisal: Appraisal) -> np.ndarray | None:
    """The final score on the appraisal's points scale (None when no grade has a minimum score)."""
    s = appraisal.score_scale
    return None if s is None else s.mean + s.sd * final / model.final_sd


def group_seats(params: Salary, rule: Rule, sizes: np.ndarray, dept_grade: np.ndarray | None) -> np.ndarray:
    """Seats per (round × group, grade); in a department whose own rating carries a top-grade share
    that share replaces the top grade's (from the second grade when shares are exact)."""
    dg = params.department_grades
    if dept_grade is None or not dg or all(g.top_grade_share is None for g in dg):
        return rule.seats(sizes)
    limits = np.repeat(rule.limits[None, :], sizes.size, axis=0)
    top = np.array([g.top_grade_share if g.top_grade_share is not None else np.nan for g in dg])[dept_grade.ravel()]
    has = np.isfinite(top)
    if rule.exact:
        limits[has, 1] -= top[has] - limits[has, 0]
        limits[has, 1] = np.maximum(limits[has, 1], 0.0)
    limits[has, 0] = top[has]
    return Rule(limits, rule.min_points, rule.exact, rule.rounding).seats(sizes)


def appraise_and_pay(params: Salary, staff: Staff, theta: np.ndarray, rng: np.random.Generator) -> SalaryResult:
    """Observe scores, grade them, rate departments and pay, for ``theta`` (rounds × graded staff, or
    one round as a 1-d array)."""
    theta = _rows(theta)
    R = theta.shape[0]
    graded = np.flatnonzero(~staff.exempt_mask)
    dept = staff.department[graded]
    n_dept = len(staff.department_names)
    a = params.appraisal
    model = score_model(params)
    rule = Rule.of(a)
    group, n_groups = (dept, n_dept) if a.scope == "department" else (np.zeros(graded.size, np.int64), 1)
    gid = np.arange(R)[:, None] * n_groups + group[None, :]
    obs = observe(model, theta, gid, R * n_groups, rng)

    if params.department_grades:
        # departments are rated by their graded staff's mean score; one with nobody graded is not rated
        rated = np.flatnonzero(np.bincount(dept, minlength=n_dept) > 0)
        index = np.full(n_dept, -1)
        index[rated] = np.arange(rated.size)
        dept_gid = (np.arange(R)[:, None] * rated.size + index[dept][None, :]).ravel()
        count = np.bincount(dept_gid, minlength=R * rated.size)
        mean = np.bincount(dept_gid, weights=obs.final.ravel(), minlength=R * rated.size) / count
        graded_rating, _, _ = forced_distribution(mean, np.repeat(np.arange(R), rated.size), R,
                                                  np.array([g.share for g in params.department_grades]))
        dept_grade = np.zeros((R, n_dept), np.int8)
        dept_grade[:, rated] = graded_rating.reshape(R, rated.size)
        dept_coef = np.array([g.coefficient for g in params.department_grades])[dept_grade]
    else:
        dept_grade, dept_coef = np.zeros((R, n_dept), np.int8), np.ones((R, n_dept))

    points = points_of(obs.final, model, a)
    sizes = np.bincount(gid.ravel(), minlength=R * n_groups)
    seats = group_seats(params, rule, sizes, dept_grade if a.scope == "department" else None)
    grade, take, order, seats = grade_groups(obs.final.ravel(), None if points is None else points.ravel(),
                                             gid.ravel(), R * n_groups, rule, seats)
    grade = grade.reshape(R, -1)

    park_coef, park_requested, company_grade = park_coefficients(params)
    individual = np.array([q.coefficient for q in a.quotas])
    coefficient = individual[grade]
    if params.department_grades:  # without department ratings every department coefficient is 1
        coefficient *= np.take_along_axis(dept_coef, np.broadcast_to(dept, grade.shape), axis=1)
    unit = staff.department_unit[dept]
    dept_pool = department_pools(params.pay, dept, n_dept, dept_coef, park_coef[staff.department_unit])
    pool = np.stack([dept_pool[:, staff.department_unit == u].sum(axis=1) for u in range(2)], axis=1)
    # the cell of each person's department in each round: the grading groups when grading is by department
    cell = gid if a.scope == "department" else None
    paid = performance_pay(coefficient, dept, dept_pool, park_coef[unit], params.pay, cell)
    if graded.size == staff.size:  # nobody exempt: the graded are everyone, in roster order
        performance = paid
    else:
        performance = np.zeros((R, staff.size))
        performance[:, graded] = paid

    flagged = None
    if params.elimination is not None:
        flagged = bottom_elimination(params, model, rule, theta, grade, gid, R * n_groups, seats, rng)
    return SalaryResult(staff, graded, model, rule, theta, obs, points, grade, group, n_groups, seats, take,
                        order, dept_grade, dept_coef, park_coef, park_requested, company_grade, coefficient,
                        performance, pool, flagged)


def department_pools(pay: Pay, dept: np.ndarray, n_dept: int, dept_coef: np.ndarray,
                     park: np.ndarray) -> np.ndarray:
    """Each department's pool a round (rounds × departments, 万元): standard amount × its graded staff
    × its department coefficient × its unit's park coefficient (``park`` per department)."""
    return pay.standard_amount * np.bincount(dept, minlength=n_dept)[None, :] * dept_coef * park[None, :]


def performance_pay(coefficient: np.ndarray, dept: np.ndarray, pools: np.ndarray, park: np.ndarray,
                    pay: Pay, cell: np.ndarray | None = None) -> np.ndarray:
    """Performance pay (万元) for department × individual ``coefficient`` (rounds × people) of people in
    departments ``dept``, with each department's pool ``pools`` (rounds × departments) and each
    person's park coefficient ``park``.

    Standard mode pays standard amount × park × coefficient.  Exact mode spends each department's pool
    in proportion to the coefficients within it (the department coefficient, the same for all of
    them, sized the pool), ``pool × c / Σc``: the share is taken first, so coefficients whose sum is
    tiny (even subnormal) still split the pool exactly instead of overflowing.
    """
    if pay.pool_mode == "standard":
        return coefficient * park * pay.standard_amount
    R = coefficient.shape[0]
    n_dept = pools.shape[1]
    # ``cell``: round × department of each person (rounds × people), when the caller has it already
    cell = (np.arange(R)[:, None] * n_dept + dept[None, :]).ravel() if cell is None else cell.ravel()
    total = np.bincount(cell, weights=coefficient.ravel(), minlength=R * n_dept)[cell]
    share = np.divide(coefficient.ravel(), total, out=np.zeros(cell.size), where=total > 0)
    return (pools.ravel()[cell] * share).reshape(coefficient.shape)


def park_coefficients(params: Salary) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Park coefficient of the committee's and the company's staff after and before the linked rule,
    and the company's grade after it (None without a park).  The company is graded ``company_grade``,
    or like the committee when that is not given.

    The linked rule: when the committee is graded at or below ``link_threshold``, the company's grade
    can be no better than ``link_company_best``.
    """
    park = params.park
    if park is None:
        return np.ones(2), np.ones(2), None
    coef = np.array([g.coefficient for g in park.grades])
    committee = park.rank(park.committee_grade)
    asked = park.rank(park.company_grade) if park.company_grade is not None else committee
    company = asked
    if park.link_threshold is not None and committee >= park.rank(park.link_threshold):
        company = max(company, park.rank(park.link_company_best))
    return coef[[committee, company]], coef[[committee, asked]], company


def bottom_elimination(params: Salary, model: ScoreModel, rule: Rule, theta, first_grade, gid, n_gid, seats,
                       rng) -> np.ndarray:
    """Appraise ``elimination.years`` years (true performance fixed, fresh noise each year, the first
    year being the one already graded); flag anyone graded bottom ``consecutive`` years running."""
    e = params.elimination
    bottom = rule.grades - 1
    streak = (first_grade == bottom).astype(np.int16)
    flagged = streak >= e.consecutive
    for _ in range(1, e.years):  # a loop over years, each vectorised over rounds and people
        obs = observe(model, theta, gid, n_gid, rng)
        points = points_of(obs.final, model, params.appraisal)
        grade, _, _, _ = grade_groups(obs.final.ravel(), None if points is None else points.ravel(),
                                      gid.ravel(), n_gid, rule, seats)
        grade = grade.reshape(theta.shape)
        streak = np.where(grade == bottom, streak + 1, 0)
        flagged |= streak >= e.consecutive
    return flagged


# -- pairs, ranks and the incentive -----------------------------------------------------


def pair_counts(x: np.ndarray, y: np.ndarray, group: np.ndarray, owner: np.ndarray, n_owner: int) -> np.ndarray:
    """Pair counts per owner among pairs within the same group (groups nested in owners):
    columns pairs, tied in x, tied in y, tied in both, discordant (x and y ordered oppositely).

    One lexsort and a bottom-up merge sort (:func:`_inversions`), O(N log² N).
    """
    n = x.size
    out = np.zeros((n_owner, 5), np.int64)
    if n < 2:
        return out
    order = np.lexsort((y, x, group))
    xs, ys, gs = x[order], y[order], group[order]
    own = owner[order]

    def tied(*keys):
        same = np.ones(n - 1, bool)
        for k in keys:
            same &= k[1:] == k[:-1]
        bounds = np.flatnonzero(np.r_[True, ~same, True])
        runs = np.diff(bounds)
        return np.bincount(own[bounds[:-1]], weights=runs * (runs - 1) // 2, minlength=n_owner)

    out[:, 0] = tied(gs)
    out[:, 1] = tied(gs, xs)
    out[:, 3] = tied(gs, xs, ys)
    by_y = np.lexsort((y, group))
    ys2, gs2, own2 = y[by_y], group[by_y], owner[by_y]
    same = (gs2[1:] == gs2[:-1]) & (ys2[1:] == ys2[:-1])
    bounds = np.flatnonzero(np.r_[True, ~same, True])
    runs = np.diff(bounds)
    out[:, 2] = np.bincount(own2[bounds[:-1]], weights=runs * (runs - 1) // 2, minlength=n_owner)
    # dense ranks of (group, y): order within groups kept, groups apart, all below n
    new = np.r_[True, ~same]
    dense = np.empty(n, np.int64)
    dense[by_y] = np.cumsum(new) - 1
    owner_of_rank = own2[new]
    out[:, 4] = _inversions(dense[order], owner_of_rank, n_owner)
    return out


def _inversions(ranks: np.ndarray, owner_of_rank: np.ndarray | None = None, n_owner: int = 1) -> np.ndarray:
    """Pairs i < j with ranks[i] > ranks[j], for whole numbers 0 ≤ rank < n, per owner of the smaller
    rank: a bottom-up merge sort, each level vectorised (a loop over the log₂ n levels, never over values)."""
    n = ranks.size
    span = n + 1  # keys block × span + rank keep blocks apart and ranks in order within them
    index = np.arange(n)
    values = ranks.copy()
    owners = owner_of_rank if owner_of_rank is not None else np.zeros(max(n, 1), np.int64)
    count = np.zeros(n_owner, np.int64)
    width = 1
    while width < n:
        block = index // (2 * width)
        left = index % (2 * width) < width
        keys = block * span + values
        left_keys = keys[left]  # each block's left half is sorted, blocks in order: sorted
        right_block = block[~left]
        after = np.searchsorted(left_keys, keys[~left], side="right")
        ends = np.searchsorted(left_keys, right_block * span + span - 1, side="right")
        count += np.bincount(owners[values[~left]], weights=ends - after, minlength=n_owner).astype(np.int64)
        values = np.sort(keys) - block * span
        width *= 2
    return count


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ-b of two 1-d arrays of equal length n, or nan (fewer than two values, or one of
    them constant).

    The value of ``scipy.stats.kendalltau(x, y).statistic`` to the bit — the same counts and the
    same formula, τ = (concordant − discordant) / √(pairs not tied in x) / √(pairs not tied in y),
    clipped to [−1, 1] — counted in O(n log² n) by :func:`pair_counts` without importing
    ``scipy.stats`` (half a second of every brief, for this one number).
    """
    zeros = np.zeros(x.size, np.int64)
    tau = _tau(pair_counts(np.asarray(x), np.asarray(y), zeros, zeros, 1))[0]
    return float(tau)


def _tau(c: np.ndarray) -> np.ndarray:
    total, tx, ty, both, disc = (c[:, i].astype(np.int64) for i in range(5))
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = (total - tx - ty + both - 2 * disc) / np.sqrt(total - tx) / np.sqrt(total - ty)
    tau = np.where((total - tx > 0) & (total - ty > 0), np.clip(tau, -1.0, 1.0), np.nan)
    return tau


def _misordered(c: np.ndarray) -> np.ndarray:
    """Discordant share of the pairs that differ in both x and y (NaN when there are none)."""
    differ = c[:, 0] - c[:, 1] - c[:, 2] + c[:, 3]
    return np.divide(c[:, 4], differ, out=np.full(c.shape[0], np.nan), where=differ > 0)


def place_among_others(score: np.ndarray, gid: np.ndarray, raised: np.ndarray) -> np.ndarray:
    """How many others of each person's group would rank above them were their score ``raised``
    (everyone else unchanged): higher scores, and equal scores earlier in the roster."""
    n = score.size
    index = np.arange(n)
    value = np.r_[score, raised]
    kind = np.r_[np.ones(n, np.int8), np.zeros(n, np.int8)]
    order = np.lexsort((kind, np.r_[index, index], -value, np.r_[gid, gid]))
    original = kind[order] == 1
    before = np.cumsum(original) - original
    starts = np.concatenate([[0], np.cumsum(np.bincount(gid))[:-1]])
    pos = np.empty(n, np.int64)
    moved = order[~original] - n
    pos[moved] = before[~original]
    return pos - starts[gid]


def grade_at(position: np.ndarray, seats: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The grade at ``position`` (people above) of the cascade, per person (rows of seats, eligible)."""
    start = np.zeros(position.size, np.int64)
    grade = np.zeros(position.size, np.int64)
    for k in range(seats.shape[1] - 1):  # a loop over grades, vectorised over people
        start = start + np.minimum(seats[:, k], np.maximum(eligible[:, k] - start, 0))
        grade += position >= start
    return grade


def incentive_per_sd(result: SalaryResult, params: Salary) -> np.ndarray:
    """Per round: expected extra performance pay if one person's true performance rose by one sd, the
    others unchanged (万元).

    Exact for every rule: each person's scores are raised by one zone-wide sd of θ (each part moves
    one for one with θ), their place among the others' unchanged scores is found, and the rule's
    cascade is replayed for their group with their own eligibility changed; the subjective grade of a
    two-part score is re-placed the same way.  Department ratings and the sum of coefficients of the
    pool are held fixed (one person barely moves them).
    """
    h = np.sqrt(result.model.variance)
    model, obs, rule, a = result.model, result.observation, result.rule, params.appraisal
    gid = result.gid.ravel()
    final = obs.final.ravel()
    if model.method == "objective_subjective":
        sub = obs.subjective.ravel()
        above = place_among_others(sub, gid, sub + h)
        take = obs.subjective_take[gid]
        new_sub = grade_at(above, take, np.repeat(take.sum(axis=1, keepdims=True), take.shape[1], axis=1))
        sd_o = np.sqrt(model.variance + model.noise_sd["objective"] ** 2)
        w = model.objective_weight
        raised = w * (obs.objective.ravel() + h / sd_o) + (1 - w) * model.band_means[new_sub]
    else:
        raised = final + h
    above = place_among_others(final, gid, raised)
    sizes = np.bincount(gid, minlength=result.seats.shape[0])
    points = None if result.points is None else result.points.ravel()
    eligible = eligible_counts(points, gid, sizes, rule)[gid]
    if points is not None:
        new_points = points_of(raised, model, a)
        finite = np.isfinite(rule.min_points)
        eligible[:, finite] += (new_points[:, None] >= rule.min_points[finite]).astype(np.int64) - (
            points[:, None] >= rule.min_points[finite]).astype(np.int64)
    new_grade = grade_at(above, result.seats[gid], eligible)
    old_grade = result.grade.ravel()
    individual = np.array([q.coefficient for q in a.quotas])
    staff = result.staff
    dept = staff.department[result.graded]
    R, m = result.grade.shape
    dept_coef = np.take_along_axis(result.department_coefficient, np.broadcast_to(dept, (R, m)), axis=1).ravel()
    delta = (individual[new_grade] - individual[old_grade]) * dept_coef
    unit = np.broadcast_to(staff.department_unit[dept], (R, m)).ravel()
    if params.pay.pool_mode == "standard":
        extra = delta * result.park_coefficient[unit] * params.pay.standard_amount
    else:
        n_dept = len(staff.department_names)
        cell = (np.arange(R)[:, None] * n_dept + dept[None, :]).ravel()
        total = np.bincount(cell, weights=result.coefficient.ravel(), minlength=R * n_dept)[cell]
        pools = department_pools(params.pay, dept, n_dept, result.department_coefficient,
                                 result.park_coefficient[staff.department_unit])
        # the share is taken first (Σc may be subnormal): pool × Δc / Σc
        extra = pools.ravel()[cell] * np.divide(delta, total, out=np.zeros_like(delta), where=total > 0)
    return extra.reshape(R, m).mean(axis=1)


def group_median(values: np.ndarray, gid: np.ndarray, n_gid: int) -> np.ndarray:
    """Median of ``values`` within each group (NaN for an empty group)."""
    order = np.lexsort((values, gid))
    v = values[order]
    sizes = np.bincount(gid, minlength=n_gid)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    lo = np.clip(starts + (sizes - 1) // 2, 0, max(v.size - 1, 0))
    hi = np.clip(starts + sizes // 2, 0, max(v.size - 1, 0))
    return np.where(sizes > 0, (v[lo] + v[hi]) / 2.0, np.nan)


# -- what researchers read -------------------------------------------------------


def gini(x: np.ndarray) -> np.ndarray | float:
    """Gini coefficient of each row of ``x`` (or of a 1-d ``x``); 0 for an empty or all-zero row."""
    x = np.sort(np.asarray(x, dtype=float), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    if n == 0:
        return 0.0 if x.ndim == 1 else np.zeros(x.shape[0])
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    g = np.divide(x @ weights, n * total, out=np.zeros_like(np.asarray(total, float)), where=total != 0)
    return float(g) if x.ndim == 1 else g


class PaySummary(Metrics):
    """Pay of a group (万元 a year) pooled over rounds; every figure is null when the group has fewer
    than five distinct people.  ``count`` is people per round."""

    count: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    mean: float | None
    hidden: bool


class GradeRow(Metrics):
    grade: str
    quota: float | None  # exact share
    max_share: float | None
    min_score: float | None
    coefficient: float
    share: float  # realised share of graded staff, mean over rounds
    total_pay: PaySummary
    performance_pay: PaySummary


class PostRow(Metrics):
    post: str  # "track/level", or "track/*" for a whole track
    track: str
    total_pay: PaySummary


class UnitRow(Metrics):
    """A unit (management committee or operating company): its rating and what its staff are paid."""

    unit: str
    staff: int  # graded staff
    grade: str | None  # park grade after the linked rule
    grade_requested: str | None  # before it
    park_coefficient: float
    performance_pay_mean: float | None  # 万元 a graded person a year, mean over rounds
    performance_pay_mean_unlinked: float | None  # the same had the linked rule not applied


class Range(Metrics):
    """5th and 95th percentiles over appraisal rounds: what one year may look like."""

    low: float | None
    high: float | None


class MisrankCurve(Metrics):
    """Grades against reliability for the same staff and rule: pairs graded in the wrong order
    (mean over rounds), beside the full-ranking oracle arccos(√r)/π, and the scenario's point."""

    reliability: list[float]
    misordered_simulated: list[float | None]
    misrank_oracle: list[float]
    top_grade_not_truly_top: list[float | None]
    scenario_reliability: float
    scenario_misordered: float | None
    scenario_range: Range


class SalaryMetrics(Metrics):
    """Means over ``rounds`` appraisal rounds: pay spread, how well grades track true performance,
    the incentive left; ``ranges`` holds the 5th–95th percentile over rounds of each figure named."""

    staff: int
    graded_staff: int
    exempt_staff: int
    rounds: int
    score_reliability: float  # derived from the parts
    gini: float
    p90_p10: float | None
    pool: float  # 万元 a year, both units
    performance_pay_total: float
    pool_allocated_share: float | None
    misordered_pairs: float | None  # within the scope that assigns grades
    misordered_pairs_zone: float | None  # across the zone
    misrank_above_median: float | None  # on scores, within the scope
    top_quota_precision: float | None
    kendall_tau: float | None
    incentive_per_sd: float  # 万元
    flagged_bottom: float | None  # people a round
    flagged_truly_bottom_share: float | None
    noise_sd: dict[str, float]
    company_grade: str | None
    ranges: dict[str, Range]
    by_grade: list[GradeRow]
    by_post: list[PostRow]
    by_unit: list[UnitRow]
    exempt: PaySummary
    misrank_curve: MisrankCurve | None  # None for a result of appraise_and_pay alone


def _mean(x: np.ndarray) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else None


def _range(x: np.ndarray) -> Range:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if not x.size:
        return Range(low=None, high=None)
    lo, hi = np.percentile(x, [5, 95])
    return Range(low=float(lo), high=float(hi))


def per_round(result: SalaryResult, params: Salary) -> dict[str, np.ndarray]:
    """Each figure the summary averages, one value per round."""
    R, m = result.grade.shape
    theta, final = result.theta, result.observation.final
    gid = result.gid
    n_gid = R * result.n_groups
    out: dict[str, np.ndarray] = {}
    pay = result.total_pay
    out["gini"] = gini(pay)
    p10, p90 = np.percentile(pay, [10, 90], axis=1)
    out["p90_p10"] = np.divide(p90, p10, out=np.full(R, np.nan), where=p10 > 0)
    # on scores, within the scope: truly above the group's median, scored below it
    t_med = group_median(theta.ravel(), gid.ravel(), n_gid)[gid]
    f_med = group_median(final.ravel(), gid.ravel(), n_gid)[gid]
    above = theta > t_med
    num = (above & (final < f_med)).sum(axis=1)
    out["misrank_above_median"] = np.divide(num, above.sum(axis=1), out=np.full(R, np.nan),
                                            where=above.sum(axis=1) > 0)
    # the top grade: share truly among as many best of their group as the top grade holds
    t_order = np.lexsort((-theta.ravel(), gid.ravel()))
    t_rank = np.empty(R * m, np.int64)
    starts = np.concatenate([[0], np.cumsum(np.bincount(gid.ravel(), minlength=n_gid))[:-1]])
    t_rank[t_order] = np.arange(R * m) - starts[gid.ravel()[t_order]]
    truly_top = t_rank.reshape(R, m) < result.take[gid, 0]
    top = result.grade == 0
    out["top_quota_precision"] = np.divide((truly_top & top).sum(axis=1), top.sum(axis=1),
                                           out=np.full(R, np.nan), where=top.sum(axis=1) > 0)
    # pairs: in the first pair_rounds rounds (on a sample of people above 200,000 of them)
    P = result.pair_rounds
    cols = result.pair_sample if result.pair_sample is not None else slice(None)
    th, fi = theta[:P, cols], final[:P, cols]
    gr, g = -result.grade[:P, cols].astype(np.int64), gid[:P, cols]
    rounds = np.broadcast_to(np.arange(P)[:, None], th.shape).ravel()
    out["misordered_pairs"] = _misordered(pair_counts(th.ravel(), gr.ravel(), g.ravel(), rounds, P))
    out["misordered_pairs_zone"] = _misordered(pair_counts(th.ravel(), gr.ravel(), rounds, rounds, P))
    out["kendall_tau"] = _tau(pair_counts(th.ravel(), fi.ravel(), rounds, rounds, P))
    out["incentive_per_sd"] = incentive_per_sd(result, params)
    out["performance_pay_total"] = result.performance_pay.sum(axis=1)
    if result.flagged is not None:
        out["flagged_bottom"] = result.flagged.sum(axis=1).astype(float)
    return out


RANGED = ("misordered_pairs", "misordered_pairs_zone", "misrank_above_median", "top_quota_precision",
          "kendall_tau", "incentive_per_sd", "gini", "p90_p10", "flagged_bottom")


def summarize(result: SalaryResult, params: Salary) -> SalaryMetrics:
    """Means and 5–95% ranges over rounds, and group tables (cells under five people hidden)."""
    staff = result.staff
    rounds = per_round(result, params)
    pool = float(result.pool.sum(axis=1).mean())
    total = float(rounds["performance_pay_total"].mean())
    flagged_truly_bottom = None
    if result.flagged is not None and result.flagged.any():
        gid = result.gid.ravel()
        bottom_share = params.appraisal.quotas[-1].share or float(
            result.take[:, -1].sum() / max(result.take.sum(), 1))
        t_order = np.lexsort((result.theta.ravel(), gid))
        rank = np.empty(gid.size, np.int64)
        sizes = np.bincount(gid, minlength=result.seats.shape[0])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank[t_order] = np.arange(gid.size) - starts[gid[t_order]]
        truly_bottom = rank < np.maximum(np.rint(sizes[gid] * bottom_share), 1)
        flagged_truly_bottom = float(truly_bottom[result.flagged.ravel()].mean())
    park = params.park
    company = park.grades[result.company_grade].grade if park is not None and result.company_grade is not None else None
    return SalaryMetrics(
        staff=int(staff.size),
        graded_staff=int(result.graded.size),
        exempt_staff=int(staff.size - result.graded.size),
        rounds=result.rounds,
        score_reliability=result.model.reliability,
        gini=float(rounds["gini"].mean()),
        p90_p10=_mean(rounds["p90_p10"]),
        pool=pool,
        performance_pay_total=total,
        pool_allocated_share=total / pool if pool > 0 else None,
        misordered_pairs=_mean(rounds["misordered_pairs"]),
        misordered_pairs_zone=_mean(rounds["misordered_pairs_zone"]),
        misrank_above_median=_mean(rounds["misrank_above_median"]),
        top_quota_precision=_mean(rounds["top_quota_precision"]),
        kendall_tau=_mean(rounds["kendall_tau"]),
        incentive_per_sd=float(rounds["incentive_per_sd"].mean()),
        flagged_bottom=_mean(rounds["flagged_bottom"]) if "flagged_bottom" in rounds else None,
        flagged_truly_bottom_share=flagged_truly_bottom,
        noise_sd=result.model.noise_sd,
        company_grade=company,
        ranges={k: _range(rounds[k]) for k in RANGED if k in rounds},
        by_grade=grade_table(result, params),
        by_post=post_table(result),
        by_unit=unit_table(result, params),
        exempt=_summary(result.total_pay[:, staff.exempt_mask], result.rounds),
        misrank_curve=result.misrank_curve,
    )


def _summary(pay: np.ndarray, rounds: int, people: int | None = None) -> dict:
    """Pay pooled over rounds; ``people`` distinct people in the cell (default: the columns)."""
    distinct = pay.shape[-1] if people is None else people
    if distinct < MIN_CELL or pay.size == 0:
        return {"count": None, "p10": None, "p50": None, "p90": None, "mean": None, "hidden": True}
    p10, p50, p90 = np.percentile(pay, [10, 50, 90])
    return {"count": float(pay.size / rounds), "p10": float(p10), "p50": float(p50), "p90": float(p90),
            "mean": float(pay.mean()), "hidden": False}


def grade_table(result: SalaryResult, params: Salary) -> list[dict]:
    rows = []
    R = result.rounds
    graded_total = result.total_pay[:, result.graded]
    graded_perf = result.performance_pay[:, result.graded]
    for k, q in enumerate(params.appraisal.quotas):
        mask = result.grade == k
        people = int(mask.any(axis=0).sum())
        rows.append({"grade": q.grade, "quota": q.share, "max_share": q.max_share, "min_score": q.min_score,
                     "coefficient": q.coefficient, "share": float(mask.mean()),
                     "total_pay": _summary(graded_total[mask], R, people),
                     "performance_pay": _summary(graded_perf[mask], R, people)})
    return rows


def post_table(result: SalaryResult) -> list[dict]:
    staff = result.staff
    rows = []
    for p, name in enumerate(staff.post_names):
        mask = staff.post == p
        rows.append({"post": name, "track": TRACKS[staff.post_track[p]],
                     "total_pay": _summary(result.total_pay[:, mask], result.rounds)})
    for t, track in enumerate(TRACKS):
        mask = staff.post_track[staff.post] == t
        rows.append({"post": f"{track}/*", "track": track,
                     "total_pay": _summary(result.total_pay[:, mask], result.rounds)})
    return rows


def unit_table(result: SalaryResult, params: Salary) -> list[dict]:
    """Per unit with graded staff: its park grade before and after the linked rule and its mean pay."""
    staff = result.staff
    unit = staff.department_unit[staff.department[result.graded]]
    park = params.park
    names = [None, None]
    asked = [None, None]
    if park is not None:
        committee = park.committee_grade
        company_asked = park.company_grade or committee
        names = [committee, park.grades[result.company_grade].grade if result.company_grade is not None
                 else company_asked]
        asked = [committee, company_asked]
    rows = []
    perf = result.performance_pay[:, result.graded]
    for u, name in enumerate(UNITS):
        members = unit == u
        if not members.any():
            continue
        mean = float(perf[:, members].mean())
        ratio = result.park_requested[u] / result.park_coefficient[u] if result.park_coefficient[u] > 0 else None
        rows.append({"unit": name, "staff": int(members.sum()), "grade": names[u], "grade_requested": asked[u],
                     "park_coefficient": float(result.park_coefficient[u]), "performance_pay_mean": mean,
                     "performance_pay_mean_unlinked": mean * ratio if ratio is not None else None})
    return rows


def misrank_curve(params: Salary, result: SalaryResult, rng: np.random.Generator,
                  reliabilities: np.ndarray) -> MisrankCurve:
    """Grades against reliability for the same staff, true performance and rule: for each reliability
    a single score of it is drawn afresh and graded; the share of pairs graded in the wrong order is
    shown beside arccos(√r)/π (a full ranking on a bivariate-normal score), with the share of the top
    grade not truly among the best.  At most 1,000,000 rounds × people are drawn per point."""
    R, m = result.grade.shape
    rounds = min(result.pair_rounds, max(1, 1_000_000 // max(m, 1)))
    theta = result.theta[:rounds]
    gid = result.gid[:rounds]
    n_gid = rounds * result.n_groups
    seats = result.seats[:n_gid]
    cols = result.pair_sample if result.pair_sample is not None else slice(None)
    g = gid[:, cols]
    r_idx = np.broadcast_to(np.arange(rounds)[:, None], g.shape).ravel()
    t_order = np.lexsort((-theta.ravel(), gid.ravel()))
    t_rank = np.empty(theta.size, np.int64)
    starts = np.concatenate([[0], np.cumsum(np.bincount(gid.ravel(), minlength=n_gid))[:-1]])
    t_rank[t_order] = np.arange(theta.size) - starts[gid.ravel()[t_order]]
    sim, wrong_top = [], []
    for r in reliabilities:  # a handful of scenario points, each vectorised over rounds and people
        model = score_model(params, reliability=float(r))
        final = observe(model, theta, gid, n_gid, rng).final
        points = points_of(final, model, params.appraisal)
        grade, take, _, _ = grade_groups(final.ravel(), None if points is None else points.ravel(), gid.ravel(),
                                         n_gid, result.rule, seats)
        c = pair_counts(theta[:, cols].ravel(), -grade.reshape(rounds, m)[:, cols].astype(np.int64).ravel(),
                        g.ravel(), r_idx, rounds)
        sim.append(_mean(_misordered(c)))
        top = grade == 0
        truly = t_rank < take[gid.ravel(), 0]
        wrong_top.append(float(1.0 - truly[top].mean()) if top.any() else None)
    rounds_all = per_round_misordered(result)
    return MisrankCurve(reliability=[float(r) for r in reliabilities], misordered_simulated=sim,
                        misrank_oracle=[float(np.arccos(np.sqrt(r)) / np.pi) for r in reliabilities],
                        top_grade_not_truly_top=wrong_top, scenario_reliability=result.model.reliability,
                        scenario_misordered=_mean(rounds_all), scenario_range=_range(rounds_all))


def per_round_misordered(result: SalaryResult) -> np.ndarray:
    """Pairs graded in the wrong order within the scope, one value per round."""
    P = result.pair_rounds
    cols = result.pair_sample if result.pair_sample is not None else slice(None)
    g = result.gid[:P, cols]
    rounds = np.broadcast_to(np.arange(P)[:, None], g.shape).ravel()
    c = pair_counts(result.theta[:P, cols].ravel(), -result.grade[:P, cols].astype(np.int64).ravel(), g.ravel(),
                    rounds, P)
    return _misordered(c)


MODEL = Model(
    section="salary",
    title={"zh": "薪酬激励", "en": "Salary incentives"},
    params=Salary,
    metrics=SalaryMetrics,
    simulate=simulate,
    summarize=summarize,
    headlines=(
        Headline({"zh": "考核等次错排比例", "en": "Pairs graded in the wrong order"},
                 lambda m: m.misordered_pairs, "percent", "misordered_pairs"),
        Headline({"zh": "每提高 1 个标准差的期望增薪", "en": "Extra pay per sd of performance"},
                 lambda m: m.incentive_per_sd, "wan", "incentive_per_sd"),
        Headline({"zh": "薪酬基尼系数", "en": "Gini of total pay"}, lambda m: m.gini, "ratio", "gini"),
        Headline({"zh": "绩效薪酬年支出", "en": "Performance pay a year"},
                 lambda m: m.performance_pay_total, "wan", "performance_pay_total"),
    ),
)
