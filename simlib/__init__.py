"""simlib: development-zone (开发区) policy models and offline HTML briefs.

Data flows one way: a scenario file is read and validated once
(:mod:`simlib.scenario`, against the sections of the registered models) → the
models (:mod:`simlib.models`: revenue sharing, salary incentives, land and
standard factories; pure vectorised functions behind one contract) → explore
(:mod:`simlib.explore`: sweeps, Sobol and Morris over in-memory variants) → the
brief (:mod:`simlib.brief`: labels, charts, Jinja2 templates, results.json) →
the pipeline (:mod:`simlib.pipeline`: papermill, nbconvert, publishing, batch)
and the ``simlib`` command (:mod:`simlib.cli`).
"""

__version__ = "0.1.0"
