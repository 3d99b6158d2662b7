"""simlib calibrate-funnel: the land funnel after signing (each step's monthly advance and drop-out
probabilities) fitted to published funnel rates, as a land.pipeline.stages block.

The forward model against hand values; round trips against a funnel simulated project by project
with its own code, and against the land model itself; every impossible rate through the command."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml

from conftest import ROOT, simlib, simlib_here
from simlib import scenario
from simlib.models import land
from simlib.scenario.funnel_fit import (STAGES, FunnelData, FunnelFitError, Observation, fit, forward, parse,
                                        predict, rates, read_funnel, stages_block)

# -- the forward model -----------------------------------------------------------------------------


def test_one_step_by_hand():
    """registered with h = 0.5, d = 0.1: P(registered by t) = sum_{u=1..t} 0.4^(u-1) 0.5 = 0.5 (1 - 0.4^t) / 0.6."""
    reached, in_stage = forward([0.5, 0.0, 0.0], [0.1, 0.0, 0.0], 12)
    for t in range(13):
        assert reached[0, t] == pytest.approx(sum(0.4 ** (u - 1) * 0.5 for u in range(1, t + 1)), abs=1e-15)
        assert in_stage[0, t] == pytest.approx(reached[0, t], abs=1e-15)  # nothing leaves registered
    assert reached[0, 1] == 0.5 and reached[0, 2] == pytest.approx(0.7) and reached[0, 3] == pytest.approx(0.78)
    assert not reached[1:].any() and not in_stage[1:].any()


def test_each_step_takes_at_least_a_month_and_hand_values():
    h, d = [0.5, 0.3, 0.2], [0.1, 0.1, 0.05]
    reached, in_stage = forward(h, d, 3)
    assert reached[:, 0].tolist() == [0, 0, 0]
    assert reached[0, 1] == pytest.approx(h[0]) and reached[1, 1] == 0 and reached[2, 1] == 0
    assert reached[1, 2] == pytest.approx(h[0] * h[1]) and reached[2, 2] == 0
    assert reached[2, 3] == pytest.approx(h[0] * h[1] * h[2])
    # in registered at 2: registered at 1 and stayed, or registered at 2
    assert in_stage[0, 2] == pytest.approx(h[0] * (1 - h[1] - d[1]) + (1 - h[0] - d[0]) * h[0])
    # reached registered by 2 counts those who went on to start, and those who registered and dropped out
    assert reached[0, 2] == pytest.approx(h[0] + (1 - h[0] - d[0]) * h[0])
    assert in_stage[2, 3] == reached[2, 3]  # producing is absorbing


def test_in_the_long_run_the_shares_are_the_conversions():
    h, d = [0.3, 0.2, 0.1], [0.05, 0.1, 0.1]
    c = [hi / (hi + di) for hi, di in zip(h, d)]
    reached, in_stage = forward(h, d, 600)
    assert reached[:, -1] == pytest.approx([c[0], c[0] * c[1], c[0] * c[1] * c[2]], abs=1e-12)
    assert in_stage[:2, -1] == pytest.approx([0, 0], abs=1e-12)
    assert np.all(np.diff(reached, axis=1) >= -1e-15)  # reaching is for good


def test_rates_are_the_land_models():
    for c, lag in ((0.7, 4.0), (1.0, 1.0), (0.0, 3.0), (0.95, 2.5)):
        assert rates(c, lag) == pytest.approx(land._rates(c, lag), abs=1e-15)


# -- round trips ---------------------------------------------------------------------------------------

TRUE = {"registered": (0.95, 2.0), "started": (0.90, 4.0), "producing": (0.70, 10.0)}
DATES = (8, 20)


def simulate_projects(n: int, stages: dict, months: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n projects signed in month 0, one uniform draw each a month (written apart from the module):
    the month each reached each step (inf: never) and its stage at every month (0 signed, 1
    registered, 2 started, 3 producing, -1 dropped out)."""
    h = np.array([rates(*stages[s])[0] for s in STAGES])
    d = np.array([rates(*stages[s])[1] for s in STAGES])
    stage = np.zeros(n, dtype=np.int64)
    first = np.full((3, n), np.inf)
    history = np.zeros((months + 1, n), dtype=np.int64)
    for t in range(1, months + 1):
        u = rng.random(n)
        now = stage.copy()  # who is where at the start of the month: one move at most
        for k in range(3):
            here = now == k
            up = here & (u < h[k])
            out = here & (u >= h[k]) & (u < h[k] + d[k])
            stage[up] = k + 1
            stage[out] = -1
            first[k, up] = t
        history[t] = stage
    return first, history


