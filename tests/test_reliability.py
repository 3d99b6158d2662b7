"""Nothing lost, nothing run that should not run, the same numbers every time."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SIMLIB, simlib

YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"
FINAL = {"brief.html", "results.json", "failed.ipynb"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def notebook_with(tmp_path: Path, source: str) -> Path:
    """The real brief notebook with one more cell, after the run and before the display."""
    nb = nbformat.read(ROOT / "notebooks" / "zone_brief.ipynb", as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells.insert(code[2], nbformat.v4.new_code_cell(source))
    path = tmp_path / "breaks.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "yongchang"
    assert simlib("brief", str(YONGCHANG), "--out", str(out)).returncode == 0
    return out


@pytest.mark.parametrize("source, error", [
    ("raise ValueError('a model error')", "ValueError: a model error"),
    ("import os\nos._exit(1)", "DeadKernelError"),
    ("import resource\nresource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, resource.RLIM_INFINITY))\n"
     "import numpy as np\nhuge = np.ones(4 * 1024**3 // 8)", "MemoryError"),  # 4 GB: fine without the limit
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "DeadKernelError"),  # as the OOM killer does
], ids=["exception", "kernel-death", "out-of-memory", "oom-killer"])
def test_a_notebook_that_breaks_is_reported_and_never_published(good, tmp_path, source, error):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("brief.html", "results.json"):
        (out / name).write_bytes((good / name).read_bytes())
    before = snapshot(out)
    proc = simlib("brief", str(YONGCHANG), "--out", str(out), "--notebook", str(notebook_with(tmp_path, source)))
    assert proc.returncode == 1
    assert f"simlib: yongchang_2024: brief failed: cell 4: {error}" in proc.stderr
    after = snapshot(out)
    assert after.pop("failed.ipynb")
    assert after == before
    assert not list(out.glob(".simlib-staging-*"))


def _staged(out: Path, name: str) -> bool:
    return any((stage / name).exists() for stage in out.glob(".simlib-staging-*"))


# Where a run is killed: by time at its start, then by what has appeared on disk.  (The rendered
# page lives in the staging folder for only an instant before it is published: "publishing".)
KILL_POINTS = {
    "starting": lambda out, before, started: time.monotonic() - started > 0.3,
    "executing": lambda out, before, started: _staged(out, "executed.ipynb"),
    "results-staged": lambda out, before, started: _staged(out, "results.json"),
    "publishing": lambda out, before, started: (out / "brief.html").read_bytes() != before["brief.html"],
}


def _kill_when(args: list[str], out: Path, point) -> bool:
    """Start ``simlib ARGS``, SIGKILL it (and its process group) once ``point`` holds, then wait for
    the orphaned kernel, which lives in a session of its own, to notice and exit.  Whether the run
    was killed (rather than finishing first)."""
    before = snapshot(out)
    started = time.monotonic()
    proc = subprocess.Popen([str(SIMLIB), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    while proc.poll() is None and not point(out, before, started) and time.monotonic() - started < 120:
        time.sleep(0.005)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # it finished first
        pass
    proc.wait()
    deadline = time.monotonic() + 15
    while _processes_inside(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc.returncode == -signal.SIGKILL


def _processes_inside(folder: Path) -> list[int]:
    """Processes whose working folder lies inside ``folder`` (a kernel runs in its staging folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_brief_leaves_the_old_one_whole(good, tmp_path, point):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("brief.html", "results.json"):
        (out / name).write_bytes((good / name).read_bytes())
    before = snapshot(out)
    killed = _kill_when(["brief", str(YONGCHANG), "--out", str(out), "--set", "meta.title=killed"], out,
                        KILL_POINTS[point])
    assert killed or point == "publishing"  # a run may just finish in the instant after publishing
    now = snapshot(out)
    assert set(now) <= FINAL  # temporary files only ever live in the hidden staging folder
    for name in ("brief.html", "results.json"):  # each file is the old one, or a complete new one
        if now[name] != before[name]:
            assert name != "results.json" or json.loads(now[name])["params"]["meta"]["title"] == "killed"
            assert name != "brief.html" or now[name].rstrip().endswith(b"</html>")
    if point == "publishing":
        assert now["brief.html"] != before["brief.html"]
    proc = simlib("brief", str(YONGCHANG), "--out", str(out))  # the next run works and tidies up
    assert proc.returncode == 0, proc.stderr
    assert not list(out.glob(".simlib-staging-*"))


def test_a_killed_batch_resumes(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    for seed in (1, 2):
        (params / f"z{seed}.yaml").write_text(
            YONGCHANG.read_text(encoding="utf-8").replace("value: 20240601", f"value: {seed}"), encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen([str(SIMLIB), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(out.glob("*/results.json")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {p.parent.name for p in out.glob("*/results.json")}
    assert len(done) == 1  # one at a time (--jobs 1): killed while the other ran
    proc = simlib(*args)
    assert proc.returncode == 0, proc.stderr
    assert "2 scenarios, 1 run, 1 unchanged, 0 failed" in proc.stdout
    for name in ("z1", "z2"):
        assert (out / name / "brief.html").is_file()
        assert not list((out / name).glob(".simlib-staging-*"))


def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path):
    """The brief's kernel, a run in this process and a second run here give the same numbers for one
    seed (nothing in a run depends on the process it runs in); another seed gives others."""
    from simlib.scenario import load, run

    def here(*overrides: str) -> str:
        metrics = run(load(YONGCHANG, list(overrides))).document_metrics()
        return json.dumps(json.loads(json.dumps(metrics, allow_nan=False)), sort_keys=True)

    assert simlib("brief", str(YONGCHANG), "--out", str(tmp_path / "a")).returncode == 0
    doc = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    first = json.dumps(doc["metrics"], sort_keys=True)
    assert here() == first == here()
    assert here("meta.seed=12345") != first
    prov = doc["provenance"]
    for key in ("params_sha256", "simlib_version", "git_commit", "git_dirty", "seed", "scenario_file",
                "overrides", "python", "numpy"):
        assert key in prov


def test_scenario_values_reach_the_notebook_only_as_literals(tmp_path):
    """A file name and values that look like code are passed as plain strings, and nothing runs."""
    marker = Path("/tmp/simlib-pwned-literal")
    marker.unlink(missing_ok=True)
    name = "x\"; open(chr(47).join(['', 'tmp', 'simlib-pwned-literal']), 'w') #.yaml"  # no slash in a file name
    scenario = tmp_path / name
    scenario.write_text(YONGCHANG.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    proc = simlib("brief", str(scenario), "--out", str(out),
                  "--set", "meta.title=__import__('os').system('touch /tmp/simlib-pwned-literal')")
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert any(f"__import__({q}os{q}).system" in page for q in ("'", "&#x27;", "&#39;"))  # shown, as text

    # the parameters papermill injected are literals and nothing else
    nb = notebook_with(tmp_path, "raise RuntimeError('keep the executed notebook')")
    assert simlib("brief", str(scenario), "--out", str(out), "--notebook", str(nb)).returncode == 1
    executed = nbformat.read(out / "failed.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    for node in ast.parse(injected[0].source).body:
        assert isinstance(node, ast.Assign)
        ast.literal_eval(node.value)  # raises on anything but a literal


@pytest.mark.parametrize("announced", [True, False], ids=["count-announced", "count-not-announced"])
def test_a_dead_kernel_is_placed_at_the_last_cell_started(tmp_path, announced):
    """Whether or not the dying kernel got to announce the cell's execution count, the cell is the
    last one papermill started; empty cells are never run, so they are not counted."""
    from simlib.pipeline.execute import _cell_reached

    cells = [nbformat.v4.new_code_cell("a = 1", execution_count=1), nbformat.v4.new_code_cell("  "),
             nbformat.v4.new_markdown_cell("text"), nbformat.v4.new_code_cell("import os; os._exit(1)"),
             nbformat.v4.new_code_cell("b = 2")]
    for cell in cells:
        cell.metadata["papermill"] = {"start_time": None, "status": "pending"}
    for cell in (cells[0], cells[2], cells[3]):
        cell.metadata["papermill"] = {"start_time": "2026-11-22T10:00:00", "status": "completed"}
    cells[3].execution_count = 2 if announced else None
    path = tmp_path / "dead.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert _cell_reached(path) == 2
    assert _cell_reached(tmp_path / "missing.ipynb") is None


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "params").glob("*.yaml")))
def test_results_json_alone_reproduces_the_numbers(tmp_path, name):
    """The ``params`` of results.json load back as a scenario file and give the same metrics."""
    import yaml

    from simlib.brief import results
    from simlib.scenario import run

    path = ROOT / "params" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    quicker = ["land.paths=200"] if "\nland:" in text else []
    if "\nzone:" in text:  # a linked scenario links path by path: revenue's paths follow
        quicker.append("revenue.paths=200")
    first = run(path, quicker)
    doc = json.loads(json.dumps(results.document(first)))  # through JSON, as a reader gets it
    again = tmp_path / f"{name}.yaml"
    again.write_text(yaml.safe_dump(doc["params"], allow_unicode=True), encoding="utf-8")
    second = run(again)
    assert second.scenario.params_sha256() == doc["provenance"]["params_sha256"]
    assert json.dumps(second.document_metrics(), sort_keys=True) == json.dumps(doc["metrics"], sort_keys=True)
    for key in ("seed", "code_sha256", "git_commit", "simlib_version", "python", "packages"):
        assert key in doc["provenance"]
    assert all(doc["provenance"]["packages"][p] for p in ("numpy", "scipy", "pandas", "pydantic"))
