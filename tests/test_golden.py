"""Golden metrics: every ready scenario and a few ``--set`` variants, compared value for value.

The files in ``tests/golden/`` were written before the model contract was introduced, and a
refactor must reproduce them: texts, whole numbers and booleans exactly, floats to a relative
:data:`RTOL` of 1e-12.  Not bit for bit: numpy picks its SIMD kernels by CPU, and the same seed on
an AMD and an Intel machine differs in the last bit or two of a sum (seen: 2e-16 relative); any real
change of a model moves a figure by far more.  A deliberate change of the numbers is made by
regenerating the files and saying why in the commit:

    SIMLIB_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

A mismatch prints each differing metric with its golden and actual values.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from conftest import ROOT
from simlib.scenario import load, run

GOLDEN = Path(__file__).resolve().parent / "golden"
#: How far (relative) a float may be from its golden value: the last bits a CPU's SIMD kernels change.
RTOL = 1e-12

#: case name → (scenario file, overrides)
CASES = {
    "qingzhen_2025": ("params/qingzhen_2025.yaml", []),
    "jianshi_2021": ("params/jianshi_2021.yaml", []),
    "yongchang_2024": ("params/yongchang_2024.yaml", []),
    "guangyuan_2023": ("params/guangyuan_2023.yaml", []),
    "qingzhen_share_06_cap_none": ("params/qingzhen_2025.yaml",
                                   ["revenue.sharing.zone_share=0.6", "revenue.sharing.cap=null",
                                    "revenue.sharing.floor=0.5", "revenue.sharing.base_reset_years=3"]),
    "qingzhen_zone_scope_to_suit": ("params/qingzhen_2025.yaml",
                                    ["salary.appraisal.scope=zone", "salary.department_effect_sd=0.4",
                                     "land.factories.policy=to_suit", "land.max_wait_months=12"]),
    "jianshi_exact_pool_caps": ("params/jianshi_2021.yaml",
                                ["salary.pay.pool_mode=exact", "salary.appraisal.rounding=up",
                                 "salary.appraisal.quotas=[{grade: 优秀, max_share: 0.2, coefficient: 1.3}, "
                                 "{grade: 称职, coefficient: 1.0}]",
                                 "land.idle_rate=0.1", "land.revitalise_rate=0.3"]),
    "shouning_2023": ("params/shouning_2023.yaml", []),
    "qingzhen_2015": ("params/qingzhen_2015.yaml", []),
    "qingzhen_2025_linked": ("params/qingzhen_2025_linked.yaml", []),
    "jianshi_2021_linked": ("params/jianshi_2021_linked.yaml", []),
    "guangyuan_target_vacancy_reverse": ("params/guangyuan_2023.yaml",
                                         ["land.factories.policy=target_vacancy", "meta.seed=7",
                                          "land.reverse={lever: servicing_mu_per_year, target: 0.2, paths: 40}"]),
}


def _metrics(case: str) -> dict:
    path, overrides = CASES[case]
    r = run(load(ROOT / path, overrides))
    return json.loads(json.dumps(r.document_metrics(), allow_nan=False))


def _diff(golden, actual, key: str = "") -> list[str]:
    """Every leaf where the two differ, as 'dotted.key: golden … actual …'."""
    if isinstance(golden, dict) and isinstance(actual, dict):
        out = []
        for k in sorted(set(golden) | set(actual)):
            sub = f"{key}.{k}" if key else k
            if k not in actual:
                out.append(f"{sub}: missing (golden {golden[k]!r})")
            elif k not in golden:
                out.append(f"{sub}: new (actual {actual[k]!r})")
            else:
                out += _diff(golden[k], actual[k], sub)
        return out
    if isinstance(golden, list) and isinstance(actual, list) and len(golden) == len(actual):
        return [d for i, (g, a) in enumerate(zip(golden, actual)) for d in _diff(g, a, f"{key}[{i}]")]
    if isinstance(golden, bool) or isinstance(actual, bool):
        same = type(golden) is type(actual) and golden == actual
    elif isinstance(golden, (int, float)) and isinstance(actual, (int, float)):
        same = math.isclose(golden, actual, rel_tol=RTOL, abs_tol=0.0)
    else:
        same = golden == actual
    return [] if same else [f"{key}: golden {golden!r}, actual {actual!r}"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_metrics_match_golden(case):
    actual = _metrics(case)
    path = GOLDEN / f"{case}.json"
    if os.environ.get("SIMLIB_UPDATE_GOLDEN"):
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(path.read_text(encoding="utf-8"))
    differences = _diff(golden, actual)
    assert not differences, (
        f"{len(differences)} metric(s) of {case} differ from tests/golden/{case}.json:\n  "
        + "\n  ".join(differences[:40])
        + "\nIf the change is deliberate, regenerate with SIMLIB_UPDATE_GOLDEN=1 .venv/bin/python -m pytest "
          "tests/test_golden.py and explain it in the commit.")


def test_diff_sees_a_changed_value():
    """The comparison can fail: a change past 1e-12 relative, a boolean for a number and a missing key
    are all differences; a CPU's last bit is not."""
    assert _diff({"a": 0.1, "b": [1.0, None]}, {"a": 0.1, "b": [1, None]}) == []
    assert _diff({"a": 0.3}, {"a": 0.30000000000000004}) == []  # one ulp: another CPU's SIMD kernel
    assert _diff({"a": 0.3}, {"a": 0.3000000000003})
    assert _diff({"a": 0.0}, {"a": 1e-300})
    assert _diff({"a": [1, 2]}, {"a": [1, 3]})
    assert _diff({"a": True}, {"a": 1})
    assert _diff({"a": 1}, {})