def observed(first: np.ndarray, history: np.ndarray, kind: str) -> tuple[list[Observation], np.ndarray]:
    """The observations at DATES and the per-project indicators behind them (projects × observations)."""
    obs, cols = [], []
    for m in DATES:
        for k, s in enumerate(STAGES):
            col = first[k] <= m if kind == "reached" else history[m] == k + 1
            cols.append(col.astype(float))
            obs.append(Observation(len(obs), m, s, kind, float(col.mean())))
    return obs, np.array(cols).T


def standard_errors(result, indicators: np.ndarray) -> dict:
    """Delta method: the covariance of the observed shares (from the projects' indicators) through the
    inverse Jacobian of the fitted shares in (c1, L1, c2, L2, c3, L3), and on to (h, d)."""
    obs = list(result.observations)
    x = np.array([v for s in STAGES for v in (result.stages[s].conversion, result.stages[s].lag_months)])

    def shares(x):
        return predict({s: (x[2 * k], x[2 * k + 1]) for k, s in enumerate(STAGES)}, obs)

    J = np.empty((len(obs), 6))
    for j in range(6):
        step = 1e-6 * max(1.0, x[j])
        up, down = x.copy(), x.copy()
        up[j] += step
        down[j] -= step
        J[:, j] = (shares(up) - shares(down)) / (2 * step)
    sigma = np.cov(indicators, rowvar=False) / indicators.shape[0]
    Jinv = np.linalg.inv(J)
    cov = Jinv @ sigma @ Jinv.T
    out = {}
    for k, s in enumerate(STAGES):
        c, lag = x[2 * k], x[2 * k + 1]
        block = cov[2 * k:2 * k + 2, 2 * k:2 * k + 2]
        gh = np.array([1 / lag, -c / lag**2])  # h = c / L
        gd = np.array([-1 / lag, -(1 - c) / lag**2])  # d = (1 - c) / L
        out[s] = {"conversion": math.sqrt(block[0, 0]), "lag_months": math.sqrt(block[1, 1]),
                  "h": math.sqrt(gh @ block @ gh), "d": math.sqrt(gd @ block @ gd)}
    return out


@pytest.mark.parametrize("kind", ["reached", "in_stage"])
def test_a_funnel_simulated_project_by_project_is_recovered(kind):
    rng = np.random.default_rng(20250611 if kind == "reached" else 7)
    first, history = simulate_projects(200_000, TRUE, max(DATES), rng)
    obs, indicators = observed(first, history, kind)
    result = fit(FunnelData(tuple(obs), {}))
    se = standard_errors(result, indicators)
    assert max(abs(r) for r in result.residuals) < 1e-6  # six rates, six parameters: an exact fit
    assert result.rival is None
    for s in STAGES:
        got, (c, lag) = result.stages[s], TRUE[s]
        h, d = rates(c, lag)
        print(f"{kind} {s}: conversion {c} -> {got.conversion:.4f} (se {se[s]['conversion']:.4f}), lag {lag} -> "
              f"{got.lag_months:.3f} (se {se[s]['lag_months']:.3f}), h {h:.4f} -> {got.h:.4f}, "
              f"d {d:.4f} -> {got.d:.4f}")
        assert abs(got.conversion - c) < 4 * se[s]["conversion"], s
        assert abs(got.lag_months - lag) < 4 * se[s]["lag_months"], s
        assert abs(got.h - h) < 4 * se[s]["h"] and abs(got.d - d) < 4 * se[s]["d"], s
        # and the Monte Carlo error is small enough for the comparison to mean something (in-stage shares
        # mix those who moved on with those who dropped out, so they pin conversions down less well)
        assert se[s]["conversion"] < (0.01 if kind == "reached" else 0.05) and se[s]["lag_months"] < 0.05 * lag, \
            (s, se[s])


