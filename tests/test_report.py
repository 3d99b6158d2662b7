"""The brief's pieces in both languages: every glyph drawn, every label looked up, every string escaped;
markup from autoescaping templates, charts without touching matplotlib's global state."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import warnings
from html import escape

import pytest
from markupsafe import escape

from conftest import Captured, ROOT
from simlib import models
from simlib.brief import comparison, explore_report, labels, report
from simlib.brief.html import TEMPLATES, environment
from simlib.scenario import ScenarioRun, load, run

SCENARIOS = sorted((ROOT / "params").glob("*.yaml"))


@pytest.fixture(scope="module", params=SCENARIOS, ids=[p.stem for p in SCENARIOS])
def scenario_run(request) -> ScenarioRun:
    return run(request.param)


def in_language(r: ScenarioRun, lang: str) -> ScenarioRun:
    params = r.scenario.params.model_copy(
        update={"meta": r.scenario.params.meta.model_copy(update={"language": lang})})
    return dataclasses.replace(r, scenario=dataclasses.replace(r.scenario, params=params))


def sections(r: ScenarioRun) -> list[str]:
    parts = [report.header(r), report.key_numbers(r), report.findings(r), report.method(r), report.parameters(r)]
    parts += [report.section(r, m) for m in r.metrics]
    return [p.data for p in parts]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_and_section_renders_without_warnings(scenario_run, lang):
    """A missing glyph (Chinese drawn as boxes) is a matplotlib warning; here any warning fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = "".join(sections(in_language(scenario_run, lang)))
    # one chart a model, and the revenue rule's own chart
    assert html.count('src="data:image/png;base64,') == len(scenario_run.metrics) + ("revenue" in scenario_run.metrics)


def test_english_brief_words_come_from_the_english_labels(scenario_run, monkeypatch):
    monkeypatch.setattr(report, "figure_uri", lambda fig: "data:image/png;base64,")  # words only: not drawn
    r = in_language(scenario_run, "en")
    # Chinese may only come from the scenario file (titles, names, sources), never from the brief's own
    # words; the header and the parameter appendix, which quote the file, are left out here
    html = "".join(p for p in sections(r)[1:] if p != report.parameters(r).data)
    names = [s for s in _texts(r.scenario.resolved()) if re.search(r"[\u4e00-\u9fff]", s)]
    for name in sorted(names, key=len, reverse=True):  # the scenario's own names (考人 holds 人)
        html = html.replace(escape(name), "")
    own_zh = {v["zh"] for v in labels.LABELS.values() if re.search(r"[\u4e00-\u9fff]", v["zh"])}
    for text in own_zh:
        if "{" not in text:
            assert text not in html, text


