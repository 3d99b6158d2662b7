"""Every user-facing word of a brief, in Chinese and English, and the number formats.

Briefs look words up here by key (``t("revenue.title")``) so a label is written
once per language and never scattered through the notebook.
"""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "brief.scenario": {"zh": "情景文件", "en": "Scenario file"},
    "brief.zone": {"zh": "开发区", "en": "Zone"},
    "brief.zone_cadre": {"zh": "地区", "en": "Area"},
    "brief.names": {"zh": "名称", "en": "Chinese names"},
    "brief.overrides": {"zh": "命令行覆盖", "en": "Command-line overrides"},
    "brief.key_numbers": {"zh": "关键数字", "en": "Key numbers"},
    "brief.findings": {"zh": "主要发现", "en": "Findings"},
    "brief.method": {"zh": "假设与方法", "en": "Assumptions and method"},
    "brief.appendix": {"zh": "附录：参数与来源", "en": "Appendix: parameters and sources"},
    "brief.provenance": {"zh": "可复现信息", "en": "Provenance"},
    "brief.metric": {"zh": "指标", "en": "Metric"},
    "brief.value": {"zh": "取值", "en": "Value"},
    "bottom.heading": {"zh": "要点", "en": "Bottom line"},
    "bottom.split": {
        "zh": "{y0}–{y1} 年园区规上工业税收平均共 {tax}：按本规则开发区得 {payout}，县级财政支付分成（含补足 {topup}）后净得 {net}。若按 {share} 的比例直接分成增量，开发区将得 {flat}。",
        "en": "Over {y0}–{y1} the zone's above-scale industrial tax totals {tax} on average: under this rule the zone receives {payout} and the county, after paying the zone (top-ups of {topup} included), keeps {net}. A plain {share} split of the increment would give the zone {flat}.",
    },
    "bottom.split_no_topup": {
        "zh": "{y0}–{y1} 年园区规上工业税收平均共 {tax}：按本规则开发区得 {payout}，县级财政支付分成后净得 {net}。若按 {share} 的比例直接分成增量，开发区将得 {flat}。",
        "en": "Over {y0}–{y1} the zone's above-scale industrial tax totals {tax} on average: under this rule the zone receives {payout} and the county, after paying the zone, keeps {net}. A plain {share} split of the increment would give the zone {flat}.",
    },
    "bottom.split_zone_none": {
        "zh": "计入新项目的税收，县级财政净得 {after}，期内无需兜底园区现金。",
        "en": "Counting the new projects' tax the county keeps {after}, and it never has to support the zone's cash.",
    },
    "bottom.split_zone_out": {
        "zh": "计入新项目的税收和对园区现金的兜底 {support}，县级财政净支出 {after}。",
        "en": "Counting the new projects' tax and {support} of support to the zone's cash, the county is out of pocket by {after}.",
    },
    "bottom.split_zone_none_out": {
        "zh": "计入新项目的税收，县级财政净支出 {after}，期内无需兜底园区现金。",
        "en": "Counting the new projects' tax the county is out of pocket by {after}, and it never has to support the zone's cash.",
    },
    "bottom.split_zone": {
        "zh": "计入新项目的税收和对园区现金的兜底 {support}，县级财政净得 {after}。",
        "en": "Counting the new projects' tax and {support} of support to the zone's cash, the county keeps {after}.",
    },
    "bottom.no_margin": {
        "zh": "开发区多收一元税，自己一分不得：所得由保底和封顶（均为 {floor}）锁定，分成比例不起作用。",
        "en": "The zone keeps nothing of an extra yuan of tax: its payout is fixed by the floor and cap (both {floor}), so the share does not matter.",
    },
    "bottom.margin": {
        "zh": "开发区多收一元税，平均自留 {avg} 元（名义比例 {share}）。",
        "en": "Of an extra yuan of tax the zone keeps {avg} on average (against a nominal {share}).",
    },
    "bottom.risk": {"zh": "主要风险：{risk}。", "en": "The main risk: {risk}."},
    "bottom.risk_none": {"zh": "模型中没有发生概率达到 {floor} 的不利情形。", "en": "No adverse outcome the models track is {floor} likely or more."},
    "bottom.risk_support": {"zh": "有 {p} 的可能某一年园区现金不足、需县级兜底（期内平均共 {support}）",
                            "en": "a {p} chance that the zone's cash runs short in some year and the county must step in ({support} over the horizon on average)"},
    "bottom.risk_land": {"zh": "期内可供用地耗尽的概率为 {p}，之后需要用地的项目只能等待或流失",
                         "en": "a {p} chance that serviced land runs out within the horizon, after which projects needing land wait or are lost"},
    "bottom.risk_lost": {"zh": "排队等待空间的项目中有 {p} 因等不到空间而流失", "en": "{p} of the projects queueing for space are lost for want of it"},
    "bottom.risk_floor": {"zh": "税收不及预期的年份由县级补足保底：保底在 {p} 的路径-年份中生效，县级平均共补足 {topup}",
                          "en": "in weak years the county pays the floor: it binds in {p} of path-years and costs the county {topup} on average"},
    "bottom.risk_misorder": {"zh": "考核等次错排：{within}等次不同的两人中，有 {p} 是真实绩效较弱的一方得到了较好的等次",
                             "en": "misordered grades: of two people graded differently {within}, the weaker performer gets the better grade in {p} of pairs"},
    "bottom.lever": {
        "zh": "最要紧的杠杆是{lever}（现为 {value}）：{direction} 10%，开发区所得{change} {amount}（{pct}），县级净得相应{county}。",
        "en": "The lever that matters most is the {lever} (now {value}): {direction} by 10%, it {change} the zone's payout by {amount} ({pct}), and the county's net {county} by as much.",
    },
    "bottom.lever_untested": {"zh": "分档或分阶段的分成规则未逐项测算杠杆（±10%）：请用 simlib sensitivity 比较各档比例。",
                              "en": "The levers of a bracketed or period rule are not measured one by one (±10%): compare the brackets' shares with simlib sensitivity."},
    "bottom.lever_none": {"zh": "分成规则中的各项杠杆（±10%）都不改变开发区所得。",
                          "en": "None of the sharing rule's levers (±10%) changes the zone's payout."},
    "bottom.up": {"zh": "提高", "en": "raised"},
    "bottom.down": {"zh": "降低", "en": "lowered"},
    "bottom.raises": {"zh": "增加", "en": "raises"},
    "bottom.lowers": {"zh": "减少", "en": "lowers"},
    "bottom.county_down": {"zh": "减少", "en": "falls"},
    "bottom.county_up": {"zh": "增加", "en": "rises"},
    "bottom.still": {"zh": "{levers}不起作用。", "en": "The {levers} changes nothing."},
    "bottom.lever.zone_share": {"zh": "开发区分成比例", "en": "zone's share of the increment"},
    "bottom.lever.floor": {"zh": "保底", "en": "floor"},
    "bottom.lever.cap": {"zh": "封顶", "en": "cap"},
    "bottom.lever.excess_return": {"zh": "超封顶部分返还比例", "en": "share of the pooled excess returned"},
    "bottom.land": {
        "zh": "{y0}–{y1} 年平均签约 {signed} 个项目、投产 {producing} 个；排队等待空间的项目中 {unserved} 到期末仍未获得空间。",
        "en": "Over {y0}–{y1} on average {signed} projects sign and {producing} enter production; {unserved} of those queueing for space have none by the end.",
    },
    "bottom.salary": {
        "zh": "全部 {staff} 人中，真实绩效高一个标准差，期望多得绩效薪酬 {incentive}（约为标准额的 {share}）。",
        "en": "Across all {staff} staff, one standard deviation more true performance earns {incentive} more performance pay on average (about {share} of the standard amount).",
    },
    "param.key": {"zh": "参数", "en": "Parameter"},
    "param.value": {"zh": "取值", "en": "Value"},
    "param.unit": {"zh": "单位", "en": "Unit"},
    "param.source": {"zh": "来源", "en": "Source"},
    "param.assumption": {"zh": "假设", "en": "assumption"},
    "param.group": {"zh": "{title}：{n} 项参数，其中 {assumed} 项为假设", "en": "{title}: {n} parameters, {assumed} of them assumptions"},
    "param.documents": {"zh": "引用文件", "en": "Documents cited"},
    "param.doc_number": {"zh": "编号", "en": "No."},
    "param.doc_file": {"zh": "文件", "en": "File"},
    "param.doc_title": {"zh": "标题", "en": "Title"},
    "param.doc_place": {"zh": "地点", "en": "Place"},
    "param.doc_date": {"zh": "时间", "en": "Date"},
    "param.defaults": {"zh": "其余参数取默认值：", "en": "Left at their defaults: "},
    "param.list_sep": {"zh": "、", "en": ", "},
    "param.note": {"zh": "注：", "en": "Note: "},
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
    "revenue.f_totals": {
        "zh": "{y0}–{y1} 年，开发区平均共得 {total}（90% 区间 {lo} 至 {hi}）；县级财政平均补足 {topup}，统筹 {pooled}。",
        "en": "Over {y0}–{y1} the zone receives {total} on average (90% range {lo} to {hi}); "
              "the county tops it up by {topup} and pools {pooled}.",
    },
    "revenue.f_totals_fixed": {
        "zh": "{y0}–{y1} 年，开发区在每条模拟路径上都共得 {total}；县级财政平均补足 {topup}，统筹 {pooled}。",
        "en": "Over {y0}–{y1} the zone receives {total} on every simulated path; "
              "the county tops it up by {topup} and pools {pooled} on average.",
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
    "revenue.f_margin_ratchet": {
        "zh": "按当年计，多收一元税，开发区平均留成 {avg} 元（各年在 {lo} 至 {hi} 之间；名义分成比例为 {share}）。"
              "但这一静态数字高估了增收激励：今年多收的税会抬高以后的基数（鞭打快牛），"
              "计入以后各年基数的变化，一次性多收一元，开发区在整个期间只留成 {oneoff} 元；持续每年多收一元，每元留成 {lasting} 元。",
        "en": "Counting the same year only, of one more yuan of tax the zone keeps {avg} on average (between {lo} "
              "and {hi} across years, against a nominal share of {share}). This static figure overstates the "
              "incentive: a yuan earned now raises later bases (the ratchet, 'whipping the fast ox'), so over "
              "the horizon the zone keeps {oneoff} of a one-off extra yuan and {lasting} per yuan of a lasting one.",
    },
    "revenue.f_county": {
        "zh": "{y0}–{y1} 年税收平均共 {tax}，县级财政补足开发区 {topup}、统筹 {pooled}，支付开发区后平均留下 {net}。"
              "开发区所得 {payout}，按 {share} 的比例直接分成增量则为 {flat}，{diff}。",
        "en": "Over {y0}–{y1} the county keeps {net} of {tax} of tax on average, after topping the zone up by "
              "{topup} and pooling {pooled}. The zone receives {payout}, against {flat} under a plain split of "
              "the increment at {share}: {diff}.",
    },
    "revenue.diff_more": {"zh": "多 {amount}", "en": "{amount} more"},
    "revenue.diff_less": {"zh": "少 {amount}", "en": "{amount} less"},
    "revenue.diff_same": {"zh": "两者相同", "en": "the same"},
    "revenue.key_dynamic": {"zh": "边际留成率（计入基数调整，一次性）",
                            "en": "Marginal retention (with later bases, one-off)"},
    "revenue.rule_title": {"zh": "分成规则：首年开发区所得与税收", "en": "The rule: zone payout against tax, first year"},
    "revenue.rule_tax": {"zh": "{year} 年税收（亿元）", "en": "Tax in {year} (CNY 100m)"},
    "revenue.rule_paths": {"zh": "模拟路径占比", "en": "Share of paths"},
    "revenue.base": {"zh": "基数", "en": "Base"},
    "revenue.floor": {"zh": "保底", "en": "Floor"},
    "revenue.cap": {"zh": "封顶", "en": "Cap"},
    "revenue.rule_caption": {
        "zh": "{year} 年的分成规则：开发区所得随税收的变化（基数 {base}），下方为当年税收在各模拟路径中的分布（横轴至第 99 百分位）。",
        "en": "The rule in {year}: the zone's payout as a function of tax (base {base}), with that year's "
              "tax across simulated paths underneath (up to its 99th percentile).",
    },
    "revenue.targets_caption": {"zh": "目标达成概率（跨模拟路径）。", "en": "Chance of meeting each target (over paths)."},
    "revenue.t_series": {"zh": "指标", "en": "Series"},
    "revenue.t_value": {"zh": "目标值", "en": "Target"},
    "revenue.t_probability": {"zh": "达成概率", "en": "Probability"},
    "revenue.t_interval": {"zh": "95% 区间", "en": "95% interval"},
    "revenue.f_target": {
        "zh": "P({year} 年{series} ≥ {value}) = {p}（95% 区间 {lo}–{hi}）。",
        "en": "P({series} in {year} ≥ {value}) = {p} (95% interval {lo}–{hi}).",
    },
    "revenue.series_tax": {"zh": "税收", "en": "tax"},
    "revenue.series_zone_payout": {"zh": "开发区所得", "en": "zone payout"},
    "revenue.series_value_added": {"zh": "规上工业增加值", "en": "above-scale value added"},
    "revenue.sched": {"zh": "分成规则的其余部分：{items}。", "en": "The rest of the sharing schedule: {items}."},
    "revenue.sched_brackets": {"zh": "增量分档 {items}（上式 S 按各档边际比例计算）",
                               "en": "brackets of the increment {items} (S above sums each bracket's marginal share)"},
    "revenue.sched_bracket": {"zh": "{above} 以上 {share}", "en": "{share} from {above}"},
    "revenue.sched_base_share": {"zh": "开发区另得基数部分 min(税收, 基数) 的 {share}",
                                 "en": "the zone also gets {share} of the base part min(tax, base)"},
    "revenue.sched_base_growth": {"zh": "基数每年递增 {rate}", "en": "the base grows {rate} a year"},
    "revenue.sched_negative": {"zh": "税收低于基数时开发区分成为负（定额上解）",
                               "en": "below the base the zone's share is negative (a fixed remittance)"},
    "revenue.sched_retained": {"zh": "规则只适用于县级留成的 {share} 税收",
                               "en": "the rule applies to the {share} of tax retained at county level"},
    "revenue.sched_start": {"zh": "税收自 {year} 年 {tax} 起增长（新企业）", "en": "tax grows from {tax} in {year} (a new firm)"},
    "revenue.sched_period": {"zh": "{year} 年起：{keys}", "en": "from {year}: {keys}"},
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
    "salary.title_cadre": {"zh": "干部考核与绩效薪酬", "en": "Cadre appraisal and performance pay"},
    "salary.people": {"zh": "{n} 人", "en": "{n} staff"},
    "salary.people_cadre": {"zh": "{n} 名干部", "en": "{n} cadres"},
    "salary.pair": {"zh": "两人", "en": "people"},
    "salary.pair_cadre": {"zh": "两名干部", "en": "cadres"},
    "salary.group_department": {"zh": "部门", "en": "department"},
    "salary.group_department_cadre": {"zh": "单位", "en": "unit"},
    "salary.group_of_department": {"zh": "本部门", "en": "their department"},
    "salary.group_of_department_cadre": {"zh": "本单位", "en": "their unit"},
    "salary.group_of_zone": {"zh": "全区", "en": "the zone"},
    "salary.group_of_zone_cadre": {"zh": "全体干部", "en": "all cadres"},
    "salary.within_department": {"zh": "同一部门内", "en": "in the same department"},
    "salary.within_department_cadre": {"zh": "同一单位内", "en": "in the same unit"},
    "salary.within_zone": {"zh": "全区", "en": "across the zone"},
    "salary.within_zone_cadre": {"zh": "全体干部中", "en": "among all cadres"},
    "salary.grade": {"zh": "考核等次", "en": "Grade"},
    "salary.rule": {"zh": "规则", "en": "Rule"},
    "salary.realised": {"zh": "实际比例", "en": "Share graded"},
    "salary.coefficient": {"zh": "个人系数", "en": "Individual coefficient"},
    "salary.count": {"zh": "人数", "en": "People"},
    "salary.count_round": {"zh": "人数（每轮）", "en": "People (a round)"},
    "salary.rule_cap": {"zh": "≤ {share}", "en": "≤ {share}"},
    "salary.rule_min": {"zh": "≥ {score} 分", "en": "≥ {score} points"},
    "salary.rule_rest": {"zh": "其余", "en": "the rest"},
    "salary.rule_and": {"zh": "，", "en": ", "},
    "salary.rule_unit_top": {"zh": "（评为“{grade}”的{group} {share}）", "en": " ({share} in a {group} rated “{grade}”)"},
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
    "salary.exempt_row": {"zh": "不参加考核（年薪制/协议工资/试用期）",
                          "en": "Outside the appraisal (annual salary / agreement pay / probation)"},
    "salary.exempt_rule": {"zh": "不参加强制分布，不占绩效薪酬池", "en": "outside the forced distribution and the pool"},
    "salary.exempt_short": {"zh": "不参加考核", "en": "outside the appraisal"},
    "salary.not_in_pool": {"zh": "不占绩效薪酬池", "en": "not in the pool"},
    "salary.unit": {"zh": "单位", "en": "Unit"},
    "salary.committee": {"zh": "管委会", "en": "management committee"},
    "salary.company": {"zh": "运营公司", "en": "operating company"},
    "salary.graded_staff": {"zh": "参加考核人数", "en": "Graded staff"},
    "salary.park_grade": {"zh": "园区考核等次（评定 → 联动后）", "en": "Park grade (rated → after the linked rule)"},
    "salary.park_coefficient": {"zh": "园区系数", "en": "Park coefficient"},
    "salary.perf_mean": {"zh": "人均绩效薪酬", "en": "Mean performance pay"},
    "salary.unit_caption": {
        "zh": "管委会与运营公司：园区考核等次（联动规则前后）、系数与参加考核人员的人均绩效薪酬（各部门独立核算绩效薪酬池，池额含所属单位的园区系数）。",
        "en": "The committee and the operating company: park grade before and after the linked rule, coefficient, "
              "and graded staff's mean performance pay (each department has its own pool, sized by its unit's park coefficient).",
    },
    "salary.reliability": {"zh": "最终得分信度（与真实绩效相关系数的平方）",
                           "en": "Reliability of the final score (squared correlation with true performance)"},
    "salary.share_axis": {"zh": "比例", "en": "Share"},
    "salary.misordered_axis": {"zh": "等次错排比例", "en": "Share of pairs graded in the wrong order"},
    "salary.simulated": {"zh": "模拟：单一评分，按本情景规则评定等次", "en": "simulated: a single score graded by this rule"},
    "salary.oracle": {"zh": "完全排序理论值 arccos(√r)/π", "en": "full ranking, theory arccos(√r)/π"},
    "salary.wrong_top": {"zh": "最高等次中并非真实前列者的比例", "en": "top grade not truly among the best"},
    "salary.this_scenario": {"zh": "本情景（{rounds} 轮平均，90% 区间）", "en": "this scenario (mean of {rounds} rounds, 90% range)"},
    "salary.pay_chart": {"zh": "各考核等次总薪酬（P10–P90，点为中位数）", "en": "Total pay by grade (P10–P90; dot = median)"},
    "salary.curve_chart": {"zh": "等次错排比例与考核信度", "en": "Pairs graded in the wrong order against reliability"},
    "salary.grade_caption": {
        "zh": "考核等次：规则原文（比例、上限或分数线）、实际比例（各轮平均）、系数与薪酬（跨 {rounds} 轮汇总）；少于 5 人的格子不显示。",
        "en": "Grades: the rule as written (share, cap or minimum score), the share actually graded (mean over rounds), "
              "coefficients and pay (pooled over {rounds} rounds); cells with fewer than 5 people are hidden.",
    },
    "salary.post_caption": {"zh": "各岗位与序列的总薪酬分布（含不参加考核人员）；少于 5 人的格子不显示。",
                            "en": "Total pay by post and track (staff outside the appraisal included); cells with fewer than 5 people are hidden."},
    "salary.f_misordered": {
        "zh": "{rounds} 轮模拟考核的平均：{within}考核等次不同的{pair}中，有 {pairs} 是真实绩效较弱的一方得到了较好的等次（等次错排比例），90% 的模拟轮次在 {lo}–{hi} 之间{zone}。",
        "en": "Averaged over {rounds} simulated appraisal rounds, of two {pair} {within} with different grades the truly "
              "weaker one got the better grade in {pairs} of pairs (the share misordered); in 90% of simulated rounds it lies "
              "between {lo} and {hi}{zone}.",
    },
    "salary.f_misordered_zone": {"zh": "；跨{group}比较，全区为 {zone}", "en": "; comparing across {group}s, {zone} zone-wide"},
    "salary.f_misordered_zone_cadre": {"zh": "；跨{group}比较，全体干部中为 {zone}",
                                       "en": "; comparing across {group}s, {zone} among all cadres"},
    "salary.f_reliability": {
        "zh": "最终得分的信度为 {r}（由各部分推得：{how}）；若按得分完全排序，大样本理论错排比例为 {oracle}（arccos(√r)/π）。",
        "en": "The final score's reliability is {r} (derived from its parts: {how}); a full ranking by this score would "
              "misorder {oracle} of pairs in a large staff (arccos(√r)/π).",
    },
    "salary.how_single": {"zh": "单一评分", "en": "a single score"},
    "salary.how_two_part": {
        "zh": "客观指标按标准计分，权重 {w}、信度 {ro}；主观指标按 {shares} 强制分布等次后计入，权重 {w2}、信度 {rs}",
        "en": "objective indicators scored against standards, weight {w}, reliability {ro}; subjective indicators "
              "forced into grades of {shares}, weight {w2}, reliability {rs}",
    },
    "salary.how_index": {"zh": "{n} 维指数——{dims}{corr}", "en": "an index of {n} dimensions — {dims}{corr}"},
    "salary.how_dimension": {"zh": "{name} 权重 {weight}、信度 {r}", "en": "{name} (weight {weight}, reliability {r})"},
    "salary.how_corr": {"zh": "；维度间误差相关 {c}", "en": "; errors correlated {c} between dimensions"},
    "salary.f_top": {
        "zh": "获最高等次“{top}”者中 {precision} 确属{group}真实绩效最好的同等人数之列；真实绩效在{group}中位数以上者有 {above} 得分低于该中位数；真实与观测排序的 Kendall τ 为 {tau}。",
        "en": "{precision} of those graded “{top}” are truly among as many of the best in {group}; {above} of "
              "those truly above the median of {group} score below it; Kendall's τ between true and observed rank is {tau}.",
    },
    "salary.f_incentive": {
        "zh": "真实绩效提高一个标准差，期望多得绩效薪酬 {extra}（90% 的模拟轮次在 {lo}–{hi} 之间），约为标准额 {standard} 的 {ratio}。",
        "en": "One more standard deviation of true performance earns {extra} more performance pay on average "
              "(between {lo} and {hi} in 90% of simulated rounds), {ratio} of the {standard} standard amount.",
    },
    "salary.f_spread": {
        "zh": "全部 {people}的总薪酬基尼系数为 {gini}，P90/P10 为 {ratio}。",
        "en": "Across all {people} the Gini of total pay is {gini} and P90/P10 is {ratio}.",
    },
    "salary.f_budget": {
        "zh": "绩效薪酬按标准额直接发放，平均共发放 {spent}，为预算 {pool}（标准额 × 参加考核人数{park}）的 {share}。",
        "en": "Paid at the standard amount, performance pay spends {spent} on average, {share} of the {pool} budget "
              "(standard amount × graded staff{park}).",
    },
    "salary.times_park": {"zh": " × 园区系数", "en": " × park coefficient"},
    "salary.f_flagged_once": {
        "zh": "末位淘汰：{years} 年中至少一年处于最低等次的平均每轮 {people}，其中 {precision} 确属真实末位。",
        "en": "Bottom elimination: on average {people} a round are graded bottom in at least one of {years} years; {precision} of them are truly in the bottom quota.",
    },
    "salary.f_link": {
        "zh": "联动规则：管委会被评为“{committee}”，运营公司由“{asked}”降为“{company}”，公司员工人均绩效薪酬由 {before} 降至 {after}（系数 {c_after}/{c_before}）。",
        "en": "Linked rule: the committee is rated “{committee}”, so the operating company drops from “{asked}” to "
              "“{company}” and company staff's mean performance pay falls from {before} to {after} "
              "(coefficient {c_after}/{c_before}).",
    },
    "salary.f_link_no_staff": {
        "zh": "联动规则：管委会被评为“{committee}”，运营公司由“{asked}”降为“{company}”；运营公司无参加考核人员，绩效薪酬不受影响。",
        "en": "Linked rule: the committee is rated “{committee}”, so the operating company drops from “{asked}” to "
              "“{company}”; the company has no graded staff, so no pay moves.",
    },
    "salary.f_exempt": {
        "zh": "另有 {people}（年薪制、协议工资或试用期）不参加考核和强制分布，也不占绩效薪酬池，只发岗位基本薪酬，平均 {mean}（P10–P90 {p10}–{p90}）。",
        "en": "Another {people} (annual salary, agreement pay or probation) stand outside the appraisal, the forced "
              "distribution and the pool and are paid their base pay, {mean} on average (P10–P90 {p10}–{p90}).",
    },
    "salary.f_exempt_hidden": {
        "zh": "另有 {people}（年薪制、协议工资或试用期）不参加考核和强制分布，也不占绩效薪酬池，只发岗位基本薪酬（不足 5 人，薪酬不单列）。",
        "en": "Another {people} (annual salary, agreement pay or probation) stand outside the appraisal, the forced "
              "distribution and the pool and are paid their base pay (fewer than 5 people: their pay is not shown).",
    },
    "salary.f_flagged": {
        "zh": "末位淘汰：{years} 年中连续 {k} 年处于最低等次的平均每轮 {people}，其中 {precision} 确属真实末位。",
        "en": "Bottom elimination: on average {people} a round are graded bottom {k} years running within {years} years; {precision} of them are truly in the bottom quota.",
    },
    "salary.f_flagged_none_once": {
        "zh": "末位淘汰：{years} 年中无人处于最低等次。",
        "en": "Bottom elimination: nobody is graded bottom in any of {years} years.",
    },
    "salary.f_flagged_none": {
        "zh": "末位淘汰：{years} 年中无人连续 {k} 年处于最低等次。",
        "en": "Bottom elimination: nobody is graded bottom {k} years running within {years} years.",
    },
    "salary.m_truth": {"zh": "真实绩效 θ ~ N(0, 1){dept}。", "en": "True performance θ ~ N(0, 1){dept}. "},
    "salary.dept_effect": {"zh": "，另加{group}效应（标准差 {sd}）", "en": " plus a {group} effect (sd {sd})"},
    "salary.m_single": {
        "zh": "观测分 = θ + 噪声，噪声标准差 {sd}，使观测分与 θ 相关系数的平方（信度）为 {r}。",
        "en": "The observed score is θ + noise of sd {sd}, so its squared correlation with θ (the reliability) is {r}. ",
    },
    "salary.m_two_part": {
        "zh": "考核分两部分：客观部分按标准计分、不设比例（信度 {ro}，噪声标准差 {so}）；主观部分（信度 {rs}，噪声标准差 {ss}）在{scope}内按 {shares} 强制分布为等次，每个等次计为其比例区间内标准正态分布的均值；最终得分 = {w} × 标准化客观分 + {w2} × 主观等次分，由两部分推得其信度为 {r}。",
        "en": "The score has two parts: an objective part scored against standards with no quota (reliability {ro}, "
              "noise sd {so}) and a subjective part (reliability {rs}, noise sd {ss}) forced into grades of {shares} "
              "within {scope}, each grade counting as the mean of a standard normal over its band; the final score is "
              "{w} × the standardised objective score + {w2} × the subjective grade's value, of reliability {r} "
              "derived from the parts. ",
    },
    "salary.m_index": {
        "zh": "考核为 {n} 维指数：各维度得分 = θ + 该维度误差（{dims}），维度间误差相关系数 {c}；最终得分为按权重（归一化）加权之和，其信度 V/(V + wᵀΣw) = {r}。",
        "en": "The appraisal is an index of {n} dimensions: each dimension's score is θ + its own error ({dims}), "
              "errors correlated {c} between dimensions; the final score is their weighted sum (weights normalised), "
              "of reliability V/(V + wᵀΣw) = {r}. ",
    },
    "salary.m_dimension": {"zh": "{name} 权重 {weight}、噪声标准差 {sd}", "en": "{name} (weight {weight}, noise sd {sd})"},
    "salary.m_exact": {
        "zh": "考核等次在{scope}内按最终得分从高到低强制分布：{rules}；名额{rounding}。",
        "en": "Grades are a forced distribution by final score within {scope}: {rules}; seats are {rounding}. ",
    },
    "salary.m_cascade": {
        "zh": "考核等次在{scope}内从最高分起依次评定：{rules}；{take}，最低等次为其余所有人；比例上限的名额{rounding}。",
        "en": "Grades are filled within {scope} from the best score down: {rules}; {take}, and the last grade takes "
              "everyone left; capped seats are {rounding}. ",
    },
    "salary.m_take_seats": {"zh": "每个等次至多取其名额", "en": "each grade takes at most its seats of those left"},
    "salary.m_take_scores": {
        "zh": "每个等次在其名额内取余下人员中达到其分数线者",
        "en": "each grade takes, up to its seats, those left who reach its minimum score",
    },
    "salary.m_scale": {
        "zh": "分数线写在均值 {mean}、标准差 {sd} 分的分数量表上（最终得分按此折算）。",
        "en": "Minimum scores are on a points scale of mean {mean} and sd {sd} (the final score converted to it). ",
    },
    "salary.m_ties": {"zh": "同分者按名册顺序。", "en": "Equal scores are ordered by roster position. "},
    "salary.m_department_grades": {
        "zh": "各{group}按参加考核人员的平均得分强制分布评定等次（{grades}）{top}。",
        "en": "Each {group} is rated by its graded staff's mean score under a forced distribution ({grades}){top}. ",
    },
    "salary.m_department_grade": {"zh": "“{grade}”{share}、系数 {coefficient}", "en": "“{grade}” {share} at coefficient {coefficient}"},
    "salary.m_department_top": {"zh": "，评为“{grade}”的{group}最高等次比例为 {share}", "en": "; a {group} rated “{grade}” grades {share} of its staff in the top grade"},
    "salary.rounding_largest_remainder": {
        "zh": "按最大余数法取整（先取整数部分，余下名额给余数最大的等次，余数相同时优先较高等次）",
        "en": "rounded by largest remainder (whole parts first, the seats left to the largest remainders, equal "
              "remainders to the better grade)",
    },
    "salary.rounding_half_up": {"zh": "四舍五入", "en": "rounded half up"},
    "salary.rounding_up": {"zh": "向上取整", "en": "rounded up"},
    "salary.rounding_down": {"zh": "向下取整", "en": "rounded down"},
    "salary.m_pay": {
        "zh": "绩效薪酬：每个{group}各设绩效薪酬池，池额 = 标准额 {standard} × 本{group}参加考核人数{dept} × 所属单位（管委会或运营公司）的园区系数（全区一个池再按比例缩放会抵消统一的园区系数，故分池）；{mode}。",
        "en": "Performance pay: each {group} has a pool of standard amount {standard} × its graded staff{dept} × its "
              "unit's (committee or operating company) park coefficient (one zone-wide pool, renormalised, would "
              "cancel a uniform park coefficient); {mode}. ",
    },
    "salary.mode_exact": {"zh": "池内按个人系数的比例分配，恰好用完",
                          "en": "each pool is spent exactly, in proportion to individual coefficients"},
    "salary.times_dept": {"zh": " × {group}系数", "en": " × its {group} coefficient"},
    "salary.mode_standard": {"zh": "每人按标准额{park} × {group}系数 × 个人系数直接发放，报告超支或结余",
                             "en": "each person is paid standard amount{park} × {group} × individual coefficient, the over- or under-spend reported"},
    "salary.times_park_short": {"zh": " × 园区系数", "en": " × park"},
    "salary.m_pay_one": {
        "zh": "绩效薪酬：每个{group}各设绩效薪酬池，池额 = 标准额 {standard} × 本{group}参加考核人数{dept}；{mode}。",
        "en": "Performance pay: each {group} has a pool of standard amount {standard} × its graded staff{dept}; {mode}. ",
    },
    "salary.m_park": {
        "zh": "园区考核：管委会评为“{committee}”（系数 {cc}），运营公司评为“{company}”（系数 {kc}）{link}。",
        "en": "Park ratings: the committee “{committee}” (coefficient {cc}), the operating company “{company}” "
              "(coefficient {kc}){link}. ",
    },
    "salary.m_link": {"zh": "；联动规则：管委会评为“{threshold}”及以下时，运营公司最高评为“{best}”",
                      "en": "; linked rule: when the committee is rated “{threshold}” or lower, the company can be rated no better than “{best}”"},
    "salary.m_exempt": {
        "zh": "{people}（年薪制、协议工资、试用期）不参加考核和强制分布，不占绩效薪酬池，只发岗位基本薪酬。",
        "en": "{people} (annual salary, agreement pay, probation) stand outside the appraisal and the pools and are paid their base pay. ",
    },
    "salary.m_rounds": {
        "zh": "各数为 {rounds} 轮模拟考核的平均：每轮重新抽取{group}效应、真实绩效与评分误差，名册不变；区间为各轮的第 5 至 95 百分位。等次错排比例按{within}等次不同的人员对计算。",
        "en": "Every figure is the mean over {rounds} simulated appraisal rounds, each drawing {group} effects, true "
              "performance and score errors afresh for the same roster; ranges are the 5th to 95th percentiles over "
              "rounds. Misordered pairs are counted among people {within} with different grades.",
    },
    "salary.scope_department": {"zh": "各部门", "en": "each department"},
    "salary.scope_department_cadre": {"zh": "各单位", "en": "each unit"},
    "salary.scope_zone": {"zh": "全区", "en": "the whole zone"},
    "salary.scope_zone_cadre": {"zh": "全区", "en": "the whole zone"},
    "land.title": {"zh": "土地与标准厂房供给", "en": "Land and standard-factory supply"},
    "land.year": {"zh": "年份", "en": "Year"},
    "land.occupancy": {"zh": "标准厂房出租率", "en": "Factory occupancy"},
    "land.vacant": {"zh": "空置厂房面积", "en": "Vacant factory space"},
    "land.left": {"zh": "剩余工业用地（已平整+未平整）", "en": "Industrial land left (serviced + unserviced)"},
    "land.m2_unit": {"zh": "万平方米", "en": "10k m²"},
    "land.mu_unit": {"zh": "亩", "en": "mu"},
    "land.funnel": {"zh": "项目漏斗：期望与模拟（{y0}–{y1} 合计）", "en": "Project funnel: expected vs simulated ({y0}–{y1} total)"},
    "land.expected": {"zh": "期望（空间不限）", "en": "expected (unlimited space)"},
    "land.simulated": {"zh": "模拟", "en": "simulated"},
    "land.stage.negotiated": {"zh": "洽谈", "en": "negotiated"},
    "land.stage.signed": {"zh": "签约", "en": "signed"},
    "land.stage.registered": {"zh": "注册", "en": "registered"},
    "land.stage.started": {"zh": "开工", "en": "started"},
    "land.stage.producing": {"zh": "投产", "en": "producing"},
    "land.p_exhausted": {"zh": "用地耗尽概率 {p}", "en": "P(land runs out) {p}"},
    "land.table_caption": {
        "zh": "各年均值（跨模拟路径）。新签约、新开工、新投产、因无空间流失与退出企业为当年项目（企业）数，退出企业含停产后离开的用地企业与退租的厂房企业；闲置用地为年末已腾退或由停产企业持有的土地；平均等待含当年流失的项目（计至其放弃之时）。",
        "en": "Yearly means over paths. Signed, started, producing, lost and exited count the year's projects (firms); exited are firms on land that left after falling idle and factory tenants that left. Idle land is the land vacated or held by idle firms at the year's end. The mean wait includes the projects lost in the year, counted until they gave up.",
    },
    "land.signed": {"zh": "新签约", "en": "Signed"},
    "land.started": {"zh": "新开工", "en": "Started"},
    "land.producing": {"zh": "新投产", "en": "Producing"},
    "land.lost": {"zh": "因无空间流失", "en": "Lost for space"},
    "land.wait": {"zh": "平均等待（月）", "en": "Mean wait (months)"},
    "land.available": {"zh": "可供用地（亩）", "en": "Land available (mu)"},
    "land.idle": {"zh": "闲置用地（亩）", "en": "Idle land (mu)"},
    "land.exited": {"zh": "退出企业", "en": "Exited"},
    "land.tax_per_mu": {"zh": "亩均税收（万元）", "en": "Tax per mu (CNY 10k)"},
    "land.revenue": {"zh": "土地出让收入（亿元）", "en": "Land sales (CNY 100m)"},
    "land.f_supply": {
        "zh": "{y0}–{y1} 年平均签约 {signed} 个项目、投产 {producing} 个。在排队等待空间的项目中，{lost} 因等不到空间而流失（用地项目 {lost_land}，厂房项目 {lost_factory}），{waiting} 到期末仍在等待，合计 {unserved} 未获得空间。获得空间或流失的项目平均等待 {wait} 个月，其中流失项目按其放弃时已等待的 {max_wait} 个月计入。",
        "en": "Over {y0}–{y1}, {signed} projects sign and {producing} reach production on average. Of the projects that queued for space, {lost} are lost waiting for it ({lost_land} of land projects, {lost_factory} of factory projects) and {waiting} are still waiting at the end: {unserved} are not served. Projects served or lost wait {wait} months on average, the lost counted at the {max_wait} months after which they gave up.",
    },
    "land.f_vacancy": {
        "zh": "标准厂房出租率由 {y0} 年的 {occ0} 变为 {y1} 年的 {occ1}，期末空置 {vacant}。",
        "en": "Factory occupancy moves from {occ0} in {y0} to {occ1} in {y1}, leaving {vacant} empty at the end.",
    },
    "land.f_exhausted": {
        "zh": "用地在期内耗尽的概率为 {p}{when}；期末剩余可供用地平均 {left} 亩。",
        "en": "The probability that land runs out within the horizon is {p}{when}; {left} mu of serviced land remain on average at the end.",
    },
    "land.f_exhausted_when": {"zh": "（耗尽年份中位数 {year}）", "en": " (median year {year})"},
    "land.f_idle": {
        "zh": "期末闲置工业用地平均 {idle} 亩，其中 {held} 亩仍由停产企业持有，其余已腾退；{y0}–{y1} 年平均共有 {exited} 家企业退出（停产后离开的用地企业与退租的厂房企业）。",
        "en": "At the end {idle} mu of industrial land lie idle on average, {held} mu of it held by idle firms and the rest vacated; {exited} firms leave over {y0}–{y1} (firms on land leaving after falling idle, and factory tenants).",
    },
    "land.f_first_year": {
        "zh": "{y0} 年平均开工 {started} 个项目、投产 {producing} 个，其中包括期初已在管道中的项目（{stages}），并非都是期内新签约的。",
        "en": "In {y0}, {started} projects start construction and {producing} reach production on average, including the projects already in the pipeline at the start ({stages}), not only those signed within the horizon.",
    },
    "land.initial.negotiated": {"zh": "洽谈中 {n} 个", "en": "{n} in negotiation"},
    "land.initial.signed": {"zh": "已签约 {n} 个", "en": "{n} signed"},
    "land.initial.registered": {"zh": "已注册待开工 {n} 个", "en": "{n} registered, not yet started"},
    "land.initial.started": {"zh": "在建 {n} 个", "en": "{n} under construction"},
    "land.initial.producing": {"zh": "已投产 {n} 个", "en": "{n} producing"},
    "land.list_sep": {"zh": "、", "en": ", "},
    "land.f_screen": {
        "zh": "“标准地”门槛平均拒绝 {n} 个项目。按条件：{items}（不满足多项条件的项目在每一项下都计入）。",
        "en": "The standard-land screen turns away {n} projects on average. By condition: {items} (a project failing several conditions counts under each).",
    },
    "land.screen_item": {"zh": "{condition}：{n} 个", "en": "{condition}: {n}"},
    "land.screen_sep": {"zh": "；", "en": "; "},
    "land.f_reverse": {
        "zh": "要把{what}流失率控制在 {target} 以下，按固定计划最少需要{lever} {rate}（{paths} 条路径、共同随机数、二分法求解至 2% 以内；该值下流失率 {at}）；本情景现有设定：{current}，{what}流失率 {now}。",
        "en": "To keep the lost share of {what} under {target}, the smallest {lever}, run as a fixed programme, is {rate} ({paths} paths with common random numbers, found by bisection to within 2%; lost share there {at}); the scenario as it is has {current}, and loses {now} of {what}.",
    },
    "land.f_reverse_zero": {
        "zh": "即使{lever}为零，{what}流失率也低于 {target}（本情景现有设定：{current}，{what}流失率 {now}）。",
        "en": "Even with no {lever}, the lost share of {what} stays under {target} (the scenario as it is has {current}, and loses {now} of {what}).",
    },
    "land.f_reverse_none_land": {
        "zh": "土地总量本身在期内耗尽：平整再快也无济于事，需要新增用地（用地指标、调区扩区）或盘活存量。",
        "en": " The land itself runs out within the horizon: faster servicing cannot help; the zone needs more land "
              "(quota, boundary changes) or to revitalise idle land.",
    },
    "land.f_reverse_none": {
        "zh": "在所试范围内，任何{lever}都无法把{what}流失率降到 {target} 以下（本情景现有设定：{current}，{what}流失率 {now}）。",
        "en": "No {lever} within the range tried brings the lost share of {what} under {target} (the scenario as it is has {current}, and loses {now} of {what}).",
    },
    "land.current_cap": {"zh": "{rate}（上限，{policy}）", "en": "at most {rate} ({policy})"},
    "land.no_limit": {"zh": "不设上限", "en": "no limit"},
    "land.nothing.build_m2_per_year": {"zh": "不再新建标准厂房（暂停）", "en": "no more factories built (a moratorium)"},
    "land.nothing.servicing_mu_per_year": {"zh": "不再平整土地", "en": "no more land serviced"},
    "land.lever.build_m2_per_year": {"zh": "年均新建标准厂房面积", "en": "annual factory-building programme"},
    "land.lever.servicing_mu_per_year": {"zh": "年均土地平整供应", "en": "annual land-servicing rate"},
    "land.what.build_m2_per_year": {"zh": "厂房项目", "en": "factory projects"},
    "land.what.servicing_mu_per_year": {"zh": "用地项目", "en": "land projects"},
    "land.method": {
        "zh": "按月模拟 {paths} 条路径、{years} 年。土地（亩）：未平整 → 平整后可供 → 出让/在用 → 闲置 → 盘活后可供；厂房（平方米）：在建（{lag} 个月）→ 空置 → 出租，建设策略为“{policy}”，{programme}。新洽谈项目按泊松到达（年均 {arrivals} 个），每个阶段每月以概率 h 推进、以 d 退出，最终转化率 h/(h+d)，平均停留 1/(h+d) 个月。注册后按先来先得排队等待空间，超过 {wait} 个月即流失；获得空间后退出的项目交回空间。同一阶段的项目视为可互换：k 个推进时带走该阶段 k/n 的空间需求与税收。",
        "en": "Monthly over {years} years and {paths} paths. Land (mu): unserviced → serviced and available → sold/in use → idle → revitalised and available again. Factories (m²): under construction ({lag} months) → vacant → let, under the “{policy}” policy, {programme}. Newly negotiated projects arrive as a Poisson stream ({arrivals} a year); each month a project advances with probability h and drops out with d, so a stage converts h/(h+d) and lasts 1/(h+d) months on average. Registered projects queue for space, oldest first, and are lost after {wait} months; projects that drop out after getting space hand it back. Projects within a stage are exchangeable: when k of n move on they carry k/n of the stage's space and tax.",
    },
    "land.programme.fixed": {"zh": "开工 {rate}", "en": "starting {rate}"},
    "land.programme.cap": {"zh": "开工至多 {rate}（计划为上限）", "en": "starting at most {rate} (the programme is a cap)"},
    "land.programme.no_limit": {"zh": "每年开工量不设上限", "en": "with no limit on what starts a year"},
    "land.programme.zero": {"zh": "不再新建（计划为 0）", "en": "building nothing more (a programme of 0)"},
    "land.rate.build_m2_per_year": {"zh": "{value}/年", "en": "{value} a year"},
    "land.rate.servicing_mu_per_year": {"zh": "{value} 亩/年", "en": "{value} mu a year"},
    "land.policy.fixed": {"zh": "固定计划", "en": "fixed programme"},
    "land.policy.to_suit": {"zh": "定制建设", "en": "build to suit"},
    "land.policy.target_vacancy": {"zh": "目标空置率", "en": "target vacancy"},
    "zone.title": {"zh": "园区财政闭环", "en": "Zone finances"},
    "zone.year": {"zh": "年份", "en": "Year"},
    "zone.opening": {"zh": "期初", "en": "Opening"},
    "zone.payout": {"zh": "分成所得", "en": "Sharing payout"},
    "zone.land_proceeds": {"zh": "土地出让收入", "en": "Land proceeds"},
    "zone.profit": {"zh": "公司利润", "en": "Company profit"},
    "zone.income": {"zh": "收入合计", "en": "Income"},
    "zone.factory": {"zh": "厂房建设", "en": "Factories"},
    "zone.servicing": {"zh": "土地平整", "en": "Land servicing"},
    "zone.staff": {"zh": "人员薪酬", "en": "Staff pay"},
    "zone.other": {"zh": "其他支出", "en": "Other"},
    "zone.interest": {"zh": "利息", "en": "Interest"},
    "zone.spending": {"zh": "支出合计", "en": "Spending"},
    "zone.borrowing": {"zh": "新增借款", "en": "Borrowing"},
    "zone.repayment": {"zh": "还本", "en": "Repayment"},
    "zone.support": {"zh": "县级兜底", "en": "County support"},
    "zone.cash": {"zh": "期末现金", "en": "Closing cash"},
    "zone.debt": {"zh": "期末债务", "en": "Debt"},
    "zone.f_shock": {
        "zh": "税收冲击（{shocks}）对园区的影响（同一批路径去掉冲击对比）：{y0}–{y1} 年园区分成 {payout}（无冲击 {payout0}），新增借款 {borrow}（{borrow0}），期末债务 {debt}（{debt0}），期内需县级兜底的概率 {p}（{p0}），县级兜底合计 {support}（{support0}）。",
        "en": "What the tax shock ({shocks}) does to the zone, on the same paths with the shock taken out: over {y0}–{y1} the zone's payout is {payout} (without the shock {payout0}), new borrowing {borrow} ({borrow0}), debt at the end {debt} ({debt0}), P(the county must step in, some year) {p} ({p0}), county support {support} ({support0}).",
    },
    "zone.company_paid": {"zh": "融资公司资本支付", "en": "Paid from the financing company's capital"},
    "zone.injected": {"zh": "注入融资公司资本（不计入现金）", "en": "Capital injected (not in cash)"},
    "zone.table_caption": {
        "zh": "园区账本：各年均值（{paths} 条模拟路径，亿元）。期末现金 = 上年期末现金 + 收入合计 − 支出合计 + 新增借款 − 还本 + 县级兜底；期末债务 = 上年期末债务 + 新增借款 − 还本；收入合计与支出合计为其左侧各项之和。数字保留两位小数，个别数字上下调整 0.01 以使每行加总相符。",
        "en": "The zone's ledger: yearly means over {paths} simulated paths (CNY 100m). Closing cash = last year's closing cash + income − spending + borrowing − repayment + county support; debt = last year's debt + borrowing − repayment; income and spending are the sums of the lines to their left. Figures are rounded to two decimals, a few moved by 0.01 so that every row adds up.",
    },
    "zone.cash_chart": {"zh": "园区期末现金", "en": "Zone's closing cash"},
    "zone.debt_chart": {"zh": "园区债务", "en": "Zone's debt"},
    "zone.debt_chart_limit": {"zh": "园区债务（借款上限 {limit}）", "en": "Zone's debt (borrowing limit {limit})"},
    "zone.short_chart": {"zh": "各年需县级兜底的概率（期内至少一年 {p}）", "en": "P(the county must step in) by year; in some year {p}"},
    "zone.payback_chart": {"zh": "厂房投入与新项目税收（累计均值）", "en": "Factories and the new projects' tax (cumulative means)"},
    "zone.cum_cost": {"zh": "累计厂房投入", "en": "factory cost"},
    "zone.cum_gain": {"zh": "开发区累计多得（分成）", "en": "zone's gain (sharing)"},
    "zone.cum_tax": {"zh": "新项目累计缴税", "en": "new projects' tax"},
    "zone.chart_caption": {
        "zh": "上：园区期末现金与债务的分位数（{paths} 条模拟路径）；左下：各年需县级兜底的路径占比；右下：累计厂房投入、开发区从新项目税收中累计多得的分成与新项目累计缴税（均值；回本只计厂房租户税收带来的分成，按每条路径计算）。",
        "en": "Top: quantiles of the zone's closing cash and debt ({paths} simulated paths); bottom left: the share of paths on which the county must step in, by year; bottom right: cumulative factory cost, the zone's cumulative gain from the new projects' tax and that tax itself (means; payback counts only the gain from the factory tenants' tax, path by path).",
    },
    "zone.f_payback": {
        "zh": "厂房计划能否自我回本：{y0}–{y1} 年平均建设厂房投入 {cost}，新项目缴税 {tax}，其中开发区通过分成多得 {gain}（相当于厂房投入的 {share}），其余归县级。只计厂房租户税收带来的分成，{payback}。按新建厂房面积计，开发区期内从厂房租户税收多得的分成为每平方米 {ret}，而建设成本为每平方米 {unit}。",
        "en": "Does the factory programme pay for itself? Over {y0}–{y1} the zone spends {cost} on factories on average; the new projects pay {tax} of tax, of which the zone gains {gain} through sharing ({share} of the factories' cost) and the county keeps the rest. Counting only the gain from the factory tenants' tax, {payback}. Per m² of factories built, the zone gains {ret} of sharing income from the factory tenants' tax within the horizon, against a building cost of {unit} a m².",
    },
    "zone.payback_median": {"zh": "回本年份中位数为 {year} 年，期内回本的概率为 {p}",
                            "en": "the median payback year is {year}, and the probability of paying back within the horizon is {p}"},
    "zone.payback_late": {"zh": "过半路径到 {y1} 年仍未回本，期内回本的概率为 {p}",
                          "en": "on more than half of the paths it has not paid back by {y1}: the probability of paying back within the horizon is {p}"},
    "zone.payback_never": {"zh": "到 {y1} 年没有一条路径回本", "en": "on no path does it pay back by {y1}"},
    "zone.f_no_sharing": {
        "zh": "按此规则，新项目的税收归县级，厂房计划无法通过分成回本：{reason}。{y0}–{y1} 年新项目平均缴税 {tax}，开发区从中多得为零，而建设厂房平均投入 {cost}；要收回这笔投入，只能靠土地出让收入、公司利润、县级出资，或改变分成规则。",
        "en": "Under this rule the new projects' tax goes to the county, so the factory programme cannot pay back through sharing: {reason}. Over {y0}–{y1} the new projects pay {tax} of tax on average and the zone gains nothing from it, against {cost} spent on factories; that money can only come back through land proceeds, company profit, county funds or a change of the rule.",
    },
    "zone.reason_equal": {"zh": "保底与封顶相等（均为 {floor}），开发区每年所得固定", "en": "the floor equals the cap (both {floor}), so the zone's payout is fixed every year"},
    "zone.reason_locked": {"zh": "开发区所得在每一年都被{bound}锁定，不随新项目税收增加", "en": "the zone's payout is held at the {bound} in every year and does not rise with the new projects' tax"},
    "zone.bound_cap": {"zh": "封顶或保底", "en": "cap or floor"},
    "zone.bound_floor": {"zh": "保底", "en": "floor"},
    "zone.f_nothing_built": {
        "zh": "{y0}–{y1} 年未新建标准厂房，没有需要回本的厂房计划；新项目平均缴税 {tax}，开发区通过分成从中多得 {gain}。",
        "en": "No factories are built over {y0}–{y1}, so there is no factory programme to pay back; the new projects pay {tax} of tax on average, of which the zone gains {gain} through sharing.",
    },
    "zone.f_risk": {
        "zh": "代价与风险：{rule}县级需出手兜底的概率在期内至少一年为 {p_ever}，最高的一年是 {worst_year} 年（{p_worst}）。",
        "en": "At what risk: {rule}the probability that the county must step in is {p_ever} in some year of the horizon, highest in {worst_year} ({p_worst}).",
    },
    "zone.f_risk_none": {
        "zh": "代价与风险：{rule}在全部 {paths} 条模拟路径上，园区现金在任何一年都无需县级兜底。",
        "en": "At what risk: {rule}on none of the {paths} simulated paths does the county have to step in, in any year.",
    },
    "zone.rule_borrow": {"zh": "现金不足时先借款，债务达到 {limit}上限后由县级补足；",
                         "en": "a shortfall is borrowed until the debt reaches its {limit} limit, the county covering the rest; "},
    "zone.rule_cut": {"zh": "现金不足时先削减当年的厂房开工，仍不足再借款（债务上限 {limit}），最后由县级补足；",
                      "en": "a shortfall first cuts the year's factory starts, then is borrowed up to the {limit} debt limit, the county covering the rest; "},
    "zone.rule_cut_county": {"zh": "现金不足时先削减当年的厂房开工，仍不足由县级补足，园区不借款；",
                             "en": "a shortfall first cuts the year's factory starts, the county covering the rest; the zone does not borrow; "},
    "zone.f_cut": {
        "zh": "因现金不足，{y0}–{y1} 年平均少建厂房 {m2}（相对土地模型的计划），厂房少了，入驻企业和以后的税收也随之减少。",
        "en": "For want of cash the zone builds {m2} less factory space over {y0}–{y1} on average than the land model's programme, and so serves fewer tenants and collects less tax later.",
    },
    "zone.rule_county": {"zh": "现金不足全部由县级补足，园区不借款；",
                         "en": "the county covers every shortfall and the zone does not borrow; "},
    "zone.f_debt": {
        "zh": "{y0}–{y1} 年平均共新增借款 {borrow}；期末债务 {debt}（期初 {debt0}{peak}）{ratio}。",
        "en": "Over {y0}–{y1} the zone borrows {borrow} on average; its debt ends at {debt} (from {debt0} at the start{peak}){ratio}.",
    },
    "zone.f_debt_county": {
        "zh": "园区不借款，期初债务 {debt0}按计划偿还，期末债务 {debt}{ratio}。",
        "en": "The zone does not borrow: its opening debt of {debt0} is repaid on schedule, leaving {debt} at the end{ratio}.",
    },
    "zone.debt_peak": {"zh": "，最高为 {year} 年的 {peak}", "en": ", highest {peak} in {year}"},
    "zone.debt_ratio": {"zh": "，相当于当年收入的 {ratio} 倍", "en": ", {ratio} times that year's income"},
    "zone.f_no_debt": {"zh": "园区期内没有债务，也不新增借款。", "en": "The zone has no debt and borrows nothing over the horizon."},
    "zone.f_county": {
        "zh": "县级财政：{y0}–{y1} 年园区税收（现有企业与新项目合计）在支付开发区分成（含补足）后，县级平均净得 {net}，其中新项目带来 {extra}；{support}。",
        "en": "The county: over {y0}–{y1} it keeps {net} of the zone's tax (existing firms and new projects together) on average after paying the zone its share, top-ups included, {extra} of it from the new projects; {support}.",
    },
    "zone.county_support": {"zh": "再扣除对园区现金的兜底 {support}，净得 {after}", "en": "after {support} of support to the zone's cash it keeps {after}"},
    "zone.county_no_support": {"zh": "期内无需兜底园区现金", "en": "it never has to support the zone's cash"},
    "zone.f_injected": {
        "zh": "土地出让收入平均共 {total}（{y0}–{y1} 年）作为资本金注入融资公司，专用于基础设施：先支付土地整理与厂房建设（平均共 {paid}），期末尚余 {left}；不用于还本付息或人员支出。",
        "en": "Land-sale proceeds of {total} on average over {y0}–{y1} are injected as capital into the financing company and ring-fenced for infrastructure: they pay for land servicing and factories first ({paid} on average), with {left} left at the end; they do not pay for debt service or staff.",
    },
    "zone.method": {
        "zh": "园区财政闭环把收入分成模型与土地模型逐路径、逐年连接（{paths} 条路径，{y0}–{y1} 年）：土地模型中期内投产的新项目的税收（{ramp}）加入现有企业的税收，合并后按分成规则计算开发区所得；开发区从新项目得到的部分，是合并税收下的所得减去仅有现有企业税收时的所得。园区账本在每一年、每条路径上满足：期末现金 = 期初现金 + 收入 − 支出 + 新增借款 − 还本 + 县级兜底；收入 = 分成所得（含县级补足）+ 土地出让收入（{proceeds}）+ 公司利润（每年 {profit}）；支出 = 厂房建设（每平方米 {factory}）+ 土地平整（每亩 {servicing}）+ 人员薪酬（{staff}）+ 其他支出（每年 {other}）+ 利息（按年初债务计）。期初现金 {cash}；{debt}。{rule}需县级兜底的概率是县级在该年需要出手的路径占比。厂房计划的回本年份，是开发区从厂房租户税收中累计多得的分成（合并税收下的所得减去不含租户税收时的所得）覆盖累计厂房投入、且保持到期末的第一年。",
        "en": "The zone's finances link the revenue and land models path by path and year by year ({paths} paths, {y0}–{y1}): the tax of the new projects that enter production in the horizon ({ramp}) is added to the existing firms' tax, and the sharing rule is applied to the sum; the zone's gain from the new projects is its payout on the combined tax less its payout on the existing firms' tax alone. On every path and in every year the ledger holds: closing cash = opening cash + income − spending + borrowing − repayment + county support; income = sharing payout (county top-up included) + land proceeds ({proceeds}) + company profit ({profit} a year); spending = factories ({factory} a m²) + land servicing ({servicing} a mu) + staff pay ({staff}) + other ({other} a year) + interest (on the debt at the start of the year). Opening cash is {cash}; {debt}. {rule}P(the county must step in) is the share of paths on which the county has to step in that year. The factory programme's payback year is the first year from which the zone's cumulative gain from the factory tenants' tax (its payout on the combined tax less its payout without the tenants' tax) covers the cumulative cost of the factories to the end of the horizon.",
    },
    "zone.ramp": {"zh": "投产后第 k 年按 min((k+1)/{n}, 1) 达产", "en": "paying min((k+1)/{n}, 1) of their tax at capacity in their k-th year"},
    "zone.ramp_none": {"zh": "投产当年即按满产缴税", "en": "paying their full tax from the year they enter production"},
    "zone.proceeds_kept": {"zh": "留在园区", "en": "kept by the zone"},
    "zone.proceeds_injected": {"zh": "注入融资公司作资本金，不计入现金", "en": "injected as the financing company's capital, not counted in cash"},
    "zone.staff_salary": {"zh": "取自薪酬模型，每年 {pay}", "en": "from the salary model, {pay} a year"},
    "zone.staff_none": {"zh": "本情景无薪酬模型，计为 0", "en": "none: the scenario has no salary model"},
    "zone.debt_terms": {"zh": "期初债务 {opening}，年利率 {rate}，自首年起分 {n} 年等额还本",
                        "en": "opening debt of {opening} at {rate} a year, repaid in equal instalments over {n} years from the first"},
    "zone.debt_none": {"zh": "期初无债务", "en": "there is no opening debt"},
    "zone.method_borrow": {
        "zh": "现金将低于零时，先在债务总额不超过 {limit}的限度内新增借款（年利率 {rate}，自次年起分 {n} 年等额还本），不足部分由县级兜底。",
        "en": "When cash would fall below zero the zone borrows, as long as its total debt stays within {limit} (at {rate} a year, repaid in equal instalments over {n} years from the next), and the county covers the rest. ",
    },
    "zone.method_cut": {
        "zh": "现金将低于零时，先削减当年的厂房开工（土地模型按削减后的计划重算，厂房少了，入驻企业和以后的税收也减少），{rest}",
        "en": "When cash would fall below zero the year's factory starts are cut first (the land model is rerun on the cut programme, so fewer tenants are served and less tax follows); {rest}",
    },
    "zone.method_cut_borrow": {
        "zh": "仍不足时在债务总额不超过 {limit}的限度内新增借款（年利率 {rate}，自次年起分 {n} 年等额还本），再不足由县级兜底。",
        "en": "what remains short is borrowed as long as the total debt stays within {limit} (at {rate} a year, repaid in equal instalments over {n} years from the next), and the county covers the rest. ",
    },
    "zone.method_cut_county": {"zh": "仍不足的部分由县级兜底，园区不借款。", "en": "the county covers what remains short; the zone does not borrow. "},
    "zone.method_county": {"zh": "现金将低于零时，全部由县级兜底，园区不借款。",
                           "en": "When cash would fall below zero the county covers all of it; the zone does not borrow. "},
    "zone.yuan_m2": {"zh": "{value} 元", "en": "CNY {value}"},
    "compare.title": {"zh": "情景比较", "en": "Scenario comparison"},
    "compare.differs": {"zh": "参数差异", "en": "What differs"},
    "compare.no_difference": {"zh": "各情景参数完全相同。", "en": "The scenarios have the same parameters."},
    "compare.metrics": {"zh": "关键指标对比", "en": "Key metrics side by side"},
    "compare.metric": {"zh": "指标", "en": "Metric"},
    "compare.minus": {"zh": "{a} − {b}", "en": "{a} − {b}"},
    "compare.charts": {"zh": "叠加图", "en": "Overlaid charts"},
    "compare.findings": {"zh": "主要变化", "en": "What changed"},
    "compare.against": {"zh": "{name} 对比 {base}", "en": "{name} against {base}"},
    "compare.no_change": {"zh": "各情景的关键指标相同。", "en": "The scenarios' headline figures are the same."},
    "compare.unchanged": {"zh": "以下模型的关键指标在各情景中均相同，表中从略：{models}。",
                          "en": "Unchanged in every scenario, and left out of the table (no headline figure differs): {models}."},
    "compare.partial": {"zh": "{model}只在以下情景中运行：{names}。", "en": "{model}: run under {names} only."},
    "compare.years": {"zh": "各情景{model}的年份不同（{spans}）：各自年份的数字只并列展示，不计差值。",
                      "en": "{model} covers different years in different scenarios ({spans}): its figures, each over a scenario's own years, are shown side by side with no difference."},
    "compare.years_row": {"zh": "{model}：年份", "en": "{model}: years covered"},
    "compare.own_years": {"zh": "各情景各自的年份", "en": "each scenario's own years"},
    "compare.f_years": {"zh": "{model}的年份不同：{base} 为 {a} 年，{name} 为 {b} 年；不同年份的合计只并列展示，不作比较。",
                        "en": "{model} covers {a} under {base} against {b} under {name}: totals over different years are shown side by side but not compared."},
    "compare.f_years_common": {"zh": "下面关于它的各句只比较两者共有的 {y0}–{y1} 年。",
                               "en": " Its sentences here compare only the years both cover, {y0}–{y1}."},
    "compare.texts_differ": {"zh": "以下文字也不同，表中从略：{names}。", "en": "Also different, and left out of this table: {names}."},
    "compare.county_note": {
        "zh": "县级净得是税收在支付开发区所得（含补足）后县级留下的部分，它的增减才是县级的得失。"
              "统筹是开发区分成中超过封顶、由县级留下的部分，已计入净得：统筹增加本身不是县级的收益。",
        "en": "The county's net is the tax it keeps after paying the zone, top-ups included: its rise or fall is the "
              "county's gain or loss. What the county pools (the zone's share above the cap, which the county keeps) "
              "is already in that net: pooling more is no gain in itself.",
    },
    "compare.county_net": {"zh": "县级净得", "en": "County's net"},
    "compare.county_net_row": {"zh": "县级净得合计（{y0}–{y1}，均值；税收减开发区所得）",
                               "en": "County's net, {y0}–{y1} (mean; tax less the zone's payout)"},
    "compare.topup_row": {"zh": "县级补足合计（均值）", "en": "County top-up, total (mean)"},
    "compare.zone_net_row": {"zh": "县级净得合计，含新项目（{y0}–{y1}，均值）",
                             "en": "County's net with the new projects, {y0}–{y1} (mean)"},
    "compare.zone_support_row": {"zh": "县级兜底园区现金合计（均值）", "en": "County support to the zone's cash, total (mean)"},
    "compare.zone_after_row": {"zh": "县级兜底后净得（均值）", "en": "County's net after that support (mean)"},
    "compare.f_revenue": {
        "zh": "{name} 下，{y0}–{y1} 年开发区{zone}；县级净得（税收支付开发区所得后留下的部分，含补足）{net}。",
        "en": "Under {name} the zone receives {zone} over {y0}–{y1}; the county's net (the tax it keeps after "
              "paying the zone, top-ups included) {net}.",
    },
    "compare.zone_more": {"zh": "多得 {amount}（{a} → {b}）", "en": "{amount} more ({a} → {b})"},
    "compare.zone_less": {"zh": "少得 {amount}（{a} → {b}）", "en": "{amount} less ({a} → {b})"},
    "compare.zone_same": {"zh": "所得不变，仍为 {a}", "en": "the same {a}"},
    "compare.up_same": {"zh": "同额增加 {amount}（{a} → {b}）", "en": "rises by the same {amount} ({a} → {b})"},
    "compare.down_same": {"zh": "同额减少 {amount}（{a} → {b}）", "en": "falls by the same {amount} ({a} → {b})"},
    "compare.up": {"zh": "增加 {amount}（{a} → {b}）", "en": "rises by {amount} ({a} → {b})"},
    "compare.down": {"zh": "减少 {amount}（{a} → {b}）", "en": "falls by {amount} ({a} → {b})"},
    "compare.same": {"zh": "不变，仍为 {a}", "en": "is unchanged at {a}"},
    "compare.f_tax": {"zh": "{name} 下，{y0}–{y1} 年税收合计{change}。", "en": "Under {name} the tax over {y0}–{y1} {change}."},
    "compare.f_split": {"zh": "{name} 下，{parts}。{why}", "en": "Under {name} {parts}. {why}"},
    "compare.raw_up": {"zh": "开发区按比例应得的分成（保底、封顶之前）增加 {amount}（{a} → {b}）",
                       "en": "the zone's share before the floor and cap rises by {amount} ({a} → {b})"},
    "compare.raw_down": {"zh": "开发区按比例应得的分成（保底、封顶之前）减少 {amount}（{a} → {b}）",
                         "en": "the zone's share before the floor and cap falls by {amount} ({a} → {b})"},
    "compare.pooled_up": {"zh": "县级统筹（超过封顶的部分）多 {amount}（{a} → {b}）",
                          "en": "the county pools {amount} more above the cap ({a} → {b})"},
    "compare.pooled_down": {"zh": "县级统筹（超过封顶的部分）少 {amount}（{a} → {b}）",
                            "en": "the county pools {amount} less above the cap ({a} → {b})"},
    "compare.topup_up": {"zh": "县级补足（低于保底的部分）多 {amount}（{a} → {b}）",
                         "en": "the county tops up {amount} more below the floor ({a} → {b})"},
    "compare.topup_down": {"zh": "县级补足（低于保底的部分）少 {amount}（{a} → {b}）",
                           "en": "the county tops up {amount} less below the floor ({a} → {b})"},
    "compare.why_pooled": {
        "zh": "统筹是开发区分成中超过封顶、由县级留下的部分，已计入县级净得，统筹的增减本身不是县级的得失；县级的得失看净得：净得{net}。",
        "en": "Pooling keeps the zone's share above the cap with the county and is already in the county's net, so "
              "the pool's change is no gain or loss in itself: the county's gain or loss is its net, which {net}.",
    },
    "compare.why_topup": {
        "zh": "补足由县级税收支付，已计入县级净得；县级的得失看净得：净得{net}。",
        "en": "Top-ups are paid from the county's tax and are already in its net: the county's gain or loss is its "
              "net, which {net}.",
    },
    "compare.net_short_same": {"zh": "不变", "en": "does not move"},
    "compare.net_short_up": {"zh": "增加 {amount}", "en": "rises by {amount}"},
    "compare.net_short_down": {"zh": "减少 {amount}", "en": "falls by {amount}"},
    "compare.f_binds": {"zh": "{name} 下，{parts}。", "en": "Under {name} {parts}."},
    "compare.cap_binds": {"zh": "封顶在 {b} 的路径-年份中生效（原为 {a}）{most}",
                          "en": "the cap binds in {b} of path-years instead of {a}{most}"},
    "compare.floor_binds": {"zh": "保底在 {b} 的路径-年份中生效（原为 {a}）{most}",
                            "en": "the floor binds in {b} of path-years instead of {a}{most}"},
    "compare.most": {"zh": "，多数路径中{b}生效（原为{a}）", "en": " (in most paths: {b}, instead of {a})"},
    "compare.from_year": {"zh": "自 {year} 年起", "en": "from {year} on"},
    "compare.no_year": {"zh": "任何年份都不", "en": "never"},
    "compare.f_metric": {"zh": "{label}：{name} 为 {b}，{base} 为 {a}（{delta}）。",
                         "en": "{label}: {b} under {name}, {a} under {base} ({delta})."},
    "compare.f_zone": {
        "zh": "{name} 下，计入园区新项目后，{y0}–{y1} 年县级净得{net}；对园区现金的兜底{support}，兜底后净得 {after_b}（原为 {after_a}）。",
        "en": "Under {name}, with the zone's new projects, the county's net over {y0}–{y1} {net}; its support to "
              "the zone's cash {support}, leaving it {after_b} after support (against {after_a}).",
    },
    "compare.pp": {"zh": "{value} 个百分点", "en": "{value} pp"},
    "batch.title": {"zh": "simlib 批量运行", "en": "simlib batch"},
    "batch.heading": {"zh": "simlib 批量运行：{n} 个情景，{failed} 个失败", "en": "simlib batch: {n} scenarios, {failed} failed"},
    "batch.scenario": {"zh": "情景", "en": "Scenario"},
    "batch.scenario_title": {"zh": "标题", "en": "Title"},
    "batch.status": {"zh": "状态", "en": "Status"},
    "batch.seconds": {"zh": "运行时间（秒）", "en": "Run time (s)"},
    "batch.output": {"zh": "输出", "en": "Output"},
    "batch.ok": {"zh": "完成", "en": "ok"},
    "batch.skipped": {"zh": "未变，跳过", "en": "unchanged, skipped"},
    "batch.failed": {"zh": "失败", "en": "failed"},
    "batch.failed_because": {"zh": "失败：{error}", "en": "failed: {error}"},
    "batch.brief": {"zh": "简报", "en": "brief"},
    "batch.years": {"zh": "年份", "en": "Years"},
    "batch.first_year": {"zh": "首年", "en": "first year"},
    "batch.last_year": {"zh": "末年", "en": "last year"},
    "batch.unit_money": {"zh": "亿元", "en": "CNY m"},
    "batch.unit_wan": {"zh": "万元", "en": "CNY"},
    "batch.unit_percent": {"zh": "%", "en": "%"},
    "batch.columns": {"zh": "每列是同一指标、同一单位；“—”表示该情景没有这一模型或这一数字。",
                      "en": "Each column is one figure in one unit; “—” where a scenario has no such model or figure."},
    "batch.mixed": {"zh": "各情景的简报语言不一（{languages}）；本索引使用第一个情景的语言。",
                    "en": "The scenarios' briefs are in different languages ({languages}); this index uses the first scenario's."},
    "sweep.title": {"zh": "参数扫描", "en": "Parameter sweep"},
    "sweep.varied": {"zh": "变动参数", "en": "Varied"},
    "sweep.vary_item": {"zh": "{name}从 {lo} 到 {hi}（{n} 个取值）", "en": "{name} from {lo} to {hi} ({n} values)"},
    "sweep.points": {"zh": "共 {points} 个网格点", "en": "{points} grid points"},
    "sweep.target": {"zh": "目标", "en": "Target"},
    "sweep.target_is": {"zh": "目标：{metric}{op} {value}", "en": "Target: {metric} {op} {value}"},
    "sweep.op_ge": {"zh": "不低于", "en": "at least"},
    "sweep.op_le": {"zh": "不高于", "en": "at most"},
    "sweep.region": {"zh": "目标成立区域", "en": "where the target holds"},
    "sweep.target_line": {"zh": "目标值 {value}", "en": "target: {value}"},
    "sweep.holds": {"zh": "目标成立", "en": "target holds"},
    "sweep.summary": {"zh": "目标在 {total} 个网格点中的 {held} 个成立（表中打勾者）。",
                      "en": "The target holds at {held} of {total} grid points (ticked in the table)."},
    "sweep.unreached_high": {
        "zh": "没有一个网格点使{metric}达到目标 {value}：最高只到 {best}（{where}），还差 {gap}。",
        "en": "No grid point brings {metric} up to the target of {value}: the highest reached is {best} ({where}), {gap} short.",
    },
    "sweep.unreached_low": {
        "zh": "没有一个网格点使{metric}降到目标 {value}：最低只到 {best}（{where}），仍高出 {gap}。",
        "en": "No grid point brings {metric} down to the target of {value}: the lowest reached is {best} ({where}), still {gap} above it.",
    },
    "sweep.unreached_none": {"zh": "没有一个网格点达到目标：{metric}在任何网格点都没有数值。",
                             "en": "No grid point meets the target: {metric} has no value at any grid point."},
    "sweep.where_item": {"zh": "{name}为 {value}", "en": "{name} at {value}"},
    "sweep.gap_share": {"zh": "{gap}（目标的 {pct}）", "en": "{gap} ({pct} of the target)"},
    "sweep.closest": {"zh": "最接近目标的网格点", "en": "grid point closest to the target"},
    "sweep.caption_line": {"zh": "各指标随{name}的变化。", "en": "Each metric against {name}."},
    "sweep.caption_heat": {"zh": "各指标（颜色）在{x}与{y}各种组合下的取值。",
                           "en": "Each metric (colour) over the combinations of {x} and {y}."},
    "sweep.caption_more": {"zh": "其余变动参数（{others}）取各取值的平均；只有在它们的每个取值下目标都成立的格子才画阴影。",
                           "en": "The other varied parameters ({others}) are averaged over; a cell is hatched only where the target holds at every one of their values."},
    "sweep.caption_region": {"zh": "斜线阴影为目标成立区域，每个网格点代表其两侧各半个步长的范围。",
                             "en": "Hatched: where the target holds; each grid point stands for half a step either side of it."},
    "sens.title": {"zh": "敏感性分析", "en": "Sensitivity analysis"},
    "sens.metric": {"zh": "指标", "en": "Metric"},
    "sens.ranges": {"zh": "变动参数", "en": "Factors"},
    "sens.range_item": {"zh": "{name}在 {lo} 至 {hi} 之间均匀取值", "en": "{name} uniform from {lo} to {hi}"},
    "sens.factor": {"zh": "参数", "en": "Factor"},
    "sens.first": {"zh": "一阶 Sobol 指数", "en": "first-order Sobol index"},
    "sens.total": {"zh": "总效应 Sobol 指数", "en": "total Sobol index"},
    "sens.ci": {"zh": "95% 区间", "en": "95% interval"},
    "sens.mu_star": {"zh": "μ*（平均绝对效应）", "en": "μ* (mean absolute effect)"},
    "sens.mu_star_ci": {"zh": "μ* 的 95% 半宽", "en": "μ* 95% half-width"},
    "sens.mu": {"zh": "μ（带符号的平均效应）", "en": "μ (signed mean effect)"},
    "sens.sigma": {"zh": "σ（非线性或交互作用）", "en": "σ (non-linearity or interactions)"},
    "sens.by_total": {"zh": "总效应指数", "en": "total index"},
    "sens.by_mu_star": {"zh": "Morris μ*", "en": "Morris μ*"},
    "sens.which_first": {"zh": "一阶指数", "en": "first-order index"},
    "sens.which_total": {"zh": "总效应指数", "en": "total index"},
    "sens.ranking": {"zh": "按{measure}，对{metric}影响从大到小：{order}。",
                     "en": "Ranked by {measure}, what drives {metric} most: {order}."},
    "sens.ranking_partial": {
        "zh": "按{measure}，对{metric}的影响只能部分排序：{order}。用“≈”连接的参数在当前样本量下无法区分先后。",
        "en": "Ranked by {measure}, what drives {metric} can be ordered only in part: {order}. Factors joined by “≈” cannot be told apart at this sample size.",
    },
    "sens.ranking_none": {"zh": "在当前样本量下，各参数对{metric}的影响无法区分先后：{order}。",
                          "en": "At this sample size the factors' effects on {metric} cannot be told apart: {order}."},
    "sens.negligible": {"zh": "{names}的{measure}整个区间都低于 {threshold}，对{metric}几乎没有影响，可固定在范围内任一取值。",
                        "en": "{names}: the whole interval of the {measure} lies below {threshold}, so they barely move {metric} and can be fixed anywhere in their range."},
    "sens.by_construction": {"zh": "按模型结构，{metric}不依赖{names}：它来自{model}，而该模型不使用{others}的结果，所以其指数为零，并非测得的影响。",
                             "en": "By construction, {metric} does not depend on {names}: it comes from {model}, which does not use {others}, so the index is zero for that reason, not a measured effect."},
    "sens.model": {"zh": "{model}模型", "en": "the {model} model"},
    "sens.or": {"zh": "或", "en": " or "},
    "sens.of_largest": {"zh": "最大 μ* 的 {pct}", "en": "{pct} of the largest μ*"},
    "sens.constant": {"zh": "{metric}在全部 {evaluations} 次运行中都相同：这些参数在给定范围内都不影响它，没有可排的先后。",
                      "en": "{metric} is the same in all {evaluations} runs: no factor moves it over these ranges, so there is nothing to rank."},
    "sens.warning": {"zh": "注意：区间太宽，不足以给出完整排序", "en": "Caution: the intervals are too wide to rank every factor"},
    "sens.w_overlap": {"zh": "{a}（{a_value}，{a_ci}）与{b}（{b_value}，{b_ci}）的{measure}区间重叠，无法判断哪个影响更大。",
                       "en": "The {measure} intervals of {a} ({a_value}, {a_ci}) and {b} ({b_value}, {b_ci}) overlap: which matters more cannot be told."},
    "sens.w_first_exceeds": {
        "zh": "{factor}的一阶指数（{first}）高于其总效应指数区间的上端（{total_hi}），而一阶指数按定义不会超过总效应：估计误差至少为 {gap}，比区间显示的大；排序时已按此放宽该参数的区间。",
        "en": "The first-order index of {factor} ({first}) is above the upper end of its total index's interval ({total_hi}), though it cannot exceed the total by definition: the estimates are off by at least {gap}, more than the intervals show, and the ranking widens this factor's interval by that much.",
    },
    "sens.w_negative": {
        "zh": "{factor}的{which}估计为负（{value}，区间 {ci}），而指数按定义不小于零：估计误差至少为 {gap}；排序时已按此放宽该参数的区间。",
        "en": "The {which} of {factor} is estimated below zero ({value}, interval {ci}), though an index cannot be negative: the estimate is off by at least {gap}, and the ranking widens this factor's interval by that much.",
    },
    "sens.w_no_interval": {"zh": "{names}的区间无法计算（自助法失败），不能据此排序。",
                           "en": "No interval could be computed for {names} (the bootstrap failed), so they cannot be ranked."},
    "sens.impractical": {"zh": "要区分这些参数，所需样本量超过当前 {n} 的一千倍：它们的影响实际上难以区分。",
                         "en": "Separating these factors would take over a thousand times the current sample of {n}: in practice their effects cannot be told apart."},
    "sens.ties": {"zh": "{a}与{b}的估计值相同，增加样本量也无法区分：二者的影响可能一样大。",
                  "en": "{a} and {b} have the same estimate: no sample size will separate them, and they may matter equally."},
    "sens.need_n": {
        "zh": "要区分它们，基础样本量 n 需从 {n} 增加到约 {needed}（共 {evaluations} 次模型运行）：区间半宽按 1/√n 缩小，n 须为 2 的幂。",
        "en": "To tell them apart the base sample n would need to grow from {n} to about {needed} ({evaluations} model runs): interval half-widths shrink as 1/√n, and n must be a power of two.",
    },
    "sens.need_r": {
        "zh": "要区分它们，Morris 轨迹数需从 {n} 增加到约 {needed}（共 {evaluations} 次模型运行）：区间半宽按 1/√r 缩小。",
        "en": "To tell them apart the number of Morris trajectories would need to grow from {n} to about {needed} ({evaluations} model runs): interval half-widths shrink as 1/√r.",
    },
    "sens.still_ranked": {"zh": "上面的排序已计入这些误差，仍然成立。", "en": "The ranking above allows for these errors and still holds."},
    "sens.axis_sobol": {"zh": "Sobol 指数（输出方差中所占比例）", "en": "Sobol index (share of the output's variance)"},
    "sens.axis_morris": {"zh": "μ*：参数取遍其范围时，{metric}的平均绝对变化", "en": "μ*: mean absolute change in {metric} across a factor's range"},
    "sens.method_sobol": {
        "zh": "Sobol 指数由 scipy.stats.sobol_indices 估计（基础样本 n = {n}，共 {evaluations} 次模型运行），区间为自助法 95% 置信区间。一阶指数是一个参数单独解释的输出方差比例；总效应指数再加上它参与的全部交互作用。",
        "en": "Sobol indices estimated with scipy.stats.sobol_indices (base sample n = {n}, {evaluations} model runs); intervals are 95% bootstrap intervals. The first-order index is the share of the output's variance a factor explains alone; the total index adds every interaction it takes part in.",
    },
    "sens.method_morris": {
        "zh": "Morris 基本效应由 SALib 计算（{n} 条轨迹，共 {evaluations} 次模型运行），μ* 的区间为自助法 95% 半宽。效应是参数取遍其范围时输出的变化。",
        "en": "Morris elementary effects computed with SALib ({n} trajectories, {evaluations} model runs); μ* intervals are 95% bootstrap half-widths. An effect is the change in the output as a factor moves across its whole range.",
    },
    "explore.heading": {"zh": "{what}：{title}", "en": "{what}: {title}"},
    "explore.page_title": {"zh": "{title}（{what}）", "en": "{title} ({what})"},
    "explore.with_unit": {"zh": "{name}（{unit}）", "en": "{name} ({unit})"},
    "explore.value_unit": {"zh": "{value} {unit}", "en": "{value} {unit}"},
    "explore.per_year": {"zh": "{value}/年", "en": "{value} a year"},
    "explore.avg": {"zh": "年均{name}", "en": "{name}, average year"},
    "explore.colon": {"zh": "：", "en": ": "},
    "explore.item": {"zh": "{name}（{items}）", "en": "{name} ({items})"},
    "explore.item.other": {"zh": "第 {n} 项", "en": "item {n}"},
    "explore.item.brackets": {"zh": "第 {n} 档", "en": "bracket {n}"},
    "explore.item.periods": {"zh": "第 {n} 阶段", "en": "period {n}"},
    "explore.item.series": {"zh": "第 {n} 个指标", "en": "series {n}"},
    "explore.item.targets": {"zh": "第 {n} 个目标", "en": "target {n}"},
    "explore.item.shocks": {"zh": "第 {n} 次冲击", "en": "shock {n}"},
    "explore.item.departments": {"zh": "第 {n} 个部门", "en": "department {n}"},
    "explore.item.department_grades": {"zh": "第 {n} 个部门等次", "en": "department grade {n}"},
    "explore.item.posts": {"zh": "第 {n} 类岗位", "en": "post {n}"},
    "explore.item.dimensions": {"zh": "第 {n} 个维度", "en": "dimension {n}"},
    "explore.item.quotas": {"zh": "第 {n} 个等次", "en": "grade {n}"},
    "explore.item.grades": {"zh": "第 {n} 个园区等次", "en": "park grade {n}"},
    "explore.item.subjective_shares": {"zh": "第 {n} 个主观等次", "en": "subjective grade {n}"},
    "explore.item.changes": {"zh": "第 {n} 次调整", "en": "change {n}"},
    "explore.item.industries": {"zh": "第 {n} 个行业", "en": "industry {n}"},
    "explore.item.any_of": {"zh": "第 {n} 组择一条件", "en": "either/or group {n}"},
    "explore.horizon": {"zh": "全期", "en": "the horizon"},
    "explore.names": {"zh": "参数与指标的程序名称", "en": "Names to reproduce the run"},
    "explore.names_note": {"zh": "命令行（--vary、--target、--metric）和数据表用以下名称指代上文的参数与指标。",
                           "en": "The command line (--vary, --target, --metric) and the data table call the parameters and metrics above by these names."},
    "explore.table_file": {"zh": "每个网格点全部指标的数据表", "en": "Table of every metric at every grid point"},
    "explore.unit.yi": {"zh": "亿元", "en": "CNY 100m"},
    "explore.unit.yi_year": {"zh": "亿元/年", "en": "CNY 100m a year"},
    "explore.unit.wan": {"zh": "万元", "en": "CNY 10k"},
    "explore.unit.wan_year": {"zh": "万元/年", "en": "CNY 10k a year"},
    "explore.unit.wan_per_mu": {"zh": "万元/亩", "en": "CNY 10k per mu"},
    "explore.unit.wan_per_mu_year": {"zh": "万元/亩·年", "en": "CNY 10k per mu a year"},
    "explore.unit.wan_per_m2": {"zh": "万元/平方米", "en": "CNY 10k per m²"},
    "explore.unit.wan_per_m2_year": {"zh": "万元/平方米·年", "en": "CNY 10k per m² a year"},
    "explore.unit.yuan_per_m2": {"zh": "元/平方米", "en": "CNY per m²"},
    "explore.unit.mu": {"zh": "亩", "en": "mu"},
    "explore.unit.mu_year": {"zh": "亩/年", "en": "mu a year"},
    "explore.unit.m2": {"zh": "平方米", "en": "m²"},
    "explore.unit.m2_year": {"zh": "平方米/年", "en": "m² a year"},
    "explore.unit.km2": {"zh": "平方公里", "en": "km²"},
    "explore.unit.months": {"zh": "月", "en": "months"},
    "explore.unit.years": {"zh": "年", "en": "years"},
    "explore.unit.share": {"zh": "0–1", "en": "0–1"},
    "explore.unit.rate": {"zh": "0.1 = 10%", "en": "0.1 = 10%"},
    "explore.unit.ratio": {"zh": "倍", "en": "×"},
    "explore.unit.people": {"zh": "人", "en": "people"},
    "explore.unit.projects": {"zh": "个项目", "en": "projects"},
    "explore.unit.projects_year": {"zh": "个项目/年", "en": "projects a year"},
    "explore.unit.paths": {"zh": "条路径", "en": "paths"},
    "explore.unit.rounds": {"zh": "轮", "en": "rounds"},
    "explore.unit.points": {"zh": "分", "en": "points"},
    "explore.unit.times": {"zh": "次", "en": "times"},
    "explore.metric.revenue.tax_mean": {"zh": "规上工业税收", "en": "Tax, above-scale industry"},
    "explore.metric.revenue.base_mean": {"zh": "分成基数", "en": "Sharing base"},
    "explore.metric.revenue.zone_raw_share_mean": {"zh": "保底封顶前的开发区分成", "en": "Zone's share before floor and cap"},
    "explore.metric.revenue.zone_payout_mean": {"zh": "开发区所得", "en": "Zone payout"},
    "explore.metric.revenue.county_topup_mean": {"zh": "县级补足", "en": "County top-up"},
    "explore.metric.revenue.pooled_mean": {"zh": "县级统筹", "en": "Pooled by the county"},
    "explore.metric.revenue.county_net_mean": {"zh": "县级净留", "en": "County's net"},
    "explore.metric.revenue.p_floor_binds": {"zh": "保底生效概率", "en": "P(floor binds)"},
    "explore.metric.revenue.p_cap_binds": {"zh": "封顶生效概率", "en": "P(cap binds)"},
    "explore.metric.revenue.marginal_retention_mean": {"zh": "边际留成率", "en": "Marginal retention"},
    "explore.metric.revenue.zone_payout_total_mean": {"zh": "开发区所得合计均值", "en": "Zone payout over the horizon, mean"},
    "explore.metric.revenue.zone_payout_total_p05": {"zh": "开发区所得合计第 5 百分位数", "en": "Zone payout over the horizon, 5th percentile"},
    "explore.metric.revenue.zone_payout_total_p20": {"zh": "开发区所得合计第 20 百分位数", "en": "Zone payout over the horizon, 20th percentile"},
    "explore.metric.revenue.zone_payout_total_p95": {"zh": "开发区所得合计第 95 百分位数", "en": "Zone payout over the horizon, 95th percentile"},
    "explore.metric.revenue.county_topup_total_mean": {"zh": "县级补足合计均值", "en": "County top-up over the horizon, mean"},
    "explore.metric.revenue.pooled_total_mean": {"zh": "县级统筹合计均值", "en": "Pooled by the county over the horizon, mean"},
    "explore.metric.revenue.tax_total_mean": {"zh": "税收合计均值", "en": "Tax over the horizon, mean"},
    "explore.metric.revenue.marginal_retention_overall": {"zh": "全期边际留成率", "en": "Marginal retention over the horizon"},
    "explore.metric.revenue.county_net_total_mean": {"zh": "县级净留合计均值", "en": "County's net over the horizon, mean"},
    "explore.metric.revenue.flat_split_payout_total_mean": {"zh": "按比例直接分成时开发区所得合计均值",
                                                            "en": "Zone payout under a plain split over the horizon, mean"},
    "explore.metric.revenue.marginal_retention_dynamic_oneoff": {"zh": "计入基数调整的边际留成率，一次性增收",
                                                                 "en": "Marginal retention with later bases, one-off"},
    "explore.metric.revenue.marginal_retention_dynamic_lasting": {"zh": "计入基数调整的边际留成率，持续增收",
                                                                  "en": "Marginal retention with later bases, lasting"},
    "explore.metric.salary.graded_staff": {"zh": "参加考核人数", "en": "Graded staff"},
    "explore.metric.salary.exempt_staff": {"zh": "不参加考核人数", "en": "Staff outside the appraisal"},
    "explore.metric.salary.rounds": {"zh": "模拟考核轮数", "en": "Appraisal rounds simulated"},
    "explore.metric.salary.score_reliability": {"zh": "考核得分信度", "en": "Reliability of the final score"},
    "explore.metric.salary.gini": {"zh": "薪酬基尼系数", "en": "Gini of total pay"},
    "explore.metric.salary.p90_p10": {"zh": "薪酬 P90/P10 倍数", "en": "Pay ratio P90/P10"},
    "explore.metric.salary.pool": {"zh": "绩效薪酬总额", "en": "Performance-pay pool"},
    "explore.metric.salary.performance_pay_total": {"zh": "绩效薪酬年支出", "en": "Performance pay a year"},
    "explore.metric.salary.pool_allocated_share": {"zh": "绩效薪酬总额发放比例", "en": "Share of the pool paid out"},
    "explore.metric.salary.misordered_pairs": {"zh": "考核等次错排比例", "en": "Pairs graded in the wrong order"},
    "explore.metric.salary.misordered_pairs_zone": {"zh": "全区考核等次错排比例", "en": "Pairs graded in the wrong order, across the zone"},
    "explore.metric.salary.misrank_above_median": {"zh": "实际高于中位数而得分低于中位数的比例",
                                                   "en": "Truly above the median but scored below it"},
    "explore.metric.salary.top_quota_precision": {"zh": "最高等次中确属最优者的比例", "en": "Top grade going to the truly best"},
    "explore.metric.salary.kendall_tau": {"zh": "得分与真实绩效的 Kendall τ", "en": "Kendall τ of scores and true performance"},
    "explore.metric.salary.incentive_per_sd": {"zh": "每提高 1 个标准差的期望增薪", "en": "Extra pay per sd of performance"},
    "explore.metric.salary.flagged_bottom": {"zh": "每轮列为末位的人数", "en": "Staff flagged at the bottom, a round"},
    "explore.metric.salary.flagged_truly_bottom_share": {"zh": "列为末位者中确属末位的比例", "en": "Flagged staff truly at the bottom"},
    "explore.metric.land.occupancy_rate": {"zh": "厂房出租率", "en": "Factory occupancy"},
    "explore.metric.land.vacant_m2": {"zh": "空置厂房面积", "en": "Vacant factory space"},
    "explore.metric.land.occupied_m2": {"zh": "已出租厂房面积", "en": "Occupied factory space"},
    "explore.metric.land.under_construction_m2": {"zh": "在建厂房面积", "en": "Factory space under construction"},
    "explore.metric.land.land_available_mu": {"zh": "可供工业用地", "en": "Land available"},
    "explore.metric.land.land_unserviced_mu": {"zh": "未平整工业用地", "en": "Unserviced land"},
    "explore.metric.land.land_sold_mu_total": {"zh": "已出让工业用地", "en": "Land held by firms"},
    "explore.metric.land.land_idle_mu": {"zh": "闲置工业用地", "en": "Idle land"},
    "explore.metric.land.land_idle_held_mu": {"zh": "停产企业占用的闲置用地", "en": "Idle land held by idle firms"},
    "explore.metric.land.signed": {"zh": "签约项目数", "en": "Projects signed"},
    "explore.metric.land.started": {"zh": "开工项目数", "en": "Projects starting construction"},
    "explore.metric.land.producing": {"zh": "投产项目数", "en": "Projects entering production"},
    "explore.metric.land.exited": {"zh": "退出企业数", "en": "Firms leaving"},
    "explore.metric.land.lost_for_space": {"zh": "因无空间流失的项目数", "en": "Projects lost for want of space"},
    "explore.metric.land.lost_share": {"zh": "因无空间流失的项目占比", "en": "Share of queued projects lost for want of space"},
    "explore.metric.land.lost_share_land": {"zh": "用地项目流失占比", "en": "Share of land projects lost"},
    "explore.metric.land.lost_share_factory": {"zh": "厂房项目流失占比", "en": "Share of factory projects lost"},
    "explore.metric.land.still_waiting_share": {"zh": "期末仍在等待的项目占比", "en": "Share of queued projects still waiting at the end"},
    "explore.metric.land.unserved_share": {"zh": "流失或仍在等待的项目占比", "en": "Share of queued projects lost or still waiting"},
    "explore.metric.land.still_waiting_at_end": {"zh": "期末仍在等待的项目数", "en": "Projects still waiting at the end"},
    "explore.metric.land.mean_wait_months": {"zh": "平均等待时间", "en": "Mean wait for space"},
    "explore.metric.land.mean_wait_months_total": {"zh": "全期平均等待时间", "en": "Mean wait for space over the horizon"},
    "explore.metric.land.tax_per_mu": {"zh": "亩均税收", "en": "Tax per mu"},
    "explore.metric.land.producing_tax": {"zh": "在产项目税收", "en": "Tax of producing projects"},
    "explore.metric.land.land_sale_revenue": {"zh": "土地出让收入", "en": "Land sale revenue"},
    "explore.metric.land.screened_out_total": {"zh": "被标准地准入条件拒绝的项目数", "en": "Projects turned away by the standard-land screen"},
    "explore.metric.land.p_land_exhausted": {"zh": "期内用地耗尽概率", "en": "P(land runs out in the horizon)"},
    "explore.metric.land.land_exhausted_year_median": {"zh": "用地耗尽年份中位数", "en": "Year land runs out, median"},
    "explore.metric.zone.cash_mean": {"zh": "园区现金", "en": "Zone cash"},
    "explore.metric.zone.debt_mean": {"zh": "园区债务", "en": "Zone debt"},
    "explore.metric.zone.p_cash_short": {"zh": "当年需县级兜底的概率", "en": "P(the county steps in that year)"},
    "explore.metric.zone.county_support_mean": {"zh": "县级兜底资金", "en": "County support"},
    "explore.metric.zone.borrowing_mean": {"zh": "新增借款", "en": "New borrowing"},
    "explore.metric.zone.income_mean": {"zh": "园区收入", "en": "Zone income"},
    "explore.metric.zone.spending_mean": {"zh": "园区支出", "en": "Zone spending"},
    "explore.metric.zone.payout_mean": {"zh": "税收分成所得", "en": "Sharing payout"},
    "explore.metric.zone.new_tax_mean": {"zh": "新项目税收", "en": "New projects' tax"},
    "explore.metric.zone.new_tax_gain_mean": {"zh": "新项目带来的分成增加", "en": "Payout gain from new projects' tax"},
    "explore.metric.zone.land_proceeds_mean": {"zh": "土地出让收入", "en": "Land proceeds"},
    "explore.metric.zone.capital_injected_mean": {"zh": "注入运营公司的资本", "en": "Capital injected into the company"},
    "explore.metric.zone.company_paid_mean": {"zh": "运营公司资本支付的配套", "en": "Infrastructure paid from the company's capital"},
    "explore.metric.zone.company_capital_mean": {"zh": "运营公司剩余资本", "en": "Company capital left"},
    "explore.metric.zone.factory_cost_mean": {"zh": "厂房建设支出", "en": "Factory building cost"},
    "explore.metric.zone.servicing_cost_mean": {"zh": "土地平整支出", "en": "Land servicing cost"},
    "explore.metric.zone.staff_pay_mean": {"zh": "人员薪酬支出", "en": "Staff pay"},
    "explore.metric.zone.interest_mean": {"zh": "利息支出", "en": "Interest"},
    "explore.metric.zone.repayment_mean": {"zh": "还本支出", "en": "Repayment"},
    "explore.metric.zone.county_net_mean": {"zh": "县级净留", "en": "County's net"},
    "explore.metric.zone.top_up_mean": {"zh": "县级补足", "en": "County top-up"},
    "explore.metric.zone.pooled_mean": {"zh": "县级统筹", "en": "Pooled by the county"},
    "explore.metric.zone.debt_to_income": {"zh": "债务收入比", "en": "Debt to income"},
    "explore.metric.zone.payback_year_median": {"zh": "厂房计划回本年份中位数", "en": "Year the factory programme pays back, median"},
    "explore.metric.zone.p_payback_within_horizon": {"zh": "厂房计划期内回本概率", "en": "P(factory programme pays back in the horizon)"},
    "explore.metric.zone.fiscal_return_yuan_per_m2": {"zh": "每平方米厂房的财政回报", "en": "Fiscal return per m² built"},
    "explore.metric.zone.p_cash_short_ever": {"zh": "期内需县级兜底的概率", "en": "P(the county must step in, some year)"},
    "explore.metric.zone.programme_cut_m2_mean": {"zh": "因缺钱削减的厂房开工面积", "en": "Factory starts cut for want of cash"},
    "prov.hash": {"zh": "参数哈希", "en": "Parameter hash"},
    "prov.version": {"zh": "simlib 版本", "en": "simlib version"},
    "prov.commit": {"zh": "代码提交", "en": "Commit"},
    "prov.dirty": {"zh": "（另有未提交的修改）", "en": " (+ uncommitted changes)"},
    "prov.seed": {"zh": "随机种子", "en": "Seed"},
    "prov.created": {"zh": "生成时间", "en": "Created"},
}


