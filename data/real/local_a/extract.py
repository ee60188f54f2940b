"""Build data/real/local_a/rows.jsonl (corpus task R1: real proactive documents of local agencies).

Standard library only. Two inputs:

* ``pages_source.json`` — pages of local government websites found through the session's
  ``search`` tool (corpus ``pages``) and transcribed from the stored excerpt (page metadata
  and the beginning of the page text; see README "Method").
* four saved government web pages in the GitHub repository SimonXinw/job (statistics
  bulletins of 江西省/宜春市/万载县).  When the snapshot is present under
  ``/work/.mirror/SimonXinw+job/repo`` they are re-extracted from the HTML and the result is
  cached in ``github_extracted.json``; otherwise the cache is used, so the rows can always
  be rebuilt.

Every record is a document the agency itself published on its website, so it is labelled
主动公开 (条例第十九条、第二十条): category proactive, secrecy none, exemption null; the column
is mapped from the site's own column where it shows one (README "Column mapping").

Run from the repository root:  python3 data/real/local_a/extract.py
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
MIRROR = Path("/work/.mirror/SimonXinw+job/repo")
GITHUB_REPO = "SimonXinw/job"
BODY_CAP = 20_000

COLUMNS = {
    "organization", "normative_documents", "policy_interpretation", "plans", "statistics",
    "licensing", "enforcement", "budget", "fees", "procurement", "major_projects",
    "public_welfare", "emergency", "inspection", "personnel", "proposals", "work_updates", "other",
}
LEVELS = {"province", "city", "county", "township", "court", "other"}
KEYS = ["id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
        "source", "body", "labels", "basis", "note", "provenance"]

# The four saved pages in SimonXinw/job.  agency and date are read off the bulletin itself (the
# issuer line under the title and the date in brackets; 万载县2022 prints only “2023年5月”, so its
# date is the page's 生成日期; 万载县2015 prints no date, only “（万载县统计局）” at the end).
GITHUB_PAGES = [
    {"path": "统计局/江西省/2022/江西省2022年国民经济和社会发展统计公报 _ 中国宜春.html",
     "level": "province", "region": "江西省",
     "agency": "江西省统计局、国家统计局江西调查总队", "date": "2023-03-28"},
    {"path": "统计局/宜春市/2022/宜春市2022年国民经济和社会发展统计公报 _ 中国宜春.html",
     "level": "city", "region": "江西省",
     "agency": "宜春市统计局、国家统计局宜春调查队", "date": "2023-04-12"},
    {"path": "统计局/万载县/2022/万载县2022年国民经济和社会发展统计公报 _ 万载县人民政府.html",
     "level": "county", "region": "江西省",
     "agency": "万载县统计局、国家统计局万载调查队", "date": "2023-05-11"},
    {"path": "统计局/2015/万载县2015年国民经济和社会发展统计公报.html",
     "level": "county", "region": "江西省", "agency": "万载县统计局", "date": None},
]

BLOCK_TAGS = {"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "section"}
CELL_TAGS = {"td", "th"}


class ZoomconText(HTMLParser):
    """Collect the text of the article body (``<div id="zoomcon">``), one line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0          # div nesting inside zoomcon; 0 = outside
        self.skip = 0           # inside <script>/<style>
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            if tag == "div" and dict(attrs).get("id") == "zoomcon":
                self.depth = 1
            return
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "div":
            self.depth += 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0:
            return
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in CELL_TAGS:
            self.parts.append(" ")
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = []
        for line in "".join(self.parts).split("\n"):
            line = line.replace("\xa0", " ").strip(" \t\r\u3000")
            line = re.sub(r"[ \t]{2,}", " ", line)
            if line:
                lines.append(line)
        return "\n".join(lines)


def meta(page: str, name: str) -> str | None:
    m = re.search(r'<meta name="%s" content="([^"]*)"' % name, page)
    return html.unescape(m.group(1)).strip() if m else None


def header_fields(page: str) -> dict[str, str]:
    """Label/value pairs and the breadcrumb printed above the body (索引号, 发布机构, …)."""
    head = page[: page.find('id="zoomcon"')]
    head = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", head, flags=re.S)
    words = html.unescape(re.sub(r"<[^>]+>", " ", head)).split()
    flat = "|".join(words)
    fields: dict[str, str] = {}
    for label in ("索|引|号：", "发布机构：", "发文日期：", "生成日期：", "责任部门：", "分类：", "发布日期："):
        m = re.search(re.escape(label) + r"\|([^|]+)", flat)
        if m:
            fields[label.replace("|", "").rstrip("：")] = m.group(1)
    crumb = re.search(r"您当前(?:所在)?的?位置：\|(.*?)\|(?=索|万载县|江西省|宜春市)", flat)
    if crumb:
        fields["当前位置"] = " ".join(crumb.group(1).split("|")).replace("&gt;", ">")
    return fields


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(MIRROR), *args], check=True,
                          capture_output=True, text=True).stdout


def extract_github() -> list[dict]:
    """Re-extract the four saved pages from the snapshot (cached in github_extracted.json)."""
    cache = HERE / "github_extracted.json"
    if not MIRROR.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    out = []
    for spec in GITHUB_PAGES:
        commit = git("log", "-1", "--format=%H", "--", spec["path"]).strip()
        page = git("show", f"{commit}:{spec['path']}")
        saved = re.search(r"saved from url=\(\d+\)(\S+)", page)
        parser = ZoomconText()
        parser.feed(page)
        out.append({**spec, "commit": commit, "url": saved.group(1) if saved else None,
                    "ArticleTitle": meta(page, "ArticleTitle"), "PubDate": meta(page, "PubDate"),
                    "ColumnName": meta(page, "ColumnName"), "ContentSource": meta(page, "ContentSource"),
                    "fields": header_fields(page), "body": parser.text()})
    cache.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def cap(body: str) -> tuple[str, bool]:
    if len(body) <= BODY_CAP:
        return body, False
    cut = body.rfind("\n", 0, BODY_CAP)
    return body[: cut if cut > 0 else BODY_CAP], True


