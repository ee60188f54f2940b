"""The closed vocabularies of ../corpus/SCHEMA.md: the project's identifiers everywhere."""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final, Mapping


class Category(StrEnum):
    """公开属性: the four outcomes the Regulations recognise for a piece of information."""

    PROACTIVE = "proactive"  # 主动公开
    ON_REQUEST = "on_request"  # 依申请公开
    WITHHELD = "withheld"  # 不予公开
    NOT_GOVERNMENT_INFO = "not_government_info"  # 非《条例》所指政府信息 (条例第二条)


class Exemption(StrEnum):
    """不予公开理由: the legal ground of a withheld item, in the annual report's order."""

    STATE_SECRET = "state_secret"  # 第十四条
    LAW_PROHIBITED = "law_prohibited"  # 第十四条
    SECURITY_STABILITY = "security_stability"  # 第十四条 三安全一稳定
    THIRD_PARTY = "third_party"  # 第十五条 商业秘密、个人隐私
    INTERNAL_AFFAIRS = "internal_affairs"  # 第十六条第一款
    PROCESS_INFO = "process_info"  # 第十六条第二款
    ENFORCEMENT_CASE = "enforcement_case"  # 第十六条第二款
    ADMINISTRATIVE_QUERY = "administrative_query"  # 行政查询事项


class Secrecy(StrEnum):
    """密级: none, the agency's own 内部/工作秘密, and the three state-secret levels."""

    NONE = "none"  # 非密
    INTERNAL = "internal"  # 内部 / 工作秘密 (保守国家秘密法第六十四条)
    CONFIDENTIAL = "confidential"  # 秘密
    SECRET = "secret"  # 机密
    TOP_SECRET = "top_secret"  # 绝密


class Column(StrEnum):
    """公开目录栏目: the default catalog columns (the agency may extend them)."""

    ORGANIZATION = "organization"
    NORMATIVE_DOCUMENTS = "normative_documents"
    POLICY_INTERPRETATION = "policy_interpretation"
    PLANS = "plans"
    STATISTICS = "statistics"
    LICENSING = "licensing"
    ENFORCEMENT = "enforcement"
    BUDGET = "budget"
    FEES = "fees"
    PROCUREMENT = "procurement"
    MAJOR_PROJECTS = "major_projects"
    PUBLIC_WELFARE = "public_welfare"
    EMERGENCY = "emergency"
    INSPECTION = "inspection"
    PERSONNEL = "personnel"
    PROPOSALS = "proposals"
    WORK_UPDATES = "work_updates"
    OTHER = "other"


class ReviewStage(StrEnum):
    """The two reviews every item goes through, in this order (条例第十七条: secrecy review before disclosure)."""

    SECRECY_REVIEW = "secrecy_review"  # 保密审核
    DISCLOSURE_REVIEW = "disclosure_review"  # 公开方式审核


class ItemStatus(StrEnum):
    """Where an item stands: waiting at one of the reviews, or routed to its store. In workflow order."""

    SECRECY_REVIEW = "secrecy_review"
    DISCLOSURE_REVIEW = "disclosure_review"
    ROUTED = "routed"  # 已分发: in exactly one store


class Store(StrEnum):
    """信息库: the four stores; a reviewed item goes to the one of its category (engine/consistency.STORE_OF)."""

    PROACTIVE = "proactive"  # 主动公开库: what the website's feed publishes
    ON_REQUEST = "on_request"  # 依申请公开库
    WITHHELD = "withheld"  # 不予公开库
    NOT_GOVERNMENT_INFO = "not_government_info"


class Origin(StrEnum):
    """SCHEMA's `source`: how an item came in."""

    CLOSURE = "closure"  # pushed by the document system at 办结
    MANUAL = "manual"  # entered by hand by a division clerk


class FieldStatus(StrEnum):
    """The state of one decided field of a suggestion (engine/decision.FieldDecision.status)."""

    DECIDED = "decided"  # a value, or decided empty (e.g. the model's null exemption)
    UNDECIDED = "undecided"  # nothing set it: the reviewer decides
    NOT_APPLICABLE = "not_applicable"  # follows from the category (no exemption unless withheld, ...)


