"""data/real/decisions_b: the source entries (transcribed by hand from the stored pages) → rows.jsonl.

    python3 data/real/decisions_b/make_rows.py      # standard library only; then python3 data/real/build_records.py

Every entry is one piece of requested information with the decision on it; `body` is copied from the stored page
(cuts said in `note`). Ids are given in entry order (db-0001 …). Refuses a URL already used by another folder.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from entries import ENTRIES  # noqa: E402  (same folder)

HERE = Path(__file__).resolve().parent
PROV = ("url", "retrieved_from", "source_key", "level", "region", "site_column", "published_on", "kind",
        "case_number", "outcome")


def row(number: int, e: dict) -> dict:
    labels = dict(zip(("category", "exemption", "secrecy", "column"), e["labels"], strict=True))
    url = e["url"]
    retrieved = e.get("retrieved_from") or f"search:pages {url}"
    prov = {"url": url, "retrieved_from": retrieved, "source_key": e["source_key"], "level": e["level"],
            "region": e["region"], "site_column": e.get("site_column"), "published_on": e.get("published_on"),
            "kind": e["kind"], "case_number": e.get("case_number"), "outcome": e.get("outcome")}
    return {"id": f"db-{number:04d}", "title": e["title"], "doc_number": e.get("doc_number"),
            "doc_type": e.get("doc_type"), "division": None, "agency": e.get("agency"), "date": e.get("date"),
            "secrecy_marking": None, "source": "closure", "body": e["body"].strip(), "labels": labels,
            "basis": e["basis"], "note": e["note"], "provenance": {k: prov[k] for k in PROV}}


def main() -> int:
    taken = set()
    for path in HERE.parent.glob("*/rows.jsonl"):
        if path.parent != HERE:
            taken |= {json.loads(l)["provenance"]["url"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    rows, bad = [], []
    for number, e in enumerate(ENTRIES, 1):
        r = row(number, e)
        if r["provenance"]["url"] in taken:
            bad.append(f"{r['id']}: URL already used elsewhere")
        rows.append(r)
    keys = Counter((r["provenance"]["url"], r["title"]) for r in rows)
    bad += [f"twice: {k}" for k, n in keys.items() if n > 1]
    per_source = Counter(r["provenance"]["source_key"] for r in rows)
    bad += [f"source {k} has {n} > 6" for k, n in per_source.items() if n > 6]
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    (HERE / "rows.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(len(rows), "rows")
    for field in ("category", "exemption"):
        print(field, dict(Counter(r["labels"][field] for r in rows)))
    print("level", dict(Counter(r["provenance"]["level"] for r in rows)))
    print("kind", dict(Counter(r["provenance"]["kind"] for r in rows)))
    print("column", dict(Counter(r["labels"]["column"] for r in rows)))
    print("sources", len(per_source), per_source.most_common(5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
