"""Tests for :mod:`simlib.scenario`: every bad scenario file fails with the right dotted key.

Each case takes the good Qingzhen scenario, applies one mutation (to the parsed
data, dumped back with ``yaml.safe_dump``, or to the raw text/bytes for syntax
cases), loads it from ``tmp_path`` and checks the dotted key and a fragment of
the message of the problem reported.
"""

from __future__ import annotations

import copy
import math
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from simlib.scenario import LeafInfo, Problem, Scenario, ScenarioError, load

ROOT = Path(__file__).resolve().parents[1]
PARAMS_DIR = ROOT / "params"
GOOD = PARAMS_DIR / "qingzhen_2025.yaml"
GOOD_TEXT = GOOD.read_text(encoding="utf-8")
GOOD_DATA = yaml.safe_load(GOOD_TEXT)
ZONE_LINE = "  zone: 清镇经济开发区\n"
ZONE_LINE_NO = GOOD_TEXT.splitlines(keepends=True).index(ZONE_LINE) + 1  # 1-based


# -- helpers -----------------------------------------------------------------


def _walk_to(data: dict, dotted: str) -> tuple[dict, str]:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data[part]
    return data, last


def set_at(dotted: str, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        parent, last = _walk_to(data, dotted)
        parent[last] = value

    return mutate


def delete_at(dotted: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        parent, last = _walk_to(data, dotted)
        del parent[last]

    return mutate


def both(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        for m in mutations:
            m(data)

    return mutate


def write_data(tmp_path: Path, data: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_mutated(tmp_path: Path, mutate: Callable[[dict], None]) -> Path:
    data = copy.deepcopy(GOOD_DATA)
    mutate(data)
    return write_data(tmp_path, data)


def write_raw(tmp_path: Path, content: str | bytes, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def line_of(text: str) -> int:
    """The number of the first line of the fixture that is ``text``."""
    return GOOD_TEXT.splitlines().index(text) + 1


def replaced(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD_TEXT, f"fixture drifted: {old!r} is not in {GOOD.name}"
    return GOOD_TEXT.replace(old, new, count)


def problems_of(path: Path, overrides: list[str] | tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load(path, overrides=list(overrides))
    err = info.value
    assert err.problems, "ScenarioError raised without any problem"
    lines = str(err).split("\n")
    assert lines == [str(p) for p in err.problems]
    for p in err.problems:
        assert p.file == str(path)
    return err.problems


def assert_one_problem(path: Path, key: str, fragment: str, overrides=()) -> Problem:
    problems = problems_of(path, overrides)
    assert [(p.key, fragment in p.message) for p in problems] == [(key, True)], problems
    return problems[0]


# -- the good file -----------------------------------------------------------


def test_good_file_loads_with_its_values():
    scenario = load(GOOD)
    assert isinstance(scenario, Scenario)
    assert scenario.name == "qingzhen_2025"
    rev = scenario.params.revenue
    assert (rev.base_year, rev.start_year, rev.horizon_years, rev.end_year) == (2023, 2024, 10, 2033)
    assert rev.base_tax == 5.6
    assert (rev.sharing.zone_share, rev.sharing.floor, rev.sharing.cap) == (0.5, 1.0, 1.0)
    assert rev.sharing.base_reset_years is None
    assert scenario.params.meta.seed == 20250101
    assert scenario.params.meta.language == "zh"
    assert scenario.overrides == ()


def test_good_file_round_tripped_through_safe_dump_still_loads(tmp_path):
    path = write_mutated(tmp_path, lambda d: None)
    assert load(path).resolved() == load(GOOD).resolved()


# -- one mutation of the parsed data → one problem ---------------------------

DATA_CASES = [
    # unknown keys, with did-you-mean
    pytest.param(set_at("revenu", {}), "revenu", "unknown key (did you mean 'revenue'?)", id="unknown-top-typo"),
    pytest.param(set_at("assumptions", 1), "assumptions", "unknown key; expected one of: meta, revenue", id="unknown-top-no-match"),
    pytest.param(set_at("revenue.sharingg", {}), "revenue.sharingg", "did you mean 'sharing'", id="unknown-section"),
    pytest.param(set_at("meta.titel", "x"), "meta.titel", "did you mean 'title'", id="unknown-key-in-meta"),
    pytest.param(set_at("revenue.sharing.cpa", {"value": 1.0, "source": "x"}), "revenue.sharing.cpa",
                 "unknown key (did you mean 'cap'?)", id="unknown-leaf-cpa"),
    pytest.param(set_at("revenue.growth.mena", 0.1), "revenue.growth.mena", "did you mean 'mean'", id="unknown-leaf-bare"),
    pytest.param(set_at("revenue.sharing.cap.sorce", "000"), "revenue.sharing.cap.sorce",
                 "unknown leaf field (did you mean 'source'?)", id="unknown-leaf-field-sorce"),
    pytest.param(set_at("revenue.growth.shocks.value", [{"year": 2030, "chnage": -0.3, "change": -0.3}]),
                 "revenue.growth.shocks[0].chnage", "did you mean 'change'", id="unknown-key-in-shock-item"),
    # leaf metadata must be text
    pytest.param(set_at("revenue.sharing.zone_share.unit", 5), "revenue.sharing.zone_share.unit",
                 "must be text, or text by language ({en: …, zh: …}), got an integer", id="leaf-unit-not-text"),
    pytest.param(set_at("revenue.sharing.zone_share.source", {"en": "x", "fr": "y"}),
                 "revenue.sharing.zone_share.source.fr", "unknown language", id="leaf-source-unknown-language"),
    pytest.param(set_at("revenue.sharing.zone_share.note", {"zh": 3}), "revenue.sharing.zone_share.note.zh",
                 "must be text, got an integer", id="leaf-note-by-language-not-text"),
    # wrong types
    pytest.param(set_at("revenue.sharing.zone_share.value", "0.5"), "revenue.sharing.zone_share",
                 "must be a number, got text '0.5'", id="share-as-string"),
    pytest.param(set_at("revenue.sharing.zone_share.value", True), "revenue.sharing.zone_share",
                 "must be a number, got a boolean True", id="share-as-bool"),
    pytest.param(set_at("revenue.base_year.value", True), "revenue.base_year",
                 "must be a whole number, got a boolean True", id="year-as-bool"),
    pytest.param(set_at("revenue.start_year.value", 2024.0), "revenue.start_year",
                 "must be a whole number, got a number 2024.0", id="year-as-float"),
    pytest.param(set_at("revenue.sharing", [0.5, 1.0]), "revenue.sharing",
                 "must be a mapping of keys, got a list", id="list-instead-of-sharing-mapping"),
    pytest.param(set_at("revenue.growth", ["mean", "volatility"]), "revenue.growth",
                 "must be a mapping of keys, got a list", id="list-instead-of-growth-mapping"),
    pytest.param(set_at("revenue.growth.shocks.value", {"year": 2030, "change": -0.3}), "revenue.growth.shocks",
                 "must be a list, got a mapping", id="mapping-instead-of-shock-list"),
    pytest.param(set_at("meta.title", 2025), "meta.title", "must be text, got an integer 2025", id="title-as-number"),
    # missing required keys
    pytest.param(delete_at("meta.seed"), "meta.seed", "required key is missing", id="missing-meta-seed"),
    pytest.param(delete_at("revenue.sharing.zone_share"), "revenue.sharing.zone_share",
                 "required key is missing", id="missing-zone-share"),
    pytest.param(both(delete_at("revenue"), delete_at("salary"), delete_at("land")), "revenue",
                 "required key is missing",
                 id="missing-every-model-section"),
    pytest.param(set_at("meta.title", ""), "meta.title", "must not be empty", id="empty-title"),
    # shares outside [0, 1]
    pytest.param(set_at("revenue.sharing.zone_share.value", 1.5), "revenue.sharing.zone_share",
                 "must be at most 1.0, got 1.5", id="share-above-1"),
    pytest.param(set_at("revenue.sharing.zone_share.value", -0.1), "revenue.sharing.zone_share",
                 "must be at least 0.0, got -0.1", id="share-below-0"),
    pytest.param(set_at("revenue.sharing.excess_return.value", 1.01), "revenue.sharing.excess_return",
                 "must be at most 1.0, got 1.01", id="excess-return-above-1"),
    # negative money
    pytest.param(set_at("revenue.base_tax.value", -5.6), "revenue.base_tax",
                 "must be at least 0.0, got -5.6", id="negative-base-tax"),
    pytest.param(set_at("revenue.sharing.floor.value", -1.0), "revenue.sharing.floor",
                 "must be at least 0.0, got -1.0", id="negative-floor"),
    pytest.param(set_at("revenue.sharing.cap.value", -1.0), "revenue.sharing.cap",
                 "must be at least 0.0, got -1.0", id="negative-cap"),
    # cross-field rules
    pytest.param(set_at("revenue.sharing.floor.value", 2.0), "revenue.sharing.floor",
                 "must not exceed cap (1.0), got 2.0", id="floor-above-cap"),
    pytest.param(set_at("revenue.start_year.value", 2023), "revenue.start_year",
                 "must come after base_year (2023), got 2023", id="start-year-equals-base-year"),
    pytest.param(set_at("revenue.start_year.value", 2020), "revenue.start_year",
                 "must come after base_year (2023), got 2020", id="start-year-before-base-year"),
    pytest.param(set_at("revenue.growth.shocks.value", [{"year": 2034, "change": -0.31}]),
                 "revenue.growth.shocks[0].year", "must lie in 2024..2033 (after base_year, within the horizon), got 2034",
                 id="shock-after-horizon"),
    pytest.param(set_at("revenue.growth.shocks.value", [{"year": 2023, "change": -0.31}]),
                 "revenue.growth.shocks[0].year", "must lie in 2024..2033", id="shock-in-base-year"),
    pytest.param(set_at("revenue.growth.shocks.value", [{"year": 2030, "change": -0.31}, {"year": 2050, "change": 0.1}]),
                 "revenue.growth.shocks[1].year", "got 2050", id="second-shock-outside-horizon"),
    pytest.param(set_at("revenue.growth.shocks.value", [{"year": 2030, "change": -1.0}]),
                 "revenue.growth.shocks[0].change", "must be greater than -1", id="shock-wipes-out-tax"),
    # non-finite numbers
    pytest.param(set_at("revenue.growth.mean.value", math.nan), "revenue.growth.mean",
                 "must be a finite number, got nan", id="nan-growth"),
    pytest.param(set_at("revenue.base_tax.value", math.inf), "revenue.base_tax",
                 "must be a finite number, got inf", id="inf-base-tax"),
    pytest.param(set_at("revenue.sharing.cap.value", math.inf), "revenue.sharing.cap",
                 "must be a finite number, got inf", id="inf-cap"),
    pytest.param(set_at("revenue.growth.volatility.value", -math.inf), "revenue.growth.volatility",
                 "must be a finite number, got -inf", id="minus-inf-volatility"),
    # huge runs
    pytest.param(set_at("revenue.paths.value", 10**12), "revenue.paths",
                 "must be at most 1000000, got 1000000000000", id="huge-paths"),
    pytest.param(both(set_at("revenue.paths.value", 1_000_000), set_at("revenue.horizon_years.value", 30)),
                 "revenue.paths", "paths × simulated years must be at most 20,000,000, got 1,000,000 × 30",
                 id="paths-times-years-too-big"),
    pytest.param(set_at("revenue.paths.value", 0), "revenue.paths", "must be at least 1, got 0", id="zero-paths"),
    # language
    pytest.param(set_at("meta.language", "fr"), "meta.language", "must be one of 'zh' or 'en', got 'fr'", id="language-fr"),
]


@pytest.mark.parametrize("mutate, key, fragment", DATA_CASES)
def test_one_bad_value_gives_one_problem_at_its_dotted_key(tmp_path, mutate, key, fragment):
    assert_one_problem(write_mutated(tmp_path, mutate), key, fragment)


def test_floor_above_cap_prints_the_exact_line(tmp_path):
    path = write_mutated(tmp_path, set_at("revenue.sharing.floor.value", 2.0))
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.problems == [Problem(str(path), "revenue.sharing.floor", "must not exceed cap (1.0), got 2.0")]
    assert str(info.value) == f"{path}: revenue.sharing.floor: must not exceed cap (1.0), got 2.0"


def test_boundary_values_are_accepted(tmp_path):
    """The edges of each range are valid: share 0 and 1, floor == cap, a shock in the last year."""
    mutate = both(
        set_at("revenue.sharing.zone_share.value", 1.0),
        set_at("revenue.sharing.excess_return.value", 0.0),
        set_at("revenue.sharing.floor.value", 1.0),
        set_at("revenue.sharing.cap.value", 1.0),
        set_at("revenue.growth.shocks.value", [{"year": 2024, "change": -0.31}, {"year": 2033, "change": 0.2}]),
        set_at("revenue.paths.value", 1_000_000),  # 1,000,000 × 10 years ≤ 20,000,000
    )
    scenario = load(write_mutated(tmp_path, mutate))
    assert scenario.params.revenue.sharing.zone_share == 1.0
    assert [s.year for s in scenario.params.revenue.growth.shocks] == [2024, 2033]
    assert scenario.params.revenue.paths == 1_000_000


def test_revenue_section_of_null_says_no_model_section(tmp_path):
    path = write_mutated(tmp_path, both(set_at("revenue", None), delete_at("salary"), delete_at("land")))
    assert_one_problem(path, "revenue", "a scenario needs a model section")


# -- raw text / bytes → one problem ------------------------------------------

RAW_CASES = [
    pytest.param(replaced("language: zh", "language: NO"), "meta.language",
                 "must be one of 'zh' or 'en', got False (YAML reads yes/no/on/off as true/false: quote the text)",
                 id="language-NO-is-a-yaml-boolean"),
    pytest.param(replaced("    value: 5.6\n", "    value: .inf\n"), "revenue.base_tax",
                 "must be a finite number, got inf", id="dot-inf-literal"),
    pytest.param(replaced("      value: 0.10\n", "      value: .NaN\n"), "revenue.growth.mean",
                 "must be a finite number, got nan", id="dot-nan-literal"),
    pytest.param(replaced("    value: 2023\n", "    value: 2023-01-01\n"), "revenue.base_year",
                 "must be a whole number, got text '2023-01-01'", id="date-for-a-year-stays-text"),
    pytest.param(replaced("      value: 0.5\n", "      value: 0.5\n      value: 0.6\n"),
                 "revenue.sharing.zone_share",
                 f"line {line_of('      value: 0.5') + 1}: duplicate key (first at line {line_of('      value: 0.5')})",
                 id="duplicate-value-in-leaf"),
    pytest.param(replaced("    floor:\n", "    cap: 3.0\n    floor:\n"), "revenue.sharing.cap",
                 f"line {max(line_of('    floor:'), line_of('    cap:')) + 1}: duplicate key "
                 f"(first at line {min(line_of('    floor:'), line_of('    cap:'))})",
                 id="duplicate-leaf-in-section"),
    pytest.param(GOOD_TEXT + "\nmeta:\n  title: again\n", "meta",
                 f"line {len(GOOD_TEXT.splitlines()) + 2}: duplicate key (first at line 6)",
                 id="duplicate-top-level-section"),
    pytest.param(replaced(ZONE_LINE, "  zone: !!set {a, b}\n"), "meta.zone",
                 f"line {ZONE_LINE_NO}: YAML tag !!set is not allowed", id="set-tag"),
    pytest.param(replaced(ZONE_LINE, "  zone: !!binary aGVsbG8=\n"), "meta.zone",
                 "YAML tag !!binary is not allowed", id="binary-tag"),
    pytest.param(replaced("      value: 0.5\n", "      value: !!python/name:os.system\n"),
                 "revenue.sharing.zone_share", "YAML tag !!python/name:os.system is not allowed",
                 id="python-name-tag-in-leaf"),
]


@pytest.mark.parametrize("content, key, fragment", RAW_CASES)
def test_raw_yaml_problem_at_its_dotted_key(tmp_path, content, key, fragment):
    assert_one_problem(write_raw(tmp_path, content), key, fragment)


FILE_LEVEL_CASES = [
    pytest.param(replaced(ZONE_LINE, "  zone: x: y\n"),
                 f"line {ZONE_LINE_NO}, column 10: YAML syntax error: mapping values are not allowed here",
                 id="syntax-error-names-line"),
    pytest.param(replaced(ZONE_LINE, "\tzone: 清镇经济开发区\n"),
                 f"line {ZONE_LINE_NO}, column 1: YAML syntax error: found character '\\t' that cannot start any token"
                 " (use spaces, not tabs, to indent)",
                 id="tab-indent"),
    pytest.param(GOOD_TEXT.encode("utf-8").replace("清镇经济开发区".encode("utf-8"), "清镇经济开发区".encode("gbk")),
                 "is not UTF-8 text (byte 0xc7 at offset "
                 f"{GOOD_TEXT.encode('utf-8').index('清镇经济开发区'.encode('utf-8'))})",
                 id="gbk-bytes"),
    pytest.param(GOOD_TEXT.encode("utf-16"), "is not UTF-8 text (byte 0xff at offset 0)", id="utf-16-file"),
    pytest.param(b"", "file is empty", id="empty-file"),
    pytest.param(b"  \n\n\t\n", "file is empty", id="whitespace-only"),
    pytest.param(b"# a comment and nothing else\n", "file is empty", id="comment-only"),
    pytest.param(b"- meta\n- revenue\n", "must be a mapping of sections (meta, revenue, ...), got a list",
                 id="top-level-list"),
    pytest.param(b"just some text\n", "must be a mapping of sections (meta, revenue, ...), got text",
                 id="top-level-scalar"),
]


@pytest.mark.parametrize("content, message", FILE_LEVEL_CASES)
def test_file_level_problem_has_no_key_and_exact_message(tmp_path, content, message):
    path = write_raw(tmp_path, content)
    problems = problems_of(path)
    assert problems == [Problem(str(path), "", message)]
    assert str(ScenarioError(problems)) == f"{path}: {message}"


def test_utf8_bom_is_accepted(tmp_path):
    path = write_raw(tmp_path, b"\xef\xbb\xbf" + GOOD_TEXT.encode("utf-8"))
    assert load(path).resolved() == load(GOOD).resolved()


def test_missing_file(tmp_path):
    path = tmp_path / "no_such_scenario.yaml"
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.problems == [Problem(str(path), "", "file not found")]
    assert str(info.value) == f"{path}: file not found"


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path)
    assert info.value.problems == [Problem(str(tmp_path), "", "is a directory, not a scenario file")]


def test_non_text_key_is_reported(tmp_path):
    path = write_raw(tmp_path, GOOD_TEXT + "\n2023: base\n")
    assert_one_problem(path, "", "key 2023 must be text")


# -- YAML tags cannot run code ----------------------------------------------


def test_python_object_apply_tag_is_rejected_and_nothing_runs(tmp_path):
    marker = tmp_path / "PWNED"
    content = replaced(ZONE_LINE, f"  zone: !!python/object/apply:os.system ['touch {marker}']\n")
    path = write_raw(tmp_path, content)
    problem = assert_one_problem(
        path, "meta.zone",
        f"line {ZONE_LINE_NO}: YAML tag !!python/object/apply:os.system is not allowed; "
        "scenario files hold plain values only",
    )
    assert problem.message.startswith(f"line {ZONE_LINE_NO}:")
    assert not marker.exists()


def test_python_object_apply_tag_in_an_override_is_rejected_and_nothing_runs(tmp_path):
    marker = tmp_path / "PWNED_SET"
    problem = assert_one_problem(
        GOOD, "meta.title", "YAML tag !!python/object/apply:os.system is not allowed",
        overrides=[f"meta.title=!!python/object/apply:os.system ['touch {marker}']"],
    )
    assert problem.file == str(GOOD)
    assert not marker.exists()


def test_python_tag_on_a_key_is_rejected_and_nothing_runs(tmp_path):
    marker = tmp_path / "PWNED_KEY"
    path = write_raw(tmp_path, GOOD_TEXT + f"\n? !!python/object/apply:os.system ['touch {marker}']\n: 1\n")
    problems = problems_of(path)
    assert any("YAML tag !!python/object/apply:os.system is not allowed" in p.message for p in problems)
    assert not marker.exists()


def test_merge_keys_are_rejected_as_a_tag(tmp_path):
    path = write_raw(tmp_path, GOOD_TEXT + "\nbase: &b {a: 1}\nother:\n  <<: *b\n")
    problems = problems_of(path)
    assert any(p.key == "other" and "YAML tag !!merge is not allowed" in p.message for p in problems)


# -- several problems are all listed ----------------------------------------


def test_several_schema_problems_in_one_file_are_all_listed(tmp_path):
    mutate = both(
        delete_at("meta.seed"),
        set_at("meta.language", "fr"),
        set_at("revenue.base_tax.value", -1.0),
        set_at("revenue.growth.mean.value", "0.1"),
        set_at("revenue.growth.volatility.value", math.nan),
        set_at("revenue.sharing.floor.value", 2.0),
    )
    path = write_mutated(tmp_path, mutate)
    problems = problems_of(path)
    assert sorted(p.key for p in problems) == [
        "meta.language",
        "meta.seed",
        "revenue.base_tax",
        "revenue.growth.mean",
        "revenue.growth.volatility",
        "revenue.sharing.floor",
    ]
    with pytest.raises(ScenarioError) as info:
        load(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 6
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert f"{path}: revenue.sharing.floor: must not exceed cap (1.0), got 2.0" in lines


def test_several_file_problems_are_all_listed(tmp_path):
    content = (
        replaced("      unit: {en: share of the increment, zh: 增量的比例}\n", "      sorce: 000\n")
        .replace("    floor:\n", "    cap: 3.0\n    floor:\n", 1)
        .replace(ZONE_LINE, "  zone: !!binary aGVsbG8=\n", 1)
    )
    problems = problems_of(write_raw(tmp_path, content))
    assert sorted(p.key for p in problems) == ["meta.zone", "revenue.sharing.cap"]
    # The leaf-field check runs after the YAML is read, so the third problem needs a readable file.
    problems = problems_of(write_raw(tmp_path, replaced("      unit: {en: share of the increment, zh: 增量的比例}\n",
                                                        "      sorce: 000\n")
                                     .replace("      unit: {en: 亿元 a year, zh: 亿元/年}\n", "      nite: x\n", 1)))
    assert sorted(p.key for p in problems) == ["revenue.sharing.floor.nite", "revenue.sharing.zone_share.sorce"]


def test_leaf_problems_and_override_problems_are_listed_together(tmp_path):
    path = write_mutated(tmp_path, set_at("revenue.sharing.cap.sorce", "000"))
    problems = problems_of(path, overrides=["no_equals_sign"])
    assert sorted((p.key, p.message.split(" (")[0]) for p in problems) == [
        ("--set", "expected dotted.key=VALUE, got 'no_equals_sign'"),
        ("revenue.sharing.cap.sorce", "unknown leaf field"),
    ]


# -- --set overrides ---------------------------------------------------------


def test_set_cap_null_removes_the_cap():
    scenario = load(GOOD, overrides=["revenue.sharing.cap=null"])
    assert scenario.params.revenue.sharing.cap is None
    assert scenario.overrides == ("revenue.sharing.cap=null",)
    leaf = scenario.leaves["revenue.sharing.cap"]
    assert leaf.source == "--set revenue.sharing.cap=null"
    assert leaf.unit == "亿元 a year"


def test_set_with_empty_value_means_null():
    assert load(GOOD, overrides=["revenue.sharing.cap="]).params.revenue.sharing.cap is None


def test_set_zone_share_changes_only_that_value():
    base = load(GOOD)
    scenario = load(GOOD, overrides=["revenue.sharing.zone_share=0.6"])
    assert scenario.params.revenue.sharing.zone_share == 0.6
    assert scenario.leaves["revenue.sharing.zone_share"].source == "--set revenue.sharing.zone_share=0.6"
    assert not scenario.leaves["revenue.sharing.zone_share"].is_assumption
    got, want = scenario.resolved(), base.resolved()
    got["revenue"]["sharing"].pop("zone_share")
    want["revenue"]["sharing"].pop("zone_share")
    assert got == want


def test_later_set_wins():
    scenario = load(GOOD, overrides=["revenue.sharing.zone_share=0.6", "revenue.sharing.zone_share=0.7"])
    assert scenario.params.revenue.sharing.zone_share == 0.7


def test_set_int_for_a_money_field_is_a_float():
    scenario = load(GOOD, overrides=["revenue.base_tax=5"])
    assert scenario.params.revenue.base_tax == 5.0
    assert isinstance(scenario.params.revenue.base_tax, float)


SET_FAILURES = [
    pytest.param("revenue.sharing.cpa=1", "revenue.sharing.cpa", "unknown key (did you mean 'cap'?) (from --set)",
                 id="unknown-key"),
    pytest.param("revenue.sharing.zone_share=abc", "revenue.sharing.zone_share",
                 "must be a number, got text 'abc' (from --set)", id="type-error"),
    pytest.param("revenue.sharing.zone_share=1.5", "revenue.sharing.zone_share",
                 "must be at most 1.0, got 1.5 (from --set)", id="share-out-of-range"),
    pytest.param("revenue.sharing.floor=2", "revenue.sharing.floor",
                 "must not exceed cap (1.0), got 2.0 (from --set)", id="floor-above-cap"),
    pytest.param("revenue.sharing.cap=0.5", "revenue.sharing.floor",
                 "must not exceed cap (0.5), got 1.0", id="cap-below-floor-blames-floor"),
    pytest.param("meta.language=NO", "meta.language", "got False (YAML reads yes/no/on/off", id="language-NO"),
    pytest.param("meta.seed=1.5", "meta.seed", "must be a whole number, got a number 1.5 (from --set)",
                 id="seed-not-whole"),
    pytest.param("meta=1", "meta", "must be a mapping of keys, got an integer (from --set)", id="section-replaced"),
    pytest.param("revenue.sharing.zone_share.value=0.6", "revenue.sharing.zone_share",
                 "--set revenue.sharing.zone_share.value: not a section", id="through-a-leaf"),
    pytest.param("revenue.sharing.zone_share", "--set", "expected dotted.key=VALUE, got 'revenue.sharing.zone_share'",
                 id="no-equals-sign"),
    pytest.param("=0.6", "--set", "expected dotted.key=VALUE, got '=0.6'", id="empty-key"),
    pytest.param("revenue..cap=1", "--set", "expected dotted.key=VALUE, got 'revenue..cap=1'", id="empty-key-part"),
    pytest.param("revenue.growth.shocks.0.year=2030", "--set", "expected dotted.key=VALUE", id="numeric-key-part"),
]


@pytest.mark.parametrize("override, key, fragment", SET_FAILURES)
def test_bad_set_override(override, key, fragment):
    problem = assert_one_problem(GOOD, key, fragment, overrides=[override])
    assert problem.file == str(GOOD)


def test_all_bad_overrides_are_listed():
    problems = problems_of(GOOD, overrides=["oops", "revenue.sharing.zone_share=0.6", "also bad"])
    assert [p.message for p in problems] == [
        "expected dotted.key=VALUE, got 'oops'",
        "expected dotted.key=VALUE, got 'also bad'",
    ]


# -- leaf metadata -----------------------------------------------------------


def test_leaf_metadata_is_kept_by_dotted_key():
    leaves = load(GOOD).leaves
    zone_share = leaves["revenue.sharing.zone_share"]
    assert zone_share.source.startswith("000:")
    assert "按5:5比例分成" in zone_share.source
    assert zone_share.unit == "share of the increment"
    assert not zone_share.is_assumption
    base_tax = leaves["revenue.base_tax"]
    assert base_tax.is_assumption is True
    assert base_tax.unit == "亿元"
    assert leaves["meta.seed"].is_assumption
    assert "revenue.sharing" not in leaves  # a section is not a leaf
    assert leaves["revenue.growth.shocks"].source.startswith("assumption")


def test_is_assumption_rules():
    assert LeafInfo(source="  Assumption — why").is_assumption
    assert not LeafInfo(source="000: quote").is_assumption
    assert not LeafInfo(source=None).is_assumption
    assert not LeafInfo(source="").is_assumption


# -- params_sha256 -----------------------------------------------------------


def test_params_sha256_is_stable_for_the_same_values(tmp_path):
    first = load(GOOD).params_sha256()
    assert len(first) == 64 and int(first, 16) >= 0
    assert load(GOOD).params_sha256() == first
    # re-dumped (comments and key order gone), sources edited: same values, same hash
    reworded = write_mutated(tmp_path, set_at("revenue.sharing.zone_share.source", "a different citation"))
    assert load(reworded).params_sha256() == first
    # an override that sets the value it already has changes nothing
    assert load(GOOD, overrides=["revenue.sharing.zone_share=0.5"]).params_sha256() == first
    assert load(GOOD, overrides=["revenue.base_tax=5.60"]).params_sha256() == first


def test_params_sha256_changes_when_a_value_changes(tmp_path):
    first = load(GOOD).params_sha256()
    assert load(GOOD, overrides=["revenue.sharing.zone_share=0.6"]).params_sha256() != first
    assert load(GOOD, overrides=["revenue.sharing.cap=null"]).params_sha256() != first
    edited = write_mutated(tmp_path, set_at("revenue.base_tax.value", 5.7))
    assert load(edited).params_sha256() != first
    shocked = write_mutated(tmp_path, set_at("revenue.growth.shocks.value", [{"year": 2026, "change": -0.31}]))
    assert load(shocked).params_sha256() != first


# -- every params file is documented -----------------------------------------

PARAM_FILES = sorted(PARAMS_DIR.glob("*.yaml"))


def undocumented(tree: Any, path: str = "") -> list[str]:
    """Dotted keys of leaves with a missing or empty source, and of bare numbers not in a leaf."""
    bad: list[str] = []
    if isinstance(tree, dict):
        if "value" in tree:
            source = tree.get("source")
            texts = list(source.values()) if isinstance(source, dict) else [source]
            if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
                bad.append(f"{path}: no source")
            elif isinstance(source, dict) and set(source) != {"en", "zh"}:
                bad.append(f"{path}: a shipped source gives both en and zh")
            return bad  # inside `value` the numbers belong to this leaf (e.g. shock items)
        for k, v in tree.items():
            bad += undocumented(v, f"{path}.{k}" if path else str(k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            bad += undocumented(v, f"{path}[{i}]")
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        bad.append(f"{path}: bare number {tree!r}")
    return bad


def test_undocumented_finds_bare_numbers_and_missing_sources():
    tree = {"revenue": {"a": 1.0, "b": {"value": 2}, "c": {"value": 3, "source": "  "},
                        "d": {"value": [{"year": 2030}], "source": "000"}, "e": {"f": [4]}}}
    assert undocumented(tree) == [
        "revenue.a: bare number 1.0",
        "revenue.b: no source",
        "revenue.c: no source",
        "revenue.e.f[0]: bare number 4",
    ]


def test_there_is_at_least_one_params_file():
    assert GOOD in PARAM_FILES


@pytest.mark.parametrize("path", PARAM_FILES, ids=[p.name for p in PARAM_FILES])
def test_every_numeric_leaf_has_a_source(path):
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(tree, dict) and any(isinstance(tree.get(s), dict) for s in ("revenue", "salary", "land"))
    assert undocumented(tree) == []


@pytest.mark.parametrize("path", PARAM_FILES, ids=[p.name for p in PARAM_FILES])
def test_every_params_file_loads(path):
    scenario = load(path)
    assert any(getattr(scenario.params, s) is not None for s in ("revenue", "salary", "land"))
    flat = dict(_flatten_values(scenario.resolved()))
    numbers = [k for k, v in flat.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    in_file = [k for k in numbers if k in scenario.leaves]  # the others are the schema's defaults
    assert in_file and all(scenario.leaves[k].source for k in in_file)


def _flatten_values(tree, prefix=""):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _flatten_values(v, f"{prefix}.{k}" if prefix else k)
    else:
        yield prefix, tree


# -- malformed YAML that once escaped as a crash or a multi-line message -----


@pytest.mark.parametrize("literal", ["!!int abc", "!!float abc", "!!bool maybe"])
def test_bad_explicit_standard_tag_is_a_problem_not_a_crash(tmp_path, literal):
    path = write_raw(tmp_path, replaced("    value: 20250101\n", f"    value: {literal}\n"))
    problems = problems_of(path)
    assert len(problems) == 1 and problems[0].key == "meta.seed" and "cannot be read as !!" in problems[0].message


def test_recursive_alias_is_a_problem_not_a_crash(tmp_path):
    path = write_raw(tmp_path, GOOD_TEXT + "\nloop: &a [*a]\n")
    problems = problems_of(path)
    assert any(p.key.startswith("loop") for p in problems)


@pytest.mark.parametrize("char", ["\x00", "\x07"], ids=["NUL", "BEL"])
def test_control_character_gives_a_one_line_problem(tmp_path, char):
    path = write_raw(tmp_path, replaced(ZONE_LINE, f"  zone: a{char}b\n"))
    problems = problems_of(path)  # also checks str(error) has one line per problem
    assert all("\n" not in p.message for p in problems)


@pytest.mark.parametrize("override", ["meta.title=[unclosed", "meta.title=a: b: c"])
def test_unparsable_set_value_gives_a_one_line_problem(override):
    problems = problems_of(GOOD, overrides=[override])
    assert [p.key for p in problems] == ["meta.title"]
    assert "\n" not in problems[0].message


# -- the `simlib check` command ----------------------------------------------

SIMLIB = ROOT / ".venv" / "bin" / "simlib"


def run_check(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(SIMLIB), "check", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    return proc


def test_cli_check_good_file_exits_0_with_one_ok_line(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "sources").symlink_to(ROOT / "params" / "sources")  # the register it names
    proc = run_check(tmp_path, "good.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("good.yaml: OK")
    assert load(good).params_sha256()[:12] in lines[0]
    assert not (tmp_path / "outputs").exists()


def test_cli_check_bad_file_lists_every_problem_and_exits_2(tmp_path):
    mutate = both(delete_at("meta.seed"), set_at("revenue.base_tax.value", -1.0),
                  set_at("revenue.sharing.floor.value", 2.0))
    bad = write_mutated(tmp_path, mutate)
    proc = run_check(tmp_path, bad.name)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert sorted(lines) == sorted([
        f"{bad.name}: meta.seed: required key is missing",
        f"{bad.name}: revenue.base_tax: must be at least 0.0, got -1.0",
        f"{bad.name}: revenue.sharing.floor: must not exceed cap (1.0), got 2.0",
    ])
    assert not (tmp_path / "outputs").exists()


def test_cli_check_bad_overrides_exit_2_naming_the_key(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    proc = run_check(tmp_path, "good.yaml", "--set", "revenue.sharing.cpa=1", "--set", "no_equals")
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines == [  # every problem is listed, not just the first
        "good.yaml: --set: expected dotted.key=VALUE, got 'no_equals'",
        "good.yaml: revenue.sharing.cpa: unknown key (did you mean 'cap'?) (from --set)",
    ]
    proc = run_check(tmp_path, "good.yaml", "--set", "revenue.sharing.cpa=1")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "good.yaml: revenue.sharing.cpa: unknown key (did you mean 'cap'?) (from --set)"
    ]
    assert not (tmp_path / "outputs").exists()


def test_an_alias_bomb_in_set_is_caught_after_another_bad_set():
    """Every --set is checked on its own: an earlier bad override does not let a bomb through."""
    bomb = "{a: &a [x, x, x, x, x, x, x, x, x, x], " + ", ".join(
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]" for p, n in zip("abcde", "bcdef")) + "}"
    messages = [str(p) for p in problems_of(GOOD, ["meta.title=[unclosed", f"meta.description={bomb}"])]
    assert any("meta.title: --set value '[unclosed': line 1, column 10: YAML syntax error" in m for m in messages), messages
    # 1 mapping + 6 keys + a (1 + 10) + b (1 + 10·11) + ... + f (1 + 10·111111) = 1,234,573
    assert any("meta.description: line 1: aliases expand this to 1,234,573 values" in m for m in messages), messages


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    from simlib.pipeline.publish import replacing, write_text

    target = tmp_path / "brief.html"
    write_text(target, "old")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("killed half-way")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]
    write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and oct(target.stat().st_mode & 0o777) == "0o644"


# -- YAML 1.1 surprises in plain scalars (issue 17) ----------------------------------------------

YAML11_CASES = [
    pytest.param("010", "'010' is read by YAML as 8 (octal, for its leading 0); write 10 for the decimal number, "
                        "or quote it ('010') for text", id="octal"),
    pytest.param("0x1F", "'0x1F' is read by YAML as 31 (hexadecimal); write 31 for the number", id="hex"),
    pytest.param("0b101", "'0b101' is read by YAML as 5 (binary); write 5 for the number", id="binary"),
    pytest.param("1:30", "'1:30' is read by YAML as 90 (base 60, as a time); write 90 for the number, "
                         "or quote it ('1:30') for text", id="sexagesimal"),
]


@pytest.mark.parametrize("literal, fragment", YAML11_CASES)
def test_yaml11_number_forms_are_refused_with_how_to_write_them(tmp_path, literal, fragment):
    path = write_raw(tmp_path, replaced("    value: 20250101\n", f"    value: {literal}\n"))
    assert_one_problem(path, "meta.seed", fragment)


@pytest.mark.parametrize("literal", ["'010'", '"1:30"', "10", "0", "00", "1_000", "5e-1"])
def test_quoted_and_ordinary_numbers_are_not_yaml11_surprises(literal):
    from simlib.scenario.loader import _compose, _Constructor

    problems = []
    _Constructor("x", problems).build_document(_compose(f"a: {literal}"))
    assert problems == []


def test_a_yaml11_truth_key_and_a_merge_key_say_what_to_write(tmp_path):
    problems = problems_of(write_raw(tmp_path, GOOD_TEXT + "\nNO: 1\nother:\n  <<: {a: 1}\n"))
    messages = [str(p) for p in problems]
    assert any("key 'NO' is read by YAML as false; quote it ('NO') for text" in m for m in messages), messages
    assert any("other: line" in m and "merge keys (<<) are not supported; write the keys out" in m
               for m in messages), messages
    assert not any("key None" in m or "key False" in m for m in messages), messages


def test_libyaml_and_pure_python_syntax_errors_read_the_same():
    """Small texts are parsed again by the pure-Python parser on a syntax error: the same words and place."""
    from simlib.scenario.loader import _compose, _yaml_message

    for text in ["meta:\n  zone: a: b\n", "meta:\n\tzone: x\n", "[unclosed", "a: *nope\n"]:
        with pytest.raises(yaml.YAMLError) as ours:
            _compose(text)
        with pytest.raises(yaml.YAMLError) as pure:
            yaml.compose(text, Loader=yaml.SafeLoader)
        assert _yaml_message(ours.value) == _yaml_message(pure.value)


def test_a_roster_is_hashed_from_the_bytes_it_was_read_from(tmp_path, monkeypatch):
    from test_roster import ROWS, csv_text, write

    path = write(tmp_path, csv_text(ROWS))
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read a second time") if
                        self.suffix == ".csv" else real(self))
    scenario = load(path)
    import hashlib

    with open(tmp_path / "roster.csv", "rb") as f:
        assert scenario.roster_sha256 == hashlib.sha256(f.read()).hexdigest()
