"""The scenario's ``salary`` section: staff, the appraisal rule, park ratings, pay.

Split from :mod:`simlib.models.salary` (the simulation) so the rule a zone writes
reads as data: grades with an exact share, a cap ("at most 20% 优秀") or a
minimum score; a rounding rule for quota seats; unit ratings that widen a unit's
top-grade share (Shouning's 好班子 at 30%); staff outside the forced
distribution (annual salary, agreement pay, probation).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simlib.models.base import Section, cross_field_error

#: appraisal rounds × staff may not exceed this (arrays of rounds × staff are held at once); synthetic
#: staff count everyone, a roster its graded people
MAX_ROUND_STAFF = 10_000_000


def _unique_names(names: list[str], key: str, what: str, field: str = "grade") -> None:
    for i, name in enumerate(names):
        if name in names[:i]:
            raise cross_field_error(f"{key}[{i}].{field}", f"duplicate {what} {name!r}")


def _coefficients_never_rise(grades: list, key: str) -> None:
    for i in range(1, len(grades)):
        if grades[i].coefficient > grades[i - 1].coefficient:
            raise cross_field_error(
                f"{key}[{i}].coefficient",
                f"grades are listed best first, so coefficients must not rise: {grades[i].grade!r} "
                f"({grades[i].coefficient!r}) is above {grades[i - 1].grade!r} ({grades[i - 1].coefficient!r})",
            )


def _shares_sum_to_one(shares: list[float], key: str, what: str) -> None:
    total = sum(shares)
    if abs(total - 1.0) > 1e-9:
        raise cross_field_error(key, f"{what} shares must sum to 1, got {total:.6g}")


class Grade(Section):
    """An appraisal grade and the individual coefficient it pays, filled in one of three ways.

    ``share``: exactly this share of the group (a forced distribution; every grade then has one);
    ``max_share``: at most this share ("优秀比例不超过20%"), the best scores first;
    ``min_score``: earned at or above this score on ``appraisal.score_scale`` (points).
    A grade may have a cap and a minimum score.  The last grade takes everyone left.
    """

    grade: str = Field(min_length=1, max_length=50)
    coefficient: float = Field(ge=0, le=100)
    share: float | None = Field(default=None, ge=0, le=1)
    max_share: float | None = Field(default=None, ge=0, le=1)
    min_score: float | None = Field(default=None, ge=-10_000, le=10_000)


class UnitGrade(Section):
    """A grade the zone's own bodies can get, with the park coefficient it pays."""

    grade: str = Field(min_length=1, max_length=50)
    coefficient: float = Field(ge=0, le=100)


class DepartmentGrade(Section):
    """A department's (unit's) rating by its staff's mean score: its share of departments, the
    coefficient its staff are paid, and optionally the top staff grade's share in such departments
    (Shouning: a 好班子 unit may grade more of its staff excellent)."""

    grade: str = Field(min_length=1, max_length=50)
    share: float = Field(ge=0, le=1)
    coefficient: float = Field(ge=0, le=100)
    top_grade_share: float | None = Field(default=None, ge=0, le=1)


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
    """One dimension of an index (Shouning's N-dimension index: 考人, 考事, 考绩): its weight in the
    index and its own reliability (squared correlation of the dimension's score with true performance)."""

    name: str = Field(min_length=1, max_length=50)
    weight: float = Field(gt=0, le=100)
    reliability: float = Field(gt=0, le=1)


class ScoreScale(Section):
    """The points scale minimum scores are written on: the final score's mean and sd in points."""

    mean: float = Field(ge=-10_000, le=10_000)
    sd: float = Field(gt=0, le=10_000)


ROUNDING = ("largest_remainder", "half_up", "up", "down")

_METHOD_KEYS = {
    "single": ("reliability",),
    "objective_subjective": ("objective_weight", "objective_reliability", "subjective_reliability",
                             "subjective_shares"),
    "index": ("dimensions",),
}
_OPTIONAL_KEYS = {"index": ("dimension_correlation",)}


