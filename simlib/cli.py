"""The ``simlib`` command: it orchestrates, the modules it calls do the work.

    simlib check PARAMS... [--set dotted.key=VALUE ...]
    simlib brief PARAMS [--out DIR] [--lang zh|en] [--set dotted.key=VALUE ...] [--notebook NB]
    simlib compare A.yaml [B.yaml ...] [--variant NAME KEY=VALUE ...] [--out DIR] [--lang zh|en]
    simlib batch PARAMS-or-GLOBS... [--jobs N] [--force] [--out DIR] [--dask ADDRESS|local] [--lang zh|en]
    simlib sweep PARAMS --vary KEY=LO:HI:N [...] [--target METRIC>=VALUE] [--paths N] [--jobs N] [--dask ...]
    simlib sensitivity PARAMS --vary KEY=LO:HI [...] --method sobol|morris --metric NAME [--n N] [...]
    simlib calibrate FILE.csv|FILE.xlsx --series COLUMN [--year-column NAME] [--exclude YEAR ...] [--out FILE]
    simlib calibrate-funnel FILE.yaml [--out FILE.yaml]
    simlib schema results|scenario
    simlib list [PARAMS...]

Exit status: 0 on success, 2 for bad input (nothing written, no kernel
started), 1 when a notebook run fails (its executed copy is kept as
``failed.ipynb``; an earlier brief stays as it was).
"""

from __future__ import annotations

import time


