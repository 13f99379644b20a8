"""Action items that a source lists (bullets, numbers, checkboxes) become the archive's table.

Each item keeps its words, a sub-heading it stood under goes in front of them, and what
the item says of its owner, due date, ticket or completion fills those cells. A cell the
source gives nothing for is left empty, so that ``hindsight check`` asks for it at review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from hindsight.load.markdown import (
    TABLE_HEAD,
    action_items,
    headings,
    list_items,
    sections,
    table_row,
)

SECTION = "Action items"
NOTE = (
    "<!-- hindsight import: the source listed these actions; each is a row now. An empty "
    "Owner, Due or Ticket is one the source did not give: fill it in before review -->"
)


class Converted(NamedTuple):
    """What became of the action-items list: how many items, and how many lack an owner or date."""

    line: int  # the table's first line in the body
    items: int
    no_owner: int
    no_due: int


def lists_to_table(body: str, names: Mapping[str, Sequence[str]]) -> tuple[str, Converted | None]:
    """``body`` with the lists under its action-items section made into one table.

    A section that already holds a table is left as written, and so is one without a list.
    """
    section = next((s for s in sections(body, 1, names) if s.key == SECTION), None)
    if section is None or action_items(section)[1] is not None:
        return body, None
    items = list_items(section.text, section.text_line)
    if not items:
        return body, None
    base = section.text_line - 1
    drop = {base + i for item in items for i in item.indices}
    drop |= _emptied_headings(section.text.split("\n"), base, drop)
    rows = [table_row(item) for item in items]
    lines = body.split("\n")
    first = min(drop)
    kept = [line for n, line in enumerate(lines) if n not in drop and n >= first]
    out = [*lines[:first], "", NOTE, "", *TABLE_HEAD, *(r for r, _, _ in rows), "", *kept]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
    line = text.split("\n").index(TABLE_HEAD[0]) + 1
    no_owner = sum(not owner for _, owner, _ in rows)
    no_due = sum(not due for _, _, due in rows)
    return text, Converted(line, len(items), no_owner, no_due)


def _emptied_headings(lines: list[str], base: int, drop: set[int]) -> set[int]:
    """Sub-headings whose part held nothing but list items: their name is now in each row."""
    marks = [m for m in headings(lines) if m[1] >= 3]
    emptied: set[int] = set()
    for n, (index, _level, _title, after) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        part = range(after, end)
        if any(base + j in drop for j in part) and all(
            base + j in drop or not lines[j].strip() for j in part
        ):
            emptied |= {base + j for j in range(index, after)}
    return emptied
