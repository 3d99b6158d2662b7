"""A roster CSV a researcher supplies instead of the synthetic staff.

Columns (header row required; extra columns are ignored):

- ``id``: a person's identifier, unique;
- ``department``: department name;
- ``track``: ``management`` or ``professional``;
- ``level``: post level on that track (any text, e.g. 一级);
- ``base_pay``: base pay, 万元 a year, a non-negative number;
- ``unit`` (optional): ``committee`` (default) or ``company``.

Every bad row is reported with its line number, and nothing is computed.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from simlib.models.salary import TRACKS, UNITS, Staff
from simlib.scenario.problems import Problem

REQUIRED = ("id", "department", "track", "level", "base_pay")


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
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return None, [Problem(label, "", f"line 1: missing column(s) {', '.join(missing)}; "
                                         f"expected {', '.join(REQUIRED)} (and optionally unit)")]
    problems: list[Problem] = []
    rows, seen, dept_unit = [], {}, {}
    for row in reader:
        line = reader.line_num  # the file line the record ends on (blank lines and quoted newlines counted)

        def bad(message: str) -> None:
            problems.append(Problem(label, "", f"line {line}: {message}"))

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
        unit = (row.get("unit") or "committee").strip()
        department = (row["department"] or "").strip()
        if unit not in UNITS:
            bad(f"unit: must be one of {', '.join(UNITS)}, got {unit!r}")
        elif department in dept_unit and dept_unit[department][0] != unit:
            first, at = dept_unit[department]
            bad(f"unit: department {department!r} is {first!r} at line {at}, got {unit!r}")
        dept_unit.setdefault(department, (unit, line))
        rows.append((department, track, (row["level"] or "").strip(), pay, unit))
    if len(rows) < 2 and not problems:
        problems.append(Problem(label, "", f"roster needs at least 2 people, got {len(rows)}"))
    if problems:
        return None, problems

    departments = list(dict.fromkeys(r[0] for r in rows))
    posts = list(dict.fromkeys(f"{r[1]}/{r[2]}" for r in rows))
    return Staff(
        department=np.array([departments.index(r[0]) for r in rows]),
        department_names=tuple(departments),
        department_unit=np.array([UNITS.index(dept_unit[d][0]) for d in departments]),
        post=np.array([posts.index(f"{r[1]}/{r[2]}") for r in rows]),
        post_names=tuple(posts),
        post_track=np.array([TRACKS.index(p.split("/", 1)[0]) for p in posts]),
        base_pay=np.array([r[3] for r in rows]),
    ), []
