"""The blame reading measured on labelled sentences: the tuned part and the frozen held-out third.

The rules were tuned on blame-tune*.tsv only; blame-heldout.tsv is never edited and never
tuned on (data/README.md). Each sentence is read as it would be in a clean postmortem, with
no people known to the archive, so that every name is found by its shape alone.

The floors below are the figures reached, not the goal: the goal is recall (error or
warning) >= 0.95, fair sentences flagged as errors <= 0.01 and at all <= 0.10 on the
held-out third and on each new writer's files before tuning. Raise them as the reading
improves; a change that lowers a figure fails here and says which sentences it lost.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from hindsight.language import find, prefilter, weigh
from hindsight.language.clauses import link

DATA = Path(__file__).parent / "data"
BLAME_KINDS = {
    "agent",
    "fault-noun",
    "accountability",
    "cognitive",
    "character",
    "counterfactual",
    "subject",
}
CLEAN_KINDS = {
    "neutral-person",
    "system-subject",
    "agentless",
    "fact",
    "negated-meta",
    "quoted",
    "requirement",
}
#: (recall at error or warning level at least, false alarms at error level at most, at any
#: level at most) reached on each part by the rules weighed by the second opinion (weigh)
FLOORS = {
    "blame-tune.tsv": (0.95, 0.005, 0.005),
    "blame-tune-2a.tsv": (0.98, 0.005, 0.005),
    "blame-tune-2b.tsv": (0.94, 0.005, 0.005),
    "blame-tune-2c.tsv": (0.88, 0.005, 0.005),
    "blame-tune-2d.tsv": (0.95, 0.005, 0.005),
    "blame-tune-2e.tsv": (0.89, 0.005, 0.01),
    "blame-tune-2f.tsv": (0.95, 0.005, 0.005),
    "blame-tune-2g.tsv": (0.92, 0.005, 0.005),
    "blame-tune-2h.tsv": (0.88, 0.005, 0.005),
    "blame-tune-3a.tsv": (0.73, 0.005, 0.025),
    "blame-tune-3b.tsv": (0.68, 0.005, 0.035),
    "blame-tune-3c.tsv": (0.77, 0.005, 0.035),
    "blame-tune-3d.tsv": (0.63, 0.005, 0.01),
    "blame-tune-3e.tsv": (0.75, 0.005, 0.01),
    "blame-tune-3f.tsv": (0.77, 0.005, 0.025),
    "blame-heldout.tsv": (0.82, 0.016, 0.025),
}
TUNE = tuple(name for name in FLOORS if name != "blame-heldout.tsv")


def rows(name: str) -> list[tuple[str, str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\tkind\tsentence"
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


def test_the_sets_are_large_balanced_and_disjoint() -> None:
    tune, held = [row for name in TUNE for row in rows(name)], rows("blame-heldout.tsv")
    assert len(tune) + len(held) >= 4000
    assert len({s for *_, s in tune}) == len(tune), "a sentence is twice in the tuned part"
    assert not {s for *_, s in tune} & {s for *_, s in held}, "a sentence is in both parts"
    for part in (tune, held):
        kinds = collections.Counter((label, kind) for label, kind, _ in part)
        assert {k for label, k in kinds if label == "blame"} == BLAME_KINDS
        assert {k for label, k in kinds if label == "clean"} == CLEAN_KINDS
    counts = collections.Counter((label, kind) for label, kind, _ in tune + held)
    assert min(counts.values()) >= 30, counts


@pytest.mark.parametrize("name", FLOORS)
def test_recall_and_false_alarms(name: str) -> None:
    data = rows(name)
    levels = {s: {h.sure for h in weigh(s)} for *_, s in data}
    missed = [s for label, _, s in data if label == "blame" and not levels[s]]
    errors = [s for label, _, s in data if label == "clean" and True in levels[s]]
    flagged = [s for label, _, s in data if label == "clean" and levels[s]]
    recall = 1 - len(missed) / sum(label == "blame" for label, _, _ in data)
    clean = sum(label == "clean" for label, _, _ in data)
    least, most_errors, most = FLOORS[name]
    assert recall >= least, f"recall {recall:.3f} < {least}; missed: {missed}"
    assert len(errors) / clean <= most_errors, f"errors {len(errors) / clean:.3f}: {errors}"
    assert len(flagged) / clean <= most, f"flagged {len(flagged) / clean:.3f}: {flagged}"


@pytest.mark.parametrize(
    "sentence",
    [
        "We have Amara to thank for the downtime.",
        "I hold Amara personally responsible for the outage.",
        "Amara took the site down.",
        "Amara left the admin port open to the internet.",
        "Amara let our domain registration lapse.",
        "Amara cut the power to the rack.",
        "Amara paid no attention to the disk alert.",
        "Amara took the green dashboard at face value.",
        "Amara falsely assumed the replica was in sync.",
        "This one is all on Amara's shoulders.",
        "The guilt for the outage sits with the storage group.",
        "We can pin the outage on Amara.",
        "The outage was down to the night shift.",
    ],
)
def test_the_prefilter_lets_through_every_construction_written_out_by_hand(sentence: str) -> None:
    """A sentence that only a hand-written construction flags still reaches the analysis.

    The prefilter is read from the patterns themselves (language/heads.py), so no list of
    words needs to be kept in step with them.
    """
    assert prefilter().search(sentence.lower()), sentence
    assert find(sentence), sentence


@pytest.mark.parametrize("name", FLOORS)
def test_the_prefilter_never_hides_what_the_analysis_finds(name: str) -> None:
    """The prefilter only saves time: on every labelled sentence, find() equals the analysis alone."""
    hidden = [
        s for *_, s in rows(name) if not prefilter().search(s.lower()) and link(s, (0, len(s)))
    ]
    assert not hidden, hidden
