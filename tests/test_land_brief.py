"""The land part of a brief, figures that add up: the lost share with those still waiting, the mean wait
with the lost, first-year starts that include the pipeline already there, idle land and exits, each
screen condition's count, the reverse answer against the scenario's own programme, no land-exhaustion
words in a factory-only park, and charts over whole years."""

from __future__ import annotations

import functools

import pytest

from conftest import ROOT
from simlib.brief import labels, report
from simlib.brief.charts import style
from simlib.scenario import ScenarioRun, load, run

GUANGYUAN = ROOT / "params" / "guangyuan_2023.yaml"
JIANSHI = ROOT / "params" / "jianshi_2021.yaml"
FAST = ("land.paths=100",)
#: Guangyuan with no land projects: its initial tenants need more occupied space than the file gives
FACTORY_ONLY = ("land.projects.land_share=0", "land.factories.occupied_m2=10000000")


@functools.cache
def _run(path, overrides: tuple[str, ...] = (), lang: str = "zh") -> ScenarioRun:
    return run(load(path, [*FAST, *overrides, f"meta.language={lang}"]))


def _count(x: float) -> str:
    """A mean count as the brief shows it: whole from ten on, else to a tenth."""
    return f"{x:,.0f}" if x >= 9.95 else f"{x:.1f}"


def _sentence(r: ScenarioRun, *needles: str) -> str:
    """The one finding containing every needle."""
    found = [s for s in report.land_findings(r) if all(n in s for n in needles)]
    assert len(found) == 1, (needles, report.land_findings(r))
    return found[0]


# -- findings -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_year_starts_and_completions_include_the_initial_pipeline(lang):
    r = _run(GUANGYUAN, lang=lang)
    m, initial = r.data["land"], r.scenario.params.land.initial
    assert initial is not None and initial.started.count == 540
    started, producing = f"{m['started'][0]:,.0f}", f"{m['producing'][0]:,.0f}"
    assert m["started"][0] > 100 and m["producing"][0] > 100  # the pipeline at the start shows in year one
    if lang == "zh":
        s = _sentence(r, "期初已在管道中")
        assert f"2024 年平均开工 {started} 个项目、投产 {producing} 个" in s
        assert "已签约 100 个" in s and "已注册待开工 340 个" in s and "在建 540 个" in s
    else:
        s = _sentence(r, "already in the pipeline at the start")
        assert f"In 2024, {started} projects start construction and {producing} reach production" in s
        assert "100 signed" in s and "340 registered" in s and "540 under construction" in s
    assert labels.t("land.initial.producing", lang, n=0) not in s  # a stage with no projects is left out


