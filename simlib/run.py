"""Run every model a scenario asks for, with randomness from one seeded Generator.

``np.random.default_rng(meta.seed)`` is made once per run; each model gets its
own child generator (``Generator.spawn``) in a fixed order, so adding a section
to a scenario never changes the numbers of another section.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simlib import land, revenue, salary, scenario
from simlib.scenario import Scenario

#: Model sections in the order their child generators are spawned.  Never reorder.
MODELS = ("revenue", "salary", "land")


@dataclass(frozen=True)
class ScenarioRun:
    """A validated scenario and what each of its models produced."""

    scenario: Scenario
    results: dict  # section name → the model's Result
    metrics: dict  # section name → JSON-ready metrics


def run(source: Scenario | str | Path, overrides: list[str] | tuple[str, ...] = (),
        solve_reverse: bool = True) -> ScenarioRun:
    """Simulate every model section present in the scenario.

    ``solve_reverse=False`` skips the land model's reverse question (a root search of
    many reruns), which sweeps and sensitivity runs do not need at every point.
    """
    sc = source if isinstance(source, Scenario) else scenario.load(source, overrides)
    rngs = dict(zip(MODELS, np.random.default_rng(sc.params.meta.seed).spawn(len(MODELS))))
    results, metrics = {}, {}
    if sc.params.revenue is not None:
        results["revenue"] = revenue.simulate(sc.params.revenue, rngs["revenue"])
        metrics["revenue"] = revenue.metrics(results["revenue"])
    if sc.params.salary is not None:
        params, rng = sc.params.salary, rngs["salary"]
        results["salary"] = salary.simulate(params, rng, staff=sc.roster)
        metrics["salary"] = salary.metrics(results["salary"], params, rng)
    if sc.params.land is not None:
        params, rng = sc.params.land, rngs["land"]
        results["land"] = land.simulate(params, rng)
        metrics["land"] = land.metrics(results["land"], params)
        if params.reverse is not None and solve_reverse:  # common random numbers for every trial of the solver
            metrics["land"]["reverse"] = land.smallest_programme(params, seed=int(rng.integers(2**63)))
    return ScenarioRun(sc, results, metrics)
