"""The blame rules on the project's first labelled set, and on the places blame must not be looked for.

The larger sets, split into a tuned part and a frozen held-out third, are in tests/language/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.config import DEFAULT_SECTIONS, Settings
from hindsight.language import find
from hindsight.language.people import mask_names
from hindsight.language.sentences import mask_quotes
from hindsight.rules import blame

DATA = Path(__file__).parent / "data" / "blame.tsv"
PEOPLE = {
    "dana": "Dana Whitfield",
    "lee": "Lee Okafor",
    "sam": "Sam Ferreira",
    "priya": "Priya Raman",
    "tomas": "Tomás Novák",
    "kenji": "Kenji Watanabe",
    "ines": "Inês Duarte",
    "ruth": "Ruth Adeyemi",
}


def _labelled() -> list[tuple[bool, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, sentence = line.split("\t", 1)
            assert label in ("B", "N"), line
            rows.append((label == "B", sentence))
    return rows


@pytest.fixture(scope="module")
def names() -> tuple[str, ...]:
    return blame.people_names(
        Settings(root=Path("."), people=PEOPLE, sections=DEFAULT_SECTIONS), None
    )


def codes(text: str, names: tuple[str, ...]) -> list[str]:
    return [blame.CODES[h.kind] for h in blame.find(text, names)]


def test_the_labelled_set_is_large_and_balanced() -> None:
    rows = _labelled()
    blameful = sum(b for b, _ in rows)
    assert len(rows) >= 150
    assert 0.4 <= blameful / len(rows) <= 0.6
    assert len({s for _, s in rows}) == len(rows), "a sentence is listed twice"


def test_recall_and_false_positive_rate(names: tuple[str, ...]) -> None:
    """Recall at least 0.95 on blameful sentences; at most 2% of the others flagged."""
    rows = _labelled()
    missed = [s for b, s in rows if b and not blame.find(s, names)]
    flagged = [s for b, s in rows if not b and blame.find(s, names)]
    recall = 1 - len(missed) / sum(b for b, _ in rows)
    false_rate = len(flagged) / sum(not b for b, _ in rows)
    assert recall >= 0.95, f"recall {recall:.3f}; missed: {missed}"
    assert false_rate <= 0.02, f"false positives {false_rate:.3f}: {flagged}"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Lee forgot to renew the certificate.", "HS301"),
        ("The outage was caused by human error.", "HS302"),
        ("Dana should have noticed the alert.", "HS303"),
        ("A careless change broke the build.", "HS304"),
        ("An intern accidentally deleted the production DNS zone.", "HS306"),
        ("It was Lee's oversight.", "HS307"),
        ("The storage team was at fault.", "HS308"),
    ],
)
def test_each_kind_has_its_code(names: tuple[str, ...], text: str, code: str) -> None:
    assert codes(text, names) == [code]


def test_a_finding_spans_the_phrase_and_says_its_kind_and_a_rewrite(names: tuple[str, ...]) -> None:
    text = "At 14:00 the on-call engineer ignored the page."
    (hit,) = blame.find(text, names)
    assert text[hit.start : hit.end] == "the on-call engineer ignored"
    message = blame.message(text, hit)
    assert message.startswith(
        'blameful wording "the on-call engineer ignored" (a person\'s attention or care'
    )
    assert "describe what made it easy to miss" in message


def test_configured_phrases_are_flagged_and_allowed_ones_are_not(names: tuple[str, ...]) -> None:
    assert codes("A Friday special took us down.", names) == []
    found = blame.find("A Friday special took us down.", names, ("friday special",))
    assert [h.kind for h in found] == ["phrase"]
    assert (
        blame.find("The on-call engineer ignored the page.", names, (), ("engineer ignored",)) == []
    )


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Bob forgot to renew the domain.", True),  # any given name, not only the archive's people
        (
            "Brannigan forgot to renew the domain.",
            True,
        ),  # a capitalised word where only a person stands
        ("Kafka forgot nothing: the offsets were committed.", False),
        ("Replication broke when the primary ran out of disk.", False),
        ("Nobody forgot anything.", False),
        ("The scheduler ignored the lock.", False),
        ("Amara deleted the stale snapshots to free the disk.", False),  # a repair
        ("Amara deleted the wrong bucket.", True),
        ("Every alert should have a runbook.", False),  # a requirement
        ("This should have been caught in review.", True),  # agentless hindsight about people
        ("This should have been caught by the linter.", False),
        ("No single person caused this outage.", False),
    ],
)
def test_people_are_found_by_shape_and_systems_are_not_people(
    names: tuple[str, ...], text: str, flagged: bool
) -> None:
    assert bool(blame.find(text, names)) is flagged, blame.find(text, names)


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Dana Whitfield forgot", "\x01" * 14 + " forgot"),  # the longest name first
        ("dana forgot", "\x01" * 4 + " forgot"),
        ("(Dana) forgot", "(" + "\x01" * 4 + ") forgot"),
        ("@dana forgot", "@dana forgot"),  # an @mention is a person already
        ("xdana and dana-x and dana_x", "xdana and dana-x and dana_x"),  # parts of other words
        ("Dana's change", "\x01" * 4 + "'s change"),
        ("'quoted' and it's \"Dana\"", "         and it's       "),
        (
            "ran `Dana forgot` here",
            "ran               here",
        ),  # code spans are other people's words too
    ],
)
def test_names_and_quotes_are_masked_only_where_they_stand_alone(text: str, masked: str) -> None:
    names = ("dana", "Dana", "Dana Whitfield")
    assert mask_names(mask_quotes(text), names) == masked


@pytest.mark.parametrize(
    "text, code",
    [
        ("HUMAN ERROR again", "HS302"),
        ("the on-call engineer FORGOT to check", "HS301"),
        ("\u017floppy work by the team", "HS304"),  # long s
        ("It was Dana\u2019s own mistake.", "HS307"),  # a typographic apostrophe before the fault
    ],
)
def test_wording_in_any_case_gets_past_the_prefilter(
    names: tuple[str, ...], text: str, code: str
) -> None:
    assert codes(text, names) == [code]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # what HS308's documentation says it flags, and what it says it leaves alone
        ("The buck stops with Amara.", "accountability"),
        ("The outage happened on Amara's watch.", "accountability"),
        ("The failed orders can be chalked up to the night shift.", "accountability"),
        ("Fault: Amara", "accountability"),
        ("Heads should roll after this.", "accountability"),
        ("Amara was removed from the organisation.", None),
        ("Amara is responsible for the billing service.", None),
        ("Amara should be removed from the on-call rotation.", "accountability"),
    ],
)
def test_the_accountability_frames_the_rule_documents(text: str, kind: str | None) -> None:
    assert [hit.kind for hit in find(text)] == ([kind] if kind else [])


@pytest.mark.parametrize(
    "text", ["The fault is Ottoline's alone.", "The blunder that broke billing was Amara's."]
)
def test_a_fault_owned_after_a_copula_is_the_owners(text: str) -> None:
    """The owner is read after the last copula (the reader stopped with an AttributeError)."""
    assert [hit.kind for hit in find(text)] == ["fault"]


@pytest.mark.parametrize(
    "text",
    [
        "The service was broken by Redis.",
        "The database was wiped by Terraform.",
        "The cluster was taken down by Friday's deploy.",
    ],
)
def test_a_by_phrase_that_names_no_person_is_no_finding(text: str) -> None:
    """No finding, where there was one with no kind, which no code or message could be given."""
    assert find(text) == []