def test_no_first_year_sentence_without_initial_stocks():
    r = _run(JIANSHI)
    assert r.scenario.params.land.initial is None
    assert not any("期初已在管道中" in s for s in report.land_findings(r))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lost_share_sentence_has_those_still_waiting_and_the_total_not_served(lang):
    r = _run(GUANGYUAN, lang=lang)
    m = r.data["land"]
    assert m["still_waiting_share"] > 0.01  # else the test could not tell the shares apart
    lost, waiting, unserved = (labels.percent(m[k]) for k in ("lost_share", "still_waiting_share", "unserved_share"))
    if lang == "zh":
        s = _sentence(r, "因等不到空间而流失")
        assert f"在排队等待空间的项目中，{lost} 因等不到空间而流失" in s
        assert f"{waiting} 到期末仍在等待，合计 {unserved} 未获得空间" in s
        # the mean wait counts the lost, at the wait after which they gave up
        assert f"平均等待 {m['mean_wait_months_total']:.1f} 个月，其中流失项目按其放弃时已等待的 9 个月计入" in s
    else:
        s = _sentence(r, "are lost waiting for it")
        assert f"Of the projects that queued for space, {lost} are lost" in s
        assert f"{waiting} are still waiting at the end: {unserved} are not served" in s
        assert f"wait {m['mean_wait_months_total']:.1f} months on average, the lost counted at the 9 months" in s


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_idle_land_and_exits(lang):
    r = _run(GUANGYUAN, lang=lang)
    m = r.data["land"]
    idle, held, exited = m["land_idle_mu"][-1], m["land_idle_held_mu"][-1], sum(m["exited"])
    assert 0 < held < idle and exited > 0
    needle = "期末闲置工业用地" if lang == "zh" else "lie idle"
    s = _sentence(r, needle)
    if lang == "zh":
        assert f"期末闲置工业用地平均 {idle:,.0f} 亩，其中 {held:,.0f} 亩仍由停产企业持有" in s
        assert f"2024–2028 年平均共有 {_count(exited)} 家企业退出" in s
    else:
        assert f"At the end {idle:,.0f} mu of industrial land lie idle on average, {held:,.0f} mu of it held" in s
        assert f"{_count(exited)} firms leave over 2024–2028" in s


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_factory_only_park_says_nothing_of_land_running_out(lang):
    with_land, factory_only = _run(GUANGYUAN, lang=lang), _run(GUANGYUAN, FACTORY_ONLY, lang)
    assert with_land.data["land"]["p_land_exhausted"] is not None
    assert factory_only.data["land"]["p_land_exhausted"] is None
    exhausted = "用地在期内耗尽" if lang == "zh" else "land runs out"
    headline = "期内用地耗尽概率" if lang == "zh" else "P(land runs out"
    assert any(exhausted in s for s in report.land_findings(with_land))
    assert headline in report.key_numbers(with_land).data
    assert not any(exhausted in s for s in report.land_findings(factory_only))
    assert headline not in report.key_numbers(factory_only).data
    assert "—" not in "".join(report.land_findings(factory_only))  # no figure left blank
    page = report.findings(factory_only).data + report.land_section(factory_only).data
    assert exhausted not in page
    # the land-left panel's title gives the probability only when there is one
    p_label = labels.t("land.p_exhausted", lang, p="").strip()
    titles, titles_factory = ([ax.get_title() for ax in _figure(r).axes] for r in (with_land, factory_only))
    assert any(p_label in x for x in titles) and not any(p_label in x for x in titles_factory)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screen_sentence_lists_every_condition_with_its_count(lang):
    r = _run(JIANSHI, lang=lang)
    m = r.data["land"]
    conditions = m["screened_by_condition"]
    assert len(conditions) == 3 and all(c["turned_away"] > 0 for c in conditions)
    lead = "“标准地”门槛" if lang == "zh" else "standard-land screen"
    s = _sentence(r, lead)
    total = _count(m["screened_out_total"])
    assert (f"平均拒绝 {total} 个项目" if lang == "zh" else f"turns away {total} projects") in s
    for c in conditions:
        item = (f"{c['label_zh']}：{_count(c['turned_away'])} 个" if lang == "zh"
                else f"{c['label_en']}: {_count(c['turned_away'])}")
        assert item in s, item
    # the conditions overlap: a project failing several counts under each
    assert sum(c["turned_away"] for c in conditions) > m["screened_out_total"]


