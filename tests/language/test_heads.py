"""Trying each fault expression only where it can begin finds exactly what the whole pattern finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hindsight.folding import folded
from hindsight.language import clauses, heads
from hindsight.language.heads import Dispatch, branches, fingerprint, starts

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"forgot|forget", {"for"}),
        (r"\bif(?: only)?\s+x", {"if", "if "}),
        (r"(?:the\s+)?blame", {"the", "bla"}),
        (r"(?:^|(?<=[.;]\s))had\s+x", {"had"}),
        (r"[ab]cd", {"acd", "bcd"}),
        (r"(?:ab)+c", {"ab"}),
        (r"a?b", {"a", "b"}),
        (r"'s\b", {"'s"}),
    ],
)
def test_the_beginnings_of_a_pattern_are_read_from_it(pattern: str, expected: set[str]) -> None:
    assert starts(pattern, depth=3) == expected


@pytest.mark.parametrize("pattern", [r"\s*had", r".*x", r"\w+ed", r"(?:a|)b?", r"[^,]{1,5}x"])
def test_a_pattern_that_may_begin_anywhere_has_no_beginnings(pattern: str) -> None:
    assert starts(pattern, depth=3) is None


def test_branches_split_at_the_top_level_only() -> None:
    assert branches(r"a|(b|c)|[|]d|e\|f") == ["a", "(b|c)", "[|]d", r"e\|f"]


def _sentences() -> list[str]:
    out = []
    for path in sorted(DATA.glob("blame-*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            sentence = line.split("\t")[2]
            out += [sentence, sentence.upper(), f"Note: {sentence.lower()}  Had X. 's"]
    return out


def test_dispatch_finds_what_the_whole_pattern_finds() -> None:
    alternatives = clauses.alternatives()
    whole = re.compile(f"{clauses._GUARD}(?:{'|'.join(alternatives)})")
    dispatch = Dispatch(clauses._GUARD, alternatives)
    assert dispatch.candidates is not None, "every expression's beginnings can be read"
    for sentence in _sentences():
        lowered = folded(sentence)
        expected = [(m.span(), m.lastgroup) for m in whole.finditer(lowered, 0, len(lowered))]
        found = [(m.span(), m.lastgroup) for m in dispatch.finditer(lowered, 0, len(lowered))]
        assert found == expected, sentence


def test_the_shipped_beginnings_are_those_of_the_patterns() -> None:
    """starts.json spares every run reading the patterns; ``python -m hindsight.language.clauses``."""
    shipped = json.loads(
        (Path(clauses.__file__).with_name(clauses.STARTS)).read_text(encoding="utf-8")
    )
    current = {
        fingerprint(alternative, heads.DEPTH): sorted(starts(alternative, heads.DEPTH) or ())
        for alternative in clauses.alternatives()
    }
    assert shipped == current, "run: python -m hindsight.language.clauses"
