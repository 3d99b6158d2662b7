"""The zone part of a brief (园区财政闭环): findings that say whether the factory programme pays for itself
(and plainly that it cannot through sharing when the rule gives the new tax to the county), at what risk,
the county's net position and land proceeds injected; a ledger table whose rows add up as shown; charts
over whole years; both languages; scenario text escaped."""

from __future__ import annotations

import functools
import html
import re
import warnings

import numpy as np
import pytest
from markupsafe import escape

from conftest import ROOT
from simlib.brief import labels, report
from simlib.brief.charts import style
from simlib.scenario import ScenarioRun, run

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
#: Qingzhen linked to its land model (tests/test_zone.py's ``linked_qingzhen``)
LINKED = ("revenue.paths=200", "land.paths=200", "land.start_year=2024", "land.horizon_years=10", "land.changes=[]",
          "land.reverse=null",
          "zone={factory_cost_yuan_per_m2: 1800, servicing_cost_wan_per_mu: 8, opening_cash: 1.0, shortfall: borrow,"
          " debt: {opening: 5, interest_rate: 0.04, repay_years: 8}, borrowing: {limit: 20, interest_rate: 0.05,"
          " repay_years: 10}}")
#: a rule under which the zone gains from the new projects' tax
OPEN_RULE = ("revenue.sharing.cap=null", "revenue.sharing.floor=0")
#: a zone that runs short: a low borrowing limit, land proceeds injected, a company profit and other spending
STRESSED = ("zone.borrowing.limit=5", "zone.land_proceeds=injected", "zone.company_profit=0.3",
            "zone.other_spending=0.2")
#: short of cash, the year's factory starts are cut first
CUT = ("zone.shortfall=cut_programme", "zone.borrowing.limit=5", "zone.opening_cash=0")
ATTACK = "<img src=x onerror=alert(1)>"


@functools.cache
def _run(*extra: str, lang: str = "zh") -> ScenarioRun:
    return run(QINGZHEN, [*LINKED, *extra, f"meta.language={lang}"])


def _money(x: float, lang: str) -> str:
    return labels.money(x, lang)


def _finding(r: ScenarioRun, *needles: str) -> str:
    """The one zone finding containing every needle."""
    found = [s for s in report.zone_findings(r) if all(n in s for n in needles)]
    assert len(found) == 1, (needles, report.zone_findings(r))
    return found[0]


# -- (a) does the factory programme pay for itself -----------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_linked_qingzhen_cannot_pay_back_through_sharing(lang):
    """Floor = cap = 1亿: the payout is fixed, the new projects' tax goes to the county."""
    r = _run(lang=lang)
    s, m = r.scenario.params.revenue.sharing, r.data["zone"]
    assert s.floor == s.cap == 1.0
    assert sum(m["new_tax_mean"]) > 1 and max(abs(x) for x in m["new_tax_gain_mean"]) < 1e-9
    tax, cost = _money(sum(m["new_tax_mean"]), lang), _money(sum(m["factory_cost_mean"]), lang)
    if lang == "zh":
        f = _finding(r, "厂房计划无法通过分成回本")
        assert f.startswith("按此规则，新项目的税收归县级，厂房计划无法通过分成回本")
        assert "保底与封顶相等（均为 1.00亿元）" in f
        assert f"新项目平均缴税 {tax}，开发区从中多得为零，而建设厂房平均投入 {cost}" in f
        assert not any("回本年份中位数" in x or "回本的概率" in x for x in report.zone_findings(r))
    else:
        f = _finding(r, "cannot pay back through sharing")
        assert f.startswith("Under this rule the new projects' tax goes to the county, so the factory programme "
                            "cannot pay back through sharing")
        assert "the floor equals the cap (both CNY 100m)" in f
        assert f"the new projects pay {tax} of tax on average and the zone gains nothing from it, against {cost}" in f
    assert escape(f) in report.findings(r).data  # in the brief's findings, after the other models'


