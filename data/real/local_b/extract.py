"""Build rows.jsonl from raw.jsonl (records transcribed from the session's search/read_file tools).

Standard library only. raw.jsonl holds one flat object per record (text as stored by the tool,
markup already stripped at transcription); this script assigns ids lb-0001…, puts the keys in the
order corpus_common.md asks, validates labels against /work/shared/corpus/SCHEMA.md and prints
counts per source_key, level, category, column.  Run: python3 extract.py
"""
import collections
import re
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).parent
CATS = {"proactive", "on_request", "withheld", "not_government_info"}
EXEMPT = {None, "state_secret", "law_prohibited", "security_stability", "third_party",
          "internal_affairs", "process_info", "enforcement_case", "administrative_query"}
SECRECY = {"none", "internal", "confidential", "secret", "top_secret"}
COLUMNS = {"organization", "normative_documents", "policy_interpretation", "plans", "statistics",
           "licensing", "enforcement", "budget", "fees", "procurement", "major_projects",
           "public_welfare", "emergency", "inspection", "personnel", "proposals", "work_updates",
           "other"}
LEVELS = {"province", "city", "county", "township", "court", "other"}
KINDS = {"document", "answer_letter", "reconsideration", "judgment", "other"}


def check(r, n):
    errs = []
    if r["category"] not in CATS:
        errs.append("category")
    if r["exemption"] not in EXEMPT:
        errs.append("exemption")
    if r["secrecy"] not in SECRECY:
        errs.append("secrecy")
    if r["category"] == "not_government_info":
        if r["column"] is not None:
            errs.append("column must be null for not_government_info")
    elif r["column"] not in COLUMNS:
        errs.append("column")
    if (r["exemption"] is None) == (r["category"] == "withheld"):
        errs.append("exemption iff withheld")
    if r["category"] in ("proactive", "on_request") and r["secrecy"] != "none":
        errs.append("secrecy must be none")
    if r["level"] not in LEVELS or r["kind"] not in KINDS:
        errs.append("level/kind")
    if not r["title"] or len(r["body"]) < 40 or re.search(r"</?[a-zA-Z][^>]*>|&nbsp;", r["body"]):
        errs.append("title/body")
    if errs:
        sys.exit(f"raw.jsonl line {n}: {', '.join(errs)}")


def main():
    rows, seen = [], set()
    for n, line in enumerate((HERE / "raw.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        check(r, n)
        key = (r["url"], r["title"])
        if key in seen:
            sys.exit(f"raw.jsonl line {n}: duplicate {key}")
        seen.add(key)
        rows.append({
            "id": f"lb-{len(rows) + 1:04d}", "title": r["title"], "doc_number": r.get("doc_number"),
            "doc_type": r.get("doc_type"), "division": None, "agency": r.get("agency"),
            "date": r.get("date"), "secrecy_marking": None, "source": "closure", "body": r["body"],
            "labels": {"category": r["category"], "exemption": r["exemption"],
                       "secrecy": r["secrecy"], "column": r["column"]},
            "basis": r["basis"], "note": r["note"],
            "provenance": {"url": r["url"], "retrieved_from": r["retrieved_from"],
                           "source_key": r["source_key"], "level": r["level"],
                           "region": r["region"], "site_column": r.get("site_column"),
                           "published_on": r.get("published_on"), "kind": r["kind"]},
        })
    with open(HERE / "rows.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(len(rows), "rows")
    for name, get in [("source_key", lambda x: x["provenance"]["source_key"]),
                      ("level", lambda x: x["provenance"]["level"]),
                      ("category", lambda x: x["labels"]["category"]),
                      ("column", lambda x: x["labels"]["column"]),
                      ("kind", lambda x: x["provenance"]["kind"])]:
        c = collections.Counter(get(x) for x in rows)
        print(name, dict(c.most_common()))


if __name__ == "__main__":
    main()
