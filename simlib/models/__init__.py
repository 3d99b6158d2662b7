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
import warnings
from importlib.metadata import entry_points

from simlib.models import land, revenue, salary, zone
from simlib.models.base import Headline, Metrics, Model, Section

__all__ = ["ENTRY_POINT_GROUP", "Headline", "Metrics", "Model", "PluginWarning", "Section", "get", "problems",
           "registry"]

ENTRY_POINT_GROUP = "simlib.models"
BUILT_IN = (revenue.MODEL, salary.MODEL, land.MODEL, zone.MODEL)  # zone links the others: it runs last


class PluginWarning(UserWarning):
    """A ``simlib.models`` entry point was left out of the registry."""


@functools.cache
def _discover() -> tuple[tuple[Model, ...], tuple[str, ...]]:
    """The models, and one line for each entry point that could not be registered."""
    found, problems = list(BUILT_IN), []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"entry point {ENTRY_POINT_GROUP}: {ep.name} = {ep.value}"
        try:
            model = ep.load()
        except Exception as exc:  # a plugin that cannot be imported is reported, never a traceback
            problems.append(f"{where}: cannot be loaded ({type(exc).__name__}: {exc})")
            continue
        if not isinstance(model, Model):
            problems.append(f"{where}: is not a simlib.models.Model (got {type(model).__name__})")
        elif not model.section.isidentifier() or model.section.startswith("model_"):
            problems.append(f"{where}: the section name {model.section!r} is not a plain identifier")
        elif model.section == "meta" or model.section in [m.section for m in found]:
            problems.append(f"{where}: the scenario section {model.section!r} is taken already")
        else:
            found.append(model)
    for line in problems:
        warnings.warn(line, PluginWarning, stacklevel=3)
    return tuple(found), tuple(problems)


def registry() -> tuple[Model, ...]:
    """Every model: the built-ins, then those installed packages register, by entry-point name.
    An entry point that cannot be registered is left out with a warning (see :func:`problems`)."""
    return _discover()[0]


def problems() -> tuple[str, ...]:
    """One line for each ``simlib.models`` entry point left out (cannot be imported, is not a
    Model, or claims a section another model reads); the ``simlib`` command refuses to run then."""
    return _discover()[1]


def get(section: str) -> Model:
    """The model that reads ``section``; KeyError when none does."""
    for model in registry():
        if model.section == section:
            return model
    raise KeyError(section)