class DecisionSource(StrEnum):
    """What set a field of a suggestion (engine/decision.FieldDecision.source)."""

    RULES = "rules"  # enforce rules
    BASELINE = "baseline"  # baseline rules (兜底) only
    MODEL = "model"  # the classifier (engine/combine.py)
    NONE = "none"  # nothing: undecided, or not applicable


class Role(StrEnum):
    """Who a person or system is to the service (api/access/roles.py says what each may do); a closed
    list the database CHECKs, the CLI and the API schema read."""

    DOCUMENT_SYSTEM = "document_system"  # 公文管理系统: pushes closed documents
    CLERK = "clerk"  # 处室信息员: hand entry
    SECRECY_REVIEWER = "secrecy_reviewer"  # 保密审核
    DISCLOSURE_REVIEWER = "disclosure_reviewer"  # 公开方式审核
    OFFICE = "office"  # 信息公开工作机构: stores, feed, statistics
    RULE_AUTHOR = "rule_author"
    SUPERVISOR = "supervisor"  # 监察/考核
    ADMIN = "admin"



class RuleMode(StrEnum):
    """How a rule takes part: enforce decides; baseline decides only what no enforce rule does and
    yields to a confident model (兜底); monitor only reports; disabled is skipped."""

    ENFORCE = "enforce"
    BASELINE = "baseline"
    MONITOR = "monitor"
    DISABLED = "disabled"


# Secrecy levels from least to most strict; "the strictest wins" compares these ranks.
SECRECY_ORDER: Final = (Secrecy.NONE, Secrecy.INTERNAL, Secrecy.CONFIDENTIAL, Secrecy.SECRET, Secrecy.TOP_SECRET)
CLASSIFIED: Final = frozenset({Secrecy.CONFIDENTIAL, Secrecy.SECRET, Secrecy.TOP_SECRET})


# 条例第十四条 > 第十五条 > 第十六条: the article each exemption rests on (行政查询事项: 第三十六条's answers).
# The manifest may reorder exemptions within an article, never across (engine/rules/loader.py, R203).
EXEMPTION_ARTICLE: Final[Mapping[str, int]] = MappingProxyType({
    Exemption.STATE_SECRET: 14, Exemption.LAW_PROHIBITED: 14, Exemption.SECURITY_STABILITY: 14,
    Exemption.THIRD_PARTY: 15, Exemption.INTERNAL_AFFAIRS: 16, Exemption.PROCESS_INFO: 16,
    Exemption.ENFORCEMENT_CASE: 16, Exemption.ADMINISTRATIVE_QUERY: 36,
})

_RANK: Final[Mapping[str, int]] = MappingProxyType({str(level): rank for rank, level in enumerate(SECRECY_ORDER)})


def secrecy_rank(level: str | None) -> int:
    """A level's place in SECRECY_ORDER (none, or no level, is 0): compare strictness with it.

    Examples:
        >>> max(["internal", "secret", "none"], key=secrecy_rank)
        'secret'
    """
    return _RANK[level] if level else 0  # KeyError for a level not in SECRECY_ORDER

# The four decided fields of a suggestion, each with its closed vocabulary.
FIELD_VOCABULARY: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "category": tuple(Category),
        "exemption": tuple(Exemption),
        "secrecy": tuple(Secrecy),
        "column": tuple(Column),
    }
)
DECIDED_FIELDS: Final = tuple(FIELD_VOCABULARY)