def _since_process_start() -> float:
    """Seconds since this process started (Linux: /proc/self/stat and the boot clock), so that the
    interpreter's own start-up counts too; 0 where that cannot be read."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        import os

        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


_STARTED = time.perf_counter() - _since_process_start()  # "in N s" is the command's whole wall time

import argparse
import functools
import glob
import itertools
import importlib.util
import os
import sys
import re
import unicodedata
from contextlib import contextmanager
import warnings
from pathlib import Path

from simlib.models import PluginWarning
from simlib.pipeline.names import folder_name
from simlib.terminal import shown

warnings.filterwarnings("ignore", category=PluginWarning)  # main() reports a broken plugin, one line each
from simlib import scenario  # noqa: E402  (composes the scenario schema from the registry)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    from simlib.models import problems

    if problems():  # a broken model plugin is reported, whatever the command
        for line in problems():
            err(f"simlib: {line}")
        return EXIT_BAD_INPUT
    parser = _parser()
    args = parser.parse_args(argv)
    args.started = _STARTED if argv is None else time.perf_counter()
    return args.func(args)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line (argparse would print the whole usage first)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {shown(message)} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="simlib", description="Development-zone policy scenarios and briefs.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_set(p: argparse.ArgumentParser) -> None:
        p.add_argument("--set", dest="overrides", action="append", default=[], metavar="dotted.key=VALUE",
                       help="override one parameter; VALUE is read as YAML (0.6, null, true, text)")

    check = sub.add_parser("check", help="validate scenario files without running anything")
    check.add_argument("params", nargs="+", type=Path, help="scenario file(s), params/*.yaml")
    add_set(check)
    check.set_defaults(func=cmd_check)

    brief = sub.add_parser("brief", help="run a scenario and render its HTML brief")
    brief.add_argument("params", type=Path, help="scenario file, e.g. params/qingzhen_2025.yaml")
    brief.add_argument("--out", type=Path, default=None,
                       help="output folder (default: outputs/<scenario name>)")
    brief.add_argument("--notebook", type=Path, default=None,
                       help="brief notebook to run (default: notebooks/zone_brief.ipynb)")
    add_lang(brief)
    add_set(brief)
    brief.set_defaults(func=cmd_brief)

    compare = sub.add_parser("compare", help="one brief comparing scenarios, or variants of one")
    compare.add_argument("params", nargs="+", type=Path, help="scenario files; variants apply to the first")
    compare.add_argument("--variant", dest="variants", nargs="+", action="append", default=[],
                         metavar="NAME KEY=VALUE", help="a named variant of the first file: --variant \"6:4\" "
                         "revenue.sharing.zone_share=0.6 (repeatable)")
    compare.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/compare-<names>)")
    add_lang(compare)
    add_set(compare)
    compare.set_defaults(func=cmd_compare)

    batch = sub.add_parser("batch", help="brief many scenarios in parallel, skipping unchanged ones")
    batch.add_argument("params", nargs="+", help="scenario files or globs, e.g. 'params/*.yaml'")
    batch.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    batch.add_argument("--force", action="store_true", help="re-run scenarios whose last brief is up to date")
    batch.add_argument("--out", type=Path, default=Path("outputs"), help="root folder (default: outputs)")
    batch.add_argument("--notebook", type=Path, default=None,
                       help="brief notebook to run (default: notebooks/zone_brief.ipynb)")
    add_dask(batch)
    add_set(batch)
    add_lang(batch)
    batch.set_defaults(func=cmd_batch)

    sw = sub.add_parser("sweep", help="the models over a grid of parameter values, with a sweep brief")
    sw.add_argument("params", type=Path, help="scenario file")
    sw.add_argument("--vary", action="append", required=True, metavar="KEY=LO:HI:N",
                    help="n evenly spaced values of a dotted key (repeatable; two give heat maps)")
    sw.add_argument("--paths", type=int, default=None, help="Monte Carlo paths per point (revenue and land)")
    sw.add_argument("--target", default=None, metavar="METRIC>=VALUE",
                    help="mark where a metric holds, e.g. revenue.zone_payout_total_p20>=10")
    sw.add_argument("--jobs", type=int, default=1, help="worker processes for the grid (default 1)")
    sw.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/<scenario>-sweep)")
    add_dask(sw)
    add_lang(sw)
    add_set(sw)
    sw.set_defaults(func=cmd_sweep)

    sens = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity of one metric, with a brief")
    sens.add_argument("params", type=Path, help="scenario file")
    sens.add_argument("--vary", action="append", required=True, metavar="KEY=LO:HI",
                      help="the range of a dotted key (repeatable)")
    sens.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    sens.add_argument("--metric", required=True, help="a scalar metric, e.g. revenue.zone_payout_total_mean")
    sens.add_argument("--n", type=int, default=64, help="Sobol base sample (a power of two) or Morris trajectories")
    sens.add_argument("--paths", type=int, default=None, help="Monte Carlo paths per evaluation")
    sens.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    sens.add_argument("--out", type=Path, default=None,
                      help="output folder (default: outputs/<scenario>-sensitivity)")
    add_dask(sens)
    add_lang(sens)
    add_set(sens)
    sens.set_defaults(func=cmd_sensitivity)

    cal = sub.add_parser("calibrate", help="estimate revenue growth mean and volatility from an annual series")
    cal.add_argument("file", type=Path, help="a CSV or xlsx file (first sheet) with a year column and the series")
    cal.add_argument("--series", required=True, metavar="COLUMN", help="the column of annual tax (or revenue)")
    cal.add_argument("--year-column", default="year", metavar="NAME", help="the column of years (default: year)")
    cal.add_argument("--exclude", type=int, nargs="+", action="extend", default=[], metavar="YEAR",
                     help="drop the growth rate into these years (shocks); repeatable")
    cal.add_argument("--out", type=Path, default=None,
                     help="write the YAML growth block here (default: print it)")
    cal.set_defaults(func=cmd_calibrate)

    funnel = sub.add_parser("calibrate-funnel",
                            help="fit the land funnel's stages after signing to published funnel rates")
    funnel.add_argument("file", type=Path, help="a YAML file of observations: {months, stage, share[, kind]} items")
    funnel.add_argument("--out", type=Path, default=None,
                        help="write the YAML block for land.pipeline.stages here (default: print it)")
    funnel.set_defaults(func=cmd_calibrate_funnel)

    schema = sub.add_parser("schema", help="print a JSON Schema: of results.json, or of a scenario file")
    schema.add_argument("what", choices=("results", "scenario"))
    schema.set_defaults(func=cmd_schema)

    listing = sub.add_parser("list", help="show the scenarios: title, zone and the models each uses")
    listing.add_argument("params", nargs="*", type=Path, help="scenario files (default: params/*.yaml)")
    listing.set_defaults(func=cmd_list)
    return parser


def add_dask(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local'")


def expand(patterns: list[str]) -> tuple[list[Path], list[str]]:
    """Paths and globs to files, in order, without repeats; and a problem per pattern matching nothing."""
    found, problems = [], []
    for pattern in patterns:
        matches = sorted(map(Path, glob.glob(pattern))) if glob.has_magic(pattern) else [Path(pattern)]
        if not matches:
            problems.append(f"{pattern}: no scenario file matches")
        found += [m for m in matches if m not in found]
    return found, problems


def cmd_batch(args: argparse.Namespace) -> int:
    if jobs := _jobs_problems(args.jobs):
        err(f"simlib batch: {jobs[0]}")
        return EXIT_BAD_INPUT
    paths, problems = expand(args.params)
    for p in problems:
        err(p)
    loaded = _load_or_report(paths, args.overrides)
    if loaded is None or problems:
        return EXIT_BAD_INPUT
    _warn_fonts(loaded)
    if not _usable(args.notebook, args.out):
        return EXIT_BAD_INPUT
    folders = [folder_name(sc.name) for sc in loaded]
    clashes = sorted({f for f in folders if folders.count(f) > 1})
    if clashes:
        err(f"simlib batch: two scenario files would share the output folder(s) {', '.join(clashes)}: "
            "rename one of each")
        return EXIT_BAD_INPUT

    from tqdm import tqdm

    from simlib.pipeline import batch
    from simlib.explore.cluster import ClusterError

    _note_kernel()

    finished = []  # on Ctrl-C or SIGTERM: the index lists these, the others as interrupted, and the interrupt goes on
    with tqdm(total=len(loaded), unit="scenario", desc="simlib batch", disable=None, file=sys.stderr) as bar:
        def done(outcome) -> None:
            finished.append(outcome)
            bar.update(1)
            if not outcome.ok:
                bar.write(shown(f"simlib: {outcome.name}: failed: {outcome.error}"), file=sys.stderr)

        try:
            outcomes = batch.run_batch(loaded, args.out, args.jobs, force=args.force, dask=args.dask, on_done=done,
                                       notebook=(args.notebook or batch.ZONE_NOTEBOOK).resolve(), lang=args.lang)
        except ClusterError as exc:
            err(f"simlib batch: --dask: {exc}")
            return EXIT_BAD_INPUT
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM (simlib.interrupt.Terminated): workers already stopped
            try:
                batch.write_index(batch.interrupted(loaded, finished, args.out), args.out, loaded, lang=args.lang)
            except OSError:  # e.g. a full disk: the interrupt is what gets reported
                pass
            raise
    index = batch.write_index(outcomes, args.out, loaded, lang=args.lang)
    ran = sum(not o.skipped for o in outcomes)
    failed = sum(not o.ok for o in outcomes)
    say(f"simlib batch: {len(outcomes)} scenarios, {ran} run, {len(outcomes) - ran} unchanged, "
        f"{failed} failed; index at {index}")
    return EXIT_FAILED if failed else EXIT_OK


def _explore_setup(args: argparse.Namespace, with_n: bool):
    """Shared checks of sweep and sensitivity: the scenario (read once), the --vary ranges, --paths,
    --jobs.  Returns (base scenario, varies) and the problems found."""
    from simlib.explore import sweep

    problems = []
    varies = []
    for text in args.vary:
        try:
            varies.append(sweep.parse_vary(text, with_n=with_n))
        except ValueError as exc:
            problems.append(str(exc))
    keys = [v.key for v in varies]
    problems += sweep.vary_problems(varies)
    if args.paths is not None and args.paths < 1:
        problems.append(f"--paths: must be at least 1, got {args.paths}")
    problems += _jobs_problems(args.jobs)
    if args.command == "sensitivity":
        problems += _sample_problems(args.method, args.n, len(varies))
    try:
        loaded = scenario.load(args.params, args.overrides)
        base = sweep.explore_base(loaded.in_language(args.lang) if args.lang else loaded, args.paths)
    except scenario.ScenarioError as exc:
        return None, problems + [str(p) for p in exc.problems]
    _warn_fonts([base])
    whole = {k for k in keys if sweep.takes_whole_numbers(base, k)}
    metric = args.metric if args.command == "sensitivity" else getattr(args, "target_metric", None)
    if metric is not None:  # named before any model runs: checked against the models' metrics classes
        option = "--metric" if args.command == "sensitivity" else "--target"
        names = sweep.metric_names(sweep.sections_needed(base, keys, [metric]))
        if metric not in names:
            problems.append(f"{option}: no metric {metric!r}{_suggest(metric, names)}")
    if not problems:  # the corners of the box are the extremes of every range
        corners = [sweep.typed(dict(zip(keys, c)), whole) for c in itertools.product(*((v.lo, v.hi) for v in varies))]
        problems += sweep.check(base, corners)
    return (base, varies, whole), problems


@contextmanager
def _mapper(args: argparse.Namespace, total: int, what: str):
    """``map(f, items)`` over points — in this process, in worker processes, or on a Dask cluster —
    in order, with a progress bar of ``total`` evaluations on stderr.  On Ctrl-C or SIGTERM the
    evaluations not started are cancelled, the worker processes (or the local Dask cluster) stopped,
    and the interrupt goes on."""
    from tqdm import tqdm

    with tqdm(total=total, unit=what, desc=f"simlib {args.command}", disable=None, file=sys.stderr) as bar:
        def counted(results):
            out = []
            for r in results:
                out.append(r)
                bar.update(1)
            return out

        if args.dask:
            from distributed import as_completed

            from simlib.explore.cluster import client_for

            with client_for(args.dask, args.jobs) as client:
                def on_dask(f, items):
                    futures = client.map(f, list(items), pure=False)
                    for _ in as_completed(futures):
                        bar.update(1)
                    return client.gather(futures)
                yield on_dask
        elif args.jobs > 1:
            from simlib.pipeline.batch import workers

            # on Ctrl-C or SIGTERM the points not started are cancelled and the workers stopped at once
            with workers(args.jobs) as pool:
                def on_pool(f, items):
                    items = list(items)
                    return counted(pool.map(f, items, chunksize=max(1, len(items) // (4 * args.jobs))))
                yield on_pool
        else:
            yield lambda f, items: counted(map(f, items))


def cmd_sweep(args: argparse.Namespace) -> int:
    from simlib.explore import sweep

    target, problems = None, []
    if args.target is not None:
        try:
            target = sweep.parse_target(args.target)
            args.target_metric = target["metric"]
        except ValueError as exc:
            problems.append(str(exc))
    setup, more = _explore_setup(args, with_n=True)
    problems += more
    if problems:
        _print_problems("sweep", problems)
        return EXIT_BAD_INPUT
    base, varies, whole = setup
    outdir = args.out or Path("outputs") / folder_name(base.name, "-sweep")
    if not _usable(None, outdir, (*BRIEF_FILES, "sweep.parquet", "sweep.csv")):
        return EXIT_BAD_INPUT
    from simlib.explore.cluster import ClusterError

    keys = [v.key for v in varies]
    points = sweep.grid(varies, whole)  # counted and checked already: at most sweep.MAX_POINTS
    sections = sweep.sections_needed(base, keys, [target["metric"]] if target else [])
    first = sweep.evaluate(base, sections, points[0])
    try:
        with _mapper(args, len(points) - 1, "point") as map_fn:
            rows = [first] + sweep.run_sweep(base, points[1:], sections, map_fn)
    except ClusterError as exc:
        err(f"simlib sweep: --dask: {exc}")
        return EXIT_BAD_INPUT
    table_name = "sweep.parquet" if importlib.util.find_spec("pyarrow") else "sweep.csv"
    metric_keys = [k for k in first if k not in set(keys)]
    moving = [k for k in metric_keys if len({r.get(k) for r in rows}) > 1]  # what the grid changes
    charted = ([target["metric"]] if target else []) + [k for k in _key_metrics() if k in moving] + moving
    charted = list(dict.fromkeys(charted))[:4] or metric_keys[:4]
    spec = {**sweep.described(base), "vary": [vars(v) for v in varies],
            "points": len(rows), "target": target, "shown": charted, "table": table_name, "sections": sections}
    # the table is staged and published with its brief: a failed or interrupted run leaves the earlier pair alone
    return _explore_brief("sweep", outdir, {"spec": spec, "rows": rows}, "sweep_brief.ipynb", base, args.started,
                          table=(rows, table_name))


#: The most worker processes ``--jobs`` may ask for (a typo of 1000 would start a thousand Pythons).
MAX_JOBS = 256
#: The most model evaluations a sensitivity analysis may ask for (``--n`` × (factors + 2) for Sobol,
#: × (factors + 1) for Morris), counted before anything is sampled.
MAX_EVALUATIONS = 1_000_000


def _jobs_problems(jobs: int) -> list[str]:
    if jobs < 1:
        return [f"--jobs: must be at least 1, got {jobs}"]
    if jobs > MAX_JOBS:
        return [f"--jobs: at most {MAX_JOBS}, got {jobs:,}"]
    return []


def _sample_problems(method: str, n: int, factors: int) -> list[str]:
    """--n for a sensitivity method: a power of two (Sobol) or at least 2 trajectories (Morris), and at
    most :data:`MAX_EVALUATIONS` model runs in all; checked before any model runs."""
    if method == "sobol" and (n < 2 or n & (n - 1)):
        return [f"--n: the Sobol base sample must be a power of two of at least 2 (e.g. 64), got {n:,}"]
    if method == "morris" and n < 2:
        return [f"--n: Morris needs at least 2 trajectories, got {n:,}"]
    runs = n * (factors + (2 if method == "sobol" else 1))
    if runs > MAX_EVALUATIONS:
        return [f"--n: {n:,} gives {runs:,} model runs with {factors} factor{'s' * (factors != 1)}; "
                f"at most {MAX_EVALUATIONS:,}"]
    return []


def _suggest(name: str, choices) -> str:
    """'; did you mean X?' for a close metric name, else the metrics there are."""
    import difflib

    choices = list(choices)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; the metrics are: {', '.join(choices)}"


def _key_metrics() -> list[str]:
    """The registered models' headline figures that are explore metrics, most important first."""
    from simlib.models import registry

    return [f"{m.section}.{h.metric}" for m in registry() for h in m.headlines if h.metric]


