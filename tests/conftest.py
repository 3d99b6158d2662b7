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


@pytest.fixture
def run_simlib():
    return simlib


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
