"""The comparison brief says what changed: sentences filled from the metrics (checked here against
differences computed by hand from the tax paths), rows and charts only for what differs, the
county's net beside the zone's payout whenever revenue sharing differs, in the brief's language."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from conftest import Captured, ROOT
from simlib import models
from simlib.brief import comparison, labels
from simlib.brief.labels import money, percent
from simlib.scenario import load, run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
QUICK = ["revenue.paths=2000", "land.paths=200"]


@pytest.fixture(scope="module")
def base():
    return load(QINGZHEN, QUICK)


@pytest.fixture(scope="module")
def uncapped(base):
    """Qingzhen with no cap, at 5:5 and at 6:4: the same tax paths (the same seed), a different split."""
    a = run(base.with_values({"revenue.sharing.cap": None}))
    b = run(base.with_values({"revenue.sharing.cap": None, "revenue.sharing.zone_share": 0.6}))
    return a, b


@pytest.fixture(scope="module")
def capped(base):
    """Qingzhen as it is (floor = cap = 1亿 a year) and at 6:4: the zone's payout cannot move."""
    return run(base), run(base.with_values({"revenue.sharing.zone_share": 0.6}))


def by_hand(r, share: float) -> tuple[float, float]:
    """The zone's payout and the county's net over the horizon (means over paths), from the tax and
    base paths: P = max(share · (T − B)⁺, floor) with no cap, and the county keeps T − P."""
    res = r.results["revenue"]
    floor = r.scenario.params.revenue.sharing.floor
    payout = np.maximum(share * np.maximum(res.tax - res.base, 0.0), floor)
    return float(payout.sum(axis=1).mean()), float((res.tax - payout).sum(axis=1).mean())


def text(h) -> str:
    return html.unescape(h.data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_zones_gain_is_the_countys_loss_to_the_cent(uncapped, lang):
    a, b = uncapped
    (pay_a, net_a), (pay_b, net_b) = by_hand(a, 0.5), by_hand(b, 0.6)
    gain = pay_b - pay_a
    assert gain > 0.5  # a real change: more than 5000万 over the horizon
    assert abs((net_b - net_a) + gain) < 1e-10  # one cent is 1e-10 亿元
    assert a.data["revenue"]["zone_payout_total_mean"] == pytest.approx(pay_a, rel=1e-12)
    assert b.data["revenue"]["county_net_total_mean"] == pytest.approx(net_b, rel=1e-12)

    (heading, sentences), = comparison.changes(["5:5", "6:4"], [a, b], lang)
    assert heading == labels.t("compare.against", lang, name="6:4", base="5:5")
    y0, y1 = a.data["revenue"]["years"][0], a.data["revenue"]["years"][-1]
    expected = labels.t("compare.f_revenue", lang, name="6:4", y0=y0, y1=y1,
                        zone=labels.t("compare.zone_more", lang, amount=money(gain, lang), a=money(pay_a, lang),
                                      b=money(pay_b, lang)),
                        net=labels.t("compare.down_same", lang, amount=money(gain, lang), a=money(net_a, lang),
                                     b=money(net_b, lang)))
    assert expected in sentences
    assert expected in text(comparison.findings(["5:5", "6:4"], [a, b], lang))
    # the largest relative change first: the payout (about +18%) before the top-up, the floor and the
    # marginal retention (a few hundredths of a whole)
    assert sentences.index(expected) == 0, sentences


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_only_for_what_differs_with_the_county_net(uncapped, lang):
    a, b = uncapped
    table = text(comparison.key_metrics(["5:5", "6:4"], [a, b], lang))
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table)
    shown = [label for label, _ in rows]
    (pay_a, net_a), (pay_b, net_b) = by_hand(a, 0.5), by_hand(b, 0.6)
    years = dict(y0=a.data["revenue"]["years"][0], y1=a.data["revenue"]["years"][-1])
    county = labels.t("compare.county_net_row", lang, **years)
    assert county in shown and labels.t("compare.topup_row", lang) in shown
    cells = dict(rows)[county]
    assert cells == (f"<td>{money(net_a, lang)}</td><td>{money(net_b, lang)}</td>"
                     f"<td>−{money(pay_b - pay_a, lang)}</td>")
    # salary and land did not change: none of their headline figures is a row, one line names them
    for section in ("salary", "land"):
        for h in models.get(section).headlines:
            assert h.label[lang].format(**years) not in shown
    unchanged = labels.t("compare.unchanged", lang, models=("、" if lang == "zh" else ", ").join(
        models.get(s).title[lang] for s in ("salary", "land")))
    assert unchanged in table
    assert labels.t("compare.county_note", lang) in table


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pooling_more_is_not_a_gain_for_the_county(capped, lang):
    """At floor = cap the zone gets 1亿 a year whatever the split: 6:4 moves money from the top-up to
    the pool, the county's net does not move, and the brief says so."""
    a, b = capped
    ra, rb = a.data["revenue"], b.data["revenue"]
    assert ra["zone_payout_total_mean"] == rb["zone_payout_total_mean"]
    assert ra["county_net_total_mean"] == rb["county_net_total_mean"]
    assert rb["pooled_total_mean"] > ra["pooled_total_mean"] + 1
    (_, sentences), = comparison.changes(["5:5", "6:4"], [a, b], lang)
    joined = "\n".join(sentences)
    assert labels.t("compare.zone_same", lang, a=money(ra["zone_payout_total_mean"], lang)) in joined
    assert labels.t("compare.same", lang, a=money(ra["county_net_total_mean"], lang)) in joined
    pooled = labels.t("compare.pooled_up", lang, amount=money(rb["pooled_total_mean"] - ra["pooled_total_mean"], lang),
                      a=money(ra["pooled_total_mean"], lang), b=money(rb["pooled_total_mean"], lang))
    split = next(s for s in sentences if pooled in s)
    assert split.endswith(labels.t("compare.why_pooled", lang, net=labels.t("compare.net_short_same", lang)))
    # what matters first: the zone's payout and the county's net, unchanged; then the split sentence
    # (pool +29%) before the binding one (+4.5 points), by relative change
    revenue = labels.t("compare.f_revenue", lang, name="6:4", y0=ra["years"][0], y1=ra["years"][-1],
                       zone=labels.t("compare.zone_same", lang, a=money(ra["zone_payout_total_mean"], lang)),
                       net=labels.t("compare.same", lang, a=money(ra["county_net_total_mean"], lang)))
    assert sentences[0] == revenue
    assert sentences.index(split) == 1
    cap = labels.t("compare.cap_binds", lang, a=percent(np.mean(ra["p_cap_binds"])),
                   b=percent(np.mean(rb["p_cap_binds"])), most="")
    assert any(cap in s for s in sentences)
    table = text(comparison.key_metrics(["5:5", "6:4"], [a, b], lang))
    years = dict(y0=ra["years"][0], y1=ra["years"][-1])
    county = re.escape(labels.t("compare.county_net_row", lang, **years))
    net_row = re.search(rf"<tr><td>{county}</td>(.*?)</tr>", table)
    zero = money(0.0, lang)
    assert net_row and net_row.group(1).endswith(f"<td>{zero}</td>")  # shown, with no change, and unsigned
    assert f"+{zero}" not in table and f"−{zero}" not in table


