"""Every user-facing word of a brief, in Chinese and English, and the number formats.

Briefs look words up here by key (``t("revenue.title")``) so a label is written
once per language and never scattered through the notebook.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "brief.scenario": {"zh": "情景文件", "en": "Scenario file"},
    "brief.zone": {"zh": "开发区", "en": "Zone"},
    "brief.overrides": {"zh": "命令行覆盖", "en": "Command-line overrides"},
    "brief.key_numbers": {"zh": "关键数字", "en": "Key numbers"},
    "brief.findings": {"zh": "主要发现", "en": "Findings"},
    "brief.method": {"zh": "假设与方法", "en": "Assumptions and method"},
    "brief.appendix": {"zh": "附录：参数与来源", "en": "Appendix: parameters and sources"},
    "brief.provenance": {"zh": "可复现信息", "en": "Provenance"},
    "param.key": {"zh": "参数", "en": "Parameter"},
    "param.value": {"zh": "取值", "en": "Value"},
    "param.unit": {"zh": "单位", "en": "Unit"},
    "param.source": {"zh": "来源", "en": "Source"},
    "param.assumption": {"zh": "假设", "en": "assumption"},
    "param.default": {"zh": "（默认值）", "en": "(default)"},
    "revenue.title": {"zh": "新增税收分成", "en": "Revenue sharing"},
    "revenue.year": {"zh": "年份", "en": "Year"},
    "revenue.tax": {"zh": "规上工业税收", "en": "Tax, above-scale industry"},
    "revenue.payout": {"zh": "开发区所得", "en": "Zone payout"},
    "revenue.topup": {"zh": "县级补足", "en": "County top-up"},
    "revenue.pooled": {"zh": "县级统筹", "en": "Pooled by county"},
    "revenue.p_floor": {"zh": "保底生效概率", "en": "P(floor binds)"},
    "revenue.p_cap": {"zh": "封顶生效概率", "en": "P(cap binds)"},
    "revenue.marginal": {"zh": "边际留成率", "en": "Marginal retention"},
    "revenue.money_unit": {"zh": "亿元", "en": "CNY 100m"},
    "revenue.fan_median": {"zh": "中位数", "en": "median"},
    "revenue.fan_50": {"zh": "50% 区间", "en": "50% band"},
    "revenue.fan_90": {"zh": "90% 区间", "en": "90% band"},
    "revenue.fan_caption": {
        "zh": "扇形图：各年税收与开发区所得的分位数（{paths} 条模拟路径）。",
        "en": "Fan chart: quantiles of tax and of the zone's payout by year ({paths} simulated paths).",
    },
    "revenue.table_caption": {
        "zh": "各年均值与规则生效概率（跨模拟路径平均）。",
        "en": "Yearly means and how often each part of the rule binds (averaged over paths).",
    },
    "revenue.k_total": {"zh": "开发区所得合计（{y0}–{y1}，均值）", "en": "Zone payout, {y0}–{y1} (mean)"},
    "revenue.k_floor": {"zh": "保底生效（路径-年份占比）", "en": "Floor binds (share of path-years)"},
    "revenue.k_cap": {"zh": "封顶生效（路径-年份占比）", "en": "Cap binds (share of path-years)"},
    "revenue.k_marginal": {"zh": "边际留成率（平均）", "en": "Marginal retention (average)"},
    "revenue.k_pooled": {"zh": "县级统筹合计（均值）", "en": "Pooled by the county (mean total)"},
    "revenue.f_totals": {
        "zh": "{y0}–{y1} 年，开发区平均共得 {total}（90% 区间 {lo} 至 {hi}）；县级财政平均补足 {topup}，统筹 {pooled}。",
        "en": "Over {y0}–{y1} the zone receives {total} on average (90% range {lo} to {hi}); "
              "the county tops it up by {topup} and pools {pooled}.",
    },
    "revenue.f_binds": {
        "zh": "保底在 {floor} 的路径-年份中生效（{y0} 年 {floor0}，{y1} 年 {floor1}）；封顶在 {cap} 中生效（{y0} 年 {cap0}，{y1} 年 {cap1}）。",
        "en": "The floor binds in {floor} of path-years ({floor0} in {y0}, {floor1} in {y1}); "
              "the cap binds in {cap} ({cap0} in {y0}, {cap1} in {y1}).",
    },
    "revenue.f_zero_margin": {
        "zh": "保底与封顶相等（均为 {floor}），开发区所得与税收增减无关：多收一元税，开发区留成为零（每一年、每条路径的边际留成率均为 0）。按此规则，开发区在边际上没有增收激励。",
        "en": "Floor and cap are equal ({floor}), so the zone's payout does not depend on the tax: "
              "of one more yuan of tax the zone keeps nothing (marginal retention is 0 in every year and path). "
              "Under this rule the zone has no revenue incentive at the margin.",
    },
    "revenue.f_margin": {
        "zh": "多收一元税，开发区平均留成 {avg} 元（各年在 {lo} 至 {hi} 之间）；名义分成比例为 {share}。",
        "en": "Of one more yuan of tax the zone keeps {avg} on average (between {lo} and {hi} across years), "
              "against a nominal share of {share}.",
    },
    "revenue.method": {
        "zh": "税收以 {base_year} 年 {base_tax} 为基数，按年对数正态增长（期望增速 {mean}，对数增速标准差 {vol}）{shocks}。"
              "每年：增量 =（税收 − 基数）⁺；开发区原始分成 S = {share} × 增量；开发区所得 = min(max(S, 保底 {floor}), 封顶 {cap}) + {ret} ×（S − 封顶）⁺；"
              "县级补足 =（保底 − S）⁺；县级统筹 =（1 − {ret}）×（S − 封顶）⁺。{reset}边际留成率为所得对税收的导数（基数不变），按路径平均。",
        "en": "Tax starts from a {base_year} base of {base_tax} and grows lognormally (expected growth {mean}, "
              "sd of log growth {vol}){shocks}. Each year: increment = (tax − base)⁺; the zone's raw share "
              "S = {share} × increment; payout = min(max(S, floor {floor}), cap {cap}) + {ret} × (S − cap)⁺; "
              "county top-up = (floor − S)⁺; pooled = (1 − {ret}) × (S − cap)⁺. {reset}Marginal retention is the "
              "derivative of the payout with respect to tax, holding the base fixed, averaged over paths.",
    },
    "revenue.no_cap": {"zh": "无", "en": "none"},
    "revenue.shocks": {"zh": "，并计入一次性冲击：{items}", "en": ", with one-off shocks: {items}"},
    "revenue.no_reset": {"zh": "基数不重置。", "en": "The base is never re-set. "},
    "revenue.reset": {"zh": "基数每 {n} 年重置为最近一年的税收。", "en": "The base is re-set every {n} years to the latest year's tax. "},
    "prov.hash": {"zh": "参数哈希", "en": "Parameter hash"},
    "prov.version": {"zh": "simlib 版本", "en": "simlib version"},
    "prov.commit": {"zh": "代码提交", "en": "Commit"},
    "prov.seed": {"zh": "随机种子", "en": "Seed"},
    "prov.created": {"zh": "生成时间", "en": "Created"},
}


def t(key: str, language: str, **fields: object) -> str:
    """The label ``key`` in ``language``, with ``{fields}`` filled in."""
    text = LABELS[key][language]
    return text.format(**fields) if fields else text


def money(value: float, language: str) -> str:
    """亿元 amounts: ``5.60亿元`` in Chinese, ``CNY 560m`` in English."""
    if language == "zh":
        return f"{value:,.2f}亿元"
    return f"CNY {value * 100:,.0f}m"


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"
