"""Read the postmortem body: level-2 sections, the action-item table, ignore comments.

A line scanner, not a Markdown renderer: fenced code and HTML comments are skipped so a
``## heading`` inside them is not a section, and every result keeps its file line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from hindsight.model import ActionItem, Section

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT_2 = re.compile(r"^ {0,3}-+[ \t]*$")
_SETEXT_1 = re.compile(r"^ {0,3}=+[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IGNORE = re.compile(r"<!--\s*hindsight:\s*ignore\s+([A-Za-z0-9_,\s-]+?)\s*-->")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")

#: action-item column -> header words accepted for it (matched case-insensitively)
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "action": ("action", "action item", "item", "task", "what", "description"),
    "owner": ("owner", "owners", "who", "assignee"),
    "due": ("due", "due date", "deadline", "by"),
    "ticket": ("ticket", "issue", "tracking", "link", "tracker"),
    "status": ("status", "state"),
    "kind": ("kind", "type", "category"),
}


def strip_comments(text: str) -> str:
    """``text`` without HTML comments."""
    return _COMMENT.sub("", text) if "<!--" in text else text


@lru_cache(maxsize=1024)
def normalise_heading(title: str) -> str:
    """A heading as compared with section names: no links, marks or case."""
    title = _LINK.sub(r"\1", title)
    title = re.sub(r"[*_`]", "", title)
    title = re.sub(r"\s+", " ", title).strip().rstrip("?:.!").strip()
    return title.casefold()


def match_section(title: str, names: Mapping[str, Sequence[str]]) -> str | None:
    """The required section a heading stands for: by name or alias, then by leading words."""
    return _match(normalise_heading(title), tuple((k, tuple(v)) for k, v in names.items()))


@lru_cache(maxsize=1024)
def _match(heading: str, names: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for key, aliases in names:
        if heading in (a.casefold() for a in (key, *aliases)):
            return key
    for key, aliases in names:
        for alias in (key, *aliases):
            a = alias.casefold()
            if heading.startswith(a) and not heading[len(a) : len(a) + 1].isalnum():
                return key
    return None


def content_lines(lines: Sequence[str]) -> Iterable[tuple[int, str, bool]]:
    """(index, line, is_content) for each line: False inside fenced code or an HTML comment."""
    fence: str | None = None
    in_comment = False
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            yield i, line, False
            continue
        if in_comment:
            in_comment = "-->" not in line
            yield i, line, False
            continue
        match = _FENCE.match(line) if ("`" in line or "~" in line) else None
        if match:
            fence = match.group(1)
            yield i, line, False
            continue
        start = line.rfind("<!--")
        if start != -1 and "-->" not in line[start:]:
            in_comment = True
            yield i, line, line.lstrip().startswith("<!--") is False
            continue
        yield i, line, True


def headings(lines: Sequence[str]) -> list[tuple[int, int, str, int]]:
    """(line index, level, title, index of the first line after it) for every heading.

    ATX (``## Title``) and setext (``Title`` over ``---``) headings count; those inside
    fenced code or HTML comments do not.
    """
    found: list[tuple[int, int, str, int]] = []
    paragraph: tuple[int, str] | None = None
    for i, line, content in content_lines(lines):
        if not content:
            paragraph = None
            continue
        atx = _ATX.match(line) if "#" in line[:4] else None
        if atx:
            found.append((i, len(atx.group(1)), (atx.group(2) or "").strip(), i + 1))
            paragraph = None
        elif paragraph is not None and (_SETEXT_2.match(line) or _SETEXT_1.match(line)):
            found.append((paragraph[0], 1 if "=" in line else 2, paragraph[1].strip(), i + 1))
            paragraph = None
        elif line.strip() and not line.lstrip().startswith(("|", ">", "- ", "* ", "+ ", "    ")):
            start, text = paragraph if paragraph else (i, "")
            paragraph = (start, f"{text} {line.strip()}")
        else:
            paragraph = None
    return found


def sections(body: str, first_line: int, names: Mapping[str, Sequence[str]]) -> list[Section]:
    """The level-2 sections of ``body``, whose first line is file line ``first_line``."""
    lines = body.split("\n")
    marks = [h for h in headings(lines) if h[1] <= 2]
    result = []
    for n, (i, level, title, start) in enumerate(marks):
        if level != 2:
            continue
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        while end > start and not lines[end - 1].strip():
            end -= 1
        text = "\n".join(lines[start:end])
        result.append(
            Section(
                title,
                first_line + i,
                first_line + max(end, start + 1) - 1,
                text,
                first_line + start,
                match_section(title, names),
            )
        )
    return result


def cell_spans(line: str) -> list[tuple[int, int]]:
    """Where each cell of a table row lies in ``line`` (outer pipes excluded, spaces included)."""
    start, end = len(line) - len(line.lstrip()), len(line.rstrip())
    if line.startswith("|", start):
        start += 1
    if end > start and line[end - 1] == "|" and not (end - 2 >= start and line[end - 2] == "\\"):
        end -= 1
    spans = []
    for pipe in _CELL_SPLIT.finditer(line, start, end):
        spans.append((start, pipe.start()))
        start = pipe.end()
    spans.append((start, end))
    return spans


def _cells(line: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    return [line[a:b].strip().replace("\\|", "|") for a, b in spans or cell_spans(line)]


def _starts(line: str, spans: list[tuple[int, int]]) -> list[int]:
    """The 1-based column where each cell's text starts (an empty cell: just after its pipe)."""
    return [
        a + 1 + (len(line[a:b]) - len(line[a:b].lstrip()) if line[a:b].strip() else 0)
        for a, b in spans
    ]


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = normalise_heading(cell)
        for column, words in COLUMNS.items():
            if name in words and column not in found:
                found[column] = index
    return found


def action_items(section: Section) -> tuple[list[ActionItem], dict[str, int] | None]:
    """The rows of the first table in ``section`` and its column map (None: no table)."""
    lines = section.text.split("\n")
    offset = section.text_line
    for i in range(len(lines) - 1):
        if "|" in lines[i] and _TABLE_RULE.match(lines[i + 1]) and "-" in lines[i + 1]:
            columns = _column_map(_cells(lines[i]))
            items = []
            for j in range(i + 2, len(lines)):
                if "|" not in lines[j] or not lines[j].strip():
                    break
                spans = cell_spans(lines[j])
                cells, starts = _cells(lines[j], spans), _starts(lines[j], spans)

                def cell(
                    name: str, columns: dict[str, int] = columns, cells: list[str] = cells
                ) -> str:
                    index = columns.get(name)
                    return cells[index] if index is not None and index < len(cells) else ""

                at = {name: starts[index] for name, index in columns.items() if index < len(starts)}
                items.append(
                    ActionItem(
                        offset + j,
                        cell("action"),
                        cell("owner"),
                        cell("due"),
                        cell("ticket"),
                        cell("status"),
                        cell("kind"),
                        at,
                    )
                )
            return items, columns
    return [], None


_LIST_ITEM = re.compile(r"^( {0,3})(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[([ xX])\][ \t]+)?(\S.*)$")
_NESTED_ITEM = re.compile(r"^\s+(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_OWNER = re.compile(
    r"\b(?:(?:owner|assignee)\s*:\s*@?|(?:owned by|assigned to)\s+@)([A-Za-z0-9][A-Za-z0-9-]*)",
    re.IGNORECASE,
)
_DUE = re.compile(
    r"\b(?:due(?: date)?|deadline|by)(?:\s*[:=]\s*|\s+)(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE
)
_URL = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>|(https?://[^\s)>\]]+)")
_KEY = re.compile(r"(?<![\w/-])([A-Z][A-Z0-9]+-\d+|#\d+)\b")
_DONE = re.compile(r"\u2705|\((?:done|completed?)\)\s*$", re.IGNORECASE)
TABLE_HEAD = ("| Action | Owner | Due | Ticket | Status |", "| --- | --- | --- | --- | --- |")


class ListItem(NamedTuple):
    """One item of a bullet, numbered or checkbox list: its file line, text and checkbox."""

    line: int
    text: str  # wrapped lines and sub-items joined on one line
    checked: bool | None  # None: no checkbox
    group: str | None  # the sub-heading it is listed under
    indices: tuple[int, ...]  # its lines, 0-based within the section's text


def list_items(text: str, first_line: int) -> list[ListItem]:
    """The items of every list in ``text``: ``- ``, ``* ``, ``+ ``, ``1. ``, ``- [ ] ``, ``- [x] ``.

    A wrapped line or a sub-item belongs to the item above it; lists in fenced code or
    comments are not lists.
    """
    lines = text.split("\n")
    items: list[ListItem] = []
    group: str | None = None
    open_item = False
    for i, line, content in content_lines(lines):
        heading = _ATX.match(line) if content and "#" in line[:4] else None
        item = _LIST_ITEM.match(line) if content and not _BREAK.match(line) else None
        if item and open_item and len(item.group(1)) >= 2:  # a sub-item of the one above
            item = None
        if heading:
            group, open_item = (heading.group(2) or "").strip() or None, False
        elif item:
            checked = None if item.group(2) is None else item.group(2) != " "
            text = item.group(3).rstrip()  # not in the pattern: a lazy match there is quadratic
            items.append(ListItem(first_line + i, text, checked, group, (i,)))
            open_item = True
        elif open_item and content and line[:1] in (" ", "\t") and line.strip():
            last = items[-1]
            nested = _NESTED_ITEM.match(line)
            more = line[nested.end() :] if nested else line
            joined = f"{last.text}{'; ' if nested else ' '}{more.strip()}"
            items[-1] = last._replace(text=joined, indices=(*last.indices, i))
        elif line.strip() or not content:
            open_item = False
    return items


def table_row(item: ListItem) -> tuple[str, bool, bool]:
    """The table row for a list item, and whether the item named its owner and its due date.

    The text is kept whole (under a sub-heading, after it); a handle after ``Owner:``, an ISO
    date after ``due`` or ``by``, the first link or ticket key and a ticked box or ✅ fill
    the cells; what the item does not say is left empty for ``check`` to ask for.
    """
    text = f"{item.group}: {item.text}" if item.group else item.text
    owner = _OWNER.search(item.text)
    due = _DUE.search(item.text)
    url = _URL.search(item.text)
    key = _KEY.search(item.text)
    ticket = next(g for g in url.groups() if g) if url else key.group(1) if key else ""
    done = item.checked or (item.checked is None and bool(_DONE.search(item.text)))
    cells = [
        text,
        owner.group(1) if owner else "",
        due.group(1) if due else "",
        ticket.rstrip(".,;:"),
        "done" if done else "open",
    ]
    row = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return row, owner is not None, due is not None


def ignores(text: str, first_line: int) -> dict[int, frozenset[str]]:
    """File line -> rule codes silenced there by ``<!-- hindsight: ignore HS301 -->``.

    A comment alone on its line also covers the next non-blank line.
    """
    found: dict[int, set[str]] = {}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for match in _IGNORE.finditer(line):
            codes = {c.upper() for c in re.split(r"[\s,]+", match.group(1)) if c}
            targets = [i]
            if not _IGNORE.sub("", line).strip():
                nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
                if nxt is not None:
                    targets.append(nxt)
            for t in targets:
                found.setdefault(first_line + t, set()).update(codes)
    return {line: frozenset(codes) for line, codes in found.items()}


_INLINE_CODE = re.compile(r"(`+)[^`].*?\1|``")
_HEADING_MARK = re.compile(r"^ {0,3}#{1,6}(?=[ \t]|$)")
_CHAT_LINE = re.compile(
    r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\]?\s+)?(?:<[^>\s]{1,40}>|@?[\w.-]{1,40}:)\s"
)
_CHAT_TIME = re.compile(r"^\s*\[?\d{1,2}:\d{2}")
_STAMP = r"\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\]?"
#: ``>dana [5:19 PM]`` or ``[17:19] dana:`` alone on a line: the lines below it are the message
_CHAT_HEADER = re.compile(
    rf"^\s*>?\s*(?:@?[\w.-]{{1,40}}\s+{_STAMP}|{_STAMP}\s+@?[\w.-]{{1,40}}:?)\s*$"
)


