"""Routing a reviewed item to exactly one of the four stores (信息库), and what a final decision
must satisfy first.

The store is the final category itself (engine/consistency.STORE_OF); what must hold first is SCHEMA's
and the law's consistency, stated with its articles in engine/consistency.REQUIREMENTS: a state-secret
level means withheld under 第十四条, 内部/工作秘密 means withheld, a document marked in the source
system never reaches the website whatever anyone decided (保守国家秘密法; 条例第十七条), an exemption
is given exactly when withheld, and not_government_info has no catalog column (条例第二条).
"""

from __future__ import annotations

from engine.consistency import STORE_OF, final_problems
from engine.vocabulary import Category


class RoutingError(ValueError):
    """A final decision that breaks the law's or SCHEMA's consistency rules; the message says which."""


def problems(*, secrecy: str, category: str, exemption: str | None, column: str | None, marking: str) -> list[str]:
    """Every reason this final decision cannot be routed (empty when it can)."""
    return final_problems({"secrecy": secrecy, "category": category, "exemption": exemption, "column": column,
                           "marking": marking})


def store_for(*, secrecy: str, category: str, exemption: str | None, column: str | None, marking: str) -> str:
    """The one store this item goes to; RoutingError listing every problem if it may not go anywhere.

    Examples:
        >>> store_for(secrecy="none", category="proactive", exemption=None, column="budget", marking="none")
        'proactive'
        >>> store_for(secrecy="none", category="proactive", exemption=None, column="budget", marking="internal")
        Traceback (most recent call last):
        ...
        engine.workflow.routing.RoutingError: the document carries a secrecy marking (internal): it can never be proactive
    """
    found = problems(secrecy=secrecy, category=category, exemption=exemption, column=column, marking=marking)
    if found:
        raise RoutingError("; ".join(found))
    return STORE_OF[Category(category)].value
