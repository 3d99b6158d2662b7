"""Mean growth and volatility of the revenue model's tax growth, estimated from a zone's own annual series.

The revenue model (``simlib.models.revenue``) draws the log growth of tax, g_t = ln(T_t / T_{t-1}),
as normal with sd ``volatility`` and a drift chosen so that E[T_t / T_{t-1}] = 1 + ``mean``:
drift = ln(1 + mean) - volatility**2 / 2.  Inverting that on a series of n log growth rates:

    sigma = sample sd of g (ddof=1)             se(sigma) ~ sigma / sqrt(2 (n - 1))
    mu    = mean of g                           se(mu)    = sigma / sqrt(n)
    mean  = exp(mu + sigma**2 / 2) - 1          se(mean)  by the delta method:
            exp(mu + sigma**2 / 2) * sqrt(se(mu)**2 + sigma**2 * se(sigma)**2)
            (mu and sigma are independent for normal data)

A year named in ``exclude`` (a shock) drops the growth rate *into* that year.  The series must be
strictly positive (log growth is undefined otherwise), in consecutive years without repeats and in
increasing order; nothing is sorted or filled in silently.

:func:`estimate` is pure; :func:`read_series` reads a CSV or xlsx file with pandas.  Both raise
:class:`CalibrationError` with a one-line message (``read_series``'s name the file).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CalibrationError", "Estimate", "estimate", "growth_block", "read_series"]

MIN_RATES = 2  # the sample sd needs two growth rates: three consecutive years


class CalibrationError(ValueError):
    """A series that cannot be calibrated on; ``str()`` is one line."""


@dataclass(frozen=True)
class Estimate:
    mean: float             # E[T_t / T_{t-1}] - 1, the model's growth.mean
    mean_se: float
    volatility: float       # sd of annual log growth, the model's growth.volatility
    volatility_se: float
    log_mean: float         # mean annual log growth (the drift)
    log_mean_se: float
    n: int                  # growth rates used
    first_year: int
    last_year: int
    excluded: tuple[int, ...] = ()


def _check_years(years: Sequence[int]) -> None:
    pairs = list(zip(years, years[1:]))
    for prev, year in pairs:  # order first: an unsorted series would otherwise look like gaps
        if year < prev:
            raise CalibrationError(f"years are not in increasing order: {year} comes after {prev} "
                                   "(sort the rows; they are not sorted for you)")
    for prev, year in pairs:
        if year == prev:
            raise CalibrationError(f"year {year} appears more than once")
    for prev, year in pairs:
        if year != prev + 1:
            missing = f"{prev + 1}" if year == prev + 2 else f"{prev + 1}-{year - 1}"
            raise CalibrationError(f"years jump from {prev} to {year}: {missing} missing (growth rates need "
                                   "consecutive years)")


def estimate(years: Iterable[int], values: Iterable[float], exclude: Iterable[int] = ()) -> Estimate:
    """Estimate the revenue model's growth ``mean`` and ``volatility`` from an annual series."""
    years = [int(y) for y in years]
    values = np.asarray(list(values), dtype=float)
    if len(years) != values.size:
        raise CalibrationError(f"{len(years)} years but {values.size} values")
    if not np.all(np.isfinite(values)):
        bad = years[int(np.flatnonzero(~np.isfinite(values))[0])]
        raise CalibrationError(f"year {bad}: the value is not a finite number")
    if np.any(values <= 0):
        i = int(np.flatnonzero(values <= 0)[0])
        raise CalibrationError(f"year {years[i]}: value {values[i]:g} is not positive (log growth is undefined)")
    _check_years(years)
    excluded = tuple(sorted(set(int(y) for y in exclude)))
    for year in excluded:
        if year not in years:
            span = f"{years[0]}-{years[-1]}" if years else "none"
            raise CalibrationError(f"--exclude {year}: not a year of the series ({span})")
        if year == years[0]:
            raise CalibrationError(f"--exclude {year}: the first year has no growth rate into it")
    rates = np.diff(np.log(values))
    keep = np.array([y not in excluded for y in years[1:]], dtype=bool)
    g = rates[keep]
    n = int(g.size)
    if n < MIN_RATES:
        left = f" after excluding {', '.join(map(str, excluded))}" if excluded else ""
        raise CalibrationError(f"{len(years)} years give {n} growth rate{'s' if n != 1 else ''}{left}; at least "
                               f"{MIN_RATES} are needed (3 consecutive years)")
    mu = float(np.mean(g))
    sigma = float(np.std(g, ddof=1))
    se_mu = sigma / math.sqrt(n)
    se_sigma = sigma / math.sqrt(2 * (n - 1))
    level = math.exp(mu + sigma**2 / 2)
    return Estimate(mean=level - 1, mean_se=level * math.sqrt(se_mu**2 + sigma**2 * se_sigma**2),
                    volatility=sigma, volatility_se=se_sigma, log_mean=mu, log_mean_se=se_mu, n=n,
                    first_year=years[0], last_year=years[-1], excluded=excluded)


