"""The sweep and sensitivity briefs: tables and charts from results computed outside the notebook.

``simlib sweep`` and ``simlib sensitivity`` compute in the CLI's process (or on
workers) and hand the notebook a file of results; these functions only show it
(the notebooks can also compute a small run themselves, or reopen a published
``results.json``).  Every string from a scenario or the command line is escaped
(the markup comes from the templates in ``templates/explore/``, which escape
every value) or made literal for matplotlib (:func:`simlib.brief.charts.plain`).

Words: a scenario key is named by :func:`simlib.brief.param_names.name` (the
appendix's names), a metric by its ``explore.metric.*`` label; each has a unit
(:func:`unit`) from the tables below or, failing them, from the field's own name
(``…_wan_per_mu`` is 万元 a mu).  The dotted names appear once, in the list of
names to reproduce the run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from IPython.display import HTML
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from simlib.brief import labels, param_names
from simlib.brief.charts import figure_uri, plain, style
from simlib.brief.html import render
from simlib.explore import sensitivity as sens
from simlib.explore import sweep

# -- names and units ---------------------------------------------------------------------------------

#: Unit of a scenario key (its pattern, list indices as ``[]``) where the field's name does not say it.
KEY_UNITS = {
    "revenue.base_tax": "yi", "revenue.start_tax": "yi", "revenue.horizon_years": "years", "revenue.paths": "paths",
    "revenue.growth.mean": "rate", "revenue.growth.shocks[].change": "rate", "revenue.sharing.zone_share": "share",
    "revenue.sharing.cap": "yi_year", "revenue.sharing.floor": "yi_year", "revenue.sharing.excess_return": "share",
    "revenue.sharing.brackets[].above": "yi_year", "revenue.sharing.brackets[].share": "share",
    "revenue.sharing.base_share": "share", "revenue.sharing.base_growth": "rate",
    "revenue.tax_basis.retained_share": "share", "revenue.series[].growth.mean": "rate",
    "revenue.targets[].value": None,
    "salary.staff": "people", "salary.departments[].size": "people", "salary.department_grades[].share": "share",
    "salary.department_grades[].top_grade_share": "share", "salary.posts[].base_pay": "wan_year",
    "salary.posts[].share": "share", "salary.exempt_share": "share", "salary.rounds": "rounds",
    "salary.appraisal.reliability": "share", "salary.appraisal.objective_weight": "share",
    "salary.appraisal.objective_reliability": "share", "salary.appraisal.subjective_reliability": "share",
    "salary.appraisal.subjective_shares[]": "share", "salary.appraisal.dimensions[].reliability": "share",
    "salary.appraisal.quotas[].share": "share", "salary.appraisal.quotas[].max_share": "share",
    "salary.appraisal.quotas[].min_score": "points", "salary.appraisal.score_scale.mean": "points",
    "salary.appraisal.score_scale.sd": "points", "salary.pay.standard_amount": "wan_year",
    "salary.elimination.consecutive": "times", "salary.elimination.years": "years",
    "land.paths": "paths", "land.idle_rate": "share", "land.idle_exit_share": "share", "land.revitalise_rate": "share",
    "land.factories.target_vacancy": "share", "land.factories.tenant_exit_rate": "share",
    "land.pipeline.arrivals_per_year": "projects_year", "land.pipeline.sign_rate": "share",
    "land.projects.land_share": "share", "land.projects.land_mu.mean": "mu", "land.projects.factory_m2.mean": "m2",
    "land.projects.investment.mean": "yi", "land.changes[].mu": "mu", "land.changes[].km2": "km2",
    "land.projects.tax_at_capacity.mean": "yi_year", "land.projects.output_at_capacity.mean": "yi_year",
    "land.projects.coverage.mean": "share", "land.initial.negotiated": "projects", "land.reverse.target": "share",
    "land.reverse.paths": "paths", "land.standard_land.industries[].share": "share",
    "zone.opening_cash": "yi", "zone.company_profit": "yi_year", "zone.other_spending": "yi_year",
    "zone.debt.opening": "yi", "zone.debt.interest_rate": "rate", "zone.borrowing.limit": "yi",
    "zone.borrowing.interest_rate": "rate", "zone.reverse.target": "share", "zone.reverse.paths": "paths",
}

#: Units a field's last part implies (checked in order, longest first), and the standard-land
#: indicators' units.
_SUFFIX_UNITS = (("_wan_per_mu", "wan_per_mu"), ("_yuan_per_m2", "yuan_per_m2"), ("_mu_per_year", "mu_year"),
                 ("_m2_per_year", "m2_year"), ("_months", "months"), ("_years", "years"), ("_mu", "mu"),
                 ("_m2", "m2"), ("_km2", "km2"))
_INDICATOR_UNITS = {"investment_wan_per_mu": "wan_per_mu", "tax_wan_per_mu": "wan_per_mu_year",
                    "output_wan_per_mu": "wan_per_mu_year", "coverage": "share", "investment_yi": "yi",
                    "investment_wan_per_m2": "wan_per_m2", "tax_wan": "wan_year",
                    "output_wan_per_m2": "wan_per_m2_year"}
_INITIAL_UNITS = {"count": "projects", "land_share": "share", "mu": "mu", "m2": "m2", "tax": "yi_year"}

#: Unit of every metric the built-in models report (``…_avg`` metrics by the series they average).
METRIC_UNITS = {
    **{f"revenue.{k}": "yi_year" for k in ("tax_mean", "base_mean", "zone_raw_share_mean", "zone_payout_mean",
                                           "county_topup_mean", "pooled_mean", "county_net_mean")},
    **{f"revenue.{k}": "share" for k in ("p_floor_binds", "p_cap_binds", "marginal_retention_mean",
                                         "marginal_retention_overall", "marginal_retention_dynamic_oneoff",
                                         "marginal_retention_dynamic_lasting")},
    **{f"revenue.{k}": "yi" for k in ("zone_payout_total_mean", "zone_payout_total_p05", "zone_payout_total_p20",
                                      "zone_payout_total_p95", "county_topup_total_mean", "pooled_total_mean",
                                      "tax_total_mean", "county_net_total_mean", "flat_split_payout_total_mean")},
    "salary.graded_staff": "people", "salary.exempt_staff": "people", "salary.rounds": "rounds",
    "salary.p90_p10": "ratio", "salary.pool": "wan_year", "salary.performance_pay_total": "wan_year",
    "salary.incentive_per_sd": "wan_year", "salary.flagged_bottom": "people",
    **{f"salary.{k}": "share" for k in ("score_reliability", "gini", "pool_allocated_share", "misordered_pairs",
                                        "misordered_pairs_zone", "misrank_above_median", "top_quota_precision",
                                        "flagged_truly_bottom_share")},
    **{f"land.{k}": "share" for k in ("occupancy_rate", "lost_share", "lost_share_land", "lost_share_factory",
                                      "still_waiting_share", "unserved_share", "p_land_exhausted")},
    **{f"land.{k}": "m2" for k in ("vacant_m2", "occupied_m2", "under_construction_m2")},
    **{f"land.{k}": "mu" for k in ("land_available_mu", "land_unserviced_mu", "land_sold_mu_total", "land_idle_mu",
                                   "land_idle_held_mu")},
    **{f"land.{k}": "projects_year" for k in ("signed", "started", "producing", "exited", "lost_for_space")},
    "land.still_waiting_at_end": "projects", "land.screened_out_total": "projects",
    "land.mean_wait_months": "months", "land.mean_wait_months_total": "months",
    "land.tax_per_mu": "wan_per_mu_year", "land.producing_tax": "yi_year", "land.land_sale_revenue": "yi_year",
    "zone.cash_mean": "yi", "zone.debt_mean": "yi", "zone.company_capital_mean": "yi",
    **{f"zone.{k}": "yi_year" for k in ("county_support_mean", "borrowing_mean", "income_mean", "spending_mean",
                                        "payout_mean", "new_tax_mean", "new_tax_gain_mean", "land_proceeds_mean",
                                        "capital_injected_mean", "company_paid_mean", "factory_cost_mean",
                                        "servicing_cost_mean", "staff_pay_mean", "interest_mean", "repayment_mean",
                                        "county_net_mean", "top_up_mean", "pooled_mean")},
    **{f"zone.{k}": "share" for k in ("p_cash_short", "p_payback_within_horizon", "p_cash_short_ever")},
    "zone.debt_to_income": "ratio", "zone.fiscal_return_yuan_per_m2": "yuan_per_m2",
    "zone.programme_cut_m2_mean": "m2_year",
}

_INDEX = re.compile(r"\[(\d+)\]")
_ITEM = re.compile(r"(\w+)\[(\d+)\]")
_HORIZON = re.compile(r"\{y0\}\s*[–-]\s*\{y1\}")


def _metric_entry(name: str) -> tuple[str, bool] | None:
    """The ``explore.metric.*`` label key of metric ``name`` and whether it averages a yearly series."""
    if f"explore.metric.{name}" in labels.LABELS:
        return f"explore.metric.{name}", False
    if name.endswith("_avg") and f"explore.metric.{name[:-4]}" in labels.LABELS:
        return f"explore.metric.{name[:-4]}", True
    return None


def _headline(name: str, lang: str) -> str | None:
    """A registered model's headline label for metric ``name`` (a plugin's metric), its years as words."""
    from simlib.models import registry

    section, _, metric = name.partition(".")
    for m in registry():
        if m.section == section:
            for h in m.headlines:
                if h.metric == metric:
                    text = _HORIZON.sub(labels.t("explore.horizon", lang), h.label[lang])
                    return text.replace("{y0}", labels.t("explore.horizon", lang)).replace(
                        "{y1}", labels.t("explore.horizon", lang))
    return None


def name(key: str, lang: str) -> str:
    """What a reader calls ``key`` (a scenario key or a metric) in ``lang``, without its unit."""
    entry = _metric_entry(key)
    if entry is not None:
        text = labels.t(entry[0], lang)
        return labels.t("explore.avg", lang, name=text) if entry[1] else text
    if (headline := _headline(key, lang)) is not None:
        return headline
    text = param_names.name(key, lang)
    if text == key and "." in key:  # nothing names it: its last part, in words
        text = re.split(r"[.\[]", _INDEX.sub("", key))[-1].replace("_", " ")
    items = [labels.t(f"explore.item.{lst}" if f"explore.item.{lst}" in labels.LABELS else "explore.item.other",
                      lang, n=int(n) + 1) for lst, n in _ITEM.findall(key)]
    if items:  # quotas[0] and quotas[1] are different parameters
        text = labels.t("explore.item", lang, name=text, items=("，" if lang == "zh" else ", ").join(items))
    return text


def unit(key: str) -> str | None:
    """The unit kind of ``key`` (an ``explore.unit.*`` label), or None for a plain number."""
    entry = _metric_entry(key)
    if entry is not None or key in METRIC_UNITS:
        base = key[:-4] if entry is not None and entry[1] else key
        return METRIC_UNITS.get(base)
    pattern = param_names.pattern(key).replace("revenue.sharing.periods[].", "revenue.sharing.")
    if pattern in KEY_UNITS:
        return KEY_UNITS[pattern]
    parts = re.split(r"\.", pattern)
    if pattern.startswith("land.standard_land.") and parts[-1] in ("min", "max") and len(parts) >= 2:
        return _INDICATOR_UNITS.get(parts[-2])
    if pattern.startswith("land.standard_land.min_"):
        return _INDICATOR_UNITS.get(parts[-1][len("min_"):])
    if pattern.startswith("land.initial.") and len(parts) == 4:
        return _INITIAL_UNITS.get(parts[-1])
    if parts[-1] == "conversion" or ".cumulative_from_signed." in pattern:
        return "share"
    if ".lags_months." in pattern:
        return "months"
    last = parts[-1]
    if last in ("start_year", "base_year", "year", "from_year", "seed"):
        return None
    return next((u for suffix, u in _SUFFIX_UNITS if last.endswith(suffix)), None)


def label(key: str, lang: str) -> str:
    """``name (unit)``: an axis label or a table header."""
    kind = unit(key)
    text = name(key, lang)
    return labels.t("explore.with_unit", lang, name=text, unit=labels.t(f"explore.unit.{kind}", lang)) if kind else text


def _number(x: float) -> str:
    """A number as a reader writes it: whole numbers whole, large ones with separators, else 4 digits."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 1e4 else str(int(x))
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.4g}"


