"""Read a YAML mapping with the file line of every key, refusing what front matter never needs.

PyYAML is used for its event stream only. The value tree is built here, without recursion,
so that anchors, aliases, tags, directives and merge keys are refused before anything reads
the result (RELIABILITY §0.4), duplicate keys are found, and every error names a file line.
Plain scalars are resolved exactly as ``yaml.safe_load`` would.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

import yaml

from hindsight.model import Finding
from hindsight.problems import problem
from hindsight.terminal import describe

MAX_DEPTH = 32

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Which libyaml a PyYAML wheel bundles decides how deep it lets a text nest before its
# scanner gives up on its own (0.2.5: never; the one in PyYAML 6.0.4: 1,000 levels, with an
# error that names no limit of ours). So that the outcome never depends on the version
# installed, a text that could nest deeper than MAX_DEPTH is read with PyYAML's pure-Python
# parser, which has no limit, and the reader below stops it at MAX_DEPTH.
_DEEP_TEXT_LOADER = yaml.SafeLoader
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_VERBATIM = {_STR, "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)


class Pos(NamedTuple):
    """Where a value stands in the file, and how it was written."""

    line: int
    column: int
    plain: bool = False
    raw: str | None = None


class YMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers the file position of each key and value."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}
        self.duplicates: set[Any] = set()


class YSeq(list):  # type: ignore[type-arg]
    """A sequence that remembers the file position of each item."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.item_pos: list[Pos] = []


class Parsed(NamedTuple):
    """The root value (None when nothing usable was read) and the problems met."""

    value: Any
    problems: list[Finding]


class _Reader:
    """Turn a PyYAML event stream into YMap/YSeq values with file positions."""

    def __init__(self, path: str, first_line: int, incident: str | None) -> None:
        self.path, self.offset, self.incident = path, first_line - 1, incident
        self.problems: list[Finding] = []

    def pos(self, mark: Any, plain: bool = False, raw: str | None = None) -> Pos:
        return Pos(mark.line + 1 + self.offset, mark.column + 1, plain, raw)

    def report(self, code: str, mark_or_pos: Any, message: str) -> None:
        p = mark_or_pos if isinstance(mark_or_pos, Pos) else self.pos(mark_or_pos)
        self.problems.append(
            problem(code, self.path, p.line, message, column=p.column, incident=self.incident)
        )

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        """The value of a scalar, resolved as ``safe_load`` would, or None if refused."""
        tag, value, ok = _resolved(event.value, event.implicit)
        if event.tag is not None and event.tag not in ("!", tag):
            self.report(
                "HS105",
                event.start_mark,
                f"tag '{_short(event.tag)}' is not allowed; write a plain value",
            )
            return None
        if not ok:
            self.report(
                "HS108",
                event.start_mark,
                f"'{event.value}' looks like a date but is not a real one; use YYYY-MM-DD",
            )
            return None
        hidden = CONTROL.search(value) if isinstance(value, str) else None
        if hidden is not None:
            char = hidden.group()
            self.report(
                "HS109",
                event.start_mark,
                f"the value holds U+{ord(char):04X} ({describe(char)}) at character "
                f"{hidden.start() + 1}; remove it",
            )
        return value

    def read(self, events: Any) -> Any:
        """Build the first document's root value from ``events``."""
        stack: list[Any] = []
        pending_key: list[Any] = []
        root: Any = None
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                if event.explicit and (event.version or event.tags):
                    self.report(
                        "HS105", event.start_mark, "YAML directives (%YAML, %TAG) are not allowed"
                    )
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind is yaml.AliasEvent:
                self.report(
                    "HS105",
                    event.start_mark,
                    f"alias '*{event.anchor}' is not allowed; write the value out",
                )
                value, pos = None, self.pos(event.start_mark)
            elif kind in (yaml.SequenceEndEvent, yaml.MappingEndEvent):
                # The container was attached to its parent when it opened.
                value = stack.pop()
                pending_key.pop()
                if not stack:
                    return value
                continue
            else:
                if getattr(event, "anchor", None):
                    self.report(
                        "HS105", event.start_mark, f"anchor '&{event.anchor}' is not allowed"
                    )
                if kind is yaml.ScalarEvent:
                    value = self.scalar(event)
                    plain = _is_plain(event)
                    pos = self.pos(event.start_mark, plain, event.value if plain else None)
                else:
                    if kind is yaml.SequenceStartEvent:
                        value = YSeq(*_lc(event.start_mark, self.offset))
                    else:
                        value = YMap(*_lc(event.start_mark, self.offset))
                    if event.tag is not None and event.tag != "!" and not event.implicit:
                        self.report(
                            "HS105", event.start_mark, f"tag '{_short(event.tag)}' is not allowed"
                        )
                    if len(stack) >= MAX_DEPTH:
                        self.report(
                            "HS110", event.start_mark, f"nesting deeper than {MAX_DEPTH} levels"
                        )
                        raise _TooDeep
                    pos = self.pos(event.start_mark)
                    if not stack:
                        root = value
                    else:
                        self._attach(stack[-1], pending_key, value, pos)
                    stack.append(value)
                    pending_key.append(_NO_KEY)
                    continue
            if not stack:
                return value
            self._attach(stack[-1], pending_key, value, pos)
        return root

    def _attach(self, parent: Any, keys: list[Any], value: Any, pos: Pos) -> None:
        """Put ``value`` into ``parent``: a sequence item, a mapping key, or a mapping value."""
        if isinstance(parent, YSeq):
            parent.append(value)
            parent.item_pos.append(pos)
            return
        key = keys[-1]
        if key is _NO_KEY:
            keys[-1] = self._key(parent, value, pos)
            return
        keys[-1] = _NO_KEY
        if key is _SKIP:
            return
        parent[key] = value
        parent.value_pos[key] = pos

    def _key(self, parent: YMap, key: Any, pos: Pos) -> Any:
        """Validate a mapping key; return it, or _SKIP when its value must be dropped."""
        if key == "<<" and pos.plain:
            self.report("HS105", pos, "merge keys ('<<') are not allowed; write the keys out")
            return _SKIP
        if not isinstance(key, str):
            shown = f"'{pos.raw}'" if pos.raw is not None else "here"
            self.report(
                "HS107", pos, f"key {shown} is not a string; keys are plain words like 'title'"
            )
            return _SKIP
        if key in parent.key_pos:
            first = parent.key_pos[key].line
            self.report("HS106", pos, f"duplicate key '{key}' (first on line {first}); keep one")
            parent.duplicates.add(key)
        parent.key_pos[key] = pos
        return key