def _texts(tree: object) -> list[str]:
    """Every text in a resolved parameter tree, keys of mappings included."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [t for k, v in tree.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(tree, list):
        return [t for v in tree for t in _texts(v)]
    return []


def test_key_numbers_are_three_to_five(scenario_run):
    count = report.key_numbers(scenario_run).data.count('class="key"')
    assert 3 <= count <= 5


def test_every_label_has_both_languages_and_the_same_fields():
    for key, text in labels.LABELS.items():
        assert set(text) == {"zh", "en"}, key
        fields = [set(re.findall(r"{(\w+)", text[lang])) for lang in ("zh", "en")]
        assert fields[0] == fields[1], key


def test_dollar_signs_in_scenario_text_are_not_mathematics():
    r = run(ROOT / "params" / "yongchang_2024.yaml", [
        "salary.appraisal.quotas=[{grade: '$\\frac{1$', share: 0.2, coefficient: 1.5}, "
        "{grade: '$x$', share: 0.8, coefficient: 1.0}]"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = report.salary_section(r).data
    assert "$\\frac{1$" in html and "$x$" in html


# -- revenue: the county's view, the ratchet, the rule, targets ---------------------

QINGZHEN = ROOT / "params" / "qingzhen_2025.yaml"
FAST = ["revenue.paths=2000", "land.paths=50"]


def _revenue_run(overrides: list[str], lang: str) -> ScenarioRun:
    return run(load(QINGZHEN, [*FAST, *overrides, f"meta.language={lang}"]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_view_sentence_has_the_totals_and_the_plain_split(lang):
    r = _revenue_run(["revenue.sharing.cap=null", "revenue.sharing.floor=0.5"], lang)
    m = r.data["revenue"]
    money = lambda v: labels.money(v, lang)  # noqa: E731
    sentence = next(s for s in report.revenue_findings(r) if money(m["county_net_total_mean"]) in s)
    diff = m["zone_payout_total_mean"] - m["flat_split_payout_total_mean"]
    for v in ("county_net_total_mean", "tax_total_mean", "county_topup_total_mean", "pooled_total_mean",
              "zone_payout_total_mean", "flat_split_payout_total_mean"):
        assert money(m[v]) in sentence, v
    assert diff > 0  # the floor tops the zone up above a plain split
    assert labels.t("revenue.diff_more", lang, amount=money(diff)) in sentence
    assert "0.50" in sentence
    assert sentence in report.findings(r).data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ratchet_wording_gives_static_and_dynamic_retention(lang):
    r = _revenue_run(["revenue.sharing.cap=null", "revenue.sharing.floor=0.5",
                      "revenue.sharing.base_reset_years=3"], lang)
    m = r.data["revenue"]
    oneoff, lasting = m["marginal_retention_dynamic_oneoff"], m["marginal_retention_dynamic_lasting"]
    assert oneoff < m["marginal_retention_overall"]
    sentence = next(s for s in report.revenue_findings(r) if f"{m['marginal_retention_overall']:.3f}" in s)
    assert f"{oneoff:.3f}" in sentence and f"{lasting:.3f}" in sentence
    assert ("鞭打快牛" if lang == "zh" else "overstates the incentive") in sentence
    keys = report.key_numbers(r).data
    assert f'<div class="v">{oneoff:.3f}</div>' in keys and labels.t("revenue.key_dynamic", lang) in keys
    # without a moving base: the static sentence and headline, no ratchet wording
    plain = _revenue_run(["revenue.sharing.cap=null", "revenue.sharing.floor=0.5"], lang)
    text = report.findings(plain).data
    assert "鞭打快牛" not in text and "overstates" not in text
    assert labels.t("revenue.key_dynamic", lang) not in report.key_numbers(plain).data
    grown = _revenue_run(["revenue.sharing.cap=null", "revenue.sharing.floor=0.5",
                          "revenue.sharing.base_growth=0.05"], lang)
    g = grown.data["revenue"]
    assert f"{g['marginal_retention_dynamic_oneoff']:.3f}" in next(
        s for s in report.revenue_findings(grown) if f"{g['marginal_retention_overall']:.3f}" in s)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rule_chart_for_flat_and_bracket_rules(lang):
    """The rule's own chart is drawn for a flat rule and for brackets (whose thresholds it marks)."""
    flat = report.revenue_section(_revenue_run([], lang)).data
    assert flat.count("data:image/png;base64,") == 2
    assert labels.t("revenue.rule_title", lang) in flat
    brackets = _revenue_run(["revenue.sharing.zone_share=null",
                             "revenue.sharing.brackets=[{above: 0, share: 0.5}, {above: 1, share: 0.3}]"], lang)
    page = report.revenue_section(brackets).data
    assert page.count("data:image/png;base64,") == 2
    assert labels.t("revenue.rule_title", lang) in page


def test_targets_table_and_sentences_escaped():
    r = _revenue_run([], "en")
    assert "<caption>" + labels.t("revenue.targets_caption", "en") not in report.revenue_section(r).data
    r.data["revenue"]["targets"] = [
        {"series": "tax", "year": 2023, "value": 0.62, "probability": 0.41, "ci_low": 0.39, "ci_high": 0.43},
        {"series": ATTACK, "year": 2030, "value": 12.5, "probability": 0.875, "ci_low": 0.8, "ci_high": 0.93}]
    found = report.revenue_findings(r)
    assert "P(tax in 2023 ≥ CNY 62m) = 41% (95% interval 39%–43%)." in found
    assert f"P({ATTACK} in 2030 ≥ 12.5) = 88% (95% interval 80%–93%)." in found
    page = report.revenue_section(r).data + report.findings(r).data
    assert "<tr><td>tax</td><td>2023</td><td>CNY 62m</td><td>41%</td><td>39%–43%</td></tr>" in page
    assert "<img src=x" not in page and page.count(ESCAPED) == 2
    zh = in_language(r, "zh")
    zh.data["revenue"]["targets"] = r.data["revenue"]["targets"][:1]
    assert "P(2023 年税收 ≥ 0.62亿元) = 41%（95% 区间 39%–43%）。" in report.revenue_findings(zh)