def test_identical_runs_have_no_rows_no_charts_and_say_so(capped):
    a, _ = capped
    for lang in ("zh", "en"):
        table = text(comparison.key_metrics(["a", "b"], [a, a], lang))
        assert "<tr><td>" not in table and labels.t("compare.no_change", lang) in table
        assert "None" not in table
        found = text(comparison.findings(["a", "b"], [a, a], lang))
        assert labels.t("compare.no_change", lang) in found and "<li>" not in found
        same_params = text(comparison.differences(["a", "b"], [a, a], lang))
        assert labels.t("compare.no_difference", lang) in same_params and "None" not in same_params
    assert comparison.charts(["a", "b"], [a, a], "en").data == ""


def test_charts_only_the_series_that_differ(capped, uncapped, monkeypatch):
    captured = Captured()
    monkeypatch.setattr(comparison, "figure_uri", captured)
    comparison.charts(["5:5", "6:4"], list(capped), "en")
    titles = {ax.get_title() for ax in captured.figures[0].axes if ax.get_visible()}
    assert titles == {labels.t(k, "en") for k in ("revenue.pooled", "revenue.topup", "revenue.p_cap",
                                                   "revenue.p_floor")}
    comparison.charts(["5:5", "6:4"], list(uncapped), "en")
    titles = {ax.get_title() for ax in captured.figures[1].axes if ax.get_visible()}
    assert labels.t("revenue.payout", "en") in titles and labels.t("compare.county_net", "en") in titles
    assert labels.t("land.occupancy", "en") not in titles and labels.t("salary.curve_chart", "en") not in titles


