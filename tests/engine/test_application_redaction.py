"""Redaction for partial disclosure (条例第三十七条): the proposal over a 行政处罚决定书, the masks, and the
confirmation without which no copy is released. Every name, number and address below is made up; the ID
numbers carry valid GB 11643 check digits and the card a valid Luhn digit, as real ones would."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.applications.redaction import (
    MaskStyle,
    Redaction,
    RedactionKind,
    RedactionRefused,
    Verdict,
    propose_redaction,
    text_sha256,
)
from engine.applications.redaction_mask import mask_text, render, whole_characters
from engine.applications.redaction_records import redaction_from_dict, redaction_to_dict, released_to_dict
from engine.applications.redaction_spans import RedactionSpan, span_of
from engine.facts.personal_data import id_check_digit, luhn_ok

K = RedactionKind
ID_PARTY = "110101198503121239"
ID_AGENT_FULL_WIDTH = "１１０１０５１９９００７０９４５６９"  # 110105199007094569, as typed on a full-width keyboard
CARD = "6222 0202 0012 3456 788"
DECISION = f"""北京市东城区市场监督管理局
行政处罚决定书
京东市监处罚〔2024〕123号

当事人：李明华
性别：男　　民族：汉族
身份证号码：{ID_PARTY}
住址：北京市东城区和平里街道青年沟路甲8号楼3单元502室
联系电话：13912345678
开户银行：中国工商银行北京和平里支行　银行账号：{CARD}
委託代理人：陳小紅，身份證號碼：{ID_AGENT_FULL_WIDTH}，電話：010-64012345
第三人：北京恒信商贸有限公司，统一社会信用代码：91110101MA01ABCD2X，法定代表人：赵德胜，住所：北京市东城区东直门南大街5号

2024年3月12日，本局执法人员对当事人经营的便利店进行检查，发现当事人李明华销售超过保质期的食品12件，货值金额人民币360元。
以上事实有现场笔录、询问笔录、当事人李明华身份证复印件等证据证明。

依据《中华人民共和国食品安全法》第一百二十四条第一款第（二）项的规定，本局决定对当事人作出如下行政处罚：
一、没收超过保质期的食品12件；
二、罚款人民币5000元。
当事人应当自收到本决定书之日起十五日内，将罚款缴至国库，账号：0200 0010 1902 6000 123。

执法人员：王建国、刘芳（执法证号：11010019001）