def test_scenario_targets_reach_the_brief():
    r = run(load(ROOT / "params" / "jianshi_2021.yaml", ["meta.language=en"]))
    targets = r.data["revenue"]["targets"]
    assert [t["series"] for t in targets] == ["tax", "value_added"]
    found = report.findings(r).data
    for tg, name, value in zip(targets, ("tax", "above-scale value added"), ("CNY 62m", "CNY 2,287m")):
        p, lo, hi = (labels.percent(tg[k], 0) for k in ("probability", "ci_low", "ci_high"))
        assert f"P({name} in 2023 ≥ {value}) = {p} (95% interval {lo}–{hi})." in found
    assert report.revenue_section(r).data.count("<tr><td>") == 3 + 2  # three years, two targets


# -- templates and escaping ------------------------------------------------------

ATTACK = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_templates_escape_by_default_and_never_mark_text_safe():
    assert environment().autoescape is True
    templates = sorted(TEMPLATES.rglob("*.j2"))
    assert {"macros.html.j2", "batch_index.html.j2"} <= {p.name for p in templates}
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", text), path
    for path in (ROOT / "simlib" / "brief").glob("*.py"):
        assert "Markup(" not in path.read_text(encoding="utf-8"), path  # nothing made "safe" in Python either


def test_scenario_text_in_every_template_is_escaped():
    r = run(ROOT / "params" / "yongchang_2024.yaml", [f"meta.title={ATTACK}", f"meta.description={ATTACK}"])
    zone = "".join(p.data for p in (report.header(r), report.footer(r, {
        "params_sha256": ATTACK, "simlib_version": "0", "git_commit": ATTACK, "seed": 1, "created": "now"})))
    names = [ATTACK, "b"]
    compare = "".join(p.data for p in (comparison.header(names, [r, r], "en"),
                                       comparison.differences(names, [r, r], "en"),
                                       comparison.key_metrics(names, [r, r], "en")))
    spec = {"vary": [{"key": ATTACK, "lo": 0.0, "hi": 1.0, "n": 2}], "title": ATTACK, "points": 2,
            "table": ATTACK, "shown": [ATTACK], "metric": ATTACK,
            "target": {"text": ATTACK, "metric": ATTACK, "op": ">=", "value": 0.5}}
    rows = [{ATTACK: 0.0}, {ATTACK: 1.0}]
    explore = "".join(p.data for p in (explore_report.sweep_header(spec, "en"), explore_report.sweep_table(rows, spec, "en"),
                                       explore_report.sensitivity_header(spec, "en")))
    for page, count in ((zone, 4), (compare, 3), (explore, 7)):
        assert "<img src=x" not in page
        assert page.count(ESCAPED) >= count


# -- charts: matplotlib's object API, no global state ----------------------------

