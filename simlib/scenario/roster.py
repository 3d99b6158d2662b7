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
reported with its line number in the file (blank lines and newlines inside quoted fields counted),
at most :data:`MAX_LISTED` of them and then how many more, and nothing is computed.  The roster
needs at least 2 people and at least 2 of them graded.

Limits: the file is at most :data:`~simlib.scenario.files.MAX_ROSTER_BYTES` (16 MiB) and a regular
file (:func:`simlib.scenario.files.read_bytes`), with at most :data:`MAX_ROWS` (100,000) rows — a
zone's roster is tens to a few thousand people (Qingzhen's committee has 63), and a county's whole
civil service fits; the limit keeps the refusal of the largest allowed file under 2 s (``make bench``),
where a million rows took about 3 s to read and check; ``base_pay`` is at most
:data:`MAX_BASE_PAY` (100,000 万元, 10亿元 a person a year: far above any zone's pay, low enough
that pools and sums stay finite).

The file is read once, by pandas' C parser, and checked column by column (no Python loop over
rows); the line of each row comes from the positions of its newlines.  A file whose rows the
quick count of newlines and quotes does not match (a quote inside an unquoted field, a lone
``\r`` ending lines) is read again by the ``csv`` module, slower but with the same messages.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import numpy as np

from simlib.models.salary import PAY_SCHEMES, TRACKS, UNITS, Staff
from simlib.scenario.files import MAX_ROSTER_BYTES, UnreadableFile, read_bytes
from simlib.scenario.problems import Problem

REQUIRED = ("id", "department", "track", "level", "base_pay")
OPTIONAL = ("unit", "pay_scheme")
COLUMNS = REQUIRED + OPTIONAL
#: The most rows (people) a roster may have; see the module docstring.
MAX_ROWS = 100_000
#: The highest base pay, 万元 a year (10亿元): no real post comes near it.
MAX_BASE_PAY = 100_000.0
#: How many bad rows are listed, one line each, before "… and N more problems".
MAX_LISTED = 20
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
    """The roster as :class:`Staff`, or None and one problem per bad line (at most :data:`MAX_LISTED`,
    then a line counting the rest).  Each problem names the file; see the module docstring for the
    columns and limits."""
    staff, problems, _ = read_with_bytes(path)
    return staff, problems


def read_with_bytes(path: Path) -> tuple[Staff | None, list[Problem], bytes | None]:
    """:func:`read`, and the bytes read (None when the file could not be read), to hash: the file is
    read once."""
    label = str(path)
    try:
        raw = read_bytes(path, MAX_ROSTER_BYTES, "a roster")
    except UnreadableFile as exc:
        message = str(exc)
        return None, [Problem(label, "", "roster file not found" if message == "file not found" else message)], None
    try:
        table = _fast_table(raw) or _csv_table(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:  # (pandas' error does not say where)
            offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
            return None, [Problem(label, "", f"roster cannot be read: not UTF-8 text (byte 0x{raw[offset]:02x} at "
                                             f"offset {offset})")], raw
        raise
    if isinstance(table, str):
        return None, [Problem(label, "", table)], raw
    staff, messages = _check(*table)
    return staff, [Problem(label, "", m) for m in messages], raw


# -- splitting the file into a table: cells, fields a row, line numbers --------------------------


def _too_many(rows: int) -> str:
    return f"has {rows:,} rows, more than the {MAX_ROWS:,} a roster may have"


def _fast_table(raw: bytes):
    """(header, columns, fields a row, line a row) by pandas' C parser, with line numbers and field
    counts from the positions of newlines, quotes and commas; None when they disagree with the parser
    (the csv module reads the file then); a message when there are too many rows."""
    import pandas as pd

    body = memoryview(raw)[3:] if raw.startswith(b"\xef\xbb\xbf") else memoryview(raw)
    arr = np.frombuffer(body, np.uint8)
    newlines = np.flatnonzero(arr == 10)
    commas = np.flatnonzero(arr == 44)
    if b'"' in raw:  # a newline or comma inside quotes (an odd number of quotes before it) is a character
        quotes = np.flatnonzero(arr == 34)
        ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
        commas = commas[(np.searchsorted(quotes, commas) & 1) == 0]
    else:
        ends = newlines
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [arr.size]))
    lines = np.concatenate((np.searchsorted(newlines, ends) + 1, [newlines.size + 1]))
    first = arr[np.minimum(starts, max(arr.size - 1, 0))] if arr.size else np.zeros(starts.size, np.uint8)
    length = stops - starts
    keep = (length > 1) | ((length == 1) & (first != 13))  # not an empty line, nor a lone \r of \r\n
    starts, stops, lines = starts[keep], stops[keep], lines[keep]
    if starts.size == 0:
        return [], [], np.zeros(0, int), np.zeros(0, int)
    if starts.size - 1 > MAX_ROWS:
        return _too_many(starts.size - 1)
    counts = np.searchsorted(commas, stops) - np.searchsorted(commas, starts) + 1
    width = int(counts.max())
    try:
        frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", header=None, names=list(range(width)),
                            index_col=False, dtype=object, na_filter=False, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError):
        return None
    if len(frame) != starts.size:
        return None
    columns = [frame[j].to_numpy(dtype=object) for j in range(width)]
    header = [str(columns[j][0]) for j in range(int(counts[0]))]
    return header, [c[1:] for c in columns], counts[1:], lines[1:]


