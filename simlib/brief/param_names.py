"""The name of every scenario parameter in Chinese and English, for the brief's appendix.

The appendix lists each resolved parameter by its dotted key (``revenue.sharing.zone_share``);
a reader wants 开发区分成比例 / "Zone's share of the increment".  :data:`NAMES` maps a key
pattern to ``{"zh": ..., "en": ...}``.  A pattern is the dotted key with each list index written
``[]``: ``salary.appraisal.quotas`` names the whole list (the appendix shows a list as one row),
``salary.appraisal.quotas[].coefficient`` a field of any of its items.  Keys under a mapping with
fixed keys are spelled out (``land.pipeline.stages.signed.conversion``).  Each section root
(``revenue``, ``salary``, ``land``, ``zone``, ``meta``) has an entry too: it is what the appendix
shows for a section the scenario leaves out.

Names are short noun phrases in the field's own terms (基期税收, 保底, 封顶, 考核等次比例,
年均新建标准厂房面积), with no unit in them: units are a column of their own.  Within a section no
two keys share a name in either language, so a name alone tells the rows apart.

:func:`name` looks a key up (``revenue.sharing.periods[1].cap`` finds the pattern
``revenue.sharing.periods[].cap``); a key with no entry of its own (one added to the schema but not
here, or a plugin model's: its section root is named by the model's ``title``) is named after the
nearest enclosing key that has a name, plus its own last part (``salary.appraisal.quotas[0].bonus``
→ ``考核等次比例 · bonus``), and a key with no named ancestor at all is shown as it is.
``tests/test_param_names.py`` checks that every key of the schema and of the shipped scenarios
has an entry here.
"""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")

#: What a fallback name puts between the enclosing key's name and the key's own last part.
SEPARATOR = " · "