LABELS_ZH: Final[Mapping[str, str]] = MappingProxyType(
    {
        Category.PROACTIVE: "主动公开",
        Category.ON_REQUEST: "依申请公开",
        Category.WITHHELD: "不予公开",
        Category.NOT_GOVERNMENT_INFO: "非《条例》所指政府信息",
        Exemption.STATE_SECRET: "属于国家秘密",
        Exemption.LAW_PROHIBITED: "其他法律行政法规禁止公开",
        Exemption.SECURITY_STABILITY: "危及“三安全一稳定”",
        Exemption.THIRD_PARTY: "保护第三方合法权益",
        Exemption.INTERNAL_AFFAIRS: "属于三类内部事务信息",
        Exemption.PROCESS_INFO: "属于四类过程性信息",
        Exemption.ENFORCEMENT_CASE: "属于行政执法案卷",
        Exemption.ADMINISTRATIVE_QUERY: "属于行政查询事项",
        Secrecy.NONE: "非密",
        Secrecy.INTERNAL: "内部/工作秘密",
        Secrecy.CONFIDENTIAL: "秘密",
        Secrecy.SECRET: "机密",
        Secrecy.TOP_SECRET: "绝密",
        Column.ORGANIZATION: "机构职能",
        Column.NORMATIVE_DOCUMENTS: "政策文件",
        Column.POLICY_INTERPRETATION: "政策解读",
        Column.PLANS: "规划计划",
        Column.STATISTICS: "统计信息",
        Column.LICENSING: "行政许可与政务服务",
        Column.ENFORCEMENT: "行政处罚与行政强制",
        Column.BUDGET: "财政预决算",
        Column.FEES: "行政事业性收费",
        Column.PROCUREMENT: "政府采购",
        Column.MAJOR_PROJECTS: "重大建设项目",
        Column.PUBLIC_WELFARE: "民生政策",
        Column.EMERGENCY: "应急管理",
        Column.INSPECTION: "监督检查",
        Column.PERSONNEL: "人事信息",
        Column.PROPOSALS: "建议提案办理",
        Column.WORK_UPDATES: "工作动态",
        Column.OTHER: "其他",
        ItemStatus.SECRECY_REVIEW: "保密审核",
        ItemStatus.DISCLOSURE_REVIEW: "公开方式审核",
        ItemStatus.ROUTED: "已分发",
        RuleMode.ENFORCE: "执行",
        RuleMode.BASELINE: "兜底",
        RuleMode.MONITOR: "观察",
        RuleMode.DISABLED: "停用",
    }
)

# The Chinese name of each field name of SCHEMA: the record a document system sends (its fields are
# registered, with their types and whether they are content, in engine/facts/document.DOCUMENT_FIELDS)
# and the four decided fields. Headers of exports and pages read these; a value's name is in LABELS_ZH.
FIELD_LABELS_ZH: Final[Mapping[str, str]] = MappingProxyType(
    {
        "id": "来源编号",  # the document system's own id (an item's source_id)
        "title": "标题",
        "doc_number": "发文字号",
        "doc_type": "文种",
        "division": "处室",
        "agency": "机关",
        "date": "成文日期",
        "secrecy_marking": "密级标志",
        "source": "来源",
        "declared_source": "推送方所称来源",
        "body": "正文",
        "closed_on": "办结日期",
        "category": "公开属性",
        "exemption": "不予公开理由",
        "secrecy": "密级",
        "column": "栏目",
    }
)

# The 15 document types (文种) of the Party and government document rules.
DOCUMENT_TYPES: Final = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要",
)


# --- Public applications (依申请公开, 条例第二十七条至第四十五条; the applications spec, applications.md §1) ---
# Their values are separate vocabularies with their own label table, APPLICATION_LABELS_ZH: the same
# string means different things there and in LABELS_ZH (OrgSubtype.PUBLIC_WELFARE is 社会公益组织,
# Column.PUBLIC_WELFARE is 民生政策), and one flat table cannot hold both.


class ApplicationStatus(StrEnum):
    """Where an application stands (applications.md §1.3), in the diagram's order."""

    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 条例第三十一条: 平常信函/网上 wait for the confirmation day
    REGISTERED = "registered"  # received_on fixed; the receipt (回执) is printable
    ANSWERED_ON_THE_SPOT = "answered_on_the_spot"  # 条例第三十三条第一款: 当场答复, no clock
    CORRECTION_REQUESTED = "correction_requested"  # 条例第三十条: 补正告知, once
    REASON_REQUESTED = "reason_requested"  # 条例第三十五条: asked to explain quantity/frequency
    IN_PROGRESS = "in_progress"
    THIRD_PARTY_CONSULTATION = "third_party_consultation"  # 条例第三十二条 (clock paused, 第三十三条第三款)
    INTERAGENCY_CONSULTATION = "interagency_consultation"  # 条例第三十四条 (clock paused)
    FEE_NOTICE_SENT = "fee_notice_sent"  # 条例第四十二条, 《政府信息公开信息处理费管理办法》 (clock paused)
    ANSWER_DRAFT = "answer_draft"
    ANSWER_APPROVED = "answer_approved"  # 审核/签发
    ANSWERED = "answered"  # dispatched
    SERVED = "served"  # 送达
    CLOSED = "closed"  # concluded without an answer letter: lapse or withdrawal
    ARCHIVED = "archived"  # 条例第四十五条 归档


