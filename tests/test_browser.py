"""A real browser opens every kind of brief from disk, with the network unreachable.

The four zones in Chinese, the fullest one in English, and a comparison (every zone renders in both
languages without a warning in tests/test_report.py).

Headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it when missing)
must see no console error, no script error, no request leaving the file, no
script element and no broken image.  A screenshot of each brief is kept in the
test's temporary folder.  Without Chromium the test is skipped on a developer's
machine and fails in CI.
"""

from __future__ import annotations

import os

import pytest
import yaml

from browser import chromium, open_page
from conftest import ROOT, simlib

if chromium() is None:
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: .ci/run should have installed it", pytrace=False)
    pytest.skip("no Chromium on this machine (apt-get install --no-install-recommends chromium)",
                allow_module_level=True)

PAYLOADS = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "javascript:alert(1)",
            "<svg onload=alert(1)>"]

BRIEFS = {  # name → simlib arguments
    "qingzhen_zh": ["brief", "params/qingzhen_2025.yaml"],
    "qingzhen_en": ["brief", "params/qingzhen_2025.yaml", "--lang", "en"],
    "jianshi_zh": ["brief", "params/jianshi_2021.yaml"],
    "yongchang_zh": ["brief", "params/yongchang_2024.yaml"],
    "guangyuan_zh": ["brief", "params/guangyuan_2023.yaml"],
    "compare": ["compare", "params/qingzhen_2025.yaml", "--variant", "6:4", "revenue.sharing.zone_share=0.6",
                "--variant", "no cap", "revenue.sharing.cap=null"],
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("briefs")
    pages = {}
    for name, args in BRIEFS.items():
        proc = simlib(*args, "--out", str(root / name))
        assert proc.returncode == 0, proc.stderr
        pages[name] = root / name / "brief.html"
    return pages


@pytest.mark.parametrize("name", list(BRIEFS))
def test_brief_opens_cleanly_offline(rendered, name, tmp_path):
    shot = tmp_path / f"{name}.png"
    report = open_page(rendered[name], shot)
    assert report.console_errors == []
    assert report.exceptions == []
    assert report.outside_requests == []
    assert report.scripts == 0
    assert report.images >= 1 and report.broken_images == 0
    assert shot.stat().st_size > 10_000
    assert rendered[name].stat().st_size < 3_000_000


def _poisoned(tmp_path):
    """The Qingzhen scenario with an attack in every free-text field a brief shows."""
    data = yaml.safe_load((ROOT / "params" / "qingzhen_2025.yaml").read_text(encoding="utf-8"))
    p = iter(PAYLOADS * 10)
    data["meta"]["title"] = next(p)
    data["meta"]["zone"] = next(p)
    data["meta"]["description"] = next(p)
    data["revenue"]["base_tax"]["source"] = next(p)
    data["revenue"]["base_tax"]["unit"] = next(p)
    data["salary"]["departments"]["value"][0]["name"] = next(p)
    data["salary"]["posts"]["value"][0]["level"] = next(p)
    data["salary"]["appraisal"]["quotas"]["value"][0]["grade"] = next(p)
    data["salary"]["park"]["grades"]["value"][0]["grade"] = next(p)
    for key in ("committee_grade", "company_grade", "link_threshold", "link_company_best"):
        if data["salary"]["park"][key]["value"] == "第一":
            data["salary"]["park"][key]["value"] = data["salary"]["park"]["grades"]["value"][0]["grade"]
    path = tmp_path / "poisoned.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_attacks_in_every_text_field_show_as_text(tmp_path):
    path = _poisoned(tmp_path)
    outputs = []
    proc = simlib("brief", str(path), "--out", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    outputs.append(tmp_path / "b" / "brief.html")
    proc = simlib("compare", str(path), "--variant", PAYLOADS[1], "revenue.sharing.cap=null",
                  "--out", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    outputs.append(tmp_path / "c" / "brief.html")
    shown = {"b": PAYLOADS, "c": PAYLOADS[:2]}  # the comparison shows titles and variant names
    for page in outputs:
        report = open_page(page, tmp_path / f"{page.parent.name}.png")
        assert report.scripts == 0 and report.exceptions == [] and report.console_errors == []
        assert report.broken_images == 0 and report.outside_requests == []
        for payload in shown[page.parent.name]:
            assert payload in report.text  # shown literally, as text
