"""Routing a reviewed item to exactly one of the four stores (信息库), and what a final decision
must satisfy first.

The store is the final category itself; what this module adds are the consistency rules of SCHEMA
and the law, checked before anything is routed:
- a state-secret level (秘密/机密/绝密) means withheld as a state secret (条例第十四条);
- 内部/工作秘密 means withheld;
- proactive or on_request needs secrecy none, and proactive also needs no secrecy marking at all:
  a document marked in the source system never reaches the website, whatever anyone decided
  (保守国家秘密法; 条例第十七条: review before disclosure);
- an exemption is given exactly when withheld; not_government_info has no catalog column (条例第二条).
"""

from __future__ import annotations

from engine.vocabulary import CLASSIFIED, Category, Exemption, Secrecy


class RoutingError(ValueError):
    """A final decision that breaks the law's or SCHEMA's consistency rules; the message says which."""


def problems(*, secrecy: str, category: str, exemption: str | None, column: str | None, marking: str) -> list[str]:
    """Every reason this final decision cannot be routed (empty when it can)."""
    out: list[str] = []
    if secrecy in CLASSIFIED and (category != Category.WITHHELD or exemption != Exemption.STATE_SECRET):
        out.append(f"secrecy {secrecy} is a state secret: category must be withheld with exemption state_secret")
    if secrecy == Secrecy.INTERNAL and category != Category.WITHHELD:
        out.append("secrecy internal (内部/工作秘密) requires category withheld")
    if category == Category.PROACTIVE and marking != Secrecy.NONE:
        out.append(f"the document carries a secrecy marking ({marking}): it can never be proactive")
    if category == Category.WITHHELD and exemption is None:
        out.append("withheld needs an exemption (条例第十四至十六条)")
    if category != Category.WITHHELD and exemption is not None:
        out.append(f"exemption {exemption} is given only when withheld")
    if category == Category.NOT_GOVERNMENT_INFO and column is not None:
        out.append("not_government_info has no catalog column")
    if category != Category.NOT_GOVERNMENT_INFO and column is None:
        out.append(f"{category} needs a catalog column")
    return out


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
    return str(Category(category))
