"""The models and their registry: everything that loops over models loops over :func:`registry`.

The built-in models are revenue sharing (:mod:`simlib.models.revenue`), salary
incentives (:mod:`simlib.models.salary`) and land and standard-factory supply
(:mod:`simlib.models.land`).  Further models come from installed packages that
name a :class:`~simlib.models.base.Model` under the ``simlib.models`` entry-point
group (``my_model = "my_package.module:MODEL"``); they follow the built-ins in the
order of their entry-point names.  The order matters: each model's random numbers
come from the seed's child generator at its place in this order, so a model added
later never changes the numbers of the ones before it.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from simlib.models import land, revenue, salary
from simlib.models.base import Headline, Metrics, Model, Section

__all__ = ["ENTRY_POINT_GROUP", "Headline", "Metrics", "Model", "Section", "get", "registry"]

ENTRY_POINT_GROUP = "simlib.models"
BUILT_IN = (revenue.MODEL, salary.MODEL, land.MODEL)


@functools.cache
def registry() -> tuple[Model, ...]:
    """Every model: the built-ins, then those installed packages register, by entry-point name.

    Raises TypeError when an entry point does not name a :class:`Model`, and ValueError when two
    models claim the same scenario section (or ``meta``).
    """
    found = list(BUILT_IN)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        model = ep.load()
        if not isinstance(model, Model):
            raise TypeError(f"entry point {ep.name} = {ep.value!r} is not a simlib Model")
        found.append(model)
    sections = [m.section for m in found]
    clash = sorted({s for s in sections if sections.count(s) > 1 or s == "meta"})
    if clash:
        raise ValueError(f"two models claim the scenario section(s) {', '.join(clash)}")
    return tuple(found)


def get(section: str) -> Model:
    """The model that reads ``section``; KeyError when none does."""
    for model in registry():
        if model.section == section:
            return model
    raise KeyError(section)