def _write_table(rows: list[dict], outdir: Path, name: str) -> None:
    """sweep.parquet (with pyarrow) or sweep.csv, written whole under a temporary name, then renamed."""
    import pandas as pd

    from simlib.pipeline.publish import replacing

    frame = pd.DataFrame(rows)
    with replacing(outdir / name) as tmp:
        frame.to_parquet(tmp, index=False) if name.endswith(".parquet") else frame.to_csv(tmp, index=False)


def _explore_brief(kind: str, outdir: Path, data: dict, notebook: str, base: scenario.Scenario,
                   started: float, table: tuple[list[dict], str] | None = None) -> int:
    """The sweep or sensitivity brief of ``data``.  The data file the notebook reads and the table of
    rows (``table=(rows, file name)``, a sweep's) are written into the brief's staging folder, and the table is published with the brief or not at
    all.  On Ctrl-C, SIGTERM or a full disk nothing is published, no temporary is left, the earlier
    brief and table stay as they were, and the interrupt or error goes on."""
    import json

    def staged(stage: Path) -> tuple[dict, list[str]]:
        path = stage / f"{kind}-data.json"
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, allow_nan=False, default=float)
        if table is None:
            return {"data_path": str(path)}, []
        _write_table(table[0], stage, table[1])
        return {"data_path": str(path)}, [table[1]]

    language = base.params.meta.language
    params = {"language": language}
    from simlib.brief.labels import t  # the page title in the brief's language: 参数扫描, not "sweep"

    meta = base.params.meta
    name = meta.glossary.get(meta.title, meta.title) if language == "en" else meta.title
    title = t("explore.page_title", language, title=name,
              what=t("sweep.title" if kind == "sweep" else "sens.title", language))
    status = _publish(kind, _notebook(notebook), params, outdir, title, language, started, staged=staged)
    if status == 0 and table is not None:  # the earlier table in the other format (csv before pyarrow) is not this brief's
        other = {"sweep.parquet": "sweep.csv", "sweep.csv": "sweep.parquet"}.get(table[1])
        if other:
            try:
                (outdir / other).unlink(missing_ok=True)
            except OSError:
                pass  # _usable refused a folder of that name already; a vanished one is what we wanted
    return status


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from simlib.explore import sweep

    setup, problems = _explore_setup(args, with_n=False)
    if problems:
        _print_problems("sensitivity", problems)
        return EXIT_BAD_INPUT
    base, varies, whole = setup
    outdir = args.out or Path("outputs") / folder_name(base.name, "-sensitivity")
    if not _usable(None, outdir):
        return EXIT_BAD_INPUT
    keys = [v.key for v in varies]
    moving = [k for k in keys if sweep.depends_on(args.metric, k)]  # keys that can move the metric
    sections = sweep.sections_needed(base, moving, [args.metric])
    evaluate = functools.partial(sweep.evaluate, base, sections)
    for key in keys:  # each model draws from its own generator: another model's key cannot move the metric
        if key not in moving:
            err(f"simlib sensitivity: warning: --metric {args.metric} does not depend on --vary {key} (its "
                "model neither is nor uses that key's model); its index is zero by construction")
    import numpy as np

    from simlib.explore import sensitivity
    from simlib.explore.cluster import ClusterError

    factors = [sensitivity.Factor(v.key, v.lo, v.hi) for v in varies]
    d = len(factors)
    total = args.n * (d + 2) if args.method == "sobol" else args.n * (d + 1)
    try:
        with _mapper(args, total, "run") as map_fn:
            seen: list[np.ndarray] = []  # every output, to tell a metric no factor moves

            def model(x: np.ndarray) -> np.ndarray:
                points = [sweep.typed({f.key: x[i, j] for i, f in enumerate(factors)}, whole)
                          for j in range(x.shape[1])]
                out = np.array([np.nan if r[args.metric] is None else r[args.metric]
                                for r in map_fn(evaluate, points)])
                seen.append(out)
                return out

            rng = np.random.default_rng(base.params.meta.seed)
            if args.method == "sobol":
                result = sensitivity.sobol(model, factors, args.n, rng)
            else:
                result = sensitivity.morris(model, factors, args.n, rng)
    except ClusterError as exc:
        err(f"simlib sensitivity: --dask: {exc}")
        return EXIT_BAD_INPUT
    except ValueError as exc:  # a bad --n, or a metric the model could not produce at some point
        err(f"simlib sensitivity: {exc}")
        return EXIT_BAD_INPUT
    outputs = np.concatenate([np.atleast_1d(np.asarray(v, dtype=float)) for v in seen])
    if outputs.size and np.nanmax(outputs) == np.nanmin(outputs):
        err(f"simlib sensitivity: warning: {args.metric} is {outputs[0]:g} at every one of the {outputs.size} "
            "runs: no factor moves it over these ranges, so the ranking says nothing")
    spec = {**sweep.described(base), "metric": args.metric, "method": args.method,
            "vary": [vars(v) for v in varies], "sections": sections}
    return _explore_brief("sensitivity", outdir, {"spec": spec, "result": result}, "sensitivity_brief.ipynb",
                          base, args.started)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """The revenue model's growth mean and volatility from a zone's annual series, with standard
    errors, as a YAML ``growth`` block to paste under ``revenue:`` (printed, or written to --out)."""
    import yaml

    from simlib.scenario.calibrate import CalibrationError, estimate, growth_block, read_series

    if not _out_usable("calibrate", args.out, args.file):
        return EXIT_BAD_INPUT
    try:
        years, values = read_series(args.file, args.series, args.year_column)
        est = estimate(years, values, args.exclude)
    except CalibrationError as exc:
        text = str(exc)
        err(text if text.startswith(f"{args.file}: ") else f"{args.file}: {text}")
        return EXIT_BAD_INPUT
    block = {"growth": growth_block(est, f"{args.file}, column {args.series}")}
    excluded = f" ({', '.join(map(str, est.excluded))} excluded)" if est.excluded else ""
    summary = [f"{args.file}, column {args.series!r}, {est.first_year}-{est.last_year}: "
               f"{est.n} annual growth rates{excluded}",
               f"mean        {est.mean:.4f} (standard error {est.mean_se:.4f})  E[T_t/T_t-1] - 1",
               f"volatility  {est.volatility:.4f} (standard error {est.volatility_se:.4f})  sd of annual log growth",
               f"mean log growth {est.log_mean:.4f} (standard error {est.log_mean_se:.4f})"]
    text = "".join(f"# {line}\n" for line in summary)
    text += yaml.safe_dump(block, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    from simlib.models.revenue import Growth

    try:
        Growth(mean=block["growth"]["mean"]["value"], volatility=block["growth"]["volatility"]["value"])
    except ValueError as exc:  # pydantic's ValidationError: a value the model would refuse
        why = "; ".join(f"{'.'.join(map(str, e['loc']))} {e['input']:g}: {e['msg'].lower()}" for e in exc.errors())
        err(f"simlib calibrate: warning: the revenue model would refuse these estimates ({why})")
    return _print_or_write("calibrate", args.out, text, summary)


def cmd_calibrate_funnel(args: argparse.Namespace) -> int:
    """Each step after signing (registered, started, producing): its monthly advance and drop-out
    probabilities fitted to observed funnel rates, every observation's fitted value and residual, and
    a YAML block of their conversions and mean lags to paste under ``land.pipeline.stages``."""
    import yaml

    from simlib.scenario.funnel_fit import MISS, STAGES, FunnelFitError, fit, read_funnel, stages_block

    if not _out_usable("calibrate-funnel", args.out, args.file):
        return EXIT_BAD_INPUT
    try:
        data = read_funnel(args.file)
        result = fit(data)
    except FunnelFitError as exc:
        for line in exc.problems:
            err(line if line.startswith(f"{args.file}: ") else f"{args.file}: {line}")
        return EXIT_BAD_INPUT
    fixed = sum(len(v) for v in data.fixed.values())
    n = len(result.observations)
    how = (f"{result.free} parameter{'s' if result.free != 1 else ''} fitted by weighted least squares"
           if result.free else "nothing fitted") + (f", {fixed} fixed" if fixed else "")
    summary = [f"{args.file}: {n} observed rate{'s' if n != 1 else ''}; {how}",
               f"{'step':<11} {'h':>7} {'d':>7} {'conversion':>10} {'mean lag':>9}"]
    for s in STAGES:
        st = result.stages[s]
        pinned = f"  (fixed: {', '.join(st.fixed)})" if st.fixed else ""
        summary.append(f"{s:<11} {st.h:7.4f} {st.d:7.4f} {st.conversion:10.4f} {st.lag_months:6.2f} mo{pinned}")
    width = max(len(f"{o.key} {o.describe()}") for o in result.observations)
    summary.append(f"{'observation':<{width}} {'share':>7} {'fitted':>7} {'residual':>8}")
    for o, f, r in zip(result.observations, result.fitted, result.residuals):
        summary.append(f"{f'{o.key} {o.describe()}':<{width}} {o.share:7.4f} {f:7.4f} {r:+8.4f}")
    warnings = []
    worst = result.worst
    if worst is not None and abs(worst[1]) > MISS:
        which = "no funnel of this shape reproduces" if result.free else "the fixed funnel does not reproduce"
        warnings.append(f"{which} these rates within {MISS * 100:.0f} points: it misses "
                        f"{worst[0].key} ({worst[0].describe()}) by {abs(worst[1]):.3f}")
    if result.rival is not None:
        other = ", ".join(f"{s} {c:.3f} over {lag:.1f} mo" for s, (c, lag) in result.rival.items())
        warnings.append(f"another funnel fits about as well ({other}): the rates do not single one out; "
                        "fix a lag or add a date")
    for line in warnings:
        err(f"simlib calibrate-funnel: warning: {line}")
    where = f"{args.file}" + (f" ({data.source})" if data.source else "")
    block = stages_block(result, where)
    text = "".join(f"# {line}\n" for line in summary)
    text += "# paste under land.pipeline.stages, beside its signed entry\n"
    text += yaml.safe_dump(block, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    return _print_or_write("calibrate-funnel", args.out, text, summary)


def _out_usable(verb: str, out: Path | None, source: Path) -> bool:
    """Whether ``--out`` of a calibrate verb can take the block: not a folder, not the input file,
    in a folder that is (or can be made) writable; a line on stderr when not."""
    if out is None:
        return True
    try:
        if (out.exists() or out.is_symlink()) and not out.is_file():
            err(f"simlib {verb}: --out {out}: exists and is not a file")
            return False
        if out.resolve() == source.resolve():
            err(f"simlib {verb}: --out {out}: is the input file")
            return False
    except (OSError, RuntimeError) as exc:  # a name too long, a loop of symbolic links
        err(f"simlib {verb}: --out {out}: cannot be used ({getattr(exc, 'strerror', None) or exc})")
        return False
    return _usable(None, out.parent, ())


def _print_or_write(verb: str, out: Path | None, text: str, summary: list[str]) -> int:
    """A calibrate verb's YAML block: printed, or written to ``out`` all or nothing (under a temporary
    name, renamed into place) with the summary printed instead."""
    if out is None:
        sys.stdout.write(text)
        return EXIT_OK
    from simlib.pipeline.publish import write_text

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, text)
    except OSError as exc:
        err(f"simlib {verb}: --out {out}: cannot be written ({exc.strerror or exc})")
        return EXIT_BAD_INPUT
    for line in summary:
        say(line)
    say(f"simlib {verb}: wrote {out}")
    return EXIT_OK


def add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="language of the brief, whatever meta.language says (not recorded as an override)")


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cmd_schema(args: argparse.Namespace) -> int:
    """The JSON Schema of every results.json a brief writes (the registered models' metrics), or of
    a scenario file's values (leaves given bare; a leaf may also be {value, unit, source, note})."""
    import json

    if args.what == "results":
        from simlib.brief.documents import json_schema

        schema = json_schema()
    else:
        from simlib.scenario.schema import ScenarioParams

        schema = ScenarioParams.model_json_schema()
    print(json.dumps(schema, indent=1, ensure_ascii=False))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    paths = args.params or sorted(Path("params").glob("*.yaml"))
    if not paths:
        err("no scenario files (params/*.yaml) here")
        return EXIT_BAD_INPUT
    rows, bad = [], False
    for path in paths:
        try:
            sc = scenario.load(path)
        except scenario.ScenarioError as exc:
            err(exc)
            bad = True
            continue
        rows.append((sc.name, sc.params.meta.zone, ", ".join(sc.sections), sc.params.meta.title))
    if rows:
        rows.insert(0, ("scenario", "zone", "models", "title"))
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            say("  ".join(c + " " * (w - _width(c)) for c, w in zip(r[:3], widths)) + "  " + r[3])
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _load_or_report(paths: list[Path], overrides: list[str]) -> list[scenario.Scenario] | None:
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(scenario.load(path, overrides))
        except scenario.ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        for p in problems:
            err(p)
        return None
    return loaded


