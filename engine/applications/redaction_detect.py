"""Where the personal data and third-party details of a text lie: the proposal a handler reviews span by
span before a redacted copy is released (条例第三十七条; 第十五条 个人隐私).

Two sources. The project's detector (engine/facts/personal_data: ID numbers with the GB 11643 check digit,
bank cards with the Luhn check, mobile and fixed phones) finds numbers anywhere. What it does not know is
found here by the places where 行政处罚决定书 and 答复书 write it: a name after 当事人/姓名/经营者/申请人,
an address after 住址/地址/住所, an account after 账号, and e-mail addresses and number plates. Both read
the text prepared for matching (engine/facts/text.for_matching: traditional characters, full-width digits
and invisible characters folded), and every span is mapped back to the text as written.

Decisions (legal staff should confirm them; each is visible in the span's reason):

- Officials acting in office (执法人员、承办人 and their 执法证号) are published in 行政执法公示 and on the
  decision itself: proposed at confidence 0.2, so the handler sees them and normally rejects.
- A legal representative's or person in charge's name (法定代表人、负责人) is registered public data of
  the organisation (营业执照, 国家企业信用信息公示系统): proposed at 0.3. Their ID number, phone and home
  address are personal data like anyone's and are proposed in full.
- An organisation's 统一社会信用代码 is public by design (it is printed on the licence and published with
  the penalty) and is not proposed; a 个体工商户's code is registered public data too. A handler who
  disagrees adds the span by hand.
- An address after 住所/地址/经营场所 may be an organisation's registered address (public): 0.6, and 0.3
  when an organisation is named just before it; 住址/家庭住址/户籍地 are a natural person's: 0.9.
- An account next to 缴纳/国库/非税 is the agency's account for paying the fine (public): 0.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.applications.redaction_spans import RedactionKind, RedactionSpan
from engine.facts.personal_data import find_personal_data
from engine.facts.text import Normalized, for_matching

K = RedactionKind

# From engine.facts.personal_data's kinds: (our kind, confidence, reason).
_DETECTED: dict[str, tuple[RedactionKind, float, str]] = {
    "id_card": (K.ID_CARD, 0.98, "居民身份证号码（校验位、出生日期均有效）"),
    "id_card_unverified": (K.ID_CARD, 0.7, "形如身份证号码但校验位不符：可能是笔误，也可能不是身份证号"),
    "mobile": (K.PHONE, 0.95, "手机号码"),
    "landline": (K.PHONE, 0.8, "固定电话：若是机关对外公开的办公电话，应不予隐去"),
    "bank_card": (K.BANK_ACCOUNT, 0.95, "银行卡号（通过 Luhn 校验）"),
}

_HAN = r"\u3400-\u9fff\U00020000-\U000323af"
_NAME = rf"[{_HAN}]{{2,4}}(?:[·•][{_HAN}]{{1,8}}){{0,3}}"
# Longest first, so 法定代理人 is not read as 代理人 and 法定代表人 not as anything else.
_PRIVATE = ("法定代理人", "委托代理人", "被处罚人", "被申请人", "当事人", "申请人", "第三人", "经营者", "投诉人",
            "举报人", "监护人", "代理人", "联系人", "证人", "姓名")
_REPRESENTATIVE = ("法定代表人", "主要负责人", "负责人")
_OFFICIAL = ("执法人员", "办案人员", "调查人员", "承办人", "经办人", "审核人")
_LABELLED_NAMES = re.compile(
    rf"(?P<label>{'|'.join(_REPRESENTATIVE + _OFFICIAL + _PRIVATE)})(?:姓名)?(?P<colon> ?[:])? ?"
    rf"(?P<names>{_NAME}(?:[、 ]{_NAME}){{0,5}})(?![{_HAN}·•])")
_NAME_IN_LIST = re.compile(_NAME)
_NEXT_LABEL = re.compile(" ?:")
# A short value that ends like an organisation, or says there is nobody, is not a person's name.
_ORG_ENDINGS = frozenset("店厂司社部所院局行馆站场室队会校组处委办园")
_NOT_NAMES = frozenset({"不详", "本人", "同上", "暂无", "未知", "某某", "姓名", "名称", "住址", "地址", "住所"})

# What follows an address on the same line: the value stops before it.
_AFTER_ADDRESS = ("电话", "手机", "联系", "邮编", "邮政编码", "邮箱", "电子邮件", "身份证", "性别", "民族", "出生",
                  "职业", "工作单位", "法定代表人", "负责人")
_PERSON_ADDRESS = ("家庭住址", "现住址", "户籍地址", "户籍所在地", "户籍地", "现居住地", "经常居住地", "居住地", "住址")
_CONTACT_ADDRESS = ("通讯地址", "通信地址", "联系地址", "送达地址")
_ANY_ADDRESS = ("住所地", "住所", "经营场所", "经营地址", "地址")
_ADDRESS = re.compile(
    rf"(?P<label>{'|'.join(_PERSON_ADDRESS + _CONTACT_ADDRESS + _ANY_ADDRESS)}) ?: ?"
    rf"(?P<value>(?:(?!{'|'.join(_AFTER_ADDRESS)})[^\n,;。:]){{4,80}})")
_ORGANISATION_NEAR = re.compile(r"公司|有限|厂|合作社|中心|事务所|商行|医院|学校")
_ACCOUNT = re.compile(r"(?:银行账号|银行帐号|银行卡号|开户账号|收款账号|账号|帐号|卡号) ?:? ?"
                      r"(?P<value>[0-9](?:[0-9 -]{6,30})[0-9])(?![0-9])")
_PAYMENT_NEAR = re.compile(r"缴纳|缴至|缴入|国库|非税|代收|财政")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,4}"
                    r"(?![A-Za-z0-9-])")
_PLATE = re.compile(r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                    r"[A-Z][·• ]?[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])")
_BADGE = re.compile(r"(?:执法证号|执法证件号|执法证编号|执法证) ?:? ?"
                    r"(?P<value>[A-Za-z0-9]{5,20}(?:[、 ][A-Za-z0-9]{5,20}){0,9})(?![A-Za-z0-9])")
_BADGE_NUMBER = re.compile(r"[A-Za-z0-9]{5,20}")


def propose_spans(text: str) -> list[RedactionSpan]:
    """Every span of `text` proposed for masking, in the order of the text, at most one per place and
    kind; where two kinds claim the same characters both are kept (the handler sees both, and masking
    merges them)."""
    matched = for_matching(text)
    found: list[RedactionSpan] = []

    def add(start: int, end: int, kind: RedactionKind, confidence: float, reason: str, source: str) -> None:
        begin, finish = matched.span(start, end)
        if begin < finish:
            found.append(RedactionSpan(begin, finish, text[begin:finish], kind, confidence, reason, source))

    for f in find_personal_data(matched.text, ""):
        kind, confidence, reason = _DETECTED[f.kind]
        add(f.start, f.end, kind, confidence, reason, "detector")
    for start, end, kind, confidence, reason in _labelled(matched.text):
        add(start, end, kind, confidence, reason, "label")
    names = [s for s in found if s.kind is K.PERSON_NAME]
    for start, end, name in _repeats(matched, names):
        add(start, end, K.PERSON_NAME, 0.75, f"与已识别的自然人姓名“{name}”相同", "repeat")
    return _deduplicated(found)


Labelled = tuple[int, int, RedactionKind, float, str]


def _labelled(matched: str) -> Iterable[Labelled]:
    yield from _names(matched)
    yield from _addresses(matched)
    for m in _ACCOUNT.finditer(matched):
        before = matched[max(0, m.start() - 40):m.start()]
        if _PAYMENT_NEAR.search(before):
            yield (*m.span("value"), K.BANK_ACCOUNT, 0.2, "疑为机关收缴罚没款的公开账户，通常不予隐去")
        else:
            yield (*m.span("value"), K.BANK_ACCOUNT, 0.85, "“账号”后的银行账号")
    for m in _EMAIL.finditer(matched):
        yield (*m.span(), K.EMAIL, 0.85, "电子邮箱：若是机关对外公开的邮箱，应不予隐去")
    for m in _PLATE.finditer(matched):
        yield (*m.span(), K.PLATE, 0.85, "机动车号牌")
    for m in _BADGE.finditer(matched):
        for number in _BADGE_NUMBER.finditer(matched, *m.span("value")):
            yield (*number.span(), K.OFFICIAL_NUMBER, 0.2, "执法证号：执法人员履职信息，行政执法公示通常公开")


def _names(matched: str) -> Iterable[Labelled]:
    for m in _LABELLED_NAMES.finditer(matched):
        label = m.group("label")
        after = matched[m.end():m.end() + 3]
        if not m.group("colon") and not re.match(r"[,(（]|$|\n| ?[男女]", after):
            continue  # 当事人张三于…: without a colon, only a name closed by punctuation is taken
        kind, confidence, reason = _name_kind(label)
        offset = m.start("names")
        for piece in _NAME_IN_LIST.finditer(m.group("names")):
            name = piece.group()
            if _NEXT_LABEL.match(matched, offset + piece.end()):
                break  # 姓名：张三 性别：男: 性别 is the next label, not a second name
            if name in _NOT_NAMES or (len(name) >= 3 and name[-1] in _ORG_ENDINGS):
                continue
            yield offset + piece.start(), offset + piece.end(), kind, confidence, reason


def _name_kind(label: str) -> tuple[RedactionKind, float, str]:
    if label in _OFFICIAL:
        return K.OFFICIAL_NAME, 0.2, f"“{label}”后的姓名：公职人员履行职务的信息通常公开，一般不予隐去"
    if label in _REPRESENTATIVE:
        return (K.REPRESENTATIVE_NAME, 0.3,
                f"“{label}”后的姓名：组织的法定代表人（负责人）属登记公示信息，通常公开")
    return K.PERSON_NAME, 0.9, f"“{label}”后的自然人姓名"


def _addresses(matched: str) -> Iterable[Labelled]:
    for m in _ADDRESS.finditer(matched):
        start, end = m.span("value")
        if matched.startswith(":", end) and " " in matched[start:end]:
            end = matched.rindex(" ", start, end)  # 住址:… 籍贯:…: the next label is not the address
        while end > start and matched[end - 1] == " ":
            end -= 1
        label = m.group("label")
        if label in _PERSON_ADDRESS:
            yield start, end, K.ADDRESS, 0.9, f"“{label}”后的自然人住址"
        elif label in _CONTACT_ADDRESS:
            yield start, end, K.ADDRESS, 0.85, f"“{label}”后的联系地址"
        elif _ORGANISATION_NEAR.search(matched[max(0, m.start() - 60):m.start()]):
            yield start, end, K.ADDRESS, 0.3, f"“{label}”前有组织名称：疑为组织的登记住所，通常公开"
        else:
            yield start, end, K.ADDRESS, 0.6, f"“{label}”后的地址：自然人的应隐去，组织的登记住所通常公开"


def _repeats(matched: Normalized, names: list[RedactionSpan]) -> Iterable[tuple[int, int, str]]:
    """Other places the names found after a label are written (当事人张三于…): in matching text
    coordinates, the original spans already taken left out."""
    taken = {(s.start, s.end) for s in names}
    for name in sorted({for_matching(s.text).text for s in names}, key=len, reverse=True):
        for m in re.finditer(re.escape(name), matched.text):
            if matched.span(*m.span()) not in taken:
                yield m.start(), m.end(), name


def _deduplicated(spans: list[RedactionSpan]) -> list[RedactionSpan]:
    """One span per place and kind (the more confident), and a labelled account or name not repeated
    where the detector or a label already found the same kind over the same characters."""
    out: list[RedactionSpan] = []
    for span in sorted(spans, key=lambda s: (-s.confidence, s.start)):
        if any(o.kind is span.kind and o.overlaps(span) for o in out):
            continue
        out.append(span)
    return sorted(out, key=lambda s: (s.start, s.end, s.kind.value))