def show(value: float | None, key: str, lang: str) -> str:
    """A value of ``key`` with its unit, in ``lang``: ``12.00亿元`` / ``CNY 1,200m``, ``0.45``, ``6 年``."""
    if value is None or not np.isfinite(value):
        return "—"
    kind = unit(key)
    if kind in ("yi", "yi_year"):
        text = labels.money(value, lang)
    elif kind in ("wan", "wan_year"):
        text = labels.wan(value, lang)
    elif kind in (None, "share", "rate"):
        return _number(value) if kind is None or abs(value) >= 1 else f"{value:.3g}"
    else:
        return labels.t("explore.value_unit", lang, value=_number(value), unit=labels.t(f"explore.unit.{kind}", lang))
    return labels.t("explore.per_year", lang, value=text) if kind.endswith("_year") else text


def _cell(value) -> str:
    return "—" if value is None else _number(value)


def _join(items: list[str], lang: str, long: bool = False) -> str:
    """Items of a list in a sentence; ``long`` items (with commas of their own) by semicolons."""
    return ("；" if long else "、").join(items) if lang == "zh" else ("; " if long else ", ").join(items)


def inline(text: str, lang: str) -> str:
    """A name as it reads inside an English sentence: ``Zone payout`` → ``zone payout`` (``P(...)``,
    ``Gini`` and acronyms keep their capitals)."""
    if lang == "en" and len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith("Gini"):
        return text[0].lower() + text[1:]
    return text


