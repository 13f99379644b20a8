"""What a regular expression's matches can start with, read from ``re``'s own parse tree.

For tests only: the parser module is private (``re._parser`` from Python 3.11,
``sre_parse`` before), and what it returns is stable enough to walk but not promised.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P
except ImportError:  # Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_UNKNOWN = ""  # a start that could be any character: no finite set of letters covers it


def starts(pattern: re.Pattern[str], length: int = 2) -> set[str]:
    """Every lower-cased string of ``length`` characters a match of ``pattern`` can begin with.

    A shorter string means the match can end, or go on with any character, after it; the
    empty string means the first character could be anything. Assertions are skipped: a
    look-ahead only narrows what matches, so skipping it gives a superset.
    """
    return _heads(list(P.parse(pattern.pattern, pattern.flags)), length, 0)


def _heads(items: list[Any], length: int, depth: int) -> set[str]:
    if length == 0 or not items:
        return {""}
    if depth > 40:
        return {_UNKNOWN}
    op, av = items[0]
    rest = items[1:]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return _heads(rest, length, depth + 1)
    if op is C.LITERAL:
        return {chr(av).lower() + tail for tail in _heads(rest, length - 1, depth + 1)}
    if op is C.IN:
        chars = set()
        for kind, value in av:
            if kind is C.LITERAL:
                chars.add(chr(value).lower())
            elif kind is C.RANGE and value[1] - value[0] < 32:
                chars.update(chr(c).lower() for c in range(value[0], value[1] + 1))
            else:  # a category (\w, \s), a negated set or a wide range: anything
                return {_UNKNOWN}
        return {c + tail for c in chars for tail in _heads(rest, length - 1, depth + 1)}
    if op is C.BRANCH:
        return set().union(*(_heads(list(alt) + rest, length, depth + 1) for alt in av[1]))
    if op is C.SUBPATTERN:
        return _heads(list(av[3]) + rest, length, depth + 1)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, high, sub = av
        found = _heads(rest, length, depth + 1) if low == 0 else set()
        if high is C.MAXREPEAT or high > 1:
            again = [(op, (max(low - 1, 0), high if high is C.MAXREPEAT else high - 1, sub))]
        else:
            again = []
        if high is C.MAXREPEAT or high > 0:
            found |= _heads(list(sub) + again + rest, length, depth + 1)
        return found
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _heads(list(av) + rest, length, depth + 1)
    return {_UNKNOWN}  # any character, a back-reference, a conditional