class Prose(NamedTuple):
    """A paragraph of running text, its lines joined by spaces, with where each line began."""

    text: str
    starts: tuple[tuple[int, int, int], ...]  # (offset in text, file line, column)

    def place(self, offset: int) -> tuple[int, int]:
        """File line and 1-based column of ``text[offset]``."""
        line, column, begin = self.starts[0][1], self.starts[0][2], 0
        for start, file_line, first_column in self.starts:
            if start > offset:
                break
            line, column, begin = file_line, first_column, start
        return line, column + offset - begin


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def is_chat_line(line: str, previous_was_chat: bool = False) -> bool:
    """A line pasted from a chat log: ``[14:03] dana: …``, ``<dana> …`` (or ``dana: …`` among them)."""
    match = _CHAT_LINE.match(line)
    if not match:
        return False
    return bool(_CHAT_TIME.match(line)) or line.lstrip().startswith("<") or previous_was_chat


def prose(text: str, first_line: int, *, quotes: bool = True) -> list[Prose]:
    """The paragraphs of running text in ``text``: no fenced code, comments or inline code.

    Headings and table rows are paragraphs of their own. With ``quotes=False``, block quotes
    and pasted chat logs are left out too: they are other people's words.
    """
    lines = (_COMMENT.sub(_blank, text) if "<!--" in text else text).split("\n")
    found: list[Prose] = []
    parts: list[str] = []
    starts: list[tuple[int, int, int]] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if parts:
            found.append(Prose(" ".join(parts), tuple(starts)))
        parts.clear()
        starts.clear()
        size = 0

    def add(line: str, number: int) -> None:
        nonlocal size
        stripped = line.strip()
        if not stripped:
            return
        column = len(line) - len(line.lstrip()) + 1
        if parts:
            size += 1
        starts.append((size, number, column))
        parts.append(stripped)
        size += len(stripped)

    chat = False
    message = False  # inside a chat message under a header line
    for i, raw, content in content_lines(lines):
        number = first_line + i
        if not content:  # fenced code, or a comment left open
            flush()
            continue
        line = _INLINE_CODE.sub(_blank, raw) if "`" in raw else raw
        if not line.strip():
            flush()
            chat = message = False
            continue
        if not quotes and _CHAT_HEADER.match(line):
            flush()
            message = True
            continue
        if not quotes and message and not line.lstrip().startswith(">"):
            continue
        message = False
        if not quotes and (line.lstrip().startswith(">") or is_chat_line(line, chat)):
            flush()
            chat = not line.lstrip().startswith(">")
            continue
        if "-" in line and _TABLE_RULE.match(line):
            continue
        heading = _HEADING_MARK.match(line) if "#" in line[:4] else None
        if heading or line.lstrip().startswith("|"):
            flush()
            add(_HEADING_MARK.sub(lambda m: " " * len(m.group()), line), number)
            flush()
            continue
        add(line, number)
    flush()
    return found
