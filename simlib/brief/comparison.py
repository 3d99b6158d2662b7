"""The comparison brief: several scenario runs side by side, from one kernel.

What differs (every parameter whose resolved value is not the same in all
scenarios), the headline figures side by side with the difference from the
first scenario, and overlaid charts for the models it knows (others are left out
of the charts; their headline figures are in the table).  The markup comes from
the templates in ``templates/compare/``, which escape every value.
"""

from __future__ import annotations

import datetime as _dt

from IPython.display import HTML
from matplotlib.figure import Figure

from simlib.brief import labels
from simlib.brief.charts import figure_uri, plain, style
from simlib.brief.headlines import headlines, label, show
from simlib.brief.html import render
from simlib.brief.report import _flatten, _show, salary_scenario_point
from simlib.brief.results import software
from simlib.scenario import ScenarioRun

COLOURS = ("#08306b", "#c44e52", "#55a868", "#8172b2", "#ccb974", "#64b5cd")


def header(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    scenarios = [dict(name=n, title=r.scenario.params.meta.title, file=r.scenario.path.name,
                      overrides="; ".join(r.scenario.overrides)) for n, r in zip(names, runs)]
    return HTML(render("compare/header.html.j2", heading=labels.t("compare.title", lang),
                       names=" / ".join(names), scenarios=scenarios))


def differences(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    flat = [dict(_flatten(r.scenario.resolved())) for r in runs]
    keys = list(dict.fromkeys(k for f in flat for k in f))
    rows = [(k, *(_show(f.get(k, "—")) for f in flat)) for k in keys
            if len({repr(f.get(k, "—")) for f in flat}) > 1]
    return HTML(render("compare/differences.html.j2", heading=labels.t("compare.differs", lang),
                       headers=[labels.t("param.key", lang), *names], rows=rows,
                       none=labels.t("compare.no_difference", lang)))


def _difference(value, base, kind: str, lang: str) -> str:
    if value is None or base is None:
        return "—"
    delta = value - base
    if kind == "percent":
        return f"{delta * 100:+.1f} pp" if lang == "en" else f"{delta * 100:+.1f} 个百分点"
    return ("+" if delta >= 0 else "−") + show(abs(delta), kind, lang)


def key_metrics(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    """Every headline figure of every model any scenario uses; differences are from the first scenario."""
    union: dict[str, object] = {}
    for r in runs:
        for section, m in r.metrics.items():
            union.setdefault(section, m)
    rows = []
    for section, h, _ in headlines(union):
        values = [h.value(r.metrics[section]) if section in r.metrics else None for r in runs]
        rows.append((label(h, union[section], lang), *(show(v, h.kind, lang) for v in values),
                     *(_difference(v, values[0], h.kind, lang) for v in values[1:])))
    headers = [labels.t("compare.metric", lang), *names,
               *(labels.t("compare.minus", lang, a=n, b=names[0]) for n in names[1:])]
    return HTML(render("compare/key_metrics.html.j2", heading=labels.t("compare.metrics", lang),
                       headers=headers, rows=rows))


#: Overlaid series per model: (model, metrics key, label key, scale, unit label key or literal).
SERIES = (
    ("revenue", "zone_payout_mean", "revenue.payout", 1.0, "revenue.money_unit"),
    ("revenue", "p_cap_binds", "revenue.p_cap", 100.0, "%"),
    ("land", "occupancy_rate", "land.occupancy", 100.0, "%"),
    ("land", "vacant_m2", "land.vacant", 1e-4, "land.m2_unit"),
)


def charts(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    """Each known series overlaid for every scenario; models without a series here are skipped."""
    panels = [s for s in SERIES if any(s[0] in r.data for r in runs)]
    salary = any("salary" in r.data for r in runs)
    n = len(panels) + salary
    if n == 0:
        return HTML("")
    cols = 2 if n > 1 else 1
    rows = (n + 1) // 2
    with style():
        fig = Figure(figsize=(10, 3.4 * rows))
        axes = fig.subplots(rows, cols, squeeze=False)
        flat_axes = list(axes.flat)
        for ax, (model, key, label, scale, unit) in zip(flat_axes, panels):
            for i, (name, r) in enumerate(zip(names, runs)):
                if model in r.data:
                    m = r.data[model]
                    ys = [None if v is None else v * scale for v in m[key]]
                    ax.plot(m["years"], ys, "o-", ms=3, color=COLOURS[i % len(COLOURS)], label=plain(name))
            ax.set_title(labels.t(label, lang))
            ax.set_ylabel(labels.t(unit, lang) if unit in labels.LABELS else unit)
            ax.grid(alpha=0.3)
            ax.legend(frameon=False, fontsize=8)
        if salary:
            ax = flat_axes[len(panels)]
            for i, (name, r) in enumerate(zip(names, runs)):
                if "salary" in r.data:
                    m = r.data["salary"]
                    if m["misrank_curve"] is None:
                        continue
                    colour = COLOURS[i % len(COLOURS)]
                    c = m["misrank_curve"]
                    ax.plot(c["reliability"], c["misordered_simulated"], "o-", ms=3, color=colour, label=plain(name))
                    x, y, _, _ = salary_scenario_point(m)  # the scenario's own point: its key number
                    if y is not None:
                        ax.plot([x], [y], "D", ms=6, color=colour)
            ax.set_title(labels.t("salary.curve_chart", lang))
            ax.set_xlabel(labels.t("salary.reliability", lang), fontsize=8)
            ax.set_ylabel(labels.t("salary.misordered_axis", lang), fontsize=8)
            ax.grid(alpha=0.3)
            ax.legend(frameon=False, fontsize=8)
        for ax in flat_axes[n:]:
            ax.set_visible(False)
        fig.tight_layout()
        chart = figure_uri(fig)
    return HTML(render("compare/charts.html.j2", heading=labels.t("compare.charts", lang), chart=chart,
                       alt=labels.t("compare.charts", lang)))


def provenance(names: list[str], runs: list[ScenarioRun]) -> dict:
    return {
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **software(),
        "scenarios": {n: {"params_sha256": r.scenario.params_sha256(), "seed": r.scenario.params.meta.seed,
                          "scenario_file": r.scenario.path.name, "overrides": list(r.scenario.overrides)}
                      for n, r in zip(names, runs)},
    }


def document(names: list[str], runs: list[ScenarioRun], prov: dict) -> dict:
    """results.json of a comparison: each scenario's parameters and metrics under its name."""
    return {"comparison": names, "provenance": prov,
            "scenarios": {n: {"params": r.scenario.resolved(), "metrics": r.data} for n, r in zip(names, runs)}}


def footer(prov: dict, lang: str) -> HTML:
    commit = prov["git_commit"] or "—"
    hashes = "; ".join(f"{n}: {v['params_sha256'][:12]} (seed {v['seed']})" for n, v in prov["scenarios"].items())
    items = [(labels.t("prov.hash", lang), hashes), (labels.t("prov.version", lang), prov["simlib_version"]),
             (labels.t("prov.commit", lang), commit), (labels.t("prov.created", lang), prov["created"])]
    return HTML(render("compare/footer.html.j2", heading=labels.t("brief.provenance", lang), items=items))