def github_record(g: dict) -> dict:
    f = g["fields"]
    body, cut = cap(g["body"])
    agency, date = g["agency"], g["date"]
    index = f" 索引号 {f['索引号']}." if f.get("索引号") else ""
    note = (f"site column (ColumnName) {g['ColumnName']} → statistics (统计公报 = 统计信息).{index} "
            f"Full text re-extracted from the saved page's body (div#zoomcon); tables flattened to lines.")
    if g["level"] == "province":
        note += (" A 江西省 bulletin republished on the 宜春市 site (发布机构 on the page: 宜春市统计局; "
                 f"ContentSource: {g['ContentSource']}); level = the bulletin's own level.")
    if cut:
        note += f" Body cut at {BODY_CAP} characters (at a line end); the page text is {len(g['body'])} characters."
    return {
        "title": g["ArticleTitle"], "doc_number": None, "doc_type": "公报", "agency": agency,
        "date": date, "body": body, "column": "statistics", "basis": "条例第二十条第（四）项", "note": note,
        "provenance": {
            "url": g["url"], "retrieved_from": f"github:{GITHUB_REPO}/{g['path']}@{g['commit']}",
            "source_key": urlsplit(g["url"]).hostname, "level": g["level"], "region": g["region"],
            "site_column": f.get("当前位置") or g["ColumnName"],
            "published_on": (g["PubDate"] or "")[:10] or None, "kind": "document",
        },
    }


def pages_record(p: dict) -> dict:
    body, cut = cap(p["body"])
    if "Body complete" in p["note"]:
        how = " Body: the page text as stored by the search corpus (half-width punctuation as stored)."
    else:
        how = (" Body: the beginning of the page text as stored by the search corpus (an excerpt, cut "
               "at a line end; the rest of the document is missing; half-width punctuation as stored).")
    note = p["note"] + how
    return {
        "title": p["title"], "doc_number": p["doc_number"], "doc_type": p["doc_type"],
        "agency": p["agency"], "date": p["date"], "body": body, "column": p["column"],
        "basis": p["basis"], "note": note,
        "provenance": {
            "url": p["url"], "retrieved_from": f"search:pages {p['url']}",
            "source_key": urlsplit(p["url"]).hostname, "level": p["level"], "region": p["region"],
            "site_column": p["site_column"], "published_on": p["published_on"], "kind": "document",
        },
    }


def finish(i: int, r: dict) -> dict:
    return {
        "id": f"la-{i:04d}", "title": r["title"], "doc_number": r["doc_number"], "doc_type": r["doc_type"],
        "division": None, "agency": r["agency"], "date": r["date"], "secrecy_marking": None,
        "source": "closure", "body": r["body"],
        "labels": {"category": "proactive", "exemption": None, "secrecy": "none", "column": r["column"]},
        "basis": r["basis"], "note": r["note"], "provenance": r["provenance"],
    }


def validate(rows: list[dict]) -> None:
    problems = []
    for r in rows:
        where = r["id"]
        if list(r)[: len(KEYS)] != KEYS:
            problems.append(f"{where}: keys out of order")
        if not r["title"] or not r["body"]:
            problems.append(f"{where}: empty title or body")
        if re.search(r"<[a-zA-Z/][^>]*>|&(nbsp|amp|lt|gt);", r["body"]):
            problems.append(f"{where}: markup left in body")
        if r["date"]:
            try:
                dt.date.fromisoformat(r["date"])
            except ValueError:
                problems.append(f"{where}: bad date {r['date']}")
        if r["labels"]["column"] not in COLUMNS:
            problems.append(f"{where}: unknown column")
        pv = r["provenance"]
        if pv["level"] not in LEVELS or not pv["url"] or not pv["source_key"].endswith(".gov.cn"):
            problems.append(f"{where}: provenance incomplete or not a gov.cn site")
        if "www.gov.cn" == pv["source_key"]:
            problems.append(f"{where}: State Council page")
    urls = Counter(r["provenance"]["url"] for r in rows)
    problems += [f"duplicate url {u}" for u, n in urls.items() if n > 1]
    if problems:
        sys.exit("refusing to write rows.jsonl:\n" + "\n".join(problems))


def main() -> None:
    pages = json.loads((HERE / "pages_source.json").read_text(encoding="utf-8"))
    # ids stay stable across additions: first batch of pages, the GitHub pages, later batches
    first = [p for p in pages if p.get("batch", 1) == 1]
    later = [p for p in pages if p.get("batch", 1) != 1]
    records = ([pages_record(p) for p in first] + [github_record(g) for g in extract_github()]
               + [pages_record(p) for p in later])
    rows = [finish(i, r) for i, r in enumerate(records, 1)]
    validate(rows)
    with (HERE / "rows.jsonl").open("w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows")
    for field in ("source_key", "level", "region"):
        print(field, dict(Counter(r["provenance"][field] for r in rows).most_common()))
    print("column", dict(Counter(r["labels"]["column"] for r in rows).most_common()))
    print("doc_type", dict(Counter(str(r["doc_type"]) for r in rows).most_common()))


if __name__ == "__main__":
    main()
