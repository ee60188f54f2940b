"""Issue 19's hard classes, through the project's real rulebook (rules alone): documents made by bodies that are
not administrative agencies (条例第二条), completed-work reports (第十六条第二款), enterprises' tax and turnover
(第十五条), each with its look-alike the agency made itself; and the same documents without their title."""

from __future__ import annotations

from typing import Any

import pytest

from engine.rules.loader import load_rulebook
from engine.suggest import Suggester
from tests.conftest import RULES, make_doc

SUGGESTER = Suggester(load_rulebook(RULES))

ASSOCIATION = dict(
    doc_type="通知", agency="澄湖市文化广电旅游局", title="关于发布《澄湖市旅行社行业自律公约》的通知",
    body="各会员单位：\n经澄湖市旅游协会第三届会员大会审议通过，现发布《澄湖市旅行社行业自律公约》，请各会员单位自觉遵守。\n"
         "抄送：澄湖市文化广电旅游局\n\n澄湖市旅游协会\n2024年4月16日")
BUREAU_ON_ASSOCIATIONS = dict(
    doc_type="通知", agency="某市民政局", title="关于进一步规范行业协会商会收费行为的通知",
    body="各全市性行业协会商会：\n为减轻企业负担，现就规范行业协会商会收费行为通知如下……\n\n某市民政局\n2024年5月6日")
SOE = dict(
    title="计划停电通知",
    body="尊敬的电力客户：\n因10千伏线路检修，国网某市供电公司定于6月8日7:00至18:00对以下区域停电……咨询电话：95598\n\n"
         "国网某市供电公司\n2025年6月3日")
SPORTS = dict(
    title="2024年某市业余足球联赛竞赛规程",
    body="一、主办单位：某市足球协会\n二、比赛时间和地点……\n三、参赛办法：各队于5月10日前向协会秘书处报名。\n\n某市足球协会\n2024年4月20日")
CRIMINAL = dict(
    agency="某市公安局",
    body="某市公安局\n取保候审决定书\n某公（刑）取保字〔2024〕36号\n犯罪嫌疑人王某某因涉嫌盗窃罪，根据《中华人民共和国刑事诉讼法》"
         "第六十七条之规定，决定对其取保候审。")
POLICE_ADMINISTRATIVE = dict(
    doc_type="决定", agency="某市公安局", title="某公安分局行政处罚决定书",
    body="违法行为人张某……依据《中华人民共和国治安管理处罚法》第四十三条，决定给予行政拘留五日。")
COMPLETED_REPORT = dict(
    doc_type="报告", title="关于2024年度光荣牌悬挂工作完成情况的报告",
    body="市退役军人事务局：\n我县2024年度光荣牌悬挂工作已全部完成，现将有关情况报告如下：\n一、完成情况。全年悬挂光荣牌1,046块。\n"
         "二、下一步打算。建立动态管理台账。\n特此报告。\n\n某县退役军人事务局\n2024年12月20日")
PROPOSING_REPORT = dict(
    doc_type="报告", title="关于2024年全区安全生产工作情况的报告",
    body="区人民政府：\n现将2024年全区安全生产工作情况报告如下……四、建议区政府明年增加安全生产专项资金500万元。\n以上报告，请审阅。")
TAX_DATA = dict(
    doc_type="表格", title="重点企业2024年度经营情况表",
    body="企业名称：某精密机械有限公司\n统一社会信用代码：91xxxxxxxxxxxxxx3K\n2024年营业收入3.62亿元，利润总额2860万元，"
         "纳税总额1930万元。\n以上数据由企业于2025年1月15日报送。")
TAX_AGGREGATE = dict(
    doc_type="统计数据", title="2024年1—6月全县规模以上工业主要经济指标",
    body="全县规模以上工业企业营业收入126.4亿元，同比增长6.2%；利润总额8.1亿元。")


def category(fields: dict[str, Any]) -> tuple[Any, Any, list[str]]:
    out = SUGGESTER.suggest(make_doc(**fields))
    suggestion = out["suggestion"]
    return suggestion["category"]["value"], suggestion["exemption"]["value"], [h["id"] for h in out["hits"]]


@pytest.mark.parametrize(("fields", "rule"), [
    (ASSOCIATION, "not_government_info.non_administrative_makers.industry_associations"),
    (SOE, "not_government_info.non_administrative_makers.state_owned_enterprises"),
    (SPORTS, "not_government_info.non_administrative_makers.sports_federations"),
    (CRIMINAL, "not_government_info.outside_administrative_duties.police_criminal_justice"),
], ids=["association", "soe", "sports", "criminal"])
@pytest.mark.parametrize("titled", [True, False], ids=["title", "no_title"])
def test_made_by_a_body_that_is_not_an_agency(fields: dict[str, Any], rule: str, titled: bool) -> None:
    doc = fields if titled else {**fields, "title": ""}
    value, _, hits = category(doc)
    assert value == "not_government_info" and rule in hits


