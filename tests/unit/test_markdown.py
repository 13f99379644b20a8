"""The body reader finds level-2 sections, action items and ignore comments at file lines."""

from __future__ import annotations

from hindsight.config import DEFAULT_SECTIONS
from hindsight.load.markdown import (
    action_items,
    ignores,
    list_items,
    match_section,
    sections,
    table_row,
)

BODY = """\
# Title

## Summary

Text with a [link](https://example.com).

```markdown
## Not a section: inside a fence
```

<!--
## Not a section: inside a comment
-->

Root causes
-----------

Setext heading above.

## Action Items

| Action | Owner | Due date | Ticket | Status |
| --- | --- | --- | --- | --- |
| Alert on pool wait | priya | 2026-12-05 | PLAT-1 | open |
| Pipe \\| in text | lee | 2026-12-06 | #12 | done |

After the table.
"""


def test_sections_are_level_two_outside_code_and_comments() -> None:
    """ATX and setext level-2 headings count; fenced and commented ones do not."""
    found = sections(BODY, 10, DEFAULT_SECTIONS)
    assert [(s.title, s.line, s.key) for s in found] == [
        ("Summary", 12, "Summary"),
        ("Root causes", 24, "Root cause"),
        ("Action Items", 29, "Action items"),
    ]
    assert found[0].end_line == 22


def test_action_items_keep_cells_and_lines() -> None:
    """Rows are read by header name, case-insensitively, with their file lines."""
    section = sections(BODY, 10, DEFAULT_SECTIONS)[-1]
    items, columns = action_items(section)
    assert columns == {"action": 0, "owner": 1, "due": 2, "ticket": 3, "status": 4}
    assert [(i.line, i.action, i.owner, i.due, i.ticket, i.status) for i in items] == [
        (33, "Alert on pool wait", "priya", "2026-12-05", "PLAT-1", "open"),
        (34, "Pipe | in text", "lee", "2026-12-06", "#12", "done"),
    ]


def test_a_section_without_table_has_no_items() -> None:
    """No table: no items and no column map."""
    section = sections("## Action items\n\nNone yet.\n", 1, DEFAULT_SECTIONS)[0]
    assert action_items(section) == ([], None)


def test_headings_match_by_alias_case_and_leading_words() -> None:
    """Aliases, case, trailing punctuation and longer headings map to the required section."""
    assert match_section("ROOT CAUSE OF THE OUTAGE", DEFAULT_SECTIONS) == "Root cause"
    assert match_section("What went well?", DEFAULT_SECTIONS) == "Lessons learned"
    assert match_section("Follow-ups", DEFAULT_SECTIONS) == "Action items"
    assert match_section("Summaryish", DEFAULT_SECTIONS) is None
    assert match_section("Timeline", DEFAULT_SECTIONS) is None


def test_ignore_comments_cover_their_line_and_the_next() -> None:
    """A trailing comment silences its line; one alone on a line also the next line."""
    text = "a <!-- hindsight: ignore HS301 -->\n<!-- hindsight: ignore hs801, HS802 -->\n\nb\n"
    assert ignores(text, 5) == {
        5: frozenset({"HS301"}),
        6: frozenset({"HS801", "HS802"}),
        8: frozenset({"HS801", "HS802"}),
    }


LISTS = """\
We will do this:

- Alert on disk usage above 80%
  when it stays there
* [x] Delete old snapshots ([#2226](https://github.com/o/r/issues/2226))
+ Teach the product owners about CVEs
  - PR https://github.com/o/r/pull/9

### Process

1. Owner: @lee Write the runbook, due 2026-12-15 (PLAT-77)
2) [ ] A | pipe ✅

* * *

```
- not an item
```
<!--
- nor this
-->
"""


def test_list_items_of_every_kind_with_their_lines() -> None:
    """Bullets, numbers and checkboxes are items; wrapped lines and sub-items join them."""
    found = [(i.line, i.text, i.checked, i.group) for i in list_items(LISTS, 10)]
    assert found == [
        (12, "Alert on disk usage above 80% when it stays there", None, None),
        (14, "Delete old snapshots ([#2226](https://github.com/o/r/issues/2226))", True, None),
        (15, "Teach the product owners about CVEs; PR https://github.com/o/r/pull/9", None, None),
        (20, "Owner: @lee Write the runbook, due 2026-12-15 (PLAT-77)", None, "Process"),
        (21, "A | pipe ✅", False, "Process"),
    ]


def test_a_list_item_becomes_a_row_keeping_its_words() -> None:
    """Owner, due date, ticket and a ticked box fill their cells; the rest is left empty."""
    rows = [table_row(item) for item in list_items(LISTS, 1)]
    assert rows == [
        ("| Alert on disk usage above 80% when it stays there |  |  |  | open |", False, False),
        (
            (
                "| Delete old snapshots ([#2226](https://github.com/o/r/issues/2226)) |  |  | "
                "https://github.com/o/r/issues/2226 | done |"
            ),
            False,
            False,
        ),
        (
            (
                "| Teach the product owners about CVEs; PR https://github.com/o/r/pull/9 |  |  | "
                "https://github.com/o/r/pull/9 | open |"
            ),
            False,
            False,
        ),
        (
            (
                "| Process: Owner: @lee Write the runbook, due 2026-12-15 (PLAT-77) | lee | "
                "2026-12-15 | PLAT-77 | open |"
            ),
            True,
            True,
        ),
        ("| Process: A \\| pipe ✅ |  |  |  | open |", False, False),
    ]


def test_long_runs_of_blanks_in_a_list_are_read_in_linear_time() -> None:
    """RELIABILITY: a hostile item (100,000 blanks after 'due') is read in well under a second."""
    import time

    blanks = " " * 100_000
    text = f"- due{blanks}x\n- a{blanks}b\n- Owner:{blanks}\n- due :{blanks}x\n"
    started = time.perf_counter()
    rows = [table_row(item) for item in list_items(text, 1)]
    assert len(rows) == 4 and time.perf_counter() - started < 2
