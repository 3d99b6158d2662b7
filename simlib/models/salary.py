"""Salary incentives: post-based pay, a forced-distribution appraisal, coefficient-linked performance pay.

Each person has a true performance θ ~ N(0, 1) plus, optionally, a department
effect u ~ N(0, department_effect_sd²).  The appraisal observes
``score = θ + e``, with the noise variance set so that the squared correlation
of score and θ is ``appraisal.reliability`` (r): Var(e) = Var(θ)·(1 − r)/r.
The objective/subjective split (or the N-dimension index) only decides how
that noise is shared among the parts; the parts' noise sds are reported, and
the combined noise — a sum of independent normals — is drawn in one go.

The forced distribution ranks scores within each department (or zone-wide) and
hands out grades by quota.  Quota counts in a group of n are rounded by the
largest-remainder method: each grade gets ⌊n·share⌋, and the seats left go to
the grades with the largest fractional parts, ties to the better grade.  Equal
scores are ordered by roster position (a stable sort), so ties are broken the
same way every run.

Performance pay = pool × park × department × individual coefficient:
``exact`` scales the coefficients so the pool (standard amount × staff) is
spent to the yuan; ``standard`` pays standard amount × coefficient and reports
the over- or under-spend.  Pay is in 万元 a year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from simlib.models.base import Headline, Metrics, Model, Section, cross_field_error


# -- parameters: the scenario's `salary` section ------------------------------

def _check_grades(grades: list, key: str, what: str, with_shares: bool) -> None:
    """Grades are listed best first: unique names, coefficients never rising, shares summing to 1.

    ``key`` is the list's dotted key within the section, which the error names.
    """
    names = [g.grade for g in grades]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise cross_field_error(f"{key}[{i}].grade", f"duplicate grade {name!r} in {what}")
    for i in range(1, len(grades)):
        if grades[i].coefficient > grades[i - 1].coefficient:
            raise cross_field_error(
                f"{key}[{i}].coefficient",
                f"grades are listed best first, so coefficients must not rise: {grades[i].grade!r} "
                f"({grades[i].coefficient!r}) is above {grades[i - 1].grade!r} ({grades[i - 1].coefficient!r})",
            )
    if with_shares:
        total = sum(g.share for g in grades)
        if abs(total - 1.0) > 1e-9:
            raise cross_field_error(key, f"{what} shares must sum to 1, got {total:.6g}")


class Grade(Section):
    """An appraisal grade with its quota share and its pay coefficient."""

    grade: str = Field(min_length=1, max_length=50)
    share: float = Field(ge=0, le=1)
    coefficient: float = Field(ge=0, le=100)


class UnitGrade(Section):
    """A grade the zone's own bodies can get, with the park coefficient it pays."""

    grade: str = Field(min_length=1, max_length=50)
    coefficient: float = Field(ge=0, le=100)


class Department(Section):
    name: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=1, le=5_000_000)
    unit: Literal["committee", "company"] = "committee"


class Post(Section):
    """A post on one of the two promotion tracks, its base pay (万元 a year) and its share of staff."""

    track: Literal["management", "professional"]
    level: str = Field(min_length=1, max_length=50)
    base_pay: float = Field(ge=0, le=10_000)
    share: float = Field(ge=0, le=1)


class Dimension(Section):
    name: str = Field(min_length=1, max_length=50)
    weight: float = Field(gt=0, le=100)


class Appraisal(Section):
    """How observed scores arise and how the forced distribution grades them."""

    reliability: float = Field(gt=0, le=1)
    scope: Literal["department", "zone"] = "department"
    method: Literal["objective_subjective", "index"] = "objective_subjective"
    objective_weight: float = Field(default=0.5, ge=0, le=1)
    subjective_noise_ratio: float = Field(default=2.0, gt=0, le=100)
    dimensions: list[Dimension] = Field(default_factory=list)
    quotas: list[Grade] = Field(min_length=2, max_length=20)

    @model_validator(mode="after")
    def _quotas_and_method(self) -> Appraisal:
        _check_grades(self.quotas, "quotas", "quota", with_shares=True)
        if self.method == "index" and not self.dimensions:
            raise cross_field_error("dimensions", "the index method needs at least one dimension")
        return self