@pytest.mark.parametrize(("sets", "bound"), [(("revenue.sharing.cap=null", "revenue.sharing.floor=100"), "保底"),
                                             (("revenue.sharing.cap=150", "revenue.sharing.floor=100"), "封顶或保底")])
def test_a_payout_held_every_year_also_gives_the_new_tax_to_the_county(sets, bound):
    """Floor and cap differ, but the payout is held every year: the gain is nothing although the new tax is not."""
    r = _run(*sets)
    m = r.data["zone"]
    assert sum(m["new_tax_mean"]) > 1 and sum(abs(x) for x in m["new_tax_gain_mean"]) < 0.005
    f = _finding(r, "厂房计划无法通过分成回本")
    assert f"开发区所得在每一年都被{bound}锁定，不随新项目税收增加" in f and "保底与封顶相等" not in f


def _payback_words(m: dict, lang: str) -> str:
    """The payback clause the metrics call for: the median year, or the probability, or neither."""
    year, p = m["payback_year_median"], m["p_payback_within_horizon"]
    if lang == "zh":
        if year is not None:
            return f"回本年份中位数为 {year} 年，期内回本的概率为 {labels.percent(p)}"
        return f"过半路径到 2033 年仍未回本，期内回本的概率为 {labels.percent(p)}" if p > 0 else "到 2033 年没有一条路径回本"
    if year is not None:
        return (f"the median payback year is {year}, and the probability of paying back within the horizon is "
                f"{labels.percent(p)}")
    if p > 0:
        return ("on more than half of the paths it has not paid back by 2033: the probability of paying back "
                f"within the horizon is {labels.percent(p)}")
    return "on no path does it pay back by 2033"


@pytest.mark.parametrize("cost", [1800, 900, 300])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_payback_sentence_gives_the_metrics_numbers(cost, lang):
    r = _run(*OPEN_RULE, f"zone.factory_cost_yuan_per_m2={cost}", lang=lang)
    m = r.data["zone"]
    assert m["p_payback_within_horizon"] is not None
    total, tax, gain = (sum(m[k]) for k in ("factory_cost_mean", "new_tax_mean", "new_tax_gain_mean"))
    assert total > 0 and gain > 0.1
    money = lambda x: _money(x, lang)  # noqa: E731
    ret = f"{m['fiscal_return_yuan_per_m2']:,.0f}"
    if lang == "zh":
        f = _finding(r, "厂房计划能否自我回本")
        assert (f"平均建设厂房投入 {money(total)}，新项目缴税 {money(tax)}，其中开发区通过分成多得 {money(gain)}"
                f"（相当于厂房投入的 {labels.percent(gain / total)}）") in f
        assert f"只计厂房租户税收带来的分成，{_payback_words(m, lang)}。" in f
        assert f"开发区期内从厂房租户税收多得的分成为每平方米 {ret} 元，而建设成本为每平方米 {cost:,} 元" in f
    else:
        f = _finding(r, "Does the factory programme pay for itself?")
        assert (f"the new projects pay {money(tax)} of tax, of which the zone gains {money(gain)} through sharing "
                f"({labels.percent(gain / total)} of the factories' cost)") in f
        assert f"Counting only the gain from the factory tenants' tax, {_payback_words(m, lang)}." in f
        assert f"the zone gains CNY {ret} of sharing income from the factory tenants" in f
        assert f"against a building cost of CNY {cost:,} a m²" in f


def test_a_cheap_programme_gives_its_payback_year():
    """The year itself, when more than half the paths pay back (a cheap programme under an open rule)."""
    r = _run(*OPEN_RULE, "zone.factory_cost_yuan_per_m2=300")
    m = r.data["zone"]
    year = m["payback_year_median"]
    assert year is not None and 2024 <= year <= 2033 and m["p_payback_within_horizon"] >= 0.5
    assert f"回本年份中位数为 {year} 年" in _finding(r, "厂房计划能否自我回本")


