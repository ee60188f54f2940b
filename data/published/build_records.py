#!/usr/bin/env python3
"""Build records.jsonl (SCHEMA exchange format) from source_rows.jsonl.

Standard library only. Run from anywhere:  python3 data/published/build_records.py

Input : source_rows.jsonl  one object per row of ge_policy_raw20190217.sql (see README.md):
        the SQL columns, the gov.cn page metadata table ("page"), the tag-stripped body text
        ("content_text") and transcription notes.
Output: records.jsonl      one labelled record per document, SCHEMA field order, ids p-0001...
        provenance.tsv     id -> source row, URL, 索引号, 主题分类, 发布日期, provenance tag, notes
Every record is validated against /work/shared/corpus/SCHEMA.md (required fields, types, enums,
label consistency, unique ids, real dates); the script exits non-zero if any record fails.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source_rows.jsonl"
RECORDS = HERE / "records.jsonl"
PROVENANCE = HERE / "provenance.tsv"

PROVENANCE_TAG = "published-zhouynf-platform1"
SOURCE_REPO = "Black1499/platform"
SOURCE_PATH = "db/ge_policy_raw20190217.sql"
SOURCE_COMMIT = "b7bfea056947914f536aec854ef2ef2bb832c06a"

# --- SCHEMA vocabularies -------------------------------------------------------------------------
FIELDS = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
          "source", "body", "labels")
OPTIONAL = ("basis", "note")
LABEL_FIELDS = ("category", "exemption", "secrecy", "column")
CATEGORIES = {"proactive", "on_request", "withheld", "not_government_info"}
EXEMPTIONS = {"state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
              "process_info", "enforcement_case", "administrative_query"}
SECRECY = {"none", "internal", "confidential", "secret", "top_secret"}
SOURCES = {"closure", "manual"}
COLUMNS = {"organization", "normative_documents", "policy_interpretation", "plans", "statistics",
           "licensing", "enforcement", "budget", "fees", "procurement", "major_projects",
           "public_welfare", "emergency", "inspection", "personnel", "proposals", "work_updates", "other"}
# 文种 listed in SCHEMA (other strings are allowed by SCHEMA, this builder only emits these)
DOC_TYPES = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
             "议案", "函", "纪要")

# --- column decisions, keyed by the source row id (ge_policy_raw.id) ------------------------------
# Rules applied (see README.md, "Column mapping"):
#  R1 policy documents (意见/通知/办法/条例/决定 that set rules or policy)      -> normative_documents
#  R2 policy documents whose main subject is 扶贫/教育/医疗/社会保障/就业    -> public_welfare
#     (条例第二十条第（十一）项 is the more specific item for those policies)
#  R3 规划 and approvals of a 规划                                            -> plans
#  R4 应急预案 and 防灾减灾/险情处置                                          -> emergency
#  R5 replies to 人大代表建议 / 政协提案 (and to a 政协副主席's suggestion)   -> proposals
#  R6 composition of State Council committees / leading groups / joint meetings,
#     the State Council's own working rules                                   -> organization
#  R7 results of 安全生产 accident investigations                             -> inspection
#  R8 approval of a construction project                                      -> major_projects
#  R9 one-off approvals, awards, commendations, replies to a province          -> other
COLUMN = {
    1: ("normative_documents", "R1 意见: 市场监管“双随机、一公开”监管制度"),
    2: ("normative_documents", "R1 指导意见: 政府性融资担保基金"),
    3: ("public_welfare", "R2 教育: 国家职业教育改革实施方案"),
    4: ("public_welfare", "R2 医疗: 三级公立医院绩效考核"),
    5: ("normative_documents", "R1 若干意见: 综合保税区"),
    6: ("public_welfare", "R2 教育: 城镇小区配套幼儿园治理"),
    7: ("normative_documents", "R1 试点工作方案: “无废城市” (not a 规划)"),
    8: ("public_welfare", "R2 医疗: 国家组织药品集中采购和使用试点方案"),
    9: ("public_welfare", "R2 扶贫: 消费扶贫指导意见"),
    10: ("normative_documents", "R1 通知: 推广支持创新改革举措"),
    11: ("other", "R9 决定 on 国家科学技术奖 awards (表彰, not a policy)"),
    12: ("normative_documents", "R1 通知: 科研机构和人员自主权文件落实"),
    13: ("normative_documents", "R1 指导意见: 行政执法三项制度 (policy, not a 处罚 result)"),
    14: ("plans", "R3 批复 of 河北雄安新区总体规划（2018—2035年）"),
    15: ("normative_documents", "R1 指导意见: 农业机械化和农机装备产业"),
    16: ("normative_documents", "R1 决定 adjusting 药品管理法实施条例 provisions in a pilot zone (regulatory, not a 民生 benefit)"),
    17: ("normative_documents", "R1 意见: 政务新媒体"),
    18: ("normative_documents", "R1 通知 issuing two 规定 on 文化体制改革"),
    19: ("normative_documents", "R1 通知: 日遗化武调查和管理工作"),
    20: ("emergency", "R4 防震减灾: 地震重点监视防御区, 应急预案 preparation"),
    21: ("other", "R9 函 replying to 辽宁省's requests (not 人大/政协)"),
    22: ("other", "R9 函 replying to 四川省's requests (not 人大/政协)"),
    23: ("emergency", "R4 复函 on 巴东县地质灾害险情 (主题分类 综合政务\\应急管理)"),
    24: ("other", "R9 复函 approving a bid to host the 2009 Universiade"),
    25: ("proposals", "R5 复函 to 全国政协副主席马万祺 on his 科技节水 suggestion (not a numbered 提案)"),
    26: ("proposals", "R5 答复 to 政协提案 第4626号"),
    27: ("proposals", "R5 答复 to 人大建议 第7240号"),
    28: ("proposals", "R5 答复 to 人大建议 第2996号"),
    29: ("proposals", "R5 答复 to 人大建议 第7264号"),
    30: ("proposals", "R5 答复 to 政协提案 第2741号"),
    31: ("other", "R9 复函 approving a bid to host the 2011 Universiade"),
    32: ("normative_documents", "R1 通知 issuing 个人所得税专项附加扣除暂行办法"),
    33: ("normative_documents", "R1 行政法规: 个人所得税法实施条例 (国令第707号)"),
    34: ("normative_documents", "R1 指导意见: 体育竞赛表演产业"),
    35: ("normative_documents", "R1 指导意见: 行政规范性文件合法性审核机制"),
    36: ("normative_documents", "R1 通知: 消防救援车辆号牌 rules (not a 预案)"),
    37: ("normative_documents", "R1 通知: 督查激励措施"),
    38: ("normative_documents", "R1 通知: 2019年部分节假日安排 (binding arrangement)"),
    39: ("public_welfare", "R2 就业: 促进就业若干意见"),
    40: ("normative_documents", "R1 通知: 挂钩奖售粮 policy (1981)"),
    41: ("emergency", "R4 国家粮食应急预案"),
    42: ("normative_documents", "R1 复函 setting 黄金经济政策 (fiscal/tax policy)"),
    43: ("other", "R9 复函 approving one 气象站网 cooperation"),
    44: ("other", "R9 批复 on the scope and land-use term of one port area"),
    45: ("major_projects", "R8 批复 approving a relocation and new construction (low confidence)"),
    46: ("organization", "R6 批复 setting up a 协调委员会 with its members"),
    47: ("organization", "R6 国务院工作规则 (组成人员职责, 会议制度, 工作规则)"),
    48: ("other", "R9 函 replying to 湖北省's requests (not 人大/政协)"),
    49: ("inspection", "R7 通报 of 煤矿瓦斯爆炸事故 investigation results (安全生产)"),
    50: ("normative_documents", "R1 转发 意见: 清理整顿社会团体"),
    51: ("emergency", "R4 防震减灾: 1997年地震趋势 and 应急预案 work"),
    52: ("public_welfare", "R2 教育: 内地西藏班（校）扩大规模"),
    53: ("normative_documents", "R1 批复 granting 国家自主创新示范区 policies to three 高新区"),
    54: ("organization", "R6 通知: 国家教材委员会组成人员 (membership, not 任免 of posts)"),
    55: ("organization", "R6 批复 setting up a 部际联席会议 with its members"),
    56: ("other", "R9 通报表扬 of 大督查 good practices (commendation)"),
    57: ("normative_documents", "R1 通知: 支持自贸试验区深化改革创新若干措施"),
    58: ("normative_documents", "R1 行政法规: 专利代理条例 (国令第706号)"),
    59: ("organization", "R6 通知: 第二次全国污染源普查领导小组组成人员 (membership)"),
    60: ("normative_documents", "R1 通知 issuing 政府网站集约化试点工作方案 (not a 规划)"),
}

CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def iso_date(text: str | None) -> str | None:
    """'2019年01月27日' (page table) or a signature line -> 'YYYY-MM-DD'; None when unparsable."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text.strip())
    if not m:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()


