"""Headline figures of a run, from the registered models' :class:`~simlib.models.base.Headline` lists.

Shared by the brief's key numbers, the comparison table and the batch index.
"""

from __future__ import annotations

from collections.abc import Mapping

from simlib.brief.labels import money, percent, wan
from simlib.models import Headline, Metrics, registry


def show(value: float | None, kind: str, lang: str) -> str:
    """A headline value as text in the brief's language."""
    if value is None:
        return "—"
    return {"money": lambda: money(value, lang), "wan": lambda: wan(value, lang),
            "percent": lambda: percent(value), "ratio": lambda: f"{value:.3f}"}[kind]()


def label(headline: Headline, metrics: Metrics, lang: str) -> str:
    """A headline's label in ``lang``; ``{y0}``/``{y1}`` name the first and last year."""
    years = getattr(metrics, "years", None) or [None]
    return headline.label[lang].format(y0=years[0], y1=years[-1])


def typed(metrics: Mapping[str, object]) -> dict[str, Metrics]:
    """Metrics by section as the models' typed objects (from a results.json's ``metrics``, say);
    sections no registered model reads are left out."""
    return {m.section: m.metrics.model_validate(metrics[m.section]) if isinstance(metrics[m.section], dict)
            else metrics[m.section] for m in registry() if m.section in metrics}


def headlines(metrics: Mapping[str, Metrics], limit: int | None = None) -> list[tuple[str, Headline, float | None]]:
    """(section, headline, value) of the models present, in the registry's order, taking each
    model's next most important figure in turn, at most ``limit`` of them."""
    queues = {m.section: list(m.headlines) for m in registry() if m.section in metrics}
    picked = []
    while any(queues.values()) and (limit is None or len(picked) < limit):
        for section, queue in queues.items():
            if queue and (limit is None or len(picked) < limit):
                h = queue.pop(0)
                value = h.value(metrics[section])
                if value is None and h.omit_when_none:
                    continue
                picked.append((section, h, value))
    return picked
