"""A learned second opinion on a sentence: how likely it is to read as blame, from its tokens.

The rules (:mod:`.clauses`) say where a person is tied to a fault. This module says how
likely a reviewer is to read a sentence as blame, from what the labelled sentences of
``tests/language/data`` taught a logistic regression: the sentence's words and word pairs
(names, @handles and known people made one placeholder, numbers another) and the
analysis's own signals (which kind of rule fired, a person in sight, a negation, a repair,
a reason the text gives, text about blame itself).

The weights are :data:`WEIGHTS` beside this module, written by ``python -m
hindsight.language.train`` (scikit-learn, a training-only extra) and read here with the
standard library only, once, the first time a sentence needs them. A score is a sum of the
weights of the sentence's features: a few microseconds.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any, NamedTuple

from hindsight.language.people import MARK, PERSON_HINT, name_strength

WEIGHTS = "blame-model.json"

#: a token: an @handle, a word (with its apostrophes and inner dots or hyphens), or a mark
#: that changes how a sentence reads (a question, a quote, a colon of a label)
_TOKEN = re.compile(rf"@[\w.-]+|[\w{MARK}](?:[\w{MARK}'’.-]*[\w{MARK}])?|[?!:;\"“”]")
_NUMBER = re.compile(r"\d[\d:.,]*[a-z]{0,3}$")


class Token(NamedTuple):
    """One token of a sentence: its feature form and where it is."""

    form: str
    start: int
    end: int


def tokens(text: str, begin: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[begin:end]``, read once: people made ``<p>``, numbers ``<n>``, the rest lower case."""
    found = []
    for m in _TOKEN.finditer(text, begin, len(text) if end is None else end):
        word = m.group()
        if word[0] == "@" or MARK in word:
            form = "<p>"
        elif word[0].isdigit() and _NUMBER.match(word):
            form = "<n>"
        elif word[0].isupper() and not word.isupper() and name_strength(word) >= 1:
            form = "<p>"
        else:
            form = word.lower().replace("’", "'")
        found.append(Token(form, m.start(), m.end()))
    return found


def worth_reading(text: str, begin: int, end: int) -> bool:
    """Whether a sentence the rules pass may still read as blame: it names someone and says something."""
    return end - begin >= 16 and PERSON_HINT.search(text, begin, end) is not None


def features(forms: list[str], signals: Iterable[str]) -> list[str]:
    """The features of a sentence: its words, its word pairs and the analysis's signals."""
    out = [f"w:{w}" for w in forms]
    out.extend(f"b:{a} {b}" for a, b in zip(["^", *forms], [*forms, "$"]))
    out.extend(f"s:{s}" for s in signals)
    return out


class Model(NamedTuple):
    """The weights of the two models: blame or not, and which kind of blame."""

    bias: float
    weights: dict[str, float]
    kinds: tuple[str, ...]
    kind_bias: tuple[float, ...]
    kind_weights: dict[str, tuple[float, ...]]
    data: dict[str, str]


@functools.lru_cache(maxsize=1)
def model() -> Model:
    """The shipped weights, read the first time a sentence is scored."""
    raw: dict[str, Any] = json.loads(
        resources.files("hindsight.language").joinpath(WEIGHTS).read_text(encoding="utf-8")
    )
    kinds = raw["kinds"]
    return Model(
        raw["bias"],
        raw["weights"],
        tuple(kinds["classes"]),
        tuple(kinds["bias"]),
        {k: tuple(v) for k, v in kinds["weights"].items()},
        raw["data"],
    )


def probability(feats: list[str]) -> float:
    """How likely the sentence with these features is to read as blame (0 to 1)."""
    m = model()
    weights = m.weights
    z = m.bias + sum(weights.get(f, 0.0) for f in feats)
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def kind(feats: list[str]) -> str:
    """The kind of blame (one of :data:`hindsight.language.KINDS`) the sentence most likely holds."""
    m = model()
    scores = list(m.kind_bias)
    for f in feats:
        row = m.kind_weights.get(f)
        if row is not None:
            scores = [s + w for s, w in zip(scores, row)]
    return m.kinds[scores.index(max(scores))]


def strongest(toks: list[Token], width: int = 5) -> tuple[int, int]:
    """Where the words that weigh most towards blame are: the run of ``width`` tokens whose
    words and word pairs weigh most, the words to quote in a warning."""
    weights = model().weights
    forms = [t.form for t in toks]
    each = [
        weights.get(f"w:{form}", 0.0) + weights.get(f"b:{before} {form}", 0.0)
        for before, form in zip(["^", *forms], forms)
    ]
    width = min(width, len(toks))
    best = max(range(len(toks) - width + 1), key=lambda i: sum(each[i : i + width]))
    return toks[best].start, toks[best + width - 1].end