def signature_date(body: str) -> str | None:
    """The first line of the body that is exactly an Arabic-numeral date (the 落款 date)."""
    for line in body.split("\n"):
        found = iso_date(line)
        if found:
            return found
    return None


def doc_type_of(title: str, doc_number: str | None) -> str | None:
    """文种 from the last words of the title; 国务院令 -> 命令; None when unclear."""
    if title.endswith("复函") or title.endswith("函"):
        return "函"
    if title.endswith("答复") and doc_number and "函" in doc_number:
        return "函"          # 答复 to 建议/提案 issued in the 国办函 series
    for kind in DOC_TYPES:
        if title.endswith(kind):
            return kind
    if doc_number and doc_number.startswith("国令"):
        return "命令"        # 条例 promulgated by 国务院令
    return None


def build(row: dict) -> tuple[dict, dict, list[str]]:
    """One source row -> (record without id, provenance fields, notes)."""
    page = row.get("page") or {}
    tr = row.get("transcription") or {}
    notes: list[str] = []
    title = page.get("title") or row.get("title")
    doc_number = page.get("doc_number") or row.get("release_number")
    agency = page.get("agency") or row.get("release_office")
    date = iso_date(page.get("written_date"))
    body = row["content_text"]
    if date is None:
        date = signature_date(body)
        if date:
            notes.append("date: page metadata table not transcribed; 成文日期 taken from the body's signature date")
    if not page:
        notes.append("doc_number and agency from the SQL columns release_number / release_office")
    if tr.get("attachment_omitted"):
        notes.append("attachment not included in body: " + tr["attachment_omitted"])
    if tr.get("images_omitted"):
        notes.append("images not included: " + tr["images_omitted"])
    if tr.get("oddity"):
        notes.append("source oddity: " + tr["oddity"])
    column, reason = COLUMN[row["id"]]
    record = {
        "title": title,
        "doc_number": doc_number,
        "doc_type": doc_type_of(title, doc_number),
        "division": None,
        "agency": agency,
        "date": date,
        "secrecy_marking": None,
        "source": "closure",
        "body": body,
        "labels": {"category": "proactive", "exemption": None, "secrecy": "none", "column": column},
    }
    if notes:
        record["note"] = "; ".join(notes)
    prov = {
        "source_id": row["id"],
        "crawl_url": row.get("crawl_url") or "",
        "index_no": page.get("index_no") or row.get("index_number") or "",
        "theme": page.get("theme") or "",
        "published_on": iso_date(page.get("published_date")) or "",
        "column_reason": reason,
        "transcription": "; ".join(f"{k}={v}" for k, v in tr.items()
                                   if k in ("sql_header_read", "page_meta_read", "body_source", "crawl_url_from")),
    }
    return record, prov, notes


