"""Sentences and clauses of a paragraph, by offsets, and the parts of it that are other people's words."""

from __future__ import annotations

import re

_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|esp|cf|Dr|Mr|Mrs|Ms|St|Jr|Sr|No|Fig|al|ca)|"
    r"\b[A-Z])$"
)
_END = re.compile(
    r"[.!?]+[\"'”’)]*(?=\s+[^a-z\s]|\s*$)|\n\s*\n|(?<=:)\s*\n"
    r"|(?<=\S)\s+(?=[*+]\s+\S|-\s+\[)"  # list items that the paragraph joined: each is a sentence
)
#: quotes, code spans and chat lines are other people's words: every branch opens with its mark
QUOTED = re.compile(
    r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”|‘[^’\n]{1,200}’|'(?<![\w']')[^'\n]{1,80}'(?![\w])|«[^»\n]{1,200}»"
    r"|`[^`\n]{1,200}`"
    r"|(?m:^[ \t]*>[^\n]*)"
)


def mask_quotes(text: str) -> str:
    """``text`` with quoted words, code spans and quoted lines ('> ...') blanked out, offsets kept."""
    if not any(mark in text for mark in "\"“‘'«`>"):
        return text
    return QUOTED.sub(lambda m: " " * len(m.group()), text)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``."""
    spans = []
    begin = 0
    for match in _END.finditer(text):
        if text[match.start()] == "." and _ABBREVIATION.search(
            text, max(0, match.start() - 6), match.start()
        ):
            continue
        if text[begin : match.end()].strip():
            spans.append((begin, match.end()))
        begin = match.end()
    if text[begin:].strip():
        spans.append((begin, len(text)))
    return spans


_CLAUSE_BREAK = re.compile(
    r";|:(?!\d)|\s[—–]\s|\s--\s|\((?!s\))|\)|,\s+(?=(?:but|while|whereas|although|though|"
    r"because|since|so|which|and then|yet|after|before|when|once|until)\b)"
)


def clause_start(text: str, begin: int, at: int) -> int:
    """Where the clause holding offset ``at`` starts, within the sentence starting at ``begin``."""
    start = begin
    for match in _CLAUSE_BREAK.finditer(text, begin, at):
        start = match.end()
    return start


def clause_end(text: str, at: int, end: int) -> int:
    """Where the clause holding offset ``at`` ends, within the sentence ending at ``end``."""
    match = _CLAUSE_BREAK.search(text, at, end)
    return match.start() if match else end
