"""A recorded suggestion as one reader may read it (api/applications/suggestions.py stores no words).

The matched items are looked up now, as the reader sees them (api/access/visibility.py): one out of its
scope is left out as if it had not matched (nothing says that something was left out), one it may not read
is shown by its store and 索引号 only (as in the store lists), and only a readable one gets its title, 文号 and
the words it shares with the application (scored again now: engine/applications/proposal.score). The
search's counts, and the rules' evidence about what it found (stores, grounds), cover the maker's scope, so
they are shown only to a reader whose scope is everything; a narrower reader sees the evidence in the
applicant's words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.visibility import Viewer, in_scope, may_read
from api.applications import queries
from api.applications.catalog import candidate_of
from api.context import Actor, Context
from api.items.queries import CURRENT_VERSION
from api.settings import Settings
from engine.applications.outcomes import default_table
from engine.applications.proposal import ARTICLE_18, FIELDS_ZH, STORES_ZH, Description, Search, score
from engine.vocabulary import Role, Store
from models.tables import ApplicationRow, ApplicationSuggestionRow, ItemRow, ItemVersionRow


def sees_everything(actor: Actor, settings: Settings) -> bool:
    """Whether every item is in the reader's scope (a clerk of one division, a document system: not)."""
    if actor.role == Role.CLERK:
        return settings.clerk_scope != "division"
    return actor.role != Role.DOCUMENT_SYSTEM


def _items(session: Session, ids: list[int]) -> dict[int, tuple[ItemRow, dict[str, Any] | None]]:
    if not ids:
        return {}
    rows = session.execute(select(ItemRow, ItemVersionRow.document).outerjoin(ItemVersionRow, CURRENT_VERSION)
                           .where(ItemRow.id.in_(ids)))
    return {item.id: (item, document) for item, document in rows}


def _match(stored: dict[str, Any], item: ItemRow, document: dict[str, Any] | None, viewer: Viewer,
           description: Description) -> dict[str, Any]:
    readable = may_read(viewer.actor, item, viewer.settings)
    shown = {**stored, "restricted": not readable, "title": None, "doc_number": None, "reasons": []}
    index = stored.get("index_number") or "未编"
    if readable:
        shown["title"] = item.title
        shown["doc_number"] = (document or {}).get("doc_number") or None
        again = score(description, candidate_of(viewer, item, document))
        shown["reasons"] = list(again.reasons) if again is not None else [f"匹配{FIELDS_ZH[stored['field']]}"]
    elif stored["field"] == "index_number":
        shown["reasons"] = [f"索引号一致：{index}"]
    else:  # how a secret item's words matched is its content too
        shown.update(field=None, score=None)
    if stored.get("reassess"):
        shown["reasons"].append(f"不予公开库中的信息须现在重新评估（{ARTICLE_18}），原决定不是答复")
    return shown


def _search_said(search: dict[str, Any], everything: bool) -> str:
    if everything:
        return Search(tuple(Store(s) for s in search["stores"]), search["items_searched"], search["candidates_scored"],
                      tuple(search["fields"]), tuple(search["keywords"]), tuple(search["numbers"]),
                      search["restricted_unread"]).summary_zh()
    return (f"经检索{'、'.join(STORES_ZH[Store(s)] for s in search['stores'])}（检索字段："
            f"{'、'.join(FIELDS_ZH[f] for f in search['fields'])}；检索字组（申请内容相邻两字）：{'、'.join(search['keywords']) or '无'}）")


def _reasons(outcome: str | None, details: dict[str, Any], matches: list[dict[str, Any]], everything: bool
             ) -> list[str]:
    reasons = [_search_said(details["search"], everything)]
    for m in matches:
        if m["answers"]:
            named = f"《{m['title']}》" if m["title"] else ""
            reasons.append(f"{STORES_ZH[Store(m['store'])]}索引号{m['index_number'] or '未编'}{named}："
                           + "；".join(m["reasons"] or ["涉密信息，内容不予显示"]))
    for hit in details["rules"]:
        if hit["mode"] != "monitor":
            reasons.append(f"规则 {hit['id']}：{hit['title']}（{hit['citation']}）")
    if outcome is None:
        reasons.append("没有规则确定答复类型：由经办人选择并记录")
    elif details["contested_by"]:
        reasons.append(f"另有同等把握的规则建议：{'、'.join(details['contested_by'])}，经办人须确认")
    return reasons


def view(session: Session, ctx: Context, actor: Actor, row: ApplicationRow, suggestion: ApplicationSuggestionRow, *,
         current: bool) -> dict[str, Any]:
    """The suggestion as `actor` may read it now."""
    details = suggestion.details or {}
    viewer, everything = Viewer(actor, ctx.settings), sees_everything(actor, ctx.settings)
    description = Description(row.description)
    found = _items(session, [int(m["item_id"]) for m in details.get("matches", [])])
    matches = []
    for stored in details.get("matches", []):
        item, document = found.get(int(stored["item_id"]), (None, None))
        if item is not None and in_scope(actor, item, ctx.settings):
            matches.append(_match(stored, item, document, viewer, description))
    visible = set(session.scalars(select(ApplicationRow.id).where(
        ApplicationRow.id.in_([r["application_id"] for r in details.get("repeats", [])]), queries.scope_clause(actor))))
    outcome = suggestion.outcome
    deciding = next((h for h in details.get("rules", []) if h["id"] == details.get("decided_by")), None)
    search = {**details["search"]}
    if not everything:
        search.update(items_searched=None, candidates_scored=None, restricted_unread=None)
    return {
        "id": suggestion.id, "application_id": row.id, "current": current, "final": False,
        "outcome": outcome, "meaning": default_table().mapping(outcome).meaning if outcome else None,
        "article": deciding["citation"] if deciding else "", "reassess": bool(details["catalog"]["reassess"]),
        "reasons": _reasons(outcome, details, matches, everything), "matches": matches,
        "rules": [{**{k: h[k] for k in ("id", "title", "mode", "outcome", "citation", "confidence")},
                   "evidence": [e for e in h["evidence"] if everything or e["field"] == "description"]}
                  for h in details.get("rules", [])],
        "contested_by": details.get("contested_by", []),
        "repeats": [r for r in details.get("repeats", []) if r["application_id"] in visible],
        "search": search, "ruleset": suggestion.ruleset, "engine_version": suggestion.engine_version,
        "made_by": suggestion.made_by, "made_at": suggestion.made_at.isoformat(),
    }
