"""Reading input files safely (issue 17): what is not a regular file is refused before it is opened,
a file over its limit before it is read, and the refusals that once took seconds (a long YAML list,
a million-row roster, many departments) come from linear work.  Each case runs the CLI the way the
bad-input corpus does (tests/test_bad_inputs.py) on files generated in ``tmp_path``: exit 2, a line
naming the file, no traceback, nothing written.  Wall time is measured by ``make bench`` only."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, simlib
from test_roster import SCENARIO as ROSTER_SCENARIO

GOOD = (ROOT / "params" / "yongchang_2024.yaml").read_text(encoding="utf-8")
HEADER = "id,department,track,level,base_pay,unit,pay_scheme\n"


def roster_scenario(folder: Path, roster: str, rounds: int = 1) -> Path:
    data = copy.deepcopy(ROSTER_SCENARIO)
    data["salary"].update(roster=roster, rounds=rounds)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def refused(*args: str, expect: str, names: tuple[str, ...], cwd: Path = ROOT, timeout: float = 60) -> list[str]:
    """Run ``simlib ARGS``: it must exit 2 within ``timeout`` seconds (a FIFO must not block it), with a
    line containing ``expect`` and every line starting with one of ``names``; returns the lines."""
    try:
        proc = simlib(*args, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"simlib {' '.join(args)} did not return within {timeout} s")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert any(expect in line for line in lines), proc.stderr
    assert all(line.startswith(names) for line in lines), lines
    return lines


# -- what is not a regular file -------------------------------------------------------------------


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


SPECIAL = {
    "fifo": (lambda tmp: _fifo(tmp, "pipe.yaml"), "is a FIFO (named pipe), not a regular file"),
    "dev-zero": (lambda tmp: Path("/dev/zero"), "is a character device, not a regular file"),
    "dev-null": (lambda tmp: Path("/dev/null"), "is a character device, not a regular file"),
    "directory": (lambda tmp: tmp, "is a directory, not a scenario file"),
    "name-too-long": (lambda tmp: tmp / ("x" * 300 + ".yaml"), "a name in the path is too long"),
    "symlink-loop": (lambda tmp: _loop(tmp), "too many levels of symbolic links"),
    "over-the-limit": (lambda tmp: _sparse(tmp, "huge.yaml", 200 << 20), "is 200.0 MiB, more than the 1 MiB a "
                                                                           "scenario file may be"),
    "just-over-the-limit": (lambda tmp: _sparse(tmp, "big.yaml", (1 << 20) + 1),
                            "is 1,048,577 bytes, more than the 1 MiB (1,048,576 bytes) a scenario file may be"),
}


def _loop(tmp: Path) -> Path:
    (tmp / "a.yaml").symlink_to(tmp / "b.yaml")
    (tmp / "b.yaml").symlink_to(tmp / "a.yaml")
    return tmp / "a.yaml"


def _sparse(tmp: Path, name: str, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk (``truncate``)."""
    path = tmp / name
    with open(path, "wb") as f:
        f.truncate(size)
    return path


@pytest.mark.parametrize("case", list(SPECIAL))
def test_a_scenario_that_is_not_a_regular_file_is_refused(tmp_path, case):
    make, expect = SPECIAL[case]
    path = str(make(tmp_path))
    refused("check", path, expect=expect, names=(path,), timeout=30)


@pytest.mark.parametrize("case", ["fifo", "dev-zero", "dev-null", "directory", "over-the-limit"])
def test_a_roster_that_is_not_a_regular_file_is_refused(tmp_path, case):
    roster = {"fifo": lambda: str(_fifo(tmp_path, "roster.csv")), "dev-zero": lambda: "/dev/zero",
              "dev-null": lambda: "/dev/null", "directory": lambda: str(tmp_path),
              "over-the-limit": lambda: str(_sparse(tmp_path, "roster.csv", 80 << 20))}[case]()
    expect = {"fifo": "is a FIFO (named pipe), not a regular file", "directory": "is a directory, not a roster",
              "over-the-limit": "is 80.0 MiB, more than the 16 MiB a roster may be"}.get(
        case, "is a character device, not a regular file")
    scenario = roster_scenario(tmp_path, roster)
    refused("check", str(scenario), expect=expect, names=(str(scenario), roster), timeout=30)


def test_the_register_and_the_series_files_are_read_safely(tmp_path):
    fifo = _fifo(tmp_path, "register.yaml")
    text = GOOD.replace("meta:\n", f"meta:\n  documents: {fifo.name}\n", 1) if "documents:" not in GOOD else GOOD
    if "documents:" in GOOD:  # point the scenario's register at the FIFO
        import re

        text = re.sub(r"(?m)^(\s*documents:\s*).*$", lambda m: m.group(1) + fifo.name, GOOD, count=1)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    refused("check", str(scenario), expect="is a FIFO (named pipe), not a regular file",
            names=(str(scenario), str(fifo)), timeout=30)
    series = _fifo(tmp_path, "series.csv")
    refused("calibrate", str(series), "--series", "tax", expect="is a FIFO (named pipe), not a regular file",
            names=(str(series),), timeout=30)
    observations = _fifo(tmp_path, "funnel.yaml")
    refused("calibrate-funnel", str(observations), expect="is a FIFO (named pipe), not a regular file",
            names=(str(observations),), timeout=30)


