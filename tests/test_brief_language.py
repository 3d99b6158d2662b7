"""What a finance bureau reads first and last: the bottom line, the appendix of sources, and one language.

The pieces of a zone brief are assembled here without a kernel (the notebook only displays them),
for every shipped scenario in both languages.
"""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from conftest import ROOT
from simlib.brief import labels, param_names, report
from simlib.brief.labels import money
from simlib.scenario import load, run
from simlib.scenario.documents import cited

SCENARIOS = sorted(p.name for p in (ROOT / "params").glob("*.yaml"))
PROVENANCE = {"params_sha256": "0" * 64, "simlib_version": "0.1.0", "git_commit": "abc", "git_dirty": True,
              "seed": 1, "created": "2026-12-01T00:00:00Z"}

#: ASCII words a Chinese brief may show outside code: proper names, mathematics and units.
ZH_ALLOWED = {"Kendall", "arccos", "min", "max", "simlib", "Sobol", "Morris", "Little", "km", "LPR"}
CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+"


def _fewer_paths(sc) -> dict:
    """Smaller runs of the same scenario: what a brief says in which language does not depend on the
    number of paths (a linked scenario keeps revenue's and land's paths equal)."""
    p, out = sc.params, {}
    linked = p.zone is not None
    if p.revenue is not None:
        out["revenue.paths"] = min(p.revenue.paths, 300 if linked else 2000)
    if p.land is not None:
        out["land.paths"] = min(p.land.paths, 300 if linked else 200)
        if p.land.reverse is not None:
            out["land.reverse.paths"] = min(p.land.reverse.paths, 50)
    if p.salary is not None:
        out["salary.rounds"] = min(p.salary.rounds, 40)
    return out


def _runs():
    cache = {}

    def get(name: str, lang: str):
        if (name, lang) not in cache:
            sc = load(ROOT / "params" / name)
            cache[name, lang] = run(sc.with_values(_fewer_paths(sc)).in_language(lang))
        return cache[name, lang]
    return get


RUN = _runs()


@pytest.fixture(autouse=True)
def _charts_not_drawn(monkeypatch):
    """What a brief says in which language is its text: the charts are made (their titles and alt
    texts are text) but not drawn to PNG, which is most of a page's time
    (test_report.py::test_every_chart_and_section_renders_without_warnings draws them)."""
    monkeypatch.setattr(report, "figure_uri", lambda fig: "data:image/png;base64,")


def _page(r) -> str:
    parts = [report.header(r), report.key_numbers(r), report.findings(r)]
    parts += [report.section(r, s) for s in r.metrics]
    parts += [report.method(r), report.parameters(r), report.footer(r, PROVENANCE)]
    return "".join(p.data for p in parts)