def test_the_simulation_agrees_with_the_forward_model_month_by_month():
    rng = np.random.default_rng(3)
    first, history = simulate_projects(200_000, TRUE, 24, rng)
    h, d = zip(*(rates(*TRUE[s]) for s in STAGES))
    reached, in_stage = forward(h, d, 24)
    for k in range(3):
        for t in range(25):
            p = reached[k, t]
            assert abs((first[k] <= t).mean() - p) <= 4 * math.sqrt(p * (1 - p) / 200_000) + 1e-12, (k, t)
            q = in_stage[k, t]
            assert abs((history[t] == k + 1).mean() - q) <= 4 * math.sqrt(q * (1 - q) / 200_000) + 1e-12, (k, t)


LAND_BASE = {
    "start_year": 2025, "horizon_years": 3, "paths": 200,
    "unserviced_mu": 0.0, "available_mu": 1e8, "sold_mu": 0.0, "idle_mu": 0.0, "servicing_mu_per_year": 1e7,
    "idle_rate": 0.0, "revitalise_rate": 0.0, "price_wan_per_mu": 0.0,
    "factories": {"policy": "fixed", "build_m2_per_year": 1.0, "lag_months": 1, "vacant_m2": 1e10,
                  "occupied_m2": 0.0, "tenant_exit_rate": 0.0},
    "pipeline": {"arrivals_per_year": 1200.0},
    "projects": {"land_share": 0.4, "land_mu": {"mean": 50.0, "sd_log": 0.6},
                 "factory_m2": {"mean": 5000.0, "sd_log": 0.5},
                 "investment": {"mean": 5.0, "sd_log": 0.7}, "tax_at_capacity": {"mean": 0.2, "sd_log": 0.8}},
    "max_wait_months": 0,
}


def test_the_land_model_moves_projects_as_the_fitted_funnel_says():
    """Fit the simulated rates, put the block into the land model (unlimited space, every negotiated
    project signing the month after it arrives) and compare the projects entering each step in each
    year with the forward model's prediction for monthly cohorts of signings."""
    first, history = simulate_projects(200_000, TRUE, max(DATES), np.random.default_rng(11))
    obs, _ = observed(first, history, "reached")
    block = stages_block(fit(FunnelData(tuple(obs), {})), "simulated.yaml")
    stages = {s: {p: block[s][p]["value"] for p in ("conversion", "lag_months")} for s in STAGES}
    raw = copy.deepcopy(LAND_BASE)
    raw["pipeline"]["stages"] = {"signed": {"conversion": 1.0, "lag_months": 1.0}, **stages}
    params = land.Land.model_validate(raw)
    result = land.simulate(params, np.random.default_rng(5))
    months = params.months
    per_month = params.pipeline.arrivals_per_year / 12.0
    reached, _ = forward(*zip(*(rates(stages[s]["conversion"], stages[s]["lag_months"]) for s in STAGES)), months)

    def by(k: int, age: int) -> float:
        return reached[k, age] if age >= 0 else 0.0

    signed = result.entered["signed"]
    assert signed.sum(axis=1).mean() == pytest.approx(per_month * (months - 1), rel=0.01)  # month 0 signs no one
    for k, s in enumerate(STAGES):
        entered = result.entered[s]  # paths × years
        for y in range(params.horizon_years):
            end, start = 12 * y + 11, 12 * y - 1  # entered in year y: reached by its last month, not before it
            expected = per_month * sum(by(k, end - u) - by(k, start - u) for u in range(1, months))
            mean, se = entered[:, y].mean(), entered[:, y].std(ddof=1) / math.sqrt(entered.shape[0])
            assert abs(mean - expected) < 4 * se + 1e-9 * expected, (s, y, mean, expected, se)
            assert se < 0.01 * expected  # tight enough that a month's shift in timing would show


