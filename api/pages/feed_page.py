"""网站发布预览 (issue 16): what the agency's website shows, as the 信息公开工作机构 checks it: the proactive
feed's entries in publication order, each published item with its title, 发文字号, 栏目, date and the very text
the publish entry put out (that version's, never a later one nobody has reviewed), and what was taken down
marked as withdrawn, without its content.

The entries are the API's own (api/routes/stores.feed, called as it is: the same permission, the same query,
the same last check `still_published`), so the page can never show what the website would not: a marked or
secret item never reaches the proactive store, and one withdrawn since shows no content. Paged by the feed's
cursor (`after`), as the website's publishing system reads it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.access.sessions import Signed
from api.deps import SessionDep
from api.pages.layout import PageRefusal, page, render
from api.reports.tables import china_time
from api.routes.stores import feed
from api.schemas import MAX_ID
from engine.vocabulary import LABELS_ZH

router = APIRouter()
FEED = page("feed")
PER_PAGE = 50
ACTIONS_ZH = {"publish": "已发布", "withdrawn": "已撤回", "withdraw": "撤回通知", "held": "暂缓发布"}


def _after(request: Request) -> int:
    value = request.query_params.get("after", "0").strip() or "0"
    if not value.isdigit() or int(value) > MAX_ID:
        raise PageRefusal(422, "翻页位置无效：请从第一页开始浏览。")
    return int(value)


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the page shows it: the publish entries' content, the others' item and time only."""
    shown = {**entry, "label": ACTIONS_ZH.get(entry["action"], entry["action"]), "at": china_time(entry["at"]),
             "published": entry["action"] == "publish"}
    if shown["published"]:
        column = entry.get("column")
        shown.update(column=LABELS_ZH.get(column, column) if column else "—",
                     published_at=china_time(entry.get("published_at")) or shown["at"])
    return shown


@router.get("/feed", response_class=HTMLResponse)
def feed_page(request: Request, session: SessionDep, signed: Signed = Depends(FEED)) -> HTMLResponse:
    """One page of the feed from the cursor `after` (0: from the start)."""
    after = _after(request)
    out = feed(session, signed.actor, after=after, limit=PER_PAGE)
    entries = [_entry(e) for e in out["entries"]]
    return render("feed.html.j2", signed, here="/feed", entries=entries, after=after,
                  next=f"/feed?after={out['cursor']}" if out["more"] else None,
                  published=sum(1 for e in entries if e["published"]))
