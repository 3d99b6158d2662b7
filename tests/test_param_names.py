"""Every scenario parameter has a Chinese and an English name (``simlib.brief.param_names``).

The keys come from two places: the pydantic schema, walked field by field (nested sections,
lists of sections, mappings with fixed keys), and the resolved tree of every shipped scenario,
flattened as the brief's appendix flattens it.  Each must have an entry of its own in ``NAMES``,
not the fallback.
"""

from __future__ import annotations

import re
import types
from collections import defaultdict
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from simlib.brief import param_names
from simlib.brief.param_names import NAMES, name, pattern, section_of
from simlib.brief.report import _flatten
from simlib.models import BUILT_IN
from simlib.scenario import load
from simlib.scenario.schema import compose

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "params").glob("*.yaml"))
#: A unit written into a name ("封顶（亿元）", "Cap (CNY 100m)", "Lag in months"): units are a column of their own.
ZH_UNIT = re.compile(r"[亿万]元|元/|/[年月亩]|[（(][^）)]*(元|亩|米|公里|月|年|人|个|%)[^）)]*[）)]")
EN_UNIT = re.compile(r"\((CNY|yuan|mu|m²|km²|months?|years?|10k|100m)\b[^)]*\)|\(%\)|\bin (CNY|yuan|months|years)\b",
                     re.IGNORECASE)
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _options(annotation: object) -> list[object]:
    """The types an annotation allows, ``None`` left out (``X | None`` → ``[X]``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_section(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _walk(annotation: object, key: str, out: set[str]) -> None:
    """Add every dotted key below ``key`` that ``annotation`` allows to ``out``."""
    for option in _options(annotation):
        origin = get_origin(option)
        if _is_section(option):
            for field, info in option.model_fields.items():
                child = f"{key}.{field}" if key else field
                out.add(child)
                _walk(info.annotation, child, out)
        elif origin is list:
            (item,) = get_args(option)
            if any(_is_section(o) or get_origin(o) is dict for o in _options(item)):
                _walk(item, f"{key}[]", out)  # a list of scalars is one value: no keys below it
        elif origin is dict:
            key_type, value_type = get_args(option)
            if key_type is str and value_type is str:
                continue  # texts by free keys (a glossary, a description by language): one value, one row
            assert get_origin(key_type) is Literal, f"{key}: a mapping without fixed keys cannot be named"
            for fixed in get_args(key_type):
                child = f"{key}.{fixed}"
                out.add(child)
                _walk(value_type, child, out)


def schema_keys() -> set[str]:
    """Every key of a scenario with the built-in models (plugins installed here are left out)."""
    out: set[str] = set()
    _walk(compose(BUILT_IN), "", out)
    return out


def scenario_keys() -> set[str]:
    """Every key of every shipped scenario's resolved tree, as the appendix lists it, indices stripped."""
    return {pattern(key) for path in SCENARIOS for key, _ in _flatten(load(path).resolved())}


def test_the_walk_finds_the_schema():
    keys = schema_keys()
    # a nested section, a list of sections, a mapping with fixed keys, a section root
    for key in ("revenue.sharing.cap", "salary.appraisal.quotas[].coefficient",
                "land.pipeline.stages.signed.lag_months", "land.standard_land.land.any_of[].plot_ratio.min",
                "zone", "meta.seed"):
        assert key in keys
    assert {section_of(k) for k in keys} == {"meta"} | {m.section for m in BUILT_IN}
    assert len(SCENARIOS) >= 8


def test_every_schema_key_is_named():
    missing = sorted(schema_keys() - NAMES.keys())
    assert not missing, f"{len(missing)} schema keys have no name: {missing[:20]}"


def test_every_shipped_scenario_key_is_named():
    missing = sorted(scenario_keys() - NAMES.keys())
    assert not missing, f"{len(missing)} scenario keys have no name: {missing[:20]}"


def test_no_name_is_left_over():
    """A key renamed or removed in the schema takes its name with it."""
    stale = sorted(NAMES.keys() - schema_keys())
    assert not stale, f"names for keys the schema does not have: {stale}"


