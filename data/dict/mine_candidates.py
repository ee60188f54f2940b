#!/usr/bin/env python3
"""Reading aid used once to build userdict.txt: list n-grams (3-8 Han characters) of the training
records and the statute texts that occur >= 3 times, have left and right branching entropy >= 1.0,
that jieba's default dictionary splits, and that do not start or end with a function character.
The output was read by hand; the chosen words are in build_userdict.py (CURATED["domain_terms"] etc.).

  PYTHONPATH=/tmp/jb python3 data/dict/mine_candidates.py > /tmp/candidates.tsv
"""
import collections, glob, json, logging, math, os, re

import jieba

jieba.setLogLevel(logging.WARNING)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
recs = [json.loads(l) for l in open(os.path.join(ROOT, "data", "training", "records.jsonl"), encoding="utf-8")]
texts = [r["title"] + "\n" + r["body"] for r in recs]
texts += [open(f, encoding="utf-8").read() for f in glob.glob(os.path.join(ROOT, "data", "statutes", "*.md"))]
segs = re.split(r"[^\u4e00-\u9fff]+", "\n".join(texts))

cnt = collections.Counter()
left = collections.defaultdict(collections.Counter)
right = collections.defaultdict(collections.Counter)
for s in segs:
    for n in range(3, 9):
        for i in range(len(s) - n + 1):
            g = s[i:i + n]
            cnt[g] += 1
            left[g][s[i - 1] if i > 0 else "^"] += 1
            right[g][s[i + n] if i + n < len(s) else "$"] += 1


def H(c):
    t = sum(c.values())
    return -sum(v / t * math.log(v / t) for v in c.values())


BAD_EDGE = set("的了和与或及在对于由被把将是为以其等各本该此所有个之并向从到即也又就而且但如若则着过中上下内外后前时起来去")
BAD_START = ("应当", "可以", "不得", "按照", "根据", "进行", "关于", "对于", "有关", "以及", "或者", "并且", "其他",
             "已经", "需要", "依法", "及时", "我局", "你公司", "你单位", "市", "区", "级", "第", "某")
out = []
for g, c in cnt.items():
    if c < 3 or g[0] in BAD_EDGE or g[-1] in BAD_EDGE or g.startswith(BAD_START):
        continue
    if min(H(left[g]), H(right[g])) < 1.0:
        continue
    toks = jieba.lcut(g)
    if len(toks) > 1:
        out.append((c, g, "/".join(toks)))
for c, g, t in sorted(out, key=lambda x: -x[0]):
    print(f"{c}\t{g}\t{t}")