def _warn_fonts(scenarios: list[scenario.Scenario], names: dict[str, str] | None = None) -> None:
    """A line on stderr, once, for each warning the loader noted (``Scenario.warnings``) and each character
    of the scenarios' text, or of ``names`` (text an option puts into the brief, by where it comes from),
    that the brief font cannot draw.  A warning:
    the command goes on, before any kernel starts, and its exit status is not changed."""
    from simlib.scenario.problems import font_warnings

    lines = [str(p) for sc in scenarios for p in (*sc.warnings, *font_warnings(sc))]
    names = {where: text for where, text in (names or {}).items() if not text.isascii()}
    if names:
        from simlib.brief import webfont

        lines += [f"{where}: character {ch!r} (U+{ord(ch):04X}) is not in the brief font and will show as a box"
                  for where, text in names.items() for ch in webfont.missing(text)]
    for line in dict.fromkeys(lines):
        err(line)


def cmd_check(args: argparse.Namespace) -> int:
    loaded = _load_or_report(args.params, args.overrides)
    if loaded is None:
        return EXIT_BAD_INPUT
    for sc in loaded:
        _warn_fonts([sc])
        say(f"{sc.path}: OK ({', '.join(sc.sections)}; parameters {sc.params_sha256()[:12]})")
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    loaded = _load_or_report([args.params], args.overrides)
    if loaded is None:
        return EXIT_BAD_INPUT
    sc = loaded[0].in_language(args.lang) if args.lang else loaded[0]
    _warn_fonts([sc])
    notebook = args.notebook or _notebook("zone_brief.ipynb")
    outdir = args.out or Path("outputs") / folder_name(sc.name)
    if not _usable(notebook, outdir):
        return EXIT_BAD_INPUT
    params = {"scenario_path": as_named(sc.path), "overrides": list(sc.overrides), "language": args.lang}
    return _publish(sc.name, notebook, params, outdir, sc.params.meta.title, sc.params.meta.language, args.started)