class ApplicationOutcome(StrEnum):
    """The result of an application (applications.md §1.7); each maps to one row of the annual report's
    Table 三 (data/applications/outcomes.yaml)."""

    DISCLOSED_ALREADY_PUBLIC = "disclosed.already_public"  # 第三十六条第（一）项
    DISCLOSED = "disclosed"  # 第三十六条第（二）项
    PARTIAL = "partial"  # 第三十七条
    WITHHELD_STATE_SECRET = "withheld.state_secret"  # 第十四条
    WITHHELD_LAW_PROHIBITED = "withheld.law_prohibited"  # 第十四条
    WITHHELD_SECURITY_STABILITY = "withheld.security_stability"  # 第十四条
    WITHHELD_THIRD_PARTY = "withheld.third_party"  # 第十五条、第三十二条
    WITHHELD_INTERNAL_AFFAIRS = "withheld.internal_affairs"  # 第十六条第一款
    WITHHELD_PROCESS_INFO = "withheld.process_info"  # 第十六条第二款
    WITHHELD_ENFORCEMENT_CASE = "withheld.enforcement_case"  # 第十六条第二款
    WITHHELD_ADMINISTRATIVE_QUERY = "withheld.administrative_query"  # 第三十六条第（七）项
    CANNOT_PROVIDE_NOT_HELD = "cannot_provide.not_held"  # 第三十六条第（四）项
    CANNOT_PROVIDE_NOT_RESPONSIBLE = "cannot_provide.not_responsible"  # 第三十六条第（五）项
    CANNOT_PROVIDE_NEEDS_CREATION = "cannot_provide.needs_creation"  # 第三十八条
    CANNOT_PROVIDE_STILL_UNCLEAR = "cannot_provide.still_unclear"  # 第三十条
    NOT_PROCESSED_PETITION = "not_processed.petition"  # 第三十九条第一款
    NOT_PROCESSED_REPEAT = "not_processed.repeat"  # 第三十六条第（六）项
    NOT_PROCESSED_PUBLICATION = "not_processed.publication"  # 第三十九条第二款
    NOT_PROCESSED_EXCESSIVE = "not_processed.excessive"  # 第三十五条
    NOT_PROCESSED_CONFIRM_OR_REISSUE = "not_processed.confirm_or_reissue"  # a report row, no article
    OTHER_NO_CORRECTION = "other.no_correction"  # 第三十条: 视为放弃申请
    OTHER_FEE_UNPAID = "other.fee_unpaid"  # 信息处理费管理办法
    OTHER_OTHER = "other.other"  # withdrawn (撤回), not government information, anything else


class ApplicantKind(StrEnum):
    """申请人: the two column groups of Table 三 (条例第二十七条)."""

    NATURAL_PERSON = "natural_person"
    LEGAL_PERSON = "legal_person"  # 法人或其他组织


class OrgSubtype(StrEnum):
    """The five organisation columns of Table 三; only a legal person has one."""

    COMMERCIAL = "commercial"
    RESEARCH = "research"
    PUBLIC_WELFARE = "public_welfare"
    LEGAL_SERVICES = "legal_services"
    OTHER = "other"


