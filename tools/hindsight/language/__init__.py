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


#: below this probability, the second opinion doubts a rule's finding: it is a warning
CONFIRM_AT = 0.3
#: below this one, it overrules it: the sentence reads as fair ("Amara noticed her own typo
#: and reverted it"). Kept low: the second opinion knows words, not who did what, and gives
#: some plain blame ("the developer misjudged the impact") 0.04
DISMISS_AT = 0.03
#: from this probability, a sentence the rules pass is a warning (``blame.warning_threshold``)
WARN_AT = 0.95


class Hit(NamedTuple):
    """Blameful words in a text: where they start and end, and their kind (one of :data:`KINDS`).

    ``sure`` is False for a probable finding (a warning): a rule's finding the second opinion
    contradicts, or a sentence only the second opinion reads as blame. ``probability`` is the
    second opinion's (1.0 where it was not asked).
    """

    start: int
    end: int
    kind: str
    sure: bool = True
    probability: float = 1.0


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


def weigh(
    text: str,
    names: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    allow: tuple[str, ...] = (),
    warn_at: float = WARN_AT,
) -> list[Hit]:
    """:func:`find`'s findings weighed by the second opinion, and the sentences only it reads as blame.

    A rule's finding is sure (an error) unless the second opinion gives its sentence less than
    :data:`CONFIRM_AT` (a warning), or less than :data:`DISMISS_AT` (no finding); a sentence
    with no rule finding is a probable one (a warning) from ``warn_at`` (1 or more: never).
    Archive phrases (kind 'phrase') are always sure.
    """
    masked = mask_names(mask_quotes(text), names)
    lowered = _folded(masked)
    hits: list[Hit] = []

    def add(hit: Hit) -> None:
        if any(h.start <= hit.start < h.end or hit.start <= h.start < hit.end for h in hits):
            return
        if allow and _allowed(masked, hit.start, hit.end, allow):
            return
        hits.append(hit)

    from hindsight.language import learned
    from hindsight.language.clauses import link

    may = prefilter().search(lowered) is not None
    for begin, end in sentences(masked):
        links = link(masked, (begin, end), lowered) if may else []
        if not links and (warn_at >= 1 or not learned.worth_reading(masked, begin, end)):
            continue
        p, toks, feats = learned.opinion(masked[begin:end])
        # a warning is not given on the state of a thing named like a person ("Mempool is
        # back to zero"): only a sure finding
        thing = learned.a_things_state(masked, begin, end)
        for found in sorted(links, key=lambda h: (h.start, -h.end)):
            if p >= DISMISS_AT and not (thing and p < CONFIRM_AT):
                add(Hit(found.start, found.end, found.kind, p >= CONFIRM_AT, p))
        if links or thing:
            continue
        if p >= warn_at and learned.MIN_TOKENS <= len(toks) <= learned.MAX_TOKENS:
            start, stop = learned.strongest(toks)
            add(Hit(begin + start, begin + stop, learned.kind(feats), False, p))
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", masked, re.IGNORECASE):
            add(Hit(match.start(), match.end(), "phrase"))
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
