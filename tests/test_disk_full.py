"""A full disk at any point of a run: one line, exit 1, the earlier brief, results and table as they
were, and no temporary left (staging folder, ``.tmp`` file, data file, half-written ``failed.ipynb``).

The output folder is on a small tmpfs (root only: skipped, saying so, where ``mount`` is not
permitted) that a filler file fills to several levels, so that runs fail at different stages: the
staging folder, the executed notebook papermill saves after every cell, the kernel's results.json,
the rendered page, the final moves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, simlib

YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"
SIZE_KB = 3072
#: Free space left by the filler (KB): nothing, a few cells' worth, part of an executed notebook
#: or of a rendered page (a brief's page is about 450 KB; the sweep and the batch add more stages).
LEVELS = [0, 64, 300]
TEMPORARY = (".simlib-", ".staging-", "sweep-data", "sensitivity-data")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "yongchang"
    proc = simlib("brief", str(YONGCHANG), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def disk(tmp_path):
    """A tmpfs of :data:`SIZE_KB`, unmounted afterwards whatever happens."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_KB}k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk: Path, leave_kb: int) -> None:
    """A filler file taking all of ``disk``'s free space but ``leave_kb``."""
    st = os.statvfs(disk)
    size = max(0, st.f_bavail * st.f_frsize - leave_kb * 1024)
    with open(disk / f"filler-{uuid.uuid4().hex}", "wb") as fh:
        while size > 0:
            chunk = min(size, 1 << 20)
            try:
                fh.write(b"\0" * chunk)
                fh.flush()
            except OSError:
                break
            size -= chunk


def files(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def assert_clean(folder: Path) -> None:
    left = [p for p in folder.rglob("*") if p.name.startswith(TEMPORARY) or p.name.endswith(".tmp")]
    assert not left, left


def assert_one_disk_full_line(proc) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0], proc.stderr


@pytest.mark.parametrize("leave_kb", LEVELS)
def test_a_brief_on_a_full_disk_fails_in_one_line_and_keeps_the_earlier_one(good, disk, leave_kb):
    out = disk / "x"
    out.mkdir()
    for name in ("brief.html", "results.json"):
        shutil.copyfile(good / name, out / name)
    before = files(out)
    fill(disk, leave_kb)
    proc = simlib("brief", str(YONGCHANG), "--out", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    if leave_kb == 0:  # no room at all: this run cannot succeed, so the failure path is surely taken
        assert proc.returncode == 1, proc.stderr
    assert_clean(out)
    if proc.returncode == 1:
        assert_one_disk_full_line(proc)
        assert files(out) == before  # no failed.ipynb either: a notebook the disk cut short is not kept
    else:
        assert set(files(out)) == {"brief.html", "results.json"}
        assert (out / "brief.html").read_bytes().rstrip().endswith(b"</html>")


@pytest.mark.writes_invalid_results
def test_a_sweep_on_a_full_disk_keeps_its_earlier_brief_and_table(good, disk):
    out = disk / "sw"
    out.mkdir()
    for name in ("brief.html", "results.json"):
        shutil.copyfile(good / name, out / name)
    (out / "sweep.csv").write_text("an,earlier\n1,2\n", encoding="utf-8")
    before = files(out)
    fill(disk, 64)
    proc = simlib("sweep", str(YONGCHANG), "--vary", "salary.rounds=20:40:3", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert_one_disk_full_line(proc)
    assert files(out) == before
    assert_clean(out)


def test_a_batch_on_a_full_disk_fails_each_scenario_in_one_line_and_keeps_the_index(disk, tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    if (ROOT / "params" / "sources").is_dir():
        shutil.copytree(ROOT / "params" / "sources", params / "sources")
    shutil.copyfile(YONGCHANG, params / "z1.yaml")
    out = disk / "b"
    out.mkdir()
    (out / "index.html").write_text("<html>an earlier index</html>\n", encoding="utf-8")
    before = files(out)
    fill(disk, 0)
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all("disk is full" in line for line in lines), proc.stderr
    assert any(line.startswith("simlib: z1: failed: the disk is full") for line in lines), proc.stderr
    assert files(out) == before or set(files(out)) - set(before) == {"z1"}  # at most an empty scenario folder
    assert_clean(out)