def _csv_table(text: str):
    """The table of :func:`_fast_table` by the csv module (a loop over rows, for the files the quick
    count cannot split); a message when there are too many rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines = [], []
    try:
        for row in reader:
            if row:
                rows.append(row)
                lines.append(reader.line_num)
                if len(rows) > MAX_ROWS + 1:
                    return _too_many(sum(1 for r in reader if r) + len(rows) - 1)
    except csv.Error as exc:
        return f"line {reader.line_num}: not readable as CSV ({exc})"
    if not rows:
        return [], [], np.zeros(0, int), np.zeros(0, int)
    counts = np.array([len(r) for r in rows])
    width = int(counts.max())
    columns = [np.array([r[j] if j < len(r) else "" for r in rows[1:]], dtype=object) for j in range(width)]
    return rows[0], columns, counts[1:], np.array(lines[1:])


# -- checking the table, column by column ----------------------------------------------------------


def _strip(values: np.ndarray) -> np.ndarray:
    """The cells with surrounding whitespace removed (each distinct cell stripped once)."""
    return _stripped_codes(values)[0]


def _stripped_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the cells stripped, a code per cell numbering the distinct stripped cells in order of first
    appearance, those cells): ``pd.factorize`` of the stripped cells, stripping each distinct cell once."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    stripped = np.array([u.strip() for u in uniques], dtype=object)
    if (stripped != uniques).any():  # cells differing only by whitespace become one
        merged, stripped = pd.factorize(stripped)
        codes = merged[codes]
        stripped = np.asarray(stripped, dtype=object)
    return stripped[codes], codes, stripped


def _check(header: list[str], columns: list[np.ndarray], counts: np.ndarray, lines: np.ndarray):
    """The Staff of a split table, or None and the messages (each ``line N: …``)."""
    import pandas as pd

    messages = _header_problems(header)
    if messages:
        return None, messages
    width = len(header)
    n = int(counts.size)
    rows = np.arange(n)
    index = {}
    for j, name in enumerate(header):
        index.setdefault(name, j)

    def raw(name: str) -> tuple[np.ndarray, np.ndarray]:
        """The cells of a column as written, and where the row has no such field (too short a row)."""
        if name not in index:
            return np.full(n, "", dtype=object), np.ones(n, bool)
        return columns[index[name]], counts <= index[name]

    def shown(name: str, r: int) -> str:
        cells, missing = raw(name)
        return repr(None if missing[r] else cells[r])

    found: list[tuple[np.ndarray, int, object]] = []  # (rows, order within a row, message of a row)

    def bad(mask: np.ndarray, order: int, message) -> None:
        found.append((np.flatnonzero(mask), order, message))

    extra = np.zeros(n, bool)
    for j in range(width, len(columns)):
        extra |= (counts > j) & (_strip(columns[j]) != "")
    bad(extra, 0, lambda r: f"{counts[r]} fields, but the header names {width} columns")

    ids, codes, _ = _stripped_codes(raw("id")[0])
    first = _first_rows(codes)
    bad(ids == "", 1, lambda r: "id: must not be empty")
    bad((ids != "") & (first[codes] != rows), 1,
        lambda r: f"id: duplicate {ids[r]!r} (first at line {lines[first[codes[r]]]})")

    departments, dept_codes, dept_names = _stripped_codes(raw("department")[0])
    bad(departments == "", 2, lambda r: "department: must not be empty")
    tracks, track_codes, track_names = _stripped_codes(raw("track")[0])
    bad(~_known(track_codes, track_names, TRACKS), 3, lambda r: f"track: must be one of {', '.join(TRACKS)}, got {shown('track', r)}")
    levels, level_codes, level_names = _stripped_codes(raw("level")[0])
    bad(levels == "", 4, lambda r: "level: must not be empty")

    pay_cells, pay_missing = raw("base_pay")
    pay_codes, pay_texts = pd.factorize(pay_cells)
    pay_values = np.array([_number(t) for t in pay_texts], dtype=float) if len(pay_texts) else np.zeros(0)
    pay = pay_values[pay_codes] if n else np.zeros(0)
    pay[pay_missing] = np.nan
    with np.errstate(invalid="ignore"):
        not_number = ~np.isfinite(pay) | (pay < 0)
        too_high = ~not_number & (pay > MAX_BASE_PAY)
    bad(not_number, 5, lambda r: f"base_pay: must be a non-negative number, got {shown('base_pay', r)}")
    bad(too_high, 5, lambda r: f"base_pay: must be at most {MAX_BASE_PAY:,.0f} (万元 a year), got "
                               f"{shown('base_pay', r)}")

    units, unit_codes, unit_names = _stripped_codes(raw("unit")[0])
    unit_names[unit_names == ""] = "committee"
    units = unit_names[unit_codes] if n else units
    unit_ok = _known(unit_codes, unit_names, UNITS)
    dept_first = _first_rows(dept_codes)
    first_unit = units[dept_first[dept_codes]] if n else units
    bad(~unit_ok, 6, lambda r: f"unit: must be one of {', '.join(UNITS)}, got {units[r]!r}")
    bad(unit_ok & (units != first_unit), 6,
        lambda r: f"unit: department {departments[r]!r} is {first_unit[r]!r} at line "
                  f"{lines[dept_first[dept_codes[r]]]}, got {units[r]!r}")
    schemes, scheme_codes, scheme_names = _stripped_codes(raw("pay_scheme")[0])
    scheme_names[scheme_names == ""] = "graded"
    schemes = scheme_names[scheme_codes] if n else schemes
    bad(~_known(scheme_codes, scheme_names, PAY_SCHEMES), 7,
        lambda r: f"pay_scheme: must be one of {', '.join(PAY_SCHEMES)}, got {schemes[r]!r}")

    at = np.concatenate([f[0] for f in found])
    if at.size:
        order = np.concatenate([np.full(f[0].size, k) for k, f in enumerate(found)])
        picked = np.lexsort((order, at))[:MAX_LISTED]
        messages = [f"line {lines[at[i]]}: {found[order[i]][2](int(at[i]))}" for i in picked]
        if at.size > MAX_LISTED:
            rest = at.size - MAX_LISTED
            messages.append(f"… and {rest:,} more problem{'s' if rest != 1 else ''} (in {np.unique(at).size:,} rows "
                            "in all); only the first are listed")
        return None, messages
    exempt = schemes != "graded"
    graded = int(n - exempt.sum())
    if n < 2:
        return None, [f"roster needs at least 2 people, got {n}"]
    if graded < 2:
        who = "everyone is exempt" if graded == 0 else f"the other {n - graded} are exempt"
        return None, [f"roster needs at least 2 graded people (pay_scheme graded or empty), got {graded} of {n}: {who}"]

    track_codes = np.array([TRACKS.index(t) for t in track_names], dtype=np.int64)[track_codes]
    post_codes, post_keys = pd.factorize(track_codes * len(level_names) + level_codes)
    post_track = np.asarray(post_keys) // len(level_names)
    return Staff(
        department=np.asarray(dept_codes, dtype=np.int64),
        department_names=tuple(str(d) for d in dept_names),
        department_unit=np.array([UNITS.index(u) for u in units[dept_first]], dtype=np.int64),
        post=np.asarray(post_codes, dtype=np.int64),
        post_names=tuple(f"{TRACKS[k // len(level_names)]}/{level_names[k % len(level_names)]}" for k in post_keys),
        post_track=post_track.astype(np.int64),
        base_pay=pay.astype(float),
        exempt=exempt if exempt.any() else None,
    ), []


def _known(codes: np.ndarray, names: np.ndarray, allowed: tuple[str, ...]) -> np.ndarray:
    """Whether each cell (``codes`` into the distinct ``names``) is one of ``allowed``."""
    return np.array([name in allowed for name in names], dtype=bool)[codes] if codes.size else np.zeros(0, bool)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The row each code of ``pd.factorize`` first appears at: codes are numbered in order of first
    appearance, so a row starts a new code where the code exceeds every code before it (linear)."""
    if codes.size == 0:
        return np.zeros(0, np.int64)
    seen = np.maximum.accumulate(codes)
    new = np.concatenate(([True], seen[1:] > seen[:-1]))
    return np.flatnonzero(new)


def _number(text: str) -> float:
    """A cell as Python's float() reads it, or nan."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")
