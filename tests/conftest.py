"""Shared test set-up: hermetic Jupyter and matplotlib state, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis draws the same examples on every run, so CI is repeatable and a red run can be
# re-run to the same failure; HYPOTHESIS_PROFILE=explore draws fresh ones (and finds new cases).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
SIMLIB = Path(sys.executable).with_name("simlib")

# Nothing a test starts reads or writes the user's Jupyter, IPython or matplotlib folders.
_HERMETIC = Path(tempfile.mkdtemp(prefix="simlib-tests-"))
for var in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
    os.environ[var] = str(_HERMETIC / var.lower())
    Path(os.environ[var]).mkdir()


class Captured:
    """Stands in for ``charts.figure_uri``: keeps each figure a brief draws, for inspection, instead of
    encoding it."""

    def __init__(self):
        self.figures = []

    def __call__(self, fig) -> str:
        self.figures.append(fig)
        return "data:image/png;base64,"


def simlib(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed `simlib` command and capture what it prints."""
    return subprocess.run([str(SIMLIB), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env={**os.environ, **(env or {})})


def simlib_here(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """:func:`simlib` without a process of its own: the console entry point
    (:func:`simlib.interrupt.main`) called in this one, in ``cwd`` with ``env`` added, its output
    captured.  For commands that end before any kernel or worker starts (bad input, ``check``,
    ``calibrate``): the same checks and messages, without the interpreter's second of start-up."""
    import contextlib
    import io

    from simlib import interrupt

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env or {})
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = interrupt.main(list(args))
            except SystemExit as exc:  # argparse's --help and errors
                status = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["simlib", *args], status, out.getvalue(), err.getvalue())


@pytest.fixture
def run_simlib():
    return simlib


# -- the slowest files first -----------------------------------------------------------------------

#: Files that take the longest (seconds of test time, measured on 2 cores), run first: ``make test``
#: hands whole files to its two workers (``--dist loadfile``), so a slow file handed out last would
#: leave one worker idle for minutes while the other finishes it.  Any order is correct; this one
#: makes the two finish together.
SLOWEST_FIRST = ["test_browser", "test_batch", "test_reliability", "test_bad_inputs", "test_report",
                 "test_salary", "test_sweep", "test_brief", "test_calibrate", "test_notebook_font",
                 "test_disk_full", "test_zone_brief", "test_brief_language", "test_explore_notebooks",
                 "test_hostile_names", "test_invariants", "test_contract", "test_signals"]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: a file's own order is kept


# -- every results.json the suite writes conforms to the published schema --------------------------

_INVALID_ON_PURPOSE: set[Path] = set()


def pytest_configure(config):
    config.addinivalue_line("markers", "writes_invalid_results: the test writes a results.json that is not a "
                                       "brief's on purpose (kept out of the schema check)")


@pytest.fixture(autouse=True)
def _note_invalid_results(request):
    if request.node.get_closest_marker("writes_invalid_results") and "tmp_path" in request.fixturenames:
        _INVALID_ON_PURPOSE.add(request.getfixturevalue("tmp_path"))
    yield


@pytest.fixture(scope="session", autouse=True)
def _results_conform_to_the_schema(tmp_path_factory):
    """After the session: every results.json under the tests' temporary folders validates against
    schemas/results.schema.json (the published schema), with jsonschema, not with our own models."""
    yield
    import json

    import jsonschema

    schema = json.loads((ROOT / "schemas" / "results.schema.json").read_text(encoding="utf-8"))
    problems = []
    for path in sorted(tmp_path_factory.getbasetemp().rglob("results.json")):
        if any(path.is_relative_to(skip) for skip in _INVALID_ON_PURPOSE) or not path.is_file():
            continue  # (a folder named results.json is a test's obstacle, not a brief's output)
        try:
            jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            problems.append(f"{path}: {str(exc).splitlines()[0]}")
    assert not problems, "results.json not conforming to schemas/results.schema.json:\n" + "\n".join(problems)
