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
    "salary.title": {"zh": "岗位绩效薪酬", "en": "Salary incentives"},
    "salary.grade": {"zh": "考核等次", "en": "Grade"},
    "salary.quota": {"zh": "比例", "en": "Quota"},
    "salary.coefficient": {"zh": "个人系数", "en": "Individual coefficient"},
    "salary.count": {"zh": "人数", "en": "People"},
    "salary.post": {"zh": "岗位", "en": "Post"},
    "salary.track": {"zh": "序列", "en": "Track"},
    "salary.management": {"zh": "管理岗", "en": "management"},
    "salary.professional": {"zh": "专业岗", "en": "professional"},
    "salary.all": {"zh": "全部", "en": "all"},
    "salary.p10": {"zh": "P10 总薪酬", "en": "P10 total pay"},
    "salary.p50": {"zh": "中位总薪酬", "en": "Median total pay"},
    "salary.p90": {"zh": "P90 总薪酬", "en": "P90 total pay"},
    "salary.perf_median": {"zh": "中位绩效薪酬", "en": "Median performance pay"},
    "salary.hidden": {"zh": "<5人", "en": "<5"},
    "salary.pay_unit": {"zh": "万元/年", "en": "CNY 10k a year"},
    "salary.reliability": {"zh": "考核信度（观测分与真实绩效相关系数的平方）", "en": "Reliability (squared correlation of score and true performance)"},
    "salary.misrank": {"zh": "真实绩效在中位数以上却被评在中位数以下的概率", "en": "P(rated below median | truly above median)"},
    "salary.simulated": {"zh": "模拟", "en": "simulated"},
    "salary.oracle": {"zh": "理论值 arccos(√r)/π", "en": "theory arccos(√r)/π"},
    "salary.wrong_top": {"zh": "最高等次中并非真正前列者的比例", "en": "top grade not truly in the top quota"},
    "salary.this_scenario": {"zh": "本情景", "en": "this scenario"},
    "salary.pay_chart": {"zh": "各考核等次总薪酬（P10–P90，点为中位数）", "en": "Total pay by grade (P10–P90; dot = median)"},
    "salary.curve_chart": {"zh": "误排与考核信度", "en": "Misranking against reliability"},
    "salary.grade_caption": {"zh": "等次、比例、系数与薪酬；少于 5 人的格子不显示。", "en": "Grades, quotas, coefficients and pay; cells with fewer than 5 people are hidden."},
    "salary.post_caption": {"zh": "各岗位与序列的总薪酬分布；少于 5 人的格子不显示。", "en": "Total pay by post and track; cells with fewer than 5 people are hidden."},
    "salary.k_gini": {"zh": "薪酬基尼系数", "en": "Gini of total pay"},
    "salary.k_misrank": {"zh": "中位数以上被误排概率", "en": "Misranked below the median"},
    "salary.k_incentive": {"zh": "每提高 1 个标准差的期望增薪", "en": "Extra pay per sd of performance"},
    "salary.k_precision": {"zh": "最高等次命中率", "en": "Top-grade precision"},
    "salary.f_spread": {
        "zh": "{n} 人的总薪酬基尼系数为 {gini}，P90/P10 为 {ratio}；绩效薪酬共发放 {spent}，为预算 {pool} 的 {share}。",
        "en": "Across {n} staff the Gini of total pay is {gini} and P90/P10 is {ratio}; performance pay spends {spent}, {share} of the {pool} budget.",
    },
    "salary.f_misrank": {
        "zh": "考核信度 {r} 时，真实绩效在中位数以上者有 {misrank} 被评在中位数以下（大样本理论值 {oracle}）；最高等次中 {precision} 确属真实前 {top}；真实与观测排序的 Kendall τ 为 {tau}。",
        "en": "At reliability {r}, {misrank} of those truly above the median are rated below it (large-staff theory {oracle}); {precision} of the top grade are truly in the top {top}; Kendall's τ between true and observed rank is {tau}.",
    },
    "salary.f_incentive": {
        "zh": "真实绩效提高一个标准差，期望多得绩效薪酬 {extra}（约为标准额 {standard} 的 {ratio}）。",
        "en": "One more standard deviation of true performance earns {extra} more performance pay on average ({ratio} of the {standard} standard amount).",
    },
    "salary.f_flagged": {
        "zh": "末位淘汰：{years} 年中连续 {k} 年处于最低等次的有 {flagged} 人，其中 {precision} 确属真实末位。",
        "en": "Bottom elimination: {flagged} people are graded bottom {k} years running within {years} years; {precision} of them are truly in the bottom quota.",
    },
    "salary.f_flagged_none": {
        "zh": "末位淘汰：{years} 年中无人连续 {k} 年处于最低等次。",
        "en": "Bottom elimination: nobody is graded bottom {k} years running within {years} years.",
    },
    "salary.f_link": {
        "zh": "考核联动：管委会评为“{committee}”，运营公司由“{asked}”调整为“{company}”。",
        "en": "Linked appraisal: the committee is rated “{committee}”, so the company's “{asked}” becomes “{company}”.",
    },
    "salary.method": {
        "zh": "真实绩效 θ ~ N(0, 1){dept}。观测分 = θ + 噪声，噪声方差使观测分与 θ 相关系数的平方等于信度 {r}（噪声标准差 {sd}；{parts}）。强制分布在{scope}内按名次分配等次，配额按最大余数法取整（余数相同时优先给较高等次），同分者按名册顺序。绩效薪酬 = 标准额 {standard} × 园区系数 × 部门系数 × 个人系数，{mode}。",
        "en": "True performance θ ~ N(0, 1){dept}. The observed score is θ + noise, the noise set so the squared correlation of score and θ equals the reliability {r} (noise sd {sd}; {parts}). The forced distribution grades by rank within {scope}; quota seats are rounded by largest remainder (equal remainders favour the better grade) and equal scores are ordered by roster position. Performance pay = standard amount {standard} × park × department × individual coefficient, {mode}.",
    },
    "salary.dept_effect": {"zh": "，另加部门效应（标准差 {sd}）", "en": " plus a department effect (sd {sd})"},
    "salary.scope_department": {"zh": "各部门", "en": "each department"},
    "salary.scope_zone": {"zh": "全区", "en": "the whole zone"},
    "salary.mode_exact": {"zh": "按系数比例缩放使预算（标准额 × 人数）恰好用完", "en": "scaled so the budget (standard amount × staff) is spent exactly"},
    "salary.mode_standard": {"zh": "按标准额直接发放并报告超支或结余", "en": "paid at the standard amount with the over- or under-spend reported"},
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


def wan(value: float, language: str) -> str:
    """万元 amounts (pay): ``3.20万元`` in Chinese, ``CNY 32,000`` in English."""
    if language == "zh":
        return f"{value:,.2f}万元"
    return f"CNY {value * 10_000:,.0f}"


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"