def validate(rec: dict) -> list[str]:
    """Problems with one record against SCHEMA.md; empty when valid."""
    errs = []
    keys = list(rec)
    if keys[:len(FIELDS)] != list(FIELDS):
        errs.append(f"field order {keys[:len(FIELDS)]}")
    for extra in keys[len(FIELDS):]:
        if extra not in OPTIONAL:
            errs.append(f"unexpected field {extra!r}")
    for name in ("id", "title", "body", "source"):
        if not isinstance(rec.get(name), str) or not rec[name].strip():
            errs.append(f"{name} must be a non-empty string")
    for name in ("doc_number", "doc_type", "division", "agency", "date", "secrecy_marking"):
        if rec.get(name) is not None and not isinstance(rec[name], str):
            errs.append(f"{name} must be a string or null")
    for name in OPTIONAL:
        if name in rec and not isinstance(rec[name], str):
            errs.append(f"{name} must be a string")
    if rec.get("source") not in SOURCES:
        errs.append(f"source {rec.get('source')!r}")
    if rec.get("doc_type") is not None and rec["doc_type"] not in DOC_TYPES:
        errs.append(f"doc_type {rec['doc_type']!r} not a SCHEMA 文种")
    if rec.get("date") is not None:
        try:
            if dt.date.fromisoformat(rec["date"]).isoformat() != rec["date"]:
                raise ValueError
        except ValueError:
            errs.append(f"date {rec['date']!r} is not YYYY-MM-DD")
    if re.search(r"<[A-Za-z/][^>]*>|&(nbsp|amp|lt|gt|quot);", rec.get("body", "")):
        errs.append("body still contains HTML tags or entities")
    labels = rec.get("labels")
    if not isinstance(labels, dict) or list(labels) != list(LABEL_FIELDS):
        errs.append(f"labels must have exactly {LABEL_FIELDS}")
        return errs
    cat, exe, sec, col = (labels[k] for k in LABEL_FIELDS)
    if cat not in CATEGORIES:
        errs.append(f"category {cat!r}")
    if sec not in SECRECY:
        errs.append(f"secrecy {sec!r}")
    if cat == "withheld":
        if exe not in EXEMPTIONS:
            errs.append(f"exemption {exe!r} for withheld")
    elif exe is not None:
        errs.append("exemption must be null unless withheld")
    if cat == "not_government_info":
        if col is not None:
            errs.append("column must be null for not_government_info")
    elif col not in COLUMNS:
        errs.append(f"column {col!r}")
    if sec in ("confidential", "secret", "top_secret") and (cat != "withheld" or exe != "state_secret"):
        errs.append("classified secrecy requires withheld/state_secret")
    if sec == "internal" and cat != "withheld":
        errs.append("internal secrecy requires withheld")
    if cat in ("proactive", "on_request") and sec != "none":
        errs.append("proactive/on_request requires secrecy none")
    return errs


