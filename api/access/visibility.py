"""Who may see what: one place for the rules every read path follows (lists, search, filters, sorting,
counts, exports, single items), as Python predicates and as the same predicates in SQL.

Two questions, asked of every item:
- **in scope**: may the caller know the item exists at all? A clerk sees their own division's items
  (or, with a token without a division, the items they entered; `GONGKAI_CLERK_SCOPE=all` widens this
  to every division); a document system sees the items it pushed; every other reading role sees all.
  Out of scope is "not found", never "forbidden": a 403 would confirm that the id exists.
- **readable**: may the caller read its title, text, suggestion and reasons? Not when the item is
  secret (any secrecy marking, or a secrecy level other than none: the decided one once secrecy
  review is done, the suggested one until then; an undecided suggestion counts as secret) and the
  caller's role is not cleared (GONGKAI_CLEARED_ROLES). Such a caller sees that the item exists, its
  status and decisions, and nothing of its content.

A search by title (`q=`) matches readable items only: a restricted item matches no text at all, so the
answer, its count and its order are the same whatever the secret title says (a clerk rebuilt a 机密
title character by character from match counts before this rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, true

from api.access.roles import PERMISSIONS, Role
from api.context import Actor
from api.settings import Settings
from engine.vocabulary import FieldStatus, Secrecy
from models.tables import ItemRow


def is_secret(item: ItemRow) -> bool:
    """Any secrecy marking, or a level other than none (decided, else suggested; undecided counts)."""
    level = item.secrecy if item.secrecy is not None else item.suggested_secrecy
    return item.marked or level != Secrecy.NONE


def cleared(actor: Actor, settings: Settings) -> bool:
    return actor.role in settings.cleared_roles


def may_read(actor: Actor, item: ItemRow, settings: Settings) -> bool:
    return cleared(actor, settings) or not is_secret(item)


def in_scope(actor: Actor, item: ItemRow, settings: Settings) -> bool:
    if actor.role == Role.CLERK and settings.clerk_scope == "division":
        return item.division == actor.division if actor.division else item.owner == actor.name
    if actor.role == Role.DOCUMENT_SYSTEM:
        return item.owner == actor.name
    return True


def scope_clause(actor: Actor, settings: Settings) -> ColumnElement[bool]:
    """in_scope in SQL."""
    if actor.role == Role.CLERK and settings.clerk_scope == "division":
        return ItemRow.division == actor.division if actor.division else ItemRow.owner == actor.name
    if actor.role == Role.DOCUMENT_SYSTEM:
        return ItemRow.owner == actor.name
    return true()


def not_secret() -> ColumnElement[bool]:
    """`not is_secret` in SQL: what a caller who is not cleared may read (NULL-safe: an undecided level is
    not 'none', so it is not readable)."""
    level = func.coalesce(ItemRow.secrecy, ItemRow.suggested_secrecy, FieldStatus.UNDECIDED.value)
    return and_(ItemRow.marked.is_(false()), level == Secrecy.NONE.value)


def readable_clause(actor: Actor, settings: Settings) -> ColumnElement[bool]:
    """may_read in SQL."""
    return true() if cleared(actor, settings) else not_secret()


def rule_figures(actor: Actor, settings: Settings) -> ColumnElement[bool] | None:
    """The items whose rule and accuracy figures a caller may see, or None for all. A role that can put
    rules live (api/access/roles.py: activate_rules) and is not cleared sees them over readable items only:
    otherwise a probe rule (`body contains 机密A`, in monitor mode) activated today would report through
    the accuracy report's per-rule hits which secret documents pushed tomorrow contain the string. Roles
    that cannot change the rules (the office, supervision) see every item's figures: there is nothing
    they can probe with."""
    if cleared(actor, settings) or actor.role not in PERMISSIONS["activate_rules"]:
        return None
    return readable_clause(actor, settings)


@dataclass(frozen=True)
class Viewer:
    """The caller as the read side's queries need it (api/items/queries.py): what is in scope, what readable."""

    actor: Actor
    settings: Settings

    @property
    def scope(self) -> ColumnElement[bool]:
        return scope_clause(self.actor, self.settings)

    @property
    def readable(self) -> ColumnElement[bool]:
        return readable_clause(self.actor, self.settings)

    def text_match(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """A condition on an item's text holds only for items the caller may read."""
        return and_(self.readable, condition)