def names_list(entries: list[str], lang: str, notes: list[tuple[str, str]] = ()) -> HTML:
    """The dotted names behind the brief's words (each once, as code), to reproduce the run."""
    items = [(name(k, lang), k) for k in dict.fromkeys(entries)]
    return HTML(render("explore/names.html.j2", heading=labels.t("explore.names", lang),
                       intro=labels.t("explore.names_note", lang), items=items, notes=list(notes),
                       colon=labels.t("explore.colon", lang)))


# -- reading what to show --------------------------------------------------------------------------

def published(path, kind: str) -> tuple[dict, object]:
    """(spec, rows) of a sweep's or (spec, result) of a sensitivity analysis's published ``results.json``,
    to draw its brief again without running the models; ``kind`` is ``sweep`` or ``sensitivity``."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    second = {"sweep": "rows", "sensitivity": "result"}[kind]
    if not isinstance(doc, dict) or kind not in doc or second not in doc:
        raise ValueError(f"{path}: not the results.json of a simlib {kind} run (it has no {kind!r} and "
                         f"{second!r}); give the results.json that `simlib {kind}` wrote")
    return doc[kind], doc[second]


def title_en(spec: dict, lang: str) -> str | None:
    """The scenario's title in English (``meta.glossary``'s, which the spec carries), for an English
    brief whose title is Chinese; None otherwise."""
    english = spec.get("title_en")
    return english if lang == "en" and english and english != spec.get("title") else None


# -- sweep -----------------------------------------------------------------------------------------

def target_holds(rows: list[dict], target: dict | None) -> list[bool] | None:
    held = sweep.target_holds(rows, target)
    return None if held is None else held.tolist()


def _target_words(target: dict, lang: str) -> str:
    op = labels.t("sweep.op_ge" if target["op"] == ">=" else "sweep.op_le", lang)
    return labels.t("sweep.target_is", lang, metric=name(target["metric"], lang), op=op,
                    value=show(target["value"], target["metric"], lang))


def sweep_header(spec: dict, lang: str) -> HTML:
    varies = _join([labels.t("sweep.vary_item", lang, name=name(v["key"], lang), lo=show(v["lo"], v["key"], lang),
                             hi=show(v["hi"], v["key"], lang), n=v["n"]) for v in spec["vary"]], lang, long=True)
    return HTML(render("explore/sweep_header.html.j2",
                       heading=labels.t("explore.heading", lang, what=labels.t("sweep.title", lang),
                                        title=spec["title"]),
                       title_en=title_en(spec, lang),
                       varied_label=labels.t("sweep.varied", lang), varies=varies,
                       colon=labels.t("explore.colon", lang),
                       points=labels.t("sweep.points", lang, points=spec["points"]),
                       target=_target_words(spec["target"], lang) if spec.get("target") else None))


def sweep_charts(rows: list[dict], spec: dict, lang: str) -> HTML:
    """Lines over one varied key, heat maps over two; where the target holds hatched, with a legend."""
    keys = [v["key"] for v in spec["vary"]]
    metrics = spec["shown"]
    target = spec.get("target")
    holds = sweep.target_holds(rows, target)
    n = len(metrics)
    with style():
        fig = Figure(figsize=(10, 0.6 + 3.6 * ((n + 1) // 2)), layout="constrained")
        axes = fig.subplots((n + 1) // 2, 2 if n > 1 else 1, squeeze=False)
        handles = _sweep_panels(fig, axes, rows, keys, metrics, holds, target, lang)
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9)
        chart = figure_uri(fig)
    captions = [labels.t("sweep.caption_line", lang, name=inline(name(keys[0], lang), lang)) if len(keys) == 1 else
                labels.t("sweep.caption_heat", lang, x=inline(name(keys[0], lang), lang),
                         y=inline(name(keys[1], lang), lang))]
    if len(keys) > 2:
        captions.append(labels.t("sweep.caption_more", lang, others=_join([name(k, lang) for k in keys[2:]], lang)))
    if holds is not None and holds.any():
        captions.append(labels.t("sweep.caption_region", lang))
    return HTML(render("explore/figure.html.j2", chart=chart, alt=labels.t("sweep.title", lang),
                       caption=" ".join(captions)))


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges half-way between grid values (half a step beyond the ends)."""
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


