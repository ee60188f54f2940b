"""Build rows.jsonl for data/real/decisions from hand-transcribed excerpts.

Each entry in records_src.py was transcribed from the `search` tool's `pages` corpus
(stored copy of a government / court page; the excerpt is the page's beginning).
This script validates every entry against /work/shared/corpus/SCHEMA.md rules and
writes rows.jsonl (ids dc-0001 ...) and prints counts.  Standard library only.
Run from the repository root:  python3 data/real/decisions/extract.py
"""
import collections
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from records_src import RECORDS  # noqa: E402

CATEGORIES = {"proactive", "on_request", "withheld", "not_government_info"}
EXEMPTIONS = {"state_secret", "law_prohibited", "security_stability", "third_party",
              "internal_affairs", "process_info", "enforcement_case", "administrative_query"}
COLUMNS = {"organization", "normative_documents", "policy_interpretation", "plans", "statistics",
           "licensing", "enforcement", "budget", "fees", "procurement", "major_projects",
           "public_welfare", "emergency", "inspection", "personnel", "proposals",
           "work_updates", "other"}
KINDS = {"judgment", "reconsideration", "answer_letter", "other"}
LEVELS = {"province", "city", "county", "township", "court", "other"}


def check(i: int, r: dict) -> None:
    r.setdefault("retrieved_from", f"search:pages {r.get('url')}")
    where = f"source entry {i} ({r.get('url')})"
    lab = r["labels"]
    cat, ex, col = lab["category"], lab["exemption"], lab["column"]
    assert cat in CATEGORIES, f"{where}: bad category {cat}"
    assert (ex is None) == (cat != "withheld"), f"{where}: exemption only for withheld"
    assert ex is None or ex in EXEMPTIONS, f"{where}: bad exemption {ex}"
    assert (col is None) == (cat == "not_government_info"), f"{where}: column null iff not_gov"
    assert col is None or col in COLUMNS, f"{where}: bad column {col}"
    sec = r.get("secrecy", "none")
    if sec in ("confidential", "secret", "top_secret"):
        assert ex == "state_secret", f"{where}: classified secrecy needs state_secret"
    if sec == "internal":
        assert cat == "withheld", f"{where}: internal secrecy needs withheld"
    assert r["kind"] in KINDS, f"{where}: bad kind"
    assert r["level"] in LEVELS, f"{where}: bad level"
    assert r["body"].strip() and "<" not in r["body"], f"{where}: empty body or markup"
    assert r["title"].strip(), f"{where}: empty title"
    for key in ("url", "retrieved_from", "source_key", "region"):
        assert r[key], f"{where}: missing {key}"


def row(n: int, r: dict) -> dict:
    lab = r["labels"]
    return {
        "id": f"dc-{n:04d}",
        "title": r["title"],
        "doc_number": r.get("doc_number"),
        "doc_type": r.get("doc_type"),
        "division": None,
        "agency": r["agency"],
        "date": r.get("date"),
        "secrecy_marking": None,
        "source": "closure",
        "body": r["body"],
        "labels": {"category": lab["category"], "exemption": lab["exemption"],
                   "secrecy": r.get("secrecy", "none"), "column": lab["column"]},
        "basis": r["basis"],
        "note": r["note"],
        "provenance": {
            "url": r["url"], "retrieved_from": r["retrieved_from"],
            "source_key": r["source_key"], "level": r["level"], "region": r["region"],
            "site_column": r.get("site_column"), "published_on": r.get("published_on"),
            "kind": r["kind"], "case_number": r.get("case_number"),
            "outcome": r.get("outcome"),
        },
    }


def main() -> None:
    rows = []
    for i, r in enumerate(RECORDS, 1):
        check(i, r)
        rows.append(row(i, r))
    out = HERE / "rows.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for x in rows:
            fh.write(json.dumps(x, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")
    for name, key in (("source_key", lambda x: x["provenance"]["source_key"]),
                      ("level", lambda x: x["provenance"]["level"]),
                      ("kind", lambda x: x["provenance"]["kind"]),
                      ("category", lambda x: x["labels"]["category"]),
                      ("exemption", lambda x: x["labels"]["exemption"]),
                      ("column", lambda x: x["labels"]["column"])):
        c = collections.Counter(key(x) for x in rows)
        print(f"\n{name}:")
        for k, v in c.most_common():
            print(f"  {k}: {v} ({100 * v / len(rows):.1f}%)")


if __name__ == "__main__":
    main()
