"""The pieces of a zone brief, as HTML the notebook displays.

Every function takes a :class:`simlib.scenario.ScenarioRun` and returns an
``IPython.display.HTML``.  The functions here compute what a brief says: the
words come from :mod:`simlib.brief.labels`, every sentence of the findings is
filled in from the run's metrics, and charts are drawn with
:mod:`simlib.brief.charts` (PNG images embedded as ``data:`` URIs, so the brief is
one file).  The markup comes from the Jinja2 templates in ``templates/zone/``
(:mod:`simlib.brief.html`), which escape every value: text from a scenario file is
shown as text and never interpreted.

:func:`section` shows any model of the registry: revenue, salary, land and zone have
sections of their own (:data:`SECTIONS`); any other model (one a plugin adds) gets
:func:`generic_section`, its title and tables of its metrics.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from simlib import models
from simlib.brief import labels
from simlib.brief.charts import fan_chart, figure_uri, plain, style
from simlib.brief.headlines import headlines, label, show
from simlib.brief.html import render
from simlib.brief.labels import money, percent, wan
from simlib.scenario import ScenarioRun


def _lang(run: ScenarioRun) -> str:
    return run.scenario.params.meta.language


def _html(template: str, **context: object) -> HTML:
    return HTML(render(template, **context))


# -- document parts ------------------------------------------------------------


def _named(run: ScenarioRun, name: object) -> str:
    """A name the scenario gives in Chinese (a grade, post, place): in an English brief followed by its
    translation from ``meta.glossary`` when the scenario gives one (``优秀 (excellent)``)."""
    text = "" if name is None else str(name)
    english = run.scenario.params.meta.glossary.get(text) if _lang(run) == "en" else None
    return f"{text} ({english})" if english else text


def header(run: ScenarioRun) -> HTML:
    sc, lang = run.scenario, _lang(run)
    meta = sc.params.meta
    place = "brief.zone_cadre" if _cadre(run) else "brief.zone"  # a cadre appraisal's place is no zone
    rows = [(labels.t(place, lang), _named(run, meta.zone), False), (labels.t("brief.scenario", lang), sc.path.name, True)]
    if sc.overrides:
        rows.append((labels.t("brief.overrides", lang), "; ".join(sc.overrides), True))
    names = sorted((zh, en) for zh, en in meta.glossary.items() if zh not in (meta.title, meta.zone)) \
        if lang == "en" else []  # the title and zone are translated where they stand
    text = meta.description.get(lang) or next(iter(meta.description.values())) \
        if isinstance(meta.description, dict) else meta.description
    description = _cites(text, {}) if text else None
    return _html("zone/header.html.j2", title=meta.title, facts=rows, description=description,
                 title_en=meta.glossary.get(meta.title) if lang == "en" else None,
                 names_label=labels.t("brief.names", lang), names=names,
                 bottom_heading=labels.t("bottom.heading", lang), bottom=bottom_line(run))


# -- the bottom line -----------------------------------------------------------

#: The sharing rule's levers the bottom line tries, each moved by 10% (up, or down where up is not allowed).
SHARING_LEVERS = ("zone_share", "floor", "cap", "excess_return")
#: Paths of the revenue runs that measure the levers (the same seed: common random numbers).
LEVER_PATHS = 4000
#: Between two sentences of one paragraph.
_SEP = {"zh": "", "en": " "}
#: An adverse outcome less likely than this is not "the main risk".
RISK_FLOOR = 0.05


def bottom_line(run: ScenarioRun) -> list[str]:
    """Two to four sentences for the top of the brief, each filled in from the run: with revenue, what the
    rule pays each side, the zone's incentive, the main risk and the lever that matters most; with land
    alone, the pipeline, the main risk and the reverse question's answer; with salary alone, the
    incentive and the main risk."""
    lang, data = _lang(run), run.data
    out: list[str] = []
    if "revenue" in data:
        m, sharing = data["revenue"], run.scenario.params.revenue.sharing
        years = m["years"]
        topup = m["county_topup_total_mean"]
        split = labels.t("bottom.split" if money(topup, lang) != money(0.0, lang) else "bottom.split_no_topup", lang,
                         y0=years[0], y1=years[-1], tax=money(m["tax_total_mean"], lang),
                         payout=money(m["zone_payout_total_mean"], lang), topup=money(topup, lang),
                         net=money(m["county_net_total_mean"], lang), share=f"{sharing.first_share:.2f}",
                         flat=money(m["flat_split_payout_total_mean"], lang))
        if "zone" in data:
            z = data["zone"]
            support = sum(z["county_support_mean"])
            after = sum(z["county_net_mean"]) - support
            key = "bottom.split_zone" if money(support, lang) != money(0.0, lang) else "bottom.split_zone_none"
            if after < 0:  # the county pays more than the zone's tax brings it
                key += "_out"
            split += _SEP[lang] + labels.t(key, lang, support=money(support, lang), after=money(abs(after), lang))
        out.append(split)
        if max(m["marginal_retention_mean"]) == 0.0 and sharing.cap is not None and sharing.floor == sharing.cap:
            out.append(labels.t("bottom.no_margin", lang, floor=money(sharing.floor, lang)))
        else:
            dynamic = _ratchets(run)
            avg = m["marginal_retention_dynamic_lasting"] if dynamic else m["marginal_retention_overall"]
            out.append(labels.t("bottom.margin", lang, avg=f"{avg:.2f}", share=f"{sharing.first_share:.2f}"))
    elif "land" in data:
        m = data["land"]
        out.append(labels.t("bottom.land", lang, y0=m["years"][0], y1=m["years"][-1],
                            signed=_land_count(sum(m["signed"])), producing=_land_count(sum(m["producing"])),
                            unserved=percent(m["unserved_share"])))
    if "salary" in data and "revenue" not in data:
        m, p = data["salary"], run.scenario.params.salary
        share = percent(m["incentive_per_sd"] / p.pay.standard_amount) if p.pay.standard_amount > 0 else "—"
        out.append(labels.t("bottom.salary", lang, staff=m["staff"], incentive=wan(m["incentive_per_sd"], lang),
                            share=share))
    out.append(_main_risk(run, lang))
    if "revenue" in data:
        out.append(_main_lever(run, lang))
    elif "land" in data and data["land"].get("reverse"):
        out.extend(land_findings(run)[-1:])  # the reverse question answers "what would it take"
    return out


def _main_risk(run: ScenarioRun, lang: str) -> str:
    """The first adverse outcome, in the order a county finance bureau weighs them (its own money first:
    support to the zone's cash, then floor top-ups; then land and projects; then appraisal), that is at
    least :data:`RISK_FLOOR` likely."""
    data, risks = run.data, []
    if "zone" in data:
        z = data["zone"]
        risks.append((z["p_cash_short_ever"], "bottom.risk_support",
                      dict(support=money(sum(z["county_support_mean"]), lang))))
    if "revenue" in data and data["revenue"]["county_topup_total_mean"] > 0:
        m = data["revenue"]
        risks.append((_mean(m["p_floor_binds"]), "bottom.risk_floor", dict(topup=money(m["county_topup_total_mean"], lang))))
    if "land" in data:
        m = data["land"]
        if m["p_land_exhausted"] is not None:
            risks.append((m["p_land_exhausted"], "bottom.risk_land", {}))
        risks.append((m["lost_share"], "bottom.risk_lost", {}))
    if "salary" in data:
        scope = run.scenario.params.salary.appraisal.scope
        risks.append((data["salary"]["misordered_pairs"], "bottom.risk_misorder",
                      dict(within=_salary_words(run)(f"salary.within_{scope}"))))
    for p, key, fields in risks:
        if p is not None and p >= RISK_FLOOR:
            return labels.t("bottom.risk", lang, risk=labels.t(key, lang, p=percent(p), **fields))
    return labels.t("bottom.risk_none", lang, floor=percent(RISK_FLOOR, 0))


def lever_effects(run: ScenarioRun, paths: int = LEVER_PATHS) -> tuple[dict[str, tuple[float, float, float]], float]:
    """Each sharing lever the scenario sets, moved by 10%: ``({lever: (old value, new value, change of the
    zone's total payout, 亿元)}, the total payout they are measured from)`` on ``paths`` paths of the
    revenue model with the scenario's seed (common random numbers).  A lever is moved up unless that
    breaks the rule's constraints (a share above 1, a floor above the cap), then down; a lever at 0,
    unset or replaced by brackets or periods is left out (a rule with periods: none is tried).
    """
    from simlib.scenario import ScenarioError
    from simlib.scenario import run as run_scenario

    rev = run.scenario.params.revenue
    sharing = rev.sharing
    if sharing.periods:
        return {}, 0.0
    base_sc = run.scenario.with_values({"revenue.paths": min(paths, rev.paths)}, origin="bottom line")
    base = run_scenario(base_sc, sections=["revenue"]).data["revenue"]["zone_payout_total_mean"]
    out = {}
    for lever in SHARING_LEVERS:
        value = getattr(sharing, lever)
        if not value or (lever == "zone_share" and sharing.brackets):
            continue
        for factor in (1.1, 0.9):
            try:
                moved = base_sc.with_values({f"revenue.sharing.{lever}": value * factor}, origin="bottom line")
            except ScenarioError:
                continue
            payout = run_scenario(moved, sections=["revenue"]).data["revenue"]["zone_payout_total_mean"]
            out[lever] = (value, value * factor, payout - base)
            break
    return out, base


def _main_lever(run: ScenarioRun, lang: str) -> str:
    sharing = run.scenario.params.revenue.sharing
    if sharing.periods or sharing.brackets:
        return labels.t("bottom.lever_untested", lang)
    effects, payout = lever_effects(run)
    if not effects:
        return labels.t("bottom.lever_none", lang)
    lever, (old, new, change) = max(effects.items(), key=lambda kv: abs(kv[1][2]))
    if money(abs(change), lang) == money(0.0, lang):
        return labels.t("bottom.lever_none", lang)
    value = f"{old:.2f}" if lever in ("zone_share", "excess_return") else money(old, lang)
    text = labels.t("bottom.lever", lang, lever=labels.t(f"bottom.lever.{lever}", lang), value=value,
                    direction=labels.t("bottom.up" if new > old else "bottom.down", lang),
                    change=labels.t("bottom.raises" if change > 0 else "bottom.lowers", lang),
                    amount=money(abs(change), lang), pct=percent(abs(change) / abs(payout)) if payout else "—",
                    county=labels.t("bottom.county_down" if change > 0 else "bottom.county_up", lang))
    still = [k for k, (_, _, c) in effects.items() if money(abs(c), lang) == money(0.0, lang)]
    if "zone_share" in still:  # the nominal share that does nothing is worth saying
        text += _SEP[lang] + labels.t("bottom.still", lang, levers=labels.t("bottom.lever.zone_share", lang))
    return text


def key_numbers(run: ScenarioRun) -> HTML:
    """Three to five headline figures, spread over the models the scenario uses."""
    lang = _lang(run)
    keys = []
    for section, h, value in headlines(run.metrics, limit=5):
        if section == "revenue" and h.metric == "marginal_retention_overall" and _ratchets(run):
            # the base moves with the tax: the static figure overstates the incentive (鞭打快牛)
            keys.append((show(run.data["revenue"]["marginal_retention_dynamic_oneoff"], h.kind, lang),
                         labels.t("revenue.key_dynamic", lang)))
        else:
            keys.append((show(value, h.kind, lang), label(h, run.metrics[section], lang)))
    return _html("zone/key_numbers.html.j2", heading=labels.t("brief.key_numbers", lang), keys=keys)


def findings(run: ScenarioRun) -> HTML:
    """The sentences of every model the run has that writes findings (a generic model writes none)."""
    lang = _lang(run)
    sentences = [s for name in run.metrics if name in FINDINGS for s in FINDINGS[name](run)]
    return _html("zone/findings.html.j2", heading=labels.t("brief.findings", lang), sentences=sentences)


def revenue_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["revenue"]
    sharing = run.scenario.params.revenue.sharing
    years = m["years"]
    y0, y1 = years[0], years[-1]
    fixed = money(m["zone_payout_total_p05"], lang) == money(m["zone_payout_total_p95"], lang)
    out = [
        labels.t("revenue.f_totals_fixed" if fixed else "revenue.f_totals", lang, y0=y0, y1=y1,
                 total=money(m["zone_payout_total_mean"], lang),
                 lo=money(m["zone_payout_total_p05"], lang), hi=money(m["zone_payout_total_p95"], lang),
                 topup=money(m["county_topup_total_mean"], lang), pooled=money(m["pooled_total_mean"], lang)),
        labels.t("revenue.f_binds", lang, y0=y0, y1=y1,
                 floor=percent(_mean(m["p_floor_binds"])), floor0=percent(m["p_floor_binds"][0]),
                 floor1=percent(m["p_floor_binds"][-1]),
                 cap=percent(_mean(m["p_cap_binds"])), cap0=percent(m["p_cap_binds"][0]),
                 cap1=percent(m["p_cap_binds"][-1])),
    ]
    marginal = m["marginal_retention_mean"]
    margin = dict(avg=f"{m['marginal_retention_overall']:.3f}", lo=f"{min(marginal):.3f}",
                  hi=f"{max(marginal):.3f}", share=f"{sharing.first_share:.2f}")
    if max(marginal) == 0.0 and sharing.cap is not None and sharing.floor == sharing.cap:
        out.append(labels.t("revenue.f_zero_margin", lang, floor=money(sharing.floor, lang)))
    elif _ratchets(run):
        out.append(labels.t("revenue.f_margin_ratchet", lang, **margin,
                            oneoff=f"{m['marginal_retention_dynamic_oneoff']:.3f}",
                            lasting=f"{m['marginal_retention_dynamic_lasting']:.3f}"))
    else:
        out.append(labels.t("revenue.f_margin", lang, **margin))
    out.append(_county_view(m, sharing.first_share, lang))
    out += [labels.t("revenue.f_target", lang, **fields) for fields in _targets(run, lang)]
    return out


def _ratchets(run: ScenarioRun) -> bool:
    """Whether the base moves with the tax (re-set or grown), so a yuan earned now raises later bases."""
    s = run.scenario.params.revenue.sharing
    return s.base_reset_years is not None or s.base_growth != 0.0


def _county_view(m: dict, share: float, lang: str) -> str:
    """What the county keeps, and the zone's payout against a plain split of the increment."""
    diff = m["zone_payout_total_mean"] - m["flat_split_payout_total_mean"]
    amount = money(abs(diff), lang)
    if amount == money(0.0, lang):
        difference = labels.t("revenue.diff_same", lang)
    else:
        difference = labels.t("revenue.diff_more" if diff > 0 else "revenue.diff_less", lang, amount=amount)
    years = m["years"]
    return labels.t("revenue.f_county", lang, y0=years[0], y1=years[-1], net=money(m["county_net_total_mean"], lang),
                    tax=money(m["tax_total_mean"], lang), topup=money(m["county_topup_total_mean"], lang),
                    pooled=money(m["pooled_total_mean"], lang), payout=money(m["zone_payout_total_mean"], lang),
                    flat=money(m["flat_split_payout_total_mean"], lang), share=f"{share:.2f}", diff=difference)


_MONEY_SERIES = ("tax", "zone_payout")


def _targets(run: ScenarioRun, lang: str) -> list[dict[str, str]]:
    """The run's targets (none when the metrics have no ``targets``), each as the texts a brief shows."""
    rev = run.scenario.params.revenue
    units = {x.name: x.unit for x in (getattr(rev, "series", None) or []) if getattr(x, "name", None)}
    out = []
    for tg in run.data["revenue"].get("targets") or []:
        series = tg["series"]
        key = f"revenue.series_{series}"
        name = labels.t(key, lang) if key in labels.LABELS else series
        if series in _MONEY_SERIES or units.get(series) == "亿元":
            value = money(tg["value"], lang)
        else:
            value = f"{tg['value']:,.6g}" + (f" {units[series]}" if units.get(series) else "")
        out.append(dict(series=name, year=tg["year"], value=value, p=percent(tg["probability"], 0),
                        lo=percent(tg["ci_low"], 0), hi=percent(tg["ci_high"], 0)))
    return out


def _rule_chart(run: ScenarioRun, lang: str) -> tuple[str, str] | None:
    """The rule in force in the first reported year as a curve (payout against tax, that year's mean
    base) over that year's tax distribution, with the base, the brackets, the floor and the cap
    marked: (data URI, caption), or None without a revenue result."""
    rev = run.scenario.params.revenue
    result = run.results.get("revenue")
    if result is None:
        return None
    from simlib.models.revenue import general_split

    rule = rev.year_rules()[rev.start_year - rev.base_year - 1]
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    year = int(result.years[0])
    tax = np.asarray(result.tax[:, 0], dtype=float)
    base = float(np.mean(result.base[:, 0]))  # the rule's own base (retained_share × B when it applies)
    retained = getattr(getattr(rev, "tax_basis", None), "retained_share", 1.0)
    hi = float(np.quantile(tax, 0.99))  # extended past the base when nearly every path is below it
    hi = max(hi, 1.05 * base / retained if retained > 0 else hi) or 1.0
    x = np.linspace(0.0, hi, 400)
    payout = general_split(retained * x, np.full_like(x, base), rule).payout
    s = rule
    with style():
        fig = Figure(figsize=(10, 4.2))
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        top.plot(x, payout, color="C0", lw=2, label=t("revenue.payout"))
        top.axvline(base / retained if retained > 0 else base, color="0.4", ls="--", lw=1,
                    label=f"{t('revenue.base')} {money(base, lang)}")
        for above in s.above[1:]:  # where a higher bracket's share starts, in tax
            top.axvline((base + above) / retained if retained > 0 else base + above, color="0.6", ls=":", lw=1)
        top.axhline(s.floor, color="C2", ls=":", lw=1.2, label=f"{t('revenue.floor')} {money(s.floor, lang)}")
        if s.cap is not None:
            top.axhline(s.cap, color="C3", ls="-.", lw=1.2, label=f"{t('revenue.cap')} {money(s.cap, lang)}")
        top.set_ylabel(t("revenue.money_unit"))
        low, high = top.get_ylim()  # from zero: a payout fixed by floor = cap reads as a level, not noise
        top.set_ylim(min(0.0, low), max(high, 1.1 * float(np.max(payout))))
        top.set_title(t("revenue.rule_title"))
        top.grid(alpha=0.3)
        top.legend(loc="upper left", frameon=False)
        shown = tax[tax <= hi]
        bottom.hist(shown, bins=40, range=(0.0, hi), weights=np.full(shown.size, 1.0 / tax.size), color="C0", alpha=0.5)
        bottom.set_ylabel(t("revenue.rule_paths"))
        bottom.set_xlabel(t("revenue.rule_tax", year=year))
        bottom.set_xlim(0.0, hi)
        bottom.grid(alpha=0.3)
        uri = figure_uri(fig)
    return uri, t("revenue.rule_caption", year=year, base=money(base, lang))


def revenue_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["revenue"]
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    with style():
        fig = Figure(figsize=(10, 3.6))
        axes = fig.subplots(1, 2, sharex=True)
        for ax, series, title in zip(axes, ("tax", "zone_payout"), (t("revenue.tax"), t("revenue.payout"))):
            fan_chart(ax, years, m["fan"][series], lang)
            ax.set_title(title)
            ax.set_xlabel(t("revenue.year"))
            ax.set_ylabel(t("revenue.money_unit"))
            ax.grid(alpha=0.3)
            low, high = ax.get_ylim()  # from zero, so a fixed payout reads as a level rather than noise
            ax.set_ylim(min(0.0, low), high)
        axes[0].legend(loc="upper left", frameon=False)
        chart = figure_uri(fig)
    rows = [
        (y, f"{tax:.2f}", f"{pay:.2f}", f"{top:.2f}", f"{pool:.2f}", percent(pf), percent(pc), f"{mr:.3f}")
        for y, tax, pay, top, pool, pf, pc, mr in zip(
            years, m["tax_mean"], m["zone_payout_mean"], m["county_topup_mean"], m["pooled_mean"],
            m["p_floor_binds"], m["p_cap_binds"], m["marginal_retention_mean"])
    ]
    unit = t("revenue.money_unit")
    headers = [t("revenue.year"), f"{t('revenue.tax')} ({unit})", f"{t('revenue.payout')} ({unit})",
               f"{t('revenue.topup')} ({unit})", f"{t('revenue.pooled')} ({unit})",
               t("revenue.p_floor"), t("revenue.p_cap"), t("revenue.marginal")]
    rule = _rule_chart(run, lang)
    targets = _targets(run, lang)
    target_headers = [t("revenue.t_series"), t("revenue.year"), t("revenue.t_value"), t("revenue.t_probability"),
                      t("revenue.t_interval")]
    target_rows = [(x["series"], x["year"], x["value"], x["p"], f"{x['lo']}–{x['hi']}") for x in targets]
    return _html("zone/revenue.html.j2", title=t("revenue.title"), chart=chart,
                 alt=f"{t('revenue.tax')} / {t('revenue.payout')}",
                 caption=t("revenue.fan_caption", paths=f"{m['paths']:,}"),
                 rule_chart=rule[0] if rule else None, rule_alt=t("revenue.rule_title"),
                 rule_caption=rule[1] if rule else "",
                 headers=headers, rows=rows, table_caption=t("revenue.table_caption"),
                 target_headers=target_headers, target_rows=target_rows,
                 targets_caption=t("revenue.targets_caption"))


# -- salary ------------------------------------------------------------------------


def _cadre(run: ScenarioRun) -> bool:
    """A brief about cadre appraisal: salary is its only model and the appraisal is an index
    (Shouning's N-dimension index of cadres, seed 004)."""
    salary = run.scenario.params.salary
    return list(run.metrics) == ["salary"] and salary is not None and salary.appraisal.method == "index"


def _salary_words(run: ScenarioRun) -> Callable[..., str]:
    """``t(key, **fields)`` for the salary parts in the brief's language; a brief about cadre
    appraisal (:func:`_cadre`) says so: a ``key_cadre`` label, where there is one, replaces ``key``."""
    lang, cadre = _lang(run), _cadre(run)

    def t(key: str, **fields: object) -> str:
        if cadre and f"{key}_cadre" in labels.LABELS:
            key = f"{key}_cadre"
        return labels.t(key, lang, **fields)

    return t


def _share(x: float) -> str:
    """A share as a percentage, whole when it is whole (20%), else to a tenth (12.5%)."""
    return percent(x, 0 if abs(x * 100 - round(x * 100)) < 1e-6 else 1)


def _pct(x: float | None) -> str:
    return "—" if x is None else percent(x)


def _coef(x: float) -> str:
    """A coefficient: 1.0, 1.1, 1.05."""
    s = f"{x:.2f}"
    return s[:-1] if s.endswith("0") else s


def _people(x: float | None) -> str:
    """People a round: whole when whole (11), else to a tenth (5.3)."""
    if x is None:
        return "—"
    return f"{round(x):,}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def salary_scenario_point(m: dict) -> tuple[float, float | None, float | None, float | None]:
    """The scenario's point on the misranking chart, from the metrics' ``misrank_curve``: (reliability
    of the final score, share of pairs graded in the wrong order, its 5th and 95th percentile over
    rounds) — the key number ``misordered_pairs`` and its range, at the score's derived reliability."""
    c = m["misrank_curve"]
    return c["scenario_reliability"], c["scenario_misordered"], c["scenario_range"]["low"], c["scenario_range"]["high"]


def _score_how(p, t: Callable[..., str]) -> str:
    """How the final score is made, for the reliability sentence: one score, two parts or an index."""
    a = p.appraisal
    if a.method == "objective_subjective":
        return t("salary.how_two_part", w=f"{a.objective_weight:.2f}", w2=f"{1 - a.objective_weight:.2f}",
                 ro=f"{a.objective_reliability:.2f}", rs=f"{a.subjective_reliability:.2f}",
                 shares="/".join(_share(s) for s in a.subjective_shares))
    if a.method == "index":
        total = sum(d.weight for d in a.dimensions)
        dims = t("salary.rule_and").join(
            t("salary.how_dimension", name=d.name, weight=_share(d.weight / total), r=f"{d.reliability:.2f}")
            for d in a.dimensions)
        corr = t("salary.how_corr", c=f"{a.dimension_correlation:.2f}") if a.dimension_correlation else ""
        return t("salary.how_index", n=len(a.dimensions), dims=dims, corr=corr)
    return t("salary.how_single")


def _link(p, m: dict, lang: str, t: Callable[..., str]) -> str | None:
    """The linked rule's sentence when it moved the company's grade, with the company's pay before and after."""
    park = p.park
    asked = park.company_grade or park.committee_grade if park is not None else None
    if park is None or m["company_grade"] in (None, asked):
        return None
    fields = dict(committee=park.committee_grade, asked=asked, company=m["company_grade"])
    row = next((u for u in m["by_unit"] if u["unit"] == "company"), None)
    if row is None or row["performance_pay_mean"] is None or row["performance_pay_mean_unlinked"] is None:
        return t("salary.f_link_no_staff", **fields)
    before = park.grades[park.rank(asked)].coefficient
    return t("salary.f_link", **fields, before=wan(row["performance_pay_mean_unlinked"], lang),
             after=wan(row["performance_pay_mean"], lang), c_after=_coef(row["park_coefficient"]),
             c_before=_coef(before))


def salary_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["salary"]
    p = run.scenario.params.salary
    a = p.appraisal
    t = _salary_words(run)
    ranges = m["ranges"]
    out = []
    if m["misordered_pairs"] is not None:
        r = ranges["misordered_pairs"]
        zone = ""
        if a.scope == "department" and m["misordered_pairs_zone"] is not None:
            zone = t("salary.f_misordered_zone", group=t("salary.group_department"),
                     zone=_pct(m["misordered_pairs_zone"]))
        out.append(t("salary.f_misordered", rounds=f"{m['rounds']:,}", within=t(f"salary.within_{a.scope}"),
                     pair=t("salary.pair"), pairs=_pct(m["misordered_pairs"]), lo=_pct(r["low"]), hi=_pct(r["high"]),
                     zone=zone))
    rel = m["score_reliability"]
    out.append(t("salary.f_reliability", r=f"{rel:.2f}", how=_score_how(p, t),
                 oracle=percent(float(np.arccos(np.sqrt(rel)) / np.pi))))
    out.append(t("salary.f_top", top=a.quotas[0].grade, precision=_pct(m["top_quota_precision"]),
                 group=t(f"salary.group_of_{a.scope}"), above=_pct(m["misrank_above_median"]),
                 tau=f"{m['kendall_tau']:.2f}" if m["kendall_tau"] is not None else "—"))
    r = ranges["incentive_per_sd"]
    out.append(t("salary.f_incentive", extra=wan(m["incentive_per_sd"], lang), lo=wan(r["low"], lang),
                 hi=wan(r["high"], lang), standard=wan(p.pay.standard_amount, lang),
                 ratio=percent(m["incentive_per_sd"] / p.pay.standard_amount) if p.pay.standard_amount > 0 else "—"))
    out.append(t("salary.f_spread", people=t("salary.people", n=f"{m['staff']:,}"), gini=f"{m['gini']:.3f}",
                 ratio=f"{m['p90_p10']:.2f}" if m["p90_p10"] is not None else "—"))
    if p.pay.pool_mode == "standard":  # in exact mode every pool is spent to the yuan by construction
        out.append(t("salary.f_budget", spent=wan(m["performance_pay_total"], lang), pool=wan(m["pool"], lang),
                     share=_pct(m["pool_allocated_share"]), park=t("salary.times_park") if p.park else ""))
    link = _link(p, m, lang, t)
    if link is not None:
        out.append(link)
    if m["exempt_staff"] > 0:
        e = m["exempt"]
        people = t("salary.people", n=f"{m['exempt_staff']:,}")
        out.append(t("salary.f_exempt_hidden", people=people) if e["hidden"] else
                   t("salary.f_exempt", people=people, mean=wan(e["mean"], lang), p10=wan(e["p10"], lang),
                     p90=wan(e["p90"], lang)))
    e = p.elimination
    if e is not None:
        once = "_once" if e.consecutive == 1 else ""
        if m["flagged_bottom"]:
            people = t("salary.people", n=f"{m['flagged_bottom']:.1f}")  # people a round, a mean over rounds
            out.append(t(f"salary.f_flagged{once}", years=e.years, **({} if once else {"k": e.consecutive}),
                         people=people, precision=_pct(m["flagged_truly_bottom_share"])))
        else:
            out.append(t(f"salary.f_flagged_none{once}", years=e.years, **({} if once else {"k": e.consecutive})))
    return out


def _grade_rule(p, k: int, t: Callable[..., str]) -> str:
    """Grade ``k``'s rule as the zone writes it: an exact share, a cap (≤ 20%), a minimum score
    (≥ 85 分), both, or the rest; the top grade adds a rated department's own share."""
    a = p.appraisal
    q = a.quotas[k]
    if q.share is not None:
        text = _share(q.share)
    else:
        parts = []
        if q.max_share is not None:
            parts.append(t("salary.rule_cap", share=_share(q.max_share)))
        if q.min_score is not None:
            parts.append(t("salary.rule_min", score=f"{q.min_score:g}"))
        text = t("salary.rule_and").join(parts) if parts else t("salary.rule_rest")
    if k == 0 and p.department_grades:
        for g in p.department_grades:
            if g.top_grade_share is not None:
                share = _share(g.top_grade_share)
                text += t("salary.rule_unit_top", grade=g.grade, group=t("salary.group_department"),
                          share=share if q.share is not None else t("salary.rule_cap", share=share))
    return text


def salary_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["salary"]
    p = run.scenario.params.salary
    t = _salary_words(run)
    unit = t("salary.pay_unit")
    exempt = m["exempt"] if m["exempt_staff"] > 0 else None

    with style():
        fig = Figure(figsize=(10, 3.8))
        ax1, ax2 = fig.subplots(1, 2)
        shown = [(r["grade"], r["total_pay"]) for r in m["by_grade"] if not r["total_pay"]["hidden"]]
        if exempt is not None and not exempt["hidden"]:
            shown.append((t("salary.exempt_short"), exempt))
        ys = np.arange(len(shown))
        for y, (_, tp) in zip(ys, shown):
            ax1.plot([tp["p10"], tp["p90"]], [y, y], color="#4292c6", lw=6, solid_capstyle="butt")
            ax1.plot(tp["p50"], y, "o", color="#08306b")
        ax1.set_yticks(ys, [plain(name) for name, _ in shown])
        ax1.invert_yaxis()
        ax1.set_xlabel(unit)
        ax1.set_title(t("salary.pay_chart"))
        ax1.grid(alpha=0.3, axis="x")
        c = m["misrank_curve"]
        if c is not None:
            r = np.linspace(min(c["reliability"]), max(c["reliability"]), 200)  # the oracle is a formula: drawn smooth
            ax2.plot(r, np.arccos(np.sqrt(r)) / np.pi, color="#999", lw=1.5, label=t("salary.oracle"))
            ax2.plot(c["reliability"], c["misordered_simulated"], "o-", ms=4, color="#08306b",
                     label=t("salary.simulated"))
            ax2.plot(c["reliability"], c["top_grade_not_truly_top"], "s--", ms=4, color="#c44e52",
                     label=t("salary.wrong_top"))
            x, y, lo, hi = salary_scenario_point(m)
            if y is not None:
                err = None if lo is None or hi is None else [[max(y - lo, 0.0)], [max(hi - y, 0.0)]]
                ax2.errorbar([x], [y], yerr=err, fmt="D", ms=7, color="#e6550d", ecolor="#e6550d", capsize=4,
                             zorder=5, label=t("salary.this_scenario", rounds=f"{m['rounds']:,}"))
        ax2.set_xlabel(t("salary.reliability"), fontsize=8)
        ax2.set_ylabel(t("salary.share_axis"), fontsize=8)
        ax2.set_title(t("salary.curve_chart"))
        ax2.set_ylim(0, None)
        ax2.legend(frameon=False, fontsize=7)
        ax2.grid(alpha=0.3)
        fig.tight_layout()
        chart = figure_uri(fig)

    hidden = t("salary.hidden")

    def cell(summary: dict, key: str) -> str:
        return hidden if summary["hidden"] else f"{summary[key]:.2f}"

    def count(summary: dict) -> str:
        return hidden if summary["hidden"] else _people(summary["count"])

    grade_rows = [(_named(run, r["grade"]), _grade_rule(p, k, t), percent(r["share"]), f"{r['coefficient']:.2f}",
                   count(r["total_pay"]), cell(r["total_pay"], "p50"), cell(r["performance_pay"], "p50"))
                  for k, r in enumerate(m["by_grade"])]
    if exempt is not None:
        grade_rows.append((t("salary.exempt_row"), t("salary.exempt_rule"), "—", "—",
                           _people(m["exempt_staff"]), cell(exempt, "p50"), "—"))
    grades = dict(
        headers=[t("salary.grade"), t("salary.rule"), t("salary.realised"), t("salary.coefficient"),
                 t("salary.count_round"), f"{t('salary.p50')} ({unit})", f"{t('salary.perf_median')} ({unit})"],
        rows=grade_rows, caption=t("salary.grade_caption", rounds=f"{m['rounds']:,}"))
    units = None
    if p.park is not None:
        rows = []
        for u in m["by_unit"]:
            grade = (_named(run, u["grade"]) if u["grade"] == u["grade_requested"]
                     else f"{_named(run, u['grade_requested'])} → {_named(run, u['grade'])}")
            pay = "—" if u["performance_pay_mean"] is None else f"{u['performance_pay_mean']:.2f}"
            rows.append((t(f"salary.{u['unit']}"), f"{u['staff']:,}", grade or "—", _coef(u["park_coefficient"]),
                         pay))
        if exempt is not None:
            rows.append((t("salary.exempt_row"), _people(m["exempt_staff"]), "—", "—", t("salary.not_in_pool")))
        units = dict(headers=[t("salary.unit"), t("salary.graded_staff"), t("salary.park_grade"),
                              t("salary.park_coefficient"), f"{t('salary.perf_mean')} ({unit})"],
                     rows=rows, caption=t("salary.unit_caption"))
    posts = dict(
        headers=[t("salary.post"), t("salary.track"), t("salary.count"), f"{t('salary.p10')} ({unit})",
                 f"{t('salary.p50')} ({unit})", f"{t('salary.p90')} ({unit})"],
        rows=[(t("salary.all") if r["post"].split("/", 1)[1] == "*" else _named(run, r["post"].split("/", 1)[1]),
               t(f"salary.{r['track']}"),
               count(r["total_pay"]), cell(r["total_pay"], "p10"), cell(r["total_pay"], "p50"),
               cell(r["total_pay"], "p90")) for r in m["by_post"]],
        caption=t("salary.post_caption"))
    return _html("zone/salary.html.j2", title=t("salary.title"), chart=chart, alt=t("salary.curve_chart"),
                 grades=grades, units=units, posts=posts)


def _land_count(x: float) -> str:
    """A mean count of projects or firms: whole from ten on (849), else to a tenth (5.3)."""
    return f"{x:,.0f}" if abs(x) >= 9.95 else f"{x:.1f}"


def _land_rate(lever: str, value: float, lang: str) -> str:
    """A programme a year: floor space (m²) for the factory lever, mu for land servicing."""
    shown = labels.m2(value, lang) if lever == "build_m2_per_year" else f"{value:,.0f}"
    return labels.t(f"land.rate.{lever}", lang, value=shown)


def land_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["land"]
    p = run.scenario.params.land
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    occ = [(y, x) for y, x in zip(years, m["occupancy_rate"]) if x is not None]
    out = [t("land.f_supply", y0=years[0], y1=years[-1], signed=_land_count(sum(m["signed"])),
             producing=_land_count(sum(m["producing"])), lost=percent(m["lost_share"]),
             lost_land=percent(m["lost_share_land"]), lost_factory=percent(m["lost_share_factory"]),
             waiting=percent(m["still_waiting_share"]), unserved=percent(m["unserved_share"]),
             wait=f"{m['mean_wait_months_total']:.1f}" if m["mean_wait_months_total"] is not None else "—",
             max_wait=p.max_wait_months)]
    if p.initial is not None:  # the first year's starts and completions include the pipeline already there
        stages = [t(f"land.initial.{k}", n=f"{n:,}") for k, n in _land_initial_counts(p.initial) if n > 0]
        if stages:
            out.append(t("land.f_first_year", y0=years[0], started=_land_count(m["started"][0]),
                         producing=_land_count(m["producing"][0]), stages=t("land.list_sep").join(stages)))
    if occ:
        out.append(t("land.f_vacancy", y0=occ[0][0], y1=occ[-1][0], occ0=percent(occ[0][1]), occ1=percent(occ[-1][1]),
                     vacant=labels.m2(m["vacant_m2"][-1], lang)))
    if m["p_land_exhausted"] is not None:  # None: no project needs land (a factory-only park)
        when = (t("land.f_exhausted_when", year=m["land_exhausted_year_median"])
                if m["land_exhausted_year_median"] is not None else "")
        out.append(t("land.f_exhausted", p=percent(m["p_land_exhausted"]), when=when,
                     left=f"{m['land_available_mu'][-1]:,.0f}"))
    idle, exited = m["land_idle_mu"][-1], sum(m["exited"])
    if idle > 0 or exited > 0:
        out.append(t("land.f_idle", idle=f"{idle:,.0f}", held=f"{m['land_idle_held_mu'][-1]:,.0f}",
                     exited=_land_count(exited), y0=years[0], y1=years[-1]))
    if p.standard_land is not None:
        items = t("land.screen_sep").join(
            t("land.screen_item", condition=c[f"label_{lang}"], n=_land_count(c["turned_away"]))
            for c in m["screened_by_condition"])
        out.append(t("land.f_screen", n=_land_count(m["screened_out_total"]), items=items or "—"))
    rev = m.get("reverse")
    if rev is not None:
        lever = rev["lever"]
        name, what = t(f"land.lever.{lever}"), t(f"land.what.{lever}")
        if rev.get("current") is None:
            current = t("land.no_limit")
        elif rev["current"] == 0:  # a moratorium, or no servicing: say so rather than "0 m² a year"
            current = t(f"land.nothing.{lever}")
        elif lever == "build_m2_per_year" and p.factories.policy != "fixed":  # the policy's cap
            current = t("land.current_cap", rate=_land_rate(lever, rev["current"], lang),
                        policy=t(f"land.policy.{p.factories.policy}"))
        else:
            current = _land_rate(lever, rev["current"], lang)
        now = _pct(rev.get("lost_share_current"))
        common = dict(lever=name, what=what, target=percent(rev["target"]), current=current, now=now)
        if rev["rate"] is None:
            out.append(t("land.f_reverse_none", **common))
            if rev["lever"] == "servicing_mu_per_year" and (m["p_land_exhausted"] or 0.0) >= 0.5:
                out[-1] += t("land.f_reverse_none_land")  # servicing cannot make land that is not there
        elif rev["rate"] == 0:
            out.append(t("land.f_reverse_zero", **common))
        else:
            out.append(t("land.f_reverse", **common, rate=_land_rate(lever, rev["rate"], lang),
                         paths=rev["paths"], at=percent(rev["lost_share_at_rate"])))
    return out


def _land_initial_counts(initial) -> list[tuple[str, int]]:
    """(stage, projects in it at the start) along the funnel, from the scenario's ``land.initial``."""
    stages = ("signed", "registered", "started", "producing")
    return [("negotiated", initial.negotiated)] + [
        (k, getattr(initial, k).count if getattr(initial, k) is not None else 0) for k in stages]


def _land_year_axis(ax) -> None:
    """Whole years on a yearly axis: integer ticks (never 2025.5), shown as plain years."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))


def _land_figure(m: dict, lang: str) -> Figure:
    """The land section's four panels: occupancy, vacant space and land left as fans over whole years,
    and the funnel.  Call it inside :func:`simlib.brief.charts.style`."""
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    fig = Figure(figsize=(10, 7))
    axes = fig.subplots(2, 2)
    panels = (("occupancy_rate", t("land.occupancy"), 100.0, "%"),
              ("vacant_m2", t("land.vacant"), 1e-4, t("land.m2_unit")),
              ("land_left_mu", t("land.left"), 1.0, t("land.mu_unit")))
    for ax, (key, title, scale, unit) in zip(axes.flat, panels):
        fan_chart(ax, years, m["fan"][key], lang, scale)
        if key == "land_left_mu" and m["p_land_exhausted"] is not None:
            title = f"{title}\n{t('land.p_exhausted', p=percent(m['p_land_exhausted']))}"
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.set_ylim(0, None)
        _land_year_axis(ax)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize=8)
    ax = axes[1, 1]
    steps = ("negotiated", "signed", "registered", "started", "producing")
    x = np.arange(len(steps))
    ax.bar(x - 0.2, [m["funnel"]["expected"][s] for s in steps], 0.4, color="#bdbdbd",
           label=t("land.expected"))
    ax.bar(x + 0.2, [m["funnel"]["simulated"][s] for s in steps], 0.4, color="#08306b",
           label=t("land.simulated"))
    ax.set_xticks(x, [t(f"land.stage.{s}") for s in steps])
    ax.set_title(t("land.funnel", y0=years[0], y1=years[-1]))
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


def land_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["land"]
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    with style():
        chart = figure_uri(_land_figure(m, lang))

    def num(x, fmt: str) -> str:
        return "—" if x is None else format(x, fmt)

    def occupancy(x) -> str:
        return "—" if x is None else f"{x * 100:.1f}%"

    rows = [(y, num(s, ".1f"), num(st, ".1f"), num(pr, ".1f"), num(lost, ".2f"), num(w, ".1f"), occupancy(occ),
             num(v / 1e4, ",.1f"), num(a, ",.0f"), num(idle, ",.0f"), num(ex, ".1f"), num(tpm, ".2f"),
             num(rev, ".2f"))
            for y, s, st, pr, lost, w, occ, v, a, idle, ex, tpm, rev in zip(
                years, m["signed"], m["started"], m["producing"], m["lost_for_space"], m["mean_wait_months"],
                m["occupancy_rate"], m["vacant_m2"], m["land_available_mu"], m["land_idle_mu"], m["exited"],
                m["tax_per_mu"], m["land_sale_revenue"])]
    headers = [t("land.year"), t("land.signed"), t("land.started"), t("land.producing"), t("land.lost"),
               t("land.wait"), t("land.occupancy"), f"{t('land.vacant')} ({t('land.m2_unit')})", t("land.available"),
               t("land.idle"), t("land.exited"), t("land.tax_per_mu"), t("land.revenue")]
    return _html("zone/land.html.j2", title=t("land.title"), chart=chart, alt=t("land.title"),
                 headers=headers, rows=rows, table_caption=t("land.table_caption"))


def revenue_method(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    rev = run.scenario.params.revenue
    s, g = rev.sharing, rev.growth
    shocks = ""
    if g.shocks:
        items = ", ".join(f"{x.year}: {x.change:+.0%}" for x in g.shocks)
        shocks = labels.t("revenue.shocks", lang, items=items)
    reset = (labels.t("revenue.no_reset", lang) if s.base_reset_years is None
             else labels.t("revenue.reset", lang, n=s.base_reset_years))
    return [labels.t(
        "revenue.method", lang, base_year=rev.base_year, base_tax=money(rev.base_tax, lang),
        mean=percent(g.mean), vol=f"{g.volatility:.2f}", shocks=shocks, share=f"{s.first_share:.2f}",
        floor=money(s.floor, lang),
        cap=money(s.cap, lang) if s.cap is not None else labels.t("revenue.no_cap", lang),
        ret=f"{s.excess_return:.2f}", reset=reset)] + _schedule_method(rev, lang)


def _schedule_method(rev, lang: str) -> list[str]:
    """What the general schedule adds to the flat rule the method paragraph states, one sentence:
    the brackets, the base share, a growing base, a negative share, the tax basis, a new firm's
    start and the periods; nothing for today's flat rule."""
    s = rev.sharing
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    items = []
    if s.brackets is not None and len(s.brackets) > 1:
        items.append(t("revenue.sched_brackets", items="; ".join(
            t("revenue.sched_bracket", share=percent(b.share, 0), above=money(b.above, lang)) for b in s.brackets)))
    if s.base_share:
        items.append(t("revenue.sched_base_share", share=percent(s.base_share, 0)))
    if s.base_growth:
        items.append(t("revenue.sched_base_growth", rate=percent(s.base_growth)))
    if s.allow_negative:
        items.append(t("revenue.sched_negative"))
    if rev.tax_basis.retained_share != 1.0:
        items.append(t("revenue.sched_retained", share=percent(rev.tax_basis.retained_share, 0)))
    if rev.start_tax is not None:
        items.append(t("revenue.sched_start", tax=money(rev.start_tax, lang), year=rev.base_year))
    for p in s.periods:
        keys = ", ".join(f"{k} = {getattr(p, k)}" for k in sorted(p.model_fields_set) if k != "from_year")
        items.append(t("revenue.sched_period", year=p.from_year, keys=keys))
    return [t("revenue.sched", items="; ".join(items))] if items else []


def salary_method(run: ScenarioRun) -> list[str]:
    """Four paragraphs: how the score arises, how grades are given, how pay follows, and the rounds."""
    lang = _lang(run)
    sal = run.scenario.params.salary
    m = run.data["salary"]
    a = sal.appraisal
    t = _salary_words(run)
    noise = m["noise_sd"]
    scope = t(f"salary.scope_{a.scope}")
    group = t("salary.group_department")
    rel = f"{m['score_reliability']:.2f}"
    score = t("salary.m_truth", dept=t("salary.dept_effect", group=group, sd=f"{sal.department_effect_sd:.2f}")
              if sal.department_effect_sd > 0 else "")
    if a.method == "objective_subjective":
        score += t("salary.m_two_part", ro=f"{a.objective_reliability:.2f}", so=f"{noise['objective']:.2f}",
                   rs=f"{a.subjective_reliability:.2f}", ss=f"{noise['subjective']:.2f}", scope=scope,
                   shares="/".join(_share(s) for s in a.subjective_shares), w=f"{a.objective_weight:.2f}",
                   w2=f"{1 - a.objective_weight:.2f}", r=rel)
    elif a.method == "index":
        total = sum(d.weight for d in a.dimensions)
        dims = t("salary.rule_and").join(
            t("salary.m_dimension", name=d.name, weight=_share(d.weight / total),
              sd=f"{noise[f'dimension:{d.name}']:.2f}")
            for d in a.dimensions)
        score += t("salary.m_index", n=len(a.dimensions), dims=dims, c=f"{a.dimension_correlation or 0.0:.2f}", r=rel)
    else:
        score += t("salary.m_single", sd=f"{noise['score']:.2f}", r=rel)

    rules = t("salary.rule_and").join(f"{q.grade} {_grade_rule(sal, k, t)}" for k, q in enumerate(a.quotas))
    rounding = t(f"salary.rounding_{a.rounding_rule}")
    if a.exact:
        grading = t("salary.m_exact", scope=scope, rules=rules, rounding=rounding)
    else:
        take = t("salary.m_take_scores" if a.score_scale is not None else "salary.m_take_seats")
        grading = t("salary.m_cascade", scope=scope, rules=rules, take=take, rounding=rounding)
    if a.score_scale is not None:
        grading += t("salary.m_scale", mean=f"{a.score_scale.mean:g}", sd=f"{a.score_scale.sd:g}")
    if sal.department_grades:
        top = next((g for g in sal.department_grades if g.top_grade_share is not None), None)
        grading += t("salary.m_department_grades", group=group, grades=t("salary.rule_and").join(
            t("salary.m_department_grade", grade=g.grade, share=_share(g.share), coefficient=_coef(g.coefficient))
            for g in sal.department_grades),
            top="" if top is None else t("salary.m_department_top", grade=top.grade, group=group,
                                         share=_share(top.top_grade_share)))
    grading += t("salary.m_ties")

    park = sal.park
    mode = t(f"salary.mode_{sal.pay.pool_mode}", group=group, **(
        {"park": t("salary.times_park_short") if park else ""} if sal.pay.pool_mode == "standard" else {}))
    one_unit = park is None and all(u["unit"] == "committee" for u in m["by_unit"])
    dept = t("salary.times_dept", group=group) if sal.department_grades else ""
    pay = t("salary.m_pay_one" if one_unit else "salary.m_pay", standard=wan(sal.pay.standard_amount, lang),
            group=group, dept=dept, mode=mode)
    if park is not None:
        coef = {g.grade: g.coefficient for g in park.grades}
        company = park.company_grade or park.committee_grade
        link = ("" if park.link_threshold is None else
                t("salary.m_link", threshold=park.link_threshold, best=park.link_company_best))
        pay += t("salary.m_park", committee=park.committee_grade, cc=_coef(coef[park.committee_grade]),
                 company=company, kc=_coef(coef[company]), link=link)
    if m["exempt_staff"] > 0:
        pay += t("salary.m_exempt", people=t("salary.people", n=f"{m['exempt_staff']:,}"))
    rounds = t("salary.m_rounds", rounds=f"{m['rounds']:,}", group=group, within=t(f"salary.within_{a.scope}"))
    return [s.strip() for s in (score, grading, pay, rounds)]


def land_method(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    ld = run.scenario.params.land
    f = ld.factories
    # the programme: exactly what starts a year under `fixed`, a cap under the other policies
    if f.build_m2_per_year is None:
        programme = labels.t("land.programme.no_limit", lang)
    elif f.build_m2_per_year == 0:
        programme = labels.t("land.programme.zero", lang)
    else:
        programme = labels.t("land.programme.fixed" if f.policy == "fixed" else "land.programme.cap", lang,
                             rate=_land_rate("build_m2_per_year", f.build_m2_per_year, lang))
    return [labels.t("land.method", lang, paths=f"{ld.paths:,}", years=ld.horizon_years,
                     lag=f.lag_months, policy=labels.t(f"land.policy.{f.policy}", lang), programme=programme,
                     arrivals=f"{ld.pipeline.arrivals_per_year:g}", wait=ld.max_wait_months)]


# -- zone: the linked run and the zone's ledger ---------------------------------------

#: the zone's gain (or the new tax) over the horizon below which it is shown as nothing (亿元: half a 0.01)
_ZONE_NIL = 0.005


def _zone_lines(m: dict) -> dict[str, list[float]]:
    """The ledger's lines by year (means, 亿元) from the zone metrics: company profit and other spending
    are what income and spending hold besides the lines the metrics give, so the lines add up."""
    lines = {k: list(m[f"{k}_mean"]) for k in ("payout", "land_proceeds", "factory_cost", "servicing_cost",
                                              "staff_pay", "interest", "income", "spending", "borrowing",
                                              "repayment", "county_support", "cash", "debt", "capital_injected",
                                              "company_paid")}
    lines["profit"] = [i - p - lp for i, p, lp in zip(m["income_mean"], m["payout_mean"], m["land_proceeds_mean"])]
    lines["other"] = [s - f - sv - st - i for s, f, sv, st, i in zip(
        m["spending_mean"], m["factory_cost_mean"], m["servicing_cost_mean"], m["staff_pay_mean"],
        m["interest_mean"])]
    return lines


def _cents(x: float) -> tuple[int, ...]:
    """The whole cents (0.01 亿元) next to ``x`` 亿元: its floor and ceiling, or one value when ``x`` is
    a whole number of cents."""
    c = x * 100
    r = round(c)
    return (r,) if abs(c - r) < 1e-6 else (math.floor(c), math.ceil(c))


def _split_cents(total: int, parts: Sequence[float]) -> list[int]:
    """``parts`` (亿元) in cents, each its floor or its ceiling, adding up to ``total`` cents (controlled
    rounding): the parts that go up are those whose relative error grows least, so a small line keeps
    its nearest rounding and a large one takes the odd cent."""
    lo = [_cents(x)[0] for x in parts]

    def cost(k: int) -> float:  # what going up adds to the part's error, relative to its size
        c = parts[k] * 100
        return (abs(lo[k] + 1 - c) - abs(lo[k] - c)) / max(abs(c), 1.0)

    up = sorted((k for k, x in enumerate(parts) if len(_cents(x)) == 2), key=cost)
    need = total - sum(lo)
    for k in up[:max(need, 0)]:
        lo[k] += 1
    if not 0 <= need <= len(up) and parts:  # cannot happen when total is next to the sum; keep the sum right
        biggest = max(range(len(parts)), key=lambda k: abs(parts[k]))
        lo[biggest] += total - sum(lo)
    return lo


def _ledger_cents(lines: dict[str, list[float]], opening_cash: float, opening_debt: float) -> list[dict[str, int]]:
    """The ledger's rows in whole cents, each figure its floor or its ceiling, chosen so that every row
    adds up as shown: closing cash = last closing cash + income + paid from the financing company's
    capital − spending + borrowing − repayment + county support, debt = last debt + borrowing − repayment, income and spending the sums of their lines.
    The first row is the opening (cash and debt only)."""
    main = ("income", "company_paid", "spending", "borrowing", "repayment", "county_support", "cash", "debt")
    cash, debt = round(opening_cash * 100), round(opening_debt * 100)
    rows = [{"cash": cash, "debt": debt}]
    for y in range(len(lines["cash"])):
        true = {k: lines[k][y] * 100 for k in main}
        best: tuple | None = None
        for combo in itertools.product(*(_cents(lines[k][y]) for k in main)):  # at most 2⁸ a row
            c = dict(zip(main, combo))
            off_cash = c["cash"] - (cash + c["income"] + c["company_paid"] - c["spending"] + c["borrowing"]
                                    - c["repayment"] + c["county_support"])
            off_debt = c["debt"] - (debt + c["borrowing"] - c["repayment"])
            key = (abs(off_cash) + abs(off_debt), sum(abs(c[k] - true[k]) / max(abs(true[k]), 1.0) for k in main))
            if best is None or key < best[0]:
                best = (key, c)
        row = dict(best[1])
        for total, parts in (("income", ("payout", "land_proceeds", "profit")),
                             ("spending", ("factory_cost", "servicing_cost", "staff_pay", "other", "interest"))):
            row.update(zip(parts, _split_cents(row[total], [lines[k][y] for k in parts])))
        row["capital_injected"] = round(lines["capital_injected"][y] * 100)
        rows.append(row)
        cash, debt = row["cash"], row["debt"]
    return rows


def _zone_figure(m: dict, zone, lang: str) -> Figure:
    """The zone section's four panels over whole years: closing cash and debt as fans, P(the county
    must step in) by year, and the factory programme's cumulative cost against the zone's cumulative
    gain from the new projects' tax.  Call it inside :func:`simlib.brief.charts.style`."""
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    unit = t("revenue.money_unit")
    fig = Figure(figsize=(10, 7))
    axes = fig.subplots(2, 2)
    for ax, key, title in ((axes[0, 0], "cash", t("zone.cash_chart")), (axes[0, 1], "debt", t("zone.debt_chart"))):
        fan_chart(ax, years, m["fan"][key], lang)
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.set_ylim(0, None)
    axes[0, 0].legend(frameon=False, fontsize=8)
    if zone.shortfall != "county" and zone.borrowing is not None:  # the rules that borrow
        limit = zone.borrowing.limit
        ax = axes[0, 1]
        ax.set_title(t("zone.debt_chart_limit", limit=money(limit, lang)))
        if limit <= 1.5 * max(max(m["fan"]["debt"]["p95"]), 1e-9):  # drawn when it does not squash the fan
            ax.axhline(limit, color="C3", ls="--", lw=1.2)
            ax.set_ylim(0, max(ax.get_ylim()[1], 1.05 * limit))
    ax = axes[1, 0]
    p = [100.0 * x for x in m["p_cash_short"]]
    ax.bar(years, p, 0.6, color="#c44e52")
    ax.set_ylim(0, min(100.0, max(10.0, 1.15 * max(p, default=0.0))))
    ax.set_ylabel("%")
    ax.set_title(t("zone.short_chart", p=percent(m["p_cash_short_ever"])))
    ax = axes[1, 1]
    ax.plot(years, np.cumsum(m["factory_cost_mean"]), color="#08306b", lw=2, label=t("zone.cum_cost"))
    ax.plot(years, np.cumsum(m["new_tax_gain_mean"]), color="#e6550d", lw=2, label=t("zone.cum_gain"))
    ax.plot(years, np.cumsum(m["new_tax_mean"]), color="0.5", lw=1.2, ls="--", label=t("zone.cum_tax"))
    ax.set_ylabel(unit)
    ax.set_title(t("zone.payback_chart"))
    ax.legend(frameon=False, fontsize=8)
    for ax in axes.flat:
        _land_year_axis(ax)
        ax.grid(alpha=0.3, axis="y" if ax is axes[1, 0] else "both")
    fig.tight_layout()
    return fig


def zone_section(run: ScenarioRun) -> HTML:
    """The zone's finances: the four panels of :func:`_zone_figure` and the ledger by year (亿元, every
    row adding up as shown)."""
    lang = _lang(run)
    m = run.data["zone"]
    zone = run.scenario.params.zone
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    with style():
        chart = figure_uri(_zone_figure(m, zone, lang))
    lines = _zone_lines(m)
    rows = _ledger_cents(lines, zone.opening_cash, zone.debt.opening if zone.debt is not None else 0.0)
    # lines that are nothing in every year (land proceeds injected, no company profit, no salary model, no
    # other spending, none injected) are left out
    shown = [k for k in ("payout", "land_proceeds", "profit", "income", "company_paid", "factory_cost",
                         "servicing_cost", "staff_pay", "other", "interest", "spending", "borrowing", "repayment",
                         "county_support", "cash", "debt", "capital_injected")
             if k not in ("land_proceeds", "profit", "staff_pay", "other", "capital_injected", "company_paid")
             or any(abs(x) > 1e-9 for x in lines[k])]
    names = {"payout": "zone.payout", "land_proceeds": "zone.land_proceeds", "profit": "zone.profit",
             "income": "zone.income", "factory_cost": "zone.factory", "servicing_cost": "zone.servicing",
             "staff_pay": "zone.staff", "other": "zone.other", "interest": "zone.interest",
             "spending": "zone.spending", "borrowing": "zone.borrowing", "repayment": "zone.repayment",
             "county_support": "zone.support", "cash": "zone.cash", "debt": "zone.debt",
             "capital_injected": "zone.injected", "company_paid": "zone.company_paid"}
    table = [[t("zone.opening")] + [f"{rows[0][k] / 100:.2f}" if k in ("cash", "debt") else "" for k in shown]]
    table += [[y] + [f"{row[k] / 100:.2f}" for k in shown] for y, row in zip(m["years"], rows[1:])]
    title = t("zone.title")
    return _html("zone/zone.html.j2", title=title, chart=chart, alt=title,
                 caption=t("zone.chart_caption", paths=f"{m['paths']:,}"),
                 headers=[t("zone.year")] + [t(names[k]) for k in shown], rows=table,
                 table_caption=t("zone.table_caption", paths=f"{m['paths']:,}"))


def _zone_locked(run: ScenarioRun) -> str | None:
    """Why the new projects' tax goes to the county under the rule (a reason sentence), or None when the
    zone gains from it: the floor equals the cap, or the payout is held at the cap (or the floor) in
    every year although the new projects pay tax."""
    lang = _lang(run)
    m = run.data["zone"]
    s = run.scenario.params.revenue.sharing
    if sum(m["new_tax_mean"]) < _ZONE_NIL or sum(abs(x) for x in m["new_tax_gain_mean"]) >= _ZONE_NIL:
        return None
    if s.cap is not None and s.floor == s.cap:
        return labels.t("zone.reason_equal", lang, floor=money(s.floor, lang))
    bound = labels.t("zone.bound_cap" if s.cap is not None else "zone.bound_floor", lang)
    return labels.t("zone.reason_locked", lang, bound=bound)


def zone_findings(run: ScenarioRun) -> list[str]:
    """Does the factory programme pay for itself, at what risk, the county's net position, and land
    proceeds injected into the financing company."""
    lang = _lang(run)
    m = run.data["zone"]
    zone = run.scenario.params.zone
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    y0, y1 = years[0], years[-1]
    span = dict(y0=y0, y1=y1)
    cost, tax, gain = sum(m["factory_cost_mean"]), sum(m["new_tax_mean"]), sum(m["new_tax_gain_mean"])
    out = []
    # (a) does the factory programme pay for itself
    reason = _zone_locked(run)
    if m["p_payback_within_horizon"] is None:  # nothing built
        out.append(t("zone.f_nothing_built", **span, tax=money(tax, lang), gain=money(gain, lang)))
    elif reason is not None:
        out.append(t("zone.f_no_sharing", **span, reason=reason, tax=money(tax, lang), cost=money(cost, lang)))
    else:
        p = m["p_payback_within_horizon"]
        if m["payback_year_median"] is not None:
            payback = t("zone.payback_median", year=m["payback_year_median"], p=percent(p))
        elif p > 0:
            payback = t("zone.payback_late", y1=y1, p=percent(p))
        else:
            payback = t("zone.payback_never", y1=y1)
        ret = m["fiscal_return_yuan_per_m2"] or 0.0
        out.append(t("zone.f_payback", **span, cost=money(cost, lang), tax=money(tax, lang), gain=money(gain, lang),
                     share=percent(gain / cost) if cost > 0 else "—", payback=payback,
                     ret=t("zone.yuan_m2", value=f"{ret:,.0f}"),
                     unit=t("zone.yuan_m2", value=f"{zone.factory_cost_yuan_per_m2:,.0f}")))
    # (b) at what risk
    borrows = zone.borrowing is not None and zone.shortfall != "county"  # the model borrows under these rules
    if zone.shortfall == "cut_programme":
        rule = (t("zone.rule_cut", limit=money(zone.borrowing.limit, lang)) if borrows
                else t("zone.rule_cut_county"))
    elif zone.shortfall == "borrow":
        rule = t("zone.rule_borrow", limit=money(zone.borrowing.limit, lang))
    else:
        rule = t("zone.rule_county")
    p_short = m["p_cash_short"]
    if m["p_cash_short_ever"] > 0:
        worst = max(range(len(years)), key=lambda k: (p_short[k], -k))  # the earliest of the worst years
        out.append(t("zone.f_risk", rule=rule, p_ever=percent(m["p_cash_short_ever"]), worst_year=years[worst],
                     p_worst=percent(p_short[worst])))
    else:
        out.append(t("zone.f_risk_none", rule=rule, paths=f"{m['paths']:,}"))
    cut = sum(m.get("programme_cut_m2_mean") or [])  # cut_programme: factories not started for want of cash
    if cut >= 0.5:
        out.append(t("zone.f_cut", **span, m2=labels.m2(cut, lang)))
    debt0 = zone.debt.opening if zone.debt is not None else 0.0
    debts = m["debt_mean"]
    if debt0 > 0 or max(debts) > 0 or sum(m["borrowing_mean"]) > 0:
        top = max(range(len(years)), key=lambda k: (debts[k], -k))  # the earliest of the highest years
        peak = (t("zone.debt_peak", year=years[top], peak=money(debts[top], lang))
                if debts[top] > max(debt0, debts[-1]) + _ZONE_NIL else "")  # only a peak above both ends
        ratio = m["debt_to_income"][-1]
        ratio = t("zone.debt_ratio", ratio=f"{ratio:.2f}") if ratio is not None and ratio >= 0.005 else ""
        if not borrows:  # the opening debt runs off on its schedule
            out.append(t("zone.f_debt_county", debt0=money(debt0, lang), debt=money(debts[-1], lang), ratio=ratio))
        else:
            out.append(t("zone.f_debt", **span, borrow=money(sum(m["borrowing_mean"]), lang),
                         debt=money(debts[-1], lang), debt0=money(debt0, lang), peak=peak, ratio=ratio))
    else:
        out.append(t("zone.f_no_debt"))
    # (b') what the scenario's tax shocks do to it: the same paths with the shocks taken out
    shock = m.get("shock_effect")
    if shock is not None:
        shocks = "、".join if lang == "zh" else ", ".join
        which = shocks(f"{s.year} {s.change:+.1%}" for s in run.scenario.params.revenue.growth.shocks)
        out.append(t("zone.f_shock", **span, shocks=which, payout=money(shock["payout_total"], lang),
                     payout0=money(shock["payout_total_without"], lang), debt=money(shock["debt_end"], lang),
                     debt0=money(shock["debt_end_without"], lang),
                     borrow=money(shock["borrowing_total"], lang), borrow0=money(shock["borrowing_total_without"], lang),
                     p=percent(shock["p_cash_short_ever"]), p0=percent(shock["p_cash_short_ever_without"]),
                     support=money(shock["county_support_total"], lang),
                     support0=money(shock["county_support_total_without"], lang)))
    # (c) the county's net position, top-ups included
    net, support = sum(m["county_net_mean"]), sum(m["county_support_mean"])
    extra = net - run.data["revenue"]["county_net_total_mean"]  # the same years, the existing firms' tax alone
    out.append(t("zone.f_county", **span, net=money(net, lang), extra=money(extra, lang),
                 support=t("zone.county_support", support=money(support, lang), after=money(net - support, lang))
                 if support >= _ZONE_NIL else t("zone.county_no_support")))
    # (d) land proceeds injected into the financing company
    if zone.land_proceeds == "injected":
        out.append(t("zone.f_injected", **span, total=money(sum(m["capital_injected_mean"]), lang),
                     paid=money(sum(m["company_paid_mean"]), lang), left=money(m["company_capital_mean"][-1], lang)))
    return out


def zone_method(run: ScenarioRun) -> list[str]:
    """One paragraph: the linking, the ledger identity and the shortfall rule."""
    lang = _lang(run)
    m = run.data["zone"]
    zone = run.scenario.params.zone
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    ramp = t("zone.ramp", n=zone.ramp_years) if zone.ramp_years > 0 else t("zone.ramp_none")
    staff = (t("zone.staff_salary", pay=money(m["staff_pay_mean"][0], lang)) if "salary" in run.data
             else t("zone.staff_none"))
    d = zone.debt
    debt = (t("zone.debt_terms", opening=money(d.opening, lang), rate=percent(d.interest_rate), n=d.repay_years)
            if d is not None and d.opening > 0 else t("zone.debt_none"))
    b = zone.borrowing
    terms = dict(limit=money(b.limit, lang), rate=percent(b.interest_rate), n=b.repay_years) if b is not None else {}
    if zone.shortfall == "cut_programme":
        rule = t("zone.method_cut", rest=t("zone.method_cut_borrow", **terms) if b is not None
                 else t("zone.method_cut_county"))
    elif zone.shortfall == "borrow":
        rule = t("zone.method_borrow", **terms)
    else:
        rule = t("zone.method_county")
    return [t("zone.method", paths=f"{m['paths']:,}", y0=years[0], y1=years[-1], ramp=ramp,
              proceeds=t(f"zone.proceeds_{zone.land_proceeds}"), profit=money(zone.company_profit, lang),
              factory=t("zone.yuan_m2", value=f"{zone.factory_cost_yuan_per_m2:,.0f}"),
              servicing=wan(zone.servicing_cost_wan_per_mu, lang), staff=staff,
              other=money(zone.other_spending, lang), cash=money(zone.opening_cash, lang), debt=debt, rule=rule)]


def method(run: ScenarioRun) -> HTML:
    """One paragraph per model the run has that describes its method (a generic model has none)."""
    lang = _lang(run)
    paragraphs = [p for name in run.metrics if name in METHODS for p in METHODS[name](run)]
    return _html("zone/method.html.j2", heading=labels.t("brief.method", lang), paragraphs=paragraphs)


def generic_section(run: ScenarioRun, name: str) -> HTML:
    """A model with no section of its own (one a plugin adds, say): its title, a table of its scalar
    metrics (name, value) and one of its per-year metrics (a column per year), from ``run.data``."""
    lang = _lang(run)
    model = models.get(name)
    data = run.data[name]
    years = data.get("years") if isinstance(data.get("years"), list) else None
    scalars, yearly = [], []
    for key, value in data.items():
        if _is_scalar(value):
            scalars.append((key, _value(value)))
        elif (key != "years" and years and isinstance(value, list) and len(value) == len(years)
              and all(_is_scalar(v) for v in value)):
            yearly.append((key, *(_value(v) for v in value)))
    return _html(
        "zone/generic.html.j2", title=model.title.get(lang) or next(iter(model.title.values()), name),
        scalars=dict(headers=[labels.t("brief.metric", lang), labels.t("brief.value", lang)], rows=scalars),
        yearly=dict(headers=[labels.t("brief.metric", lang), *(years or [])], rows=yearly))


def section(run: ScenarioRun, name: str) -> HTML:
    """The section of the model that reads scenario section ``name``: its own, or the generic one."""
    dedicated = SECTIONS.get(name)
    return dedicated(run) if dedicated is not None else generic_section(run, name)


#: The models with sections, findings and method paragraphs of their own, by scenario section.
SECTIONS: dict[str, Callable[[ScenarioRun], HTML]] = {
    "revenue": revenue_section, "salary": salary_section, "land": land_section, "zone": zone_section}
FINDINGS: dict[str, Callable[[ScenarioRun], list[str]]] = {
    "revenue": revenue_findings, "salary": salary_findings, "land": land_findings, "zone": zone_findings}
METHODS: dict[str, Callable[[ScenarioRun], list[str]]] = {
    "revenue": revenue_method, "salary": salary_method, "land": land_method, "zone": zone_method}


def parameters(run: ScenarioRun) -> HTML:
    """The appendix: the documents the scenario's sources cite (file, title, place, date), then every
    resolved parameter grouped by model, each group collapsible — its name in the brief's language,
    value as written, unit, source (citations linked to the document) and whether it is an assumption;
    the keys a group leaves at their defaults listed in one line."""
    from simlib.brief import param_names
    from simlib.scenario.documents import cited

    lang = _lang(run)
    leaves = run.scenario.leaves
    groups: dict[str, dict] = {}
    texts = []
    for key, value in _flatten(run.scenario.resolved()):
        section = param_names.section_of(key)
        if key == section and value is None:
            continue  # a model the scenario does not use
        group = groups.setdefault(section, {"title": param_names.name(section, lang), "rows": [], "defaults": []})
        info = _leaf_for(leaves, key)
        if info is None:
            group["defaults"].append(param_names.name(key, lang))
            continue
        source = labels.amounts(info.text("source", lang) or "", lang)
        note = _cites(labels.amounts(info.text("note", lang) or "", lang), run.scenario.documents)
        texts += [info.source or "", info.text("source", lang) or "", info.note or ""]
        group["rows"].append(dict(name=param_names.name(key, lang), key=key, value=_show(value),
                                  unit=_cites(labels.unit(info.text("unit", lang) or "", lang), {}), source=_cites(source, run.scenario.documents),
                                  note=note, assumption=info.is_assumption))
    documents = [(d.number, d.file, d.text("title", lang), d.text("place", lang), d.date)
                 for d in cited(run.scenario.documents, texts)]
    for g in groups.values():
        g["assumed"] = sum(r["assumption"] for r in g["rows"])
        g["summary"] = labels.t("param.group", lang, title=g["title"], n=len(g["rows"]), assumed=g["assumed"])
    return _html("zone/parameters.html.j2", heading=labels.t("brief.appendix", lang),
                 documents_heading=labels.t("param.documents", lang), documents=documents,
                 document_headers=[labels.t(k, lang) for k in ("param.doc_number", "param.doc_file", "param.doc_title",
                                                                "param.doc_place", "param.doc_date")],
                 headers=[labels.t(k, lang) for k in ("param.key", "param.value", "param.unit", "param.source")],
                 groups=[g for g in groups.values() if g["rows"] or g["defaults"]],
                 assumption=labels.t("param.assumption", lang), note_label=labels.t("param.note", lang),
                 defaults_label=labels.t("param.defaults", lang), list_sep=labels.t("param.list_sep", lang))


def _cites(text: str, documents: dict) -> list[tuple[str, str | None, bool]]:
    """Scenario text as pieces ``(text, number, code)``: a span in backticks, and an override's note
    (``--set key=value``, up to a semicolon), are code;
    a piece that cites a document of the register carries its number, so the appendix can link it to
    the document's row; the rest carry None."""
    from simlib.scenario.documents import citation_pattern

    pieces: list[tuple[str, str | None, bool]] = []
    pattern = citation_pattern(documents)
    for k, part in enumerate(re.split(r"`([^`]+)`|(--set [^;]+)", text or "")):
        if part is None:
            continue
        if k % 3:  # a span in backticks, or an override as the command line gave it (--set key=value)
            pieces.append((part, None, True))
            continue
        at = 0
        for m in pattern.finditer(part) if pattern else ():
            if m.start() > at:
                pieces.append((part[at:m.start()], None, False))
            pieces.append((m.group(1), m.group(1), False))
            at = m.end()
        if at < len(part):
            pieces.append((part[at:], None, False))
    return pieces


def footer(run: ScenarioRun, provenance: dict) -> HTML:
    lang = _lang(run)
    commit = provenance["git_commit"] or "—"
    if provenance.get("git_dirty"):
        commit += labels.t("prov.dirty", lang)
    items = [
        (labels.t("prov.hash", lang), provenance["params_sha256"]),
        (labels.t("prov.version", lang), provenance["simlib_version"]),
        (labels.t("prov.commit", lang), commit),
        (labels.t("prov.seed", lang), provenance["seed"]),
        (labels.t("prov.created", lang), provenance["created"]),
    ]
    return _html("zone/footer.html.j2", heading=labels.t("brief.provenance", lang), items=items)


# -- helpers -------------------------------------------------------------------


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _value(value: object) -> str:
    """A metric of a generic model as text: numbers to four significant figures, null as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _leaf_for(leaves: dict, key: str):
    """The metadata of ``key``, or of the nearest enclosing key that carries it (a list leaf)."""
    while key:
        if key in leaves:
            return leaves[key]
        parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", key)
        key = "" if parent == key else parent
    return None


#: Mappings the appendix shows as one value: texts by free keys, not parameters of their own.
_ONE_VALUE = ("meta.description", "meta.glossary")


def _flatten(tree: object, prefix: str = "") -> Iterable[tuple[str, object]]:
    if isinstance(tree, dict) and prefix not in _ONE_VALUE:
        for k, v in tree.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else k)
    else:
        yield prefix, tree


def _show(value: object) -> str:
    """A value as compact text: a list of mappings becomes one "k=v, …" item per line."""
    if value is None:
        return "null"
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list) and all(isinstance(x, dict) for x in value):
        return "\n".join(", ".join(f"{k}={_show(v)}" for k, v in x.items()) for x in value)
    return str(value)