@pytest.mark.parametrize("fields", [BUREAU_ON_ASSOCIATIONS, POLICE_ADMINISTRATIVE], ids=["bureau", "police_admin"])
def test_the_agencys_own_document_about_them_stays_government_information(fields: dict[str, Any]) -> None:
    assert category(fields)[0] != "not_government_info"


def test_a_completed_work_report_is_not_process_information() -> None:
    _, exemption, hits = category(COMPLETED_REPORT)
    assert exemption != "process_info" and "withheld.process_info.reports_to_superiors" not in hits
    assert category(PROPOSING_REPORT)[:2] == ("withheld", "process_info")


def test_an_enterprises_tax_and_turnover_is_withheld_for_the_third_party_never_proactive() -> None:
    assert category(TAX_DATA)[:2] == ("withheld", "third_party")
    assert category({**TAX_DATA, "title": ""})[:2] == ("withheld", "third_party")
    assert "withheld.third_party.enterprise_tax_and_turnover" not in category(TAX_AGGREGATE)[2]


# Without a title, rules that read the title also read the body's own wording (title_source: missing), so a
# hand-entered item or a scan whose first page was lost keeps its category.
NO_TITLE = [
    ("proactive.emergency.warnings", "proactive", dict(
        body="省自然资源厅与省气象局7月29日16时联合发布地质灾害气象风险预警：预计某县东部发生地质灾害的风险较高（黄色预警）。\n"
             "请上述地区加强巡查排查，及时组织避让转移。")),
    ("proactive.practice.proposal_replies", "proactive", dict(
        doc_type="函", body="陈某某委员：\n您提出的《关于优化城乡公交线网的提案》收悉。经认真研究，现答复如下：\n一、……")),
    ("proactive.enforcement.penalty_decisions", "proactive", dict(
        body="当事人：某食品有限公司\n……经本局负责人集体讨论，决定减轻处罚如下：一、没收违法所得12,360元；二、罚款50,000元。\n"
             "当事人如不服本决定，可以在收到本决定书之日起六十日内申请行政复议，或者在六个月内提起行政诉讼。\n\n某县市场监督管理局")),
    ("proactive.reports.government_work_report", "proactive", dict(
        doc_type="报告", body="各位代表：\n现在，我代表市人民政府，向大会报告工作，请予审议。\n一、2024年工作回顾……")),
    ("proactive.major_projects.approval_replies", "proactive", dict(
        doc_type="批复", body="某市城市建设投资集团有限公司：\n报来《关于审批某快速路工程可行性研究报告的请示》收悉。经研究，现批复如下：\n"
                             "一、同意建设某快速路工程……")),
    ("proactive.normative.issuing_notice", "proactive", dict(
        doc_type="通知", body="各村（居），机关各办（部门）：\n《某镇既有多层住宅加装电梯补贴实施办法》经镇政府审议通过，现印发给你们，请认真贯彻落实。\n"
                             "某镇人民政府\n2025年3月6日")),
    ("withheld.process_info.consultation_letters", "withheld", dict(
        doc_type="函", body="某省交通运输厅：\n省界接线位置存在两个比选方案……我厅初步倾向方案二，商请贵厅研究上述方案，并于11月15日前函复意见。\n"
                           "特此函商。\n\n某省交通运输厅")),
    ("not_government_info.outside_administrative_duties.judicial_documents", "not_government_info", dict(
        body="上诉人（原审原告）：段某某，男，1968年生。\n被上诉人（原审被告）：某市自然资源和规划局。\n"
             "上诉人段某某因政府信息公开一案，不服某县人民法院行政判决，向本院提起上诉……")),
]


@pytest.mark.parametrize(("rule", "value", "fields"), NO_TITLE, ids=[r.split(".")[-1] for r, _, _ in NO_TITLE])
def test_without_a_title_the_body_decides(rule: str, value: str, fields: dict[str, Any]) -> None:
    got, _, hits = category(fields)
    assert got == value and rule in hits


def test_the_body_branches_are_only_for_a_missing_title() -> None:
    # the same body under a title that says otherwise: the title's reading stands
    fields = {**NO_TITLE[2][2], "title": "关于某食品有限公司案的集体讨论记录"}
    assert "proactive.enforcement.penalty_decisions" not in category(fields)[2]