def _visible(page: str) -> str:
    """What a reader reads as prose: no markup, no code (keys, values as written, file names)."""
    page = re.sub(r"<(style|script|code)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _scenario_strings(sc) -> set[str]:
    """Every text value of the scenario (names of places, grades, posts, departments) and its glossary."""
    out = set()

    def walk(x):
        if isinstance(x, str):
            out.add(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(sc.resolved())
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_chinese_brief_has_no_english_words(name):
    text = _visible(_page(RUN(name, "zh")))
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - ZH_ALLOWED
    assert not words, f"{name}: English words in the Chinese brief: {sorted(words)}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_an_english_brief_shows_chinese_only_as_names_and_quotations(name):
    r = RUN(name, "en")
    text = _visible(_page(r))
    text = re.sub(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|《[^》]*》", " ", text)  # quotations of the documents
    names = _scenario_strings(r.scenario)
    stray = {w for w in re.findall(CJK, text) if not any(w in s for s in names)}
    assert not stray, f"{name}: Chinese in the English brief that the scenario does not name: {sorted(stray)[:20]}"


def test_english_amounts_read_yi_and_wan_outside_quotations():
    assert labels.amounts("5.6亿 and 6200万元, 42.49万 m²", "en") == "560m and CNY 62m, 424.9k m²"
    assert labels.amounts('270.80亿 "高于1亿元的" 《规定》', "en") == '27.08bn "高于1亿元的" 《规定》'
    assert labels.amounts("5.6亿", "zh") == "5.6亿"


def test_the_scan_catches_a_word_of_the_other_language():
    assert re.findall(r"[A-Za-z]{2,}", _visible("<p>开发区 assumption 所得</p><code>revenue.paths</code>")) == ["assumption"]
    assert re.findall(CJK, _visible("<p>the zone 所得</p>")) == ["所得"]


# -- the bottom line ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_qingzhen_bottom_line_names_the_county_net_and_the_plain_split(lang):
    r = RUN("qingzhen_2025.yaml", lang)
    m = r.data["revenue"]
    lines = report.bottom_line(r)
    assert 3 <= len(lines) <= 4
    assert abs(m["county_net_total_mean"] - (m["tax_total_mean"] - m["zone_payout_total_mean"])) < 1e-9
    assert money(m["county_net_total_mean"], lang) in lines[0]  # 88.41亿 of 98.41亿
    assert money(m["tax_total_mean"], lang) in lines[0]
    assert money(m["flat_split_payout_total_mean"], lang) in lines[0]  # what a plain 5:5 split would pay
    assert lines[1] == labels.t("bottom.no_margin", lang, floor=money(1.0, lang))  # floor = cap = 1亿
    assert labels.t("bottom.lever.cap", lang) in lines[3]  # the cap, not the share, moves the payout
    page = report.header(r).data
    assert page.index("bottom-line") < page.index("</header>")


def _plain_split(tmp_path, extra: str = "") -> object:
    path = tmp_path / "plain.yaml"
    path.write_text(f"""
meta: {{title: t, zone: z, seed: 7}}
revenue:
  base_year: 2023
  base_tax: 5.0
  start_year: 2024
  horizon_years: 5
  paths: 2000
  growth: {{mean: 0.08, volatility: 0.1}}
  sharing: {{zone_share: 0.4{extra}}}
""", encoding="utf-8")
    return run(load(path))


def test_a_linear_rule_moves_the_payout_by_exactly_ten_percent(tmp_path):
    """No floor or cap: the payout is share × increment, so 10% more share is 10% more payout, on the
    same paths (common random numbers); the county's net falls by as much."""
    r = _plain_split(tmp_path)
    effects, _ = report.lever_effects(r)
    assert set(effects) == {"zone_share"}  # floor 0, cap and excess return unset: nothing else to move
    old, new, change = effects["zone_share"]
    assert (old, new) == (0.4, pytest.approx(0.44))
    payout = r.data["revenue"]["zone_payout_total_mean"]
    assert change == pytest.approx(0.1 * payout, rel=1e-9)
    sentence = report.bottom_line(r)[-1]
    assert labels.money(change, "zh") in sentence and "10.0%" in sentence


def test_a_lever_that_cannot_go_up_is_moved_down(tmp_path):
    r = _plain_split(tmp_path, ", floor: 0.5, cap: 0.5")  # floor = cap: the floor cannot rise
    effects, _ = report.lever_effects(r)
    assert effects["floor"][1] == pytest.approx(0.45) and effects["cap"][1] == pytest.approx(0.55)
    assert effects["zone_share"][2] == pytest.approx(0.0, abs=1e-12)  # a fixed payout ignores the share


def _with_data(r, **sections):
    """``r`` with some metrics replaced (a hand-made case for the order of the risks)."""
    data = {k: dict(v) for k, v in r.data.items()}
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    r.__dict__["data"] = data  # the cached property's slot
    return r


def test_main_risk_follows_the_finance_bureaus_order():
    r = run(load(ROOT / "params" / "qingzhen_2015.yaml").in_language("en"))  # revenue, land and zone
    z, rev, land = r.data["zone"], r.data["revenue"], r.data["land"]
    # the zone's cash comes first, as the chance of running short in any year (not the worst single year)
    assert z["p_cash_short_ever"] >= max(z["p_cash_short"])
    assert labels.percent(z["p_cash_short_ever"]) in report._main_risk(r, "en")
    assert "cash runs short" in report._main_risk(r, "en")
    # below the floor of 5%, the next in order: floor top-ups (here none), then land running out
    _with_data(r, zone={"p_cash_short_ever": 0.01})
    assert report._main_risk(r, "en") == labels.t("bottom.risk", "en", risk=labels.t(
        "bottom.risk_land", "en", p=labels.percent(land["p_land_exhausted"])))
    _with_data(r, revenue={"county_topup_total_mean": 2.0, "p_floor_binds": [0.5] * len(rev["years"])})
    assert "pays the floor" in report._main_risk(r, "en")
    _with_data(r, revenue={"county_topup_total_mean": 0.0}, land={"p_land_exhausted": None, "lost_share": 0.0})
    assert report._main_risk(r, "en") == labels.t("bottom.risk_none", "en", floor="5%")


def test_misordering_risk_names_the_grading_scope_and_survives_a_missing_figure():
    r = RUN("yongchang_2024.yaml", "zh")  # graded across the zone
    assert "全区等次不同的两人中" in report._main_risk(r, "zh")
    _with_data(r, salary={"misordered_pairs": None})  # no pair graded differently: no figure, no crash
    assert report._main_risk(r, "zh") == labels.t("bottom.risk_none", "zh", floor="5%")
    r.__dict__.pop("data")


def test_a_chinese_assumption_is_flagged_whether_or_not_given_by_language():
    from simlib.scenario import LeafInfo

    assert LeafInfo(source="假设——取整").is_assumption
    assert LeafInfo(source="assumption — x").is_assumption
    assert LeafInfo(source="000: x", zh={"source": "假设——x"}).is_assumption
    assert not LeafInfo(source='000: "以2023年为基期"').is_assumption


# -- the appendix ------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_appendix_lists_the_documents_cited_and_groups_parameters_by_model(name):
    r = RUN(name, "zh")
    page = report.parameters(r).data
    sources = [i.source or "" for i in r.scenario.leaves.values()]
    docs = cited(r.scenario.documents, sources)
    assert docs, f"{name} cites no document of its register"
    for d in docs:
        assert f'id="doc-{d.number}"' in page and d.file in page and html.escape(d.text("title", "zh")) in page
    assert page.count("<details") == len(r.scenario.sections) + 1  # one group per model, and the scenario's own
    for section in r.scenario.sections:
        assert html.escape(param_names.name(section, "zh")) in page
    assert 'href="#doc-' in page  # citations link to their document


def test_citation_numbers_are_found_standing_alone():
    from simlib.scenario.documents import Document

    docs = {n: Document(n, f"{n}.txt", {"zh": n}, {"zh": n}, "2020") for n in ("000", "001", "003")}
    found = cited(docs, ['000: "以2023年为基期"', "ratio 0.001 and 2003 and 1000 and 20,000", "per 003."])
    assert [d.number for d in found] == ["000", "003"]
    assert [d.number for d in cited(docs, ["假设——即001所报告"])] == ["001"]  # next to Chinese text too
    assert report._cites("如001所述", docs) == [("如", None, False), ("001", "001", False), ("所述", None, False)]
    pieces = report._cites("000：“x” and 0.001", docs)
    assert pieces == [("000", "000", False), ("：“x” and 0.001", None, False)]
    assert report._cites("see `--set a=1` 003", docs) == [("see ", None, False), ("--set a=1", None, True), (" ", None, False), ("003", "003", False)]


def test_a_malformed_register_is_refused_line_by_line_and_a_missing_one_warned(tmp_path):
    from simlib.scenario import ScenarioError
    from simlib.scenario.documents import read_register

    bad = tmp_path / "register.yaml"
    bad.write_text('"000": {file: a.txt, title: {zh: 标题, fr: x}, place: p}\n"001": [1]\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_register(bad, str(bad))
    lines = str(info.value).splitlines()
    assert lines == [f"{bad}: 000.title.fr: unknown language; expected one of: zh, en",
                     f"{bad}: 000.date: required key is missing",
                     f"{bad}: 001: must be a mapping {{file, title, place, date}}"]
    scenario = (ROOT / "params" / "yongchang_2024.yaml").read_text(encoding="utf-8")
    (tmp_path / "s.yaml").write_text(scenario, encoding="utf-8")  # no sources/ beside it
    sc = load(tmp_path / "s.yaml")
    assert sc.documents == {} and [w.key for w in sc.warnings] == ["meta.documents"]
    assert "not found" in sc.warnings[0].message


def test_a_description_by_language_takes_only_zh_and_en(tmp_path):
    from simlib.scenario import ScenarioError

    sc = load(ROOT / "params" / "yongchang_2024.yaml")
    assert sc.with_values({"meta.description": {"zh": "说明", "en": "note"}}).params.meta.description["en"] == "note"
    for bad in ({"": "x"}, {}, {"fr": "x"}, {"zh": 3}):
        with pytest.raises(ScenarioError):
            sc.with_values({"meta.description": bad})


def test_a_citation_in_a_note_links_its_document():
    r = RUN("qingzhen_2025.yaml", "zh")
    key = next(k for k in r.scenario.leaves if k.startswith("revenue."))
    leaf = r.scenario.leaves[key]
    noted = dataclasses.replace(leaf, note="见 001 所述", zh={**leaf.zh, "note": "见 001 所述"})
    leaves = {**r.scenario.leaves, key: noted}
    page = report.parameters(dataclasses.replace(r, scenario=dataclasses.replace(r.scenario, leaves=leaves))).data
    assert '<a href="#doc-001">001</a> 所述' in page
