"""Where a public text names a restricted incident: by its id, or by its title word for word.

A restricted incident must appear nowhere in the published archive (SPEC §5, §7). The site
leaves its own pages out; this finds the other ways in: a public postmortem, its timeline or
a hand-written page under ``docs/`` that names it. The checker (HS810) and the site plugin
both use it, so that what ``hindsight check`` passes, the build does not refuse.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from hindsight.config import Settings
from hindsight.model import Incident
from hindsight.paths import head, incident_folders

#: the rule that reports a mention (``<!-- hindsight: ignore HS810 -->`` silences it on a line)
CODE = "HS810"
#: a title shorter than this (or of fewer words) is too common a phrase to look for
MIN_TITLE_CHARS, MIN_TITLE_WORDS = 12, 3
_PLAINLY_INTERNAL = re.compile(
    rb"^visibility:[ \t]*[\"']?internal[\"']?[ \t]*(?:#.*)?\r?$", re.MULTILINE
)
_PLAINLY_INTERNAL_LINE = re.compile(rb"visibility:[ \t]*[\"']?internal[\"']?[ \t]*(?:#.*)?\r?")
_WORD = re.compile(r"[\w-]")
_KEY_LINE = re.compile(r"^(?:---|\.\.\.|[^\s#-][^:]*:)")
_VISIBILITY = re.compile(rb"^[\"']?visibility[\"']?[ \t]*:", re.MULTILINE)


class Hidden(NamedTuple):
    """A restricted incident: its id and, when it could be read, its title."""

    id: str
    title: str | None
    unreadable: bool = False  # its visibility could not be read: restricted, to be safe


class Mention(NamedTuple):
    """Where a text names a restricted incident."""

    line: int
    column: int
    incident: Hidden
    by: str  # "id" or "title"


class Names(NamedTuple):
    """The restricted incidents to look for, as one pattern."""

    pattern: re.Pattern[str] | None
    by_key: dict[str, tuple[Hidden, str]]
    digest: str = ""  # of every id and title looked for: what a kept finding depends on

    def find(self, text: str) -> Iterator[Mention]:
        """Every place in ``text`` that names one of them (a title may run over lines)."""
        if self.pattern is None:
            return
        # (a letter whose small form is longer, such as U+0130, moves later columns on its line)
        lowered = text.lower()
        line, counted = 1, 0
        for match in self.pattern.finditer(lowered):
            start, end = match.span()
            if _WORD.match(lowered, start - 1) and start or _WORD.match(lowered, end):
                continue  # part of a longer word or id
            line += lowered.count("\n", counted, start)
            counted = start
            column = start - lowered.rfind("\n", 0, start)
            found = self.by_key.get(_key(match.group(0)))
            if found is None:  # a title written as an address: Order_export_links, Order%20export
                loose = _loose(match.group(0))
                found = next(v for k, v in self.by_key.items() if _loose(k) == loose)
            hidden, by = found
            yield Mention(line, column, hidden, by)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _loose(text: str) -> str:
    """``text`` as a key with what an address writes a space with (``_``, ``+``, ``%20``) a space."""
    return " ".join(_ADDRESS_SPACE.sub(" ", text.lower()).split())


_ADDRESS_SPACE = re.compile(r"[_+]|%20")


def names(hidden: Iterable[Hidden]) -> Names:
    """A finder for the ids and titles of ``hidden`` (case and spacing ignored)."""
    by_key: dict[str, tuple[Hidden, str]] = {}
    for item in hidden:
        by_key.setdefault(_key(item.id), (item, "id"))
        title = item.title.strip() if isinstance(item.title, str) else ""
        if len(title) >= MIN_TITLE_CHARS and len(title.split()) >= MIN_TITLE_WORDS:
            by_key.setdefault(_key(title), (item, "title"))
    if not by_key:
        return Names(None, {})
    # one trie of every id and title, read in the lower-cased text: it is read once, whatever
    # their number, and about twice as fast as with IGNORECASE and look-arounds
    pattern = re.compile(_trie(sorted(by_key)))
    digest = hashlib.blake2b(digest_size=16)
    for text, (item, by) in sorted(by_key.items()):
        digest.update(f"{text}\0{item.id}\0{by}\0{item.unreadable:d}\0".encode())
    return Names(pattern, by_key, digest.hexdigest())


def _trie(keys: list[str]) -> str:
    """A pattern matching any of ``keys`` (longest first where one starts another); a space
    in a key matches any run of spaces, line breaks and the marks a link address writes a space
    with (``_``, ``+``, ``%20``: ``wiki/Order_export_links``)."""
    groups: dict[str, list[str]] = {}
    ends = False
    for key in keys:
        if key:
            groups.setdefault(key[0], []).append(key[1:])
        else:
            ends = True
    branches = [
        (r"(?:[\s_+]|%20)+" if c == " " else re.escape(c)) + _trie(rest)
        for c, rest in groups.items()
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if ends else body


class _Reading:
    """:func:`restricted` of an archive, read in a thread of its own."""

    def __init__(self, settings: Settings) -> None:
        import threading

        self.settings = settings
        self._names: Names | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._names = restricted(self.settings)
        except BaseException as exc:  # noqa: BLE001 - raised again by result(), in the reader
            self._error = exc

    def result(self) -> Names:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._names is not None
        return self._names


_AHEAD: list[_Reading] = []


def read_ahead(settings: Settings) -> None:
    """Start reading the restricted incidents now, in a thread, for the next :func:`restricted`
    of ``settings`` with nothing loaded: a pull request's check reads every incident's head
    (its files' system calls let the rules be imported meanwhile)."""
    _AHEAD.append(_Reading(settings))


def restricted(settings: Settings, loaded: Iterable[tuple[str, str | None, bool]] = ()) -> Names:
    """The restricted incidents of the archive, read from disk (and ``loaded``: id, title, hidden).

    Only the head of each postmortem.md is read (as ``hindsight log`` does), and in full only
    when it does not plainly say ``visibility: internal``: a check of a pull request's changes
    stays fast in a large archive. An incident whose visibility cannot be read counts as
    restricted (fail closed, as the site does), by its id.
    """
    from hindsight.load.frontmatter import split

    known = {i: (title, hidden) for i, title, hidden in loaded}
    ahead = next((r for r in _AHEAD if r.settings is settings), None)
    if ahead is not None and not known:
        _AHEAD.remove(ahead)
        return ahead.result()
    found = [Hidden(i, title) for i, (title, hidden) in known.items() if hidden]
    for name, folder in incident_folders(settings):  # strings: 10,000 heads read in 0.1 s
        if name in known:
            continue
        path = os.path.join(folder, "postmortem.md")
        start = head(path, None)
        if start is None or plainly_internal(start):
            continue  # no postmortem.md: nothing of it exists to be named
        try:
            data = Path(path).read_bytes() if start else b""
        except OSError:
            data = b""
        if not data:  # missing, empty or unreadable: restricted, as the site treats it
            found.append(Hidden(name, None, unreadable=True))
            continue
        doc = split(data, "postmortem.md", name)
        meta = doc.meta if doc.readable else {}
        if doc.readable and meta.get("visibility") == "internal" and not doc.meta.duplicates:
            continue
        title = meta.get("title")
        title = title if isinstance(title, str) else None
        found.append(Hidden(name, title, unreadable=meta.get("visibility") != "restricted"))
    return names(found)


def plainly_internal(data: bytes) -> bool:
    """Whether a postmortem's front matter has one ``visibility:`` line, and it says internal."""
    end = data.find(b"\n---")
    head = data if end < 0 else data[:end]
    at = head.find(b"visibility")
    if at < 0:
        return False
    if head.find(b"visibility", at + 10) < 0:
        # the word once (as almost always): only its line can be the key, read that line alone
        # (10,000 heads in a third of the time, for a pull request's check of a large archive)
        start, stop = head.rfind(b"\n", 0, at) + 1, head.find(b"\n", at)
        return (
            _PLAINLY_INTERNAL_LINE.fullmatch(head[start:] if stop < 0 else head[start:stop])
            is not None
        )
    return len(_VISIBILITY.findall(head)) == 1 and bool(_PLAINLY_INTERNAL.search(head))


def docs_pages(settings: Settings) -> list[Path]:
    """The hand-written Markdown pages under ``docs/``, sorted; symbolic links are not followed."""
    base = settings.root / "docs"
    pages = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        pages.extend(Path(folder) / f for f in files if f.endswith(".md"))
    return sorted(p for p in pages if not p.is_symlink())


def without_related(front_matter: str) -> str:
    """``front_matter`` with the lines of its ``related:`` key blanked (line numbers kept).

    The site links a related incident only when it is published: an id there is never shown.
    """
    lines = front_matter.split("\n")
    inside = False
    for number, line in enumerate(lines):
        if _KEY_LINE.match(line):
            inside = line.startswith(("related:", '"related":', "'related':"))
        if inside:
            lines[number] = ""
    return "\n".join(lines)


def in_text(finder: Names, text: str) -> Iterator[Mention]:
    """The mentions in a Markdown text, but those an ignore comment silences on their line."""
    from hindsight.load.markdown import ignores

    found = list(finder.find(text))
    silenced = ignores(text, 1) if found else {}
    return (m for m in found if CODE not in silenced.get(m.line, ()))


def in_page(finder: Names, text: str) -> Iterator[Mention]:
    """The mentions in a Markdown text as written and as its page shows it (bold, entities,
    tags undone: :func:`hindsight.readers.source_view`), each line's once; those an ignore
    comment silences on their line left out."""
    from hindsight.load.markdown import ignores
    from hindsight.readers import source_view

    found = list(finder.find(text))
    view = source_view(text)
    if view is not None:
        lines = {(m.line, m.incident.id) for m in found}
        found += [m for m in finder.find(view) if (m.line, m.incident.id) not in lines]
    silenced = ignores(text, 1) if found else {}
    return (m for m in found if CODE not in silenced.get(m.line, ()))


def in_incident(finder: Names, incident: Incident) -> Iterator[tuple[str, Mention]]:
    """``(path, mention)`` for each place a loaded incident's files name a restricted one."""
    for where, text, first in (
        (incident.postmortem_path, without_related(incident.head), 1),
        (incident.postmortem_path, incident.body, incident.body_line),
        (incident.timeline_path, incident.timeline_text, 1),
    ):
        for mention in finder.find(text):
            line = mention.line + first - 1
            if where == incident.timeline_path or CODE not in incident.ignores.get(line, ()):
                yield where, mention._replace(line=line)


def describe(mention: Mention) -> str:
    """What was found, for a message."""
    which = mention.incident.id
    if mention.incident.unreadable:
        which += " (its visibility cannot be read, so it counts as restricted)"
    if mention.by == "id":
        return f"names the restricted incident {which}"
    return f"repeats the title of the restricted incident {which}"
