"""The comparison brief: several scenario runs side by side, from one kernel.

What differs between the scenarios' parameters; what changed in their results, as sentences filled
in from the metrics (each scenario against the first, the largest relative change first); the
headline figures that differ, side by side with the difference from the first scenario; and
overlaid charts of the series that differ.  A figure differs when the gap between scenarios is
more than :data:`TOLERANCE` of its scale and more than half the last digit a brief shows of it
(:data:`RESOLUTION`); models none of whose figures differ are named in one line and left out.

Whenever revenue sharing differs, the county's net (the tax it keeps after paying the zone, top-ups
included) and its top-up are shown beside the zone's payout, the findings say so first, and they say
that what the county pools is already in that net: the net's change is the county's gain or loss, not
the pool's.

A model that covers different years in two scenarios is not compared over its horizon: a shift of
years is no policy's effect.  Its figures are shown side by side, each scenario's years in a row of
their own, with no difference; the findings say once that the years differ, and compare revenue
sharing and the zone's finances over the years both cover (their totals summed again from the yearly
means).

The markup comes from the templates in ``templates/compare/``, which escape every value.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from IPython.display import HTML
from matplotlib.figure import Figure

from simlib import models
from simlib.brief import labels
from simlib.brief.charts import figure_uri, plain, style
from simlib.brief.headlines import headlines, show
from simlib.brief.html import render
from simlib.brief.labels import money, percent
from simlib.brief.report import _flatten, _show, salary_scenario_point
from simlib.brief.results import software
from simlib.scenario import ScenarioRun

COLOURS = ("#08306b", "#c44e52", "#55a868", "#8172b2", "#ccb974", "#64b5cd")

#: Below this share of a figure's scale (its largest magnitude in the scenarios) two values are the same number.
TOLERANCE = 1e-6
#: The last digit a brief shows of each kind of figure (亿元, 万元, a share, a ratio): smaller gaps are not shown.
RESOLUTION = {"money": 0.01, "wan": 0.01, "percent": 0.001, "ratio": 0.001}


def same(values: Sequence[float | None], kind: str) -> bool:
    """Whether ``values`` (one per scenario) are the same figure: all missing, or all present and
    within the tolerance of each other."""
    if any(v is None for v in values):
        return all(v is None for v in values)
    scale = max(abs(v) for v in values)
    return max(values) - min(values) <= max(TOLERANCE * scale, RESOLUTION[kind] / 2)


def _relative(a: float | None, b: float | None, kind: str) -> float:
    """How much ``b`` moved from ``a``, relative to the figure's scale: ``a`` for amounts (its
    resolution when ``a`` is about zero), the whole (1) for shares and ratios."""
    if a is None or b is None:
        return 0.0
    if kind in ("percent", "ratio"):
        return abs(b - a)
    return abs(b - a) / max(abs(a), RESOLUTION[kind])


# -- the figures compared ------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One figure in every scenario: ``values`` in the scenarios' order (None where a scenario has
    no such model or figure).  ``forced`` figures are shown whenever their model differs at all
    (the zone's payout and the county's net and top-up); ``covered`` ones have a sentence of their
    own in the findings."""

    section: str
    label: str
    kind: str
    values: tuple[float | None, ...]
    forced: bool = False
    covered: bool = False

    @property
    def differs(self) -> bool:
        return not same(self.values, self.kind)


def _total(xs: Sequence[float | None]) -> float:
    return float(sum(x for x in xs if x is not None))


#: Figures of the county's position the comparison adds to a model's headlines:
#: (label key, kind, value from the model's metrics as data).
COUNTY = {
    "revenue": (("compare.county_net_row", "money", lambda m: m["county_net_total_mean"]),
                ("compare.topup_row", "money", lambda m: m["county_topup_total_mean"])),
    "zone": (("compare.zone_net_row", "money", lambda m: _total(m["county_net_mean"])),
             ("compare.zone_support_row", "money", lambda m: _total(m["county_support_mean"])),
             ("compare.zone_after_row", "money",
              lambda m: _total(m["county_net_mean"]) - _total(m["county_support_mean"]))),
}


def _covered(section: str, headline: models.Headline) -> tuple[bool, bool]:
    """(forced, covered) of a headline: revenue's payout is forced, and its payout, pooling and binding
    figures (the headlines without an explore metric) have sentences of their own."""
    if section != "revenue":
        return False, False
    forced = headline.metric == "zone_payout_total_mean"
    return forced, forced or headline.metric is None


