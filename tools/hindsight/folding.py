"""Cheap prefilters for case-blind patterns: text lower-cased as ``re`` folds it, and words as a trie.

Kept apart from the rules so that a command which only needs the secret scanner (``log``)
does not import every rule.
"""

from __future__ import annotations

import re


def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern found wherever one of ``words`` is: ``m(?:ade|ess|is)`` rather than ``made|mess|mis``.

    For the prefilters that run on every paragraph or line before the real patterns: with
    the words sharing their first letters, ``re`` turns a position away after one
    comparison instead of one per word. Compile it once, at import.
    """
    return re.compile(_trie(sorted(set(words))))


#: letters ``re`` takes for an ASCII letter when it ignores case and ``str.lower`` does not turn into one
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def folded(text: str) -> str:
    """``text`` lower-cased so that an ASCII word is in it wherever ``re.IGNORECASE`` would find it.

    A prefilter of a case-insensitive pattern searches this with :func:`any_of`, which costs
    a fraction of a case-insensitive search.
    """
    if text.isascii() or not ("\u0130" in text or "\u0131" in text or "\u017f" in text):
        return text.lower()  # (translate is slow: it looks at every character in Python)
    return text.translate(_FOLD).lower()


def _trie(words: list[str]) -> str:
    if "" in words:  # a word that is the start of the others is found wherever they are
        return ""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + _trie(rests) for first, rests in groups.items()]
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
