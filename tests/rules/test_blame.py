"""The blame rules on a labelled set of sentences, and on the places blame must not be looked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hindsight.config import DEFAULT_SECTIONS, Settings
from hindsight.rules import blame
from hindsight.rules._base import any_of
from tests.rules._starts import starts

DATA = Path(__file__).parent / "data" / "blame.tsv"
PEOPLE = {"dana": "Dana Whitfield", "lee": "Lee Okafor", "sam": "Sam Ferreira", "priya": "Priya Raman",
          "tomas": "Tomás Novák", "kenji": "Kenji Watanabe", "ines": "Inês Duarte", "ruth": "Ruth Adeyemi"}


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
    return blame.people_names(Settings(root=Path("."), people=PEOPLE, sections=DEFAULT_SECTIONS), None)


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


@pytest.mark.parametrize("text, code", [
    ("Lee forgot to renew the certificate.", "HS301"),
    ("The outage was caused by human error.", "HS302"),
    ("Dana should have noticed the alert.", "HS303"),
    ("A careless change broke the build.", "HS304"),
])
def test_each_kind_has_its_code(names: tuple[str, ...], text: str, code: str) -> None:
    assert [h.code for h in blame.find(text, names)] == [code]


def test_a_finding_spans_the_phrase(names: tuple[str, ...]) -> None:
    text = "At 14:00 the on-call engineer ignored the page."
    (hit,) = blame.find(text, names)
    assert text[hit.start:hit.end] == "the on-call engineer ignored"


def test_configured_phrases_are_flagged_and_allowed_ones_are_not(names: tuple[str, ...]) -> None:
    assert [h.code for h in blame.find("A rookie mistake took us down.", names, ("rookie mistake",))] == ["HS305"]
    assert blame.find("The on-call engineer ignored the page.", names, (), ("engineer ignored",)) == []


def test_unknown_capitalised_names_with_plainly_human_verbs(names: tuple[str, ...]) -> None:
    assert [h.code for h in blame.find("Bob forgot to renew the domain.", names)] == ["HS301"]
    assert blame.find("Kafka forgot nothing: the offsets were committed.", names) == []
    assert blame.find("Nobody forgot anything.", names) == []


def test_the_starts_reader_sees_alternatives_groups_and_sets() -> None:
    assert starts(re.compile(r"\b(?:forgot|ignored)\b")) == {"fo", "ig"}
    assert starts(re.compile(r"(?i:(?P<had>had\s+)?(?:checked|Read))")) == {"ha", "ch", "re"}
    assert starts(re.compile(r"[Ll]ay|x\w")) == {"la", "x"}
    assert starts(re.compile(r"\w+")) == {""}


@pytest.mark.parametrize("pattern, letters", blame.SCANNED, ids=lambda p: getattr(p, "pattern", "")[:40])
def test_each_scanned_pattern_starts_with_the_letters_its_look_ahead_lets_through(
        pattern: re.Pattern[str], letters: tuple[str, ...]) -> None:
    # A start missing from the look-ahead would silently drop every finding beginning with it.
    uncovered = {s for s in starts(pattern) if not any(s.startswith(letter) for letter in letters)}
    assert not uncovered, f"add these to the pattern's starts: {sorted(uncovered)}"
    unused = {letter for letter in letters if not any(s.startswith(letter) for s in starts(pattern))}
    assert not unused, f"no match can start with {sorted(unused)}: drop them from its starts"


@pytest.mark.parametrize("text, found", [
    ("he made it", True), ("a mess", True), ("dismissed", True), ("the ma de", False), ("", False),
])
def test_prefilter_words_are_found_anywhere_in_the_text(text: str, found: bool) -> None:
    assert (any_of(("made", "mess", "mis", "miss")).search(text) is not None) is found
    assert any_of(("made", "mess", "mis", "miss")).pattern == "m(?:ade|ess|is)"


@pytest.mark.parametrize("text, masked", [
    ("Dana Whitfield forgot", "\x01" * 14 + " forgot"),  # the longest name first
    ("dana forgot", "\x01" * 4 + " forgot"),
    ("(Dana) forgot", "(" + "\x01" * 4 + ") forgot"),
    ("@dana forgot", "@dana forgot"),  # an @mention is a person already
    ("xdana and dana-x and dana_x", "xdana and dana-x and dana_x"),  # parts of other words
    ("Dana's change", "\x01" * 4 + "'s change"),
    ("'quoted' and it's \"Dana\"", "         and it's       "),
])
def test_names_and_quotes_are_masked_only_where_they_stand_alone(text: str, masked: str) -> None:
    names = ("dana", "Dana", "Dana Whitfield")
    assert blame._mask_names(blame._mask_quotes(text), names) == masked


@pytest.mark.parametrize("text, code", [
    ("HUMAN ERROR again", "HS302"),
    ("the on-call engineer FORGOT to check", "HS301"),
    ("Dana m\u0131ssed the alert.", "HS301"),  # dotless i: re ignoring case takes it for an i
    ("\u017floppy work by the team", "HS304"),  # long s
    ("It was Dana\u2019s own mistake.", "HS301"),  # a typographic apostrophe before the fault
])
def test_wording_in_any_case_gets_past_the_prefilters(names: tuple[str, ...], text: str, code: str) -> None:
    assert [h.code for h in blame.find(text, names)] == [code]