def test_nothing_built_has_no_programme_to_pay_back():
    r = _run(*OPEN_RULE, "land.factories.policy=fixed", "land.factories.build_m2_per_year=0")
    m = r.data["zone"]
    assert m["p_payback_within_horizon"] is None and sum(m["factory_cost_mean"]) == 0
    f = _finding(r, "未新建标准厂房")
    assert f"开发区通过分成从中多得 {_money(sum(m['new_tax_gain_mean']), 'zh')}" in f
    assert not any("回本的概率" in x or "—" in x for x in report.zone_findings(r))


# -- (b) at what risk, (c) the county, (d) land proceeds injected ------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_risk_sentence_gives_the_worst_year_and_the_horizon(lang):
    r = _run(*STRESSED, lang=lang)
    m = r.data["zone"]
    p = m["p_cash_short"]
    worst = int(np.argmax(p))
    assert 0 < p[worst] < m["p_cash_short_ever"] <= 1
    year, ever, top = m["years"][worst], labels.percent(m["p_cash_short_ever"]), labels.percent(p[worst])
    debt, ratio = _money(m["debt_mean"][-1], lang), f"{m['debt_to_income'][-1]:.2f}"
    borrow = _money(sum(m["borrowing_mean"]), lang)
    if lang == "zh":
        assert (f"现金不足时先借款，债务达到 5.00亿元上限后由县级补足；县级需出手兜底的概率在期内至少一年为 {ever}，"
                f"最高的一年是 {year} 年（{top}）") in _finding(r, "代价与风险")
        assert f"平均共新增借款 {borrow}；期末债务 {debt}（期初 5.00亿元" in _finding(r, "新增借款")
        assert f"相当于当年收入的 {ratio} 倍" in _finding(r, "新增借款")
    else:
        assert (f"the probability that the county must step in is {ever} in some year of the horizon, highest in "
                f"{year} ({top})") in _finding(r, "At what risk")
        assert f"the zone borrows {borrow} on average; its debt ends at {debt}" in _finding(r, "borrows")
        assert f"{ratio} times that year's income" in _finding(r, "borrows")


def test_no_shortfall_says_so_on_every_path():
    r = _run()
    assert r.data["zone"]["p_cash_short_ever"] == 0
    assert "在全部 200 条模拟路径上，园区现金在任何一年都无需县级兜底" in _finding(r, "代价与风险")
    assert "期内无需兜底园区现金" in _finding(r, "县级财政")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_net_position_includes_the_support(lang):
    r = _run(*STRESSED, lang=lang)
    m = r.data["zone"]
    net, support = sum(m["county_net_mean"]), sum(m["county_support_mean"])
    extra = net - r.data["revenue"]["county_net_total_mean"]
    assert support > 0.1 and extra > 0.1
    money = lambda x: _money(x, lang)  # noqa: E731
    if lang == "zh":
        assert (f"县级平均净得 {money(net)}，其中新项目带来 {money(extra)}；再扣除对园区现金的兜底 {money(support)}，"
                f"净得 {money(net - support)}") in _finding(r, "县级财政")
    else:
        f = _finding(r, "The county:")
        assert f"it keeps {money(net)} of the zone's tax" in f and f"{money(extra)} of it from the new projects" in f
        assert f"after {money(support)} of support to the zone's cash it keeps {money(net - support)}" in f


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cut_programme_says_how_much_less_is_built(lang):
    r = _run(*CUT, lang=lang)
    cut = sum(r.data["zone"]["programme_cut_m2_mean"])
    assert cut > 1000
    if lang == "zh":
        assert "现金不足时先削减当年的厂房开工，仍不足再借款（债务上限 5.00亿元），最后由县级补足" in _finding(r, "代价与风险")
        assert f"平均少建厂房 {labels.m2(cut, lang)}（相对土地模型的计划）" in _finding(r, "少建厂房")
    else:
        assert "a shortfall first cuts the year's factory starts, then is borrowed up to the CNY 500m debt limit" in \
            _finding(r, "At what risk")
        assert f"the zone builds {labels.m2(cut, lang)} less factory space" in _finding(r, "less factory space")
    assert not any("少建厂房" in s or "less factory space" in s for s in report.zone_findings(_run(lang=lang)))


