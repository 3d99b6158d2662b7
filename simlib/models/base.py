"""What every model shares: the parameter-section base, typed metrics, headlines and the model contract.

A model is a plain module with a :class:`Model` record: the scenario section it
reads (a pydantic :class:`Section`), ``simulate(params, rng, inputs=None) ->
Result`` (all randomness, vectorised numpy), ``summarize(result, params) ->
Metrics`` (a typed, JSON-ready :class:`Metrics`, no randomness) and its headline
figures.  :mod:`simlib.models` keeps the registry every loop over models uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


def cross_field_error(field: str, message: str) -> PydanticCustomError:
    """An error about ``field`` that depends on another field of the same section."""
    return PydanticCustomError("cross_field", message, {"field": field})


class Section(BaseModel):
    """A section of a scenario file: strict, frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Metrics(BaseModel):
    """A model's summary of one run: typed, JSON-ready, and the source of ``results.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)


#: The quantiles of a fan chart: the 90% and 50% bands and the median.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


class Fan(Metrics):
    """Quantiles over paths (``QUANTILES``), one value per year."""

    p05: list[float]
    p25: list[float]
    p50: list[float]
    p75: list[float]
    p95: list[float]


def fan(a: np.ndarray) -> Fan:
    """The quantile fan of ``a`` (paths × years) over its paths."""
    q = np.quantile(a, QUANTILES, axis=0)
    return Fan(**{f"p{round(p * 100):02d}": row.tolist() for p, row in zip(QUANTILES, q)})


@dataclass(frozen=True)
class Headline:
    """One headline figure of a model: its label in each language (``{y0}``/``{y1}`` are filled with
    the first and last year when the metrics have ``years``), how to read it from the metrics and
    how to show it (``money`` 亿元, ``wan`` 万元, ``percent``, ``ratio``)."""

    label: Mapping[str, str]
    value: Callable[[Any], float | None]
    kind: Literal["money", "wan", "percent", "ratio"]
    metric: str | None = None  # the scalar explore metric it is (name within the section), if one
    omit_when_none: bool = False  # left out (not shown as "—") when the scenario has no such figure


@dataclass(frozen=True)
class Model:
    """The contract every model honours, and all that tools need to know of one.

    ``simulate(params, rng, inputs)`` draws every random number of a run from ``rng`` and returns
    the model's result (arrays); ``inputs`` is what the scenario's files supply (a roster), or None.
    ``summarize(result, params)`` turns that result into ``metrics`` (typed, no randomness).
    ``headlines`` are the figures a brief, a comparison and the batch index show, most important
    first; ``title`` names the model in each language.

    A model that links others names their sections in ``uses``: it runs after them, and its
    ``inputs`` are then ``{section: (params, result)}`` for each of those the scenario has.
    ``check_links(scenario_params)`` returns ``(dotted key, message)`` for each way the scenario's
    sections cannot be linked (a section missing, paths or years that do not line up); the
    scenario is refused with them at load time.
    """

    section: str
    title: Mapping[str, str]
    params: type[Section]
    metrics: type[Metrics]
    simulate: Callable[..., Any]
    summarize: Callable[[Any, Any], Metrics]
    headlines: tuple[Headline, ...] = ()
    uses: tuple[str, ...] = ()
    check_links: Callable[[Any], list[tuple[str, str]]] | None = None