_STATE_SCRIPT = r"""
import importlib, json, pkgutil, sys
import matplotlib
assert "matplotlib.pyplot" not in sys.modules
backend = matplotlib.get_backend()
before = dict(matplotlib.rcParams)  # the backend is set (MPLBACKEND), so reading it imports nothing

import simlib
for info in pkgutil.walk_packages(simlib.__path__, "simlib."):
    importlib.import_module(info.name)
from simlib.brief import comparison, explore_report, report
from simlib.scenario import run

r = run(sys.argv[1], ["revenue.paths=500", "land.paths=100"])
pages = [report.section(r, s).data for s in r.metrics]
other = run(sys.argv[1], ["revenue.paths=500", "land.paths=100", "revenue.sharing.cap=null"])
pages.append(comparison.charts(["a", "b"], [r, other], "zh").data)  # only series that differ are drawn
spec = {"vary": [{"key": "k", "lo": 0.0, "hi": 1.0, "n": 2}], "shown": ["m"], "metric": "m"}
pages.append(explore_report.sweep_charts([{"k": 0.0, "m": 1.0}, {"k": 1.0, "m": 2.0}], spec, "zh").data)
sens = {"method": "morris", "factors": ["k"], "mu_star": [0.3], "mu_star_ci": [0.1], "mu": [0.1],
        "sigma": [0.2], "evaluations": 10}
pages.append(explore_report.sensitivity_section(sens, spec, "zh").data)
after = dict(matplotlib.rcParams)
print(json.dumps({
    "images": sum(p.count('src="data:image/png;base64,') for p in pages),
    "pyplot": sorted(m for m in sys.modules if m == "matplotlib.pyplot" or m.startswith("matplotlib.pyplot.")),
    "backend": [backend, matplotlib.get_backend()],
    "changed": sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)),
}))
"""


def test_charts_leave_matplotlib_global_state_alone():
    """Importing every simlib module and drawing every kind of chart imports no pyplot, chooses no
    backend and leaves rcParams as they were (the CJK font is applied in an rc_context)."""
    proc = subprocess.run([sys.executable, "-c", _STATE_SCRIPT, str(ROOT / "params" / "qingzhen_2025.yaml")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "MPLBACKEND": "template"})
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout.splitlines()[-1])
    assert state["images"] == 4 + 1 + 1 + 1  # revenue: the fans and the rule
    assert state["pyplot"] == []
    assert state["backend"] == ["template", "template"]
    assert state["changed"] == []


