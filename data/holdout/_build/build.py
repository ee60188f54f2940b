"""Build /work/main/data/holdout/records.jsonl from the hand-written parts."""
import json, os, random, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common, part1, part2, part3, part4  # noqa: F401  (parts register records)

recs = list(common.REC)
random.Random(20250611).shuffle(recs)
out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "records.jsonl")
FIELDS = ["id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
          "source", "body", "labels", "basis", "note"]
with open(out, "w", encoding="utf-8") as f:
    for i, r in enumerate(recs, 1):
        r = dict(r, id=f"h-{i:04d}")
        f.write(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n")
print(f"wrote {len(recs)} records to {out}")