def cmd_compare(args: argparse.Namespace) -> int:
    """Several scenario files, or variants of the first, in one comparison brief from one kernel.

    Each file is read once; a variant is the first file's scenario changed in memory."""
    problems: list = []
    variants: list[tuple[str, list[str]]] = []
    for variant in args.variants:
        name, sets = variant[0], variant[1:]
        if not sets:
            problems.append(f"--variant {name!r}: give at least one dotted.key=VALUE after the name")
        variants.append((name, sets))
    names = [p.stem for p in args.params] + [v[0] for v in variants]
    if len(names) < 2:
        problems.append("compare needs at least two scenarios: more files, or --variant NAME KEY=VALUE ...")
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(f"two scenarios are called {name!r}: give each variant its own name")
    if problems:
        for p in problems:
            err(f"simlib compare: {p}")
        return EXIT_BAD_INPUT
    files = []
    for path in args.params:
        try:
            files.append(scenario.load(path, args.overrides))
        except scenario.ScenarioError as exc:
            problems += [f"{p} [scenario {path.stem!r}]" for p in exc.problems]
    entries = [(sc.name, sc, {}) for sc in files]
    changed = []
    for name, sets in variants:
        if not files:
            break
        try:
            values = scenario.parse_overrides(sets, str(files[0].path))
            entries.append((name, files[0], values))
            changed.append(files[0].with_values(values, origin="--variant"))  # validated before any kernel starts
        except scenario.ScenarioError as exc:
            problems += [f"{p} [scenario {name!r}]" for p in exc.problems]
    if problems:
        for p in problems:
            err(p)
        return EXIT_BAD_INPUT
    _warn_fonts(files + changed, {f"simlib compare: --variant {name!r}": name for name, _ in variants})
    notebook = _notebook("compare_brief.ipynb")
    outdir = args.out or Path("outputs") / folder_name("compare-" + "-".join(names))
    if not _usable(notebook, outdir):
        return EXIT_BAD_INPUT
    params = {"language": args.lang,
              "scenarios": [{"name": name, "path": as_named(sc.path), "overrides": list(sc.overrides),
                             "values": values} for name, sc, values in entries]}
    language = args.lang or files[0].params.meta.language
    return _publish("compare", notebook, params, outdir, " / ".join(names), language, args.started)