def t(key: str, language: str, **fields: object) -> str:
    """The label ``key`` in ``language``, with ``{fields}`` filled in."""
    text = LABELS[key][language]
    return text.format(**fields) if fields else text


def _signed(text: str) -> str:
    """A formatted number with a true minus sign (−1.00, not -1.00), and no "−0"."""
    if text.startswith("-"):
        text = "−" + text[1:]
    return "0" + text[2:] if text.startswith("−0") and not any(c in "123456789" for c in text) else text


def money(value: float, language: str) -> str:
    """亿元 amounts: ``5.60亿元`` in Chinese, ``CNY 560m`` in English; a negative one with a minus sign
    (``−1.49亿元``, ``−CNY 149m``)."""
    if language == "zh":
        return _signed(f"{value:,.2f}") + "亿元"
    text = _signed(f"{value * 100:,.0f}")
    return f"−CNY {text[1:]}m" if text.startswith("−") else f"CNY {text}m"


def wan(value: float, language: str) -> str:
    """万元 amounts (pay): ``3.20万元`` in Chinese, ``CNY 32,000`` in English."""
    if language == "zh":
        return _signed(f"{value:,.2f}") + "万元"
    text = _signed(f"{value * 10_000:,.0f}")
    return f"−CNY {text[1:]}" if text.startswith("−") else f"CNY {text}"


