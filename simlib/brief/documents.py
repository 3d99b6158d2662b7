"""``results.json``: the documents briefs write, as pydantic models, and their published JSON Schema.

Four kinds of brief write a ``results.json``: a zone brief (``scenario``,
``provenance``, ``params``, ``metrics`` — one entry per registered model, each
that model's typed metrics), a comparison (``comparison``, ``provenance``,
``scenarios``), a sweep (``sweep``, ``rows``, ``target_holds``) and a sensitivity
analysis (``sensitivity``, ``result``).  :func:`json_schema` gives the schema of
all four (``simlib schema results`` prints it; ``schemas/results.schema.json``
is the copy for the built-in models).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, create_model

from simlib.models import registry


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NotebookRef(_Strict):
    file: str
    sha256: str


class Software(_Strict):
    simlib_version: str
    git_commit: str | None
    git_dirty: bool | None
    code_sha256: str
    python: str
    numpy: str
    packages: dict[str, str | None]


class Provenance(Software):
    """What made a zone brief: its parameters' hash, seed, file and overrides, and the software."""

    params_sha256: str
    seed: int
    scenario_file: str
    overrides: list[str]
    roster_sha256: str | None
    created: str
    notebook: NotebookRef | None = None


#: Metrics by section: one optional entry per registered model, each the model's typed metrics.
ResultsMetrics = create_model("ResultsMetrics", __base__=_Strict, __module__=__name__,
                              **{m.section: (m.metrics | None, None) for m in registry()})


class ZoneResults(_Strict):
    scenario: str
    provenance: Provenance
    params: dict[str, Any]
    metrics: ResultsMetrics


class ComparedScenario(_Strict):
    params_sha256: str
    seed: int
    scenario_file: str
    overrides: list[str]


class ComparisonProvenance(Software):
    created: str
    scenarios: dict[str, ComparedScenario]
    notebook: NotebookRef | None = None


class ComparedRun(_Strict):
    params: dict[str, Any]
    metrics: ResultsMetrics


class ComparisonResults(_Strict):
    comparison: list[str]
    provenance: ComparisonProvenance
    scenarios: dict[str, ComparedRun]


class ExploreProvenance(_Strict):
    notebook: NotebookRef | None = None


class SweepResults(_Strict):
    sweep: dict[str, Any]  # the spec: varied keys, points, target, shown metrics, overrides
    rows: list[dict[str, float | int | None]]  # one per grid point: varied values and scalar metrics
    target_holds: list[bool] | None
    provenance: ExploreProvenance | None = None


class SensitivityResults(_Strict):
    sensitivity: dict[str, Any]  # the spec: metric, method, ranges
    result: dict[str, Any]  # the indices (Sobol) or elementary effects (Morris)
    provenance: ExploreProvenance | None = None


Results = ZoneResults | ComparisonResults | SweepResults | SensitivityResults
_ADAPTER = TypeAdapter(Results)


def json_schema() -> dict:
    """The JSON Schema every ``results.json`` a brief writes conforms to."""
    schema = _ADAPTER.json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "simlib results.json", **schema}