def _print_problems(command: str, problems: list) -> None:
    """One line each: a scenario's problems name their file; an option's get the command in front."""
    for p in problems:
        text = str(p)
        err(f"simlib {command}: {text}" if text.startswith("--") else text)


#: What a brief's run publishes in its output folder.
BRIEF_FILES = ("brief.html", "results.json", "failed.ipynb")


def _usable(notebook: Path | None, outdir: Path, files: tuple[str, ...] = BRIEF_FILES) -> bool:
    """The notebook exists and the output folder is, or can be made, a writable folder in which none
    of ``files`` (what the run publishes there) exists as anything but a file; one line when not."""
    try:
        if notebook is not None and not notebook.is_file():
            err(f"simlib: {notebook}: notebook not found")
            return False
        if outdir.is_symlink() and not outdir.exists():
            err(f"simlib: {outdir}: is a symbolic link to {os.readlink(outdir)}, which does not exist")
            return False
        if outdir.exists() and not outdir.is_dir():
            err(f"simlib: {outdir}: exists and is not a folder")
            return False
        for name in files:
            target = outdir / name
            if (target.exists() or target.is_symlink()) and not target.is_file():
                err(f"simlib: {target}: exists and is not a file, so the run could not publish there; move it away")
                return False
        existing = next((p for p in [outdir, *outdir.parents] if p.exists()), Path("."))
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            err(f"simlib: {outdir}: cannot be created ({existing} is not a writable folder)")
            return False
        longest = os.pathconf(existing, "PC_NAME_MAX")
        if too_long := [p for p in outdir.parts if len(os.fsencode(p)) > longest]:
            err(f"simlib: {outdir}: cannot be created (a folder name of {len(os.fsencode(too_long[0])):,} bytes "
                f"is too long: this file system allows {longest})")
            return False
    except OSError as exc:  # a name too long for the file system, a loop of symbolic links, no permission
        err(f"simlib: {outdir}: cannot be used as an output folder ({exc.strerror or exc})")
        return False
    return True


