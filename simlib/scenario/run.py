"""Run the models a scenario names, with randomness from one seeded Generator.

``np.random.default_rng(meta.seed)`` is made once per run and spawns one child
generator per registered model, in the registry's order, so adding a section to
a scenario (or a model to the registry) never changes another section's numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import numpy as np

from simlib.models import Metrics, registry
from simlib.scenario.loader import Scenario, load


@dataclass(frozen=True)
class ScenarioRun:
    """A validated scenario and what each of its models produced, by section."""

    scenario: Scenario
    results: dict[str, Any]  # section → the model's result (arrays)
    metrics: dict[str, Metrics]  # section → the model's typed metrics

    @property
    def language(self) -> str:
        return self.scenario.params.meta.language

    def document_metrics(self) -> dict[str, dict]:
        """The metrics as JSON-ready data, as ``results.json`` holds them."""
        return {section: m.model_dump(mode="json") for section, m in self.metrics.items()}

    @functools.cached_property
    def data(self) -> dict[str, dict]:
        """:meth:`document_metrics`, made once: what briefs and explore tables read."""
        return self.document_metrics()


def run(scenario: Scenario | str | Path, overrides: Iterable[str] = (),
        sections: Iterable[str] | None = None) -> ScenarioRun:
    """Simulate and summarise every model section the scenario has (only ``sections``, if given).

    ``scenario`` is a loaded :class:`Scenario`, or a file to load with ``overrides`` (``--set`` texts).

    A model left out still consumes its place in the seed's children, so the models that run
    give the same numbers as in a full run.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario, tuple(overrides))
    wanted = None if sections is None else set(sections)
    if wanted is not None:  # a linking model needs the models it links
        wanted |= {s for m in registry() if m.section in wanted for s in m.uses}
    models = registry()
    rngs = np.random.default_rng(scenario.params.meta.seed).spawn(len(models))
    results, metrics = {}, {}
    for model, rng in zip(models, rngs):
        params = getattr(scenario.params, model.section)
        if params is None or (wanted is not None and model.section not in wanted):
            continue
        if model.uses:  # a linking model reads the results of the models it links
            inputs = {s: (getattr(scenario.params, s), results[s]) for s in model.uses if s in results}
        else:
            inputs = scenario.inputs.get(model.section)
        results[model.section] = model.simulate(params, rng, inputs)
        metrics[model.section] = model.summarize(results[model.section], params)
    return ScenarioRun(scenario, results, metrics)