def test_screen_condition_names_from_the_scenario_are_escaped():
    attack = "<b>&x"
    r = _run(JIANSHI, (f"land.standard_land.industries=[{{name: '{attack}', share: 1.0, "
                       "land: {plot_ratio: {min: 1.0}}}]",))
    labels_zh = [c["label_zh"] for c in r.data["land"]["screened_by_condition"]]
    assert any(attack in x for x in labels_zh)
    page = report.findings(r).data
    assert "&lt;b&gt;&amp;x" in page and attack not in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reverse_answer_against_the_scenario_programme(lang):
    r = _run(GUANGYUAN, ("land.reverse.lever=build_m2_per_year",), lang)
    rev = r.data["land"]["reverse"]
    assert rev["lever"] == "build_m2_per_year" and rev["current"] == 600_000
    now = labels.percent(rev["lost_share_current"])
    s = _sentence(r, labels.t("land.lever.build_m2_per_year", lang))
    if lang == "zh":
        assert f"本情景现有设定：60.0万平方米/年（上限，目标空置率），厂房项目流失率 {now}" in s
    else:
        assert f"the scenario as it is has at most 600k m² a year (target vacancy), and loses {now} of factory" in s
    # no limit in the scenario: said so
    unlimited = _run(GUANGYUAN, ("land.factories.policy=to_suit", "land.factories.build_m2_per_year=null",
                                 "land.max_wait_months=12", "land.reverse.lever=build_m2_per_year"), lang)
    rev = unlimited.data["land"]["reverse"]
    assert rev["current"] is None
    s = _sentence(unlimited, labels.t("land.lever.build_m2_per_year", lang))
    limit = labels.t("land.no_limit", lang)
    assert (f"本情景现有设定：{limit}" if lang == "zh" else f"the scenario as it is has {limit}") in s
    assert labels.percent(rev["lost_share_current"]) in s


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_method_states_the_build_programme(lang):
    def paragraph(path, overrides=()):
        return report.land_method(_run(path, overrides, lang))[0]

    expected = {
        "zh": ("开工 6.0万平方米/年。", "开工至多 60.0万平方米/年（计划为上限）", "每年开工量不设上限", "不再新建（计划为 0）"),
        "en": ("starting 60k m² a year.", "starting at most 600k m² a year (the programme is a cap)",
               "with no limit on what starts a year", "building nothing more (a programme of 0)"),
    }[lang]
    assert expected[0] in paragraph(JIANSHI)  # fixed: exactly that
    assert expected[1] in paragraph(GUANGYUAN)  # target vacancy: a cap
    assert expected[2] in paragraph(GUANGYUAN, ("land.factories.policy=to_suit", "land.max_wait_months=12",
                                                "land.factories.build_m2_per_year=null"))
    assert expected[3] in paragraph(GUANGYUAN, ("land.factories.build_m2_per_year=0",))


# -- the section: charts over whole years, the yearly table ------------------------------


def _figure(r: ScenarioRun):
    with style():
        return report._land_figure(r.data["land"], report._lang(r))


@pytest.mark.parametrize("years", [2, 5, 12])
def test_yearly_axes_tick_whole_years(years):
    r = _run(GUANGYUAN, (f"land.horizon_years={years}",), "en")
    fig = _figure(r)
    fans = fig.axes[:3]  # occupancy, vacant space, land left; the fourth is the funnel
    for ax in fans:
        lo, hi = sorted(ax.get_xlim())
        ticks = [x for x in ax.get_xticks() if lo - 1e-9 <= x <= hi + 1e-9]
        assert len(ticks) >= 2, ticks
        assert all(float(x).is_integer() for x in ticks), ticks
        shown = ax.xaxis.get_major_formatter().format_ticks(ticks)
        assert shown == [str(int(x)) for x in ticks], shown
        assert {int(x) for x in ticks} <= set(range(2024, 2024 + years))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_yearly_table_has_starts_idle_land_and_exits(lang):
    r = _run(GUANGYUAN, lang=lang)
    m = r.data["land"]
    page = report.land_section(r).data
    for key in ("land.started", "land.idle", "land.exited"):
        assert f"<th>{labels.t(key, lang)}</th>" in page
    headers = page.split("<thead>")[1].split("</thead>")[0].count("<th>")
    first = page.split("<tbody>")[1].split("</tr>")[0]
    cells = first.count("<td>")
    assert headers == cells == 13
    assert (f"<td>{m['started'][0]:.1f}</td>" in first and f"<td>{m['land_idle_mu'][0]:,.0f}</td>" in first
            and f"<td>{m['exited'][0]:.1f}</td>" in first)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_auto_reverse_in_guangyuan_is_land_and_says_the_land_itself_runs_out(lang):
    """Guangyuan's land projects lose the larger share and its land runs out: auto picks servicing,
    no servicing rate meets the target, and the brief says why."""
    r = _run(GUANGYUAN, lang=lang)
    rev = r.data["land"]["reverse"]
    assert rev["lever"] == "servicing_mu_per_year" and rev["rate"] is None and rev["current"] == 2000
    s = _sentence(r, labels.t("land.lever.servicing_mu_per_year", lang))
    assert labels.t("land.f_reverse_none_land", lang).strip() in s


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_moratorium_is_named_not_shown_as_zero(lang):
    r = _run(GUANGYUAN, ("land.reverse.lever=build_m2_per_year", "land.factories.policy=fixed",
                         "land.factories.build_m2_per_year=0"), lang)
    s = _sentence(r, labels.t("land.lever.build_m2_per_year", lang))
    assert labels.t("land.nothing.build_m2_per_year", lang) in s