class Park(Section):
    """Ratings of the management committee and the operating company, and the link between them."""

    grades: list[UnitGrade] = Field(min_length=1, max_length=20)
    committee_grade: str
    company_grade: str | None = None
    link_threshold: str | None = None
    link_company_best: str | None = None

    @model_validator(mode="after")
    def _known_grades(self) -> Park:
        _check_grades(self.grades, "grades", "park grade", with_shares=False)
        names = [g.grade for g in self.grades]
        for key in ("committee_grade", "company_grade", "link_threshold", "link_company_best"):
            value = getattr(self, key)
            if value is not None and value not in names:
                raise cross_field_error(key, f"must be one of the grades {names}, got {value!r}")
        if (self.link_threshold is None) != (self.link_company_best is None):
            raise cross_field_error("link_company_best", "link_threshold and link_company_best go together")
        return self

    def rank(self, grade: str) -> int:
        return [g.grade for g in self.grades].index(grade)


class Pay(Section):
    standard_amount: float = Field(ge=0, le=10_000)  # 万元 of performance pay at coefficient 1
    pool_mode: Literal["exact", "standard"] = "exact"


class Elimination(Section):
    """Bottom elimination (末位淘汰): flag whoever gets the bottom grade k years running."""

    years: int = Field(ge=1, le=30)
    consecutive: int = Field(ge=1, le=30)

    @model_validator(mode="after")
    def _within_years(self) -> Elimination:
        if self.consecutive > self.years:
            raise cross_field_error("consecutive", f"must not exceed years ({self.years}), got {self.consecutive}")
        return self


class Salary(Section):
    """Post-based pay with a forced-distribution appraisal and coefficient-linked performance pay."""

    staff: int | None = Field(default=None, ge=2, le=5_000_000)
    roster: str | None = Field(default=None, min_length=1, max_length=500)
    departments: list[Department] = Field(default_factory=list)
    department_effect_sd: float = Field(default=0.0, ge=0, le=10)
    department_grades: list[Grade] | None = None
    posts: list[Post] = Field(default_factory=list)
    appraisal: Appraisal
    park: Park | None = None
    pay: Pay
    elimination: Elimination | None = None

    @model_validator(mode="after")
    def _staff_adds_up(self) -> Salary:
        if self.department_grades is not None:
            _check_grades(self.department_grades, "department_grades", "department grade", with_shares=True)
        if self.roster is not None:
            return self
        if self.staff is None:
            raise cross_field_error("staff", "required key is missing (or give a roster CSV)")
        if not self.departments:
            raise cross_field_error("departments", "required key is missing (or give a roster CSV)")
        if not self.posts:
            raise cross_field_error("posts", "required key is missing (or give a roster CSV)")
        for i, d in enumerate(self.departments):
            if d.size > self.staff:
                raise cross_field_error(f"departments[{i}].size",
                                        f"must not exceed staff ({self.staff}), got {d.size}")
        total = sum(d.size for d in self.departments)
        if total != self.staff:
            raise cross_field_error("departments", f"sizes must add up to staff ({self.staff}), got {total}")
        names = [d.name for d in self.departments]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise cross_field_error(f"departments[{i}].name", f"duplicate department {name!r}")
        shares = sum(p.share for p in self.posts)
        if abs(shares - 1.0) > 1e-9:
            raise cross_field_error("posts", f"post shares must sum to 1, got {shares:.6g}")
        return self


# -- the model ------------------------------------------------------------


TRACKS = ("management", "professional")
UNITS = ("committee", "company")
MIN_CELL = 5  # group tables hide cells with fewer people than this


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

    @property
    def size(self) -> int:
        return self.department.size


@dataclass(frozen=True)
class SalaryResult:
    staff: Staff
    theta: np.ndarray  # true performance
    score: np.ndarray  # observed appraisal score
    grade: np.ndarray  # appraisal grade index, 0 = best
    group: np.ndarray | None  # the forced distribution's group per person (None: zone-wide)
    grade_counts: np.ndarray  # (groups, grades): quota seats per group
    order: np.ndarray  # people group by group, best score first
    department_grade: np.ndarray  # per department, 0 = best (all 0 when departments are not rated)
    department_coefficient: np.ndarray  # per department
    park_coefficient: np.ndarray  # per unit (committee, company)
    company_grade: int | None  # after the linked rule
    coefficient: np.ndarray  # park × department × individual, per person
    performance_pay: np.ndarray
    pool: float  # standard amount × staff
    pay_per_coefficient: float  # 万元 paid per unit of coefficient
    flagged: np.ndarray | None  # bottom elimination: flagged at least once
    noise_sd: dict  # the parts' noise sds implied by the reliability
    tau_sample: np.ndarray | None = None  # the people Kendall's τ is computed on (None: everyone)
    misrank_curve: MisrankCurve | None = None  # misranking against reliability, drawn by simulate

    @property
    def total_pay(self) -> np.ndarray:
        return self.staff.base_pay + self.performance_pay


