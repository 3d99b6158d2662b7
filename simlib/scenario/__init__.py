"""A scenario: a file read and validated once (:func:`load`), changed in memory
(:meth:`Scenario.with_values`) and run through every model it names (:func:`run`)."""

from simlib.scenario.loader import LeafInfo, Scenario, load, parse_overrides
from simlib.scenario.problems import Problem, ScenarioError
from simlib.scenario.run import ScenarioRun, run

__all__ = ["LeafInfo", "Problem", "Scenario", "ScenarioError", "ScenarioRun", "load", "parse_overrides", "run"]
