"""The sweep and sensitivity briefs: tables and charts from results computed outside the notebook.

``simlib sweep`` and ``simlib sensitivity`` compute in the CLI's process (or on
workers) and hand the notebook a file of results; these functions only show it.
Every string from a scenario or the command line is escaped (the markup comes
from the templates in ``templates/explore/``, which escape every value) or made
literal for matplotlib (:func:`simlib.brief.charts.plain`).
"""

from __future__ import annotations

import operator

import numpy as np
from IPython.display import HTML
from matplotlib.figure import Figure

from simlib.brief import labels
from simlib.brief.charts import figure_uri, plain, style
from simlib.brief.html import render

OPS = {">=": operator.ge, "<=": operator.le}


def target_holds(rows: list[dict], target: dict | None) -> list[bool] | None:
    if not target:
        return None
    op = OPS[target["op"]]
    return [row.get(target["metric"]) is not None and op(row[target["metric"]], target["value"]) for row in rows]


def sweep_header(spec: dict, lang: str) -> HTML:
    varies = "; ".join(f"{v['key']} = {v['lo']:g} … {v['hi']:g} ({v['n']})" for v in spec["vary"])
    return HTML(render("explore/sweep_header.html.j2", heading=labels.t("sweep.title", lang), title=spec["title"],
                       varied_label=labels.t("sweep.varied", lang), varies=varies, points=spec["points"],
                       points_label=labels.t("sweep.points", lang), table=spec["table"],
                       target_label=labels.t("sweep.target", lang),
                       target=spec["target"]["text"] if spec.get("target") else None))


