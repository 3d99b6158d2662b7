"""simlib batch: parallel briefs, one failure never stops the others, unchanged scenarios skipped, index page."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from markupsafe import escape

from conftest import ROOT, simlib
from simlib import scenario

YONGCHANG = (ROOT / "params" / "yongchang_2024.yaml").read_text(encoding="utf-8")
TITLE = str(escape(scenario.load(ROOT / "params" / "yongchang_2024.yaml").params.meta.title))


def params_folder(folder):
    """A folder for copies of scenario files, with a copy of the files they refer to (``sources/``)."""
    folder.mkdir()
    if (ROOT / "params" / "sources").is_dir():
        shutil.copytree(ROOT / "params" / "sources", folder / "sources")
    return folder


def scenarios(folder, seeds=(1, 2, 3)):
    """Small copies of the Yongchang scenario with their own seeds (salary only: quick briefs)."""
    params_folder(folder)
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
    params = scenarios(tmp_path / "params", seeds=(1, 2))  # one fails, one does not
    out = tmp_path / "out"
    broken = tmp_path / "zone_2_is_broken"
    broken.touch()
    notebook = failing_for(tmp_path, "zone_2", broken)
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook", str(notebook))
    assert proc.returncode == 1  # one failed
    assert "zone_2: failed: " in proc.stderr and "RuntimeError: this zone is broken" in proc.stderr
    assert "2 scenarios, 2 run, 0 unchanged, 1 failed" in proc.stdout
    for name in ("zone_1",):
        assert (out / name / "brief.html").is_file() and (out / name / "results.json").is_file()
    assert (out / "zone_2" / "failed.ipynb").is_file() and not (out / "zone_2" / "brief.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index.lower()
    # in the scenarios' language (Chinese), with their titles
    assert re.search(rf'<td>zone_1</td><td>{re.escape(TITLE)}</td><td class="status">完成</td>.*?<a href="zone_1/brief.html">',
                     index)
    assert re.search(r'<td>zone_2</td><td>[^<]*</td><td class="status">失败：cell \d+: RuntimeError: this zone is broken</td>',
                     index)
    assert '<a href="zone_2/failed.ipynb">' in index
    first = {n: metrics(out, n) for n in ("zone_1",)}
    stamp = (out / "zone_1" / "brief.html").stat().st_mtime_ns

    # the unchanged ones are skipped, the failed one is tried again (and now works)
    broken.unlink()
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "2", "--notebook", str(notebook))
    assert proc.returncode == 0, proc.stderr
    assert "2 scenarios, 1 run, 1 unchanged, 0 failed" in proc.stdout
    assert (out / "zone_1" / "brief.html").stat().st_mtime_ns == stamp
    assert (out / "zone_2" / "brief.html").is_file() and not (out / "zone_2" / "failed.ipynb").exists()
    assert '<td class="status">未变，跳过</td>' in (out / "index.html").read_text(encoding="utf-8")

    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1", "--notebook", str(notebook))
    assert "2 scenarios, 0 run, 2 unchanged" in proc.stdout

    # --force re-runs everything (so does another notebook, a changed parameter or a new version of
    # simlib: test_a_brief_is_up_to_date_only_for_the_same_parameters_code_and_notebook, without
    # kernels); the numbers are the same whatever --jobs, and with the stock notebook
    proc = simlib("batch", str(params / "*.yaml"), "--out", str(out), "--jobs", "1", "--force")
    assert "2 scenarios, 2 run, 0 unchanged, 0 failed" in proc.stdout
    assert {n: metrics(out, n) for n in ("zone_1",)} == first


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
    assert re.search(r'<td>zone_2</td><td>[^<]*</td><td class="status">失败：the worker process died',
                     (out / "index.html").read_text(encoding="utf-8"))


@pytest.mark.writes_invalid_results
def test_a_brief_is_up_to_date_only_for_the_same_parameters_code_and_notebook(tmp_path):
    """No kernel: a published folder is faked, then each thing that could have changed is changed."""
    from simlib import __version__, scenario
    from simlib.pipeline import batch
    from simlib.brief import results

    path = params_folder(tmp_path / "params") / "z.yaml"
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
    params = scenarios(tmp_path / "params", seeds=(7,))
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert simlib("batch", str(params / "*.yaml"), "--out", str(local), "--jobs", "2").returncode == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        proc = simlib("batch", str(params / "*.yaml"), "--out", str(remote), "--dask", cluster.scheduler_address)
    assert proc.returncode == 0, proc.stderr
    assert metrics(remote, "zone_7") == metrics(local, "zone_7")


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


# -- the index: the batch's language, titles, one column per headline figure -------------------------

ATTACK = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def briefed(tmp_path_factory):
    """Three scenarios' results.json as a batch leaves them (no kernel: the models run here), and a
    failed one: Qingzhen (revenue, salary, land over 2024–2033), Jianshi (the same models over
    other years) and Guangyuan (land only), its title an attack."""
    from simlib.brief import results
    from simlib.pipeline.brief import Outcome
    from simlib.scenario import run

    root = tmp_path_factory.mktemp("index")
    quick = ["revenue.paths=500", "land.paths=100"]
    loaded = [scenario.load(ROOT / "params" / "qingzhen_2025.yaml", quick),
              scenario.load(ROOT / "params" / "jianshi_2021.yaml", quick),
              scenario.load(ROOT / "params" / "guangyuan_2023.yaml", [*quick[1:], f"meta.title={ATTACK}"])]
    outcomes, runs = [], {}
    for sc in loaded:
        runs[sc.name] = r = run(sc)
        (root / sc.name).mkdir()
        results.write_json(results.document(r), root / sc.name / "results.json")
        (root / sc.name / "brief.html").write_text("<html></html>", encoding="utf-8")
        outcomes.append(Outcome(sc.name, root / sc.name, True, 1.25))
    outcomes.append(Outcome("broken", root / "broken", False, 0.5, "cell 3: RuntimeError: no\nmore lines"))
    return root, outcomes, loaded, runs


def table(page: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """The index's header rows (the models, then the figures with their units) and each scenario's cells."""
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    first, second = re.findall(r"<tr>(.*?)</tr>", head, re.S)
    groups = re.findall(r'<th class="group" colspan="\d+">(.*?)</th>', first)
    figures = re.findall(r"<th>(.*?)</th>", second)
    rows = {m.group(1): re.findall(r"<td[^>]*>(.*?)</td>", m.group(0))
            for m in re.finditer(r'<tr class="\w+"><td>(.*?)</td>.*?</tr>', page)}
    return groups, figures, rows


FORMATS = {"zh": {"亿元": r"\d[\d,]*\.\d\d", "万元": r"\d[\d,]*\.\d\d", "%": r"\d+\.\d", "": r"\d\.\d{3}"},
           "en": {"CNY m": r"\d[\d,]*", "CNY": r"\d[\d,]*", "%": r"\d+\.\d", "": r"\d\.\d{3}"}}


@pytest.mark.parametrize("lang", [None, "en"])
def test_index_has_a_column_per_headline_in_one_unit_with_titles(briefed, lang):
    from simlib import models
    from simlib.brief import labels, webfont
    from simlib.pipeline import batch

    root, outcomes, loaded, runs = briefed
    page = batch.write_index(outcomes, root, loaded, lang=lang).read_text(encoding="utf-8")
    shown = lang or "zh"  # the scenarios are Chinese
    assert f'<html lang="{shown}">' in page and "<script" not in page.lower()
    assert f"<h1>{labels.t('batch.heading', shown, n=4, failed=1)}</h1>" in page
    assert re.search(r'font-family: "simlib CJK", ', page)
    assert f'font-family: "{webfont.FAMILY}"; ' in page  # the subset is embedded, Chinese renders anywhere
    assert ATTACK not in page and str(escape(ATTACK)) in page

    groups, figures, rows = table(page)
    assert groups == [models.get(s).title[shown] for s in ("revenue", "salary", "land")]
    # each model's first headline figures, in one unit named in the header; the years get a column where
    # they differ between the scenarios (revenue, land), so the labels name no year
    expected = []
    for section in ("revenue", "salary", "land"):
        if section != "salary":
            expected.append((labels.t("batch.years", shown), None))
        for h in models.get(section).headlines[:batch.INDEX_FIGURES]:
            text = h.label[shown].format(y0=labels.t("batch.first_year", shown), y1=labels.t("batch.last_year", shown))
            expected.append((text, h))
    units = [re.search(r'<span class="unit">(.*?)</span>', f) for f in figures]
    assert [re.sub(r"<span.*", "", f) for f in figures] == [str(escape(text)) for text, _ in expected]
    assert [u.group(1) if u else "" for u in units] == [
        "" if h is None else batch._unit(h.kind, shown) for _, h in expected]
    assert batch._unit("money", shown) == ("亿元" if shown == "zh" else "CNY m")

    # every row: name, title, status, one cell per figure, run time, link
    qz, js, gy = (r.name for r in loaded)
    for name, sc in zip((qz, js, gy), loaded):
        cells = rows[name]
        assert len(cells) == 3 + len(expected) + 2
        meta = sc.params.meta
        english = meta.glossary.get(meta.title) if shown == "en" else None  # in English, its English under it
        assert cells[1] == str(escape(meta.title)) + (f'<br><span class="title-en">{escape(english)}</span>'
                                                      if english else "")
        assert cells[2] == labels.t("batch.ok", shown)
    assert (shown == "en") == ('<span class="title-en">' in page)  # Qingzhen's glossary has its title
    assert rows["broken"][2] == labels.t("batch.failed_because", shown, error="cell 3: RuntimeError: no")
    assert rows["broken"][3:-2] == ["—"] * len(expected)
    assert rows[gy][3:3 + 5] == ["—"] * 5  # no revenue, no salary: blank, not shifted
    # down each column the same unit: the cells are bare numbers of that unit's format (or "—")
    for i, (text, h) in enumerate(expected):
        pattern = r"\d{4}–\d{4}" if h is None else FORMATS[shown][batch._unit(h.kind, shown)]
        for name in (qz, js, gy, "broken"):
            cell = rows[name][3 + i]
            assert cell == "—" or re.fullmatch(pattern, cell), (text, name, cell)
    # the numbers are the runs' own figures
    payout = [runs[n].metrics["revenue"].zone_payout_total_mean for n in (qz, js)]
    column = next(i for i, (_, h) in enumerate(expected) if h is not None and h.metric == "zone_payout_total_mean")
    assert [rows[n][3 + column] for n in (qz, js)] == [f"{v:,.2f}" if shown == "zh" else f"{v * 100:,.0f}"
                                                      for v in payout]
    years = runs[js].metrics["revenue"].years
    assert rows[js][3] == f"{years[0]}–{years[-1]}"
    assert re.search(r'<td class="num">1\.2</td><td class="link"><a href="%s/brief.html">%s</a></td>'
                     % (qz, labels.t("batch.brief", shown)), page)


def test_index_of_scenarios_in_several_languages_says_so(briefed, tmp_path):
    from simlib.brief import labels
    from simlib.pipeline import batch

    root, outcomes, loaded, _ = briefed
    mixed = [loaded[0], loaded[1].in_language("en"), loaded[2]]
    page = batch.write_index(outcomes, root, mixed).read_text(encoding="utf-8")
    assert '<html lang="zh">' in page  # the first scenario's
    names = [sc.name for sc in loaded]
    assert labels.t("batch.mixed", "zh", languages=f"zh: {names[0]}, {names[2]}; en: {names[1]}") in page
    english = batch.write_index(outcomes, root, mixed, lang="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and labels.t("batch.mixed", "en", languages="") [:20] not in english


def test_batch_in_another_language(tmp_path):
    """``lang`` writes every brief in it; a brief in another language is not up to date."""
    from simlib.pipeline import batch

    params = scenarios(tmp_path / "params", seeds=(5,))
    loaded = [scenario.load(params / "zone_5.yaml")]
    out = tmp_path / "out"
    first = batch.run_batch(loaded, out, jobs=1, lang="en")
    assert [o.ok and not o.skipped for o in first] == [True], first
    page = (out / "zone_5" / "brief.html").read_text(encoding="utf-8")
    assert 'lang="en"' in page
    doc = json.loads((out / "zone_5" / "results.json").read_text(encoding="utf-8"))
    assert doc["params"]["meta"]["language"] == "en" and doc["provenance"]["overrides"] == []
    index = batch.write_index(first, out, loaded, lang="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and '<td class="status">ok</td>' in index
    assert "Pairs graded in the wrong order" in index
    # the language is part of the parameters' hash, which decides whether a brief is up to date
    english = loaded[0].in_language("en").params_sha256()
    assert doc["provenance"]["params_sha256"] == english != loaded[0].params_sha256()
    assert [o.skipped for o in batch.run_batch(loaded, out, jobs=1)] == [False]  # Chinese now: run again
    assert 'lang="zh"' in (out / "zone_5" / "brief.html").read_text(encoding="utf-8")
