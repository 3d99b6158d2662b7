"""The ``simlib`` command: it orchestrates, the modules it calls do the work.

    simlib check PARAMS... [--set dotted.key=VALUE ...]
    simlib brief PARAMS [--out DIR] [--set dotted.key=VALUE ...] [--notebook NB]

Exit status: 0 on success, 2 for bad input (nothing written, no kernel
started), 1 when a notebook run fails (its executed copy is kept as
``failed.ipynb``; an earlier brief stays as it was).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from simlib import scenario

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.func(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simlib", description="Development-zone policy scenarios and briefs.")
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
    add_set(brief)
    brief.set_defaults(func=cmd_brief)
    return parser


def _load_or_report(paths: list[Path], overrides: list[str]) -> list[scenario.Scenario] | None:
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(scenario.load(path, overrides))
        except scenario.ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return None
    return loaded


def cmd_check(args: argparse.Namespace) -> int:
    loaded = _load_or_report(args.params, args.overrides)
    if loaded is None:
        return EXIT_BAD_INPUT
    for sc in loaded:
        models = [m for m in ("revenue", "salary", "land") if getattr(sc.params, m, None) is not None]
        print(f"{sc.path}: OK ({', '.join(models)}; parameters {sc.params_sha256()[:12]})")
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    loaded = _load_or_report([args.params], args.overrides)
    if loaded is None:
        return EXIT_BAD_INPUT
    sc = loaded[0]
    notebook = args.notebook or _default_notebook()
    if not notebook.is_file():
        print(f"{notebook}: notebook not found", file=sys.stderr)
        return EXIT_BAD_INPUT
    outdir = args.out or Path("outputs") / sc.name
    if outdir.exists() and not outdir.is_dir():
        print(f"{outdir}: exists and is not a folder", file=sys.stderr)
        return EXIT_BAD_INPUT

    from simlib import execute, publish, render  # heavy imports only once the input is known good

    started = time.perf_counter()
    with publish.staging(outdir) as stage:
        stage = stage.resolve()
        executed = stage / "executed.ipynb"
        results = stage / "results.json"
        params = {
            "scenario_path": str(sc.path.resolve()),
            "overrides": list(sc.overrides),
            "results_path": str(results),
        }
        failure = execute.execute(notebook, executed, params, cwd=stage)
        for text in execute.stderr_text(executed) if executed.exists() else []:
            if text.strip():
                print(f"simlib: {sc.name}: notebook wrote to stderr: {text.strip().splitlines()[-1]}",
                      file=sys.stderr)
        if failure is None and not results.is_file():
            failure = execute.Failure(None, f"{notebook.name} did not write results.json")
        page = stage / "brief.html"
        if failure is None:
            try:
                publish.write_text(page, render.to_html(executed, title=sc.params.meta.title,
                                                        language=sc.params.meta.language))
            except Exception as exc:  # a notebook nbconvert cannot render is a failed run too
                failure = execute.Failure(None, f"rendering failed: {type(exc).__name__}: {exc}")
        if failure is not None:
            print(f"simlib: {sc.name}: brief failed: {failure}", file=sys.stderr)
            if executed.exists():
                publish.move(executed, outdir / "failed.ipynb")
                print(f"simlib: {sc.name}: executed notebook kept as {outdir / 'failed.ipynb'}; "
                      "no brief was published", file=sys.stderr)
            else:
                print(f"simlib: {sc.name}: the notebook did not run; no brief was published", file=sys.stderr)
            return EXIT_FAILED
        publish.move(results, outdir / "results.json")
        publish.move(page, outdir / "brief.html")
        (outdir / "failed.ipynb").unlink(missing_ok=True)
    size_kb = (outdir / "brief.html").stat().st_size / 1024
    print(f"simlib: {sc.name}: wrote {outdir / 'brief.html'} ({size_kb:,.0f} KB) and "
          f"{outdir / 'results.json'} in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _default_notebook() -> Path:
    from simlib.execute import DEFAULT_NOTEBOOK

    return DEFAULT_NOTEBOOK


if __name__ == "__main__":
    sys.exit(main())