class Appraisal(Section):
    """How observed scores arise (``method``) and how grades are assigned (``quotas``, ``rounding``).

    ``single``: one score of ``reliability``.  ``objective_subjective`` (seed 000): an objective part
    scored against standards with ``objective_reliability`` and a subjective part ranked under the
    forced distribution ``subjective_shares`` with ``subjective_reliability``, combined with
    ``objective_weight``.  ``index`` (seed 004): ``dimensions`` with their own weights and
    reliabilities, errors correlated by ``dimension_correlation``.
    """

    method: Literal["single", "objective_subjective", "index"] = "single"
    reliability: float | None = Field(default=None, gt=0, le=1)
    objective_weight: float | None = Field(default=None, ge=0, le=1)
    objective_reliability: float | None = Field(default=None, gt=0, le=1)
    subjective_reliability: float | None = Field(default=None, gt=0, le=1)
    subjective_shares: list[float] | None = Field(default=None, min_length=2, max_length=20)
    dimensions: list[Dimension] = Field(default_factory=list, max_length=20)
    dimension_correlation: float | None = Field(default=None, ge=0, le=1)
    scope: Literal["department", "zone"] = "department"
    quotas: list[Grade] = Field(min_length=2, max_length=20)
    rounding: Literal["largest_remainder", "half_up", "up", "down"] | None = None
    score_scale: ScoreScale | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Appraisal:
        given = {k for k in self.model_fields_set if getattr(self, k) not in (None, [])}
        missing = [k for k in _METHOD_KEYS[self.method] if k not in given]
        if missing:
            also = f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""
            raise cross_field_error(missing[0], f"required by method {self.method!r}{also}")
        for method, keys in _METHOD_KEYS.items():
            for key in keys + _OPTIONAL_KEYS.get(method, ()):
                if method != self.method and key in given and key not in _METHOD_KEYS[self.method]:
                    raise cross_field_error(key, f"used only by method {method!r}, not {self.method!r}; "
                                                 f"remove it or set method: {method}")
        if self.objective_weight == 0:
            raise cross_field_error("objective_weight", "with weight 0 the final score is the subjective grade alone, "
                                                        "and ties within a grade would go by roster position; "
                                                        "use method: single with the subjective reliability")
        if self.subjective_shares is not None:
            if any(not 0 <= s <= 1 for s in self.subjective_shares):
                raise cross_field_error("subjective_shares", "shares must be between 0 and 1")
            _shares_sum_to_one(self.subjective_shares, "subjective_shares", "subjective grade")
        _unique_names([d.name for d in self.dimensions], "dimensions", "dimension", "name")
        self._check_quotas()
        return self

    def _check_quotas(self) -> None:
        q = self.quotas
        _unique_names([g.grade for g in q], "quotas", "grade")
        _coefficients_never_rise(q, "quotas")
        exact = [g.share is not None for g in q]
        if all(exact):
            _shares_sum_to_one([g.share for g in q], "quotas", "quota")
            for i, g in enumerate(q):
                for key in ("max_share", "min_score"):
                    if getattr(g, key) is not None:
                        raise cross_field_error(f"quotas[{i}].{key}",
                                                "with an exact share every grade is filled by rank; give "
                                                "max_share (not share) to combine a cap with caps or scores")
        else:
            if any(exact):
                total = sum(g.share for g in q if g.share is not None)
                first = exact.index(True)
                raise cross_field_error(
                    f"quotas[{first}].share",
                    f"exact shares and caps or minimum scores cannot be mixed: with max_share or min_score "
                    f"present the exact shares (sum {total:.6g}) no longer add up to 1; give max_share or "
                    f"min_score instead")
            last = q[-1]
            if last.max_share is not None or last.min_score is not None:
                key = "max_share" if last.max_share is not None else "min_score"
                raise cross_field_error(f"quotas[{len(q) - 1}].{key}",
                                        "the last grade takes everyone left, so it has no cap or minimum score")
            for i, g in enumerate(q[:-1]):
                if g.max_share is None and g.min_score is None:
                    raise cross_field_error(f"quotas[{i}]", f"grade {g.grade!r} needs share, max_share or "
                                                            f"min_score (else it would take everyone left)")
            scores = [(i, g.min_score) for i, g in enumerate(q) if g.min_score is not None]
            for (_, a), (j, b) in zip(scores, scores[1:]):
                if b >= a:
                    raise cross_field_error(f"quotas[{j}].min_score",
                                            f"thresholds must fall from the best grade down: {b!r} is not "
                                            f"below {a!r}")
            if self.rounding == "largest_remainder":
                raise cross_field_error("rounding", "largest_remainder splits exact shares; caps are rounded "
                                                    "half_up, up or down")
        has_scores = any(g.min_score is not None for g in q)
        if has_scores and self.score_scale is None:
            raise cross_field_error("score_scale", "min_score needs the points scale it is written on: "
                                                   "score_scale: {mean, sd}")
        if not has_scores and self.score_scale is not None:
            raise cross_field_error("score_scale", "used only by min_score thresholds; no grade has one")

    @property
    def exact(self) -> bool:
        """Every grade has an exact share (a forced distribution)."""
        return all(g.share is not None for g in self.quotas)

    @property
    def rounding_rule(self) -> str:
        """The rounding in force: as given, else largest remainder for exact shares and half up for caps."""
        return self.rounding or ("largest_remainder" if self.exact else "half_up")

    @property
    def top_share(self) -> float | None:
        """The top grade's share or cap (None when only a minimum score limits it)."""
        top = self.quotas[0]
        return top.share if top.share is not None else top.max_share


