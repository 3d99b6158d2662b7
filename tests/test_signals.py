"""Ctrl-C and SIGTERM: every verb that runs work stops at once, in one line, with exit 130 or 143, and
leaves no process, no temporary and every earlier output as it was.

Each run is a subprocess in a session of its own: a Ctrl-C is SIGINT to its whole process group, as a
terminal sends it; SIGTERM goes to the simlib process alone, as ``kill`` or a scheduler sends it.  Every
descendant the run had (kernels, pool workers, their children) is collected from /proc while it runs,
and none may outlive it.  No TTY: tqdm's bar is off, so stderr holds only what simlib says.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SIMLIB

YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"
LINES = {signal.SIGINT: (130, "simlib: interrupted (Ctrl-C): queued work cancelled, finished outputs kept"),
         signal.SIGTERM: (143, "simlib: stopped (SIGTERM): queued work cancelled, finished outputs kept")}
# the earlier results.json of these tests is a stand-in, not a brief's
pytestmark = pytest.mark.writes_invalid_results

EARLIER = {"brief.html": b"<html>an earlier brief</html>\n", "results.json": b'{"earlier": true}\n',
           "failed.ipynb": b'{"an earlier": "failed notebook"}\n'}


def _stat(pid: int) -> tuple[int, str, str] | None:
    """(parent PID, state, start time) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0], fields[19]


def descendants(root: int) -> dict[int, tuple[str, bytes, bool]]:
    """Every process below ``root`` now, with its start time (so that a reused PID is not mistaken for
    it), its command line and whether it is a child of ``root`` itself."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None:
            table[int(entry)] = st
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _, started) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = (started, cmdline(pid), ppid == root)
                frontier.append(pid)
    return found


def alive(seen: dict[int, tuple[str, bytes, bool]]) -> list[int]:
    return [pid for pid, (started, *_) in seen.items()
            if (st := _stat(pid)) is not None and st[2] == started and st[1] != "Z"]


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def kernels(seen) -> list[int]:
    return [pid for pid, (_, line, _) in seen.items() if b"ipykernel" in line]


def workers(seen) -> list[int]:
    return [pid for pid, (_, line, child) in seen.items() if child and b"spawn_main" in line]


def staged(out: Path, name: str) -> bool:
    return any((stage / name).exists() for stage in out.glob("**/.simlib-staging-*"))


def interrupt(args: list[str], ready, sig: signal.Signals) -> tuple[subprocess.CompletedProcess, dict[int, str]]:
    """Run ``simlib ARGS``; once ``ready(descendants)`` holds, send ``sig`` (SIGINT to the process group,
    SIGTERM to simlib alone) and wait for it to end.  The run and every descendant it had."""
    proc = subprocess.Popen([str(SIMLIB), *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", start_new_session=True)
    seen: dict[int, tuple[str, bytes, bool]] = {}
    deadline = time.monotonic() + 150
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            seen.update(descendants(proc.pid))  # (a command line as it is now: a child forked to exec a kernel changes)
            if ready(seen):
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it was signalled: {proc.communicate()}"
        seen.update(descendants(proc.pid))
        if sig == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        else:
            os.kill(proc.pid, signal.SIGTERM)  # as kill or a scheduler
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    grace = time.monotonic() + 5
    while alive(seen) and time.monotonic() < grace:
        time.sleep(0.1)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), seen


def assert_stopped(proc, seen, sig, others: tuple[str, ...] = ()) -> None:
    status, line = LINES[sig]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == status, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith(others)] if others else proc.stderr.splitlines()
    assert lines == [line], proc.stderr
    assert not alive(seen), [(pid, seen[pid][1]) for pid in alive(seen)]


def earlier(out: Path, extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    out.mkdir(parents=True)
    files = {**EARLIER, **(extra or {})}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def everything(folder: Path) -> dict[str, bytes | None]:
    """Every entry below ``folder``, hidden ones included: a file's bytes, a folder as None."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_brief_stops_with_its_kernel_and_leaves_the_earlier_one(tmp_path, sig):
    out = tmp_path / "out"
    before = earlier(out)
    proc, seen = interrupt(["brief", str(YONGCHANG), "--out", str(out)],
                           lambda seen: kernels(seen) and staged(out, "executed.ipynb"), sig)
    assert kernels(seen)  # the kernel (in a session of its own) was running, and is gone
    assert_stopped(proc, seen, sig)
    assert everything(out) == before