def largest_remainder(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Seats per (group, grade): ⌊n·share⌋, then one more to the largest remainders (ties: better grade)."""
    # exact integer arithmetic: shares in billionths (summing to exactly 10⁹), so equal remainders are equal
    scale = 10**9
    parts = np.rint(np.asarray(shares, dtype=float) * scale).astype(np.int64)
    parts[np.argmax(parts)] += scale - parts.sum()
    exact = np.asarray(sizes, dtype=np.int64)[:, None] * parts[None, :]
    counts = exact // scale
    left = np.asarray(sizes, dtype=np.int64) - counts.sum(axis=1)
    frac = exact % scale
    order = np.argsort(-frac, axis=1, kind="stable")  # stable: equal remainders favour the better grade
    bonus = np.arange(len(shares))[None, :] < left[:, None]
    np.put_along_axis(counts, order, np.take_along_axis(counts, order, axis=1) + bonus, axis=1)
    return counts


def rank_within_groups(score: np.ndarray, group: np.ndarray | None) -> np.ndarray:
    """People listed group by group, best score first; equal scores in roster order.

    The fast path is one ``argsort`` of a composite key (group, then descending
    score) whose float resolution is far below any real score difference; if
    the key has ties (equal scores, or scores closer than that resolution) the
    exact rule is applied with two stable sorts instead.
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


def forced_distribution(score: np.ndarray, group: np.ndarray | None, n_groups: int, shares: np.ndarray):
    """Grade each person by rank within their group (0 = best); return (grade, counts, order).

    ``counts[g, k]`` is the number of people of group g given grade k (largest
    remainder); ``order`` lists people group by group, best score first.
    """
    order = rank_within_groups(score, group)
    sizes = np.bincount(group, minlength=n_groups) if group is not None else np.array([score.size])
    counts = largest_remainder(sizes, shares)
    grade = np.empty(score.size, np.int8)
    grade[order] = np.repeat(np.tile(np.arange(len(shares), dtype=np.int8), n_groups), counts.ravel())
    return grade, counts, order


def synthetic_staff(params: Salary, rng: np.random.Generator) -> Staff:
    """Departments of the stated sizes; posts in the stated shares (largest remainder), shuffled."""
    sizes = np.array([d.size for d in params.departments])
    shares = np.array([p.share for p in params.posts])
    counts = largest_remainder(np.array([sizes.sum()]), shares)[0]
    post = rng.permutation(np.repeat(np.arange(len(params.posts)), counts))
    return Staff(
        department=np.repeat(np.arange(len(sizes)), sizes),
        department_names=tuple(d.name for d in params.departments),
        department_unit=np.array([UNITS.index(d.unit) for d in params.departments]),
        post=post,
        post_names=tuple(f"{p.track}/{p.level}" for p in params.posts),
        post_track=np.array([TRACKS.index(p.track) for p in params.posts]),
        base_pay=np.array([p.base_pay for p in params.posts])[post],
    )


def noise_sds(params: Salary, theta_var: float) -> dict:
    """The noise sd of the observed score, and of each part, implied by the reliability."""
    a = params.appraisal
    total = np.sqrt(theta_var * (1.0 - a.reliability) / a.reliability)
    if a.method == "index":
        w = np.array([d.weight for d in a.dimensions])
        per_dim = total * w.sum() / np.sqrt((w**2).sum())
        return {"score": float(total), **{f"dimension:{d.name}": float(per_dim) for d in a.dimensions}}
    w, k = a.objective_weight, a.subjective_noise_ratio
    objective = total / np.sqrt(w**2 + ((1 - w) * k) ** 2)
    return {"score": float(total), "objective": float(objective), "subjective": float(objective * k)}


def simulate(params: Salary, rng: np.random.Generator, inputs: Staff | None = None) -> SalaryResult:
    """One appraisal year (plus the elimination years) for a synthetic roster, or for the roster
    ``inputs`` (:class:`Staff`, read from the scenario's roster CSV).

    Besides the appraisal it draws what the summary reports: the misranking curve's fresh score
    noise at a grid of reliabilities, and (above 100,000 staff) the sample Kendall's τ is taken on.
    """
    staff = inputs if inputs is not None else synthetic_staff(params, rng)
    n_dept = len(staff.department_names)
    sd = params.department_effect_sd
    effect = rng.normal(0.0, sd, n_dept) if sd > 0 else np.zeros(n_dept)
    theta = rng.standard_normal(staff.size)
    theta += effect[staff.department]
    result = appraise_and_pay(params, staff, theta, rng)
    n = staff.size
    sample = rng.choice(n, size=100_000, replace=False) if n > 100_000 else None
    grid = np.unique(np.round(np.r_[np.linspace(0.3, 0.95, 8), params.appraisal.reliability], 4))
    return replace(result, tau_sample=sample, misrank_curve=misrank_curve(params, result, rng, grid))


def appraise_and_pay(params: Salary, staff: Staff, theta: np.ndarray, rng: np.random.Generator) -> SalaryResult:
    """Observe scores, grade them by forced distribution, and pay base plus performance pay."""
    n_dept = len(staff.department_names)
    sds = noise_sds(params, 1.0 + params.department_effect_sd**2)
    score = theta + rng.normal(0.0, sds["score"], staff.size) if sds["score"] > 0 else theta.copy()

    a = params.appraisal
    group, n_groups = (staff.department, n_dept) if a.scope == "department" else (None, 1)
    shares = np.array([q.share for q in a.quotas])
    grade, counts, order = forced_distribution(score, group, n_groups, shares)

    if params.department_grades:
        dept_mean = np.bincount(staff.department, weights=score, minlength=n_dept) / np.bincount(
            staff.department, minlength=n_dept)
        dept_grade, _, _ = forced_distribution(
            dept_mean, None, 1, np.array([g.share for g in params.department_grades]))
        dept_coef = np.array([g.coefficient for g in params.department_grades])[dept_grade]
    else:
        dept_grade, dept_coef = np.zeros(n_dept, np.int8), np.ones(n_dept)

    park_coef, company_grade = park_coefficients(params)
    per_dept = dept_coef * park_coef[staff.department_unit]
    coefficient = np.array([q.coefficient for q in a.quotas])[grade] * per_dept[staff.department]

    pool = params.pay.standard_amount * staff.size
    total_coef = float(coefficient.sum())
    performance = performance_pay(coefficient, params.pay, pool, total_coef)
    if params.pay.pool_mode == "exact":  # reported only (inf if Σc is subnormal); pay uses pool × c/Σc
        per_coef = pool / total_coef if total_coef > 0 else 0.0
    else:
        per_coef = params.pay.standard_amount

    flagged = None
    if params.elimination is not None:
        flagged = bottom_elimination(params, theta, grade, group, n_groups, shares, sds["score"], rng)
    return SalaryResult(staff, theta, score, grade, group, counts, order, dept_grade, dept_coef, park_coef,
                        company_grade, coefficient, performance, float(pool), float(per_coef),
                        flagged, sds)


def performance_pay(coefficient: np.ndarray, pay: Pay, pool: float, total_coef: float) -> np.ndarray:
    """Performance pay for each coefficient (万元).

    Standard mode pays the standard amount per unit of coefficient.  Exact mode
    spends the pool in proportion to the coefficients, ``pool × c / Σc``: the
    share is taken first, so coefficients whose sum is tiny (even subnormal)
    still split the pool exactly instead of overflowing.
    """
    if pay.pool_mode == "standard":
        return coefficient * pay.standard_amount
    if total_coef <= 0:
        return np.zeros_like(coefficient, dtype=float)
    return pool * (coefficient / total_coef)


def park_coefficients(params: Salary) -> tuple[np.ndarray, int | None]:
    """Park coefficient for the committee's and the company's staff, and the company's grade after the link.

    The linked rule: when the committee is graded at or below ``link_threshold``,
    the company's grade can be no better than ``link_company_best``.
    """
    park = params.park
    if park is None:
        return np.ones(2), None
    coef = np.array([g.coefficient for g in park.grades])
    committee = park.rank(park.committee_grade)
    company = park.rank(park.company_grade) if park.company_grade is not None else committee
    if park.link_threshold is not None and committee >= park.rank(park.link_threshold):
        company = max(company, park.rank(park.link_company_best))
    return coef[[committee, company]], (company if park.company_grade is not None else None)


def bottom_elimination(params: Salary, theta, first_grade, group, n_groups, shares, noise_sd, rng) -> np.ndarray:
    """Appraise ``elimination.years`` years (true performance fixed, fresh noise each year, the first
    year being the one already graded); flag anyone graded bottom ``consecutive`` years running."""
    e = params.elimination
    bottom = len(shares) - 1
    streak = (first_grade == bottom).astype(np.int16)
    flagged = streak >= e.consecutive
    for _ in range(1, e.years):  # a loop over years, each vectorised over people
        score = theta + rng.normal(0.0, noise_sd, theta.size) if noise_sd > 0 else theta
        grade, _, _ = forced_distribution(score, group, n_groups, shares)
        streak = np.where(grade == bottom, streak + 1, 0)
        flagged |= streak >= e.consecutive
    return flagged


# -- what researchers read -------------------------------------------------------


def gini(x: np.ndarray) -> float:
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2.0 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def incentive_per_sd(result: SalaryResult, params: Salary) -> float:
    """Expected extra performance pay if one person's true performance rose by one sd, others unchanged.

    Finite difference on the simulation: each person's score is raised by one sd of
    θ (the score moves one for one with θ), their new rank within their group is
    found among the others' unchanged scores, and the pay of their new grade is
    compared with that of their old one.  Department and park coefficients are
    held fixed (one person barely moves a department's mean).
    """
    staff, n = result.staff, result.staff.size
    group = result.group if result.group is not None else np.zeros(n, np.int64)
    h = np.sqrt(1.0 + params.department_effect_sd**2)
    # Everyone's zone-wide place in the grading order (best score first, equal scores in
    # roster order), as complex numbers that sort lexicographically: (−score, roster index).
    index = np.arange(n)
    ranked = np.sort(-result.score + 1j * index)
    desc_pos = np.empty(n, np.int64)
    desc_pos[ranked.imag.astype(np.int64)] = index
    # where a raised person would stand: after everyone scoring higher, and after equal
    # scores earlier in the roster (the tie rule)
    new_pos = np.searchsorted(ranked, -(result.score + h) + 1j * index, side="left")
    key = group[result.order].astype(np.int64) * n + desc_pos[result.order]  # ascending along ``order``
    sizes = result.grade_counts.sum(axis=1)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    above = np.searchsorted(key, group * n + new_pos, side="left") - starts[group]
    cutoffs = np.cumsum(result.grade_counts, axis=1)
    new_grade = np.zeros(n, np.int64)
    for k in range(cutoffs.shape[1] - 1):  # a loop over grades, vectorised over people
        new_grade += above >= cutoffs[group, k]
    coef = np.array([q.coefficient for q in params.appraisal.quotas])
    other = (result.department_coefficient * result.park_coefficient[staff.department_unit])[staff.department]
    extra = performance_pay((coef[new_grade] - coef[result.grade]) * other, params.pay, result.pool,
                            float(result.coefficient.sum()))
    return float(extra.mean())


class PaySummary(Metrics):
    """Pay of a group (万元 a year); every figure is null when the group has fewer than five people."""

    count: int | None
    p10: float | None
    p50: float | None
    p90: float | None
    mean: float | None
    hidden: bool


class GradeRow(Metrics):
    grade: str
    quota: float
    coefficient: float
    total_pay: PaySummary
    performance_pay: PaySummary


class PostRow(Metrics):
    post: str  # "track/level", or "track/*" for a whole track
    track: str
    total_pay: PaySummary


class MisrankCurve(Metrics):
    """Misranking against reliability for the same staff, beside the large-staff oracle arccos(√r)/π."""

    reliability: list[float]
    misrank_simulated: list[float | None]
    misrank_oracle: list[float]
    top_grade_not_truly_top: list[float | None]


class SalaryMetrics(Metrics):
    """The appraisal year: pay spread, how well grades track true performance, the incentive left."""

    staff: int
    gini: float
    p90_p10: float | None
    pool: float  # 万元
    performance_pay_total: float
    pool_allocated_share: float | None
    misrank_above_median: float
    top_quota_precision: float | None
    kendall_tau: float | None
    incentive_per_sd: float  # 万元
    flagged_bottom: int | None
    noise_sd: dict[str, float]
    company_grade: str | None
    by_grade: list[GradeRow]
    by_post: list[PostRow]
    misrank_curve: MisrankCurve | None  # None for a result of appraise_and_pay alone
    flagged_truly_bottom_share: float | None = None  # of those flagged by bottom elimination


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ-b of two 1-d arrays of equal length n, or nan (fewer than two values, or one of
    them constant).

    The value of ``scipy.stats.kendalltau(x, y).statistic`` to the bit — the same counts and the
    same formula, τ = (concordant − discordant) / √(pairs not tied in x) / √(pairs not tied in y),
    clipped to [−1, 1] — counted in O(n log² n) without importing ``scipy.stats`` (half a second
    of every brief, for this one number).  The discordant pairs are the inversions of y once the
    pairs are sorted by (x, y), counted level by level of a bottom-up merge sort.
    """
    n = x.size
    if n < 2:
        return float("nan")
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]

    def tied_pairs(*sorted_keys: np.ndarray) -> int:
        """Pairs equal in every key, for keys sorted so that equal rows are adjacent."""
        same = np.ones(n - 1, bool)
        for k in sorted_keys:
            same &= k[1:] == k[:-1]
        runs = np.diff(np.flatnonzero(np.r_[True, ~same, True]))  # lengths of runs of equal rows
        return int((runs * (runs - 1) // 2).sum())

    total = n * (n - 1) // 2
    x_ties, both_ties = tied_pairs(xs), tied_pairs(xs, ys)
    y_ties = tied_pairs(np.sort(y))
    if x_ties == total or y_ties == total:
        return float("nan")
    ranks = np.unique(ys, return_inverse=True)[1].astype(np.int64)  # dense ranks: exact comparisons
    discordant = _inversions(ranks)
    concordant_minus_discordant = total - x_ties - y_ties + both_ties - 2 * discordant
    tau = concordant_minus_discordant / np.sqrt(total - x_ties) / np.sqrt(total - y_ties)
    return float(min(1.0, max(-1.0, tau)))


def _inversions(ranks: np.ndarray) -> int:
    """Pairs i < j with ranks[i] > ranks[j], for whole numbers 0 ≤ rank < n: a bottom-up merge
    sort, each level vectorised (a loop over the log₂ n levels, never over values)."""
    n = ranks.size
    span = n + 1  # keys block × span + rank keep blocks apart and ranks in order within them
    index = np.arange(n)
    values = ranks.copy()
    count = 0
    width = 1
    while width < n:
        block = index // (2 * width)
        left = index % (2 * width) < width
        keys = block * span + values
        left_keys = keys[left]  # each block's left half is sorted, blocks in order: sorted
        right_block = block[~left]
        after = np.searchsorted(left_keys, keys[~left], side="right")
        ends = np.searchsorted(left_keys, right_block * span + span - 1, side="right")
        count += int((ends - after).sum())  # left values above each right value of its block
        values = np.sort(keys) - block * span
        width *= 2
    return count


def summarize(result: SalaryResult, params: Salary) -> SalaryMetrics:
    """Scalars for the appraisal year and group tables (cells under five people hidden)."""
    staff, theta, score = result.staff, result.theta, result.score
    n = staff.size
    pay = result.total_pay
    top_share = params.appraisal.quotas[0].share
    above_median = theta > np.median(theta)
    misrank = float(np.mean(score[above_median] < np.median(score))) if above_median.any() else 0.0
    top = result.grade == 0
    truly_top = theta >= np.quantile(theta, 1.0 - top_share)
    sample = result.tau_sample if result.tau_sample is not None else slice(None)
    tau = kendall_tau_b(theta[sample], score[sample])
    p10, p90 = np.percentile(pay, [10, 90])
    flagged_truly_bottom = None
    if result.flagged is not None and result.flagged.any():
        truly_bottom = theta <= np.quantile(theta, params.appraisal.quotas[-1].share)
        flagged_truly_bottom = float(truly_bottom[result.flagged].mean())
    return SalaryMetrics(
        staff=int(n),
        gini=gini(pay),
        p90_p10=float(p90 / p10) if p10 > 0 else None,
        pool=result.pool,
        performance_pay_total=float(result.performance_pay.sum()),
        pool_allocated_share=float(result.performance_pay.sum() / result.pool) if result.pool > 0 else None,
        misrank_above_median=misrank,
        top_quota_precision=float(truly_top[top].mean()) if top.any() else None,
        kendall_tau=float(tau) if np.isfinite(tau) else None,
        incentive_per_sd=incentive_per_sd(result, params),
        flagged_bottom=int(result.flagged.sum()) if result.flagged is not None else None,
        noise_sd=result.noise_sd,
        company_grade=(params.park.grades[result.company_grade].grade
                       if params.park is not None and result.company_grade is not None else None),
        by_grade=grade_table(result, params),
        by_post=post_table(result),
        misrank_curve=result.misrank_curve,
        flagged_truly_bottom_share=flagged_truly_bottom,
    )


def _summary(pay: np.ndarray) -> dict:
    if pay.size < MIN_CELL:
        return {"count": None, "p10": None, "p50": None, "p90": None, "mean": None, "hidden": True}
    p10, p50, p90 = np.percentile(pay, [10, 50, 90])
    return {"count": int(pay.size), "p10": float(p10), "p50": float(p50), "p90": float(p90),
            "mean": float(pay.mean()), "hidden": False}


def grade_table(result: SalaryResult, params: Salary) -> list[dict]:
    rows = []
    for k, q in enumerate(params.appraisal.quotas):
        mask = result.grade == k
        row = {"grade": q.grade, "quota": q.share, "coefficient": q.coefficient,
               "total_pay": _summary(result.total_pay[mask]),
               "performance_pay": _summary(result.performance_pay[mask])}
        rows.append(row)
    return rows


def post_table(result: SalaryResult) -> list[dict]:
    staff = result.staff
    rows = []
    for p, name in enumerate(staff.post_names):
        mask = staff.post == p
        rows.append({"post": name, "track": TRACKS[staff.post_track[p]],
                     "total_pay": _summary(result.total_pay[mask])})
    for t, track in enumerate(TRACKS):
        mask = staff.post_track[staff.post] == t
        rows.append({"post": f"{track}/*", "track": track, "total_pay": _summary(result.total_pay[mask])})
    return rows


def misrank_curve(params: Salary, result: SalaryResult, rng: np.random.Generator,
                  reliabilities: np.ndarray) -> MisrankCurve:
    """Misranking against reliability for the same staff and true performance, with its oracle.

    For each reliability the score noise is redrawn; the simulated share of the
    truly-above-median rated below the median is shown beside arccos(√r)/π, and
    so is the share of the top grade who are not truly in the top quota share.
    """
    theta = result.theta
    var = 1.0 + params.department_effect_sd**2
    above = theta > np.median(theta)
    top_share = params.appraisal.quotas[0].share
    truly_top = theta >= np.quantile(theta, 1.0 - top_share)
    shares = np.array([q.share for q in params.appraisal.quotas])
    sim, wrong_top = [], []
    for r in reliabilities:  # a handful of scenario points, each vectorised over people
        sd = np.sqrt(var * (1.0 - r) / r)
        score = theta + rng.normal(0.0, sd, theta.size)
        sim.append(float(np.mean(score[above] < np.median(score))) if above.any() else None)
        grade, _, _ = forced_distribution(score, result.group, result.grade_counts.shape[0], shares)
        top = grade == 0
        wrong_top.append(float(1.0 - truly_top[top].mean()) if top.any() else None)
    return MisrankCurve(reliability=[float(r) for r in reliabilities], misrank_simulated=sim,
                        misrank_oracle=[float(np.arccos(np.sqrt(r)) / np.pi) for r in reliabilities],
                        top_grade_not_truly_top=wrong_top)


MODEL = Model(
    section="salary",
    title={"zh": "薪酬激励", "en": "Salary incentives"},
    params=Salary,
    metrics=SalaryMetrics,
    simulate=simulate,
    summarize=summarize,
    headlines=(
        Headline({"zh": "中位数以上被误排概率", "en": "Misranked below the median"},
                 lambda m: m.misrank_above_median, "percent", "misrank_above_median"),
        Headline({"zh": "每提高 1 个标准差的期望增薪", "en": "Extra pay per sd of performance"},
                 lambda m: m.incentive_per_sd, "wan", "incentive_per_sd"),
        Headline({"zh": "薪酬基尼系数", "en": "Gini of total pay"}, lambda m: m.gini, "ratio"),
    ),
)
