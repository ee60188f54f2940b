#!/usr/bin/env python3
"""Check data/dict/userdict.txt with jieba.

  PYTHONPATH=/tmp/jb python3 data/dict/verify_userdict.py [--md]

1. format checks (word freq tag, no duplicates, no single characters, no digit-only words);
2. 30 sample phrases taken verbatim from data/training/records.jsonl: segmentation without and
   with the dictionary, and whether every dictionary word inside the phrase stays whole;
3. corpus-wide: how many occurrences of dictionary words stay whole (no token boundary inside
   the word) without / with the dictionary, using jieba.lcut defaults (HMM on);
4. side effects: tokens created by the dictionary that cut through a token of the default
   segmentation (possible over-merges), listed for review.
"""
import collections, json, logging, os, re, sys

import jieba

jieba.setLogLevel(logging.WARNING)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RECORDS = os.path.join(ROOT, "data", "training", "records.jsonl")
DICT = os.path.join(HERE, "userdict.txt")

TARGETS = ["会议纪要", "征求意见稿", "行政处罚决定书", "询问笔录", "现场检查笔录", "调查终结报告",
           "主动公开", "依申请公开", "不予公开", "过程性信息", "内部事务信息", "行政执法案卷",
           "国家秘密", "涉密人员", "商业秘密", "保密审查", "规范性文件", "政策解读", "一般公共预算",
           "行政事业性收费", "政府采购", "最低生活保障", "应急预案", "人大代表建议", "机关党委",
           "机关工会", "执法总队", "住房和城乡建设委员会", "纪检监察组", "党工委"]


def load_dict():
    words, errors = {}, []
    for n, line in enumerate(open(DICT, encoding="utf-8"), 1):
        parts = line.rstrip("\n").split(" ")
        if len(parts) != 3 or not parts[1].isdigit() or not re.fullmatch(r"[a-z]+", parts[2]):
            errors.append(f"line {n}: bad format {line!r}")
            continue
        w = parts[0]
        if w in words: errors.append(f"line {n}: duplicate {w}")
        if len(w) < 2: errors.append(f"line {n}: single character {w}")
        if w.isdigit(): errors.append(f"line {n}: digits only {w}")
        words[w] = int(parts[1])
    return words, errors


def spans(tokens):
    out, i = [], 0
    for t in tokens:
        out.append((i, i + len(t))); i += len(t)
    return out


def boundaries(tokens):
    b, i = set(), 0
    for t in tokens:
        i += len(t); b.add(i)
    return b


def intact(text, bset, start, w):
    return not any(start < k < start + len(w) for k in bset)


def main():
    md = "--md" in sys.argv
    words, errors = load_dict()
    print(f"entries: {len(words)}; format errors: {len(errors)}")
    for e in errors[:20]: print("  ", e)

    base = jieba.Tokenizer(); base.initialize()
    withd = jieba.Tokenizer(); withd.initialize(); withd.load_userdict(DICT)

    recs = [json.loads(l) for l in open(RECORDS, encoding="utf-8")]
    texts = [r["title"] + "\n" + r["body"] for r in recs]
    clauses = []
    for t in texts:
        clauses += [c for c in re.split(r"[\n。；;！？]", t) if 6 <= len(c) <= 48]

    # longest-first matcher for dictionary words
    maxlen = max(len(w) for w in words)
    def find_words(text):
        hits, i = [], 0
        for i in range(len(text)):
            for L in range(min(maxlen, len(text) - i), 1, -1):
                if text[i:i + L] in words:
                    hits.append((i, text[i:i + L]))
        return hits

    # --- 2. sample phrases
    print("\n## 30 sample phrases (without dict | with dict)")
    ok_all = 0
    rows = []
    for tw in TARGETS:
        c = next((c for c in clauses if tw in c), None)
        if c is None:                       # fall back to a window around the first occurrence
            t = next((t for t in texts if tw in t), None)
            if t is None:
                print(f"  (not in corpus: {tw})"); continue
            i = t.index(tw)
            c = t[max(0, i - 16):i + len(tw) + 16].replace("\n", " ")
        c = c.strip()
        a, b = base.lcut(c), withd.lcut(c)
        bb = boundaries(b)
        # every dictionary word in the clause that is not itself inside a longer dictionary word
        hits = find_words(c)
        maximal = [(s, w) for s, w in hits
                   if not any(s2 <= s and s + len(w) <= s2 + len(w2) and len(w2) > len(w) for s2, w2 in hits)]
        broken = [w for s, w in maximal if not intact(c, bb, s, w)]
        whole = any(tw in tok for tok in b)     # target is one token or inside one longer dict token
        ok = whole and not broken
        ok_all += ok
        rows.append((tw, c, a, b, ok, broken))
        if md:
            print(f"| {tw} | {' / '.join(a)} | {' / '.join(b)} | {'yes' if ok else 'NO ' + ','.join(broken)} |")
        else:
            print(f"[{tw}] {'OK' if ok else 'BROKEN ' + ','.join(broken)}\n   - {' / '.join(a)}\n   + {' / '.join(b)}")
    print(f"sample phrases kept whole: {ok_all}/{len(rows)}")

    # --- 3. corpus-wide intact rate
    tot = ok_base = ok_with = 0
    broken_with = collections.Counter()
    overmerge = collections.Counter()
    examples = {}
    for t in texts:
        a, b = base.lcut(t), withd.lcut(t)
        ba, bb = boundaries(a), boundaries(b)
        hits = find_words(t)
        maximal = [(s, w) for s, w in hits
                   if not any(s2 <= s and s + len(w) <= s2 + len(w2) and len(w2) > len(w) for s2, w2 in hits)]
        for s, w in maximal:
            tot += 1
            ok_base += intact(t, ba, s, w)
            if intact(t, bb, s, w):
                ok_with += 1
            else:
                broken_with[w] += 1
        # --- 4. over-merges: a with-dict token that starts or ends strictly inside a default token
        sa = spans(a)
        starts_a = {s for s, _ in sa} | {len(t)}
        for (s, e), tok in zip(spans(b), b):
            if tok in words and (s not in starts_a or e not in starts_a):
                overmerge[tok] += 1
                examples.setdefault(tok, (t[max(0, s - 6):e + 6].replace("\n", " "),
                                          " / ".join(base.lcut(t[max(0, s - 6):e + 6].replace("\n", " ")))))
    print(f"\n## corpus (440 records): {tot} occurrences of dictionary words (maximal matches)")
    print(f"   kept whole without dict: {ok_base} ({ok_base / tot:.1%}); with dict: {ok_with} ({ok_with / tot:.1%})")
    print("   still broken with dict:", broken_with.most_common(20))
    print(f"\n## dictionary tokens that cut through a default token: {sum(overmerge.values())} "
          f"occurrences, {len(overmerge)} words")
    for w, n in overmerge.most_common(int(os.environ.get("TOPN", 40))):
        print(f"   {w} x{n}: {examples[w][0]}  (default: {examples[w][1]})")


if __name__ == "__main__":
    main()