def _n(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


# -- meta ------------------------------------------------------------------------

_META = {
    "meta": _n("情景信息", "Scenario"),
    "meta.title": _n("情景标题", "Title"),
    "meta.zone": _n("开发区名称", "Zone name"),
    "meta.language": _n("简报语言", "Language of the brief"),
    "meta.seed": _n("随机种子", "Random seed"),
    "meta.description": _n("情景说明", "Description"),
    "meta.documents": _n("依据文件登记表", "Document register"),
    "meta.glossary": _n("中文名称英译", "Translations of Chinese names"),
}

# -- revenue: 基数留存、增量分成 ----------------------------------------------------

#: The sharing keys a rule period can also set (``revenue.sharing.periods[]``), named once here.
_SHARING_KEYS = {
    "zone_share": _n("开发区分成比例", "Zone's share of the increment"),
    "cap": _n("封顶", "Cap"),
    "floor": _n("保底", "Floor"),
    "excess_return": _n("超额返还比例", "Share of the excess returned"),
    "base_reset_years": _n("基数重置周期", "Base re-set interval"),
    "brackets": _n("增量分档", "Brackets of the increment"),
    "brackets[].above": _n("分档起点", "Bracket starts at"),
    "brackets[].share": _n("分档分成比例", "Bracket's share"),
    "base_share": _n("基数部分分成比例", "Zone's share of the base"),
    "base_growth": _n("基数年递增率", "Base growth rate"),
    "allow_negative": _n("允许负分成", "Negative share allowed"),
}

_REVENUE = {
    "revenue": _n("新增税收分成", "Revenue sharing"),
    "revenue.base_year": _n("基期年份", "Base year"),
    "revenue.base_tax": _n("基期税收", "Base-year tax"),
    "revenue.start_year": _n("测算起始年份", "First year"),
    "revenue.horizon_years": _n("测算年数", "Horizon"),
    "revenue.paths": _n("模拟路径数", "Simulated paths"),
    "revenue.start_tax": _n("起始税收", "Starting tax"),
    "revenue.growth": _n("税收增长", "Tax growth"),
    "revenue.growth.mean": _n("预期年增长率", "Expected annual growth"),
    "revenue.growth.volatility": _n("增长波动率", "Growth volatility"),
    "revenue.growth.mean_sd": _n("增长率估计标准误", "Standard error of growth"),
    "revenue.growth.shocks": _n("一次性冲击", "One-off shocks"),
    "revenue.growth.shocks[].year": _n("冲击年份", "Shock year"),
    "revenue.growth.shocks[].change": _n("冲击幅度", "Shock size"),
    "revenue.growth.calibrate": _n("增长率校准数据", "Growth calibration"),
    "revenue.growth.calibrate.file": _n("校准数据文件", "Calibration file"),
    "revenue.growth.calibrate.series": _n("校准数据列", "Calibration series"),
    "revenue.growth.calibrate.year_column": _n("年份列", "Year column"),
    "revenue.growth.calibrate.exclude": _n("剔除年份", "Years left out"),
    "revenue.sharing": _n("分成规则", "Sharing rule"),
    **{f"revenue.sharing.{k}": v for k, v in _SHARING_KEYS.items()},
    "revenue.sharing.periods": _n("分阶段规则", "Rule periods"),
    "revenue.sharing.periods[].from_year": _n("分阶段执行起始年份", "Period starts in"),
    **{f"revenue.sharing.periods[].{k}": _n(f"{v['zh']}（分阶段）", f"Period: {v['en'][0].lower()}{v['en'][1:]}")
       for k, v in _SHARING_KEYS.items()},
    "revenue.tax_basis": _n("分成税基", "Tax basis"),
    "revenue.tax_basis.retained_share": _n("县级留成比例", "Share retained at county level"),
    "revenue.series": _n("关联经济指标", "Related series"),
    "revenue.series[].name": _n("指标名称", "Series name"),
    "revenue.series[].start_value": _n("指标基期值", "Series base-year value"),
    "revenue.series[].unit": _n("指标计量单位", "Series unit"),
    "revenue.series[].growth": _n("指标增长", "Series growth"),
    "revenue.series[].growth.mean": _n("指标预期年增长率", "Series expected annual growth"),
    "revenue.series[].growth.volatility": _n("指标增长波动率", "Series growth volatility"),
    "revenue.series[].correlation": _n("与税收的相关系数", "Correlation with tax"),
    "revenue.targets": _n("发展目标", "Targets"),
    "revenue.targets[].series": _n("目标指标", "Target series"),
    "revenue.targets[].year": _n("目标年份", "Target year"),
    "revenue.targets[].value": _n("目标值", "Target value"),
}

# -- salary: 岗位绩效薪酬、强制分布 ---------------------------------------------------

_SALARY = {
    "salary": _n("岗位绩效薪酬", "Post and performance pay"),
    "salary.staff": _n("人员总数", "Staff"),
    "salary.roster": _n("人员名册", "Staff roster"),
    "salary.departments": _n("部门设置", "Departments"),
    "salary.departments[].name": _n("部门名称", "Department name"),
    "salary.departments[].size": _n("部门人数", "Department size"),
    "salary.departments[].unit": _n("所属单位", "Department's unit"),
    "salary.department_effect_sd": _n("部门效应标准差", "Department effect sd"),
    "salary.department_grades": _n("部门考核等次", "Department grades"),
    "salary.department_grades[].grade": _n("部门等次名称", "Department grade"),
    "salary.department_grades[].share": _n("部门等次比例", "Department grade share"),
    "salary.department_grades[].coefficient": _n("部门系数", "Department coefficient"),
    "salary.department_grades[].top_grade_share": _n("部门内最高等次比例", "Top-grade share in the department"),
    "salary.posts": _n("岗位设置", "Posts"),
    "salary.posts[].track": _n("岗位序列", "Track"),
    "salary.posts[].level": _n("岗位等级", "Level"),
    "salary.posts[].base_pay": _n("岗位基本薪酬", "Base pay"),
    "salary.posts[].share": _n("岗位人数占比", "Post's share of staff"),
    "salary.exempt_share": _n("不参加考核人员比例", "Share outside the appraisal"),
    "salary.rounds": _n("模拟考核轮数", "Appraisal rounds simulated"),
    "salary.appraisal": _n("绩效考核", "Appraisal"),
    "salary.appraisal.method": _n("考核评分方式", "Scoring method"),
    "salary.appraisal.reliability": _n("评分信度", "Score reliability"),
    "salary.appraisal.objective_weight": _n("客观指标权重", "Objective part's weight"),
    "salary.appraisal.objective_reliability": _n("客观指标信度", "Objective part's reliability"),
    "salary.appraisal.subjective_reliability": _n("主观评价信度", "Subjective part's reliability"),
    "salary.appraisal.subjective_shares": _n("主观评价等次比例", "Subjective grade shares"),
    "salary.appraisal.dimensions": _n("考核维度", "Dimensions"),
    "salary.appraisal.dimensions[].name": _n("维度名称", "Dimension name"),
    "salary.appraisal.dimensions[].weight": _n("维度权重", "Dimension weight"),
    "salary.appraisal.dimensions[].reliability": _n("维度信度", "Dimension reliability"),
    "salary.appraisal.dimension_correlation": _n("维度误差相关系数", "Error correlation between dimensions"),
    "salary.appraisal.scope": _n("等次评定范围", "Grading scope"),
    "salary.appraisal.quotas": _n("考核等次比例", "Grade quotas"),
    "salary.appraisal.quotas[].grade": _n("等次名称", "Grade"),
    "salary.appraisal.quotas[].coefficient": _n("个人系数", "Individual coefficient"),
    "salary.appraisal.quotas[].share": _n("等次比例", "Grade share"),
    "salary.appraisal.quotas[].max_share": _n("等次比例上限", "Grade share cap"),
    "salary.appraisal.quotas[].min_score": _n("等次分数线", "Minimum score"),
    "salary.appraisal.rounding": _n("名额取整规则", "Seat rounding"),
    "salary.appraisal.score_scale": _n("考核分数量表", "Points scale"),
    "salary.appraisal.score_scale.mean": _n("分数量表均值", "Points scale: mean"),
    "salary.appraisal.score_scale.sd": _n("分数量表标准差", "Points scale: sd"),
    "salary.park": _n("园区考核", "Park ratings"),
    "salary.park.grades": _n("园区考核等次", "Park grades"),
    "salary.park.grades[].grade": _n("园区等次名称", "Park grade"),
    "salary.park.grades[].coefficient": _n("园区系数", "Park coefficient"),
    "salary.park.committee_grade": _n("管委会考核等次", "Committee's grade"),
    "salary.park.company_grade": _n("运营公司考核等次", "Operating company's grade"),
    "salary.park.link_threshold": _n("联动触发等次", "Linked rule: committee threshold"),
    "salary.park.link_company_best": _n("联动后运营公司最高等次", "Linked rule: company's best grade"),
    "salary.pay": _n("绩效薪酬", "Performance pay"),
    "salary.pay.standard_amount": _n("绩效薪酬标准额", "Standard amount"),
    "salary.pay.pool_mode": _n("绩效薪酬发放方式", "Pool mode"),
    "salary.elimination": _n("末位淘汰", "Bottom elimination"),
    "salary.elimination.years": _n("末位淘汰考察年数", "Years observed"),
    "salary.elimination.consecutive": _n("连续末位年数", "Consecutive bottom years"),
}

# -- land: 土地与标准厂房供给 --------------------------------------------------------

#: The funnel's steps: the stage (pipeline.stages, initial), the step's conversion and mean time.
_STEPS = {
    "signed": {"stage": _n("签约", "Signing"), "initial": _n("已签约", "Signed"),
               "cumulative": None, "lag": _n("签约平均用时", "Mean time to signing")},
    "registered": {"stage": _n("注册", "Registration"), "initial": _n("已注册待开工", "Registered"),
                   "cumulative": _n("签约后注册比例", "Signed projects registering"),
                   "lag": _n("注册平均用时", "Mean time to registration")},
    "started": {"stage": _n("开工", "Construction-start"), "initial": _n("在建", "Under construction"),
                "cumulative": _n("签约后开工比例", "Signed projects starting construction"),
                "lag": _n("开工平均用时", "Mean time to construction start")},
    "producing": {"stage": _n("投产", "Production"), "initial": _n("已投产", "Producing"),
                  "cumulative": _n("签约后投产比例", "Signed projects reaching production"),
                  "lag": _n("投产平均用时", "Mean time to production")},
}


def _steps() -> dict[str, dict[str, str]]:
    out = {}
    for step, words in _STEPS.items():
        stage, initial = words["stage"], words["initial"]
        out[f"land.pipeline.stages.{step}"] = _n(f"{stage['zh']}阶段", f"{stage['en']} stage")
        out[f"land.pipeline.stages.{step}.conversion"] = _n(f"{stage['zh']}阶段转化率",
                                                            f"{stage['en']} stage: conversion")
        out[f"land.pipeline.stages.{step}.lag_months"] = _n(f"{stage['zh']}阶段平均停留时间",
                                                            f"{stage['en']} stage: mean time")
        out[f"land.pipeline.lags_months.{step}"] = words["lag"]
        if words["cumulative"] is not None:
            out[f"land.pipeline.cumulative_from_signed.{step}"] = words["cumulative"]
        pre = f"land.initial.{step}"
        out[pre] = _n(f"期初{initial['zh']}项目", f"{initial['en']} at start")
        out[f"{pre}.count"] = _n(f"期初{initial['zh']}项目数", f"{initial['en']} at start: projects")
        out[f"{pre}.land_share"] = _n(f"期初{initial['zh']}项目中用地项目占比",
                                      f"{initial['en']} at start: share needing land")
        out[f"{pre}.mu"] = _n(f"期初{initial['zh']}项目用地面积", f"{initial['en']} at start: land")
        out[f"{pre}.m2"] = _n(f"期初{initial['zh']}项目厂房面积", f"{initial['en']} at start: factory space")
        out[f"{pre}.tax"] = _n(f"期初{initial['zh']}项目达产税收", f"{initial['en']} at start: tax at capacity")
    return out


#: What a newly signed project draws (``land.projects``), each lognormal ``{mean, sd_log}``.
_DRAWS = {
    "land_mu": _n("项目用地面积", "Land per project"),
    "factory_m2": _n("项目厂房需求面积", "Factory space per project"),
    "investment": _n("项目投资额", "Investment per project"),
    "tax_at_capacity": _n("项目达产税收", "Tax at capacity per project"),
    "output_at_capacity": _n("项目达产产值", "Output at capacity per project"),
    "plot_ratio": _n("项目容积率", "Plot ratio per project"),
    "coverage": _n("项目建筑密度", "Building coverage per project"),
}


def _draws() -> dict[str, dict[str, str]]:
    out = {}
    for key, words in _DRAWS.items():
        out[f"land.projects.{key}"] = words
        out[f"land.projects.{key}.mean"] = _n(f"{words['zh']}均值", f"{words['en']}: mean")
        out[f"land.projects.{key}.sd_log"] = _n(f"{words['zh']}对数标准差", f"{words['en']}: sd of log")
    return out


#: The standard-land (标准地) indicators, as ``simlib.models.land_screen`` defines them.
_INDICATORS = {
    "investment_wan_per_mu": _n("亩均投资", "investment per mu"),
    "tax_wan_per_mu": _n("亩均税收", "tax per mu"),
    "output_wan_per_mu": _n("亩均产出", "output per mu"),
    "plot_ratio": _n("容积率", "plot ratio"),
    "coverage": _n("建筑密度", "building coverage"),
    "investment_yi": _n("总投资", "total investment"),
    "investment_wan_per_m2": _n("每平方米投资", "investment per m²"),
    "tax_wan": _n("年税收", "annual tax"),
    "output_wan_per_m2": _n("每平方米产出", "output per m²"),
}

#: Where a screen sits: its key under ``land.standard_land`` and the words naming it.
_SCREENS = {
    "land": _n("用地项目", "Land screen"),
    "tenants": _n("厂房租户", "Tenant screen"),
    "industries[].land": _n("分行业用地项目", "Industry land screen"),
    "industries[].tenants": _n("分行业厂房租户", "Industry tenant screen"),
}


def _screens() -> dict[str, dict[str, str]]:
    out = {}
    for where, words in _SCREENS.items():
        pre = f"land.standard_land.{where}"
        out[pre] = _n(f"{words['zh']}准入条件", words["en"])
        out[f"{pre}.any_of"] = _n(f"{words['zh']}择一条件", f"{words['en']}: either/or groups")
        for kind, zh_tail, en_tail in (("", "", ""), (".any_of[]", "（择一）", ", either/or")):
            for key, ind in _INDICATORS.items():
                k = f"{pre}{kind}.{key}"
                out[k] = _n(f"{words['zh']}{ind['zh']}条件{zh_tail}", f"{words['en']}{en_tail}: {ind['en']}")
                out[f"{k}.min"] = _n(f"{words['zh']}{ind['zh']}下限{zh_tail}",
                                     f"{words['en']}{en_tail}: minimum {ind['en']}")
                out[f"{k}.max"] = _n(f"{words['zh']}{ind['zh']}上限{zh_tail}",
                                     f"{words['en']}{en_tail}: maximum {ind['en']}")
    return out


_LAND = {
    "land": _n("土地与标准厂房供给", "Land and standard factories"),
    "land.start_year": _n("测算起始年份", "First year"),
    "land.horizon_years": _n("测算年数", "Horizon"),
    "land.paths": _n("模拟路径数", "Simulated paths"),
    "land.unserviced_mu": _n("期初未平整工业用地", "Unserviced land at start"),
    "land.available_mu": _n("期初可供工业用地", "Available land at start"),
    "land.sold_mu": _n("期初已出让工业用地", "Land sold at start"),
    "land.idle_mu": _n("期初闲置工业用地", "Idle land at start"),
    "land.servicing_mu_per_year": _n("年均土地平整面积", "Land serviced a year"),
    "land.idle_rate": _n("企业年停产率", "Rate of firms falling idle"),
    "land.idle_exit_share": _n("停产企业退出比例", "Share of idle firms leaving"),
    "land.revitalise_rate": _n("闲置用地年盘活率", "Revitalisation rate"),
    "land.price_wan_per_mu": _n("工业用地出让价格", "Land price"),
    "land.changes": _n("用地规模调整", "Boundary changes"),
    "land.changes[].year": _n("调整年份", "Year of the change"),
    # the same change given in one of two units: the name says which key it is
    "land.changes[].mu": _n("调整亩数", "Change in mu"),
    "land.changes[].km2": _n("调整平方公里数", "Change in km²"),
    "land.changes[].note": _n("调整说明", "Note on the change"),
    "land.factories": _n("标准厂房", "Standard factories"),
    "land.factories.policy": _n("厂房建设策略", "Building policy"),
    "land.factories.build_m2_per_year": _n("年均新建标准厂房面积", "Factory space built a year"),
    "land.factories.lag_months": _n("厂房建设周期", "Construction time"),
    "land.factories.target_vacancy": _n("目标空置率", "Target vacancy"),
    "land.factories.vacant_m2": _n("期初空置厂房面积", "Vacant factory space at start"),
    "land.factories.occupied_m2": _n("期初已出租厂房面积", "Occupied factory space at start"),
    "land.factories.tenant_exit_rate": _n("厂房租户年退租率", "Tenant exit rate"),
    "land.pipeline": _n("项目漏斗", "Project funnel"),
    "land.pipeline.arrivals_per_year": _n("年均新洽谈项目数", "Projects negotiated a year"),
    "land.pipeline.sign_rate": _n("洽谈项目签约率", "Signing rate"),
    "land.pipeline.stages": _n("各阶段转化", "Funnel stages"),
    "land.pipeline.cumulative_from_signed": _n("签约后累计转化率", "Cumulative conversion from signing"),
    "land.pipeline.lags_months": _n("各环节平均用时", "Mean times between stages"),
    "land.projects": _n("新签约项目特征", "New projects"),
    "land.projects.land_share": _n("用地项目占比", "Share needing land"),
    "land.initial": _n("期初项目存量", "Projects at start"),
    "land.initial.negotiated": _n("期初洽谈中项目数", "In negotiation at start"),
    "land.standard_land": _n("标准地准入条件", "Standard-land screen"),
    "land.standard_land.min_investment_wan_per_mu": _n("标准地亩均投资下限", "Standard land: minimum investment per mu"),
    "land.standard_land.min_plot_ratio": _n("标准地容积率下限", "Standard land: minimum plot ratio"),
    "land.standard_land.min_tax_wan_per_mu": _n("标准地亩均税收下限", "Standard land: minimum tax per mu"),
    "land.standard_land.industries": _n("分行业准入", "Screens by industry"),
    "land.standard_land.industries[].name": _n("行业名称", "Industry"),
    "land.standard_land.industries[].share": _n("行业签约项目占比", "Industry's share of projects"),
    "land.max_wait_months": _n("最长等待期", "Maximum wait"),
    "land.reverse": _n("最小供给计划反推", "Reverse question: smallest programme"),
    "land.reverse.lever": _n("反推的供给计划", "Programme solved for"),
    "land.reverse.target": _n("项目流失率目标", "Target lost share"),
    "land.reverse.paths": _n("反推模拟路径数", "Paths for the reverse question"),
    **_steps(),
    **_draws(),
    **_screens(),
}

# -- zone: 园区财政闭环 ---------------------------------------------------------------

_ZONE = {
    "zone": _n("园区财政闭环", "Zone finances"),
    "zone.ramp_years": _n("新项目达产年限", "Years to reach capacity"),
    "zone.opening_cash": _n("期初现金", "Opening cash"),
    "zone.company_profit": _n("运营公司年利润", "Operating company's profit"),
    "zone.factory_cost_yuan_per_m2": _n("标准厂房建设单价", "Factory building cost"),
    "zone.servicing_cost_wan_per_mu": _n("土地平整单价", "Land servicing cost"),
    "zone.land_proceeds": _n("土地出让收入去向", "Use of land proceeds"),
    "zone.other_spending": _n("其他年度支出", "Other spending"),
    "zone.debt": _n("存量债务", "Existing debt"),
    "zone.debt.opening": _n("期初债务余额", "Opening debt"),
    "zone.debt.interest_rate": _n("存量债务年利率", "Interest rate on existing debt"),
    "zone.debt.repay_years": _n("存量债务还款年限", "Repayment years, existing debt"),
    "zone.borrowing": _n("新增借款", "New borrowing"),
    "zone.borrowing.limit": _n("债务上限", "Debt limit"),
    "zone.borrowing.interest_rate": _n("新增借款年利率", "Interest rate on new loans"),
    "zone.borrowing.repay_years": _n("新增借款还款年限", "Repayment years, new loans"),
    "zone.shortfall": _n("资金缺口处理方式", "Shortfall rule"),
    "zone.reverse": _n("可承受厂房计划反推", "Reverse question: affordable programme"),
    "zone.reverse.target": _n("县级兜底概率上限", "Highest chance the county steps in"),
    "zone.reverse.paths": _n("反推模拟路径数", "Paths for the reverse question"),
}

#: Key pattern (dotted, list indices as ``[]``) → its name in each language.
NAMES: dict[str, dict[str, str]] = {**_META, **_REVENUE, **_SALARY, **_LAND, **_ZONE}

_INDEX = re.compile(r"\[\d*\]")


def pattern(key: str) -> str:
    """``key`` with every list index written ``[]``: ``a.b[2].c`` → ``a.b[].c``."""
    return _INDEX.sub("[]", key)


def section_of(key: str) -> str:
    """The scenario section ``key`` belongs to: its first part (``revenue.sharing.cap`` → ``revenue``)."""
    return re.match(r"[^.\[]*", key).group()


def _parent(key: str) -> str:
    """The key one level up (``a.b[].c`` → ``a.b[]`` → ``a.b`` → ``a``), or ``""`` at the top."""
    parent = re.sub(r"(\.[^.\[]+|\[\])$", "", key)
    return "" if parent == key else parent


def _own(key: str, language: str) -> str | None:
    """The name ``key`` (a pattern) has of its own: its entry in :data:`NAMES`, or for a section root
    :data:`NAMES` leaves out (a plugin model's), the model's title; else None."""
    if key in NAMES:
        return NAMES[key][language]
    if not re.fullmatch(r"[A-Za-z_]\w*", key):
        return None
    try:
        from simlib.models import get
        return get(key).title.get(language) or None
    except (KeyError, ImportError, AttributeError):
        return None


def name(key: str, language: str) -> str:
    """The name of the parameter ``key`` (indices allowed: ``salary.appraisal.quotas[0].share``)
    in ``language`` ("zh" or "en").

    The most specific entry of :data:`NAMES` wins: the key as written, then with its indices
    stripped (a section root :data:`NAMES` leaves out is named by its model's title).  Without
    one, the nearest enclosing key that has a name names it, followed by the key's own last part;
    with none of those, the key itself."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    stripped = pattern(key)
    for candidate in (key, stripped):
        own = _own(candidate, language)
        if own:
            return own
    enclosing = _parent(stripped)
    while enclosing:
        own = _own(enclosing, language)
        if own:
            below = re.findall(r"[^.\[\]]+", stripped[len(enclosing):])
            return f"{own}{SEPARATOR}{below[-1]}" if below else own
        enclosing = _parent(enclosing)
    return key
