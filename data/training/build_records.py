#!/usr/bin/env python3
"""Build data/training/records.jsonl from the two starter sets, validate against SCHEMA.md,
and find near-duplicate groups. Standard library only. Run from anywhere:
    python3 data/training/build_records.py
Writes records.jsonl and validation_report.json next to this script."""
import hashlib, json, re, sys, datetime, itertools, collections, os

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = [("/work/shared/corpus/starter/records-a.jsonl", "starter-a"),
       ("/work/shared/corpus/starter/records-b.jsonl", "starter-b")]
OUT = os.path.join(HERE, "records.jsonl")

DOC_FIELDS = ["id", "title", "doc_number", "doc_type", "division", "agency", "date",
              "secrecy_marking", "source", "body"]
REQUIRED_STR = {"id", "title", "body"}          # string, non-null
NULLABLE_STR = {"doc_number", "doc_type", "division", "agency", "date", "secrecy_marking"}
OPTIONAL = {"basis", "note"}
CATEGORY = {"proactive", "on_request", "withheld", "not_government_info"}
EXEMPTION = {"state_secret", "law_prohibited", "security_stability", "third_party",
             "internal_affairs", "process_info", "enforcement_case", "administrative_query"}
SECRECY = {"none", "internal", "confidential", "secret", "top_secret"}
COLUMN = {"organization", "normative_documents", "policy_interpretation", "plans", "statistics",
          "licensing", "enforcement", "budget", "fees", "procurement", "major_projects",
          "public_welfare", "emergency", "inspection", "personnel", "proposals", "work_updates", "other"}
CLASSIFIED = {"confidential", "secret", "top_secret"}


