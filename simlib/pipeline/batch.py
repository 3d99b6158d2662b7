"""``simlib batch``: many scenarios, one brief folder each, in parallel worker processes, resumable.

A scenario whose resolved parameters, simlib version, simlib source and
notebook (their hashes) match its last good ``results.json`` is skipped, so an
interrupted batch picks up where it stopped.  Every scenario runs in its own staging folder through the same
pipeline as ``simlib brief``; one failing never stops the others.  Workers are
local processes, or a Dask cluster (``dask=ADDRESS`` or ``"local"``).  A language
(``lang``) writes every brief in it, as ``simlib brief --lang`` does.  At the end
``index.html``, in the batch's language, lists every scenario with its title,
status, headline figures (one column per figure, in one unit), run time and a link
to its brief or its kept ``failed.ipynb``.

Ctrl-C or SIGTERM stops a batch at once: scenarios not started are cancelled, the workers are
stopped (each running brief shuts its kernel down and removes its staging folder; a worker whose
batch dies gets SIGTERM too), and the index lists the scenarios finished, the others "interrupted".
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import CancelledError, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from urllib.parse import quote

import simlib
from simlib import scenario
from simlib.pipeline import publish
from simlib.pipeline.names import folder_name
from simlib.terminal import shown
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


def brief_job(path: str, overrides: list[str], outdir: str, notebook: str = str(ZONE_NOTEBOOK),
              language: str | None = None) -> Outcome:
    """One scenario's brief, in whatever process runs it (a pool worker or a Dask worker); in
    ``language`` when given, whatever the file's ``meta.language`` says.

    Whatever goes wrong is this scenario's failed :class:`Outcome`, with a one-line reason — the
    scenario file edited into an invalid one or deleted since the batch read it, a full disk, an
    error no one foresaw — never the batch's.  An interrupt (SIGTERM from the batch stopping its
    workers, or the batch's process dying) shuts the kernel down and removes the staging folder;
    then a pool worker exits, and elsewhere the interrupt goes on.
    """
    from simlib.pipeline.brief import publish_brief

    global _busy
    name, out = Path(path).stem, Path(outdir)  # the scenario's name (its folder's may be made safe)
    _busy = True  # a SIGTERM now unwinds the job (kernel, staging folder) rather than ending the worker at once
    try:
        try:
            sc = scenario.load(path, overrides)
            sc = sc.in_language(language) if language else sc
        except scenario.ScenarioError as exc:
            first = str(exc.problems[0]) if exc.problems else str(exc)
            more = f" (and {len(exc.problems) - 1} more problems)" if len(exc.problems) > 1 else ""
            return Outcome(name, out, False, 0.0, f"the scenario cannot be read now: {' '.join(first.split())}{more}")
        # made absolute as named, symbolic links not followed: the kernel finds the scenario's relative files
        # (its roster) where the batch's check did, beside the file as named
        params = {"scenario_path": str(Path(path).absolute()), "overrides": list(overrides), "language": language}
        return publish_brief(sc.name, Path(notebook), params, out, sc.params.meta.title, sc.params.meta.language)
    except OSError as exc:
        from simlib.pipeline.execute import disk_full

        if disk_full(exc) is not None:
            return Outcome(name, out, False, 0.0, f"the disk is full (writing {exc.filename or out}): "
                                                  "nothing was published; the earlier brief is as it was")
        return Outcome(name, out, False, 0.0, _one_line(exc))
    except Exception as exc:  # anything a worker did not foresee is this scenario's failure, not the batch's
        return Outcome(name, out, False, 0.0, _one_line(exc))
    except KeyboardInterrupt:
        if _in_pool_worker:
            os._exit(EXIT_TERMINATED)  # cleaned up; the batch is stopping and waits for no result
        raise
    finally:
        _busy = False


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_batch(scenarios: list[scenario.Scenario], outroot: Path, jobs: int, force: bool = False,
              dask: str | None = None, on_done: Callable[[Outcome], None] = lambda o: None,
              notebook: Path = ZONE_NOTEBOOK, lang: str | None = None) -> list[Outcome]:
    """Brief every scenario not already up to date (in ``lang``, when given); return the outcomes in
    the scenarios' order.

    On Ctrl-C or SIGTERM, scenarios not started are cancelled, the workers are stopped (each running
    brief shuts its kernel down and removes its staging folder) and the interrupt goes on; the
    outcomes finished by then have each been passed to ``on_done``."""
    from simlib.brief.results import file_sha256

    outcomes: dict[str, Outcome] = {}
    todo = []
    notebook_sha256 = file_sha256(notebook)
    publish.remove_stale(outroot) if outroot.is_dir() else None  # e.g. an index.html temporary of a killed batch
    for sc in scenarios:
        sc = sc.in_language(lang) if lang else sc  # part of the parameters' hash: a brief in another language is stale
        outdir = outroot / folder_name(sc.name)
        if not force and up_to_date(sc, outdir, notebook_sha256):
            publish.remove_stale(outdir)  # a run killed after publishing leaves its staging folder
            outcomes[sc.name] = Outcome(sc.name, outdir, True, 0.0, skipped=True)
            on_done(outcomes[sc.name])
        else:
            todo.append((str(sc.path), list(sc.overrides), str(outdir), str(notebook), lang))
    # longest first (more model sections, longer briefs), so no long brief runs alone at the end
    weight = {str(sc.path): -len(sc.sections) for sc in scenarios}
    todo.sort(key=lambda job: weight[job[0]])
    running = _run(todo, jobs, dask)
    try:
        for outcome in running:
            outcomes[outcome.name] = outcome
            on_done(outcome)
    finally:
        running.close()  # on an interrupt, stops the workers now (not when the generator is collected)
    return [outcomes[sc.name] for sc in scenarios]


def interrupted(scenarios: Iterable[scenario.Scenario], done: list[Outcome], outroot: Path) -> list[Outcome]:
    """The outcomes of an interrupted batch, in the scenarios' order: those ``done`` as they are, each
    other one failed, "interrupted" (for :func:`write_index`)."""
    finished = {o.name: o for o in done}
    return [finished.get(sc.name) or Outcome(sc.name, outroot / folder_name(sc.name), False, 0.0, "interrupted")
            for sc in scenarios]


def _run(todo: list[tuple], jobs: int, dask: str | None) -> Iterable[Outcome]:
    if not todo:
        return
    if dask is not None:
        from simlib.explore.cluster import client_for

        with client_for(dask, jobs) as client:
            from distributed import as_completed as dask_completed

            futures = {client.submit(brief_job, *job, pure=False): job for job in todo}
            try:
                for future in dask_completed(futures):
                    try:
                        yield future.result()
                    except Exception as exc:  # e.g. KilledWorker: the scenario's workers kept dying
                        yield _lost(futures[future], f"{type(exc).__name__}: {exc}")
            except BaseException:
                client.cancel(list(futures), force=True)
                raise
        return
    broken = []
    with workers(jobs) as pool:
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
        threads = ThreadPoolExecutor(max_workers=jobs)
        pools = _Pools()
        try:
            for future in as_completed([threads.submit(_isolated, job, pools) for job in broken]):
                yield future.result()
        except BaseException:
            pools.stop_all()
            threads.shutdown(wait=True, cancel_futures=True)
            raise
        threads.shutdown(wait=True)


# -- worker processes: spawned, quiet on Ctrl-C, stopped with their batch ----------------------------

#: How long stopped workers get to shut their kernels down and remove their staging folders.
STOP_SECONDS = 15
EXIT_TERMINATED = 128 + signal.SIGTERM

_busy = False  # a brief job is running in this process
_in_pool_worker = False  # this process is a worker of :func:`workers`


class _Workers(ProcessPoolExecutor):
    """A process pool whose workers are started with SIGINT blocked: a Ctrl-C reaching the process
    group while a worker starts up cannot print its traceback (the worker then ignores SIGINT)."""

    def _spawn_process(self):
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            super()._spawn_process()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _worker_started(parent: int) -> None:
    """A pool worker's initializer: Ctrl-C is its parent's business (the parent stops it with SIGTERM);
    SIGTERM ends it at once when idle, or unwinds a running brief job; and it gets SIGTERM when its
    parent dies, however the parent dies (Linux ``PR_SET_PDEATHSIG``)."""
    global _in_pool_worker
    _in_pool_worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(EXIT_TERMINATED)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # (ignored now) a Ctrl-C pending since the start is dropped


def _worker_sigterm(signum, frame) -> None:
    if not _busy:
        os._exit(EXIT_TERMINATED)  # nothing of this worker's to clean up
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding
    from simlib.interrupt import Terminated

    raise Terminated


@contextmanager
def workers(n: int) -> Iterator[ProcessPoolExecutor]:
    """``n`` spawned worker processes (a fork of a process that already holds ZeroMQ sockets is not
    safe).  Leaving the block normally waits for the work submitted; leaving it by an exception — Ctrl-C,
    SIGTERM, an error — cancels the work not started and stops the workers (:func:`stop`) first."""
    pool = _Workers(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_started, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        stop(pool)
        raise
    pool.shutdown(wait=True)


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the pool's queued work and end its workers: SIGTERM (a running brief shuts its kernel
    down and removes its staging folder), then, after :data:`STOP_SECONDS`, SIGKILL for any left."""
    with _deaf():
        _stop(pool)


