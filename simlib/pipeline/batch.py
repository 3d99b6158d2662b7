"""``simlib batch``: many scenarios, one brief folder each, in parallel worker processes, resumable.

A scenario whose resolved parameters, simlib version, simlib source and
notebook (their hashes) match its last good ``results.json`` is skipped, so an
interrupted batch picks up where it stopped.  Every scenario runs in its own staging folder through the same
pipeline as ``simlib brief``; one failing never stops the others.  Workers are
local processes, or a Dask cluster (``dask=ADDRESS`` or ``"local"``).  At the
end ``index.html`` lists every scenario with its status, headline figures, run
time and a link to its brief or its kept ``failed.ipynb``.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from urllib.parse import quote

import simlib
from simlib import scenario
from simlib.pipeline import publish
from simlib.pipeline.brief import Outcome

ZONE_NOTEBOOK = Path(simlib.__file__).resolve().parent.parent / "notebooks" / "zone_brief.ipynb"


def up_to_date(sc: scenario.Scenario, outdir: Path, notebook_sha256: str) -> bool:
    """Whether ``outdir`` holds a good brief of exactly these parameters, made by this simlib (version
    and source) with the notebook of this hash."""
    from simlib.brief.results import code_sha256

    try:
        prov = json.loads((outdir / "results.json").read_text(encoding="utf-8"))["provenance"]
        made_by = prov["notebook"]["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return ((outdir / "brief.html").is_file() and prov.get("params_sha256") == sc.params_sha256()
            and prov.get("simlib_version") == simlib.__version__ and prov.get("code_sha256") == code_sha256()
            and made_by == notebook_sha256)


def brief_job(path: str, overrides: list[str], outdir: str, notebook: str = str(ZONE_NOTEBOOK)) -> Outcome:
    """One scenario's brief, in whatever process runs it (a pool worker or a Dask worker)."""
    from simlib.pipeline.brief import publish_brief

    sc = scenario.load(path, overrides)
    params = {"scenario_path": str(Path(path).resolve()), "overrides": list(overrides)}
    try:
        return publish_brief(sc.name, Path(notebook), params, Path(outdir), sc.params.meta.title,
                             sc.params.meta.language)
    except Exception as exc:  # anything a worker did not foresee is this scenario's failure, not the batch's
        return Outcome(sc.name, Path(outdir), False, 0.0, f"{type(exc).__name__}: {exc}")


def run_batch(scenarios: list[scenario.Scenario], outroot: Path, jobs: int, force: bool = False,
              dask: str | None = None, on_done: Callable[[Outcome], None] = lambda o: None,
              notebook: Path = ZONE_NOTEBOOK) -> list[Outcome]:
    """Brief every scenario not already up to date; return the outcomes in the scenarios' order."""
    from simlib.brief.results import file_sha256

    outcomes: dict[str, Outcome] = {}
    todo = []
    notebook_sha256 = file_sha256(notebook)
    for sc in scenarios:
        outdir = outroot / sc.name
        if not force and up_to_date(sc, outdir, notebook_sha256):
            publish.remove_stale(outdir)  # a run killed after publishing leaves its staging folder
            outcomes[sc.name] = Outcome(sc.name, outdir, True, 0.0, skipped=True)
            on_done(outcomes[sc.name])
        else:
            todo.append((str(sc.path), list(sc.overrides), str(outdir), str(notebook)))
    # longest first (more model sections, longer briefs), so no long brief runs alone at the end
    weight = {str(sc.path): -len(sc.sections) for sc in scenarios}
    todo.sort(key=lambda job: weight[job[0]])
    for outcome in _run(todo, jobs, dask):
        outcomes[outcome.name] = outcome
        on_done(outcome)
    return [outcomes[sc.name] for sc in scenarios]


def _run(todo: list[tuple], jobs: int, dask: str | None) -> Iterable[Outcome]:
    if not todo:
        return
    if dask is not None:
        from simlib.explore.cluster import client_for

        with client_for(dask, jobs) as client:
            from distributed import as_completed as dask_completed

            futures = {client.submit(brief_job, *job, pure=False): job for job in todo}
            for future in dask_completed(futures):
                try:
                    yield future.result()
                except Exception as exc:  # e.g. KilledWorker: the scenario's workers kept dying
                    yield _lost(futures[future], f"{type(exc).__name__}: {exc}")
        return
    broken = []
    with _pool(jobs) as pool:
        futures = {pool.submit(brief_job, *job): job for job in todo}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                broken.append(futures[future])
    if broken:
        # A worker process died (killed, or out of memory) and took the pool down with it.  Every
        # scenario not finished is run again, each in a worker of its own, so that only the scenario
        # that kills its worker fails.
        with ThreadPoolExecutor(max_workers=jobs) as threads:
            for future in as_completed([threads.submit(_isolated, job) for job in broken]):
                yield future.result()


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawned workers: a fork of a process that already holds ZeroMQ sockets is not safe
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _isolated(job: tuple) -> Outcome:
    with _pool(1) as pool:
        try:
            return pool.submit(brief_job, *job).result()
        except BrokenProcessPool:
            return _lost(job, "the worker process died (killed by a signal, or out of memory)")


def _lost(job: tuple, error: str) -> Outcome:
    """The outcome of a scenario whose worker never reported back."""
    outdir = Path(job[2])
    return Outcome(outdir.name, outdir, False, 0.0, error)


def write_index(outcomes: list[Outcome], outroot: Path) -> Path:
    """``outroot/index.html``: one row per scenario, a self-contained page with no script
    (the template ``simlib/brief/templates/batch_index.html.j2``, which escapes every value)."""
    from simlib.brief.headlines import headlines, label, show, typed
    from simlib.brief.html import render

    rows = []
    for o in outcomes:
        try:
            doc = json.loads((o.outdir / "results.json").read_text(encoding="utf-8")) if o.ok else None
        except (OSError, ValueError):
            doc = None
        if o.ok:
            metrics = typed(doc["metrics"]) if doc else {}
            figures = "; ".join(f"{label(h, metrics[section], 'en')}: {show(value, h.kind, 'en')}"
                                for section, h, value in headlines(metrics, limit=4))
            status = "unchanged, skipped" if o.skipped else "ok"
            target, text = "brief.html", "brief"
        else:
            figures = ""
            status = "failed: " + (o.error or "").splitlines()[0] if o.error else "failed"
            target, text = ("failed.ipynb", "failed.ipynb") if o.kept else (None, None)
        rows.append({"cls": "ok" if o.ok else "failed", "name": o.name, "status": status, "figures": figures,
                     "seconds": f"{o.seconds:.1f}", "link": quote(o.name), "target": target, "text": text})
    page = render("batch_index.html.j2", rows=rows, failed=sum(not o.ok for o in outcomes),
                  version=simlib.__version__)
    outroot.mkdir(parents=True, exist_ok=True)
    path = outroot / "index.html"
    publish.write_text(path, page + "\n")
    return path