def test_same_within_tolerance():
    assert comparison.same((10.0, 10.0 + 1e-9), "money")
    assert comparison.same((10.0, 10.004), "money")  # below half the last digit shown (0.01亿)
    assert not comparison.same((10.0, 10.006), "money")
    assert comparison.same((1e6, 1e6 + 0.5), "money")  # within the tolerance of the figure's scale
    assert not comparison.same((0.5, 0.502), "percent")
    assert comparison.same((None, None), "percent") and not comparison.same((None, 0.0), "percent")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_zone_models_county_figures(lang):
    """With the zone's ledger the county's net includes the new projects' tax; its support to the
    zone's cash and what it keeps after it are stated from the ledger's yearly means."""
    sc = load(ROOT / "params" / "qingzhen_2015.yaml")
    a, b = run(sc), run(sc.with_values({"revenue.sharing.zone_share": 0.7}))
    za, zb = a.data["zone"], b.data["zone"]
    net = (sum(za["county_net_mean"]), sum(zb["county_net_mean"]))
    support = (sum(za["county_support_mean"]), sum(zb["county_support_mean"]))
    assert net[1] < net[0] - 1 and support[1] < support[0]
    (_, sentences), = comparison.changes(["base", "7:3"], [a, b], lang)
    expected = labels.t("compare.f_zone", lang, name="7:3", y0=za["years"][0], y1=za["years"][-1],
                        net=labels.t("compare.down", lang, amount=money(net[0] - net[1], lang), a=money(net[0], lang),
                                     b=money(net[1], lang)),
                        support=labels.t("compare.down", lang, amount=money(support[0] - support[1], lang),
                                         a=money(support[0], lang), b=money(support[1], lang)),
                        after_a=money(net[0] - support[0], lang), after_b=money(net[1] - support[1], lang))
    assert expected in sentences
    table = text(comparison.key_metrics(["base", "7:3"], [a, b], lang))
    assert labels.t("compare.zone_support_row", lang) in table
    assert labels.t("compare.unchanged", lang, models=models.get("land").title[lang]) in table


def test_a_model_without_series_is_left_out_of_the_charts(monkeypatch):
    """A plugin's model the comparison has no series for is not drawn; the land series that differ
    (another seed) are, and nothing is drawn when only the plugin's figures differ."""
    import dataclasses

    class WaterMetrics(models.Metrics):
        years: list[int]
        supply: list[float]

    water = models.Model(section="water", title={"zh": "供水", "en": "Water"}, params=models.Section,
                         metrics=WaterMetrics, simulate=lambda *a: None, summarize=lambda *a: None)
    monkeypatch.setattr(models, "registry", lambda: (*models.BUILT_IN, water))
    path = ROOT / "params" / "guangyuan_2023.yaml"
    a, b = run(path, ["land.paths=100"]), run(path, ["land.paths=100", "meta.seed=7"])
    a, b = (dataclasses.replace(r, metrics={**r.metrics, "water": WaterMetrics(years=[2026], supply=[x])})
            for r, x in ((a, 1.0), (b, 2.0)))
    captured = Captured()
    monkeypatch.setattr(comparison, "figure_uri", captured)
    comparison.charts(["a", "b"], [a, b], "en")
    titles = {ax.get_title() for ax in captured.figures[0].axes if ax.get_visible()}
    assert titles <= {labels.t("land.occupancy", "en"), labels.t("land.vacant", "en")} and titles
    same_land = dataclasses.replace(a, metrics={**a.metrics, "water": b.metrics["water"]})
    assert comparison.charts(["a", "b"], [a, same_land], "en").data == ""


# -- scenarios over different years ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shifted(base, capped):
    """Qingzhen as it is (2024–2033), the same rule over 2026–2035 (revenue.start_year moved, the base
    year kept) and Qingzhen at 6:4 (2024–2033)."""
    a, c = capped
    b = run(base.with_values({"revenue.start_year": 2026}))
    assert a.data["revenue"]["years"][0] == 2024 and b.data["revenue"]["years"][-1] == 2035
    return a, b, c