@contextmanager
def _deaf() -> Iterator[None]:
    """Ctrl-C and SIGTERM ignored for the block (in the main thread, where Python handles signals): a
    second one while workers are being stopped must not cut the stopping short and leave one behind.
    The batch is ending already; the first signal decides how."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    from multiprocessing.connection import wait

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    pending = {p.sentinel: p for p in processes if getattr(p, "_popen", None) is not None}
    deadline = time.monotonic() + STOP_SECONDS
    while pending and time.monotonic() < deadline:
        for sentinel in wait(list(pending), timeout=max(0.0, deadline - time.monotonic())):
            pending.pop(sentinel, None)
    for p in pending.values():
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass


class _Pools:
    """The one-worker pools of :func:`_isolated` running now.  Once :meth:`stop_all` has begun no new
    work is submitted, so a pool made in the instant of an interrupt is never missed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: list[ProcessPoolExecutor] = []
        self._stopping = False

    def submit(self, pool: ProcessPoolExecutor, job: tuple):
        """``brief_job(*job)`` on ``pool``, which is stopped with the others; None once stopping."""
        with self._lock:
            if self._stopping:
                return None
            self._live.append(pool)
            return pool.submit(brief_job, *job)

    def done(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if pool in self._live:
                self._live.remove(pool)

    def stop_all(self) -> None:
        with self._lock:
            self._stopping = True
            live = list(self._live)
        for pool in live:
            stop(pool)


def _isolated(job: tuple, pools: _Pools) -> Outcome:
    with workers(1) as pool:
        try:
            future = pools.submit(pool, job)
            if future is None:
                return _lost(job, "not run: the batch was stopped")
            return future.result()
        except (BrokenProcessPool, CancelledError):
            return _lost(job, "the worker process died (killed by a signal, or out of memory)")
        finally:
            pools.done(pool)


def _lost(job: tuple, error: str) -> Outcome:
    """The outcome of a scenario whose worker never reported back."""
    outdir = Path(job[2])
    return Outcome(Path(job[0]).stem, outdir, False, 0.0, error)


#: How many of each model's headline figures the index shows (its most important first), one column each.
INDEX_FIGURES = 2


def _number(value: float | None, kind: str, lang: str) -> str:
    """A headline figure as a bare number in the unit its column names (:func:`_unit`); "—" when missing."""
    if value is None:
        return "—"
    if kind == "money":  # 亿元; CNY m in English
        return f"{value:,.2f}" if lang == "zh" else f"{value * 100:,.0f}"
    if kind == "wan":  # 万元; CNY in English
        return f"{value:,.2f}" if lang == "zh" else f"{value * 10_000:,.0f}"
    if kind == "percent":
        return f"{value * 100:.1f}"
    return f"{value:.3f}"


def _unit(kind: str, lang: str) -> str:
    from simlib.brief import labels

    return labels.t(f"batch.unit_{kind}", lang) if kind in ("money", "wan", "percent") else ""


def _read(o: Outcome) -> dict | None:
    try:
        return json.loads((o.outdir / "results.json").read_text(encoding="utf-8")) if o.ok else None
    except (OSError, ValueError):
        return None


def index_language(outcomes: list[Outcome], scenarios: dict[str, scenario.Scenario],
                   docs: dict[str, dict | None], lang: str | None) -> tuple[str, dict[str, list[str]]]:
    """The index's language (``lang``; else the scenarios' one, or the first scenario's when they differ)
    and the scenarios by language."""
    by_language: dict[str, list[str]] = {}
    for o in outcomes:
        language = (scenarios[o.name].params.meta.language if o.name in scenarios
                    else ((docs.get(o.name) or {}).get("params") or {}).get("meta", {}).get("language"))
        if language:
            by_language.setdefault(language, []).append(o.name)
    return lang or next(iter(by_language), "zh"), by_language


def write_index(outcomes: list[Outcome], outroot: Path, scenarios: Iterable[scenario.Scenario] = (),
                lang: str | None = None) -> Path:
    """``outroot/index.html``: one row per scenario with its name, title, status, headline figures,
    run time and link, a self-contained page with no script (the template
    ``simlib/brief/templates/batch_index.html.j2``, which escapes every value).

    It is in ``lang``, or else in the scenarios' language (the first scenario's, and says so, when
    they differ).  Each model any scenario has gets its first :data:`INDEX_FIGURES` headline figures
    as columns: one figure in one unit per column, named in the header, the numbers bare and
    right-aligned, "—" where a scenario lacks the model or the figure.  Titles and languages come
    from ``scenarios`` (the batch's, by name) or else from each brief's ``results.json``; in English a
    Chinese title is followed by its English from the scenario's ``meta.glossary``, as its brief shows it.
    """
    from simlib.brief import labels, webfont
    from simlib.brief.headlines import label, typed
    from simlib.brief.html import render
    from simlib.models import registry

    known = {sc.name: sc for sc in scenarios}
    docs = {o.name: _read(o) for o in outcomes}
    language, by_language = index_language(outcomes, known, docs, lang)
    metrics = {o.name: typed(docs[o.name]["metrics"]) if docs[o.name] else {} for o in outcomes}

    groups, columns = [], []  # a group per model: its title and how many columns it spans
    for model in registry():
        having = [metrics[o.name][model.section] for o in outcomes if model.section in metrics[o.name]]
        if not having:
            continue
        spans = {(m.years[0], m.years[-1]) for m in having if getattr(m, "years", None)}
        cols = []
        if len(spans) > 1:  # the figures are over different years: the years get a column of their own
            cols.append(dict(label=labels.t("batch.years", language), unit="", section=model.section,
                             cell=lambda m: f"{m.years[0]}–{m.years[-1]}"))
        for h in model.headlines[:INDEX_FIGURES]:
            text = (label(h, having[0], language) if len(spans) <= 1 else
                    h.label[language].format(y0=labels.t("batch.first_year", language),
                                             y1=labels.t("batch.last_year", language)))
            cols.append(dict(label=text, unit=_unit(h.kind, language), section=model.section,
                             cell=lambda m, h=h: _number(h.value(m), h.kind, language)))
        groups.append(dict(title=model.title.get(language, model.section), span=len(cols)))
        columns += cols

    rows = []
    for o in outcomes:
        doc = docs[o.name]
        meta = (known[o.name].params.meta.model_dump() if o.name in known
                else ((doc or {}).get("params") or {}).get("meta", {}))
        title = meta.get("title", "")
        title_en = (meta.get("glossary") or {}).get(title) if language == "en" else None  # as the brief shows it
        if o.ok:
            status = labels.t("batch.skipped" if o.skipped else "batch.ok", language)
            target, text = "brief.html", labels.t("batch.brief", language)
        else:
            status = (labels.t("batch.failed_because", language, error=o.error.splitlines()[0]) if o.error
                      else labels.t("batch.failed", language))
            target, text = ("failed.ipynb", "failed.ipynb") if o.kept else (None, None)
        m = metrics[o.name]
        cells = [c["cell"](m[c["section"]]) if c["section"] in m else "—" for c in columns]
        rows.append({"cls": "ok" if o.ok else "failed", "name": shown(o.name), "title": title,
                     "title_en": title_en if title_en != title else None, "status": status,
                     "cells": cells, "seconds": f"{o.seconds:.1f}", "link": quote(o.outdir.name), "target": target,
                     "text": text})
    mixed = (labels.t("batch.mixed", language,
                      languages="; ".join(f"{k}: {', '.join(v)}" for k, v in by_language.items()))
             if lang is None and len(by_language) > 1 else None)
    page = render("batch_index.html.j2", lang=language, t=lambda key, **f: labels.t(key, language, **f),
                  rows=rows, groups=groups, columns=columns, failed=sum(not o.ok for o in outcomes),
                  mixed=mixed, version=simlib.__version__)
    outroot.mkdir(parents=True, exist_ok=True)
    path = outroot / "index.html"
    publish.write_text(path, webfont.embed(page, language) + "\n")
    return path
