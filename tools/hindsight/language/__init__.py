"""Reading postmortem prose for blame: sentences, people, a lexicon of faults, and clauses that link them.

:func:`find` is the one entry point: the blame rules (``rules/blame.py``) call it on each
paragraph, title and timeline event. It costs one prefilter search on text where no fault
expression can begin.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hindsight.language.people import mask_names
from hindsight.language.sentences import mask_quotes, sentences

#: the kinds of blame, in the order the rules document them
KINDS = (
    "cognitive",
    "label",
    "counterfactual",
    "character",
    "phrase",
    "agent",
    "fault",
    "accountability",
)


class Hit(NamedTuple):
    """Blameful words in a text: where they start and end, and their kind (one of :data:`KINDS`)."""

    start: int
    end: int
    kind: str


def prefilter() -> re.Pattern[str]:
    """One search that finds where any fault expression could begin (see :mod:`.heads`).

    It is read from the expressions themselves, so it cannot miss one: a text it finds
    nothing in holds no blameful wording, and costs nothing more.
    """
    from hindsight.language.clauses import candidates

    return candidates()


def _folded(text: str) -> str:
    from hindsight.folding import folded

    return folded(text)


def find(
    text: str,
    names: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    allow: tuple[str, ...] = (),
) -> list[Hit]:
    """Blameful wording in ``text`` (a paragraph, a title or an event), quotes and code left out.

    ``names`` are the people known to the archive and the incident, masked as persons whatever
    they look like; ``phrases`` are the archive's own blameful phrases (kind 'phrase');
    wording that overlaps one of ``allow`` is never reported.
    """
    masked = mask_names(mask_quotes(text), names)
    lowered = _folded(masked)
    hits: list[Hit] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(h.start <= start < h.end or start <= h.start < end for h in hits):
            return
        if allow and _allowed(masked, start, end, allow):
            return
        hits.append(Hit(start, end, kind))

    if prefilter().search(lowered):
        from hindsight.language.clauses import link

        for span in sentences(masked):
            for found in sorted(link(masked, span, lowered), key=lambda h: (h.start, -h.end)):
                add(found.start, found.end, found.kind)
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", masked, re.IGNORECASE):
            add(match.start(), match.end(), "phrase")
    return sorted(hits)


def _allowed(text: str, start: int, end: int, allow: tuple[str, ...]) -> bool:
    lowered = text.lower()
    for phrase in allow:
        p = phrase.lower()
        at = lowered.find(p)
        while at != -1:
            if at <= start < at + len(p) or start <= at < end:
                return True
            at = lowered.find(p, at + 1)
    return False