def err(line: object) -> None:
    """One line on stderr, with any control character of a title, name or path escaped (:func:`shown`)."""
    print(shown(line), file=sys.stderr)


def say(line: object) -> None:
    """One line on stdout, escaped as :func:`err` does."""
    print(shown(line))


def as_named(path: Path) -> str:
    """``path`` made absolute without following symbolic links: the kernel loads the scenario as the
    command did, so its relative files (the roster, the register) are found beside the file as named —
    beside a symbolic link, not beside its target — by ``check`` and by the run alike.  ``..`` is
    left for the file system to follow (``os.path.abspath`` would drop it as text, and
    ``link/sub/../s.yaml`` would then name another file when ``sub`` is a link)."""
    return str(Path(path).absolute())


def _publish(name: str, notebook: Path, params: dict, outdir: Path, title: str, language: str,
             started: float, staged=None) -> int:
    """Run and publish one brief, saying what happened and how long the whole command took
    (``staged``: :func:`simlib.pipeline.brief.publish_brief`'s).  A full disk and Ctrl-C or SIGTERM
    go on (to one line from :mod:`simlib.interrupt`) after the run has cleaned up."""
    from simlib.pipeline.brief import publish_brief  # heavy imports only once the input is known good

    _note_kernel()
    outcome = publish_brief(name, notebook, params, outdir, title, language, staged=staged)
    _report(outcome, time.perf_counter() - started)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _note_kernel() -> None:
    """One line when briefs cannot run in this Python: which interpreter their kernel resolves to."""
    from simlib.pipeline.execute import kernel_note

    note = kernel_note()
    if note:
        err(f"simlib: warning: {note}")


def _report(outcome, seconds: float) -> None:
    name = outcome.name
    for text in outcome.warnings:
        err(f"simlib: {name}: notebook wrote to stderr: {text}")
    if outcome.ok:
        say(f"simlib: {name}: wrote {outcome.outdir / 'brief.html'} ({outcome.size_kb:,.0f} KB) and "
              f"{outcome.outdir / 'results.json'} in {seconds:.1f} s")
        return
    err(f"simlib: {name}: brief failed: {outcome.error}")
    if outcome.kept:
        err(f"simlib: {name}: executed notebook kept as {outcome.kept}; no brief was published")
    else:
        err(f"simlib: {name}: the notebook did not run; no brief was published")


def _notebook(name: str) -> Path:
    """A notebook shipped in the project's notebooks/ folder."""
    return Path(__file__).resolve().parent.parent / "notebooks" / name


if __name__ == "__main__":
    sys.exit(main())
