"""``results.json``: the numbers of a brief, for scripts and later comparison.

Layout: ``scenario``; ``provenance`` (parameter hash, seed, scenario file,
overrides, creation time; simlib version, git commit, a hash of simlib's
source, Python and library versions; the notebook and its hash, added by the
pipeline); ``params`` (the resolved values, which load back as a scenario file);
``metrics`` (one entry per model).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import platform
import subprocess
from pathlib import Path

import numpy as np

import simlib
from simlib.scenario import ScenarioRun

_PROJECT_DIR = Path(simlib.__file__).resolve().parent.parent


def git_commit() -> dict:
    """The commit simlib's checkout is at, and whether it has uncommitted changes; nulls outside git."""
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=_PROJECT_DIR, capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"git_commit": commit, "git_dirty": None if dirty is None else bool(dirty)}


# the libraries whose versions can change a brief's numbers or its rendering
_PACKAGES = ("numpy", "scipy", "pandas", "pydantic", "matplotlib", "papermill", "nbconvert", "SALib")


@functools.cache
def code_sha256() -> str:
    """A hash of simlib's own source and brief template: it changes whenever the code that makes
    the numbers or the page changes, even when the version number does not."""
    package = Path(simlib.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def software() -> dict:
    """What ran: simlib's version, commit and source hash, Python and the libraries that matter."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {"simlib_version": simlib.__version__, **git_commit(), "code_sha256": code_sha256(),
            "python": platform.python_version(), "numpy": np.__version__,
            "packages": {name: installed(name) for name in _PACKAGES}}


def _shown_path(path: Path) -> str:
    """The scenario's path relative to the project when it lies inside it, else its file name."""
    try:
        return str(path.resolve().relative_to(_PROJECT_DIR))
    except ValueError:
        return path.name


def provenance(run: ScenarioRun) -> dict:
    sc = run.scenario
    return {
        "params_sha256": sc.params_sha256(),
        "seed": sc.params.meta.seed,
        "scenario_file": _shown_path(sc.path),
        "overrides": list(sc.overrides),
        "roster_sha256": sc.roster_sha256,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **software(),
    }


def document(run: ScenarioRun, provenance_: dict | None = None) -> dict:
    return {
        "scenario": run.scenario.name,
        "provenance": provenance_ or provenance(run),
        "params": run.scenario.resolved(),
        "metrics": run.document_metrics(),
    }


def write_json(data: dict, path: str | Path) -> None:
    """Write ``data`` as JSON (UTF-8, no NaN).  A brief's notebook writes it inside the pipeline's
    staging folder, and the pipeline renames it into place once the whole brief is good."""
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8")