def m2(value: float, language: str) -> str:
    """Floor space: ``12.3万平方米`` in Chinese, ``123k m²`` in English."""
    if language == "zh":
        return _signed(f"{value / 1e4:,.1f}") + "万平方米"
    return _signed(f"{value / 1e3:,.0f}") + "k m²"


#: Chinese unit words and their English, longest first, for units a scenario writes in Chinese.
UNIT_WORDS = (("万平方米", "10k m²"), ("平方米", "m²"), ("亿元", "CNY 100m"), ("万元", "CNY 10k"), ("亿", "CNY 100m"),
              ("亩", "mu"), ("元", "CNY"), ("万", "10k"), ("人", "people"), ("个月", "months"), ("年", "year"))


def unit(text: str, language: str) -> str:
    """A unit as a scenario writes it, in ``language``: an English brief reads ``亿元 a year`` as
    ``CNY 100m a year`` and ``万元/亩`` as ``CNY 10k/mu``; a Chinese brief shows it as written."""
    if language != "en":
        return text
    for zh, en in UNIT_WORDS:
        text = text.replace(zh, f" {en} ")
    return re.sub(r"\s+", " ", text).replace(" /", "/").replace("/ ", "/").strip()


_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(亿|万)(元)?")
_QUOTED = re.compile(r"(“[^”]*”|\"[^\"]*\"|《[^》]*》|「[^」]*」)")


def amounts(text: str, language: str) -> str:
    """An English brief writes a scenario's ``5.6亿`` as ``560m`` and ``6200万元`` as ``CNY 62m`` (亿 is 10⁸,
    万 10⁴); quotations of a document (“…”, "…", 《…》) stay as written; a Chinese brief changes nothing."""
    if language != "en":
        return text

    def one(m: re.Match) -> str:
        value = float(m.group(1).replace(",", "")) * (1e8 if m.group(2) == "亿" else 1e4)
        for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
            if value >= size:
                shown = f"{value / size:,.4g}{suffix}"
                break
        else:
            shown = f"{value:,.4g}"
        return ("CNY " if m.group(3) else "") + shown

    return "".join(part if k % 2 else _AMOUNT.sub(one, part) for k, part in enumerate(_QUOTED.split(text)))


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"
