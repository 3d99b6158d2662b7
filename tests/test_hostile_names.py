"""Names and paths a hostile user might give (issue 17): every write lands under its output folder,
every printed line is one line, and a scenario's relative files are found in one place.

Deliverables 3 (nothing outside its folder), 4 (one resolution of every path) and 8 (terminal-safe
output).  The output-folder rules themselves are :func:`simlib.pipeline.names.folder_name`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, strategies as st

from conftest import ROOT, simlib
from simlib.pipeline.names import MAX_BYTES, folder_name
from simlib.terminal import shown

YONGCHANG = ROOT / "params" / "yongchang_2024.yaml"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e]")


def tree(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, as paths relative to it (symbolic links not followed)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def scenario_named(folder: Path, name: str, title: str | None = None) -> Path:
    """The Yongchang scenario copied into ``folder`` as ``name`` (with its register beside it)."""
    if not (folder / "sources").exists():
        (folder / "sources").symlink_to(ROOT / "params" / "sources")
    text = YONGCHANG.read_text(encoding="utf-8")
    if title is not None:
        text = re.sub(r"(?m)^  title: .*$", lambda m: "  title: " + json.dumps(title), text, count=1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- folder names ------------------------------------------------------------------------------------

@given(st.text(max_size=200), st.sampled_from(["", "-sweep", "-sensitivity"]))
def test_a_folder_name_is_one_safe_component(name, suffix):
    folder = folder_name(name, suffix)
    assert folder == folder_name(name, suffix)  # stable
    assert folder not in ("", ".", "..") and not folder.startswith(".")
    assert "/" not in folder and "\\" not in folder and not CONTROL.search(folder)
    assert len(folder.encode("utf-8")) <= MAX_BYTES and folder.endswith(suffix)


def tag(name):
    return "-" + hashlib.sha256(name.encode()).hexdigest()[:8]


@pytest.mark.parametrize("name, expected", [
    ("qingzhen_2025", "qingzhen_2025"), ("永昌_2024", "永昌_2024"), ("..", "__" + tag("..")),
    (".", "_" + tag(".")), (".simlib-staging-x", "_simlib-staging-x" + tag(".simlib-staging-x")),
    ("a/b", "a_b" + tag("a/b")), ("a\x1b[2Jb", "a_[2Jb" + tag("a\x1b[2Jb")),
    ("trailing. ", "trailing__" + tag("trailing. "))])
def test_folder_names_by_hand(name, expected):
    assert folder_name(name) == expected


@given(st.text(max_size=40), st.text(max_size=40))
def test_two_names_never_share_a_folder(a, b):
    assume(a != b)
    assert folder_name(a) != folder_name(b)


def test_long_names_are_cut_with_a_hash_that_keeps_them_apart():
    a, b = "永昌" * 60 + "甲", "永昌" * 60 + "乙"  # 363 bytes each, the same first 360
    fa, fb = folder_name(a), folder_name(b)
    assert fa != fb and len(fa.encode()) <= MAX_BYTES and len(fb.encode()) <= MAX_BYTES
    assert fa.startswith("永昌永昌") and re.search(r"-[0-9a-f]{8}$", fa)


# -- nothing outside its folder ------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [".."])  # "." is in the batch below
def test_a_scenario_named_dot_or_dotdot_writes_under_outputs(tmp_path, stem):
    work = tmp_path / "project"
    work.mkdir()
    path = scenario_named(work, stem + ".yaml")
    before = tree(tmp_path)
    proc = simlib("brief", path.name, cwd=work)
    assert proc.returncode == 0, proc.stderr
    new = tree(tmp_path) - before
    assert new and all(p == "project/outputs" or p.startswith("project/outputs/") for p in new), new
    assert (work / "outputs" / folder_name(stem) / "brief.html").is_file()


def test_a_batch_of_hostile_names_writes_only_under_its_folder(tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    names = [".", ".simlib-staging-1-x", "-永昌" * 30 + "\x1b[2J"]  # 214 bytes, cut to 120 with a hash
    for name in names:
        scenario_named(work, name + ".yaml")
    before = tree(tmp_path)
    proc = simlib("batch", *["./" + n + ".yaml" for n in names], "--out", "out", "--jobs", "2", cwd=work)
    assert proc.returncode == 0, proc.stderr
    new = tree(tmp_path) - before
    assert all(p == "project/out" or p.startswith("project/out/") for p in new), new
    for name in names:
        assert (work / "out" / folder_name(name) / "brief.html").is_file(), name
    index = (work / "out" / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in index
    for line in proc.stdout.splitlines() + proc.stderr.splitlines():
        assert shown(line) == line


def test_two_scenarios_that_would_share_a_folder_are_refused(tmp_path):
    """Names that only look alike (``a_b``, ``a\\b``) get folders of their own; the same name in two
    folders would share one, and is refused before anything runs."""
    assert folder_name("a_b") != folder_name("a\\b")
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        scenario_named(tmp_path / folder, "a_b.yaml")
    proc = simlib("batch", "x/a_b.yaml", "y/a_b.yaml", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "a_b" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


# -- output folders that cannot take a brief -------------------------------------------------------------

@pytest.mark.parametrize("make, expect", [
    (lambda d: (d / "out").symlink_to(d / "nowhere"), "is a symbolic link to"),
    (lambda d: (d / "out" / "brief.html").mkdir(parents=True), "brief.html: exists and is not a file"),
    (lambda d: (d / "out" / "results.json").mkdir(parents=True), "results.json: exists and is not a file"),
    (lambda d: (d / "out").mkdir(), "too long"),  # a folder name longer than 255 bytes
], ids=["dangling-symlink", "brief-is-a-folder", "results-is-a-folder", "name-too-long"])
@pytest.mark.parametrize("verb", [["brief"], ["sweep", "--vary", "salary.rounds=2:4:2"]], ids=["brief", "sweep"])
def test_an_output_folder_that_cannot_take_the_brief_is_one_line(tmp_path, make, expect, verb):
    make(tmp_path)
    out = tmp_path / "out" / ("y" * 300) if "long" in expect else tmp_path / "out"
    proc = simlib(verb[0], str(YONGCHANG), *verb[1:], "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and expect in proc.stderr and proc.stderr.startswith("simlib: ")


# -- terminal-safe output ---------------------------------------------------------------------------------

def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    forged = scenario_named(tmp_path, "x\nfake.yaml: OK (salary).yaml")
    proc = simlib("check", str(forged))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1 and "x\\nfake.yaml" in proc.stdout


def test_control_characters_in_a_title_are_shown_escaped(tmp_path):
    path = scenario_named(tmp_path, "clear.yaml", title="x\x1b[2J\x1b]0;pwned\x07y\u202e")
    proc = simlib("list", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout and "\x07" not in proc.stdout
    assert "x\\x1b[2J\\x1b]0;pwned\\x07y\\u202e" in proc.stdout


def test_control_characters_in_a_bad_value_are_shown_escaped(tmp_path):
    path = scenario_named(tmp_path, "bad.yaml")
    proc = simlib("check", str(path), "--set", "meta.language=\x1b[2J")
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\\x1b[2J" in proc.stderr


# -- one resolution of every path --------------------------------------------------------------------------

def roster(rows: int) -> str:
    lines = ["id,department,track,level,base_pay"]
    lines += [f"p{i},dept{i % 3},{'management' if i % 2 else 'professional'},L{i % 4},{10 + i % 5}"
              for i in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_symlinked_scenario_reads_its_roster_beside_the_link_in_check_and_run(tmp_path):
    """The roster is found beside the file as named: ``check`` and the kernel agree, and the brief's
    results (and so the batch's resume hash) describe the roster beside the link."""
    target_dir, link_dir = tmp_path / "target", tmp_path / "link"
    target_dir.mkdir()
    link_dir.mkdir()
    data = yaml.safe_load(YONGCHANG.read_text(encoding="utf-8"))
    data["meta"].pop("documents", None)
    salary = data["salary"]
    for key in ("staff", "departments", "exempt_share", "posts"):
        salary.pop(key, None)
    salary["roster"] = "roster.csv"
    (target_dir / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (target_dir / "roster.csv").write_text(roster(12), encoding="utf-8")
    (link_dir / "roster.csv").write_text(roster(30), encoding="utf-8")
    (link_dir / "scenario.yaml").symlink_to(target_dir / "scenario.yaml")
    check = simlib("check", str(link_dir / "scenario.yaml"))
    assert check.returncode == 0, check.stderr
    proc = simlib("brief", str(link_dir / "scenario.yaml"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["metrics"]["salary"]
    assert metrics["graded_staff"] + metrics["exempt_staff"] == 30  # the roster beside the link, not the 12
    from simlib import scenario

    expected = scenario.load(link_dir / "scenario.yaml").params_sha256()
    recorded = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["provenance"]
    assert recorded["params_sha256"] == expected


# -- integer keys stay whole in sweeps and sensitivity (the README's promise) -------------------------------

def test_sweeps_and_sensitivity_take_integer_keys(monkeypatch):
    """The README's promise: integer keys stay whole (a sweep's grid, a sensitivity sample)."""
    from simlib.explore import sensitivity, sweep

    done = sweep.compute(str(YONGCHANG), ["salary.rounds=2:6:3"])
    assert [r["salary.rounds"] for r in done["rows"]] == [2, 4, 6]
    assert all(type(r["salary.rounds"]) is int for r in done["rows"])
    points = []
    evaluate = sweep.evaluate
    monkeypatch.setattr(sweep, "evaluate", lambda base, sections, point: points.append(point) or
                        evaluate(base, sections, point))
    result = sensitivity.compute(str(YONGCHANG), ["salary.rounds=2:6", "salary.pay.standard_amount=2:4"],
                                 metric="salary.gini", method="morris", n=2)
    assert result["result"]["method"] == "morris" and points
    rounds = [p["salary.rounds"] for p in points]
    assert all(type(r) is int and 2 <= r <= 6 for r in rounds), rounds
    assert any(isinstance(p["salary.pay.standard_amount"], float) and p["salary.pay.standard_amount"] % 1
               for p in points)  # a continuous key is left continuous