def test_compare_stops_with_its_kernel(tmp_path):
    out = tmp_path / "cmp"
    before = earlier(out)
    proc, seen = interrupt(["compare", str(YONGCHANG), "--variant", "more", "salary.rounds=300", "--out", str(out)],
                           lambda seen: kernels(seen) and staged(out, "executed.ipynb"), signal.SIGTERM)
    assert kernels(seen)
    assert_stopped(proc, seen, signal.SIGTERM)
    assert everything(out) == before


def test_a_sweep_stops_its_workers_at_once(tmp_path):
    """Ctrl-C while the grid runs in two worker processes (perhaps still starting up): no worker prints
    a traceback or survives, no point more is run, the earlier brief and table stand."""
    out = tmp_path / "sw"
    before = earlier(out, {"sweep.csv": b"an,earlier\n1,2\n"})
    proc, seen = interrupt(["sweep", str(YONGCHANG), "--vary", "salary.rounds=100:400:9", "--jobs", "2",
                            "--out", str(out)], lambda seen: len(workers(seen)) >= 2, signal.SIGINT)
    assert workers(seen)
    assert_stopped(proc, seen, signal.SIGINT)
    assert everything(out) == before


def test_a_sensitivity_brief_stops_and_leaves_no_data_file(tmp_path):
    out = tmp_path / "se"
    before = earlier(out)
    proc, seen = interrupt(["sensitivity", str(YONGCHANG), "--vary", "salary.rounds=50:100", "--method", "morris",
                            "--n", "2", "--metric", "salary.gini", "--out", str(out)],
                           lambda seen: kernels(seen) and staged(out, "executed.ipynb"), signal.SIGTERM)
    assert_stopped(proc, seen, signal.SIGTERM)
    assert everything(out) == before  # the data file lived in the staging folder, gone with it


def copies(folder: Path, n: int) -> Path:
    """``z1.yaml`` … ``zN.yaml``: the Yongchang scenario with seeds 1 … N, beside a copy of the files it refers to."""
    folder.mkdir()
    if (ROOT / "params" / "sources").is_dir():
        shutil.copytree(ROOT / "params" / "sources", folder / "sources")
    for k in range(1, n + 1):
        (folder / f"z{k}.yaml").write_text(
            YONGCHANG.read_text(encoding="utf-8").replace("value: 20240601", f"value: {k}"), encoding="utf-8")
    return folder


