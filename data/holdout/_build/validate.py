"""Independent validator for the hold-out records (format, enums, consistency, counts)."""
import json, re, sys, datetime
from collections import Counter

PATH = sys.argv[1] if len(sys.argv) > 1 else "/work/main/data/holdout/records.jsonl"
FIELDS = ["id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
          "source", "body", "labels", "basis", "note"]
CATS = {"proactive", "on_request", "withheld", "not_government_info"}
EXS = {"state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
       "process_info", "enforcement_case", "administrative_query"}
SECS = {"none", "internal", "confidential", "secret", "top_secret"}
COLS = ["organization", "normative_documents", "policy_interpretation", "plans", "statistics", "licensing",
        "enforcement", "budget", "fees", "procurement", "major_projects", "public_welfare", "emergency",
        "inspection", "personnel", "proposals", "work_updates", "other"]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"

errors = []
def err(n, msg):
    errors.append(f"line {n}: {msg}")

recs, ids = [], Counter()
with open(PATH, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except Exception as e:
            err(n, f"JSON error {e}"); continue
        recs.append((n, r))
        if list(r.keys()) != FIELDS:
            err(n, f"fields {list(r.keys())}")
        for k in ["id", "title", "source", "body"]:
            if not isinstance(r.get(k), str) or not r.get(k):
                err(n, f"{k} must be non-empty string")
        for k in ["doc_number", "doc_type", "division", "agency", "date", "secrecy_marking"]:
            if r.get(k) is not None and not isinstance(r[k], str):
                err(n, f"{k} must be string or null")
        for k in ["basis", "note"]:
            if not isinstance(r.get(k), str):
                err(n, f"{k} must be string")
        ids[r.get("id")] += 1
        if not re.fullmatch(r"h-\d{4}", r.get("id", "")):
            err(n, "id format")
        if r.get("source") not in ("closure", "manual"):
            err(n, "source")
        if r.get("date"):
            try:
                datetime.date.fromisoformat(r["date"])
            except Exception:
                err(n, "date format")
        bl = len(r.get("body", ""))
        if not 150 <= bl <= 1500:
            err(n, f"body length {bl}")
        lab = r.get("labels")
        if not isinstance(lab, dict) or set(lab) != {"category", "exemption", "secrecy", "column"}:
            err(n, "labels keys"); continue
        cat, ex, sec, col = lab["category"], lab["exemption"], lab["secrecy"], lab["column"]
        if cat not in CATS: err(n, f"category {cat}")
        if sec not in SECS: err(n, f"secrecy {sec}")
        if cat == "withheld":
            if ex not in EXS: err(n, f"withheld needs exemption, got {ex}")
        elif ex is not None:
            err(n, "exemption only when withheld")
        if cat == "not_government_info":
            if col is not None: err(n, "ngi column must be null")
        elif col not in COLS:
            err(n, f"column {col}")
        # SCHEMA consistency
        if sec in ("confidential", "secret", "top_secret") and not (cat == "withheld" and ex == "state_secret"):
            err(n, "classified => withheld/state_secret")
        if sec == "internal" and cat != "withheld":
            err(n, "internal => withheld")
        if cat in ("proactive", "on_request") and sec != "none":
            err(n, "proactive/on_request => secrecy none")
        # extra sanity (own checks)
        if ex == "state_secret" and sec not in ("confidential", "secret", "top_secret"):
            err(n, "state_secret exemption without classified level")
        text = (r.get("secrecy_marking") or "") + r.get("body", "")[:80]
        lvl = {"confidential": "秘密", "secret": "机密", "top_secret": "绝密"}.get(sec)
        if lvl and lvl not in text:
            err(n, f"level {lvl} not shown in marking/header")
        if cat == "proactive" and r.get("secrecy_marking"):
            err(n, "proactive with a secrecy marking")
        for m in re.finditer(r"(?<![\d*])(\d{17}[\dX])(?![\d*])", r.get("body", "")):
            s = m.group(1)
            try:
                datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
                okdate = True
            except ValueError:
                okdate = False
            if okdate and s[:17].isdigit() and C[sum(int(a) * w for a, w in zip(s[:17], W)) % 11] != s[17]:
                err(n, f"resident id {s} has a bad check digit")

for i, c in ids.items():
    if c > 1: errors.append(f"duplicate id {i}")
exp = [f"h-{i:04d}" for i in range(1, len(recs) + 1)]
if [r["id"] for _, r in recs] != exp:
    errors.append("ids are not h-0001..h-%04d in order" % len(recs))

L = [r["labels"] for _, r in recs]
print("records:", len(recs))
for key in ["category", "exemption", "secrecy", "column"]:
    c = Counter(l[key] for l in L)
    print(f"{key}:", ", ".join(f"{k}={v}" for k, v in sorted(c.items(), key=lambda x: (-x[1], str(x[0])))))
colc = Counter(l["column"] for l in L)
missing = [c for c in COLS if colc[c] < 2]
if missing: errors.append(f"columns used < 2 times: {missing}")
if set(Counter(l["exemption"] for l in L)) - {None} != EXS:
    errors.append("not all exemptions covered")
print("source:", dict(Counter(r["source"] for _, r in recs)))
print("doc_type null:", sum(r["doc_type"] is None for _, r in recs),
      "| secrecy_marking set:", sum(bool(r["secrecy_marking"]) for _, r in recs))
bl = [len(r["body"]) for _, r in recs]
print(f"body length: min {min(bl)}, max {max(bl)}, mean {sum(bl)/len(bl):.0f}")
ids18 = [m for _, r in recs for m in re.findall(r"(?<![\d*])\d{17}[\dX](?![\d*])", r["body"])]
print("full 18-digit resident ids in bodies:", len(ids18))
print("ERRORS:" if errors else "OK: no errors")
for e in errors: print("  ", e)
sys.exit(1 if errors else 0)
