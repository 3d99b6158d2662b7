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


def simlib(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed `simlib` command and capture what it prints."""
    return subprocess.run([str(SIMLIB), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture
def run_simlib():
    return simlib
