"""A roster CSV a researcher supplies instead of the synthetic staff.

Columns (header row required):

- ``id``: a person's identifier, unique;
- ``department``: department name;
- ``track``: ``management`` or ``professional``;
- ``level``: post level on that track (any text, e.g. 一级);
- ``base_pay``: base pay, 万元 a year, a non-negative number;
- ``unit`` (optional): ``committee`` (default) or ``company``;
- ``pay_scheme`` (optional): ``graded`` (default, also when empty) for staff inside the appraisal
  and the performance-pay pool, or ``annual_salary``, ``agreement`` or ``probation`` for exempt
  staff, who are outside the forced distribution and the pool and are paid their base pay.

Any other column is an error naming it (with the closest known name, if one is close): a column
the model ignored silently would look like a lever that changes nothing.  Every bad row is
reported with its line number, and nothing is computed.  The roster needs at least 2 people and
at least 2 of them graded.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from pathlib import Path

import numpy as np

from simlib.models.salary import PAY_SCHEMES, TRACKS, UNITS, Staff
from simlib.scenario.problems import Problem

REQUIRED = ("id", "department", "track", "level", "base_pay")
OPTIONAL = ("unit", "pay_scheme")
COLUMNS = REQUIRED + OPTIONAL
EXPECTED = f"expected {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"


def _header_problems(fieldnames: list[str]) -> list[str]:
    """One message per unknown, unnamed or repeated column of the header, then the missing ones."""
    messages = []
    for i, name in enumerate(fieldnames):
        if name in fieldnames[:i]:
            if name in COLUMNS:
                messages.append(f"line 1: column {name!r} appears more than once")
            continue
        if name in COLUMNS:
            continue
        if not name.strip():
            messages.append(f"line 1: column {i + 1} has no name; {EXPECTED}")
            continue
        close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        messages.append(f"line 1: unknown column {name!r}{hint}; {EXPECTED}")
    missing = [c for c in REQUIRED if c not in fieldnames]
    if missing:
        messages.append(f"line 1: missing column(s) {', '.join(missing)}; {EXPECTED}")
    return messages


def read(path: Path) -> tuple[Staff | None, list[Problem]]:
    """The roster as :class:`Staff`, or None and one problem per bad line."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(label, "", "roster file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(label, "", f"roster cannot be read ({exc})")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = _header_problems(list(reader.fieldnames or []))
    if header:
        return None, [Problem(label, "", message) for message in header]
    problems: list[Problem] = []
    rows, seen, dept_unit = [], {}, {}
    width = len(reader.fieldnames)
    for row in reader:
        line = reader.line_num  # the file line the record ends on (blank lines and quoted newlines counted)

        def bad(message: str) -> None:
            problems.append(Problem(label, "", f"line {line}: {message}"))

        extra = [v for v in row.get(None) or [] if v.strip()]
        if extra:
            bad(f"{width + len(row[None])} fields, but the header names {width} columns")
        pid = (row["id"] or "").strip()
        if not pid:
            bad("id: must not be empty")
        elif pid in seen:
            bad(f"id: duplicate {pid!r} (first at line {seen[pid]})")
        seen.setdefault(pid, line)
        if not (row["department"] or "").strip():
            bad("department: must not be empty")
        track = (row["track"] or "").strip()
        if track not in TRACKS:
            bad(f"track: must be one of {', '.join(TRACKS)}, got {row['track']!r}")
        if not (row["level"] or "").strip():
            bad("level: must not be empty")
        try:
            pay = float(row["base_pay"])
            if not math.isfinite(pay) or pay < 0:
                raise ValueError
        except (TypeError, ValueError):
            bad(f"base_pay: must be a non-negative number, got {row['base_pay']!r}")
            pay = 0.0
        unit = (row.get("unit") or "committee").strip() or "committee"
        department = (row["department"] or "").strip()
        if unit not in UNITS:
            bad(f"unit: must be one of {', '.join(UNITS)}, got {unit!r}")
        elif department in dept_unit and dept_unit[department][0] != unit:
            first, at = dept_unit[department]
            bad(f"unit: department {department!r} is {first!r} at line {at}, got {unit!r}")
        dept_unit.setdefault(department, (unit, line))
        scheme = (row.get("pay_scheme") or "").strip() or "graded"
        if scheme not in PAY_SCHEMES:
            bad(f"pay_scheme: must be one of {', '.join(PAY_SCHEMES)}, got {scheme!r}")
        rows.append((department, track, (row["level"] or "").strip(), pay, unit, scheme != "graded"))
    if not problems:
        graded = sum(not r[5] for r in rows)
        if len(rows) < 2:
            problems.append(Problem(label, "", f"roster needs at least 2 people, got {len(rows)}"))
        elif graded < 2:
            who = "everyone is exempt" if graded == 0 else f"the other {len(rows) - graded} are exempt"
            problems.append(Problem(label, "", f"roster needs at least 2 graded people (pay_scheme graded or "
                                               f"empty), got {graded} of {len(rows)}: {who}"))
    if problems:
        return None, problems

    departments = list(dict.fromkeys(r[0] for r in rows))
    posts = list(dict.fromkeys(f"{r[1]}/{r[2]}" for r in rows))
    exempt = np.array([r[5] for r in rows], dtype=bool)
    return Staff(
        department=np.array([departments.index(r[0]) for r in rows]),
        department_names=tuple(departments),
        department_unit=np.array([UNITS.index(dept_unit[d][0]) for d in departments]),
        post=np.array([posts.index(f"{r[1]}/{r[2]}") for r in rows]),
        post_names=tuple(posts),
        post_track=np.array([TRACKS.index(p.split("/", 1)[0]) for p in posts]),
        base_pay=np.array([r[3] for r in rows]),
        exempt=exempt if exempt.any() else None,
    ), []