def growth_block(est: Estimate, source: str) -> dict:
    """The ``growth`` mapping of a scenario's ``revenue`` section: self-describing leaves
    ``{value, unit, source, note}`` for ``mean``, ``volatility`` and ``mean_sd`` (the standard error
    of the mean log growth, which the revenue model draws each path's mean from)."""
    shocks = (f"; growth into {', '.join(map(str, est.excluded))} excluded as a shock"
              f"{'s' if len(est.excluded) > 1 else ''}" if est.excluded else "")
    where = f"{source}, {est.first_year}-{est.last_year}: {est.n} annual log growth rates{shocks}"
    return {
        "mean": {
            "value": round(est.mean, 4),
            "unit": "per year",
            "source": f"estimated by simlib calibrate from {where}",
            "note": (f"standard error {est.mean_se:.4f}; exp(m + s^2/2) - 1 with m = {est.log_mean:.4f} "
                     f"(se {est.log_mean_se:.4f}) the mean log growth and s the volatility"),
        },
        "volatility": {
            "value": round(est.volatility, 4),
            "unit": "sd of annual log growth",
            "source": f"estimated by simlib calibrate from {where}",
            "note": f"standard error {est.volatility_se:.4f} (sample sd, ddof=1)",
        },
        "mean_sd": {
            "value": round(est.log_mean_se, 4),
            "unit": "sd of each path's mean log growth",
            "source": f"the standard error of the mean log growth estimated from {where}",
            "note": "standard error of the mean log growth, as parameter uncertainty: each path draws its own "
                    "mean growth, so the fan carries the estimate's uncertainty; set 0 to let every path share it",
        },
    }


def _number(cell) -> float | None:
    """A cell as a float, or None when it holds no number (text, a date, a boolean)."""
    if isinstance(cell, bool | np.bool_):
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        return float(cell)
    if isinstance(cell, str):
        try:
            return float(cell.strip())
        except ValueError:
            return None
    return None


def _blank(cell) -> bool:
    if isinstance(cell, str):
        return not cell.strip()
    import pandas as pd

    return cell is None or (np.ndim(cell) == 0 and bool(pd.isna(cell)))  # None, NaN, NaT, pd.NA


def read_series(path: str | Path, column: str, year_column: str = "year") -> tuple[list[int], list[float]]:
    """The years and values of one column of a CSV or xlsx file (first sheet), in file order.

    Rows are named as a spreadsheet shows them (the header is row 1).  The file must be a regular
    file of at most :data:`~simlib.scenario.files.MAX_CALIBRATE_BYTES` (16 MiB), checked before it
    is opened.  Raises :class:`CalibrationError` naming the file: missing, not a regular file (a
    FIFO, a device, a directory), too large, not CSV/xlsx, unreadable, a missing
    column (listing those there are), a blank or non-numeric cell, a year that is not whole."""
    import pandas as pd

    path = Path(path)
    label = str(path)

    def fail(message: str) -> CalibrationError:
        return CalibrationError(f"{label}: {message}")

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise fail(f"not a CSV or xlsx file (a name ending .csv or .xlsx), got {suffix or 'no extension'!r}")
    from simlib.scenario.files import MAX_CALIBRATE_BYTES, UnreadableFile, read_bytes

    try:  # a regular file of at most 16 MiB, read once (a FIFO or a device is refused, never read)
        raw = io.BytesIO(read_bytes(path, MAX_CALIBRATE_BYTES, "a series file"))
    except UnreadableFile as exc:
        raise fail(str(exc)) from None
    try:
        if suffix == ".csv":
            frame = pd.read_csv(raw, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_excel(raw, sheet_name=0, dtype=object, engine="openpyxl")
    except pd.errors.EmptyDataError:
        raise fail("the file is empty") from None
    except UnicodeDecodeError:
        raise fail("not UTF-8 text") from None
    except pd.errors.ParserError as exc:
        raise fail(f"not readable as CSV: {str(exc).strip().splitlines()[-1]}") from None
    except Exception as exc:  # openpyxl: a zip that is not a workbook, a corrupt file, ...
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise fail(f"not readable as {'xlsx' if suffix == '.xlsx' else 'CSV'}: {detail}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in (year_column, column) if c not in frame.columns]
    if missing:
        kind = "year column" if missing[0] == year_column else "column"
        there = ", ".join(repr(c) for c in frame.columns) or "none"
        raise fail(f"no {kind} {missing[0]!r} (the columns are: {there})")
    if year_column == column:
        raise fail(f"the series and the year column are both {column!r}")
    if frame.empty:
        raise fail("no rows under the header")
    years, values = [], []
    for i, (year_cell, cell) in enumerate(zip(frame[year_column], frame[column])):
        row = i + 2
        if _blank(year_cell):
            raise fail(f"row {row}: column {year_column!r} is empty")
        year = _number(year_cell)
        if year is None or not math.isfinite(year) or year != int(year):
            raise fail(f"row {row}: column {year_column!r}: {str(year_cell).strip()!r} is not a whole year")
        year = int(year)
        if _blank(cell):
            raise fail(f"row {row} (year {year}): column {column!r} is empty")
        value = _number(cell)
        if value is None:
            raise fail(f"row {row} (year {year}): column {column!r}: {str(cell).strip()!r} is not a number")
        if not math.isfinite(value):
            raise fail(f"row {row} (year {year}): column {column!r}: {str(cell).strip()!r} is not a finite number")
        if value <= 0:
            raise fail(f"row {row} (year {year}): column {column!r}: {value:g} is not positive "
                       "(log growth is undefined)")
        years.append(year)
        values.append(value)
    return years, values