def tiny_notebook(folder: Path, source: str) -> Path:
    """A brief notebook that takes a second: batch's parameters, then ``source``, then a results.json
    with no metrics (the index shows dashes) and one line of output."""
    params = nbformat.v4.new_code_cell('scenario_path = ""\noverrides = []\nlanguage = None\nresults_path = ""')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        params, nbformat.v4.new_code_cell(source),
        nbformat.v4.new_code_cell('import json\njson.dump({"metrics": {}}, open(results_path, "w"))\nprint("a brief")')])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_batch_stops_its_workers_and_indexes_what_finished(tmp_path, sig):
    """z1 finishes; z2 and z3 are running (asleep) in the two workers and z4 is queued when the batch is
    signalled: it stops at once, no worker or kernel survives, the index lists z1 and the others as
    interrupted, and z2's earlier brief stands."""
    params = copies(tmp_path / "params", 4)
    out = tmp_path / "out"
    before = earlier(out / "z2")
    notebook = tiny_notebook(tmp_path, "import time\nif not scenario_path.endswith('z1.yaml'):\n    time.sleep(120)")
    proc, seen = interrupt(["batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook",
                            str(notebook)],
                           lambda seen: (out / "z1" / "results.json").exists() and staged(out / "z3", "executed.ipynb"),
                           sig)
    assert len(kernels(seen)) >= 2 and len(workers(seen)) == 2, [(p, seen[p][1][:300]) for p in workers(seen)]
    assert_stopped(proc, seen, sig)
    assert everything(out / "z2") == before
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "z1", "z2", "z3"]
    assert not [p for p in out.rglob(".*")]  # no staging folder, no temporary
    assert not (out / "z3" / "brief.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("z2", "z3", "z4"):
        assert f'<td>{name}</td><td>' in index
    assert index.count("interrupted") == 3 and 'href="z1/brief.html"' in index
    assert (out / "z1" / "brief.html").is_file()


def test_a_scenario_file_spoilt_or_deleted_during_a_batch_fails_alone(tmp_path):
    """z2 is made invalid and z3 deleted while z1 runs (one worker): each fails alone, in one line."""
    params = copies(tmp_path / "params", 3)
    notebook = tiny_notebook(tmp_path, textwrap.dedent("""\
        import os, pathlib
        if scenario_path.endswith("z1.yaml"):
            folder = pathlib.Path(scenario_path).parent
            (folder / "z2.yaml").write_text("meta: [unclosed", encoding="utf-8")
            os.remove(folder / "z3.yaml")"""))
    out = tmp_path / "out"
    proc = subprocess.run([str(SIMLIB), "batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1",
                           "--notebook", str(notebook)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "3 scenarios, 3 run, 0 unchanged, 2 failed" in proc.stdout
    failed = [ln for ln in proc.stderr.splitlines() if ": failed: " in ln]
    assert len(failed) == 2 and all("the scenario cannot be read now" in ln for ln in failed), proc.stderr
    assert "z3.yaml: file not found" in proc.stderr
    assert (out / "z1" / "brief.html").is_file()


# -- temporaries are claimed by a lock, not by a PID ---------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from simlib.pipeline import publish
out = Path(sys.argv[1])
with publish.staging(out) as stage, publish.replacing(out / "table.csv") as tmp:
    tmp.write_text("half", encoding="utf-8")
    print(stage.name, tmp.name, flush=True)
    time.sleep(300)
"""


def test_a_live_runs_temporaries_are_kept_and_a_killed_runs_removed(tmp_path):
    from simlib.pipeline import publish

    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        stage, tmp = holder.stdout.readline().split()
        # a folder and a temporary named after a live PID (PID 1, this test's) but claimed by no one:
        # an old one is stale whatever the PID says
        for name in (f".simlib-staging-1-{os.getpid()}", f".simlib-staging-{os.getpid()}-x"):
            (out / name).mkdir()
            os.utime(out / name, (time.time() - 3600, time.time() - 3600))
        (out / f".simlib-brief.html.{os.getpid()}.tmp").write_text("left over", encoding="utf-8")
        # another program's hidden temporaries (``--out`` may be a home folder): never ours to remove
        others = [out / ".staging-theirs", out / ".editor.swp.tmp"]
        others[0].mkdir()
        os.utime(others[0], (time.time() - 3600, time.time() - 3600))
        others[1].write_text("theirs", encoding="utf-8")
        young = out / ".simlib-staging-just-made"
        young.mkdir()  # maybe a run about to lock it: left alone for now
        removed = {p.name for p in publish.remove_stale(out)}
        assert removed == {f".simlib-staging-1-{os.getpid()}", f".simlib-staging-{os.getpid()}-x",
                           f".simlib-brief.html.{os.getpid()}.tmp"}
        assert (out / stage).is_dir() and (out / tmp).is_file() and young.is_dir()
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert {p.name for p in publish.remove_stale(out)} == {stage, tmp}
        assert sorted(p.name for p in out.iterdir()) == sorted([young.name] + [p.name for p in others])
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
