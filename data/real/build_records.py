"""data/real: the real corpus of issue 19, built from the parts' rows into SCHEMA records, their provenance,
and a development and a test part split by SOURCE (a site or a court), never by record, so that every figure
on the test part says how the rules and the model do on agencies they never saw.

    python3 data/real/build_records.py          # from the repository root; standard library only

Reads data/real/*/rows.jsonl (one folder a collection, each with its README.md), checks every row (SCHEMA
fields and labels, the consistency rules, provenance with a government or court URL and a source_key, unique
ids, no HTML left), and writes:
- records.jsonl: every record in SCHEMA's field order (no provenance inside: SCHEMA has none);
- provenance.tsv: per record its part, source_key, level, region, kind, the site's own column, URL and where
  it was read;
- dev.jsonl and test.jsonl: the split. Sources are ordered by the SHA-256 of their key and go to the test
  part until it holds half the records; the rest is the development part. Deterministic: the same rows give
  the same split, and a new source does not move the old ones unless the halves need it.
Nothing is written when any row is invalid: every problem is printed with its file and line.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "source", "body")
CATEGORIES = ("proactive", "on_request", "withheld", "not_government_info")
EXEMPTIONS = ("state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
              "process_info", "enforcement_case", "administrative_query")
SECRECY = ("none", "internal", "confidential", "secret", "top_secret")
COLUMNS = ("organization", "normative_documents", "policy_interpretation", "plans", "statistics", "licensing",
           "enforcement", "budget", "fees", "procurement", "major_projects", "public_welfare", "emergency",
           "inspection", "personnel", "proposals", "work_updates", "other")
TEST_SHARE = 0.5
_HTML = re.compile(r"<(?:p|br|div|span|table|td|tr|a|img|font|strong)\b[^>]*>|&(?:nbsp|lt|gt|amp|quot);", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label_problems(labels: object) -> list[str]:
    if not isinstance(labels, dict) or set(labels) != {"category", "exemption", "secrecy", "column"}:
        return ["labels: exactly category, exemption, secrecy, column"]
    out = []
    category, exemption, secrecy, column = (labels[k] for k in ("category", "exemption", "secrecy", "column"))
    if category not in CATEGORIES:
        out.append(f"labels.category {category!r}")
    if secrecy not in SECRECY:
        out.append(f"labels.secrecy {secrecy!r}")
    if (exemption is None) != (category != "withheld") or (exemption is not None and exemption not in EXEMPTIONS):
        out.append(f"labels.exemption {exemption!r} with category {category!r}")
    if (column is None) != (category == "not_government_info") or (column is not None and column not in COLUMNS):
        out.append(f"labels.column {column!r} with category {category!r}")
    if secrecy in ("confidential", "secret", "top_secret") and (category, exemption) != ("withheld", "state_secret"):
        out.append("a secret record must be withheld, state_secret")
    if secrecy == "internal" and category != "withheld":
        out.append("an internal record must be withheld")
    return out


def problems(row: dict, seen: set[str]) -> list[str]:
    out = [f"{name}: missing" for name in FIELDS if name not in row]
    if out:
        return out
    if row["id"] in seen:
        out.append(f"id {row['id']!r} twice")
    if not isinstance(row["body"], str) or len(row["body"].strip()) < 20:
        out.append("body: fewer than 20 characters")
    elif _HTML.search(row["body"]) or _HTML.search(row["title"] or ""):
        out.append("body or title: HTML left in")
    if row["date"] is not None and not _DATE.match(str(row["date"])):
        out.append(f"date {row['date']!r}")
    out += _label_problems(row.get("labels"))
    prov = row.get("provenance")
    if not isinstance(prov, dict) or not prov.get("source_key") or not prov.get("url") or not prov.get("retrieved_from"):
        out.append("provenance: url, retrieved_from and source_key are required")
    return out


def split(rows: list[dict]) -> dict[str, str]:
    """source_key → dev | test: sources in SHA-256 order fill the test part up to half the records."""
    sizes = Counter(r["provenance"]["source_key"] for r in rows)
    order = sorted(sizes, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
    parts, in_test = {}, 0
    for key in order:
        parts[key] = "test" if in_test < TEST_SHARE * len(rows) else "dev"
        in_test += sizes[key] if parts[key] == "test" else 0
    return parts


def record(row: dict) -> dict:
    out = {name: row[name] for name in FIELDS}
    out["labels"] = row["labels"]
    for extra in ("basis", "note"):
        if row.get(extra):
            out[extra] = row[extra]
    return out


PROVENANCE = ("part", "source_key", "level", "region", "kind", "site_column", "published_on", "url", "retrieved_from")


def main() -> int:
    rows, errors, seen = [], [], set()
    for path in sorted(HERE.glob("*/rows.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(f"{path.relative_to(HERE)}:{number}: not JSON ({error})")
                continue
            found = problems(row, seen)
            errors += [f"{path.relative_to(HERE)}:{number}: {p}" for p in found]
            seen.add(row.get("id"))
            row["provenance"] = {**(row.get("provenance") or {}), "part": path.parent.name}
            rows.append(row)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} problems: nothing written", file=sys.stderr)
        return 1
    parts = split(rows)
    lines = {"records": [], "dev": [], "test": []}
    tsv = ["id\tsplit\t" + "\t".join(PROVENANCE)]
    for row in rows:
        text = json.dumps(record(row), ensure_ascii=False)
        part = parts[row["provenance"]["source_key"]]
        lines["records"].append(text)
        lines[part].append(text)
        tsv.append("\t".join([row["id"], part] + [str(row["provenance"].get(k) or "").replace("\t", " ")
                                                   for k in PROVENANCE]))
    for name, content in lines.items():
        (HERE / f"{name}.jsonl").write_text("\n".join(content) + "\n", encoding="utf-8")
    (HERE / "provenance.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    by = Counter((parts[r["provenance"]["source_key"]], r["labels"]["category"]) for r in rows)
    print(f"{len(rows)} records from {len(parts)} sources: dev {len(lines['dev'])} "
          f"({sum(1 for p in parts.values() if p == 'dev')} sources), test {len(lines['test'])} "
          f"({sum(1 for p in parts.values() if p == 'test')} sources)")
    for (part, category), n in sorted(by.items()):
        print(f"  {part:4} {category:20} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