def test_both_languages_and_clean_words():
    for key, entry in NAMES.items():
        assert set(entry) == {"zh", "en"}, key
        zh, en = entry["zh"], entry["en"]
        for text in (zh, en):
            assert isinstance(text, str) and text.strip() == text and text, key
        assert not re.search(r"[A-Za-z]", zh), f"{key}: ASCII letters in the Chinese name {zh!r}"
        assert CJK.search(zh), f"{key}: the Chinese name {zh!r} has no Chinese"
        assert not CJK.search(en), f"{key}: CJK in the English name {en!r}"
        assert not ZH_UNIT.search(zh) and not EN_UNIT.search(en), f"{key}: a unit in {entry}"


def test_names_are_unique_within_a_section():
    for language in ("zh", "en"):
        seen: dict[tuple[str, str], str] = {}
        clashes = defaultdict(list)
        for key, entry in NAMES.items():
            slot = (section_of(key), entry[language])
            if slot in seen:
                clashes[slot].extend([seen[slot], key])
            seen[slot] = key
        assert not clashes, f"{language}: keys sharing a name: {dict(clashes)}"


def test_section_roots_use_the_model_names():
    assert {k: NAMES[k]["zh"] for k in ("revenue", "salary", "land", "zone", "meta")} == {
        "revenue": "新增税收分成", "salary": "岗位绩效薪酬", "land": "土地与标准厂房供给",
        "zone": "园区财政闭环", "meta": "情景信息"}
    assert {k: NAMES[k]["en"] for k in ("revenue", "salary", "land", "zone", "meta")} == {
        "revenue": "Revenue sharing", "salary": "Post and performance pay", "land": "Land and standard factories",
        "zone": "Zone finances", "meta": "Scenario"}


def test_field_terms():
    assert name("revenue.sharing.zone_share", "zh") == "开发区分成比例"
    assert name("revenue.sharing.zone_share", "en") == "Zone's share of the increment"
    assert name("revenue.sharing.cap", "zh") == "封顶" and name("revenue.sharing.floor", "zh") == "保底"
    assert name("revenue.base_tax", "en") == "Base-year tax"
    assert name("salary.appraisal.quotas", "zh") == "考核等次比例"
    assert name("land.factories.build_m2_per_year", "zh") == "年均新建标准厂房面积"
    assert name("zone.opening_cash", "en") == "Opening cash"


def test_indices_are_stripped():
    assert pattern("revenue.sharing.periods[2].brackets[10].above") == "revenue.sharing.periods[].brackets[].above"
    assert name("salary.appraisal.quotas[0].coefficient", "zh") == NAMES["salary.appraisal.quotas[].coefficient"]["zh"]
    assert name("revenue.sharing.periods[3].cap", "en") == NAMES["revenue.sharing.periods[].cap"]["en"]
    # a period's key is not the top-level key's name
    assert name("revenue.sharing.periods[0].cap", "zh") != name("revenue.sharing.cap", "zh")


def test_fallbacks():
    sep = param_names.SEPARATOR
    # a made-up key under a named list: the list's name and the key's last part
    assert name("salary.appraisal.quotas[1].bonus_rate", "zh") == f"考核等次比例{sep}bonus_rate"
    assert name("salary.appraisal.quotas[1].bonus_rate", "en") == f"Grade quotas{sep}bonus_rate"
    # several levels below the nearest named key: still its name and the last part
    assert name("revenue.sharing.made_up.deeper[4].leaf", "en") == f"Sharing rule{sep}leaf"
    # an item of a named list of values is named by the list
    assert name("salary.appraisal.subjective_shares[1]", "zh") == "主观评价等次比例"
    # nothing named above it: the key itself
    assert name("no_such_section.some.key[0]", "en") == "no_such_section.some.key[0]"
    assert name("no_such_section", "zh") == "no_such_section"
    with pytest.raises(ValueError):
        name("revenue.base_tax", "fr")


def test_section_of():
    assert section_of("revenue.sharing.cap") == "revenue"
    assert section_of("salary.appraisal.quotas[0].share") == "salary"
    assert section_of("zone") == "zone"
    assert section_of("meta.title") == "meta"


def test_a_section_without_names_falls_back_on_its_models_title(monkeypatch):
    """A plugin model's section has no entries here: its keys are named after the model's own title."""
    from simlib.models import get

    for key in [k for k in NAMES if section_of(k) == "zone"]:
        monkeypatch.delitem(NAMES, key)
    title = get("zone").title
    assert name("zone.debt.opening", "en") == f"{title['en']}{param_names.SEPARATOR}opening"
    assert name("zone", "zh") == title["zh"]
