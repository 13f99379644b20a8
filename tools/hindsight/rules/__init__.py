"""Every rule, in code order: an explicit literal, checked by tests (tests/rules)."""

from __future__ import annotations

from hindsight.rules import schema, timeline
from hindsight.rules._base import CheckContext, Rule

ALL_RULES: tuple[Rule, ...] = (*schema.RULES, *timeline.RULES)


def by_code() -> dict[str, Rule]:
    """Rules by code."""
    return {r.code: r for r in ALL_RULES}


__all__ = ["ALL_RULES", "CheckContext", "Rule", "by_code"]
