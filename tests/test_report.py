"""The brief's pieces in both languages: every glyph drawn, every label looked up, every string escaped."""

from __future__ import annotations

import dataclasses
import re
import warnings

import pytest

from conftest import ROOT
from simlib.brief import labels, report
from simlib.scenario import ScenarioRun, run

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
    parts += [getattr(report, f"{m}_section")(r) for m in ("revenue", "salary", "land") if m in r.metrics]
    return [p.data for p in parts]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_and_section_renders_without_warnings(scenario_run, lang):
    """A missing glyph (Chinese drawn as boxes) is a matplotlib warning; here any warning fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = "".join(sections(in_language(scenario_run, lang)))
    assert html.count('src="data:image/png;base64,') == len([m for m in scenario_run.metrics])


def test_english_brief_words_come_from_the_english_labels(scenario_run):
    r = in_language(scenario_run, "en")
    # Chinese may only come from the scenario file (titles, names, sources), never from the brief's own
    # words; the header and the parameter appendix, which quote the file, are left out here
    html = "".join(p for p in sections(r)[1:] if p != report.parameters(r).data)
    own_zh = {v["zh"] for v in labels.LABELS.values() if re.search(r"[\u4e00-\u9fff]", v["zh"])}
    for text in own_zh:
        if "{" not in text:
            assert text not in html, text


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
