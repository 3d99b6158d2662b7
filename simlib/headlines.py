"""Headline figures of a run: which ones, in what order, and how they read (no plotting imports).

Shared by the brief's key numbers, the comparison table and the batch index.
"""

from __future__ import annotations

from collections.abc import Sequence

from simlib import labels
from simlib.labels import money, percent, wan


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _last(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return present[-1] if present else None


#: Headline figures per model, most important first: (model, label key, value from metrics, format).
HEADLINES = (
    ("revenue", "revenue.k_total", lambda m: m["zone_payout_total_mean"], "money"),
    ("revenue", "revenue.k_marginal", lambda m: m["marginal_retention_overall"], "ratio"),
    ("revenue", "revenue.k_cap", lambda m: _mean(m["p_cap_binds"]), "percent"),
    ("revenue", "revenue.k_floor", lambda m: _mean(m["p_floor_binds"]), "percent"),
    ("revenue", "revenue.k_pooled", lambda m: m["pooled_total_mean"], "money"),
    ("salary", "salary.k_misrank", lambda m: m["misrank_above_median"], "percent"),
    ("salary", "salary.k_incentive", lambda m: m["incentive_per_sd"], "wan"),
    ("salary", "salary.k_gini", lambda m: m["gini"], "ratio"),
    ("land", "land.k_lost", lambda m: m["lost_share"], "percent"),
    ("land", "land.k_occupancy", lambda m: _last(m["occupancy_rate"]), "percent"),
    ("land", "land.k_exhausted", lambda m: m["p_land_exhausted"], "percent"),
)


def show(value: float | None, kind: str, lang: str) -> str:
    """A headline value as text in the brief's language."""
    if value is None:
        return "—"
    return {"money": lambda: money(value, lang), "wan": lambda: wan(value, lang),
            "percent": lambda: percent(value), "ratio": lambda: f"{value:.3f}"}[kind]()


def headline_label(model: str, key: str, metrics: dict, lang: str) -> str:
    """A headline's label; the revenue total names its years."""
    if model == "revenue":
        years = metrics["revenue"]["years"]
        return labels.t(key, lang, y0=years[0], y1=years[-1])
    return labels.t(key, lang)


def headlines(metrics: dict, limit: int | None = None) -> list[tuple[str, str, float | None, str]]:
    """(model, label key, value, format) of the models present, taking each model's next most
    important figure in turn, at most ``limit`` of them."""
    queues = {model: [h for h in HEADLINES if h[0] == model] for model in ("revenue", "salary", "land")
              if model in metrics}
    picked = []
    while any(queues.values()) and (limit is None or len(picked) < limit):
        for model, queue in queues.items():
            if queue and (limit is None or len(picked) < limit):
                _, key, get, kind = queue.pop(0)
                picked.append((model, key, get(metrics[model]), kind))
    return picked