def validate(r):
    """Return (errors, warnings). Errors = SCHEMA violations; warnings = conventions of the
    starter READMEs that SCHEMA does not state as hard rules."""
    e, w = [], []
    if not isinstance(r, dict):
        return ["not a JSON object"], w
    allowed = set(DOC_FIELDS) | {"labels"} | OPTIONAL | {"provenance"}
    for k in r:
        if k not in allowed:
            e.append(f"unknown field {k!r}")
    for k in DOC_FIELDS + ["labels"]:
        if k not in r:
            e.append(f"missing field {k!r}")
    for k in REQUIRED_STR:
        if k in r and not (isinstance(r[k], str) and r[k].strip()):
            e.append(f"{k} must be a non-empty string")
    for k in NULLABLE_STR:
        if k in r and r[k] is not None and not isinstance(r[k], str):
            e.append(f"{k} must be string or null")
    if r.get("source") not in ("closure", "manual"):
        e.append(f"source {r.get('source')!r} not in closure/manual")
    d = r.get("date")
    if isinstance(d, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            e.append(f"date {d!r} not YYYY-MM-DD")
        else:
            try:
                datetime.date.fromisoformat(d)
            except ValueError:
                e.append(f"date {d!r} invalid")
    for k in OPTIONAL:
        if k in r and r[k] is not None and not isinstance(r[k], str):
            e.append(f"{k} must be a string")
    L = r.get("labels")
    if not isinstance(L, dict):
        e.append("labels must be an object")
        return e, w
    for k in L:
        if k not in ("category", "exemption", "secrecy", "column"):
            e.append(f"unknown labels field {k!r}")
    cat, ex, sec, col = L.get("category"), L.get("exemption"), L.get("secrecy"), L.get("column")
    if cat not in CATEGORY: e.append(f"category {cat!r} invalid")
    if sec not in SECRECY: e.append(f"secrecy {sec!r} invalid")
    if col is not None and col not in COLUMN: e.append(f"column {col!r} invalid")
    if "exemption" not in L or "column" not in L:
        e.append("labels.exemption / labels.column must be present (may be null)")
    if cat == "withheld":
        if ex not in EXEMPTION: e.append(f"withheld needs a valid exemption, got {ex!r}")
    elif ex is not None:
        e.append(f"exemption must be null when category={cat}")
    if cat == "not_government_info":
        if col is not None: e.append("column must be null for not_government_info")
    elif cat in CATEGORY and col is None:
        e.append(f"column is null but category={cat}")
    # SCHEMA consistency constraints
    if sec in CLASSIFIED and not (cat == "withheld" and ex == "state_secret"):
        e.append(f"secrecy={sec} requires withheld+state_secret")
    if sec == "internal" and cat != "withheld":
        e.append("secrecy=internal requires withheld")
    if cat in ("proactive", "on_request") and sec != "none":
        e.append(f"category={cat} requires secrecy=none")
    # conventions (warnings only)
    if ex == "state_secret" and sec not in CLASSIFIED:
        w.append("state_secret without a classified secrecy level")
    if r.get("secrecy_marking") and cat != "withheld":
        w.append("secrecy_marking set but not withheld")
    return e, w


def grams(s, n=5):
    s = re.sub(r"\s+", "", s)
    return {s[i:i + n] for i in range(max(0, len(s) - n + 1))}


def norm_title(t):
    return re.sub(r"[\s《》“”\"'（）()，,、。：:]", "", t)


def main():
    out, report = [], {"fixed": [], "errors": {}, "warnings": {}}
    for path, prov in SRC:
        with open(path, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    continue
                r = json.loads(line)
                rec = {k: r.get(k) for k in DOC_FIELDS}
                rec["labels"] = {k: r["labels"].get(k) for k in ("category", "exemption", "secrecy", "column")}
                for k in OPTIONAL:
                    if k in r:
                        rec[k] = r[k]
                rec["provenance"] = prov
                # the converted record must equal the source on every source field
                lost = set(r) - set(rec)
                if lost or any(r[k] != rec[k] for k in r):
                    report["fixed"].append({"id": r.get("id"), "src": f"{path}:{ln}", "diff": sorted(lost)})
                out.append(rec)
    ids = collections.Counter(r["id"] for r in out)
    for i, r in enumerate(out, 1):
        e, w = validate(r)
        if ids[r["id"]] > 1: e.append("duplicate id")
        if e: report["errors"][f"line {i} {r['id']}"] = e
        if w: report["warnings"][f"line {i} {r['id']}"] = w

    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # re-read the written file and validate it again (round trip)
    back = [json.loads(l) for l in open(OUT, encoding="utf-8")]
    assert back == out and len(back) == 440, "round-trip mismatch"
    report["n"] = len(out)
    report["sha256"] = hashlib.sha256(open(OUT, "rb").read()).hexdigest()

    # near duplicates
    G = [grams(r["body"]) for r in out]
    parent = list(range(len(out)))
    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]; x = parent[x]
        return x
    pairs = []
    for i, j in itertools.combinations(range(len(out)), 2):
        a, b = G[i], G[j]
        jac = len(a & b) / len(a | b) if a | b else 0.0
        same_title = norm_title(out[i]["title"]) == norm_title(out[j]["title"])
        if jac > 0.6 or same_title:
            pairs.append({"a": out[i]["id"], "b": out[j]["id"], "jaccard5": round(jac, 3),
                          "same_title": same_title})
            parent[find(i)] = find(j)
    groups = collections.defaultdict(list)
    for i in range(len(out)):
        groups[find(i)].append(out[i]["id"])
    report["near_dup_pairs"] = pairs
    report["near_dup_groups"] = [g for g in groups.values() if len(g) > 1]
    # top-10 most similar body pairs for context, whatever the threshold
    top = []
    for i, j in itertools.combinations(range(len(out)), 2):
        a, b = G[i], G[j]
        top.append((len(a & b) / len(a | b), out[i]["id"], out[j]["id"]))
    top.sort(reverse=True)
    report["top_body_jaccard"] = [[round(s, 3), x, y] for s, x, y in top[:15]]
    # secondary looser check: titles equal after removing place names / years
    def loose(t):
        t = norm_title(t)
        t = re.sub(r"(某市|某区|某街道|江州市?|临江区|东湖区|江北区|南岸区|望海区|\d{4}年?度?|[0-9]+)", "", t)
        return t
    lt = collections.defaultdict(list)
    for r in out:
        lt[loose(r["title"])].append(r["id"])
    report["loose_title_groups"] = [v for v in lt.values() if len(v) > 1]
    # cross-validation grouping file: near-duplicate group (record id itself when it has none) and
    # the "linked clusters" (same matter at different stages) declared in README-b.md
    nd = {}
    for g in report["near_dup_groups"]:
        for i in g:
            nd[i] = "nd-" + sorted(g)[0]
    readme_b = open("/work/shared/corpus/starter/README-b.md", encoding="utf-8").read()
    cl = {}
    for line in readme_b[readme_b.index("## Linked clusters"):].splitlines():
        if line.startswith("|") and "b-" in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            for i in re.findall(r"b-\d{4}", cells[1]):
                cl[i] = cells[0]
    with open(os.path.join(HERE, "cv_groups.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tprovenance\tnear_dup_group\tmatter_cluster\n")
        for r in out:
            f.write(f"{r['id']}\t{r['provenance']}\t{nd.get(r['id'], r['id'])}\t{cl.get(r['id'], '')}\n")
    report["matter_clusters"] = {k: sorted(i for i in cl if cl[i] == k) for k in dict.fromkeys(cl.values())}
    json.dump(report, open(os.path.join(HERE, "validation_report.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)
    print(json.dumps({k: report[k] for k in ("n", "sha256", "fixed", "errors", "warnings",
                      "near_dup_groups", "top_body_jaccard", "loose_title_groups")}, ensure_ascii=False, indent=1))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
