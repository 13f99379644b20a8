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
import itertools
import json
import math
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any, NamedTuple

from hindsight.language.people import MARK, PERSON_HINT, name_strength

WEIGHTS = "blame-model.json"
#: the sentences a warning of the second opinion is given on, in tokens: the labelled sentences
#: it learned from are one sentence of prose, not a table row, a log or a list run together
MIN_TOKENS, MAX_TOKENS = 4, 50

#: a token: an @handle, a word (with its apostrophes and inner dots or hyphens), or a mark
#: that changes how a sentence reads (a question, a quote, a colon of a label)
_TOKEN = re.compile(rf"@[\w.-]+|[\w{MARK}](?:[\w{MARK}'’.-]*[\w{MARK}])?|[?!:;\"“”]")
_NUMBER = re.compile(r"\d[\d:.,]*[a-z]{0,3}$")
#: a crude stem: "ignoring", "ignored", "ignores" all weigh as "ignor"
_SUFFIX = re.compile(r"(?:ing|ed|es|s|ly|er|ers)$")
#: tokens that are no features alone, only beside others: a person named, a question. The
#: labelled sentences name people and ask questions far more often when they blame than
#: real postmortems do, where most names are in bylines, thanks and timelines, and most
#: questions are asked in earnest; the words around them tell blame, not they.
_ALONE = frozenset({"<p>", "?"})


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
    return (
        end - begin >= 16
        and text[begin:end].lstrip()[:1] not in ("#", "|")  # a heading or a table row
        and PERSON_HINT.search(text, begin, end) is not None
    )


#: a capitalised word made the subject of a copula that tells a state: "Mempool is back to
#: zero", "Bifrost was empty again", "Heimdall is healthy"; a component, whatever its name
_STATE_SUBJECT = re.compile(
    r"\s*(?:the\s+)?([A-Z][\w-]*)\s+(?:is|was|are|were|(?:has|have|had)\s+been)\s+"
    r"(?:(?:now|still|again|finally|fully|mostly|almost|all|completely|back)\s+)*"
    r"(?:back|empty|zero|healthy|unhealthy|up|down|full|green|red|stable|fine|ok|okay|"
    r"online|offline|available|unavailable|idle|stale|degraded|running|stopped|drained|"
    r"draining|recovered|restored|clear|clean|normal|nominal|saturated|overloaded|"
    r"read-only|live|gone|responsive|unresponsive|reachable|unreachable|at\s+<?\d|at\s+capacity)\b"
)


def a_things_state(text: str, begin: int, end: int) -> bool:
    """Whether the sentence ``text[begin:end]`` tells the state of a thing, not what a person
    did: its subject a capitalised word no one is known by (``Mempool``, not ``Amara``) before
    a copula and a state ("is back to zero", "was empty"), and no other person in sight. The
    second opinion reads any unknown capitalised word as a person; this overrules it for a
    warning (a rule's sure finding stands)."""
    match = _STATE_SUBJECT.match(text, begin, end)
    if match is None or name_strength(match.group(1)) >= 2:
        return False
    return PERSON_HINT.search(text, match.end(1), end) is None


@functools.lru_cache(maxsize=1)
def classes() -> dict[str, str]:
    """Each one-word form of the lexicon and of the people's nouns -> its class.

    The classes let what one writer's words taught carry over to another's: a fault verb,
    noun or judgement the labelled sentences never used weighs as its class does.
    """
    from hindsight.language import lexicon as lx
    from hindsight.language import people

    out: dict[str, str] = {}
    for name, forms in (
        ("person", (*people.PRONOUNS_PERSON, *people.ROLE_NOUNS, *people.TEAM_NOUNS)),
        ("check", lx.CHECK_FORMS),
        ("weak", lx.AGENT_WEAK_FORMS),
        ("cause", lx.AGENT_CAUSE_FORMS),
        ("strong", lx.AGENT_STRONG_FORMS),
        ("accountable", lx.ACCOUNTABLE_VERB_FORMS),
        ("fault", lx.FAULT_NOUNS),
        ("character", lx.CHARACTER),
        ("cognitive", (*lx.COGNITIVE_FORMS, *lx.COGNITIVE_ADVERBS, *lx.COGNITIVE_STATES)),
    ):
        for form in forms:
            if re.fullmatch(r"[a-z'-]+", form):
                out[form] = name
    return out


def features(forms: list[str], signals: Iterable[str]) -> list[str]:
    """The features of a sentence: its words and word pairs, as written and stemmed, the classes
    of its words (and a person's class next to a fault's), and the analysis's signals."""
    out = [f"w:{w}" for w in forms if w not in _ALONE]
    out.extend(f"b:{a} {b}" for a, b in zip(["^", *forms], [*forms, "$"]) if b != "$" or a != "?")
    stems = [_SUFFIX.sub("", w) if len(w) > 4 else w for w in forms]
    out.extend(f"t:{w}" for w in stems if w not in _ALONE)
    out.extend(f"u:{a} {b}" for a, b in itertools.pairwise(stems))
    known = classes()
    kinds = ["person" if w == "<p>" else known.get(w) for w in forms]
    for i, k in enumerate(kinds):
        if k is None or k == "person":
            continue
        out.append(f"x:{k}")
        if "person" in kinds[max(0, i - 3) : i]:
            out.append(f"x:person {k}")
        if "person" in kinds[i + 1 : i + 4]:
            out.append(f"x:{k} person")
    out.extend(f"s:{s}" for s in signals if s != "person")
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


def read(sentence: str) -> tuple[list[Token], list[str]]:
    """The tokens and features of a sentence (quotes masked), as training and scoring read it."""
    from hindsight.folding import folded
    from hindsight.language.clauses import signals

    toks = tokens(sentence)
    forms = [t.form for t in toks]
    return toks, features(forms, signals(sentence, folded(sentence), 0, len(sentence)))


class Opinion(NamedTuple):
    """What the second opinion says of a sentence, and the tokens and features it read."""

    probability: float
    tokens: tuple[Token, ...]
    features: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def opinion(sentence: str) -> Opinion:
    """:func:`probability` of a sentence, kept: postmortems share sentences (template text,
    timeline lines, a paragraph repeated), and each is read once a process."""
    toks, feats = read(sentence)
    return Opinion(probability(feats), tuple(toks), tuple(feats))


def probability(feats: Iterable[str]) -> float:
    """How likely the sentence with these features is to read as blame (0 to 1).

    Each distinct feature counts once, and the sum is divided by the square root of their
    number (the features have unit length, as in training): a long sentence does not add up
    to blame by its length alone.
    """
    m = model()
    weights = m.weights
    distinct = set(feats)
    z = m.bias + sum(weights.get(f, 0.0) for f in distinct) / math.sqrt(len(distinct) or 1)
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def kind(feats: Iterable[str]) -> str:
    """The kind of blame (one of :data:`hindsight.language.KINDS`) the sentence most likely holds."""
    m = model()
    scores = list(m.kind_bias)
    for f in feats:
        row = m.kind_weights.get(f)
        if row is not None:
            scores = [s + w for s, w in zip(scores, row)]
    return m.kinds[scores.index(max(scores))]


def strongest(toks: tuple[Token, ...], width: int = 5) -> tuple[int, int]:
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