class FormRequested(StrEnum):
    """The form the applicant asks for (条例第二十九条第（三）项, 第四十条)."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    INSPECT = "inspect"  # 查阅/抄录
    OTHER = "other"


class Delivery(StrEnum):
    """How the answer reaches the applicant (条例第二十九条第（三）项)."""

    PICKUP = "pickup"
    POST = "post"
    EXPRESS = "express"
    EMAIL = "email"
    FAX = "fax"
    ONLINE = "online"


class FeeMethod(StrEnum):
    """信息处理费: one of the two methods per application, never both (管理办法第三条)."""

    PER_APPLICATION = "per_application"  # 按件计收
    BY_PAGES = "by_pages"  # 按量计收


APPLICATION_LABELS_ZH: Final[Mapping[str, str]] = MappingProxyType(
    {
        ApplicationStatus.AWAITING_CONFIRMATION: "待确认收件", ApplicationStatus.REGISTERED: "已登记",
        ApplicationStatus.ANSWERED_ON_THE_SPOT: "当场答复", ApplicationStatus.CORRECTION_REQUESTED: "待补正",
        ApplicationStatus.REASON_REQUESTED: "待说明理由", ApplicationStatus.IN_PROGRESS: "办理中",
        ApplicationStatus.THIRD_PARTY_CONSULTATION: "征求第三方意见",
        ApplicationStatus.INTERAGENCY_CONSULTATION: "征求其他机关意见",
        ApplicationStatus.FEE_NOTICE_SENT: "已发收费通知", ApplicationStatus.ANSWER_DRAFT: "答复拟稿",
        ApplicationStatus.ANSWER_APPROVED: "答复已签发", ApplicationStatus.ANSWERED: "已答复",
        ApplicationStatus.SERVED: "已送达", ApplicationStatus.CLOSED: "已办结", ApplicationStatus.ARCHIVED: "已归档",
        ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC: "已主动公开", ApplicationOutcome.DISCLOSED: "予以公开",
        ApplicationOutcome.PARTIAL: "部分公开", ApplicationOutcome.WITHHELD_STATE_SECRET: "不予公开（属于国家秘密）",
        ApplicationOutcome.WITHHELD_LAW_PROHIBITED: "不予公开（其他法律行政法规禁止公开）",
        ApplicationOutcome.WITHHELD_SECURITY_STABILITY: "不予公开（危及“三安全一稳定”）",
        ApplicationOutcome.WITHHELD_THIRD_PARTY: "不予公开（保护第三方合法权益）",
        ApplicationOutcome.WITHHELD_INTERNAL_AFFAIRS: "不予公开（属于三类内部事务信息）",
        ApplicationOutcome.WITHHELD_PROCESS_INFO: "不予公开（属于四类过程性信息）",
        ApplicationOutcome.WITHHELD_ENFORCEMENT_CASE: "不予公开（属于行政执法案卷）",
        ApplicationOutcome.WITHHELD_ADMINISTRATIVE_QUERY: "不予公开（属于行政查询事项）",
        ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD: "无法提供（本机关不掌握相关政府信息）",
        ApplicationOutcome.CANNOT_PROVIDE_NOT_RESPONSIBLE: "无法提供（非本机关负责公开）",
        ApplicationOutcome.CANNOT_PROVIDE_NEEDS_CREATION: "无法提供（没有现成信息需要另行制作）",
        ApplicationOutcome.CANNOT_PROVIDE_STILL_UNCLEAR: "无法提供（补正后申请内容仍不明确）",
        ApplicationOutcome.NOT_PROCESSED_PETITION: "不予处理（信访举报投诉类申请）",
        ApplicationOutcome.NOT_PROCESSED_REPEAT: "不予处理（重复申请）",
        ApplicationOutcome.NOT_PROCESSED_PUBLICATION: "不予处理（要求提供公开出版物）",
        ApplicationOutcome.NOT_PROCESSED_EXCESSIVE: "不予处理（无正当理由大量反复申请）",
        ApplicationOutcome.NOT_PROCESSED_CONFIRM_OR_REISSUE: "不予处理（要求行政机关确认或重新出具已获取信息）",
        ApplicationOutcome.OTHER_NO_CORRECTION: "其他处理（逾期不补正）",
        ApplicationOutcome.OTHER_FEE_UNPAID: "其他处理（逾期未缴费）", ApplicationOutcome.OTHER_OTHER: "其他处理",
        ApplicantKind.NATURAL_PERSON: "自然人", ApplicantKind.LEGAL_PERSON: "法人或其他组织",
        OrgSubtype.COMMERCIAL: "商业企业", OrgSubtype.RESEARCH: "科研机构", OrgSubtype.PUBLIC_WELFARE: "社会公益组织",
        OrgSubtype.LEGAL_SERVICES: "法律服务机构", OrgSubtype.OTHER: "其他",
        FormRequested.PAPER: "纸质", FormRequested.ELECTRONIC: "电子文档", FormRequested.INSPECT: "查阅/抄录",
        FormRequested.OTHER: "其他",
        Delivery.PICKUP: "自行领取", Delivery.POST: "邮寄", Delivery.EXPRESS: "快递", Delivery.EMAIL: "电子邮件",
        Delivery.FAX: "传真", Delivery.ONLINE: "在线（平台）",
        FeeMethod.PER_APPLICATION: "按件计收", FeeMethod.BY_PAGES: "按量计收",
    }
)
