"""The pieces of a brief, as HTML the notebook displays.

Every function takes a :class:`simlib.run.ScenarioRun` and returns an
``IPython.display.HTML``.  Text from a scenario file is passed through
:func:`esc` and never interpreted; the words come from :mod:`simlib.labels`;
every sentence of the findings is filled in from the run's metrics.  Charts
are PNG images embedded as ``data:`` URIs, so the brief is one file.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Sequence

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from IPython.display import HTML  # noqa: E402

from simlib.brief import labels  # noqa: E402
from simlib.brief.headlines import headlines, label, show  # noqa: E402
from simlib.brief.labels import money, percent, wan  # noqa: E402
from simlib.scenario import ScenarioRun  # noqa: E402


def _use_cjk_font() -> None:
    """Draw charts with Noto Sans CJK SC (shipped by the mpl-font package) so Chinese renders."""
    from importlib.resources import files

    from matplotlib import font_manager

    font = files("mpl_font") / "fonts" / "noto" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False


_use_cjk_font()


def esc(value: object) -> str:
    """Text for HTML: every ``<``, ``&`` and quote from a scenario becomes an entity."""
    return html.escape(str(value), quote=True)


def plain(text: object) -> str:
    """Scenario text for a chart: matplotlib would read ``$…$`` as mathematics."""
    return str(text).replace("$", r"\$")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "", cls: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="{esc(cls)}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure(fig: plt.Figure, alt: str, caption: str = "") -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">{cap}</figure>'


def fan_chart(ax: plt.Axes, years: Sequence, fan: dict, lang: str, scale: float = 1.0) -> None:
    """90% and 50% bands and the median of a quantile fan (keys p05 … p95), on ``ax``."""
    q = {k: np.asarray(v, dtype=float) * scale for k, v in fan.items()}
    ax.fill_between(years, q["p05"], q["p95"], color="#9ecae1", label=labels.t("revenue.fan_90", lang))
    ax.fill_between(years, q["p25"], q["p75"], color="#4292c6", label=labels.t("revenue.fan_50", lang))
    ax.plot(years, q["p50"], color="#08306b", lw=2, label=labels.t("revenue.fan_median", lang))


def _lang(run: ScenarioRun) -> str:
    return run.scenario.params.meta.language


# -- document parts ------------------------------------------------------------


def header(run: ScenarioRun) -> HTML:
    sc, lang = run.scenario, _lang(run)
    meta = sc.params.meta
    rows = [(labels.t("brief.zone", lang), meta.zone), (labels.t("brief.scenario", lang), sc.path.name)]
    if sc.overrides:
        rows.append((labels.t("brief.overrides", lang), "; ".join(sc.overrides)))
    facts = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in rows)
    desc = f"<p>{esc(meta.description)}</p>" if meta.description else ""
    return HTML(f'<header class="brief-header"><h1>{esc(meta.title)}</h1><dl>{facts}</dl>{desc}</header>')


def key_numbers(run: ScenarioRun) -> HTML:
    """Three to five headline figures, spread over the models the scenario uses."""
    lang = _lang(run)
    cells = "".join(
        f'<div class="key"><div class="v">{esc(show(value, kind, lang))}</div>'
        f'<div class="k">{esc(label(h, run.metrics[section], lang))}</div></div>'
        for section, h, value in headlines(run.metrics, limit=5) for kind in [h.kind])
    return HTML(f'<section class="key-numbers"><h2>{esc(labels.t("brief.key_numbers", lang))}</h2>'
                f'<div class="keys">{cells}</div></section>')


def findings(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    sentences = []
    if "revenue" in run.data:
        sentences += revenue_findings(run)
    if "salary" in run.data:
        sentences += salary_findings(run)
    if "land" in run.data:
        sentences += land_findings(run)
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return HTML(f'<section class="findings"><h2>{esc(labels.t("brief.findings", lang))}</h2><ul>{items}</ul></section>')


def revenue_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["revenue"]
    sharing = run.scenario.params.revenue.sharing
    years = m["years"]
    y0, y1 = years[0], years[-1]
    out = [
        labels.t("revenue.f_totals", lang, y0=y0, y1=y1,
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
    if max(marginal) == 0.0 and sharing.cap is not None and sharing.floor == sharing.cap:
        out.append(labels.t("revenue.f_zero_margin", lang, floor=money(sharing.floor, lang)))
    else:
        out.append(labels.t("revenue.f_margin", lang, avg=f"{m['marginal_retention_overall']:.3f}",
                            lo=f"{min(marginal):.3f}", hi=f"{max(marginal):.3f}",
                            share=f"{sharing.zone_share:.2f}"))
    return out


def revenue_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["revenue"]
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharex=True)
    for ax, series, title in zip(axes, ("tax", "zone_payout"), (t("revenue.tax"), t("revenue.payout"))):
        fan_chart(ax, years, m["fan"][series], lang)
        ax.set_title(title)
        ax.set_xlabel(t("revenue.year"))
        ax.set_ylabel(t("revenue.money_unit"))
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", frameon=False)
    chart = figure(fig, alt=f"{t('revenue.tax')} / {t('revenue.payout')}",
                   caption=t("revenue.fan_caption", paths=f"{m['paths']:,}"))
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
    tbl = table(headers, rows, caption=t("revenue.table_caption"), cls="numbers")
    return HTML(f'<section class="model"><h2>{esc(t("revenue.title"))}</h2>{chart}{tbl}</section>')


def salary_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["salary"]
    p = run.scenario.params.salary
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    out = [
        t("salary.f_spread", n=f"{m['staff']:,}", gini=f"{m['gini']:.3f}",
          ratio=f"{m['p90_p10']:.2f}" if m["p90_p10"] is not None else "—",
          spent=wan(m["performance_pay_total"], lang), pool=wan(m["pool"], lang),
          share=percent(m["pool_allocated_share"]) if m["pool_allocated_share"] is not None else "—"),
        t("salary.f_misrank", r=f"{p.appraisal.reliability:.2f}", misrank=percent(m["misrank_above_median"]),
          oracle=percent(float(np.arccos(np.sqrt(p.appraisal.reliability)) / np.pi)),
          precision=percent(m["top_quota_precision"]) if m["top_quota_precision"] is not None else "—",
          top=percent(p.appraisal.quotas[0].share, 0), tau=f"{m['kendall_tau']:.2f}"),
        t("salary.f_incentive", extra=wan(m["incentive_per_sd"], lang), standard=wan(p.pay.standard_amount, lang),
          ratio=percent(m["incentive_per_sd"] / p.pay.standard_amount) if p.pay.standard_amount > 0 else "—"),
    ]
    if p.elimination is not None:
        if m["flagged_bottom"]:
            out.append(t("salary.f_flagged", years=p.elimination.years, k=p.elimination.consecutive,
                         flagged=m["flagged_bottom"], precision=percent(m["flagged_truly_bottom_share"])))
        else:
            out.append(t("salary.f_flagged_none", years=p.elimination.years, k=p.elimination.consecutive))
    if p.park is not None and p.park.company_grade is not None and m["company_grade"] != p.park.company_grade:
        out.append(t("salary.f_link", committee=p.park.committee_grade, asked=p.park.company_grade,
                     company=m["company_grade"]))
    return out


def salary_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["salary"]
    p = run.scenario.params.salary
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    unit = t("salary.pay_unit")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    shown = [r for r in m["by_grade"] if not r["total_pay"]["hidden"]]
    ys = np.arange(len(shown))
    for y, row in zip(ys, shown):
        tp = row["total_pay"]
        ax1.plot([tp["p10"], tp["p90"]], [y, y], color="#4292c6", lw=6, solid_capstyle="butt")
        ax1.plot(tp["p50"], y, "o", color="#08306b")
    ax1.set_yticks(ys, [plain(r["grade"]) for r in shown])
    ax1.invert_yaxis()
    ax1.set_xlabel(unit)
    ax1.set_title(t("salary.pay_chart"))
    ax1.grid(alpha=0.3, axis="x")
    c = m["misrank_curve"]
    ax2.plot(c["reliability"], c["misrank_oracle"], color="#999", lw=1.5, label=t("salary.oracle"))
    ax2.plot(c["reliability"], c["misrank_simulated"], "o-", color="#08306b", label=t("salary.simulated"))
    ax2.plot(c["reliability"], c["top_grade_not_truly_top"], "s--", color="#c44e52", label=t("salary.wrong_top"))
    ax2.axvline(p.appraisal.reliability, color="#555", ls=":", label=t("salary.this_scenario"))
    ax2.set_xlabel(t("salary.reliability"), fontsize=8)
    ax2.set_title(t("salary.curve_chart"))
    ax2.set_ylim(0, None)
    ax2.legend(frameon=False, fontsize=7)
    ax2.grid(alpha=0.3)
    chart = figure(fig, alt=t("salary.curve_chart"))

    def cell(summary: dict, key: str) -> str:
        return t("salary.hidden") if summary["hidden"] else f"{summary[key]:.2f}"

    grades = table(
        [t("salary.grade"), t("salary.quota"), t("salary.coefficient"), t("salary.count"),
         f"{t('salary.p50')} ({unit})", f"{t('salary.perf_median')} ({unit})"],
        [(r["grade"], percent(r["quota"], 0), f"{r['coefficient']:.2f}",
          t("salary.hidden") if r["total_pay"]["hidden"] else r["total_pay"]["count"],
          cell(r["total_pay"], "p50"), cell(r["performance_pay"], "p50")) for r in m["by_grade"]],
        caption=t("salary.grade_caption"), cls="numbers")
    posts = table(
        [t("salary.post"), t("salary.track"), t("salary.count"), f"{t('salary.p10')} ({unit})",
         f"{t('salary.p50')} ({unit})", f"{t('salary.p90')} ({unit})"],
        [(r["post"].split("/", 1)[1].replace("*", t("salary.all")), t(f"salary.{r['track']}"),
          t("salary.hidden") if r["total_pay"]["hidden"] else r["total_pay"]["count"],
          cell(r["total_pay"], "p10"), cell(r["total_pay"], "p50"), cell(r["total_pay"], "p90"))
         for r in m["by_post"]],
        caption=t("salary.post_caption"), cls="numbers")
    return HTML(f'<section class="model"><h2>{esc(t("salary.title"))}</h2>{chart}{grades}{posts}</section>')


def land_findings(run: ScenarioRun) -> list[str]:
    lang = _lang(run)
    m = run.data["land"]
    p = run.scenario.params.land
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    occ = [(y, x) for y, x in zip(years, m["occupancy_rate"]) if x is not None]
    out = [t("land.f_supply", y0=years[0], y1=years[-1], signed=f"{sum(m['signed']):.0f}",
             producing=f"{sum(m['producing']):.0f}", lost=percent(m["lost_share"]),
             lost_land=percent(m["lost_share_land"]), lost_factory=percent(m["lost_share_factory"]),
             wait=f"{m['mean_wait_months_total']:.1f}" if m["mean_wait_months_total"] is not None else "—")]
    if occ:
        out.append(t("land.f_vacancy", y0=occ[0][0], y1=occ[-1][0], occ0=percent(occ[0][1]), occ1=percent(occ[-1][1]),
                     vacant=labels.m2(m["vacant_m2"][-1], lang)))
    when = (t("land.f_exhausted_when", year=m["land_exhausted_year_median"])
            if m["land_exhausted_year_median"] is not None else "")
    out.append(t("land.f_exhausted", p=percent(m["p_land_exhausted"]), when=when,
                 left=f"{m['land_available_mu'][-1]:,.0f}"))
    if p.standard_land is not None:
        out.append(t("land.f_screen", n=f"{m['screened_out_total']:.1f}"))
    rev = m.get("reverse")
    if rev is not None:
        lever, what = t(f"land.lever.{rev['lever']}"), t(f"land.what.{rev['lever']}")
        if rev["rate"] is None:
            out.append(t("land.f_reverse_none", lever=lever, what=what, target=percent(rev["target"])))
        elif rev["rate"] == 0:
            out.append(t("land.f_reverse_zero", lever=lever, what=what, target=percent(rev["target"])))
        else:
            rate = t(f"land.rate.{rev['lever']}", value=labels.m2(rev["rate"], lang)
                     if rev["lever"] == "build_m2_per_year" else f"{rev['rate']:,.0f}")
            out.append(t("land.f_reverse", what=what, target=percent(rev["target"]), lever=lever, rate=rate,
                         paths=rev["paths"], at=percent(rev["lost_share_at_rate"])))
    return out


def land_section(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    m = run.data["land"]
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    years = m["years"]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    panels = (("occupancy_rate", t("land.occupancy"), 100.0, "%"),
              ("vacant_m2", t("land.vacant"), 1e-4, t("land.m2_unit")),
              ("land_left_mu", t("land.left"), 1.0, t("land.mu_unit")))
    for ax, (key, title, scale, unit) in zip(axes.flat, panels):
        fan_chart(ax, years, m["fan"][key], lang, scale)
        ax.set_title(title if key != "land_left_mu"
                     else f"{title}\n{t('land.p_exhausted', p=percent(m['p_land_exhausted']))}")
        ax.set_ylabel(unit)
        ax.set_ylim(0, None)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize=8)
    ax = axes[1, 1]
    steps = ("negotiated", "signed", "registered", "started", "producing")
    x = np.arange(len(steps))
    ax.bar(x - 0.2, [m["funnel"]["expected"][s] for s in steps], 0.4, color="#bdbdbd", label=t("land.expected"))
    ax.bar(x + 0.2, [m["funnel"]["simulated"][s] for s in steps], 0.4, color="#08306b", label=t("land.simulated"))
    ax.set_xticks(x, [t(f"land.stage.{s}") for s in steps])
    ax.set_title(t("land.funnel", y0=years[0], y1=years[-1]))
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    chart = figure(fig, alt=t("land.title"))

    def num(x, fmt: str) -> str:
        return "—" if x is None else format(x, fmt)

    rows = [(y, num(s, ".1f"), num(pr, ".1f"), num(lost, ".2f"), num(w, ".1f"), num(occ * 100 if occ is not None
             else None, ".1f") + ("%" if occ is not None else ""), num(v / 1e4, ",.1f"), num(a, ",.0f"),
             num(tpm, ".2f"), num(rev, ".2f"))
            for y, s, pr, lost, w, occ, v, a, tpm, rev in zip(
                years, m["signed"], m["producing"], m["lost_for_space"], m["mean_wait_months"],
                m["occupancy_rate"], m["vacant_m2"], m["land_available_mu"], m["tax_per_mu"],
                m["land_sale_revenue"])]
    headers = [t("land.year"), t("land.signed"), t("land.producing"), t("land.lost"), t("land.wait"),
               t("land.occupancy"), f"{t('land.vacant')} ({t('land.m2_unit')})", t("land.available"),
               t("land.tax_per_mu"), t("land.revenue")]
    tbl = table(headers, rows, caption=t("land.table_caption"), cls="numbers")
    return HTML(f'<section class="model"><h2>{esc(t("land.title"))}</h2>{chart}{tbl}</section>')


def method(run: ScenarioRun) -> HTML:
    lang = _lang(run)
    parts = []
    rev = run.scenario.params.revenue
    if rev is not None:
        s, g = rev.sharing, rev.growth
        shocks = ""
        if g.shocks:
            items = ", ".join(f"{x.year}: {x.change:+.0%}" for x in g.shocks)
            shocks = labels.t("revenue.shocks", lang, items=items)
        reset = (labels.t("revenue.no_reset", lang) if s.base_reset_years is None
                 else labels.t("revenue.reset", lang, n=s.base_reset_years))
        parts.append(labels.t(
            "revenue.method", lang, base_year=rev.base_year, base_tax=money(rev.base_tax, lang),
            mean=percent(g.mean), vol=f"{g.volatility:.2f}", shocks=shocks, share=f"{s.zone_share:.2f}",
            floor=money(s.floor, lang),
            cap=money(s.cap, lang) if s.cap is not None else labels.t("revenue.no_cap", lang),
            ret=f"{s.excess_return:.2f}", reset=reset))
    sal = run.scenario.params.salary
    if sal is not None:
        a = run.data["salary"]["noise_sd"]
        parts.append(labels.t(
            "salary.method", lang, r=f"{sal.appraisal.reliability:.2f}", sd=f"{a['score']:.2f}",
            dept=labels.t("salary.dept_effect", lang, sd=f"{sal.department_effect_sd:.2f}")
            if sal.department_effect_sd > 0 else "",
            parts=", ".join(f"{k} {v:.2f}" for k, v in a.items() if k != "score"),
            scope=labels.t(f"salary.scope_{sal.appraisal.scope}", lang),
            standard=wan(sal.pay.standard_amount, lang),
            mode=labels.t(f"salary.mode_{sal.pay.pool_mode}", lang)))
    ld = run.scenario.params.land
    if ld is not None:
        parts.append(labels.t("land.method", lang, paths=f"{ld.paths:,}", years=ld.horizon_years,
                              lag=ld.factories.lag_months, policy=labels.t(f"land.policy.{ld.factories.policy}", lang),
                              arrivals=f"{ld.pipeline.arrivals_per_year:g}", wait=ld.max_wait_months))
    body = "".join(f"<p>{esc(p)}</p>" for p in parts)
    return HTML(f'<section class="method"><h2>{esc(labels.t("brief.method", lang))}</h2>{body}</section>')


def parameters(run: ScenarioRun) -> HTML:
    """Every resolved parameter with its value, unit, source and note; assumptions flagged."""
    lang = _lang(run)
    leaves = run.scenario.leaves
    rows = []
    for key, value in _flatten(run.scenario.resolved()):
        info = _leaf_for(leaves, key)
        source = info.source if info and info.source else labels.t("param.default", lang) if info is None else ""
        if info is not None and info.note:
            note = f"{labels.t('param.note', lang)}: {info.note}"
            source = f"{source} · {note}" if source else note
        flag = labels.t("param.assumption", lang) if info is not None and info.is_assumption else ""
        rows.append((key, _show(value), info.unit if info and info.unit else "", source, flag))
    headers = [labels.t("param.key", lang), labels.t("param.value", lang), labels.t("param.unit", lang),
               labels.t("param.source", lang), ""]
    return HTML(f'<section class="appendix"><h2>{esc(labels.t("brief.appendix", lang))}</h2>'
                f'{table(headers, rows, cls="params")}</section>')


def footer(run: ScenarioRun, provenance: dict) -> HTML:
    lang = _lang(run)
    commit = provenance["git_commit"] or "—"
    if provenance.get("git_dirty"):
        commit += " (+ uncommitted changes)"
    items = [
        (labels.t("prov.hash", lang), provenance["params_sha256"]),
        (labels.t("prov.version", lang), provenance["simlib_version"]),
        (labels.t("prov.commit", lang), commit),
        (labels.t("prov.seed", lang), provenance["seed"]),
        (labels.t("prov.created", lang), provenance["created"]),
    ]
    text = " · ".join(f"{esc(k)}: <code>{esc(v)}</code>" for k, v in items)
    return HTML(f'<footer class="provenance"><h2>{esc(labels.t("brief.provenance", lang))}</h2><p>{text}</p></footer>')


# -- helpers -------------------------------------------------------------------


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


def _flatten(tree: object, prefix: str = "") -> Iterable[tuple[str, object]]:
    if isinstance(tree, dict):
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
    if isinstance(value, list) and all(isinstance(x, dict) for x in value):
        return "\n".join(", ".join(f"{k}={_show(v)}" for k, v in x.items()) for x in value)
    return str(value)