def test_no_simlib_source_uses_pyplot_or_global_matplotlib_settings():
    for path in sorted((ROOT / "simlib").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "pyplot" not in text, path
        assert not re.search(r"\b(matplotlib|mpl)\.(use|rc|rcdefaults)\(|rcParams\s*\[[^]]*\]\s*=|rcParams\.update",
                             text), path


# -- a model with no section of its own -------------------------------------------


class WaterMetrics(models.Metrics):
    years: list[int]
    supply: list[float | None]
    shortfall_p: float
    note: str
    detail: dict[str, float]


WATER = models.Model(section="water", title={"zh": "供水<b>", "en": "Water <b>"}, params=models.Section,
                     metrics=WaterMetrics, simulate=lambda *a: None, summarize=lambda *a: None)


@pytest.fixture
def water_run(monkeypatch) -> tuple[ScenarioRun, ScenarioRun]:
    """A run with a plugin's model beside the built-in ones, and the same run without it."""
    monkeypatch.setattr(models, "registry", lambda: (*models.BUILT_IN, WATER))
    r = in_language(run(ROOT / "params" / "guangyuan_2023.yaml", ["land.paths=100"]), "en")
    water = WaterMetrics(years=[2026, 2027, 2028], supply=[1.0, 2.5, None], shortfall_p=0.125, note=ATTACK,
                         detail={"a": 1.0})
    return dataclasses.replace(r, metrics={**r.metrics, "water": water}), r


def test_a_model_without_a_section_of_its_own_gets_the_generic_one(water_run):
    r, without = water_run
    assert list(r.metrics) == ["land", "water"]
    assert report.SECTIONS == {"revenue": report.revenue_section, "salary": report.salary_section,
                               "land": report.land_section, "zone": report.zone_section}
    page = report.section(r, "water").data
    assert "<h2>Water &lt;b&gt;</h2>" in page
    assert "<tr><td>shortfall_p</td><td>0.125</td></tr>" in page
    assert f"<tr><td>note</td><td>{ESCAPED}</td></tr>" in page and "<img src=x" not in page
    assert "<th>Metric</th><th>2026</th><th>2027</th><th>2028</th>" in page
    assert "<tr><td>supply</td><td>1</td><td>2.5</td><td>—</td></tr>" in page
    assert "detail" not in page and "<td>years</td>" not in page
    assert report.section(r, "land").data.count("data:image/png;base64,") == 1
    # no findings and no method paragraph of its own; the other models' are unchanged
    assert report.findings(r).data == report.findings(without).data
    assert report.method(r).data == report.method(without).data
    assert in_language(r, "zh") and "<h2>供水&lt;b&gt;</h2>" in report.section(in_language(r, "zh"), "water").data
    # the comparison draws only series it knows that differ: the land is the same, the water unknown
    # (tests/test_comparison.py draws a differing land beside a plugin's model)
    assert comparison.charts(["a", "b"], [r, without], "en").data == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_method_states_the_general_schedule(lang):
    """Brackets, a growing base and a period are spelled out in the method paragraph; the flat rule
    adds no such sentence."""
    r = _revenue_run(["revenue.sharing.zone_share=null",
                      "revenue.sharing.brackets=[{above: 0, share: 0.3}, {above: 1, share: 0.6}]",
                      "revenue.sharing.base_growth=0.05", "revenue.sharing.periods=[{from_year: 2027, cap: 3.0}]"],
                     lang)
    text = report.method(r).data
    assert labels.t("revenue.sched_base_growth", lang, rate="5.0%") in text
    assert "30%" in text and "60%" in text and "2027" in text and "cap = 3.0" in text
    flat = report.method(_revenue_run([], lang)).data
    assert labels.t("revenue.sched", lang, items="").split("{")[0][:6] not in flat


# -- salary: rounds, the rule as written, unit pools, exempt staff, the chart's point ---------------

SALARY = {
    "meta": {"title": "薪酬测试", "zone": "测试区", "language": "zh", "seed": 7},
    "salary": {
        "staff": 60,
        "departments": [{"name": "综合部", "size": 20}, {"name": "招商部", "size": 20},
                        {"name": "运营公司", "size": 20, "unit": "company"}],
        "department_effect_sd": 0.3,
        "posts": [{"track": "management", "level": "部长", "base_pay": 15.0, "share": 0.4},
                  {"track": "professional", "level": "专员", "base_pay": 10.0, "share": 0.6}],
        "rounds": 60,
        "appraisal": {"method": "single", "reliability": 0.6, "scope": "department",
                      "quotas": [{"grade": "优秀", "share": 0.2, "coefficient": 1.3},
                                 {"grade": "良好", "share": 0.5, "coefficient": 1.0},
                                 {"grade": "合格", "share": 0.3, "coefficient": 0.7}]},
        "park": {"grades": [{"grade": "第一", "coefficient": 1.1}, {"grade": "第二", "coefficient": 1.0}],
                 "committee_grade": "第二", "company_grade": "第一", "link_threshold": "第二",
                 "link_company_best": "第二"},
        "pay": {"standard_amount": 3.0, "pool_mode": "exact"},
    },
}


@pytest.fixture(scope="module")
def salary_scenario(tmp_path_factory):
    """A salary-only scenario (60 staff, 20 of them in the operating company, 60 rounds), loaded."""
    import yaml

    path = tmp_path_factory.mktemp("salary") / "salary_test.yaml"
    path.write_text(yaml.safe_dump(SALARY, allow_unicode=True), encoding="utf-8")
    return load(path)


def _salary_run(scenario, lang: str, **values) -> ScenarioRun:
    return run(scenario.with_values(values).in_language(lang))


def _opening(key: str, lang: str) -> str:
    """A label's text up to its first field: what every sentence made from it starts with."""
    return labels.LABELS[key][lang].split("{")[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_budget_sentence_only_when_the_pool_is_not_spent_by_construction(salary_scenario, lang):
    """``exact`` spends every pool to the yuan by construction, so the brief says nothing about the
    budget; ``standard`` pays per coefficient, and the share of the budget spent is a finding."""
    exact = _salary_run(salary_scenario, lang)
    assert exact.data["salary"]["pool_allocated_share"] == pytest.approx(1.0)
    found = " ".join(report.salary_findings(exact))
    assert _opening("salary.f_budget", lang) not in found
    assert ("预算" if lang == "zh" else "budget") not in found
    standard = _salary_run(salary_scenario, lang, **{"salary.pay.pool_mode": "standard"})
    m = standard.data["salary"]
    sentence = next(s for s in report.salary_findings(standard) if s.startswith(_opening("salary.f_budget", lang)))
    assert sentence == labels.t("salary.f_budget", lang, spent=labels.wan(m["performance_pay_total"], lang),
                                pool=labels.wan(m["pool"], lang), share=labels.percent(m["pool_allocated_share"]),
                                park=labels.t("salary.times_park", lang))
    assert escape(sentence) in report.findings(standard).data


def _linked_sentence(r: ScenarioRun, lang: str) -> str:
    m = r.data["salary"]
    park = r.scenario.params.salary.park
    company = next(u for u in m["by_unit"] if u["unit"] == "company")
    before = park.grades[park.rank(park.company_grade)].coefficient
    assert company["performance_pay_mean"] / company["performance_pay_mean_unlinked"] == pytest.approx(
        company["park_coefficient"] / before)
    return labels.t("salary.f_link", lang, committee=park.committee_grade, asked=park.company_grade,
                    company=m["company_grade"], before=labels.wan(company["performance_pay_mean_unlinked"], lang),
                    after=labels.wan(company["performance_pay_mean"], lang),
                    c_after=f"{company['park_coefficient']:.1f}", c_before=f"{before:.1f}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_linked_rule_sentence_gives_the_company_pay_drop_in_qingzhen(lang):
    """Seed 000's linked rule: the committee rated 第二 caps the company at 第二, and company staff's
    performance pay falls by the coefficient ratio 1.0/1.1 — said in a sentence with the figures, and
    shown in the unit table."""
    scenario = load(QINGZHEN, [f"meta.language={lang}"])
    if not any(d.unit == "company" for d in scenario.params.salary.departments):  # until the file has them
        sal = scenario.params.salary
        departments = [d.model_dump() for d in sal.departments]
        departments.append({"name": "运营公司", "size": 20, "unit": "company"})
        scenario = scenario.with_values({"salary.departments": departments, "salary.staff": sal.staff + 20})
    r = run(scenario, sections=["salary"])
    m = r.data["salary"]
    assert m["company_grade"] == "第二"
    company = next(u for u in m["by_unit"] if u["unit"] == "company")
    assert company["performance_pay_mean"] < company["performance_pay_mean_unlinked"]
    sentence = _linked_sentence(r, lang)
    assert sentence in report.salary_findings(r)
    if lang == "zh":
        assert sentence.startswith("联动规则：管委会被评为“第二”，运营公司由“第一”降为“第二”，"
                                   "公司员工人均绩效薪酬由 ")
        assert sentence.endswith("（系数 1.0/1.1）。")
    assert escape(sentence) in report.findings(r).data
    table = report.salary_section(r).data
    move = "第一 → 第二" if lang == "zh" else "第一 (first) → 第二 (second)"  # the glossary's English
    company_row = f"<td>{labels.t('salary.company', lang)}</td><td>{company['staff']}</td><td>{move}</td><td>1.0</td>"
    assert company_row in table
    # the committee rated 第一: the rule does not bite, and no sentence says it did
    free = run(scenario.with_values({"salary.park.committee_grade": "第一"}), sections=["salary"])
    assert not any(s.startswith(_opening("salary.f_link", lang)) for s in report.salary_findings(free))


def test_linked_rule_without_company_staff_says_no_pay_moves(salary_scenario):
    r = _salary_run(salary_scenario, "en", **{
        "salary.departments": [{"name": "a", "size": 30}, {"name": "b", "size": 30}]})
    assert [u["unit"] for u in r.data["salary"]["by_unit"]] == ["committee"]
    assert labels.t("salary.f_link_no_staff", "en", committee="第二", asked="第一", company="第二") in \
        report.salary_findings(r)


@pytest.mark.parametrize("method", ["single", "objective_subjective", "index"])
def test_chart_point_is_the_key_number(salary_scenario, monkeypatch, method):
    """The scenario's point on the misranking chart is the headline: at the final score's derived
    reliability, the mean share of misordered pairs over rounds, its error bar the 5–95% range; the
    curve is ``misordered_simulated`` and no vertical "this scenario" line is left."""
    values = {"objective_subjective": {
        "salary.appraisal": {**SALARY["salary"]["appraisal"], "method": "objective_subjective", "reliability": None,
                             "objective_weight": 0.6, "objective_reliability": 0.7, "subjective_reliability": 0.4,
                             "subjective_shares": [0.2, 0.5, 0.3]}},
        "index": {"salary.appraisal": {**SALARY["salary"]["appraisal"], "method": "index", "reliability": None,
                                       "dimensions": [{"name": "考人", "weight": 1, "reliability": 0.5},
                                                      {"name": "考绩", "weight": 3, "reliability": 0.8}]}}}
    r = _salary_run(salary_scenario, "zh", **values.get(method, {}))
    m = r.data["salary"]
    x, y, lo, hi = report.salary_scenario_point(m)
    assert (x, y) == (m["score_reliability"], m["misordered_pairs"])
    assert (lo, hi) == (m["ranges"]["misordered_pairs"]["low"], m["ranges"]["misordered_pairs"]["high"])
    assert lo < y < hi
    assert f'<div class="v">{labels.percent(y)}</div>' in report.key_numbers(r).data
    captured = Captured()
    monkeypatch.setattr(report, "figure_uri", captured)
    report.salary_section(r)
    ax = captured.figures[0].axes[1]
    (bar,) = ax.containers
    np_xy = bar.lines[0].get_xydata()
    assert np_xy.tolist() == [[x, y]]
    segment = bar.lines[2][0].get_segments()[0]
    assert segment[:, 1].tolist() == pytest.approx([lo, hi])
    curve = next(line for line in ax.lines if line.get_label() == labels.t("salary.simulated", "zh"))
    assert list(curve.get_ydata()) == m["misrank_curve"]["misordered_simulated"]
    assert labels.t("salary.this_scenario", "zh", rounds=f"{m['rounds']:,}") in [h.get_label() for h in [bar]]
    vertical = [line for line in ax.lines if len(set(line.get_xdata())) == 1 and len(line.get_xdata()) > 1]
    assert vertical == []


def test_comparison_chart_draws_misordered_pairs(salary_scenario, monkeypatch):
    a = _salary_run(salary_scenario, "en")
    b = _salary_run(salary_scenario, "en", **{"salary.appraisal.reliability": 0.9})
    captured = Captured()
    monkeypatch.setattr(comparison, "figure_uri", captured)
    comparison.charts(["a", "b"], [a, b], "en")
    ax = captured.figures[0].axes[0]
    for r in (a, b):
        m = r.data["salary"]
        ys = [list(line.get_ydata()) for line in ax.lines]
        assert m["misrank_curve"]["misordered_simulated"] in ys
        assert [m["misordered_pairs"]] in ys  # each scenario's own point: its key number


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_grade_table_shows_the_rule_as_written_and_exempt_staff(salary_scenario, lang):
    """A cap (≤ 20%), minimum scores (≥ 85 分) and the rest, each beside the share actually graded;
    exempt staff in a row of their own, outside the forced distribution and the pool, and in a sentence."""
    quotas = [{"grade": "优秀", "max_share": 0.2, "coefficient": 1.3},
              {"grade": "良好", "min_score": 85, "coefficient": 1.0},
              {"grade": "合格", "coefficient": 0.7}]
    r = _salary_run(salary_scenario, lang, **{
        "salary.appraisal.quotas": quotas, "salary.appraisal.rounding": "up",
        "salary.appraisal.score_scale": {"mean": 80, "sd": 8}, "salary.exempt_share": 0.1})
    m = r.data["salary"]
    assert m["exempt_staff"] == 6 and not m["exempt"]["hidden"]
    page = report.salary_section(r).data
    t = lambda key, **kw: labels.t(key, lang, **kw)  # noqa: E731
    for q, rule, row in zip(quotas, (t("salary.rule_cap", share="20%"), t("salary.rule_min", score="85"),
                                     t("salary.rule_rest")), m["by_grade"]):
        assert f"<tr><td>{q['grade']}</td><td>{rule}</td><td>{labels.percent(row['share'])}</td>" in page
    exempt = t("salary.exempt_row")
    assert f"<tr><td>{exempt}</td><td>{t('salary.exempt_rule')}</td><td>—</td><td>—</td><td>6</td>" in page
    assert f"<tr><td>{exempt}</td><td>6</td><td>—</td><td>—</td><td>{t('salary.not_in_pool')}</td></tr>" in page
    found = report.salary_findings(r)
    e = m["exempt"]
    assert t("salary.f_exempt", people=t("salary.people", n="6"), mean=labels.wan(e["mean"], lang),
             p10=labels.wan(e["p10"], lang), p90=labels.wan(e["p90"], lang)) in found
    method = " ".join(report.salary_method(r))
    assert t("salary.rounding_up") in method and t("salary.m_scale", mean="80", sd="8") in method
    # fewer than five exempt: the sentence stays, their pay is not shown
    few = _salary_run(salary_scenario, lang, **{"salary.exempt_share": 0.05})
    assert few.data["salary"]["exempt_staff"] == 3
    assert t("salary.f_exempt_hidden", people=t("salary.people", n="3")) in report.salary_findings(few)
    assert (f"<td>{t('salary.exempt_row')}</td><td>{t('salary.exempt_rule')}</td><td>—</td><td>—</td><td>3</td>"
            f"<td>{escape(t('salary.hidden'))}</td><td>—</td>") in report.salary_section(few).data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_give_rounds_ranges_and_the_derived_reliability(salary_scenario, lang):
    """The misordered-pairs sentence has the mean, the 90% range over rounds and the rounds; the
    reliability sentence says how the score is made (two parts with the weight)."""
    appraisal = {**SALARY["salary"]["appraisal"], "method": "objective_subjective", "reliability": None,
                 "objective_weight": 0.6, "objective_reliability": 0.7, "subjective_reliability": 0.4,
                 "subjective_shares": [0.2, 0.5, 0.3]}
    r = _salary_run(salary_scenario, lang, **{"salary.appraisal": appraisal})
    m = r.data["salary"]
    found = report.salary_findings(r)
    rng = m["ranges"]["misordered_pairs"]
    first = found[0]
    assert "60" in first and labels.percent(m["misordered_pairs"]) in first
    assert labels.percent(rng["low"]) in first and labels.percent(rng["high"]) in first
    assert ("90% 的模拟轮次在" if lang == "zh" else "in 90% of simulated rounds") in first
    reliability = found[1]
    assert f"{m['score_reliability']:.2f}" in reliability and "0.60" in reliability and "0.40" in reliability
    assert "20%/50%/30%" in reliability
    method = " ".join(report.salary_method(r))
    assert labels.t("salary.rounding_largest_remainder", lang) in method
    assert f"{m['noise_sd']['objective']:.2f}" in method and f"{m['noise_sd']['subjective']:.2f}" in method


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_index_brief_reads_as_cadre_appraisal(salary_scenario, lang):
    appraisal = {**SALARY["salary"]["appraisal"], "method": "index", "reliability": None,
                 "dimensions": [{"name": "考人", "weight": 1, "reliability": 0.5},
                                {"name": "考事", "weight": 1, "reliability": 0.6},
                                {"name": "考绩", "weight": 2, "reliability": 0.8}],
                 "dimension_correlation": 0.2}
    r = _salary_run(salary_scenario, lang, **{"salary.appraisal": appraisal})
    page = report.salary_section(r).data
    assert f"<h2>{labels.t('salary.title_cadre', lang)}</h2>" in page
    found = " ".join(report.salary_findings(r))
    assert labels.t("salary.people_cadre", lang, n="60") in found
    for name, share in (("考人", "25%"), ("考事", "25%"), ("考绩", "50%")):
        assert labels.t("salary.how_dimension", lang, name=name, weight=share,
                        r=f"{[d['reliability'] for d in appraisal['dimensions'] if d['name'] == name][0]:.2f}") in found
    method = " ".join(report.salary_method(r))
    assert "V/(V + wᵀΣw)" in method and "0.20" in method
    if lang == "zh":
        assert "干部" in found and "考核等次" in page