class Park(Section):
    """Ratings of the management committee and the operating company, and the link between them."""

    grades: list[UnitGrade] = Field(min_length=1, max_length=20)
    committee_grade: str
    company_grade: str | None = None
    link_threshold: str | None = None
    link_company_best: str | None = None

    @model_validator(mode="after")
    def _known_grades(self) -> Park:
        _unique_names([g.grade for g in self.grades], "grades", "park grade")
        _coefficients_never_rise(self.grades, "grades")
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
    """Performance pay: ``standard_amount`` 万元 a person a year at coefficient 1.

    ``exact``: each unit's pool (standard amount × its graded staff × its park coefficient) is spent
    to the yuan in proportion to department × individual coefficients; ``standard``: everyone is
    paid standard amount × park × department × individual coefficient, over/under-spend reported.
    """

    standard_amount: float = Field(ge=0, le=10_000)
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
    """Post-based pay with an appraisal (forced distribution, caps or thresholds) and coefficient-linked
    performance pay, over ``rounds`` simulated appraisal rounds."""

    staff: int | None = Field(default=None, ge=2, le=5_000_000)
    roster: str | None = Field(default=None, min_length=1, max_length=500)
    departments: list[Department] = Field(default_factory=list)
    department_effect_sd: float = Field(default=0.0, ge=0, le=10)
    department_grades: list[DepartmentGrade] | None = None
    posts: list[Post] = Field(default_factory=list)
    exempt_share: float | None = Field(default=None, ge=0, lt=1)
    rounds: int = Field(default=200, ge=1, le=100_000)
    appraisal: Appraisal
    park: Park | None = None
    pay: Pay
    elimination: Elimination | None = None

    @model_validator(mode="after")
    def _staff_adds_up(self) -> Salary:
        if self.department_grades is not None:
            self._check_department_grades()
        if self.roster is not None:
            for key in ("departments", "posts"):
                if getattr(self, key):
                    raise cross_field_error(key, f"the roster gives the staff's {key}; remove {key} (or the roster)")
            if self.exempt_share is not None:
                raise cross_field_error("exempt_share", "a roster says who is exempt in its pay_scheme column; "
                                                        "exempt_share is for the synthetic staff")
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
        _unique_names([d.name for d in self.departments], "departments", "department", "name")
        _shares_sum_to_one([p.share for p in self.posts], "posts", "post")
        if self.exempt_share:
            exempt = (self.staff * round(self.exempt_share * 10**9) + 10**9 // 2) // 10**9  # rounded half up
            if self.staff - exempt < 2:
                raise cross_field_error("exempt_share", f"leaves {self.staff - exempt} of {self.staff} staff graded; "
                                                        f"the appraisal needs at least 2")
        if self.rounds * self.staff > MAX_ROUND_STAFF:
            raise cross_field_error("rounds", f"rounds × staff must not exceed {MAX_ROUND_STAFF:,}, got "
                                              f"{self.rounds:,} × {self.staff:,}")
        return self

    def _check_department_grades(self) -> None:
        grades = self.department_grades
        _unique_names([g.grade for g in grades], "department_grades", "department grade")
        _coefficients_never_rise(grades, "department_grades")
        _shares_sum_to_one([g.share for g in grades], "department_grades", "department grade")
        a = self.appraisal
        for i, g in enumerate(grades):
            if g.top_grade_share is None:
                continue
            key = f"department_grades[{i}].top_grade_share"
            if a.scope != "department":
                raise cross_field_error(key, "a department's own top-grade share needs appraisal.scope: department")
            if a.top_share is None:
                raise cross_field_error(key, "the top grade has no share or max_share to replace")
            if a.exact:
                second = a.quotas[1].share - (g.top_grade_share - a.quotas[0].share)
                if second < -1e-12:
                    raise cross_field_error(key, f"with exact shares the extra top-grade seats come out of "
                                                 f"{a.quotas[1].grade!r} ({a.quotas[1].share!r}), which is too small "
                                                 f"for {g.top_grade_share!r}")
