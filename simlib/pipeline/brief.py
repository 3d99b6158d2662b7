"""One brief from start to finish: execute a notebook, render it, publish it — or publish nothing.

The same function serves ``simlib brief``, ``simlib compare`` and every worker
of ``simlib batch``; it prints nothing and returns an :class:`Outcome`.
"""

from __future__ import annotations

import json
import time
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


def publish_brief(name: str, notebook: Path, params: dict, outdir: Path, title: str, language: str) -> Outcome:
    """Execute ``notebook`` with ``params`` in a staging folder inside ``outdir`` and publish
    ``brief.html`` and ``results.json`` there; on failure publish nothing and keep ``failed.ipynb``."""
    from simlib.pipeline import execute, publish, render  # the notebook machinery, only when a brief is made

    started = time.perf_counter()
    with publish.staging(outdir) as stage:
        stage = stage.resolve()
        executed = stage / "executed.ipynb"
        results = stage / "results.json"
        values = {**params, "results_path": str(results)}
        if "notebook_font" in execute.declared_parameters(notebook):
            values["notebook_font"] = False  # JupyterLab's font: the brief embeds its own, a smaller subset
        failure = execute.execute(notebook, executed, values, cwd=stage)
        warnings = execute.warnings_in(execute.stderr_text(executed)) if executed.exists() else []
        if failure is None and not results.is_file():
            failure = execute.Failure(None, f"{notebook.name} did not write results.json")
        if failure is None:
            _record_notebook(results, notebook)
        page = stage / "brief.html"
        if failure is None:
            try:
                publish.write_text(page, render.to_html(executed, title=title, language=language))
            except Exception as exc:  # a notebook nbconvert cannot render is a failed run too
                failure = execute.Failure(None, f"rendering failed: {type(exc).__name__}: {exc}")
        if failure is not None:
            kept = None
            if executed.exists():
                kept = outdir / "failed.ipynb"
                publish.move(executed, kept)
            return Outcome(name, outdir, False, time.perf_counter() - started, str(failure), kept, warnings)
        # brief first, results last: results.json is what batch trusts to skip a scenario
        publish.move(page, outdir / "brief.html")
        publish.move(results, outdir / "results.json")
        (outdir / "failed.ipynb").unlink(missing_ok=True)
    return Outcome(name, outdir, True, time.perf_counter() - started, warnings=warnings)


def _record_notebook(results_path: Path, notebook: Path) -> None:
    """Add the notebook that made the brief, and its hash, to the staged results.json's provenance
    (the kernel does not know which file it is running)."""
    from simlib.brief.results import file_sha256, write_json

    doc = json.loads(results_path.read_text(encoding="utf-8"))
    doc.setdefault("provenance", {})["notebook"] = {"file": notebook.name, "sha256": file_sha256(notebook)}
    write_json(doc, results_path)
