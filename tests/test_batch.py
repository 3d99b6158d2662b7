"""simlib batch: parallel briefs, one failure never stops the others, unchanged scenarios skipped, index page."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import ROOT, simlib

YONGCHANG = (ROOT / "params" / "yongchang_2024.yaml").read_text(encoding="utf-8")


def scenarios(folder, seeds=(1, 2, 3)):
    """Small copies of the Yongchang scenario with their own seeds (salary only: quick briefs)."""
    folder.mkdir()
    for s in seeds:
        (folder / f"zone_{s}.yaml").write_text(YONGCHANG.replace("value: 20240601", f"value: {s}"),
                                               encoding="utf-8")
    return folder


def with_first_cell(folder, source, name):
    """The real brief notebook with one more cell, run right after the parameters."""
    nb = nbformat.read(ROOT / "notebooks" / "zone_brief.ipynb", as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells.insert(code[1], nbformat.v4.new_code_cell(source))
    path = folder / name
    nbformat.write(nb, path)
    return path


def failing_for(folder, marker, switch):
    """A notebook that raises for scenarios whose path contains ``marker`` while the file ``switch``
    exists (so the same notebook can fail, then work)."""
    return with_first_cell(folder, f"import os\nif {marker!r} in scenario_path and os.path.exists({str(switch)!r}):\n"
                                   "    raise RuntimeError('this zone is broken')", "brief_or_fail.ipynb")


def metrics(root, name):
    return json.loads((root / name / "results.json").read_text(encoding="utf-8"))["metrics"]


def test_batch_runs_all_reports_failure_resumes_and_forces(tmp_path):
    params = scenarios(tmp_path / "params")
    out = tmp_path / "out"
    broken = tmp_path / "zone_2_is_broken"
    broken.touch()
    notebook = failing_for(tmp_path, "zone_2", broken)
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook", str(notebook))
    assert proc.returncode == 1  # one failed
    assert "zone_2: failed: " in proc.stderr and "RuntimeError: this zone is broken" in proc.stderr
    assert "3 scenarios, 3 run, 0 unchanged, 1 failed" in proc.stdout
    for name in ("zone_1", "zone_3"):
        assert (out / name / "brief.html").is_file() and (out / name / "results.json").is_file()
    assert (out / "zone_2" / "failed.ipynb").is_file() and not (out / "zone_2" / "brief.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index.lower()
    assert re.search(r"<td>zone_1</td><td>ok</td>.*?<a href=\"zone_1/brief.html\">", index)
    assert re.search(r"<td>zone_2</td><td>failed: cell \d+: RuntimeError: this zone is broken</td>", index)
    assert '<a href="zone_2/failed.ipynb">' in index
    first = {n: metrics(out, n) for n in ("zone_1", "zone_3")}
    stamp = (out / "zone_1" / "brief.html").stat().st_mtime_ns

    # the unchanged ones are skipped, the failed one is tried again (and now works)
    broken.unlink()
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook", str(notebook))
    assert proc.returncode == 0, proc.stderr
    assert "3 scenarios, 1 run, 2 unchanged, 0 failed" in proc.stdout
    assert (out / "zone_1" / "brief.html").stat().st_mtime_ns == stamp
    assert (out / "zone_2" / "brief.html").is_file() and not (out / "zone_2" / "failed.ipynb").exists()
    assert "unchanged, skipped" in (out / "index.html").read_text(encoding="utf-8")

    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1", "--notebook", str(notebook))
    assert "3 scenarios, 0 run, 3 unchanged" in proc.stdout

    # briefs made by another notebook are out of date: the stock notebook re-runs them all
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2")
    assert "3 scenarios, 3 run, 0 unchanged, 0 failed" in proc.stdout

    # --force re-runs everything; a changed parameter re-runs that one; numbers are the same whatever --jobs
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1", "--force")
    assert "3 scenarios, 3 run, 0 unchanged, 0 failed" in proc.stdout
    assert {n: metrics(out, n) for n in ("zone_1", "zone_3")} == first
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--set", "salary.pay.standard_amount=5")
    assert "3 scenarios, 3 run, 0 unchanged" in proc.stdout


def test_a_scenario_that_kills_its_worker_fails_alone(tmp_path):
    """The kernel of zone_2 kills the worker process that runs it (as the OOM killer might): the
    other scenarios, queued or running beside it, still publish, and the batch reports zone_2."""
    params = scenarios(tmp_path / "params")
    notebook = with_first_cell(tmp_path, "import os, signal\nif 'zone_2' in scenario_path:\n"
                                         "    os.kill(os.getppid(), signal.SIGKILL)", "kills_its_worker.ipynb")
    out = tmp_path / "out"
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook", str(notebook))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "3 scenarios, 3 run, 0 unchanged, 1 failed" in proc.stdout
    assert "zone_2: failed: the worker process died" in proc.stderr
    for name in ("zone_1", "zone_3"):
        assert (out / name / "brief.html").is_file() and (out / name / "results.json").is_file()
    assert not (out / "zone_2" / "brief.html").exists()
    assert re.search(r"<td>zone_2</td><td>failed: the worker process died", (out / "index.html").read_text())


@pytest.mark.writes_invalid_results
def test_a_brief_is_up_to_date_only_for_the_same_parameters_code_and_notebook(tmp_path):
    """No kernel: a published folder is faked, then each thing that could have changed is changed."""
    from simlib import __version__, scenario
    from simlib.pipeline import batch
    from simlib.brief import results

    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "z.yaml"
    path.write_text(YONGCHANG, encoding="utf-8")
    sc = scenario.load(path)
    notebook = ROOT / "notebooks" / "zone_brief.ipynb"
    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.html").write_text("<html></html>", encoding="utf-8")
    good = {"params_sha256": sc.params_sha256(), "simlib_version": __version__,
            "code_sha256": results.code_sha256(), "notebook": {"sha256": results.file_sha256(notebook)}}

    def fresh(**changes) -> bool:
        results.write_json({"provenance": {**good, **changes}, "metrics": {}}, out / "results.json")
        return batch.up_to_date(sc, out, results.file_sha256(notebook))

    assert fresh()
    assert not fresh(params_sha256="0" * 64)
    assert not fresh(simlib_version="0.0.0")
    assert not fresh(code_sha256="0" * 64)  # the code changed without a new version number
    assert not fresh(notebook={"sha256": "0" * 64})
    assert not fresh(notebook=None)
    other = tmp_path / "other.ipynb"
    other.write_bytes(notebook.read_bytes() + b" ")
    results.write_json({"provenance": good, "metrics": {}}, out / "results.json")
    assert not batch.up_to_date(sc, out, results.file_sha256(other))
    (out / "brief.html").unlink()
    assert not batch.up_to_date(sc, out, results.file_sha256(notebook))


def test_batch_on_a_local_dask_cluster_gives_the_same_numbers(tmp_path):
    distributed = pytest.importorskip("distributed")
    params = scenarios(tmp_path / "params", seeds=(7, 8))
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert simlib("batch", str(params / "*.yaml"), "--out", str(local), "--jobs", "2").returncode == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        proc = simlib("batch", str(params / "*.yaml"), "--out", str(remote), "--dask", cluster.scheduler_address)
    assert proc.returncode == 0, proc.stderr
    for name in ("zone_7", "zone_8"):
        assert metrics(remote, name) == metrics(local, name)


def test_batch_bad_input_exits_2_and_writes_nothing(tmp_path):
    params = scenarios(tmp_path / "params", seeds=(1,))
    (params / "broken.yaml").write_text(YONGCHANG.replace("objective_reliability:\n      value: 0.5\n",
                                                                 "objective_reliability:\n      value: 1.5\n"), encoding="utf-8")
    out = tmp_path / "out"
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out))
    assert proc.returncode == 2
    assert "broken.yaml: salary.appraisal.objective_reliability: must be at most 1.0, got 1.5" in proc.stderr
    assert not out.exists()
    proc = simlib("batch", str(tmp_path / "nothing-*.yaml"), "--out", str(out))
    assert proc.returncode == 2 and "no scenario file matches" in proc.stderr
    assert not out.exists()


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path):
    params = scenarios(tmp_path / "params", seeds=(1,))
    out = tmp_path / "out"
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--dask", "tcp://127.0.0.1:9")
    assert proc.returncode == 2
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (out / "zone_1" / "brief.html").exists()
