"""Where a pattern can start: the first letters of its every match, read from the pattern itself.

The fault expressions are one large alternation. ``re`` tries every alternative at every
position of a sentence, which costs more than everything else the blame rules do. Most words
cannot start any expression: :func:`starts` reads the pattern's syntax tree and returns the
strings (up to a few letters) that every match begins with, and :func:`positions` finds, in
one fast pass, the places where one of them begins a word. Trying the pattern only there
gives exactly the matches of ``finditer``, since no match can begin anywhere else.

The tree is ``re``'s own parser output. Where it cannot be read (an unknown node, another
Python), :func:`starts` returns None and the caller scans every position, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # Python 3.11 and newer
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
#: a prefix and whether what follows it in the pattern may still add letters to it
_Prefix = tuple[str, bool]


#: letters read at the start of each alternative: enough to tell "the blame" from "the build"
DEPTH = 5


class _Unknown(Exception):
    """A node this reader does not know: the caller falls back to scanning every position."""


def starts(pattern: str, depth: int = DEPTH) -> frozenset[str] | None:
    """Strings of up to ``depth`` letters one of which begins every match of ``pattern``.

    None when some match may begin with anything (an empty prefix) or the pattern cannot be
    read. Letters are as written in the pattern: match it against text of the same case.
    """
    try:
        found = _sequence(list(_p.parse(pattern)), depth)
    except (_Unknown, RecursionError, ValueError, TypeError):
        return None
    prefixes = frozenset(text for text, _ in found)
    return None if "" in prefixes or not prefixes else prefixes


def positions(prefixes: frozenset[str]) -> re.Pattern[str]:
    """A pattern of empty matches at each word start (or apostrophe) followed by one of ``prefixes``."""
    from hindsight.language.lexicon import trie

    return re.compile(rf"(?:(?<![\w\x01])|(?=['’]))(?={trie(sorted(prefixes))})")


def _sequence(items: list[tuple[object, object]], depth: int) -> set[_Prefix]:
    current: set[_Prefix] = {("", True)}
    for op, av in items:
        extended: set[_Prefix] = set()
        for text, open_ in current:
            if not open_ or len(text) >= depth:
                extended.add((text[:depth], False))
                continue
            for more, more_open in _node(op, av, depth - len(text)):
                extended.add(((text + more)[:depth], more_open and len(text + more) < depth))
        current = extended
        if all(not open_ for _, open_ in current):
            break
    return current


def _node(op: object, av: object, depth: int) -> set[_Prefix]:
    if op is _c.LITERAL:
        return {(chr(av), True)}  # type: ignore[arg-type]
    if op in _ZERO_WIDTH:
        return {("", True)}
    if op is _c.IN:
        letters = [chr(v) for o, v in av if o is _c.LITERAL]  # type: ignore[union-attr]
        if len(letters) == len(av) and len(letters) <= 8:  # type: ignore[arg-type]
            return {(letter, True) for letter in letters}
        return {("", False)}
    if op in (_c.ANY, _c.NOT_LITERAL, _c.CATEGORY):
        return {("", False)}
    if op is _c.BRANCH:
        out: set[_Prefix] = set()
        for alternative in av[1]:  # type: ignore[index]
            out |= _sequence(list(alternative), depth)
        return out
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]), depth)  # type: ignore[index]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av), depth)  # type: ignore[arg-type]
    if op in _REPEATS:
        least, _, body = av  # type: ignore[misc]
        once = {(text, False) for text, _ in _sequence(list(body), depth)}
        return once | {("", True)} if least == 0 else once
    raise _Unknown(op)


def fingerprint(pattern: str, depth: int) -> str:
    """A short name of ``pattern`` read to ``depth`` letters, to keep :func:`starts` between runs."""
    import hashlib

    return hashlib.sha1(f"{depth}:{pattern}".encode()).hexdigest()[:16]


def branches(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (``a|(b|c)|d`` gives ``a``, ``(b|c)``, ``d``)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1
            while pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


class Dispatch:
    """``re.compile(guard + "(?:" + "|".join(alternatives) + ")").finditer``, faster.

    ``re`` tries every alternative at every position. Here each alternative's possible
    beginnings (:func:`starts`) say which alternatives can match at a word: one pass finds the
    words where any can begin, and there only those are tried, in their order, each compiled
    on its own the first time it is needed. The matches are
    exactly those of the whole pattern's ``finditer``; an alternative whose beginnings cannot
    be read makes every word a candidate for it.
    """

    def __init__(
        self,
        guard: str,
        alternatives: list[str],
        depth: int = DEPTH,
        known: dict[str, list[str]] | None = None,
    ) -> None:
        """``known``: :func:`starts` of alternatives already read, by :func:`fingerprint`."""
        self.guard = guard
        self.alternatives = alternatives
        self.depth = depth
        self.by_prefix: dict[str, set[int]] = {}
        self.anywhere: set[int] = set()
        known = known or {}
        for index, alternative in enumerate(alternatives):
            cached = known.get(fingerprint(alternative, depth))
            found = frozenset(cached) if cached is not None else starts(alternative, depth)
            if found is None:
                self.anywhere.add(index)
            else:
                for prefix in found:
                    self.by_prefix.setdefault(prefix, set()).add(index)
        self.candidates = (
            positions(frozenset(self.by_prefix)) if not self.anywhere and self.by_prefix else None
        )
        self._whole: re.Pattern[str] | None = None
        self._single: dict[tuple[int, int], re.Pattern[str]] = {}
        self._chosen: dict[str, tuple[re.Pattern[str], ...]] = {}

    def finditer(self, text: str, begin: int, end: int) -> Iterator[re.Match[str]]:
        if self.candidates is None:
            if self._whole is None:
                self._whole = re.compile(f"{self.guard}(?:{'|'.join(self.alternatives)})")
            yield from self._whole.finditer(text, begin, end)
            return
        after = begin
        for candidate in self.candidates.finditer(text, begin, end):
            at = candidate.start()
            if at < after:
                continue
            key = text[at : at + self.depth]
            chosen = self._chosen.get(key)
            if chosen is None:
                chosen = self._choose(key)
            for pattern in chosen:
                m = pattern.match(text, at, end)
                if m is not None:
                    after = max(m.end(), at + 1)
                    yield m
                    break

    def _choose(self, key: str) -> tuple[re.Pattern[str], ...]:
        """The alternatives that can begin with ``key``'s letters, compiled, in their order.

        Short alternatives that follow each other are compiled together (one ``match``
        instead of one per alternative); together or apart, the first that matches wins.
        """
        indexes = set(self.anywhere)
        for length in range(1, len(key) + 1):
            indexes |= self.by_prefix.get(key[:length], set())
        runs: list[tuple[int, int]] = []
        for index in sorted(indexes):
            if runs and runs[-1][1] == index and not self._big(index) and not self._big(index - 1):
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
        chosen = self._chosen[key] = tuple(self._run(first, last) for first, last in runs)
        return chosen

    def _big(self, index: int) -> bool:
        """A long alternative (a lexicon's trie) is compiled on its own, once: compiling it
        again inside every run it could join would cost more than the calls it saves."""
        return len(self.alternatives[index]) > 2000

    def _run(self, first: int, last: int) -> re.Pattern[str]:
        pattern = self._single.get((first, last))
        if pattern is None:
            body = "|".join(self.alternatives[first:last])
            pattern = self._single[first, last] = re.compile(f"{self.guard}(?:{body})")
        return pattern