def test_the_reader_checks_the_file_it_opened(tmp_path, monkeypatch):
    """The fstat after the open is what refuses a path swapped for a FIFO between stat and open: the
    first stat is made to see a regular file (as it would have before the swap), and the FIFO is still
    opened without blocking and refused."""
    from simlib.scenario import files
    from simlib.scenario.files import UnreadableFile, read_bytes

    with pytest.raises(UnreadableFile, match="file not found"):
        read_bytes("/nonexistent/x.yaml", 1 << 20, "a scenario file")
    regular = tmp_path / "regular.yaml"
    regular.write_text("a: 1\n", encoding="utf-8")
    fifo = _fifo(tmp_path, "swapped.yaml")
    real_stat = os.stat
    monkeypatch.setattr(files.os, "stat", lambda path, *a, **k: real_stat(regular) if str(path) == str(fifo)
                        else real_stat(path, *a, **k))
    with pytest.raises(UnreadableFile, match="is a FIFO"):
        read_bytes(fifo, 1 << 20, "a scenario file")  # would block for ever if the open were not checked


# -- the YAML: counted on the event stream ---------------------------------------------------------


def test_a_long_list_is_refused_by_counting_not_as_an_alias_bomb(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(GOOD + "\nextra: [" + "0," * 150_000 + "]\n", encoding="utf-8")  # 300 KB, no alias
    lines = refused("check", str(path), expect="more than 20,000 values", names=(str(path),))
    assert not any("alias" in line for line in lines), lines


def test_the_value_count_stops_the_parse_early(tmp_path, monkeypatch):
    """The count refuses before anything is built: no node is composed for a list past the limit."""
    import yaml as pyyaml

    from simlib.scenario import loader
    from simlib.scenario.problems import ScenarioError

    path = tmp_path / "long.yaml"
    path.write_text("a: [" + "0," * 150_000 + "]\n", encoding="utf-8")
    composed = []
    monkeypatch.setattr(pyyaml, "compose", lambda *a, **k: composed.append(1))
    with pytest.raises(ScenarioError, match="more than 20,000 values"):
        loader.read_document(path, str(path), "a scenario file", "")
    assert composed == []


# -- the roster: the largest allowed, a million rows, many departments ------------------------------


def test_the_largest_roster_with_one_bad_row_at_its_end(tmp_path):
    from simlib.scenario.roster import MAX_ROWS

    rows = [f"p{i},部门{i % 200},{'management' if i % 2 else 'professional'},一级,{10 + i % 7},committee,\n"
            for i in range(MAX_ROWS - 1)]
    rows.append(f"p{MAX_ROWS},部门1,management,一级,abc,committee,\n")
    (tmp_path / "roster.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    scenario = roster_scenario(tmp_path, "roster.csv")
    roster = str(tmp_path / "roster.csv")
    lines = refused("check", str(scenario), expect=f"line {MAX_ROWS + 1}: base_pay: must be a non-negative number, "
                    "got 'abc'", names=(roster,), timeout=120)
    assert len(lines) == 1


def test_more_rows_than_allowed_are_refused(tmp_path):
    (tmp_path / "roster.csv").write_text(HEADER + "p,d,management,l,1,,\n" * 100_001, encoding="utf-8")
    scenario = roster_scenario(tmp_path, "roster.csv")
    refused("check", str(scenario), expect="has 100,001 rows, more than the 100,000 a roster may have",
            names=(str(tmp_path / "roster.csv"),), timeout=120)


def test_a_million_row_roster_is_refused_by_its_size_before_it_is_read(tmp_path):
    with open(tmp_path / "roster.csv", "w", encoding="utf-8") as f:
        f.write(HEADER)
        f.writelines(f"p{i},部门{i % 200},management,一级,10,committee,\n" for i in range(1_000_000))
    scenario = roster_scenario(tmp_path, "roster.csv")
    refused("check", str(scenario), expect="more than the 16 MiB a roster may be",
            names=(str(tmp_path / "roster.csv"),), timeout=120)


def test_many_departments_are_indexed_in_linear_time(tmp_path, monkeypatch):
    """40,000 distinct departments: the names are looked up by ``pd.factorize`` (one pass), never by
    ``list.index`` (a pass per person); counted by patching, not timed."""
    import pandas as pd

    from simlib.scenario import roster as roster_csv

    n = 40_000
    (tmp_path / "roster.csv").write_text(
        HEADER + "".join(f"p{i},部门{i},management,一级,10,,\n" for i in range(n)), encoding="utf-8")
    calls = []
    real = pd.factorize
    monkeypatch.setattr(pd, "factorize", lambda values, *a, **k: calls.append(len(values)) or real(values, *a, **k))
    staff, problems = roster_csv.read(tmp_path / "roster.csv")
    assert problems == [] and staff.size == n and len(staff.department_names) == n
    assert staff.department.tolist() == list(range(n))
    assert len(calls) <= 12 and all(c <= n for c in calls)  # a fixed number of passes over the column
