"""The comparison brief: several scenario runs side by side, from one kernel.

What differs (every parameter whose resolved value is not the same in all
scenarios), the headline figures side by side with the difference from the
first scenario, and overlaid charts for each model.
"""

from __future__ import annotations

import datetime as _dt

import matplotlib.pyplot as plt
from IPython.display import HTML

from simlib.brief import labels
from simlib.brief.headlines import headlines, label, show
from simlib.brief.report import _flatten, _show, esc, figure, plain, table
from simlib.brief.results import software
from simlib.scenario import ScenarioRun

COLOURS = ("#08306b", "#c44e52", "#55a868", "#8172b2", "#ccb974", "#64b5cd")


def header(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    items = "".join(f"<li><b>{esc(n)}</b>: {esc(r.scenario.params.meta.title)} ({esc(r.scenario.path.name)}"
                    + (f"; {esc('; '.join(r.scenario.overrides))}" if r.scenario.overrides else "") + ")</li>"
                    for n, r in zip(names, runs))
    return HTML(f'<header class="brief-header"><h1>{esc(labels.t("compare.title", lang))}: '
                f'{esc(" / ".join(names))}</h1><ul>{items}</ul></header>')


def differences(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    flat = [dict(_flatten(r.scenario.resolved())) for r in runs]
    keys = list(dict.fromkeys(k for f in flat for k in f))
    rows = [(k, *(_show(f.get(k, "—")) for f in flat)) for k in keys
            if len({repr(f.get(k, "—")) for f in flat}) > 1]
    body = (table([labels.t("param.key", lang), *names], rows, cls="params") if rows
            else f"<p>{esc(labels.t('compare.no_difference', lang))}</p>")
    return HTML(f'<section><h2>{esc(labels.t("compare.differs", lang))}</h2>{body}</section>')


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
    return HTML(f'<section><h2>{esc(labels.t("compare.metrics", lang))}</h2>'
                f'{table(headers, rows, cls="numbers")}</section>')


#: Overlaid series per model: (model, metrics key, label key, scale, unit label key or literal).
SERIES = (
    ("revenue", "zone_payout_mean", "revenue.payout", 1.0, "revenue.money_unit"),
    ("revenue", "p_cap_binds", "revenue.p_cap", 100.0, "%"),
    ("land", "occupancy_rate", "land.occupancy", 100.0, "%"),
    ("land", "vacant_m2", "land.vacant", 1e-4, "land.m2_unit"),
)


def charts(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    panels = [s for s in SERIES if any(s[0] in r.data for r in runs)]
    salary = any("salary" in r.data for r in runs)
    n = len(panels) + salary
    if n == 0:
        return HTML("")
    cols = 2 if n > 1 else 1
    rows = (n + 1) // 2
    fig, axes = plt.subplots(rows, cols, figsize=(10, 3.4 * rows), squeeze=False)
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
                c = r.data["salary"]["misrank_curve"]
                ax.plot(c["reliability"], c["misrank_simulated"], "o-", ms=3, color=COLOURS[i % len(COLOURS)],
                        label=plain(name))
        ax.set_title(labels.t("salary.curve_chart", lang))
        ax.set_xlabel(labels.t("salary.reliability", lang), fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8)
    for ax in flat_axes[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return HTML(f'<section><h2>{esc(labels.t("compare.charts", lang))}</h2>'
                f'{figure(fig, alt=labels.t("compare.charts", lang))}</section>')


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
    text = " · ".join(f"{esc(k)}: <code>{esc(v)}</code>" for k, v in items)
    return HTML(f'<footer class="provenance"><h2>{esc(labels.t("brief.provenance", lang))}</h2><p>{text}</p></footer>')
