"""Rules as values: code, name, category, default level, lifecycle start, docs and check together."""

from __future__ import annotations

import re
from datetime import date
from typing import Callable, Iterator, NamedTuple

from hindsight.config import Settings
from hindsight.model import Category, Finding, Incident, Level, Status

_CODE = re.compile(r"^HS[1-9]\d{2}$")


class CheckContext(NamedTuple):
    """What a rule may consult besides the incident: the settings and today's date."""

    settings: Settings
    today: date


CheckFunction = Callable[[Incident, CheckContext], Iterator[Finding]]


class Rule(NamedTuple):
    """One documented rule. Codes are stable once released and never reused."""

    code: str
    name: str
    category: Category
    level: Level
    applies_from: Status
    check: CheckFunction
    doc: str

    def finding(self, incident: Incident, line: int | None, message: str, *,
                path: str | None = None, column: int | None = None) -> Finding:
        """A finding of this rule in ``incident`` (in postmortem.md unless ``path`` says otherwise)."""
        return Finding(path or incident.postmortem_path, line, column, self.code, self.category,
                       self.level, message, incident.id)


def rule(code: str, name: str, category: Category, level: Level = Level.ERROR,
         applies_from: Status = Status.INVESTIGATING) -> Callable[[CheckFunction], Rule]:
    """Turn a documented check function into a Rule (nothing is registered by importing)."""
    if not _CODE.match(code) or int(code[2]) != category.digit:
        raise ValueError(f"{code} is not a valid code for category {category.value}")

    def wrap(check: CheckFunction) -> Rule:
        doc = (check.__doc__ or "").strip()
        return Rule(code, name, category, level, applies_from, check, _dedent(doc))

    return wrap


def _dedent(doc: str) -> str:
    first, _, rest = doc.partition("\n")
    import textwrap

    return (first + "\n" + textwrap.dedent(rest)).strip()