def sweep_charts(rows: list[dict], spec: dict, lang: str) -> HTML:
    """Lines over one varied key, heat maps over two; the target region outlined."""
    keys = [v["key"] for v in spec["vary"]]
    metrics = spec["shown"]
    holds = target_holds(rows, spec.get("target"))
    n = len(metrics)
    with style():
        fig = Figure(figsize=(10, 3.6 * ((n + 1) // 2)))
        axes = fig.subplots((n + 1) // 2, 2 if n > 1 else 1, squeeze=False)
        _sweep_panels(fig, axes, rows, keys, metrics, holds, lang)
        chart = figure_uri(fig)
    return HTML(render("explore/figure.html.j2", chart=chart, alt=labels.t("sweep.title", lang)))


def _sweep_panels(fig: Figure, axes: np.ndarray, rows: list[dict], keys: list[str], metrics: list[str],
                  holds: list[bool] | None, lang: str) -> None:
    n = len(metrics)
    for ax, metric in zip(axes.flat, metrics):
        values = np.array([np.nan if r.get(metric) is None else r[metric] for r in rows], dtype=float)
        if len(keys) == 1:
            x = np.array([r[keys[0]] for r in rows], dtype=float)
            ax.plot(x, values, "o-", color="#08306b")
            if holds is not None:
                ax.fill_between(x, np.nanmin(values), np.nanmax(values), where=holds, color="#55a868", alpha=0.2,
                                label=labels.t("sweep.region", lang))
                ax.legend(frameon=False, fontsize=8)
            ax.set_xlabel(plain(keys[0]))
            ax.grid(alpha=0.3)
        else:
            xs = sorted({r[keys[0]] for r in rows})
            ys = sorted({r[keys[1]] for r in rows})
            total = np.zeros((len(ys), len(xs)))
            count = np.zeros_like(total)
            held = np.zeros_like(total)
            for i, r in enumerate(rows):  # the first two varied keys; further keys are averaged over
                yi, xi = ys.index(r[keys[1]]), xs.index(r[keys[0]])
                if not np.isnan(values[i]):
                    total[yi, xi] += values[i]
                    count[yi, xi] += 1
                held[yi, xi] += bool(holds[i]) if holds is not None else 0
            z = np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)
            per_cell = len(rows) / (len(xs) * len(ys))
            ok = held >= per_cell  # outlined where the target holds at every point behind the cell
            mesh = ax.pcolormesh(xs, ys, z, shading="nearest", cmap="viridis")
            fig.colorbar(mesh, ax=ax)
            if holds is not None and ok.any():
                ax.contour(xs, ys, ok.astype(float), levels=[0.5], colors="white", linewidths=2)
            ax.set_xlabel(plain(keys[0]))
            ax.set_ylabel(plain(keys[1]))
        ax.set_title(plain(metric), fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()


def sweep_table(rows: list[dict], spec: dict, lang: str) -> HTML:
    keys = [v["key"] for v in spec["vary"]]
    holds = target_holds(rows, spec.get("target"))
    headers = keys + spec["shown"] + ([labels.t("sweep.holds", lang)] if holds is not None else [])
    body = []
    for i, r in enumerate(rows):
        cells = [f"{r[k]:g}" for k in keys] + ["—" if r.get(m) is None else f"{r[m]:.4g}" for m in spec["shown"]]
        if holds is not None:
            cells.append("✓" if holds[i] else "")
        body.append(cells)
    summary = labels.t("sweep.summary", lang, held=sum(holds), total=len(holds)) if holds is not None else None
    return HTML(render("explore/sweep_table.html.j2", summary=summary, headers=headers, rows=body))


def sensitivity_section(result: dict, spec: dict, lang: str) -> HTML:
    """Bar chart of the indices with their confidence intervals, and a plain-language ranking."""
    factors = result["factors"]
    score = result["total_order"] if result["method"] == "sobol" else result["mu_star"]
    order = sorted(range(len(factors)), key=lambda i: -(score[i] or 0.0))
    measure = labels.t("sens.by_total" if result["method"] == "sobol" else "sens.by_mu_star", lang)
    ranked = labels.t("sens.ranking", lang, metric=spec["metric"], measure=measure,
                      order=" > ".join(f"{factors[i]} ({(score[i] or 0.0):.3g})" for i in order))
    rows = []
    for i, f in enumerate(factors):
        if result["method"] == "sobol":
            rows.append((f, _num(result["first_order"][i]), _ci(result["first_order_ci"][i]),
                         _num(result["total_order"][i]), _ci(result["total_order_ci"][i])))
        else:
            rows.append((f, _num(result["mu_star"][i]), _num(result["mu_star_ci"][i]), _num(result["mu"][i]),
                         _num(result["sigma"][i])))
    headers = ([labels.t("sens.factor", lang), labels.t("sens.first", lang), "CI", labels.t("sens.total", lang), "CI"]
               if result["method"] == "sobol" else [labels.t("sens.factor", lang), "μ*", "± CI", "μ", "σ"])
    method = labels.t(f"sens.method_{result['method']}", lang, evaluations=result["evaluations"])
    return HTML(render("explore/sensitivity.html.j2", ranking=ranked, chart=_sensitivity_chart(result, spec, lang),
                       alt=labels.t("sens.title", lang), headers=headers, rows=rows, method=method))


def _sensitivity_chart(result: dict, spec: dict, lang: str) -> str:
    """The indices as horizontal bars with their confidence intervals, as a data: URI."""
    factors = result["factors"]
    with style():
        fig = Figure(figsize=(8, 0.6 + 0.5 * len(factors)))
        ax = fig.subplots()
        y = np.arange(len(factors))
        if result["method"] == "sobol":
            bars = (("first_order", labels.t("sens.first", lang), "#4292c6"),
                    ("total_order", labels.t("sens.total", lang), "#08306b"))
            for k, (key, name, colour) in enumerate(bars):
                values = np.array([np.nan if v is None else v for v in result[key]])
                ci = np.array([[np.nan, np.nan] if c is None or None in c else c for c in result[key + "_ci"]])
                err = np.abs(np.vstack([values - ci[:, 0], ci[:, 1] - values]))
                ax.barh(y + (k - 0.5) * 0.4, values, 0.4, xerr=err, color=colour, label=name, capsize=3)
        else:
            values = np.array(result["mu_star"])
            ax.barh(y, values, 0.5, xerr=np.array(result["mu_star_ci"]), color="#08306b", capsize=3, label="μ*")
        ax.set_yticks(y, [plain(f) for f in factors])
        ax.invert_yaxis()
        ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.set_title(plain(spec["metric"]), fontsize=9)
        return figure_uri(fig)


def sensitivity_header(spec: dict, lang: str) -> HTML:
    ranges = "; ".join(f"{v['key']} ∈ [{v['lo']:g}, {v['hi']:g}]" for v in spec["vary"])
    return HTML(render("explore/sensitivity_header.html.j2", heading=labels.t("sens.title", lang),
                       title=spec["title"], metric_label=labels.t("sens.metric", lang), metric=spec["metric"],
                       ranges=ranges))


def _num(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def _ci(c) -> str:
    return "—" if c is None or None in c else f"[{c[0]:.3f}, {c[1]:.3f}]"