def over(r, years) -> tuple[float, float, float]:
    """The zone's payout, the county's net and the tax over ``years`` (means over paths), from the paths."""
    res = r.results["revenue"]
    at = [list(res.years).index(y) for y in years]
    payout = res.split.payout[:, at]
    return (float(payout.sum(axis=1).mean()), float(res.county_net[:, at].sum(axis=1).mean()),
            float(res.tax[:, at].sum(axis=1).mean()))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shift_of_years_is_no_policy_effect(shifted, lang):
    """Totals over 2024–2033 and 2026–2035 are not compared: the findings say once that the years differ
    and compare the years both cover; the table names each scenario's years and gives no difference."""
    a, b, _ = shifted
    ra, rb = a.data["revenue"], b.data["revenue"]
    (_, sentences), = comparison.changes(["a", "b"], [a, b], lang)
    title = models.get("revenue").title[lang]
    assert sentences[0] == (labels.t("compare.f_years", lang, model=title, base="a", name="b", a="2024–2033",
                                     b="2026–2035")
                            + labels.t("compare.f_years_common", lang, y0=2026, y1=2033))
    common = range(2026, 2034)
    (pay_a, net_a, tax_a), (pay_b, net_b, tax_b) = over(a, common), over(b, common)
    assert pay_a == pytest.approx(8.0) and pay_b == pytest.approx(8.0)  # floor = cap = 1亿 a year
    assert sentences[1] == labels.t("compare.f_revenue", lang, name="b", y0=2026, y1=2033,
                                    zone=labels.t("compare.zone_same", lang, a=money(pay_a, lang)),
                                    net=comparison._change(net_a, net_b, lang))
    joined = "\n".join(sentences)
    if not comparison.same((tax_a, tax_b), "money"):
        assert labels.t("compare.f_tax", lang, name="b", y0=2026, y1=2033,
                        change=comparison._change(tax_a, tax_b, lang)) in joined
    for total in ("tax_total_mean", "county_net_total_mean", "pooled_total_mean"):  # the horizons' totals
        assert money(ra[total], lang) not in joined and money(rb[total], lang) not in joined
    rest = joined.replace(sentences[0], "")
    assert "2024–2033" not in rest and "2026–2035" not in rest

    table = text(comparison.key_metrics(["a", "b"], [a, b], lang))
    rows = {label: re.findall(r"<td>(.*?)</td>", cells)
            for label, cells in re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table)}
    assert rows[labels.t("compare.years_row", lang, model=title)] == ["2024–2033", "2026–2035", "—"]
    payout = comparison._years_label(models.get("revenue").headlines[0].label[lang], None, lang)
    assert labels.t("compare.own_years", lang) in payout and "{" not in payout
    assert rows[payout] == [money(ra["zone_payout_total_mean"], lang), money(rb["zone_payout_total_mean"], lang), "—"]
    county = comparison._years_label(labels.t("compare.county_net_row", lang), None, lang)
    assert rows[county][-1] == "—" and all(cells[-1] == "—" for cells in rows.values())
    assert "2024–2033" not in "".join(rows) and "2026–2035" not in "".join(rows)  # no label names one's years
    assert labels.t("compare.years", lang, model=title, spans="a 2024–2033; b 2026–2035") in table


def test_a_scenario_over_the_first_ones_years_is_still_compared(shifted):
    """Of three scenarios, the one over the first's years gets its differences and findings as usual."""
    a, b, c = shifted
    table = text(comparison.key_metrics(["a", "b", "c"], [a, b, c], "en"))
    pooled = re.search(r"<tr><td>Pooled by the county \(mean total\)</td>(.*?)</tr>", table).group(1)
    cells = re.findall(r"<td>(.*?)</td>", pooled)
    delta = c.data["revenue"]["pooled_total_mean"] - a.data["revenue"]["pooled_total_mean"]
    assert cells[3:] == ["—", f"+{money(delta, 'en')}"]
    (_, for_b), (_, for_c) = comparison.changes(["a", "b", "c"], [a, b, c], "en")
    assert for_b[0].startswith("Revenue sharing covers 2024–2033 under a against 2026–2035 under b")
    assert for_c[0].startswith("Under c the zone receives the same") and "2024–2033" in for_c[0]


# -- what differs, and the titles ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_differs_leaves_out_the_scenarios_texts(base, lang):
    """Descriptions, glossaries, titles and document registers are texts, not parameters: one line names
    those that differ, the table has the parameters only."""
    from types import SimpleNamespace

    from simlib.brief import param_names

    other = base.with_values({"meta.title": "另一个情景", "meta.description": "另一段说明",
                              "meta.glossary": {"另一个情景": "Another scenario"},
                              "revenue.sharing.zone_share": 0.6})
    runs = [SimpleNamespace(scenario=base), SimpleNamespace(scenario=other)]
    table = text(comparison.differences(["a", "b"], runs, lang))
    assert "<code class=\"key\">revenue.sharing.zone_share</code>" in table
    for key in comparison.TEXTS:
        assert f">{key}<" not in table
    names = ("、" if lang == "zh" else ", ").join(param_names.name(k, lang) for k in
                                                 ("meta.title", "meta.description", "meta.glossary"))
    assert labels.t("compare.texts_differ", lang, names=names) in table
    assert "另一段说明" not in table and "Another scenario" not in table


def test_an_english_comparison_gives_the_english_titles(capped):
    a, b = capped
    meta = a.scenario.params.meta
    english = meta.glossary[meta.title]
    assert english in text(comparison.header(["5:5", "6:4"], [a, b], "en"))
    assert english not in text(comparison.header(["5:5", "6:4"], [a, b], "zh"))