2024年4月2日
"""
BY, AT = "承办人甲", datetime(2024, 4, 8, 9, 30, tzinfo=UTC)


def _found(redaction: Redaction) -> dict[tuple[RedactionKind, str], RedactionSpan]:
    return {(s.kind, s.text): s for s in redaction.spans}


def _decide_all(redaction: Redaction, keep_visible: float = 0.5) -> Redaction:
    """Accept every span proposed at `keep_visible` or more, reject the others (officials, public data)."""
    for index, span in enumerate(redaction.spans):
        if span.confidence >= keep_visible:
            redaction = redaction.accept(index, BY, AT)
        else:
            redaction = redaction.reject(index, BY, AT, note="公开信息")
    return redaction


def test_the_made_up_numbers_are_valid_as_real_ones_would_be() -> None:
    assert id_check_digit(ID_PARTY[:17]) == ID_PARTY[17]
    agent = unicodedata.normalize("NFKC", ID_AGENT_FULL_WIDTH)
    assert id_check_digit(agent[:17]) == agent[17]
    assert luhn_ok(CARD.replace(" ", ""))


def test_the_proposal_finds_the_party_s_details_at_their_offsets() -> None:
    redaction = propose_redaction(DECISION)
    found = _found(redaction)
    for kind, text in [(K.PERSON_NAME, "李明华"), (K.ID_CARD, ID_PARTY), (K.PHONE, "13912345678"),
                       (K.ADDRESS, "北京市东城区和平里街道青年沟路甲8号楼3单元502室"), (K.BANK_ACCOUNT, CARD),
                       (K.PERSON_NAME, "陳小紅"), (K.ID_CARD, ID_AGENT_FULL_WIDTH), (K.PHONE, "010-64012345")]:
        assert found[kind, text].confidence >= 0.75, (kind, text)
    for span in redaction.spans:
        assert DECISION[span.start:span.end] == span.text
        assert span.reason
    # the name is found again where the body repeats it
    assert len([s for s in redaction.spans if s.text == "李明华"]) == 3
    assert redaction.undecided() == list(range(len(redaction.spans)))


def test_public_details_are_proposed_low_or_not_at_all() -> None:
    found = _found(propose_redaction(DECISION))
    assert found[K.OFFICIAL_NAME, "王建国"].confidence == found[K.OFFICIAL_NAME, "刘芳"].confidence == 0.2
    assert found[K.OFFICIAL_NUMBER, "11010019001"].confidence == 0.2
    assert found[K.REPRESENTATIVE_NAME, "赵德胜"].confidence == 0.3
    assert found[K.ADDRESS, "北京市东城区东直门南大街5号"].confidence == 0.3  # an organisation's 住所
    assert found[K.BANK_ACCOUNT, "0200 0010 1902 6000 123"].confidence == 0.2  # the treasury's account
    assert not any("91110101MA01ABCD2X" in s.text for s in found.values())  # a credit code is public
    assert not any(s.text == "中国工商银行北京和平里支行" for s in found.values())


def test_the_released_copy_shows_the_customary_partial_forms() -> None:
    released = _decide_all(propose_redaction(DECISION)).confirm(BY, AT).released_text(DECISION)
    assert "当事人：李某某" in released and "当事人李某某销售" in released and "李明华" not in released
    assert "身份证号码：110101××××××××1239" in released
    assert "住址：北京市东城区××××××××××××××××××××\n" in released
    assert "联系电话：139××××5678" in released
    assert "银行账号：×××× ×××× ×××× ×××6 788" in released  # the last four digits stay, whatever the grouping
    assert "委託代理人：陳某某，身份證號碼：１１０１０５××××××××４５６９，電話：010-××××2345" in released
    # rejected spans stay as written
    assert "执法人员：王建国、刘芳（执法证号：11010019001）" in released
    assert "法定代表人：赵德胜，住所：北京市东城区东直门南大街5号" in released
    assert len(released.splitlines()) == len(DECISION.splitlines())


def test_nothing_is_released_before_every_span_is_decided_and_confirmed() -> None:
    redaction = propose_redaction(DECISION)
    with pytest.raises(RedactionRefused, match="confirms"):
        redaction.released_text(DECISION)
    almost = redaction
    for index in range(len(redaction.spans) - 1):
        almost = almost.accept(index, BY, AT)
    with pytest.raises(RedactionRefused, match="1 span"):
        almost.confirm(BY, AT)
    with pytest.raises(RedactionRefused, match="1 span"):
        almost.release(DECISION)
    decided = almost.reject(len(redaction.spans) - 1, BY, AT)
    with pytest.raises(RedactionRefused, match="every span is decided"):
        decided.release(DECISION)
    copy = decided.confirm("科长乙", AT + timedelta(hours=1)).release(DECISION)
    assert copy.original_sha256 == text_sha256(DECISION) and copy.confirmed_by == "科长乙"
    assert copy.released_sha256 == text_sha256(copy.text) != copy.original_sha256


def test_a_confirmed_redaction_changes_no_more_and_refuses_another_original() -> None:
    confirmed = _decide_all(propose_redaction(DECISION)).confirm(BY, AT)
    with pytest.raises(RedactionRefused, match="confirmed"):
        confirmed.reject(0, BY, AT)
    with pytest.raises(RedactionRefused, match="confirmed"):
        confirmed.add(span_of(DECISION, 0, 3, K.OTHER), BY, AT)
    with pytest.raises(RedactionRefused, match="SHA-256"):
        confirmed.release(DECISION.replace("5000元", "500元"))
    with pytest.raises(RedactionRefused, match="SHA-256"):
        confirmed.release(DECISION.replace("李明华", "李明化"))  # same length, another text


def test_who_and_when_are_recorded_and_a_decision_may_be_revised_before_confirming() -> None:
    redaction = propose_redaction(DECISION)
    with pytest.raises(RedactionRefused, match="time zone"):
        redaction.accept(0, BY, datetime(2024, 4, 8, 9, 30))
    with pytest.raises(RedactionRefused, match="who"):
        redaction.accept(0, " ", AT)
    with pytest.raises(RedactionRefused, match="no span #999"):
        redaction.accept(999, BY, AT)
    revised = redaction.accept(0, BY, AT).reject(0, "科长乙", AT + timedelta(minutes=5))
    decision = revised.decision(0)
    assert decision is not None and decision.verdict is Verdict.REJECTED and decision.by == "科长乙"
    assert [d.verdict for _, d in revised.history] == [Verdict.ACCEPTED, Verdict.REJECTED]
    assert redaction.history == ()  # immutable: the earlier state is unchanged


def test_a_span_added_by_hand_is_masked() -> None:
    text = DECISION.replace("性别：男", "性别：男，患有高血压")
    start = text.index("患有高血压")
    redaction = _decide_all(propose_redaction(text))
    added = redaction.add(span_of(text, start, start + 5, K.OTHER), "承办人甲", AT, note="健康状况")
    assert added.spans[-1].source == "hand" and added.decision(len(added.spans) - 1) is not None
    released = added.confirm(BY, AT).released_text(text)
    assert "性别：男，×××××" in released
    with pytest.raises(RedactionRefused, match="past the end"):
        redaction.add(RedactionSpan(len(text), len(text) + 2, "xx", K.OTHER), BY, AT)


def test_a_rejected_span_stays_visible_and_a_changed_one_is_masked_as_changed() -> None:
    redaction = propose_redaction(DECISION)
    phone = next(i for i, s in enumerate(redaction.spans) if s.text == "13912345678")
    address = next(i for i, s in enumerate(redaction.spans) if s.text.startswith("北京市东城区和平里"))
    start = DECISION.index("青年沟路")
    narrower = span_of(DECISION, start, redaction.spans[address].end, K.ADDRESS)
    done = _decide_all(redaction.reject(phone, BY, AT))  # accepts the phone and the address again …
    done = done.reject(phone, BY, AT).change(address, narrower, BY, AT)  # … the latest decision counts
    released = done.confirm(BY, AT).released_text(DECISION)
    assert "联系电话：13912345678" in released
    assert "住址：北京市东城区和平里街道××××××××××××××" in released
    with pytest.raises(RedactionRefused, match="by hand"):
        redaction.change(phone, span_of(DECISION, 0, 2, K.OTHER), BY, AT)


def test_overlapping_spans_are_merged() -> None:
    text = "住址：北京市东城区青年沟路8号，电话13912345678。"
    comma, end = text.index("，"), text.index("。")
    a = span_of(text, 3, comma, K.ADDRESS)
    b = span_of(text, 10, comma, K.ADDRESS)  # inside a: one address mask
    assert mask_text(text, [a, b]).text == "住址：北京市东城区××××××，电话13912345678。"
    c = span_of(text, comma - 2, end, K.PHONE)  # across the address and the phone: of two kinds, masked in full
    masked = mask_text(text, [a, c])
    assert masked.text == "住址：" + "×" * (end - 3) + "。"
    assert [(r.start, r.end, r.kind) for r in masked.regions] == [(3, end, K.OTHER)]


def test_styles_and_the_mask_character_are_parameters() -> None:
    redaction = propose_redaction(DECISION, styles={K.ID_CARD: MaskStyle.LABEL, K.PHONE: MaskStyle.FULL}, mask="*")
    released = _decide_all(redaction).confirm(BY, AT).released_text(DECISION)
    assert "身份证号码：（身份证号已隐去）" in released and "联系电话：***********\n" in released
    assert "当事人：李**" not in released and "当事人：李某某" in released
    with pytest.raises(ValueError, match="one visible character"):
        propose_redaction(DECISION, mask="\u200b")


def test_names_keep_the_surname_as_the_courts_do() -> None:
    assert render("张三", K.PERSON_NAME, MaskStyle.PARTIAL) == "张某"
    assert render("欧阳娜娜", K.PERSON_NAME, MaskStyle.PARTIAL) == "欧阳某某"
    assert render("买买提·艾力", K.PERSON_NAME, MaskStyle.PARTIAL) == "买某某某某某"
    assert render("zhangsan@example.com", K.EMAIL, MaskStyle.PARTIAL, "*") == "z*******@example.com"
    assert render("京A·12345", K.PLATE, MaskStyle.PARTIAL, "*") == "京A·*****"


def test_more_kinds_in_an_answer_letter() -> None:
    text = ("申请人：孫偉，通讯地址：上海市徐汇区漕溪北路88号，电子邮箱：sunwei@example.com，"
            "车辆京A·12345于2024年1月被查扣。")
    found = _found(propose_redaction(text))
    assert {(k, t) for k, t in found} >= {(K.PERSON_NAME, "孫偉"), (K.ADDRESS, "上海市徐汇区漕溪北路88号"),
                                          (K.EMAIL, "sunwei@example.com"), (K.PLATE, "京A·12345")}


def test_invisible_and_combining_characters_keep_offsets_and_masks_whole() -> None:
    text = f"当事人：李明\u0301华，身份证号：1101\u200b{ID_PARTY[4:]}。"
    redaction = propose_redaction(text)
    found = {s.kind: s for s in redaction.spans}
    assert found[K.ID_CARD].text == "1101\u200b" + ID_PARTY[4:]
    assert found[K.PERSON_NAME].text == "李明\u0301华"
    released = _decide_all(redaction).confirm(BY, AT).released_text(text)
    assert released == "当事人：李某某，身份证号：110101××××××××1239。"
    assert whole_characters("a\U0001f468\u200d\U0001f469b", 1, 2) == (1, 4)


_ALPHABET = st.sampled_from(list("0123456789１２３张三李明住址：，。 \n") + ["\u0301", "\u200b", "é"])
_STYLES = st.sampled_from(list(MaskStyle))
_KINDS = st.sampled_from(list(RedactionKind))


@st.composite
def _text_and_spans(draw: st.DrawFn) -> tuple[str, list[RedactionSpan]]:
    text = draw(st.text(_ALPHABET, min_size=1, max_size=60))
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(span_of(text, start, end, draw(_KINDS)))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(_text_and_spans(), _STYLES)
def test_masking_changes_nothing_outside_the_spans_and_hides_their_digits(case: tuple[str, list[RedactionSpan]],
                                                                           style: MaskStyle) -> None:
    text, spans = case
    masked = mask_text(text, spans, {kind: style for kind in RedactionKind})
    last = at = 0
    for region in masked.regions:
        assert any(s.start <= region.start < s.end or region.start <= s.start < region.end for s in spans)
        assert masked.text[at:region.masked_start] == text[last:region.start]  # outside: as written
        at, last = region.masked_end, region.end
        shown = masked.text[region.masked_start:region.masked_end]
        digits = [ch for ch in text[region.start:region.end] if ch.isdecimal()]
        if style is not MaskStyle.PARTIAL or region.kind is K.OTHER:
            assert not any(ch.isdecimal() for ch in shown)
        elif len(digits) >= 2:
            assert [ch for ch in shown if ch.isdecimal()] != digits  # some digit is always hidden
    assert masked.text[at:] == text[last:]
    for span in spans:
        assert any(r.start <= span.start and span.end <= r.end for r in masked.regions)


def test_a_name_list_stops_at_the_next_label() -> None:
    found = _found(propose_redaction("姓名：张三 性别：男 民族：汉族\n执法人员：王建国 刘芳"))
    assert set(found) == {(K.PERSON_NAME, "张三"), (K.OFFICIAL_NAME, "王建国"), (K.OFFICIAL_NAME, "刘芳")}


def test_every_state_is_stored_and_read_back() -> None:
    redaction = propose_redaction(DECISION, styles={K.ADDRESS: MaskStyle.LABEL})
    half = redaction.accept(0, BY, AT).change(2, redaction.spans[2], BY, AT, note="同原样")
    assert redaction_from_dict(redaction_to_dict(half)) == half
    confirmed = _decide_all(half).confirm(BY, AT)
    record = redaction_to_dict(confirmed)
    assert record["undecided"] == [] and record["spans"][0]["decision"]["verdict"] == "accepted"
    assert redaction_from_dict(record) == confirmed
    copy = released_to_dict(redaction_from_dict(record).release(DECISION))
    assert copy["original_sha256"] == text_sha256(DECISION) and "（住址已隐去）" in copy["text"]
    for region in copy["regions"]:
        assert copy["text"][region["masked_start"]:region["masked_end"]] != DECISION[region["start"]:region["end"]]
    with pytest.raises(ValueError, match="SHA-256"):
        redaction_from_dict({**record, "original_sha256": "abc"})
    assert not any(word in str(copy) for word in ("李明华", ID_PARTY, "13912345678"))


_PROPOSED = propose_redaction(DECISION)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_PROPOSED.spans) - 1), st.sampled_from(["accept", "reject"])),
                max_size=2 * len(_PROPOSED.spans)), st.booleans())
def test_a_copy_leaves_only_when_every_span_is_decided_and_confirmed(steps: list[tuple[int, str]],
                                                                     finish: bool) -> None:
    if finish:  # the rest accepted: half the cases reach the confirmation
        steps += [(index, "accept") for index in range(len(_PROPOSED.spans)) if index not in {i for i, _ in steps}]
    redaction = _PROPOSED
    for index, verdict in steps:
        redaction = getattr(redaction, verdict)(index, BY, AT)
    decided = {index for index, _ in steps}
    with pytest.raises(RedactionRefused):
        redaction.release(DECISION)
    if decided != set(range(len(_PROPOSED.spans))):
        with pytest.raises(RedactionRefused, match="no decision yet"):
            redaction.confirm(BY, AT)
        return
    copy = redaction.confirm(BY, AT).release(DECISION)
    accepted = {i for i in decided if (d := redaction.decision(i)) is not None and d.verdict is Verdict.ACCEPTED}
    assert set(copy.masked) == {_PROPOSED.spans[i] for i in accepted}


def test_an_address_stops_before_what_follows_it_on_the_line() -> None:
    text = ("住址：北京市东城区某街1号 联系电话：13912345678\n现住址：河北省保定市竞秀区某路2号 籍贯：河北\n"
            "执法人员：王建国、刘芳（执法证号：11010019001、11010019002）")
    found = _found(propose_redaction(text))
    assert (K.ADDRESS, "北京市东城区某街1号") in found and (K.ADDRESS, "河北省保定市竞秀区某路2号") in found
    assert {t for k, t in found if k is K.OFFICIAL_NUMBER} == {"11010019001", "11010019002"}


@pytest.mark.parametrize("grouped", [f"{ID_PARTY[:6]} {ID_PARTY[6:14]} {ID_PARTY[14:]}",
                                     f"{ID_PARTY[:6]}-{ID_PARTY[6:14]}-{ID_PARTY[14:]}",
                                     "139 1234 5678", "139-1234-5678"])
def test_numbers_written_in_groups_are_found_and_masked_whole(grouped: str) -> None:
    text = f"当事人：李明华，号码：{grouped}，特此决定。"
    released = _decide_all(propose_redaction(text), keep_visible=0.0).confirm(BY, AT).released_text(text)
    digits = grouped.replace(" ", "").replace("-", "")
    assert digits[6:10] not in released.replace(" ", "").replace("-", "")  # the middle digits are gone
    assert released.endswith("，特此决定。") and released.startswith("当事人：")