def _union(runs: Sequence[ScenarioRun]) -> dict[str, object]:
    union: dict[str, object] = {}
    for r in runs:
        for section, m in r.metrics.items():
            union.setdefault(section, m)
    return union


def measures(runs: Sequence[ScenarioRun], lang: str) -> list[Measure]:
    """Every headline figure of every model any scenario uses, model by model in the registry's
    order, each model's figures of the county's position (:data:`COUNTY`) after its headlines (so
    the county's net comes right after what it pools)."""
    union = _union(runs)
    picked = headlines(union)
    out: list[Measure] = []
    for model in models.registry():
        section = model.section
        if section not in union:
            continue
        years = _agreed(runs, section)  # None: the scenarios cover different years, each label says so
        for h in (h for s, h, _ in picked if s == section):
            values = tuple(h.value(r.metrics[section]) if section in r.metrics else None for r in runs)
            forced, covered = _covered(section, h)
            text = _years_label(h.label[lang], years, lang)
            out.append(Measure(section, text, h.kind, values, forced, covered))
        out += [Measure(section, _years_label(labels.t(key, lang), years, lang), kind,
                        tuple(value(r.data[section]) if section in r.data else None for r in runs),
                        forced=True, covered=True)
                for key, kind, value in COUNTY.get(section, ())]
    return out


def _changed(ms: Sequence[Measure]) -> list[str]:
    """The models at least one of whose figures differs, in order."""
    return list(dict.fromkeys(m.section for m in ms if m.differs))


def _years(run: ScenarioRun, section: str) -> tuple[int, ...] | None:
    """The years a model covers in a run, or None (no such model, or a model without years)."""
    m = run.data.get(section)
    years = m.get("years") if isinstance(m, dict) else None
    return tuple(years) if years else None


def _apart(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> bool:
    """Whether two runs' years of a model differ (both having years)."""
    return a is not None and b is not None and a != b


def _agreed(runs: Sequence[ScenarioRun], section: str) -> tuple[int, ...] | None:
    """The years every run with ``section`` covers; None when they differ, () when it has none."""
    spans = {y for r in runs if (y := _years(r, section))}
    return None if len(spans) > 1 else next(iter(spans), ())


_HORIZON = re.compile(r"\{y0\}\s*[–-]\s*\{y1\}")


def _years_label(template: str, years: tuple[int, ...] | None, lang: str) -> str:
    """A label template with ``{y0}``–``{y1}`` filled with ``years``; when the scenarios' years differ
    (None), with words saying each scenario's figure is over its own years."""
    if years is None:
        words = labels.t("compare.own_years", lang)
        return _HORIZON.sub(words, template).replace("{y0}", words).replace("{y1}", words)
    return template.format(y0=years[0] if years else None, y1=years[-1] if years else None)


def _title(section: str, lang: str) -> str:
    try:
        return models.get(section).title[lang]
    except KeyError:
        return section


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}"


# -- the sections of the brief ------------------------------------------------------------------