@functools.lru_cache(maxsize=4096)
def _resolved(text: str, implicit: tuple[bool, bool]) -> tuple[str, Any, bool]:
    """(tag, value, whether it could be built) of a scalar written ``text``.

    Kept for the words every front matter repeats (statuses, severities, handles, dates):
    the values are immutable (text, numbers, dates, None), so one can serve every file.
    """
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, implicit)
    if tag in _VERBATIM:
        return tag, text, True
    try:
        return tag, _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, text)), True
    except (ValueError, OverflowError, yaml.YAMLError):
        return tag, None, False
    finally:
        # construct_object remembers every node it built until a whole document is
        # constructed, which never happens here: without this, a check of a large
        # archive would keep every scalar of every front matter.
        _CONSTRUCTOR.constructed_objects.clear()


class _TooDeep(Exception):
    """Raised inside the reader to stop at the depth limit."""


_NO_KEY = object()
_SKIP = object()


def _is_plain(event: yaml.ScalarEvent) -> bool:
    """True for an unquoted scalar (the C parser says style '', the Python one None)."""
    return bool(event.implicit[0]) and not event.style


def _short(tag: str) -> str:
    """``tag:yaml.org,2002:binary`` as people write it: ``!!binary``."""
    return tag.replace("tag:yaml.org,2002:", "!!", 1)


def _lc(mark: Any, offset: int) -> tuple[int, int]:
    return mark.line + 1 + offset, mark.column + 1


def could_nest_deeper(text: str, limit: int = MAX_DEPTH) -> bool:
    """False when ``text`` cannot hold collections nested more than ``limit`` deep.

    A level of nesting needs a flow bracket, a sequence entry ('- '), an explicit key
    ('? ') or an indentation wider than its parent's; their sum bounds the depth. Front matter stays far
    below the limit, so this costs a few ``str.count`` calls.
    """
    bound = (
        text.count("[") + text.count("{") + sum(text.count(c) for c in ("- ", "-\n", "? ", "?\n"))
    )
    if bound > limit:
        return True
    indents = {len(line) - len(line.lstrip(" ")) for line in text.split("\n") if line.strip()}
    return bound + len(indents) > limit


def read_yaml(text: str, path: str, *, first_line: int = 1, incident: str | None = None) -> Parsed:
    """Read ``text`` (which starts on file line ``first_line``) into YMap/YSeq values."""
    reader = _Reader(path, first_line, incident)
    loader = _DEEP_TEXT_LOADER if could_nest_deeper(text) else _Loader
    try:
        value = reader.read(yaml.parse(text, Loader=loader))
    except _TooDeep:
        return Parsed(None, reader.problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):
            # Unreachable with could_nest_deeper's bound; kept so that a libyaml with a
            # lower limit still gives the depth finding rather than a syntax error.
            reader.report("HS110", mark, f"nesting deeper than {MAX_DEPTH} levels")
        else:
            reader.report("HS103", mark, _syntax_message(exc))
        return Parsed(None, reader.problems)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        reader.report(
            "HS109",
            Pos(line, col),
            f"character U+{char:04X} ({describe(chr(char))}) is not allowed in YAML; remove it",
        )
        return Parsed(None, reader.problems)
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:
        reader.report("HS103", Pos(first_line, 1), f"YAML could not be read: {exc}")
        return Parsed(None, reader.problems)
    return Parsed(value, reader.problems)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's message, with a hint for the mistakes people make most."""
    problem_text = exc.problem or "invalid YAML"
    hints = {
        "mapping values are not allowed": "a value containing ': ' must be quoted",
        "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
        "found undefined alias": "'*' starts an alias; quote the value",
        "found character '@' that cannot start any token": "a value starting with '@' must be quoted",
        "found character '`' that cannot start any token": "a value starting with '`' must be quoted",
    }
    hint = next((h for p, h in hints.items() if problem_text.startswith(p)), None)
    if exc.context and exc.context not in problem_text:
        problem_text = f"{problem_text} ({exc.context})"
    return f"YAML syntax: {problem_text}" + (f"; {hint}" if hint else "")