_REGION_LINE = {"facecolor": "#a1d99b", "edgecolor": "#31a354", "hatch": "///", "alpha": 0.45, "linewidth": 0}
_REGION_HEAT = {"facecolor": "none", "edgecolor": "white", "hatch": "///", "linewidth": 0}


def _sweep_panels(fig: Figure, axes: np.ndarray, rows: list[dict], keys: list[str], metrics: list[str],
                  holds: np.ndarray | None, target: dict | None, lang: str) -> list:
    """Draw each metric's panel; the legend handles the panels need (region, target line)."""
    n = len(metrics)
    region = labels.t("sweep.region", lang)
    handles: dict[str, object] = {}
    miss = sweep.nearest_miss(rows, target) if target else None  # no point meets it: mark the closest
    closest = labels.t("sweep.closest", lang)
    ring = {"marker": "o", "markersize": 14, "markerfacecolor": "none", "markeredgecolor": "#d62728",
            "markeredgewidth": 2, "linestyle": "none"}
    for ax, metric in zip(axes.flat, metrics):
        values = sweep.metric_values(rows, metric)
        kind = unit(metric)
        unit_word = labels.t(f"explore.unit.{kind}", lang) if kind else ""
        if len(keys) == 1:
            x = np.array([r[keys[0]] for r in rows], dtype=float)
            ax.plot(x, values, "o-", color="#08306b", zorder=3)
            if holds is not None and holds.any():
                edges = _edges(x)
                runs = np.flatnonzero(np.diff(np.concatenate([[0], holds.astype(int), [0]])))
                for start, stop in zip(runs[::2], runs[1::2]):  # one band per run of points where it holds
                    ax.axvspan(edges[start], edges[stop], zorder=1, **_REGION_LINE)
                handles[region] = Patch(label=region, **_REGION_LINE)
            if target is not None and metric == target["metric"]:
                text = labels.t("sweep.target_line", lang, value=show(target["value"], metric, lang))
                ax.axhline(target["value"], color="#d62728", linestyle="--", linewidth=1.2, zorder=2)
                handles[text] = Line2D([], [], color="#d62728", linestyle="--", linewidth=1.2, label=text)
                if miss is not None:
                    ax.plot([x[miss["row"]]], [miss["value"]], zorder=4, **ring)
                    handles[closest] = Line2D([], [], label=closest, **ring)
            ax.set_xlabel(plain(label(keys[0], lang)))
            if unit_word:
                ax.set_ylabel(plain(unit_word))
            ax.grid(alpha=0.3)
        else:
            xs = np.unique([r[keys[0]] for r in rows]).astype(float)
            ys = np.unique([r[keys[1]] for r in rows]).astype(float)
            xi = np.searchsorted(xs, [r[keys[0]] for r in rows])
            yi = np.searchsorted(ys, [r[keys[1]] for r in rows])
            total = np.zeros((ys.size, xs.size))
            count = np.zeros_like(total)
            ok = ~np.isnan(values)
            np.add.at(total, (yi[ok], xi[ok]), values[ok])  # further varied keys are averaged over
            np.add.at(count, (yi[ok], xi[ok]), 1)
            z = np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)
            mesh = ax.pcolormesh(_edges(xs), _edges(ys), z, shading="flat", cmap="viridis")
            bar = fig.colorbar(mesh, ax=ax)
            if unit_word:
                bar.set_label(plain(unit_word))
            if holds is not None:
                behind = np.zeros_like(total)
                held = np.zeros_like(total)
                np.add.at(behind, (yi, xi), 1)
                np.add.at(held, (yi, xi), holds.astype(float))
                cells = np.argwhere((held == behind) & (behind > 0))  # it holds at every point behind the cell
                if cells.size:
                    ex, ey = _edges(xs), _edges(ys)
                    ax.add_collection(PatchCollection(
                        [Rectangle((ex[c], ey[r]), ex[c + 1] - ex[c], ey[r + 1] - ey[r]) for r, c in cells],
                        match_original=False, zorder=3, **_REGION_HEAT))
                    handles[region] = Patch(label=region, facecolor="#3b528b", edgecolor="white", hatch="///")
            if miss is not None and target is not None and metric == target["metric"]:
                row = rows[miss["row"]]
                ax.plot([row[keys[0]]], [row[keys[1]]], zorder=4, **{**ring, "markeredgecolor": "white"})
                handles[closest] = Line2D([], [], label=closest, **ring)
            ax.set_xlabel(plain(label(keys[0], lang)))
            ax.set_ylabel(plain(label(keys[1], lang)))
        ax.set_title(plain(name(metric, lang)), fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return list(handles.values())


def sweep_target(rows: list[dict], spec: dict, lang: str) -> str | None:
    """A sentence on the target: where it holds, or when no grid point meets it, the best value reached,
    where, and how far it stays from the target."""
    target = spec.get("target")
    if not target:
        return None
    holds = sweep.target_holds(rows, target)
    if holds.any():
        return labels.t("sweep.summary", lang, held=int(holds.sum()), total=len(rows))
    metric = target["metric"]
    miss = sweep.nearest_miss(rows, target)
    if miss is None:
        return labels.t("sweep.unreached_none", lang, metric=inline(name(metric, lang), lang))
    row = rows[miss["row"]]
    where = _join([labels.t("sweep.where_item", lang, name=inline(name(v["key"], lang), lang),
                            value=show(row[v["key"]], v["key"], lang)) for v in spec["vary"]], lang)
    gap = show(miss["gap"], metric, lang)
    if target["value"] != 0:
        gap = labels.t("sweep.gap_share", lang, gap=gap, pct=labels.percent(miss["gap"] / abs(target["value"])))
    return labels.t("sweep.unreached_high" if target["op"] == ">=" else "sweep.unreached_low", lang,
                    metric=inline(name(metric, lang), lang), best=show(miss["value"], metric, lang), where=where,
                    value=show(target["value"], metric, lang), gap=gap)


def sweep_table(rows: list[dict], spec: dict, lang: str) -> HTML:
    keys = [v["key"] for v in spec["vary"]]
    holds = sweep.target_holds(rows, spec.get("target"))
    headers = [label(k, lang) for k in keys] + [label(m, lang) for m in spec["shown"]]
    headers += [labels.t("sweep.holds", lang)] if holds is not None else []
    body = []
    for i, r in enumerate(rows):
        cells = [_cell(r[k]) for k in keys] + [_cell(r.get(m)) for m in spec["shown"]]
        if holds is not None:
            cells.append("✓" if holds[i] else "")
        body.append(cells)
    return HTML(render("explore/sweep_table.html.j2", summary=sweep_target(rows, spec, lang), headers=headers,
                       rows=body))


def sweep_names(spec: dict, lang: str) -> HTML:
    """The dotted names of the varied keys and the metrics shown; the target, table and overrides."""
    keys = [v["key"] for v in spec["vary"]]
    notes = []
    if spec.get("target"):
        notes.append((labels.t("sweep.target", lang), spec["target"]["text"]))
    if spec.get("table"):
        notes.append((labels.t("explore.table_file", lang), spec["table"]))
    if spec.get("overrides"):
        notes.append((labels.t("brief.overrides", lang), " ".join(spec["overrides"])))
    return names_list(keys + list(spec["shown"]), lang, notes)


# -- sensitivity -----------------------------------------------------------------------------------

def sensitivity_header(spec: dict, lang: str) -> HTML:
    ranges = _join([labels.t("sens.range_item", lang, name=name(v["key"], lang), lo=show(v["lo"], v["key"], lang),
                             hi=show(v["hi"], v["key"], lang)) for v in spec["vary"]], lang, long=True)
    return HTML(render("explore/sensitivity_header.html.j2",
                       heading=labels.t("explore.heading", lang, what=labels.t("sens.title", lang),
                                        title=spec["title"]),
                       title_en=title_en(spec, lang),
                       metric_label=labels.t("sens.metric", lang), metric=label(spec["metric"], lang),
                       ranges_label=labels.t("sens.ranges", lang), ranges=ranges,
                       colon=labels.t("explore.colon", lang)))


def _score_text(result: dict, i: int, metric: str, lang: str) -> str:
    value = (result["total_order"] if result["method"] == "sobol" else result["mu_star"])[i]
    if value is None:
        return "—"
    return f"{value:.3f}" if result["method"] == "sobol" else show(value, metric, lang)


def _interval_text(result: dict, i: int, metric: str, lang: str) -> str:
    if result["method"] == "sobol":
        return _ci(result["total_order_ci"][i])
    half = result["mu_star_ci"][i]
    return "—" if half is None else f"± {show(half, metric, lang)}"


def _subset(result: dict, keep: list[int]) -> dict:
    """``result`` with only the factors ``keep`` (indices), in that order."""
    return {k: [v[i] for i in keep] if isinstance(v, list) and len(v) == len(result["factors"]) else v
            for k, v in result.items()}


def sensitivity_verdict(result: dict, spec: dict, lang: str) -> tuple[list[str], list[str]]:
    """(what the result supports, the warnings): the ranking in words, as far as the intervals allow,
    and why the rest cannot be ranked with the sample size that would do.

    A factor of a model the metric's model does not use cannot move the metric
    (:func:`simlib.explore.sweep.depends_on`, the rule ``simlib sensitivity`` warns by): its index is zero
    by construction, which the brief says of it instead of ranking it with the others."""
    factors, metric = result["factors"], spec["metric"]
    keep = [i for i, f in enumerate(factors) if sweep.depends_on(metric, f)]
    if len(keep) == len(factors):
        return _verdict(result, spec, lang, len(factors))
    said, warnings = _verdict(_subset(result, keep), spec, lang, len(factors)) if keep else ([], [])
    apart = [f for f in factors if not sweep.depends_on(metric, f)]
    models = list(dict.fromkeys(re.split(r"[.\[]", f)[0] for f in apart))
    names = _join([inline(name(f, lang), lang) for f in apart], lang)
    said.append(labels.t("sens.by_construction", lang, names=names,
                         metric=inline(name(metric, lang), lang), model=_model_title(metric.split(".")[0], lang),
                         others=labels.t("sens.or", lang).join(_model_title(m, lang) for m in models)))
    return said, warnings


def _model_title(section: str, lang: str) -> str:
    """A model as it reads inside a sentence: ``the revenue sharing model``, ``新增税收分成模型``."""
    from simlib.models import registry

    title = next((m.title.get(lang, section) for m in registry() if m.section == section), section)
    return labels.t("sens.model", lang, model=inline(title, lang))


def _verdict(result: dict, spec: dict, lang: str, d: int) -> tuple[list[str], list[str]]:
    """:func:`sensitivity_verdict` of the factors in ``result``; ``d`` factors were varied in all (the
    runs a larger sample would take)."""
    v = sens.separability(result)
    factors, metric = result["factors"], spec["metric"]
    fname = [name(f, lang) for f in factors]
    sobol = result["method"] == "sobol"
    measure = labels.t("sens.by_total" if sobol else "sens.by_mu_star", lang)
    metric_name = inline(name(metric, lang), lang)
    kinds = {p["kind"] for p in v["problems"]}
    if "constant" in kinds:
        runs = f"{result['evaluations']:,}"
        return [labels.t("sens.constant", lang, metric=name(metric, lang), evaluations=runs)], []
    small = set(v["negligible"])
    shown_tiers = [t for t in v["tiers"] if not set(t) <= small] or v["tiers"]  # negligible ones said apart
    hidden = [i for i in v["order"] if not any(i in t for t in shown_tiers)]
    scored = "{}（{}）" if lang == "zh" else "{} ({})"
    order = " > ".join(" ≈ ".join(scored.format(fname[i], _score_text(result, i, metric, lang)) for i in tier)
                       for tier in shown_tiers)
    if len(shown_tiers) == 1 and len(shown_tiers[0]) > 1:
        said = [labels.t("sens.ranking_none", lang, metric=metric_name, order=order)]
    elif any(len(t) > 1 for t in shown_tiers):
        said = [labels.t("sens.ranking_partial", lang, measure=measure, metric=metric_name, order=order)]
    else:
        said = [labels.t("sens.ranking", lang, measure=measure, metric=metric_name, order=order)]
    if hidden:
        threshold = f"{sens.NEGLIGIBLE:g}" if sobol else labels.t("sens.of_largest", lang,
                                                                  pct=labels.percent(sens.NEGLIGIBLE, 0))
        said.append(labels.t("sens.negligible", lang, names=_join([fname[i] for i in hidden], lang),
                             measure=measure, threshold=threshold, metric=metric_name))
    warnings: list[str] = []
    for p in v["problems"]:
        if p["kind"] == "overlap":
            a, b = p["factors"]
            warnings.append(labels.t("sens.w_overlap", lang, measure=measure, a=fname[a], b=fname[b],
                                     a_value=_score_text(result, a, metric, lang),
                                     b_value=_score_text(result, b, metric, lang),
                                     a_ci=_interval_text(result, a, metric, lang),
                                     b_ci=_interval_text(result, b, metric, lang)))
        elif p["kind"] == "first_exceeds_total":
            warnings.append(labels.t("sens.w_first_exceeds", lang, factor=fname[p["factor"]], first=f"{p['first']:.3f}",
                                     total_hi=f"{p['total_high']:.3f}", gap=f"{p['excess']:.3f}"))
        elif p["kind"] == "negative":
            warnings.append(labels.t("sens.w_negative", lang, factor=fname[p["factor"]],
                                     which=labels.t("sens.which_first" if p["index"] == "first_order"
                                                    else "sens.which_total", lang),
                                     value=f"{p['value']:.3f}", ci=_ci(p["interval"]), gap=f"{-p['value']:.3f}"))
        elif p["kind"] == "no_interval":
            warnings.append(labels.t("sens.w_no_interval", lang, names=_join([fname[i] for i in p["factors"]], lang)))
    for a, b in v["ties"]:
        warnings.append(labels.t("sens.ties", lang, a=fname[a], b=fname[b]))
    if v["suggested"] is not None:
        evaluations = v["suggested"] * (d + 2 if sobol else d + 1)
        warnings.append(labels.t("sens.need_n" if sobol else "sens.need_r", lang, n=f"{v['size']:,}",
                                 needed=f"{v['suggested']:,}", evaluations=f"{evaluations:,}"))
    elif v.get("impractical"):
        warnings.append(labels.t("sens.impractical", lang, n=f"{v['size']:,}"))
    elif warnings and not v["ties"] and "no_interval" not in kinds:
        warnings.append(labels.t("sens.still_ranked", lang))
    return said, warnings


def sensitivity_section(result: dict, spec: dict, lang: str) -> HTML:
    """The ranking in words (only as far as the intervals support it), any warning, a bar chart of the
    indices with their intervals, the table and how they were estimated."""
    said, warnings = sensitivity_verdict(result, spec, lang)
    metric = spec["metric"]
    sobol = result["method"] == "sobol"
    order = sens.separability(result)["order"]
    rows = []
    for i in order:
        f = name(result["factors"][i], lang)
        if sobol:
            rows.append((f, _num(result["first_order"][i]), _ci(result["first_order_ci"][i]),
                         _num(result["total_order"][i]), _ci(result["total_order_ci"][i])))
        else:
            rows.append((f, show(result["mu_star"][i], metric, lang), _interval_text(result, i, metric, lang),
                         show(result["mu"][i], metric, lang), show(result["sigma"][i], metric, lang)))
    ci = labels.t("sens.ci", lang)
    headers = ([labels.t("sens.factor", lang), labels.t("sens.first", lang), ci, labels.t("sens.total", lang), ci]
               if sobol else [labels.t("sens.factor", lang), labels.t("sens.mu_star", lang),
                              labels.t("sens.mu_star_ci", lang), labels.t("sens.mu", lang),
                              labels.t("sens.sigma", lang)])
    d = len(result["factors"])
    size = result.get("n" if sobol else "trajectories") or result["evaluations"] // (d + 2 if sobol else d + 1)
    method = labels.t(f"sens.method_{result['method']}", lang, n=f"{size:,}", evaluations=f"{result['evaluations']:,}")
    return HTML(render("explore/sensitivity.html.j2", said=said, warning_heading=labels.t("sens.warning", lang),
                       warnings=warnings, chart=_sensitivity_chart(result, spec, order, lang),
                       alt=labels.t("sens.title", lang), headers=headers, rows=rows, method=method))


def _sensitivity_chart(result: dict, spec: dict, order: list[int], lang: str) -> str:
    """The indices as horizontal bars with their intervals, largest first, as a data: URI."""
    factors = [result["factors"][i] for i in order]
    metric = spec["metric"]
    with style():
        fig = Figure(figsize=(8, 1.0 + 0.5 * len(factors)), layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(factors))
        if result["method"] == "sobol":
            bars = (("first_order", labels.t("sens.first", lang), "#4292c6"),
                    ("total_order", labels.t("sens.total", lang), "#08306b"))
            for k, (key, bar_name, colour) in enumerate(bars):
                values = np.array([np.nan if result[key][i] is None else result[key][i] for i in order])
                ci = np.array([[np.nan, np.nan] if c is None or None in c else c
                               for c in (result[key + "_ci"][i] for i in order)], dtype=float).reshape(-1, 2)
                err = np.abs(np.vstack([values - ci[:, 0], ci[:, 1] - values]))
                ax.barh(y + (k - 0.5) * 0.4, values, 0.4, xerr=err, color=colour, label=bar_name, capsize=3)
            ax.set_xlabel(plain(labels.t("sens.axis_sobol", lang)))
        else:
            values = np.array([np.nan if result["mu_star"][i] is None else result["mu_star"][i] for i in order])
            err = np.array([np.nan if result["mu_star_ci"][i] is None else result["mu_star_ci"][i] for i in order])
            ax.barh(y, values, 0.5, xerr=err, color="#08306b", capsize=3, label=labels.t("sens.mu_star", lang))
            ax.set_xlabel(plain(labels.t("sens.axis_morris", lang, metric=label(metric, lang))))
        ax.set_yticks(y, [plain(name(f, lang)) for f in factors])
        ax.invert_yaxis()
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.set_title(plain(name(metric, lang)), fontsize=9)
        return figure_uri(fig)


def sensitivity_names(spec: dict, lang: str) -> HTML:
    """The dotted names of the factors and of the metric, and any overrides."""
    notes = [(labels.t("brief.overrides", lang), " ".join(spec["overrides"]))] if spec.get("overrides") else []
    return names_list([v["key"] for v in spec["vary"]] + [spec["metric"]], lang, notes)


def _num(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def _ci(c) -> str:
    return "—" if c is None or None in c else f"[{c[0]:.3f}, {c[1]:.3f}]"