def main() -> int:
    rows = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: r["id"])
    source_ids = [r["id"] for r in rows]
    if len(set(source_ids)) != len(source_ids):
        print("duplicate source ids", file=sys.stderr)
        return 1
    if set(source_ids) != set(COLUMN):
        print(f"column table and source rows differ: {sorted(set(source_ids) ^ set(COLUMN))}", file=sys.stderr)
        return 1
    records, prov_rows, failures = [], [], 0
    for n, row in enumerate(rows, start=1):
        rec, prov, _ = build(row)
        rec = {"id": f"p-{n:04d}", **rec}
        problems = validate(rec)
        if problems:
            failures += 1
            print(f"{rec['id']} (source row {row['id']}): " + "; ".join(problems), file=sys.stderr)
        records.append(rec)
        prov_rows.append({"id": rec["id"], **prov})
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        print("duplicate record ids", file=sys.stderr)
        failures += 1
    if failures:
        print(f"{failures} invalid record(s); nothing written", file=sys.stderr)
        return 1

    with RECORDS.open("w", encoding="utf-8", newline="\n") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    header = ["id", "source_id", "crawl_url", "index_no", "theme", "published_on", "provenance",
              "source_repo", "source_path", "source_commit", "column_reason", "transcription", "note"]
    with PROVENANCE.open("w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(header) + "\n")
        for rec, prov in zip(records, prov_rows):
            cells = {**prov, "provenance": PROVENANCE_TAG, "source_repo": SOURCE_REPO,
                     "source_path": SOURCE_PATH, "source_commit": SOURCE_COMMIT, "note": rec.get("note", "")}
            out.write("\t".join(str(cells[h]).replace("\t", " ").replace("\n", " ") for h in header) + "\n")

    def show(title: str, counter: collections.Counter) -> None:
        print(title + ": " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))))

    print(f"{len(records)} records written to {RECORDS.name}; all valid against SCHEMA.md")
    show("column", collections.Counter(r["labels"]["column"] for r in records))
    show("category", collections.Counter(r["labels"]["category"] for r in records))
    show("doc_type", collections.Counter(r["doc_type"] for r in records))
    show("agency", collections.Counter(r["agency"] for r in records))
    show("year", collections.Counter(r["date"][:4] if r["date"] else None for r in records))
    print(f"records with a note: {sum(1 for r in records if 'note' in r)}")
    print(f"provenance written to {PROVENANCE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
