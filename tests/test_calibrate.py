"""simlib calibrate: growth mean and volatility (with standard errors) from an annual series, as a growth block."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT, simlib, simlib_here
from simlib import scenario
from simlib.scenario.calibrate import CalibrationError, estimate, growth_block, read_series

YEARS = list(range(2010, 2016))


def series(log_rates, start=5.0):
    return list(start * np.exp(np.concatenate([[0.0], np.cumsum(log_rates)])))


# -- the numbers ----------------------------------------------------------------------------------

def test_exactly_ten_percent_a_year_is_mean_010_and_no_volatility():
    values = [2.0 * 1.1**k for k in range(8)]
    est = estimate(range(2016, 2024), values)
    assert est.mean == pytest.approx(0.10, abs=1e-12)
    assert est.volatility == pytest.approx(0.0, abs=1e-12)
    assert est.mean_se == pytest.approx(0.0, abs=1e-12) and est.volatility_se == pytest.approx(0.0, abs=1e-12)
    assert est.n == 7 and (est.first_year, est.last_year) == (2016, 2023)


def test_known_log_growth_rates_by_hand():
    # g = 0.1, 0.3, -0.1, 0.2: mean 0.125; squared deviations 0.000625 + 0.030625 + 0.050625 + 0.005625
    # = 0.0875, so the sample variance is 0.0875 / 3
    est = estimate(range(2020, 2025), series([0.1, 0.3, -0.1, 0.2]))
    var = 0.0875 / 3
    sd = math.sqrt(var)
    assert est.n == 4
    assert est.log_mean == pytest.approx(0.125, rel=1e-12)
    assert est.volatility == pytest.approx(sd, rel=1e-12)
    assert est.mean == pytest.approx(math.exp(0.125 + var / 2) - 1, rel=1e-12)
    se_mu, se_sd = sd / 2, sd / math.sqrt(6)
    assert est.log_mean_se == pytest.approx(se_mu, rel=1e-12)
    assert est.volatility_se == pytest.approx(se_sd, rel=1e-12)
    assert est.mean_se == pytest.approx(math.exp(0.125 + var / 2) * math.sqrt(se_mu**2 + var * se_sd**2), rel=1e-12)


def test_an_excluded_year_drops_the_growth_rate_into_it():
    # 2023 is a shock (-0.9 in logs); without it the other rates are 0.1, 0.3, 0.2, 0.0
    values = series([0.1, 0.3, -0.9, 0.2, 0.0])
    est = estimate(range(2020, 2026), values, exclude=[2023])
    same = estimate(range(5), series([0.1, 0.3, 0.2, 0.0]))
    assert est.n == 4 and est.excluded == (2023,)
    assert est.log_mean == pytest.approx(0.15, rel=1e-12)
    assert (est.mean, est.volatility) == pytest.approx((same.mean, same.volatility), rel=1e-12)
    assert estimate(range(2020, 2026), values).log_mean == pytest.approx(-0.3 / 5, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_series_simulated_from_the_models_growth_assumption_is_recovered(seed):
    """The revenue model: log growth ~ N(ln(1 + mean) - volatility^2 / 2, volatility)."""
    mean, volatility = 0.08, 0.12
    rng = np.random.default_rng(seed)
    g = rng.normal(np.log1p(mean) - volatility**2 / 2, volatility, size=400)
    est = estimate(range(1600, 2001), series(g))
    assert est.n == 400
    assert abs(est.mean - mean) < 3 * est.mean_se
    assert abs(est.volatility - volatility) < 3 * est.volatility_se
    assert 0.005 < est.mean_se < 0.01 and 0.003 < est.volatility_se < 0.006


@pytest.mark.parametrize("years, values, expect", [
    ([2020, 2021, 2021, 2022], [1, 2, 3, 4], "2021 appears more than once"),
    ([2020, 2022, 2021, 2023], [1, 2, 3, 4], "not in increasing order: 2021 comes after 2022"),
    ([2020, 2021, 2023, 2024], [1, 2, 3, 4], "years jump from 2021 to 2023: 2022 missing"),
    ([2020, 2021, 2022], [1, 0, 3], "year 2021: value 0 is not positive"),
    ([2020, 2021], [1, 2], "2 years give 1 growth rate"),
])
def test_estimate_refuses_what_it_cannot_use(years, values, expect):
    with pytest.raises(CalibrationError, match=re.escape(expect)):
        estimate(years, values)


def test_growth_block_is_self_describing():
    est = estimate(range(2020, 2025), series([0.1, 0.3, -0.1, 0.2]))
    block = growth_block(est, "data/tax.csv, column tax")
    assert set(block) == {"mean", "volatility", "mean_sd"}
    assert block["mean_sd"]["value"] == round(est.log_mean_se, 4)
    for leaf in block.values():
        assert set(leaf) == {"value", "unit", "source", "note"}
        assert "data/tax.csv, column tax" in leaf["source"] and "standard error" in leaf["note"]
    assert block["mean"]["value"] == round(est.mean, 4)


# -- files ----------------------------------------------------------------------------------------

def frame(values=(1.0, 1.1, 1.21, 1.331)):
    return pd.DataFrame({"year": range(2020, 2020 + len(values)), "other": "x", "tax": list(values)})


def test_csv_and_xlsx_read_the_same(tmp_path):
    frame().to_csv(tmp_path / "t.csv", index=False)
    frame().to_excel(tmp_path / "t.xlsx", index=False)
    for name in ("t.csv", "t.xlsx"):
        years, values = read_series(tmp_path / name, "tax")
        assert years == [2020, 2021, 2022, 2023] and values == pytest.approx([1.0, 1.1, 1.21, 1.331])
    df = frame().rename(columns={"year": "年份"})
    df.to_excel(tmp_path / "named.xlsx", index=False)
    assert read_series(tmp_path / "named.xlsx", "tax", year_column="年份")[0] == [2020, 2021, 2022, 2023]


@pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
def test_the_command_prints_the_estimates_and_a_yaml_block(tmp_path, name):
    df = frame()
    df.to_csv(tmp_path / name, index=False) if name.endswith(".csv") else df.to_excel(tmp_path / name, index=False)
    proc = simlib("calibrate", name, "--series", "tax", cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = yaml.safe_load(proc.stdout)
    assert doc["growth"]["mean"]["value"] == pytest.approx(0.10)
    assert doc["growth"]["volatility"]["value"] == 0.0
    assert f"{name}, column tax" in doc["growth"]["mean"]["source"]
    assert "standard error" in proc.stdout and "3 annual growth rates" in proc.stdout


def test_out_writes_a_block_that_a_scenario_accepts_as_revenue_growth(tmp_path):
    values = series([0.1, 0.3, -0.9, 0.2, 0.0, 0.05])
    pd.DataFrame({"year": range(2015, 2022), "tax": values}).to_csv(tmp_path / "zone.csv", index=False)
    out = tmp_path / "growth.yaml"
    proc = simlib("calibrate", str(tmp_path / "zone.csv"), "--series", "tax", "--exclude", "2018", "--out", str(out),
                  timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out}" in proc.stdout and "standard error" in proc.stdout
    block = out.read_text(encoding="utf-8")
    assert "growth into 2018 excluded as a shock" in block

    # paste it under revenue: in a copy of the Qingzhen scenario, in place of its growth block
    text = (ROOT / "params" / "qingzhen_2025.yaml").read_text(encoding="utf-8")
    start, end = text.index("\n  growth:\n") + 1, text.index("\n  sharing:\n") + 1
    pasted = "".join("  " + line if line.strip() else line for line in block.splitlines(keepends=True))
    path = tmp_path / "calibrated.yaml"
    path.write_text(text[:start] + pasted + text[end:], encoding="utf-8")
    check = simlib("check", str(path), timeout=60)
    assert check.returncode == 0, check.stderr
    est = estimate(range(2015, 2022), values, exclude=[2018])
    growth = scenario.load(path).params.revenue.growth
    assert growth.mean == pytest.approx(est.mean, abs=1e-4) and growth.volatility == pytest.approx(est.volatility, abs=1e-4)
    assert growth.shocks == []


def _csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


BAD = {  # name: (file name, content or None, extra args, what the line says)
    "missing file": ("none.csv", None, [], "file not found"),
    "not csv or xlsx": ("t.txt", "year,tax\n2020,1\n", [], "not a CSV or xlsx file"),
    "not really xlsx": ("t.xlsx", "year,tax\n2020,1\n", [], "not readable as xlsx"),
    "empty": ("t.csv", "", [], "the file is empty"),
    "no year column": ("t.csv", "yr,tax\n2020,1\n2021,2\n2022,3\n", [], "no year column 'year' (the columns are: 'yr', 'tax')"),
    "no series column": ("t.csv", "year,revenue\n2020,1\n2021,2\n2022,3\n", [],
                         "no column 'tax' (the columns are: 'year', 'revenue')"),
    "text in numbers": ("t.csv", "year,tax\n2020,1\n2021,n/a\n2022,3\n", [], "row 3 (year 2021): column 'tax': 'n/a' is not a number"),
    "empty cell": ("t.csv", "year,tax\n2020,1\n2021,\n2022,3\n", [], "row 3 (year 2021): column 'tax' is empty"),
    "text year": ("t.csv", "year,tax\n2020,1\nlast,2\n2022,3\n", [], "row 3: column 'year': 'last' is not a whole year"),
    "zero": ("t.csv", "year,tax\n2020,1\n2021,0\n2022,3\n", [], "row 3 (year 2021): column 'tax': 0 is not positive"),
    "negative": ("t.csv", "year,tax\n2020,1\n2021,2\n2022,-3\n", [], "-3 is not positive"),
    "too few years": ("t.csv", "year,tax\n2020,1\n2021,2\n", [], "at least 2 are needed (3 consecutive years)"),
    "too few after exclusions": ("t.csv", "year,tax\n2020,1\n2021,2\n2022,3\n2023,4\n", ["--exclude", "2021", "2023"],
                                 "1 growth rate after excluding 2021, 2023"),
    "gap": ("t.csv", "year,tax\n2020,1\n2021,2\n2024,3\n2025,4\n", [], "years jump from 2021 to 2024: 2022-2023 missing"),
    "repeat": ("t.csv", "year,tax\n2020,1\n2021,2\n2021,3\n2022,4\n", [], "year 2021 appears more than once"),
    "unsorted": ("t.csv", "year,tax\n2021,1\n2020,2\n2022,3\n2023,4\n", [], "not in increasing order: 2020 comes after 2021"),
    "exclude not a year": ("t.csv", "year,tax\n2020,1\n2021,2\n2022,3\n", ["--exclude", "2030"],
                           "--exclude 2030: not a year of the series (2020-2022)"),
    "exclude first year": ("t.csv", "year,tax\n2020,1\n2021,2\n2022,3\n2023,4\n", ["--exclude", "2020"],
                           "--exclude 2020: the first year has no growth rate into it"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "out"])
def test_a_bad_file_is_one_line_naming_it_and_nothing_is_written(case, to_file, tmp_path):
    name, content, extra, expect = BAD[case]
    path = tmp_path / name
    if content is not None:
        _csv(path, content)
    out = tmp_path / "growth.yaml"
    proc = simlib_here("calibrate", str(path), "--series", "tax", *extra, *(["--out", str(out)] if to_file else []))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), proc.stderr
    assert expect in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_a_text_cell_in_an_xlsx_names_its_row(tmp_path):
    df = frame().astype(object)
    df.loc[2, "tax"] = "about 1.2"
    df.to_excel(tmp_path / "t.xlsx", index=False)
    proc = simlib("calibrate", "t.xlsx", "--series", "tax", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "t.xlsx: row 4 (year 2022): column 'tax': 'about 1.2' is not a number"


def test_a_scenario_can_point_at_its_series(tmp_path):
    """revenue.growth.calibrate reads the file beside the scenario when it is loaded: the growth is the
    estimate, with its standard error as each path's mean-growth uncertainty, and cites the file."""
    import yaml

    from simlib.scenario import ScenarioError, load

    pd.DataFrame({"year": [2018, 2019, 2020, 2021, 2022], "tax": [4.0, 4.4, 4.84, 5.324, 5.8564]}).to_csv(
        tmp_path / "tax.csv", index=False)
    doc = yaml.safe_load((ROOT / "params" / "qingzhen_2025.yaml").read_text(encoding="utf-8"))
    doc["revenue"]["growth"] = {"calibrate": {"file": "tax.csv", "series": "tax"}}
    path = tmp_path / "z.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sc = load(path)
    g = sc.params.revenue.growth
    assert g.mean == pytest.approx(0.10) and g.volatility == pytest.approx(0.0, abs=1e-12)
    assert g.calibrate.file == "tax.csv" and "tax.csv, column tax, 2018-2022" in sc.leaves["revenue.growth.mean"].source
    doc["revenue"]["growth"] = {"calibrate": {"file": "tax.csv", "series": "vat"}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load(path)
    (line,) = str(err.value).splitlines()
    assert line.startswith(f"{path}: revenue.growth.calibrate: ") and "vat" in line
    doc["revenue"]["growth"] = {"mean": 0.1, "volatility": 0.1, "calibrate": {"file": "tax.csv", "series": "tax"}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError, match="revenue.growth.mean: give it or revenue.growth.calibrate, not both"):
        load(path)
