"""Train the second opinion (:mod:`.learned`) on the tuned labelled sentences; write its weights.

    pip install -e ".[train]"
    python -m hindsight.language.train [--data tests/language/data] [--report]

Reads every ``blame-tune*.tsv`` of the data folder (never ``blame-heldout.tsv``, which is
frozen and only measures), reads each sentence as the blame rules do (quotes masked, no
people known, the rules' findings as signals), and fits two logistic regressions with
scikit-learn: blame or not on every sentence, and the kind on the blameful ones. The
weights are written, rounded, to ``blame-model.json`` beside :mod:`.learned`, with the
SHA-256 of each file trained on, so a test can tell when the data changed and the weights
did not. The fit is deterministic (lbfgs, no sampling): training again on the same data
writes the same file.

``--report`` prints, from 5-fold predictions on the tuned part (each sentence scored by a
model that did not see it), recall and false alarms at a few thresholds: what
:data:`hindsight.language.CONFIRM_AT` and ``WARN_AT`` were chosen from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from hindsight.folding import folded
from hindsight.language import learned
from hindsight.language.clauses import link, signals
from hindsight.language.sentences import mask_quotes, sentences

DATA = Path(__file__).parents[3] / "tests" / "language" / "data"
#: the regularisation of both models (inverse strength), chosen on 5-fold predictions
C = 1.0
#: a feature is kept when this many sentences have it
MIN_COUNT = 2
#: the data's kinds of blame, as the rules name them ('subject' is any kind: not a class)
KIND_OF = {
    "agent": "agent",
    "fault-noun": "fault",
    "accountability": "accountability",
    "cognitive": "cognitive",
    "character": "character",
    "counterfactual": "counterfactual",
}


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[0] != "label\tkind\tsentence":
        raise SystemExit(f"{path}:1: expected the header 'label<TAB>kind<TAB>sentence'")
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


def sentence_features(sentence: str) -> list[str]:
    """A labelled sentence's features, read as :func:`hindsight.language.weigh` reads a sentence."""
    masked = mask_quotes(sentence)
    lowered = folded(masked)
    forms = [t.form for t in learned.tokens(masked)]
    return learned.features(forms, signals(masked, lowered, 0, len(masked)))


def ruled_by(sentence: str) -> bool:
    """Whether the rules find blame in a labelled sentence."""
    masked = mask_quotes(sentence)
    lowered = folded(masked)
    return any(link(masked, span, lowered) for span in sentences(masked))


def _fit(rows: list[set[str]], labels: list[str], vocabulary: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np
    from scipy.sparse import lil_matrix
    from sklearn.linear_model import LogisticRegression

    index = {f: i for i, f in enumerate(vocabulary)}
    x = lil_matrix((len(rows), len(vocabulary)), dtype=np.float64)
    for r, feats in enumerate(rows):
        for f in feats:
            if f in index:
                x[r, index[f]] = 1.0
    fitted = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, tol=1e-8)
    fitted.fit(x.tocsr(), labels)
    return fitted


def _vocabulary(rows: list[set[str]]) -> list[str]:
    counts: dict[str, int] = {}
    for feats in rows:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    return sorted(f for f, n in counts.items() if n >= MIN_COUNT)


def train(data: Path) -> dict[str, object]:
    """The weights, as :func:`hindsight.language.learned.model` reads them."""
    files = sorted(data.glob("blame-tune*.tsv"))
    rows = [row for path in files for row in read_rows(path)]
    feats = [set(sentence_features(s)) for _, _, s in rows]
    vocabulary = _vocabulary(feats)
    blame = _fit(feats, [label for label, _, _ in rows], vocabulary)
    positive = list(blame.classes_).index("blame")
    sign = 1 if positive == 1 else -1
    weights = {
        f: round(sign * float(w), 4)
        for f, w in zip(vocabulary, blame.coef_[0])
        if abs(round(float(w), 4)) > 0
    }
    kinds_rows = [(f, KIND_OF[k]) for f, (label, k, _) in zip(feats, rows) if k in KIND_OF]
    kind_feats = [{f for f in fs if not f.startswith("b:")} for fs, _ in kinds_rows]
    kind_vocabulary = _vocabulary(kind_feats)
    kinds = _fit(kind_feats, [k for _, k in kinds_rows], kind_vocabulary)
    return {
        "about": "hindsight.language.learned: written by python -m hindsight.language.train",
        "data": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
        "bias": round(sign * float(blame.intercept_[0]), 4),
        "weights": weights,
        "kinds": {
            "classes": [str(c) for c in kinds.classes_],
            "bias": [round(float(b), 4) for b in kinds.intercept_],
            "weights": {
                f: [round(float(w), 3) for w in column]
                for f, column in zip(kind_vocabulary, kinds.coef_.T)
                if any(abs(round(float(w), 3)) > 0 for w in column)
            },
        },
    }


def write(weights: dict[str, object], path: Path) -> None:
    text = json.dumps(weights, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def report(data: Path) -> None:
    """Recall and false alarms of rules and model together, from 5-fold predictions."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    rows = [row for path in sorted(data.glob("blame-tune*.tsv")) for row in read_rows(path)]
    feats = [set(sentence_features(s)) for _, _, s in rows]
    labels = np.array([label == "blame" for label, _, _ in rows])
    ruled = np.array([ruled_by(s) for _, _, s in rows])
    p = np.zeros(len(rows))
    folds = StratifiedKFold(5, shuffle=True, random_state=20261208)
    for train_at, test_at in folds.split(np.zeros(len(rows)), labels):
        part = [feats[i] for i in train_at]
        fitted = _fit(part, [str(labels[i]) for i in train_at], _vocabulary(part))
        vocabulary = _vocabulary(part)
        index = {f: i for i, f in enumerate(vocabulary)}
        true_at = list(fitted.classes_).index("True")
        for i in test_at:
            z = fitted.intercept_[0] + sum(fitted.coef_[0][index[f]] for f in feats[i] if f in index)
            p[i] = 1 / (1 + np.exp(-z)) if true_at == 1 else 1 / (1 + np.exp(z))
    blame, clean = labels, ~labels
    print(f"{len(rows)} sentences; rules alone: recall {ruled[blame].mean():.3f}, ", end="")
    print(f"false alarms {ruled[clean].mean():.3f}")
    for confirm in (0.2, 0.3, 0.4, 0.5):
        error = ruled & (p >= confirm)
        print(f"  confirm at {confirm}: errors recall {error[blame].mean():.3f}, ", end="")
        print(f"false alarms {error[clean].mean():.3f}")
    for warn in (0.5, 0.6, 0.7, 0.8, 0.9):
        flagged = ruled | (p >= warn)
        print(f"  warn at {warn}: any level recall {flagged[blame].mean():.3f}, ", end="")
        print(f"false alarms {flagged[clean].mean():.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--report", action="store_true", help="print 5-fold figures too")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(learned.WEIGHTS))
    args = parser.parse_args()
    if args.report:
        report(args.data)
    write(train(args.data), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
