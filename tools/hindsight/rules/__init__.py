"""Every rule, in code order: the loaders' problems and the checks, listed explicitly (tests/rules)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from hindsight.rules import (
    action_items,
    blame,
    impact,
    loader,
    repo,
    restricted,
    review,
    schema,
    security,
    structure,
    timeline,
)
from hindsight.rules._base import Archive, CheckContext, Rule

ALL_RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *loader.RULES,
            *schema.RULES,
            *structure.RULES,
            *blame.RULES,
            *action_items.RULES,
            *impact.RULES,
            *timeline.RULES,
            *review.RULES,
            *security.RULES,
            *restricted.RULES,
            *repo.RULES,
        ),
        key=lambda r: r.code,
    )
)


@functools.cache
def by_code() -> Mapping[str, Rule]:
    """Rules by code."""
    return MappingProxyType({r.code: r for r in ALL_RULES})


__all__ = ["ALL_RULES", "Archive", "CheckContext", "Rule", "by_code"]