# -- the command: good input ----------------------------------------------------------------------------

GOOD = {"observations": [{"months": m, "stage": s, "share": float(v)}
                         for (m, s), v in zip([(m, s) for m in DATES for s in STAGES],
                                              predict(TRUE, [Observation(0, m, s, "reached", 0.0)
                                                             for m in DATES for s in STAGES]))],
        "source": "a fair's follow-up"}


def write(path, doc) -> str:
    path.write_text(yaml.safe_dump(doc, sort_keys=False) if not isinstance(doc, str) else doc, encoding="utf-8")
    return str(path)


def test_the_command_prints_the_fit_the_residuals_and_a_block(tmp_path):
    proc = simlib("calibrate-funnel", write(tmp_path / "fair.yaml", GOOD), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = yaml.safe_load(proc.stdout)  # the summary is YAML comments
    assert set(doc) == set(STAGES)
    for s in STAGES:
        assert doc[s]["conversion"]["value"] == pytest.approx(TRUE[s][0], abs=1e-4)
        assert doc[s]["lag_months"]["value"] == pytest.approx(TRUE[s][1], abs=0.01)
        assert doc[s]["conversion"]["source"].startswith(f"simlib calibrate-funnel {tmp_path / 'fair.yaml'}")
        assert "a fair's follow-up" in doc[s]["conversion"]["source"] and "h = " in doc[s]["conversion"]["note"]
    lines = proc.stdout.splitlines()
    assert any(line.startswith("# registered ") and "0.4750" in line and "0.0250" in line for line in lines)
    for i in range(6):
        row = next(line for line in lines if line.startswith(f"# observations[{i}] "))
        assert row.split()[-1] in ("+0.0000", "-0.0000")  # the residual


def test_out_writes_a_block_the_land_model_and_a_scenario_accept(tmp_path):
    out = tmp_path / "stages.yaml"
    proc = simlib("calibrate-funnel", write(tmp_path / "fair.yaml", GOOD), "--out", str(out), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out}" in proc.stdout and "observations[5]" in proc.stdout
    block = yaml.safe_load(out.read_text(encoding="utf-8"))
    values = {s: {p: leaf["value"] for p, leaf in block[s].items()} for s in STAGES}
    pipeline = land.Pipeline.model_validate(
        {"arrivals_per_year": 60.0, "stages": {"signed": {"conversion": 0.7, "lag_months": 3.0}, **values}})
    for s in STAGES:
        assert pipeline.conversions()[s] == pytest.approx(TRUE[s], abs=0.01)
    # pasted under land.pipeline.stages of a ready scenario, beside its signed entry
    doc = yaml.safe_load((ROOT / "params" / "guangyuan_2023.yaml").read_text(encoding="utf-8"))
    doc["land"]["pipeline"]["stages"].update(block)
    path = tmp_path / "guangyuan_fitted.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sc = scenario.load(path)
    assert sc.params.land.pipeline.stages["producing"].lag_months == values["producing"]["lag_months"]
    assert sc.params.land.pipeline.stages["signed"].conversion == doc["land"]["pipeline"]["stages"]["signed"][
        "conversion"]["value"]


def test_fixed_values_are_kept_and_make_three_rates_enough(tmp_path):
    doc = {"observations": [o for o in GOOD["observations"] if o["months"] == 8],
           "fixed": {s: {"lag_months": TRUE[s][1]} for s in STAGES}}
    proc = simlib("calibrate-funnel", write(tmp_path / "f.yaml", doc), timeout=60)
    assert proc.returncode == 0, proc.stderr
    block = yaml.safe_load(proc.stdout)
    for s in STAGES:
        assert block[s]["lag_months"]["value"] == TRUE[s][1]
        assert f"fixed there (fixed.{s}.lag_months), not fitted" in block[s]["lag_months"]["source"]
        assert block[s]["conversion"]["value"] == pytest.approx(TRUE[s][0], abs=1e-4)


def test_rates_no_funnel_of_this_shape_reproduces_are_fitted_with_a_warning(tmp_path):
    # almost nobody registered by 2 months but 90% by 3: a constant monthly hazard cannot jump like that
    doc = {"observations": [{"months": 2, "stage": "registered", "share": 0.01},
                            {"months": 3, "stage": "registered", "share": 0.9},
                            {"months": 10, "stage": "registered", "share": 0.92},
                            {"months": 10, "stage": "started", "share": 0.8},
                            {"months": 20, "stage": "started", "share": 0.85},
                            {"months": 10, "stage": "producing", "share": 0.4},
                            {"months": 20, "stage": "producing", "share": 0.7}]}
    out = tmp_path / "stages.yaml"
    proc = simlib("calibrate-funnel", write(tmp_path / "jump.yaml", doc), "--out", str(out), timeout=60)
    assert proc.returncode == 0, proc.stderr
    warning = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and "no funnel of this shape reproduces these rates within 5 points" in warning[0]
    assert out.exists()


# -- the command: bad input, one line per problem, exit 2, nothing written -------------------------------

def obs(*items) -> dict:
    return {"observations": [dict(zip(("months", "stage", "share", "kind"), item)) for item in items]}


IMPOSSIBLE = [
    ("share_above_1", obs((8, "registered", 0.95), (8, "started", 0.86), (8, "producing", 1.2)),
     ["observations[2].share: must be within [0, 1], got 1.2"]),
    ("share_below_0", obs((8, "registered", -0.1)), ["observations[0].share: must be within [0, 1], got -0.1"]),
    ("share_as_percent", obs((8, "registered", 95)), ["got 95 (a share, not a percentage: 0.95 for 95%)"]),
    ("months_zero", obs((0, "registered", 0.5)), ["observations[0].months: must be at least 1 month after signing"]),
    ("months_negative", obs((-3, "registered", 0.5)), ["observations[0].months: must be at least 1 month"]),
    ("months_not_whole", obs((8.5, "registered", 0.5)), ["observations[0].months: must be a whole number of months"]),
    ("months_as_text", obs(("8", "registered", 0.5)), ["observations[0].months: must be a whole number of months "
                                                       "after signing, got text '8'"]),
    ("started_above_registered", obs((8, "registered", 0.8), (8, "started", 0.9)),
     ["observations[1].share: no funnel can have more projects started (0.9) than registered (0.8) at 8 months"]),
    ("producing_above_started_later", obs((8, "producing", 0.5), (20, "started", 0.4)),
     ["observations[0].share: no funnel can have more projects producing by 8 months (0.5) than started by 20 "
      "months (0.4"]),
    ("producing_too_early", obs((2, "producing", 0.1)),
     ["observations[0].share: producing at 2 months must be 0, got 0.1"]),
    ("started_in_the_first_month", obs((1, "started", 0.05, "in_stage")),
     ["observations[0].share: started at 1 month must be 0, got 0.05"]),
    ("reached_falls", obs((8, "producing", 0.3), (20, "producing", 0.25)),
     ["observations[1].share: the share that has reached producing cannot fall over time: 0.3 by 8 months "
      "(observations[0]), 0.25 by 20 months"]),
    ("unknown_stage", obs((8, "start", 0.5)),
     ["observations[0].stage: unknown stage 'start' (did you mean 'started'?)"]),
    ("signed_stage", obs((8, "signed", 0.5)), ["observations[0].stage: signed is where the funnel starts"]),
    ("unknown_kind", obs((8, "started", 0.5, "current")), ["observations[0].kind: unknown kind 'current'"]),
    ("duplicate", obs((8, "started", 0.5), (20, "started", 0.6), (8, "started", 0.5)),
     ["observations[2]: the same rate as observations[0] (started by 8 months): give each once"]),
    ("in_stage_shares_above_1", obs((9, "registered", 0.6, "in_stage"), (9, "started", 0.5, "in_stage")),
     ["observations[1].share: the shares in registered (0.6) and started (0.5) at 9 months add up to 1.1"]),
    ("in_stage_above_reached", obs((9, "started", 0.6, "in_stage"), (9, "registered", 0.5)),
     ["observations[0].share: no funnel can have more projects in started at 9 months (0.6) than have reached "
      "registered by 9 months (0.5"]),
    ("three_problems", obs((8, "registered", 0.8), (8, "started", 0.9), (2, "producing", 0.1), (8, "producing", 1.2)),
     ["observations[1].share: no funnel can have more projects started (0.9) than registered (0.8) at 8 months",
      "observations[2].share: producing at 2 months must be 0", "observations[3].share: must be within [0, 1]"]),
    ("too_few", obs((8, "registered", 0.95), (8, "started", 0.86), (8, "producing", 0.3), (20, "producing", 0.62)),
     [("observations: 4 observed rates cannot determine 6 free parameters", "fix some lags under fixed:",
       "at a second date")]),
    ("too_few_even_with_a_fixed_lag",
     {**obs((8, "registered", 0.95), (8, "started", 0.86), (8, "producing", 0.3), (20, "producing", 0.62)),
      "fixed": {"registered": {"lag_months": 2}}},
     ["observations: 4 observed rates cannot determine 5 free parameters (a conversion and a mean lag for each of "
      "registered, started and producing, less 1 fixed)"]),
    ("stages_no_rate_bears_on", obs(*[(m, "registered", 0.95 * (1 - 0.5**m)) for m in (1, 2, 3, 5, 8, 20)]),
     ["observations: these rates cannot pin down started.conversion, started.lag_months, producing.conversion and "
      "producing.lag_months (other values fit them just as well): fix them under fixed:"]),
    ("a_lag_over_before_the_first_date", obs((8, "registered", 0.95), (8, "started", 0.8), (8, "producing", 0.3),
                                             (20, "registered", 0.95), (20, "started", 0.9), (20, "producing", 0.62)),
     ["observations: these rates cannot pin down registered.lag_months (other values fit them just as well): fix it "
      "under fixed: (e.g. fixed: {registered: {lag_months: 2}}) or add rates of registered at another date"]),
]


@pytest.mark.parametrize("doc, expect", [c[1:] for c in IMPOSSIBLE], ids=[c[0] for c in IMPOSSIBLE])
def test_impossible_rates_are_one_line_each_and_nothing_is_written(doc, expect, tmp_path):
    path = write(tmp_path / "f.yaml", doc)
    out = tmp_path / "stages.yaml"
    proc = simlib_here("calibrate-funnel", path, "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == len(expect), lines
    for texts in expect:  # each a line: one text, or several in the same line
        texts = (texts,) if isinstance(texts, str) else texts
        assert any(line.startswith(f"{path}: ") and all(t in line for t in texts) for line in lines), (texts, lines)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["f.yaml"]


@pytest.mark.parametrize("text, expect", [
    (None, "f.yaml: file not found"),
    ("", "f.yaml: file is empty"),
    ("observations:\n  - {months: 8, stage: registered, share: 0.8\n", "f.yaml: line 3, column 1: YAML syntax error"),
    ("observations:\n  - {months: 8, stage: registered, share: 0.8, share: 0.9}\n",
     "f.yaml: observations[0].share: line 2: duplicate key"),
    ("- 1\n", "f.yaml: must be a mapping with observations:"),
    ("observations: !!python/object/apply:os.system [echo]\n", "YAML tag"),
], ids=["missing", "empty", "syntax", "duplicate_key", "list", "python_tag"])
def test_a_bad_file_is_one_line_naming_it(text, expect, tmp_path):
    if text is not None:
        (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    proc = simlib_here("calibrate-funnel", "f.yaml", "--out", "stages.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [proc.stderr.strip()] and expect in proc.stderr, proc.stderr
    assert not (tmp_path / "stages.yaml").exists()


def test_out_cannot_be_the_input(tmp_path):
    path = write(tmp_path / "f.yaml", GOOD)
    before = (tmp_path / "f.yaml").read_text(encoding="utf-8")
    proc = simlib("calibrate-funnel", path, "--out", path, timeout=60)
    assert proc.returncode == 2 and "is the input file" in proc.stderr
    assert (tmp_path / "f.yaml").read_text(encoding="utf-8") == before


# -- the checks, in process ---------------------------------------------------------------------------

@pytest.mark.parametrize("doc, expect", [
    ({"observations": GOOD["observations"], "extra": 1}, "f.yaml: extra: unknown key"),
    ({}, "f.yaml: observations: required key is missing"),
    ({"observations": {"months": 8}}, "f.yaml: observations: must be a list"),
    ({"observations": []}, "f.yaml: observations: the list is empty"),
    ({"observations": [3]}, "f.yaml: observations[0]: must be a mapping"),
    ({"observations": [{"months": 8, "stage": "started", "shares": 0.5}]}, "observations[0].shares: unknown key "
                                                                           "(did you mean 'share'?)"),
    ({"observations": [{"months": 8, "stage": "started"}]}, "observations[0].share: required key is missing"),
    ({"observations": [{"months": 8, "stage": "started", "share": True}]}, "observations[0].share: must be a number"),
    ({"observations": [{"months": 8, "stage": "started", "share": float("nan")}]}, "must be a finite number"),
    ({"observations": [{"months": 8, "stage": "started", "share": 0.5, "weight": 0}]},
     "observations[0].weight: must be a positive number"),
    ({"observations": [{"months": 601, "stage": "started", "share": 0.5}]},
     "observations[0].months: must be at most 600"),
    ({**GOOD, "fixed": {"begun": {"lag_months": 2}}}, "f.yaml: fixed.begun: unknown stage"),
    ({**GOOD, "fixed": {"started": {"lag_months": 0.5}}}, "fixed.started.lag_months: must be 1 to 120 months, got 0.5"),
    ({**GOOD, "fixed": {"started": {"conversion": 1.5}}}, "fixed.started.conversion: must be within [0, 1], got 1.5"),
    ({**GOOD, "fixed": {"started": {"lag": 2}}}, "fixed.started.lag: unknown key"),
    ({**GOOD, "fixed": {"started": 2}}, "fixed.started: must be a mapping with conversion and/or lag_months"),
])
def test_parse_names_the_key(doc, expect):
    with pytest.raises(FunnelFitError) as info:
        parse(doc, "f.yaml")
    assert len(info.value.problems) == 1 and expect in info.value.problems[0], info.value.problems


def test_read_funnel_reads_the_documented_form(tmp_path):
    (tmp_path / "f.yaml").write_text("""observations:
  - {months: 8, stage: registered, share: 0.95}
  - {months: 8, stage: started, share: 0.86}
  - {months: 8, stage: producing, share: 0.30}
  - {months: 20, stage: producing, share: 0.62, kind: reached}   # reached (default) | in_stage
  - {months: 20, stage: started, share: 0.2, kind: in_stage, weight: 2, source: "the fair's report"}
fixed:
  registered: {lag_months: 2}
  started: {lag_months: 3}
""", encoding="utf-8")
    data = read_funnel(tmp_path / "f.yaml")
    assert [(o.months, o.stage, o.kind, o.share, o.weight) for o in data.observations][-2:] == [
        (20, "producing", "reached", 0.62, 1.0), (20, "started", "in_stage", 0.2, 2.0)]
    assert data.fixed == {"registered": {"lag_months": 2.0}, "started": {"lag_months": 3.0}} and data.free == 4
    result = fit(data)
    assert result.stages["registered"].lag_months == 2.0 and result.stages["started"].fixed == ("lag_months",)


def test_the_weights_weigh():
    """Two rates no funnel meets together (a jump): the heavier one is met more closely."""
    base = [(8, "registered", 0.95), (20, "registered", 0.96), (8, "started", 0.86), (20, "started", 0.9),
            (8, "producing", 0.3), (20, "producing", 0.62), (2, "registered", 0.02)]

    def miss(weight: float) -> float:
        items = [Observation(i, m, s, "reached", v, weight if i == 6 else 1.0) for i, (m, s, v) in enumerate(base)]
        return abs(fit(FunnelData(tuple(items), {})).residuals[6])

    assert miss(100.0) < miss(1.0) / 3