def header(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    metas = [r.scenario.params.meta for r in runs]
    scenarios = [dict(name=n, title=m.title, title_en=m.glossary.get(m.title) if lang == "en" else None,
                      file=r.scenario.path.name, overrides="; ".join(r.scenario.overrides))
                 for n, r, m in zip(names, runs, metas)]
    return HTML(render("compare/header.html.j2", heading=labels.t("compare.title", lang),
                       names=" / ".join(names), scenarios=scenarios, colon="：" if lang == "zh" else ": "))


#: Texts about a scenario, not parameters of its models: left out of "What differs" (the header shows the
#: titles), named in one line when they differ.
TEXTS = ("meta.title", "meta.description", "meta.glossary", "meta.documents")


def differences(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    from simlib.brief import param_names

    flat = [dict(_flatten(r.scenario.resolved())) for r in runs]
    keys = [k for k in dict.fromkeys(k for f in flat for k in f) if len({repr(f.get(k, "—")) for f in flat}) > 1]
    text = [k for k in keys if any(k == t or k.startswith((t + ".", t + "[")) for t in TEXTS)]
    rows = [(param_names.name(k, lang), k, *(_show(f.get(k, "—")) for f in flat)) for k in keys if k not in text]
    texts = list(dict.fromkeys(param_names.name(next(t for t in TEXTS if k == t or k.startswith(t)), lang)
                               for k in text))
    note = (labels.t("compare.texts_differ", lang, names=("、" if lang == "zh" else ", ").join(texts))
            if texts else None)
    return HTML(render("compare/differences.html.j2", heading=labels.t("compare.differs", lang),
                       headers=[labels.t("param.key", lang), *names], rows=rows, note=note,
                       empty=labels.t("compare.no_difference", lang)))


def _difference(value: float | None, base: float | None, kind: str, lang: str) -> str:
    """``value − base`` as text, signed with + or −, in the brief's units (percentage points for shares)."""
    if value is None or base is None:
        return "—"
    delta = value - base
    sign = "" if same((value, base), kind) else "+" if delta > 0 else "−"
    delta = 0.0 if not sign else delta
    if kind == "percent":
        return labels.t("compare.pp", lang, value=f"{sign}{abs(delta) * 100:.1f}")
    return sign + show(abs(delta), kind, lang)


def notes(names: list[str], runs: list[ScenarioRun], lang: str, ms: Sequence[Measure] | None = None) -> list[str]:
    """What the table leaves out or needs said: the unchanged models, models only some scenarios run,
    models whose years differ, and what the county's net is when revenue sharing differs."""
    ms = measures(runs, lang) if ms is None else ms
    changed = _changed(ms)
    sections = list(dict.fromkeys(m.section for m in ms))
    out = []
    unchanged = [_title(s, lang) for s in sections if s not in changed]
    if unchanged:
        out.append(labels.t("compare.unchanged", lang, models=("、" if lang == "zh" else ", ").join(unchanged)))
    for s in sections:
        having = [n for n, r in zip(names, runs) if s in r.data]
        if len(having) < len(runs):
            out.append(labels.t("compare.partial", lang, model=_title(s, lang), names=", ".join(having)))
        spans = {n: _span(r.data[s]["years"]) for n, r in zip(names, runs)
                 if s in r.data and r.data[s].get("years")}
        if len(set(spans.values())) > 1:
            out.append(labels.t("compare.years", lang, model=_title(s, lang),
                                spans="; ".join(f"{n} {v}" for n, v in spans.items())))
    if "revenue" in changed or "zone" in changed:
        out.append(labels.t("compare.county_note", lang))
    return out


def key_metrics(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    """The headline figures that differ between the scenarios (with the zone's payout and the county's
    net and top-up whenever revenue sharing differs); differences are from the first scenario, and none
    for a model whose years differ from the first scenario's (its years are a row of their own)."""
    ms = measures(runs, lang)
    changed = _changed(ms)
    rows = []
    for m in ms:
        if not (m.differs or (m.forced and m.section in changed)):
            continue
        years = [_years(r, m.section) for r in runs]
        if _agreed(runs, m.section) is None and not any(row[0] == _years_row(m.section, lang) for row in rows):
            rows.append((_years_row(m.section, lang), *(_span(y) if y else "—" for y in years),
                         *("—" for _ in years[1:])))
        rows.append((m.label, *(show(v, m.kind, lang) for v in m.values),
                     *("—" if _apart(years[0], y) else _difference(v, m.values[0], m.kind, lang)
                       for v, y in zip(m.values[1:], years[1:]))))
    headers = [labels.t("compare.metric", lang), *names,
               *(labels.t("compare.minus", lang, a=n, b=names[0]) for n in names[1:])]
    return HTML(render("compare/key_metrics.html.j2", heading=labels.t("compare.metrics", lang),
                       headers=headers, rows=rows, notes=notes(names, runs, lang, ms),
                       empty=labels.t("compare.no_change", lang)))


# -- findings: what changed, in sentences ---------------------------------------------------------


def _years_row(section: str, lang: str) -> str:
    return labels.t("compare.years_row", lang, model=_title(section, lang))


def _change(a: float, b: float, lang: str, mirror: bool = False) -> str:
    """'rises by X (a → b)', 'falls by the same X (a → b)' or 'is unchanged at a', for money."""
    if same((a, b), "money"):
        return labels.t("compare.same", lang, a=money(a, lang))
    key = ("compare.up" if b > a else "compare.down") + ("_same" if mirror else "")
    return labels.t(key, lang, amount=money(abs(b - a), lang), a=money(a, lang), b=money(b, lang))


def _net_short(a: float, b: float, lang: str) -> str:
    if same((a, b), "money"):
        return labels.t("compare.net_short_same", lang)
    return labels.t("compare.net_short_up" if b > a else "compare.net_short_down", lang, amount=money(abs(b - a), lang))


def _majority_from(p: Sequence[float], years: Sequence[int], lang: str) -> str:
    """From which year on the rule binds in most paths ('in no year' when it never does)."""
    for i, y in enumerate(years):
        if all(q > 0.5 for q in p[i:]):
            return labels.t("compare.from_year", lang, year=y)
    return labels.t("compare.no_year", lang)


#: The weight of the sentences said first, whatever the others' relative changes: that a model's years
#: differ, then the zone's payout and the county's net.
FIRST = math.inf


def _revenue_sentences(name: str, a: dict, b: dict, lang: str) -> list[tuple[float, str]]:
    """The zone's payout and the county's net (first, changed or not); the tax; what pooling and top-ups
    did; the cap and floor."""
    out = []
    y0, y1 = b["years"][0], b["years"][-1]
    pay = (a["zone_payout_total_mean"], b["zone_payout_total_mean"])
    net = (a["county_net_total_mean"], b["county_net_total_mean"])
    tax = (a["tax_total_mean"], b["tax_total_mean"])
    dp, dn = pay[1] - pay[0], net[1] - net[0]
    if same(pay, "money"):
        zone = labels.t("compare.zone_same", lang, a=money(pay[0], lang))
    else:
        zone = labels.t("compare.zone_more" if dp > 0 else "compare.zone_less", lang, amount=money(abs(dp), lang),
                        a=money(pay[0], lang), b=money(pay[1], lang))
    # the same tax paths: what the zone gains the county loses, to the cent
    mirror = not same(pay, "money") and abs(dp + dn) <= 1e-9 * max(abs(tax[0]), abs(tax[1]), 1.0)
    out.append((FIRST, labels.t("compare.f_revenue", lang, name=name, y0=y0, y1=y1, zone=zone,
                                net=_change(*net, lang, mirror=mirror))))
    if not same(tax, "money"):
        out.append((_relative(*tax, "money"), labels.t("compare.f_tax", lang, name=name, y0=y0, y1=y1,
                                                       change=_change(*tax, lang))))
    raw = (_total(a["zone_raw_share_mean"]), _total(b["zone_raw_share_mean"]))
    pooled = (a["pooled_total_mean"], b["pooled_total_mean"])
    topup = (a["county_topup_total_mean"], b["county_topup_total_mean"])
    parts = []
    for key, (x, y) in (("raw", raw), ("pooled", pooled), ("topup", topup)):
        if not same((x, y), "money"):
            parts.append(labels.t(f"compare.{key}_{'up' if y > x else 'down'}", lang, amount=money(abs(y - x), lang),
                                  a=money(x, lang), b=money(y, lang)))
    if not same(pooled, "money") or not same(topup, "money"):
        why = "compare.why_pooled" if not same(pooled, "money") else "compare.why_topup"
        out.append((max(_relative(*pooled, "money"), _relative(*topup, "money")),
                     labels.t("compare.f_split", lang, name=name, parts=("；" if lang == "zh" else "; ").join(parts),
                              why=labels.t(why, lang, net=_net_short(*net, lang)))))
    binds = []
    weight = 0.0
    for key, series in (("cap", "p_cap_binds"), ("floor", "p_floor_binds")):
        p = (sum(a[series]) / len(a[series]), sum(b[series]) / len(b[series]))
        if same(p, "percent"):
            continue
        weight = max(weight, _relative(*p, "percent"))
        most_a, most_b = _majority_from(a[series], a["years"], lang), _majority_from(b[series], b["years"], lang)
        most = "" if most_a == most_b else labels.t("compare.most", lang, a=most_a, b=most_b)
        binds.append(labels.t(f"compare.{key}_binds", lang, a=percent(p[0]), b=percent(p[1]), most=most))
    if binds:
        out.append((weight, labels.t("compare.f_binds", lang, name=name,
                                     parts=("；" if lang == "zh" else "; ").join(binds))))
    return out


def _zone_sentences(name: str, a: dict, b: dict, lang: str) -> list[tuple[float, str]]:
    """The county's net with the zone's new projects, its support to the zone's cash, and what is left."""
    net = (_total(a["county_net_mean"]), _total(b["county_net_mean"]))
    support = (_total(a["county_support_mean"]), _total(b["county_support_mean"]))
    after = (net[0] - support[0], net[1] - support[1])
    if all(same(x, "money") for x in (net, support, after)):
        return []
    weight = max(_relative(*net, "money"), _relative(*support, "money"), _relative(*after, "money"))
    return [(weight, labels.t("compare.f_zone", lang, name=name, y0=b["years"][0], y1=b["years"][-1],
                              net=_change(*net, lang), support=_change(*support, lang),
                              after_a=money(after[0], lang), after_b=money(after[1], lang)))]


#: Sentences of their own for these models' figures (the others get one sentence per figure).
SENTENCES: dict[str, Callable[[str, dict, dict, str], list[tuple[float, str]]]] = {
    "revenue": _revenue_sentences, "zone": _zone_sentences}


#: Horizon totals of a model's metrics and the yearly means they sum (:func:`_over` sums them again).
TOTALS = {"revenue": {"zone_payout_total_mean": "zone_payout_mean", "county_net_total_mean": "county_net_mean",
                      "tax_total_mean": "tax_mean", "pooled_total_mean": "pooled_mean",
                      "county_topup_total_mean": "county_topup_mean"}}


def _over(section: str, m: dict, years: Sequence[int]) -> dict:
    """A model's metrics (as data) over ``years`` only: its yearly series cut to them and its horizon
    totals (:data:`TOTALS`) summed again from them (the mean of a sum is the sum of the means)."""
    n = len(m["years"])
    at = [m["years"].index(y) for y in years]
    out = {k: [v[i] for i in at] if isinstance(v, list) and len(v) == n else v for k, v in m.items()}
    out["years"] = list(years)
    for total, series in TOTALS.get(section, {}).items():
        if series in out:
            out[total] = _total(out[series])
    return out


def changes(names: list[str], runs: list[ScenarioRun], lang: str) -> list[tuple[str, list[str]]]:
    """For each scenario after the first: (its heading, the sentences on what changed against the
    first): that a model's years differ, then the zone's payout and the county's net, then the rest,
    the largest relative change first.  A model whose years differ is compared over the years both
    cover (revenue sharing and the zone's finances) or not at all."""
    ms = measures(runs, lang)
    base, first = names[0], runs[0]
    groups = []
    for i, (name, r) in enumerate(zip(names[1:], runs[1:]), start=1):
        found: list[tuple[float, str]] = []
        said: list[tuple[float, str]] = []
        moved = {m.section for m in ms if not same((m.values[0], m.values[i]), m.kind)}
        apart = [s for s in dict.fromkeys(m.section for m in ms) if _apart(_years(first, s), _years(r, s))]
        for section in apart:
            ya, yb = _years(first, section), _years(r, section)
            common = [y for y in ya if y in yb]
            sentences = SENTENCES.get(section)
            over = (sentences(name, _over(section, first.data[section], common),
                              _over(section, r.data[section], common), lang) if sentences and common else [])
            text = labels.t("compare.f_years", lang, model=_title(section, lang), base=base, name=name,
                            a=_span(ya), b=_span(yb))
            if over:
                text += labels.t("compare.f_years_common", lang, y0=common[0], y1=common[-1])
            found.append((FIRST, text))
            said += over
        found += said
        for section, sentences in SENTENCES.items():
            if section in moved and section not in apart and section in first.data and section in r.data:
                found += sentences(name, first.data[section], r.data[section], lang)
        for m in ms:
            a, b = m.values[0], m.values[i]
            if m.covered or m.section in apart or a is None or b is None or same((a, b), m.kind):
                continue
            found.append((_relative(a, b, m.kind),
                          labels.t("compare.f_metric", lang, label=m.label, name=name, base=base,
                                   a=show(a, m.kind, lang), b=show(b, m.kind, lang),
                                   delta=_difference(b, a, m.kind, lang))))
        found.sort(key=lambda x: -x[0])  # stable: equal changes keep their order (the years' first)
        groups.append((labels.t("compare.against", lang, name=name, base=base), [s for _, s in found]))
    return groups


def findings(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    """What changed, in sentences filled from the metrics: each scenario against the first."""
    return HTML(render("compare/findings.html.j2", heading=labels.t("compare.findings", lang),
                       groups=changes(names, runs, lang), empty=labels.t("compare.no_change", lang)))


# -- charts -----------------------------------------------------------------------------------------


#: Overlaid series per model: (model, metrics key, label key, scale, unit label key or literal, resolution).
#: A series is drawn when it differs between the scenarios by more than its resolution (in the metric's units).
SERIES = (
    ("revenue", "zone_payout_mean", "revenue.payout", 1.0, "revenue.money_unit", 0.01),
    ("revenue", "county_net_mean", "compare.county_net", 1.0, "revenue.money_unit", 0.01),
    ("revenue", "pooled_mean", "revenue.pooled", 1.0, "revenue.money_unit", 0.01),
    ("revenue", "county_topup_mean", "revenue.topup", 1.0, "revenue.money_unit", 0.01),
    ("revenue", "p_cap_binds", "revenue.p_cap", 100.0, "%", 0.001),
    ("revenue", "p_floor_binds", "revenue.p_floor", 100.0, "%", 0.001),
    ("land", "occupancy_rate", "land.occupancy", 100.0, "%", 0.001),
    ("land", "vacant_m2", "land.vacant", 1e-4, "land.m2_unit", 100.0),
    ("zone", "cash_mean", "zone.cash", 1.0, "revenue.money_unit", 0.01),
    ("zone", "debt_mean", "zone.debt", 1.0, "revenue.money_unit", 0.01),
    ("zone", "county_support_mean", "zone.support", 1.0, "revenue.money_unit", 0.01),
)


def _series_differ(runs: Sequence[ScenarioRun], model: str, key: str, resolution: float) -> bool:
    """Whether the scenarios that have ``model`` (two or more) differ in the series ``key``."""
    having = [r.data[model] for r in runs if model in r.data]
    if len(having) < 2:
        return False
    if any(m["years"] != having[0]["years"] or len(m[key]) != len(having[0][key]) for m in having):
        return True
    for values in zip(*(m[key] for m in having)):
        present = [v for v in values if v is not None]
        if len(present) not in (0, len(values)):
            return True
        if present:
            scale = max(abs(v) for v in present)
            if max(present) - min(present) > max(TOLERANCE * scale, resolution / 2):
                return True
    return False


def _salary_differs(runs: Sequence[ScenarioRun]) -> bool:
    having = [r.data["salary"] for r in runs if "salary" in r.data]
    if len(having) < 2:
        return False

    def numbers(m: dict) -> list[float | None]:
        curve = m["misrank_curve"] or {}
        return [m["misordered_pairs"], curve.get("scenario_reliability"), *curve.get("reliability", []),
                *curve.get("misordered_simulated", [])]

    first = numbers(having[0])
    for m in having[1:]:
        other = numbers(m)
        if len(other) != len(first) or any(
                (x is None) != (y is None) or (x is not None and not same((x, y), "percent"))
                for x, y in zip(first, other)):
            return True
    return False


def charts(names: list[str], runs: list[ScenarioRun], lang: str) -> HTML:
    """Each known series that differs between the scenarios, overlaid; nothing when none differs
    (models without a series here are left to the table)."""
    panels = [s for s in SERIES if _series_differ(runs, s[0], s[1], s[5])]
    salary = _salary_differs(runs)
    n = len(panels) + salary
    if n == 0:
        return HTML("")
    cols = 2 if n > 1 else 1
    rows = (n + 1) // 2
    with style():
        fig = Figure(figsize=(10, 3.4 * rows))
        axes = fig.subplots(rows, cols, squeeze=False)
        flat_axes = list(axes.flat)
        for ax, (model, key, label_key, scale, unit, _) in zip(flat_axes, panels):
            for i, (name, r) in enumerate(zip(names, runs)):
                if model in r.data:
                    m = r.data[model]
                    ys = [None if v is None else v * scale for v in m[key]]
                    ax.plot(m["years"], ys, "o-", ms=3, color=COLOURS[i % len(COLOURS)], label=plain(name))
            ax.set_title(labels.t(label_key, lang))
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
