"""simlib: development-zone (开发区) policy models and offline HTML briefs.

Data flows one way: scenario file → :mod:`simlib.scenario` (validated
parameters) → pure model functions (:mod:`simlib.revenue`) → the brief
notebook → HTML brief and ``results.json``.
"""

__version__ = "0.1.0"