def test_land_proceeds_injected_are_named_and_kept_out_of_cash():
    kept, injected = _run(), _run(*STRESSED)
    total = sum(injected.data["zone"]["capital_injected_mean"])
    assert total > 1
    assert f"土地出让收入平均共 {_money(total, 'zh')}（2024–2033 年）作为资本金注入融资公司" in _finding(injected, "注入")
    assert not any("注入融资公司" in s for s in report.zone_findings(kept))
    headers, _ = _table(injected)
    assert "注入融资公司资本（不计入现金）" in headers and "土地出让收入" not in headers
    assert "土地出让收入" in _table(kept)[0] and "注入融资公司资本（不计入现金）" not in _table(kept)[0]


# -- the ledger table -------------------------------------------------------------------


def _table(r: ScenarioRun) -> tuple[list[str], list[list[str]]]:
    page = report.zone_section(r).data
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", page).group(1)
    headers = [html.unescape(x) for x in re.findall(r"<th>(.*?)</th>", head)]
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = [[html.unescape(x) for x in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]
    return headers, rows


INCOME = ("zone.payout", "zone.land_proceeds", "zone.profit")
SPENDING = ("zone.factory", "zone.servicing", "zone.staff", "zone.other", "zone.interest")


@pytest.mark.parametrize("sets", [(), OPEN_RULE, STRESSED, (*STRESSED, "zone.shortfall=county"), CUT,
                                  ("revenue.growth.shocks=[{year: 2026, change: -0.31}]", "zone.opening_cash=0")],
                         ids=["linked", "open", "stressed", "county", "cut", "shock"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ledger_rows_add_up_as_shown(sets, lang):
    """Closing cash = last closing cash + income − spending + borrowing − repayment + county support, debt =
    last debt + borrowing − repayment, income and spending the sums of their lines: in the table's own
    rounded numbers (within 0.01), every figure within 0.01 of the metric it shows."""
    r = _run(*sets, lang=lang)
    m, zone = r.data["zone"], r.scenario.params.zone
    headers, rows = _table(r)
    col = {key: headers.index(labels.t(key, lang)) for key in (
        "zone.income", "zone.spending", "zone.borrowing", "zone.repayment", "zone.support", "zone.cash", "zone.debt")}
    parts = {total: [headers.index(labels.t(k, lang)) for k in keys if labels.t(k, lang) in headers]
             for total, keys in (("zone.income", INCOME), ("zone.spending", SPENDING))}
    assert rows[0][0] == labels.t("zone.opening", lang)
    assert [int(x[0]) for x in rows[1:]] == m["years"]
    prev_cash, prev_debt = float(rows[0][col["zone.cash"]]), float(rows[0][col["zone.debt"]])
    assert prev_cash == pytest.approx(zone.opening_cash) and prev_debt == pytest.approx(zone.debt.opening)
    for y, row in enumerate(rows[1:]):
        v = {k: float(row[c]) for k, c in col.items()}
        paid = labels.t("zone.company_paid", lang)  # the financing company's capital, when proceeds are injected
        company = float(row[headers.index(paid)]) if paid in headers else 0.0
        cash = (prev_cash + v["zone.income"] + company - v["zone.spending"] + v["zone.borrowing"]
                - v["zone.repayment"] + v["zone.support"])
        assert abs(v["zone.cash"] - cash) <= 0.01 + 1e-9, (row, cash)
        assert abs(v["zone.debt"] - (prev_debt + v["zone.borrowing"] - v["zone.repayment"])) <= 0.01 + 1e-9, row
        for total, cols in parts.items():
            assert abs(v[total] - sum(float(row[c]) for c in cols)) <= 0.01 + 1e-9, (total, row)
        for key, metric in (("zone.income", "income_mean"), ("zone.spending", "spending_mean"),
                            ("zone.borrowing", "borrowing_mean"), ("zone.repayment", "repayment_mean"),
                            ("zone.support", "county_support_mean"), ("zone.cash", "cash_mean"),
                            ("zone.debt", "debt_mean")):
            assert abs(v[key] - m[metric][y]) < 0.01 + 1e-9, (key, y)
        prev_cash, prev_debt = v["zone.cash"], v["zone.debt"]
    if sets == STRESSED:  # every line of the ledger is in play
        assert sum(m["county_support_mean"]) > 0.1 and sum(m["borrowing_mean"]) > 0.1
        assert {labels.t(k, lang) for k in (*INCOME[::2], *SPENDING)} <= set(headers)


def test_controlled_rounding_keeps_rows_that_plain_rounding_breaks():
    """Random ledgers: each figure is its floor or ceiling in cents and every row adds up exactly, where
    rounding each figure to the nearest cent breaks some rows."""
    rng = np.random.default_rng(7)
    n = 300
    lines = {k: rng.uniform(0, 2, n).round(5) for k in ("payout", "land_proceeds", "profit", "factory_cost",
                                                        "servicing_cost", "staff_pay", "other", "interest",
                                                        "borrowing", "repayment", "county_support")}
    lines["income"] = lines["payout"] + lines["land_proceeds"] + lines["profit"]
    lines["spending"] = sum(lines[k] for k in ("factory_cost", "servicing_cost", "staff_pay", "other", "interest"))
    flow = lines["income"] - lines["spending"] + lines["borrowing"] - lines["repayment"] + lines["county_support"]
    lines["cash"] = 1.234 + np.cumsum(flow)
    lines["debt"] = 5.678 + np.cumsum(lines["borrowing"] - lines["repayment"])
    lines["capital_injected"] = np.zeros(n)
    lines["company_paid"] = np.zeros(n)
    rows = report._ledger_cents({k: v.tolist() for k, v in lines.items()}, 1.234, 5.678)
    naive_broken = 0
    prev = rows[0]
    for y, row in enumerate(rows[1:]):
        for k, c in row.items():
            assert abs(c - lines[k][y] * 100) < 1, (k, y)
        assert row["cash"] == prev["cash"] + row["income"] - row["spending"] + row["borrowing"] - row["repayment"] + \
            row["county_support"]
        assert row["debt"] == prev["debt"] + row["borrowing"] - row["repayment"]
        assert row["income"] == row["payout"] + row["land_proceeds"] + row["profit"]
        assert row["spending"] == sum(row[k] for k in ("factory_cost", "servicing_cost", "staff_pay", "other",
                                                        "interest"))
        rounded = {k: round(lines[k][y] * 100) for k in row}
        before = round(lines["cash"][y - 1] * 100) if y else 123
        naive_broken += rounded["cash"] != before + rounded["income"] - rounded["spending"] + rounded["borrowing"] - \
            rounded["repayment"] + rounded["county_support"]
        prev = row
    assert naive_broken > 10


# -- charts, languages, registration, escaping -----------------------------------------------


def _figure(r: ScenarioRun):
    with style():
        return report._zone_figure(r.data["zone"], r.scenario.params.zone, report._lang(r))


@pytest.mark.parametrize("years", [3, 10])
def test_charts_tick_whole_years(years):
    r = _run(f"revenue.horizon_years={years}", f"land.horizon_years={years}", "zone.debt.repay_years=2",
             "zone.borrowing.repay_years=2", *STRESSED, lang="en")
    fig = _figure(r)
    assert len(fig.axes) == 4  # cash, debt, P(cash short), the programme's cumulative cost and gain
    for ax in fig.axes:
        lo, hi = sorted(ax.get_xlim())
        ticks = [x for x in ax.get_xticks() if lo - 1e-9 <= x <= hi + 1e-9]
        assert len(ticks) >= 2, ticks
        assert all(float(x).is_integer() for x in ticks), ticks
        assert ax.xaxis.get_major_formatter().format_ticks(ticks) == [str(int(x)) for x in ticks]
        assert {int(x) for x in ticks} <= set(range(2024, 2024 + years))


def test_debt_chart_names_the_borrowing_limit():
    r = _run(*STRESSED)
    titles = [ax.get_title() for ax in _figure(r).axes]
    assert "园区债务（借款上限 5.00亿元）" in titles
    assert any("期内至少一年 " + labels.percent(r.data["zone"]["p_cash_short_ever"]) in x for x in titles)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zone_has_a_section_of_its_own_in_both_languages(lang):
    r = _run(*STRESSED, lang=lang)
    assert report.SECTIONS["zone"] is report.zone_section
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning
        page = report.section(r, "zone").data + report.findings(r).data + report.method(r).data
    assert page.count('src="data:image/png;base64,') == 1
    assert "p_cash_short_ever" not in page and "county_support_mean" not in page  # not the generic table
    assert f"<h2>{labels.t('zone.title', lang)}</h2>" in page
    for s in report.zone_findings(r) + report.zone_method(r):
        assert escape(s) in page
    own_zh = {v["zh"] for k, v in labels.LABELS.items() if k.startswith("zone.") and "{" not in v["zh"]}
    if lang == "en":  # other models' findings may quote the scenario file: only the zone's own words are looked at
        own = report.section(r, "zone").data + "".join(report.zone_findings(r) + report.zone_method(r))
        assert not re.search(r"[\u4e00-\u9fff]", own)
        assert not any(x in page for x in own_zh)
    else:
        assert "期末现金" in page and "需县级兜底的概率" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_method_states_the_ledger_identity_and_the_shortfall_rule(lang):
    borrow, county = _run(lang=lang), _run("zone.shortfall=county", lang=lang)
    text = report.zone_method(borrow)[0]
    if lang == "zh":
        assert "期末现金 = 期初现金 + 收入 − 支出 + 新增借款 − 还本 + 县级兜底" in text
        assert "先在债务总额不超过 20.00亿元的限度内新增借款（年利率 5.0%，自次年起分 10 年等额还本）" in text
        assert "全部由县级兜底，园区不借款" in report.zone_method(county)[0]
    else:
        assert "closing cash = opening cash + income − spending + borrowing − repayment + county support" in text
        assert "total debt stays within CNY 2,000m (at 5.0% a year" in text
        assert "the county covers all of it; the zone does not borrow" in report.zone_method(county)[0]


def test_scenario_text_in_the_title_is_escaped():
    """The brief's title and zone name from the scenario file, shown above the zone section, are text."""
    r = _run(f"meta.zone={ATTACK}", f"meta.title={ATTACK}", "meta.description=<b>&")
    page = "".join(p.data for p in (report.header(r), report.key_numbers(r), report.findings(r),
                                    report.section(r, "zone"), report.method(r)))
    assert ATTACK not in page and "<b>&" not in page
    assert page.count(str(escape(ATTACK))) >= 2 and "&lt;b&gt;&amp;" in page
    assert "<h2>园区财政闭环</h2>" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_2015_brief_says_what_the_alumina_shock_does_to_the_debt(lang):
    """Seed 001's −31% alumina price passed to tax: the brief compares the zone with and without it."""
    from simlib.brief.labels import money

    r = run(ROOT / "params" / "qingzhen_2015.yaml", ["revenue.paths=200", "land.paths=200", f"meta.language={lang}"])
    shock = r.data["zone"]["shock_effect"]
    assert shock["debt_end"] > shock["debt_end_without"] and shock["payout_total"] < shock["payout_total_without"]
    text = " ".join(report.zone_findings(r))
    for value in (shock["debt_end"], shock["debt_end_without"], shock["borrowing_total"]):
        assert money(value, lang) in text
