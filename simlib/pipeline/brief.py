"""One brief from start to finish: execute a notebook, render it, publish it — or publish nothing.

The same function serves ``simlib brief``, ``simlib compare``, ``simlib sweep``, ``simlib sensitivity``
and every worker of ``simlib batch``; it prints nothing and returns an :class:`Outcome` (a full disk
and an interrupt are raised, after cleaning up).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    name: str
    outdir: Path
    ok: bool
    seconds: float
    error: str | None = None  # one line: the failing cell and its error
    kept: Path | None = None  # the executed notebook of a failed run
    # what cells wrote to stderr, one line each: a warning's category and message, else an output's last line
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False  # an unchanged scenario whose last good brief stands

    @property
    def size_kb(self) -> float:
        page = self.outdir / "brief.html"
        return page.stat().st_size / 1024 if page.exists() else 0.0


def publish_brief(name: str, notebook: Path, params: dict, outdir: Path, title: str, language: str,
                  staged: Callable[[Path], tuple[dict, list[str]]] | None = None) -> Outcome:
    """Execute ``notebook`` with ``params`` in a staging folder inside ``outdir`` and publish
    ``brief.html`` and ``results.json`` there; on failure publish nothing and keep ``failed.ipynb``.

    ``staged``, when given, is called with the staging folder before the notebook runs: it writes the
    notebook's input and the files that go with the brief there, and returns the notebook's extra
    parameters and the names of the files to publish with it (moved in before ``brief.html``, so that
    a table never stands beside a brief it does not belong to).

    On Ctrl-C or SIGTERM the kernel is shut down, the staging folder removed, every earlier output
    (brief, results, tables, ``failed.ipynb``) left as it was, and the interrupt goes on.  A full disk
    (ENOSPC, EDQUOT) anywhere on the way raises :class:`OSError` naming ``outdir``, after the same
    clean-up and without keeping any notebook.
    """
    from simlib.pipeline import execute, publish, render  # the notebook machinery, only when a brief is made

    started = time.perf_counter()
    try:
        with publish.staging(outdir) as stage:
            stage = stage.resolve()
            executed = stage / "executed.ipynb"
            results = stage / "results.json"
            extra, files = staged(stage) if staged is not None else ({}, [])
            values = {**params, **extra, "results_path": str(results)}
            if "notebook_font" in execute.declared_parameters(notebook):
                values["notebook_font"] = False  # JupyterLab's font: the brief embeds its own, a smaller subset
            failure = execute.execute(notebook, executed, values, cwd=stage)
            warnings = _warnings(executed)
            if failure is None and not results.is_file():
                failure = execute.Failure(None, f"{notebook.name} did not write results.json")
            if failure is None:
                _record_notebook(results, notebook)
            page = stage / "brief.html"
            if failure is None:
                try:
                    publish.write_text(page, render.to_html(executed, title=title, language=language))
                except Exception as exc:  # a notebook nbconvert cannot render is a failed run too
                    if execute.disk_full(exc) is not None:
                        raise
                    failure = execute.Failure(None, f"rendering failed: {type(exc).__name__}: {exc}")
            if failure is not None:
                kept = None
                if executed.exists():
                    kept = outdir / "failed.ipynb"
                    publish.move(executed, kept)
                return Outcome(name, outdir, False, time.perf_counter() - started, str(failure), kept, warnings)
            # what goes with the brief first, then the brief, results last: results.json is what batch
            # trusts to skip a scenario
            for file in files:
                publish.move(stage / file, outdir / file)
            publish.move(page, outdir / "brief.html")
            publish.move(results, outdir / "results.json")
            (outdir / "failed.ipynb").unlink(missing_ok=True)
    except OSError as exc:
        full = execute.disk_full(exc)
        if full is None:
            raise
        raise OSError(full.errno, os.strerror(full.errno), str(outdir)) from None
    return Outcome(name, outdir, True, time.perf_counter() - started, warnings=warnings)


def _warnings(executed: Path) -> list[str]:
    """What the executed notebook's cells wrote to stderr, one line each; none when it cannot be read."""
    from simlib.pipeline import execute

    try:
        return execute.warnings_in(execute.stderr_text(executed)) if executed.exists() else []
    except (OSError, ValueError):
        return []


def _record_notebook(results_path: Path, notebook: Path) -> None:
    """Add the notebook that made the brief, and its hash, to the staged results.json's provenance
    (the kernel does not know which file it is running)."""
    from simlib.brief.results import file_sha256, write_json

    doc = json.loads(results_path.read_text(encoding="utf-8"))
    doc.setdefault("provenance", {})["notebook"] = {"file": notebook.name, "sha256": file_sha256(notebook)}
    write_json(doc, results_path)
